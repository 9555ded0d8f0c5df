"""Issuing the signed trail of a completed instance: render, sign, store, record.

The worker's ``render_trail`` actor calls :func:`issue` once the command that completed an
instance has committed (an outbox row of kind ``trail`` says it is owed). Everything slow
happens outside any write transaction: the PDF is rendered from a read session, signed, and
written to the trails folder under its SHA-256; only then does one short transaction
(:func:`approvals.service.record_trail`) index it, record its SHA-256 in the audit chain,
notify the initiator and close the outbox row.

Idempotent: a trail is unique per completion, so a second delivery finds it and stops before
rendering, and two deliveries racing both render but only one is recorded (the other's file is
removed). Nothing is stored or recorded unless signing succeeded: a missing or broken key
fails with :class:`~approvals.core.errors.KeyProblem` naming the file, before anything is rendered.
A failure is written on the instance's ``trail`` outbox rows (attempts, error) for the
administrator — the worker's time limit too (Dramatiq raises it as a ``BaseException``), so a
render too slow to finish counts its attempts and ends; after ``max_attempts`` the rows are
marked failed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import select

from approvals import dispatch, service
from approvals.core.errors import NotFound
from approvals.keys import CERT_FILE, KEY_FILE, OrgKeys, load_keys
from approvals.store import filestore
from approvals.store.db import read_session, write_session
from approvals.store.models import AuditEvent, Instance, OutboxItem, Trail
from approvals.store.queries import process_of
from approvals.trail import read_facts, render_trail, sign_trail

log = logging.getLogger("signoff.trail")


@dataclass(frozen=True)
class Issued:
    trail_id: int | None  # None: nothing is owed (the instance is not completed)
    created: bool
    outbox_ids: list[int]


def issue(db, instance_id: int, *, keys_dir: Path, trails_dir: Path, now: datetime,
          location: str = "", tsa_url: str | None = None, max_attempts: int = 10) -> Issued:
    """Make sure the instance's latest completion has its signed, stored trail.

    Returns the trail's number and the outbox rows to hand to the workers (the initiator's
    notification). Any failure, an interruption included, is recorded on the ``trail`` outbox
    rows in a transaction of its own, then raised."""
    if not _claim(db, instance_id, now):
        log.info("trail of instance %s: another worker is making it", instance_id)
        return Issued(None, False, [])
    try:
        return _issue(db, instance_id, keys_dir, trails_dir, now, location, tsa_url)
    except BaseException as error:
        record_failure(db, instance_id, error, now, max_attempts)
        raise


def _claim(db, instance_id: int, now: datetime) -> bool:
    """Hold the instance's pending ``trail`` rows for this worker; False when another worker
    holds them (its lease, :data:`approvals.dispatch.TRAIL_LEASE`, has not lapsed), so that
    one render runs at a time. With no pending row (a direct call) there is nothing to hold."""
    with write_session(db) as session:
        rows = session.exec(select(OutboxItem).where(
            OutboxItem.instance_id == instance_id, OutboxItem.kind == "trail",
            OutboxItem.state == "pending").with_for_update()).all()
        lapsed = now - dispatch.TRAIL_LEASE
        if rows and all(r.claimed_at is not None and r.claimed_at >= lapsed for r in rows):
            return False
        for row in rows:
            row.claimed_at = now
            session.add(row)
        return True


def _issue(db, instance_id: int, keys_dir: Path, trails_dir: Path, now: datetime,
           location: str, tsa_url: str | None) -> Issued:
    with read_session(db) as session:
        instance = session.get(Instance, instance_id)
        if instance is None:
            raise NotFound(f"instance {instance_id} not found", instance=instance_id)
        status = instance.status
        completion = session.exec(select(AuditEvent.seq, AuditEvent.at).where(
            AuditEvent.instance_id == instance_id, AuditEvent.kind == "completed")
            .order_by(AuditEvent.seq.desc())).first()
        existing = None
        if completion is not None:
            existing = session.exec(select(Trail.id).where(
                Trail.instance_id == instance_id,
                Trail.completion_seq == completion[0])).first()
        process_name = process_of(session, instance).name.en
    if status != "completed" or completion is None:
        with write_session(db) as session:
            service.close_trail_rows(session, instance_id, now,
                                     note=f"no trail: the instance is {status}")
        return Issued(None, False, [])
    if existing is not None:  # a second delivery: the trail is there
        with write_session(db) as session:
            service.close_trail_rows(session, instance_id, now)
        return Issued(existing, False, [])

    keys = organisation_keys(keys_dir)  # before rendering: a key problem costs nothing
    with read_session(db) as session:
        pdf = render_trail(session, instance_id, provisional=False, generated_at=now)
    signed = sign_trail(pdf, keys, reason=reason(instance_id, process_name),
                        location=location, tsa_url=tsa_url)
    facts = read_facts(signed)
    if facts is None or facts.provisional or facts.instance_id != instance_id:
        raise RuntimeError(f"the signed trail of instance {instance_id} does not carry its "
                           "final trail data; it was not stored")
    stored = filestore.put(trails_dir, signed)
    record = service.record_trail(
        db, instance_id, completion_seq=completion[0], completed_at=completion[1],
        sha256=stored.sha256, size=stored.size, path=stored.path,
        chain_head=facts.chain_head, event_count=facts.event_count, now=now,
        problems=facts.problems or None)
    if not record.created:
        _discard_unless_indexed(db, trails_dir, stored)
    else:
        log.info("trail %s of instance %s stored: %s (%d bytes)", record.trail_id,
                 instance_id, stored.sha256, stored.size)
        if facts.problems:
            log.warning("trail %s of instance %s shows problems marked: %s", record.trail_id,
                        instance_id, facts.problems)
    return Issued(record.trail_id, record.created, record.outbox_ids)


_keys_cache: dict[Path, tuple[tuple, OrgKeys]] = {}


def organisation_keys(keys_dir: Path) -> OrgKeys:
    """:func:`load_keys`, read again only when the key or certificate file changed (checking
    an RSA key as it is loaded takes longer than signing with it)."""
    keys_dir = Path(keys_dir)
    try:
        stamp = tuple((s.st_mtime_ns, s.st_size, s.st_ino) for s in (
            (keys_dir / name).stat() for name in (KEY_FILE, CERT_FILE)))
    except OSError:
        return load_keys(keys_dir)  # names the missing file
    cached = _keys_cache.get(keys_dir)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    keys = load_keys(keys_dir)
    _keys_cache[keys_dir] = (stamp, keys)
    return keys


def reason(instance_id: int, process_name: str) -> str:
    """What the signature says the document is."""
    return f"Approval trail of instance No. {instance_id} ({process_name}), sealed by Signoff"


def _discard_unless_indexed(db, trails_dir: Path, stored: filestore.Stored) -> None:
    with read_session(db) as session:
        used = session.exec(select(Trail.id).where(Trail.sha256 == stored.sha256)).first()
    if used is None:
        filestore.discard(trails_dir, stored.path)


def record_failure(db, instance_id: int, error: BaseException, now: datetime,
                   max_attempts: int) -> None:
    """Write the attempt and its error on the instance's pending ``trail`` outbox rows."""
    text = f"{type(error).__name__}: {error}"[:2000]
    log.error("trail of instance %s failed: %s", instance_id, text)
    try:
        with write_session(db) as session:
            rows = session.exec(select(OutboxItem).where(
                OutboxItem.instance_id == instance_id, OutboxItem.kind == "trail",
                OutboxItem.state == "pending")).all()
            for row in rows:
                row.attempts += 1
                row.last_attempt_at = now
                row.last_error = text
                row.claimed_at = None  # let go: the sweep hands it on again
                if row.attempts >= max_attempts:
                    row.state = "failed"
                    # the completion notice it held goes out without the trail
                    service.send_held_notices(session, row, now)
                session.add(row)
    except Exception:  # noqa: BLE001 - the original error matters more
        log.exception("could not record the failure of instance %s's trail", instance_id)
