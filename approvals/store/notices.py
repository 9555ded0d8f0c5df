"""A person's notifications: one per event, how many are unread, a page of them, marking read.

**One notice per event per person.** Completing an instance used to tell its initiator three
times within a second: the process's own completion message (``process_notice`` of
``on_complete``), ``instance_completed`` and, once the worker had signed it, ``trail_issued`` —
three rows on the page and three mails. The command that completes an instance now holds the
initiator's completion notices back, folded into one (:func:`fold_completion`), on the
instance's ``trail`` outbox row; the transaction that records the signed trail sends that one
notice with the trail's number (the mail carries the PDF), and the process's watchers get their
``trail_issued`` as before. When no trail comes of it (its render failed for good, or the
instance was reopened first), the held notice is sent as it is (:func:`held_rows`): it is never
lost and never sent twice, because it travels inside the outbox row that is closed exactly once.

**Unread.** ``read_at`` is NULL until the person opens the notification's link or marks it
read; the unread count is one COUNT over the partial index ``ix_notification_unread``
(person_id, only rows with ``read_at IS NULL``), so it costs the same with 10 or 100,000 read
notifications. "Mark all as read" takes the newest id the person saw (``up_to``): a
notification that arrived after they looked stays unread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, select

from approvals.store.models import Notification

#: The notices a completing command holds back for the signed trail: the engine's completion
#: notice and the process's own messages to the same person (``on_complete``).
COMPLETION = ("instance_completed", "instance_ended")
HELD_WITH_COMPLETION = frozenset({*COMPLETION, "process_notice"})
#: How many notifications a page shows unless asked otherwise, and at most.
PAGE_SIZE, MAX_PAGE_SIZE = 20, 100


def fold_completion(payloads: list[dict[str, Any]]) -> dict[str, Any] | None:
    """One notice of the payloads (``{"person", "template", "params"}``) a completing command
    addressed to one person: the completion notice, carrying the process's messages
    (``message``: one, in each language, the texts of several joined). None for none."""
    if not payloads:
        return None
    main = next((p for p in payloads if p["template"] in COMPLETION), payloads[0])
    params = dict(main["params"])
    messages = [p["params"].get("message") for p in payloads
                if p is not main and isinstance(p["params"].get("message"), dict)]
    if main["template"] == "process_notice" or not messages:
        return {**main, "params": params}
    if isinstance(params.get("message"), dict):
        messages.insert(0, params["message"])
    params["message"] = {locale: " ".join(m[locale] for m in messages if m.get(locale))
                         for locale in sorted({k for m in messages for k in m})}
    return {**main, "params": params}


def held_rows(payload: dict[str, Any], instance_id: int, now: datetime) -> list[dict[str, Any]]:
    """The ``notify`` outbox rows of the notices a ``trail`` row's ``payload`` holds, to send
    them as they are (no trail came of it)."""
    return [{"kind": "notify", "instance_id": instance_id, "created_at": now,
             "state": "pending", "attempts": 0, "payload": held}
            for held in payload.get("held") or []]


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class NoticePage:
    """One page of a person's notifications, newest first."""

    notes: list[Notification]
    total: int  # of the list asked for (all, or only the unread)
    unread: int
    page: int
    limit: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None

    @property
    def newest_id(self) -> int:
        return max((n.id for n in self.notes), default=0)


def unread_count(session: Session, person_id: int) -> int:
    """How many of the person's notifications are unread: one COUNT over the partial index."""
    return session.exec(select(func.count()).select_from(Notification).where(
        Notification.person_id == person_id, Notification.read_at.is_(None))).one()


def notice_page(session: Session, person_id: int, *, page: int = 1, limit: int | None = None,
                unread_only: bool = False) -> NoticePage:
    """A page of the person's notifications, newest first (by id: the order they arrived);
    ``limit`` of them (:data:`PAGE_SIZE` unless given)."""
    limit = max(1, min(limit or PAGE_SIZE, MAX_PAGE_SIZE))
    page = max(1, page)
    where = [Notification.person_id == person_id]
    unread = unread_count(session, person_id)
    if unread_only:
        where.append(Notification.read_at.is_(None))
        total = unread
    else:
        total = session.exec(select(func.count()).select_from(Notification)
                             .where(*where)).one()
    notes = list(session.exec(select(Notification).where(*where)
                              .order_by(Notification.id.desc())
                              .offset((page - 1) * limit).limit(limit)).all())
    return NoticePage(notes, total, unread, page, limit)


def newest_id(session: Session, person_id: int) -> int:
    """The id of the person's newest notification (0: none): what "mark all as read" marks up
    to, as the page showed it."""
    return session.exec(select(Notification.id).where(Notification.person_id == person_id)
                        .order_by(Notification.id.desc()).limit(1)).first() or 0


def own_notice(session: Session, person_id: int, note_id: int) -> Notification | None:
    """The notification ``note_id`` if it is the person's (anyone else's reads as missing)."""
    note = session.get(Notification, note_id)
    return note if note is not None and note.person_id == person_id else None


# ---------------------------------------------------------------------------- marking read


def mark_read(session: Session, person_id: int, note_id: int, now: datetime) -> bool:
    """Mark the person's notification read; False when it is not theirs or was read already."""
    done = session.connection().execute(update(Notification.__table__).where(
        Notification.__table__.c.id == note_id,
        Notification.__table__.c.person_id == person_id,
        Notification.__table__.c.read_at.is_(None)).values(read_at=now))
    return done.rowcount == 1


def mark_all_read(session: Session, person_id: int, now: datetime,
                  up_to: int | None = None) -> int:
    """Mark the person's unread notifications read — those up to id ``up_to`` when given (the
    newest they saw), so one that arrived meanwhile stays unread. Returns how many."""
    table = Notification.__table__
    where = [table.c.person_id == person_id, table.c.read_at.is_(None)]
    if up_to is not None:
        where.append(table.c.id <= up_to)
    return session.connection().execute(update(table).where(*where)
                                        .values(read_at=now)).rowcount

