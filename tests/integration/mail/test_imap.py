"""The IMAP door against a real Dovecot (the session's ``imap_server``) and a migrated SQLite
database: the test puts mail into the mailbox over its own IMAP connection (``Sender``), as a
mail server delivering it would, and looks at what the reader stored and flagged."""

from __future__ import annotations

import logging
import re
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from imapclient import DELETED, SEEN, IMAPClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.config.mail import MailSettings
from approvals.core.errors import StoreUnavailable
from approvals.store.db import make_engine, read_session, upgrade
from approvals.store.models import InboundMessage
from mail import imap
from mail.imap import MailboxReader, serve
from mail.inbox import store
from tests.integration.mail.dovecot import Dovecot

USER = "signoff"
WAIT = 30.0  # generous: how long a test waits for something that should take a moment


class Sender:
    """The other side of the mailbox, on a connection of its own."""

    def __init__(self, server: Dovecot, user: str) -> None:
        self.client = IMAPClient(server.host, server.port, ssl=False, timeout=10)
        self.client.login(user, server.users[user])

    def append(self, raw: bytes, folder: str = "INBOX", flags: tuple[bytes, ...] = ()) -> int:
        """Put a message into ``folder``; its UID."""
        response = self.client.append(folder, raw, flags=flags)
        return int(re.search(rb"APPENDUID \d+ (\d+)", response).group(1))

    def flags(self, uid: int, folder: str = "INBOX") -> set[bytes]:
        self.client.select_folder(folder, readonly=True)
        return set(self.client.fetch([uid], ["FLAGS"])[uid][b"FLAGS"])

    def uids(self, folder: str = "INBOX") -> list[int]:
        self.client.select_folder(folder, readonly=True)
        return self.client.search("ALL")

    def uidvalidity(self, folder: str) -> int:
        return int(self.client.select_folder(folder, readonly=True)[b"UIDVALIDITY"])

    def close(self) -> None:
        try:
            self.client.logout()
        except (IMAPClient.Error, OSError):
            pass  # the server ended the session already (a test kicked it)

    def empty(self) -> None:
        """An empty INBOX and no other folder."""
        self.client.select_folder("INBOX")
        uids = self.client.search("ALL")
        if uids:
            self.client.delete_messages(uids, silent=True)
            self.client.expunge()
        self.client.unselect_folder()
        for _flags, _delimiter, name in self.client.list_folders():
            if name != "INBOX":
                self.client.delete_folder(name)


class Arrivals:
    """``on_stored`` for the tests: the ids it was called with, and a way to wait for them."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self._changed = threading.Condition()

    def __call__(self, inbound_id: int) -> None:
        with self._changed:
            self.ids.append(inbound_id)
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = WAIT) -> list[int]:
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.ids) >= count, timeout), \
                f"{len(self.ids)} of {count} messages stored after {timeout:g} s"
            return list(self.ids)


def message(subject: str, body: bytes = "Согласовано\r\n".encode("cp1251")) -> bytes:
    """A reply as it sits in a mailbox: CRLF lines, an 8-bit windows-1251 body."""
    return (
        "From: Anna Approver <anna@example.com>\r\n"
        "To: reply+token@signoff.localhost\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{secrets.token_hex(8)}@example.com>\r\n"
        "Date: Fri, 27 Nov 2026 10:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=windows-1251\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
    ).encode() + body


def rows(db: Engine) -> list[InboundMessage]:
    with read_session(db) as session:
        return list(session.exec(select(InboundMessage).order_by(InboundMessage.id)).all())


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'signoff.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def sender(imap_server: Dovecot) -> Iterator[Sender]:
    """The test user's mailbox, emptied for this test."""
    side = Sender(imap_server, USER)
    side.empty()
    yield side
    side.close()


@pytest.fixture
def settings(imap_server: Dovecot) -> MailSettings:
    return replace(MailSettings.from_env(), imap_host=imap_server.host,
                   imap_port=imap_server.port, imap_user=USER,
                   imap_password=imap_server.users[USER], imap_ssl=False, imap_folder="INBOX")


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 27, 10, 30, tzinfo=UTC)


@pytest.fixture
def arrivals() -> Arrivals:
    return Arrivals()


@pytest.fixture
def make_reader(settings: MailSettings, db: Engine,
                arrivals: Arrivals) -> Iterator[Callable[..., MailboxReader]]:
    """``make_reader(**options)``: a reader of the test mailbox into ``db``, closed at the end;
    options replace the constructor's arguments (``settings``, ``db``, ``move_to``, …)."""
    readers: list[MailboxReader] = []

    def make(**options) -> MailboxReader:
        reader = MailboxReader(options.pop("settings", settings), options.pop("db", db),
                               options.pop("on_stored", arrivals), **options)
        readers.append(reader)
        return reader

    yield make
    for reader in readers:
        reader.close()


@contextmanager
def running(reader: MailboxReader) -> Iterator[threading.Event]:
    """``reader.run_forever`` in a thread; the thread must end soon after the stop event."""
    stop = threading.Event()
    thread = threading.Thread(target=reader.run_forever, args=(stop,), daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(WAIT)
    assert not thread.is_alive(), "run_forever did not stop"


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout:g} s for {what}"
        time.sleep(0.05)


# --- one poll ------------------------------------------------------------------------------


def test_unseen_messages_are_stored_raw_then_marked_seen(sender, make_reader, db, arrivals):
    first, second = message("Re: Contract 12"), message("Re: Contract 13")
    uids = [sender.append(first), sender.append(second)]
    uidvalidity = sender.uidvalidity("INBOX")

    assert make_reader().poll_once() == 2

    stored = rows(db)
    assert [row.raw for row in stored] == [first, second]  # byte for byte
    assert [row.source_key for row in stored] == [
        f"imap:signoff@127.0.0.1/INBOX:{uidvalidity}:{uid}" for uid in uids]
    assert {(row.channel, row.envelope_to, row.state) for row in stored} == {
        ("imap", "signoff", "received")}
    assert stored[0].message_id is not None and stored[0].message_id in first.decode("cp1251")
    assert arrivals.ids == [row.id for row in stored]
    assert all(SEEN in sender.flags(uid) for uid in uids)


def test_a_message_is_marked_seen_only_after_its_row_is_committed(sender, make_reader, db):
    uid = sender.append(message("Re: Contract 12"))
    observed = []

    def on_stored(inbound_id: int) -> None:
        with read_session(db) as session:  # a session of its own sees only committed rows
            committed = session.get(InboundMessage, inbound_id) is not None
        observed.append((committed, SEEN in sender.flags(uid)))

    assert make_reader(on_stored=on_stored).poll_once() == 1
    assert observed == [(True, False)]
    assert SEEN in sender.flags(uid)


def test_a_message_read_again_is_not_stored_twice(sender, make_reader, db, arrivals):
    uid = sender.append(message("Re: Contract 12"))
    reader = make_reader()
    assert reader.poll_once() == 1
    assert reader.poll_once() == 0

    sender.client.select_folder("INBOX")
    sender.client.remove_flags([uid], [SEEN])  # someone marks it unread in their client
    assert reader.poll_once() == 0
    assert make_reader().poll_once() == 0  # a new reader (a restarted role) neither

    assert len(rows(db)) == 1 and len(arrivals.ids) == 1
    assert SEEN in sender.flags(uid)


def test_messages_already_seen_or_deleted_are_not_read(sender, make_reader, db):
    seen = sender.append(message("Read by a person"), flags=(SEEN,))
    deleted = sender.append(message("Deleted by a person"), flags=(DELETED,))

    assert make_reader().poll_once() == 0
    assert rows(db) == []
    assert SEEN not in sender.flags(deleted) and SEEN in sender.flags(seen)


def test_an_oversize_message_is_kept_as_its_headers_marked_too_large(
        sender, make_reader, settings, db, arrivals):
    big = message("Scan of the signed contract", b"x" * 76 + b"\r\n" * 200)
    small = message("Re: Contract 12")
    big_uid, small_uid = sender.append(big), sender.append(small)
    limit = len(big) - 1

    assert make_reader(settings=replace(settings, inbound_max_bytes=limit)).poll_once() == 2

    oversize, whole = rows(db)
    assert oversize.raw == big[:big.index(b"\r\n\r\n") + 4]  # the headers, nothing of the body
    assert (oversize.state, oversize.outcome) == ("received", None)  # the chain ends it
    assert oversize.reason == f"message of {len(big)} bytes is larger than the limit of " \
                              f"{limit} bytes"
    assert oversize.details == {"too_large": True, "size": len(big), "limit": limit}
    assert (whole.raw, whole.state, whole.outcome) == (small, "received", None)
    assert arrivals.ids == [oversize.id, whole.id]
    assert SEEN in sender.flags(big_uid) and SEEN in sender.flags(small_uid)


def test_an_oversize_message_stored_but_not_yet_marked_is_marked_when_read_again(
        sender, make_reader, settings, db, arrivals, now):
    big = message("Scan of the signed contract", b"x" * 76 + b"\r\n" * 200)
    uid = sender.append(big)
    reader = make_reader(settings=replace(settings, inbound_max_bytes=len(big) - 1))
    headers = big[:big.index(b"\r\n\r\n") + 4]
    # what a reader that stopped between storing the headers and closing the row left behind
    store(db, headers, channel="imap", now=now,
          source_key=reader.source_key(sender.uidvalidity("INBOX"), uid))

    assert reader.poll_once() == 0

    (row,) = rows(db)
    assert (row.raw, row.state, row.details["too_large"]) == (headers, "received", True)
    assert arrivals.ids == []
    assert SEEN in sender.flags(uid)


def test_a_message_stays_unseen_while_the_database_is_unavailable(
        sender, make_reader, db, arrivals, tmp_path):
    raw = message("Re: Contract 12")
    uid = sender.append(raw)
    url = f"sqlite:///{tmp_path / 'gone' / 'signoff.db'}"
    upgrade(url)
    gone = make_engine(url)
    shutil.rmtree(tmp_path / "gone")  # no pooled connection yet: the next one cannot open

    with pytest.raises(StoreUnavailable):
        make_reader(db=gone).poll_once()
    gone.dispose()
    assert SEEN not in sender.flags(uid)
    assert arrivals.ids == []

    assert make_reader().poll_once() == 1  # read again once a database answers
    assert [row.raw for row in rows(db)] == [raw]
    assert SEEN in sender.flags(uid)


def test_a_message_that_cannot_be_written_stays_unseen(sender, make_reader, db, tmp_path):
    """Read-only: the message is fetched (and the row looked up), then the insert fails."""
    uid = sender.append(message("Re: Contract 12"))
    path = tmp_path / "signoff.db"
    read_only = sa.create_engine("sqlite://", poolclass=sa.pool.NullPool, creator=lambda: (
        sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)))
    try:
        with pytest.raises(sa.exc.OperationalError, match="readonly"):
            make_reader(db=read_only).poll_once()
    finally:
        read_only.dispose()
    assert SEEN not in sender.flags(uid)
    assert rows(db) == []


def test_a_failing_on_stored_does_not_keep_the_message_unseen(sender, make_reader, db, caplog):
    uid = sender.append(message("Re: Contract 12"))

    def on_stored(inbound_id: int) -> None:
        raise ConnectionError("Redis is away")

    assert make_reader(on_stored=on_stored).poll_once() == 1
    assert len(rows(db)) == 1
    assert SEEN in sender.flags(uid)
    assert "on_stored failed" in caplog.text and "Redis is away" in caplog.text


def test_read_messages_are_moved_when_asked(sender, make_reader, db):
    uid = sender.append(message("Re: Contract 12"))

    assert make_reader(move_to="Processed").poll_once() == 1

    assert sender.uids("INBOX") == []
    (moved,) = sender.uids("Processed")
    assert SEEN in sender.flags(moved, "Processed")
    assert rows(db)[0].source_key.endswith(f"/INBOX:{sender.uidvalidity('INBOX')}:{uid}")


def test_a_recreated_mailbox_is_not_confused_with_the_old_one(
        sender, make_reader, settings, db):
    sender.client.create_folder("Replies")
    old = message("Before the mailbox was recreated")
    assert sender.append(old, "Replies") == 1
    old_validity = sender.uidvalidity("Replies")
    reader = make_reader(settings=replace(settings, imap_folder="Replies"))
    assert reader.poll_once() == 1

    sender.client.unselect_folder()
    sender.client.delete_folder("Replies")
    sender.client.create_folder("Replies")
    new = message("After the mailbox was recreated")
    assert sender.append(new, "Replies") == 1  # the same UID as the old message
    new_validity = sender.uidvalidity("Replies")
    assert new_validity != old_validity

    assert reader.poll_once() == 1
    assert [(row.raw, row.source_key) for row in rows(db)] == [
        (old, f"imap:signoff@127.0.0.1/Replies:{old_validity}:1"),
        (new, f"imap:signoff@127.0.0.1/Replies:{new_validity}:1")]


def test_a_reader_needs_a_host(settings, db, arrivals):
    with pytest.raises(ValueError, match="IMAP_HOST"):
        MailboxReader(replace(settings, imap_host=None), db, arrivals)


# --- running ---------------------------------------------------------------------------


def test_run_forever_picks_up_mail_that_arrives_while_it_idles(
        sender, make_reader, db, arrivals, caplog):
    caplog.set_level(logging.WARNING, logger="mail.imap")
    first = sender.append(message("Waiting when the reader started"))
    with running(make_reader()):
        arrivals.wait_for(1)
        wait_until(lambda: SEEN in sender.flags(first), "the first message to be marked")
        later = message("Arrived while the reader idled")
        second = sender.append(later)
        arrivals.wait_for(2)
        wait_until(lambda: SEEN in sender.flags(second), "the second message to be marked")
    assert rows(db)[1].raw == later
    assert caplog.records == []  # nothing went wrong on the way


def test_serve_reads_the_mailbox_until_stopped(sender, settings, db, arrivals, now):
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(settings, db, arrivals, stop),
                              kwargs={"clock": lambda: now}, daemon=True)
    thread.start()
    try:
        sender.append(message("Re: Contract 12"))
        arrivals.wait_for(1)
    finally:
        stop.set()
        thread.join(WAIT)
    assert not thread.is_alive()
    assert [row.received_at.replace(tzinfo=UTC) for row in rows(db)] == [now]


def test_mail_that_arrives_during_a_poll_is_not_left_for_the_next_renewal(
        sender, make_reader, db, arrivals):
    """The server announces it in its answer to the reader's STORE, not when IDLE starts."""
    later = message("Arrived while the reader was storing another")

    def on_stored(inbound_id: int) -> None:
        if not arrivals.ids:
            sender.append(later)
        arrivals(inbound_id)

    sender.append(message("Waiting when the reader started"))
    with running(make_reader(on_stored=on_stored)):
        arrivals.wait_for(2)
    assert rows(db)[1].raw == later


def test_run_forever_renews_its_idle(sender, make_reader, db, arrivals, caplog, monkeypatch):
    monkeypatch.setattr(imap, "IDLE_RENEW", 0.2)
    caplog.set_level(logging.DEBUG, logger="mail.imap")
    with running(make_reader()):
        wait_until(lambda: caplog.text.count("renewing the IDLE") >= 3, "three renewals")
        sender.append(message("Arrived between renewals"))
        arrivals.wait_for(1)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert len(rows(db)) == 1


def test_run_forever_polls_a_server_it_does_not_idle_with(sender, make_reader, db, arrivals):
    with running(make_reader(idle=False, poll_seconds=0.2)):
        sender.append(message("Found by a poll"))
        arrivals.wait_for(1)
    assert len(rows(db)) == 1


def test_run_forever_reconnects_after_the_server_drops_it(
        sender, make_reader, db, arrivals, imap_server, caplog):
    caplog.set_level(logging.WARNING, logger="mail.imap")
    with running(make_reader()):
        sender.append(message("Before the connection broke"))
        arrivals.wait_for(1)
        logins = imap_server.log().count("Login: user=<signoff>")
        imap_server.kick(USER)  # the reader's session and the sender's end
        again = Sender(imap_server, USER)
        try:
            again.append(message("After the connection broke"))
            arrivals.wait_for(2)
        finally:
            again.close()
    assert imap_server.log().count("Login: user=<signoff>") >= logins + 2  # sender and reader
    assert "retrying in 1 s" in caplog.text
    assert len(rows(db)) == 2


def test_run_forever_waits_out_an_unavailable_database(
        sender, make_reader, arrivals, tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="mail.imap")
    url = f"sqlite:///{tmp_path / 'db' / 'signoff.db'}"
    upgrade(url)
    engine = make_engine(url)
    (tmp_path / "db").rename(tmp_path / "away")  # the database is unreachable
    try:
        uid = sender.append(message("Sent while the database was down"))
        with running(make_reader(db=engine)):
            wait_until(lambda: "StoreUnavailable" in caplog.text, "a failed attempt")
            assert SEEN not in sender.flags(uid)
            (tmp_path / "away").rename(tmp_path / "db")  # it is back
            arrivals.wait_for(1)
        assert [row.source_key for row in rows(engine)] == [
            f"imap:signoff@127.0.0.1/INBOX:{sender.uidvalidity('INBOX')}:{uid}"]
        assert SEEN in sender.flags(uid)
    finally:
        engine.dispose()
