"""Rendering a provisional (unsigned) trail in the worker: the draft a reader asked for
(:mod:`approvals.records.drafts`), marked as provisional on every page.

One worker holds a draft at a time (a lease, so that one killed lets go); a failure — a time
limit included — counts as an attempt, and the draft fails for good after ``max_attempts``
(asked for again a minute later, it is tried afresh). Drafts of the instance's older chain
heads are discarded once a newer one is stored.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals import dispatch
from approvals.records.drafts import FOLDER
from approvals.store import audit, filestore
from approvals.store.db import read_session, write_session
from approvals.store.models import TrailDraft
from approvals.trail.render import render_trail

log = logging.getLogger(__name__)


def render_draft(db: Engine, draft_id: int, trails_dir: Path, now: datetime,
                 max_attempts: int = 3) -> bool:
    """Render and store draft ``draft_id``; False when there was nothing to do (done
    already, failed, or held by another worker)."""
    if not _claim(db, draft_id, now):
        return False
    try:
        with read_session(db) as session:
            draft = session.get(TrailDraft, draft_id)
            instance_id, locale = draft.instance_id, draft.locale
            pdf = render_trail(session, instance_id, provisional=True, locale=locale,
                               generated_at=now)
            _count, head = audit.head(session, instance_id)
        stored = filestore.put(trails_dir / FOLDER, pdf)
    except BaseException as error:  # a time limit too: counted, then raised again
        _failed(db, draft_id, f"{type(error).__name__}: {error}", max_attempts)
        raise
    stale = _done(db, draft_id, stored, now, head)
    for path in stale:
        filestore.discard(trails_dir / FOLDER, path)
    return True


def _claim(db: Engine, draft_id: int, now: datetime) -> bool:
    with write_session(db) as session:
        claimed = session.execute(update(TrailDraft).where(
            TrailDraft.id == draft_id, TrailDraft.state == "pending",
            or_(TrailDraft.claimed_at.is_(None),
                TrailDraft.claimed_at < now - dispatch.DRAFT_LEASE))
            .values(claimed_at=now, attempts=TrailDraft.attempts + 1))
        return claimed.rowcount == 1


def _failed(db: Engine, draft_id: int, error: str, max_attempts: int) -> None:
    log.error("provisional trail %s: %s", draft_id, error)
    with write_session(db) as session:
        draft = session.get(TrailDraft, draft_id, with_for_update=True)
        if draft is None or draft.state != "pending":
            return
        draft.error, draft.claimed_at = error[:2000], None
        if draft.attempts >= max_attempts:
            draft.state = "failed"
        session.add(draft)


def _done(db: Engine, draft_id: int, stored: filestore.Stored, now: datetime,
          head: str) -> list[str]:
    """Mark the draft rendered; returns the files of the drafts it makes stale (older heads
    of the same instance and language) — their rows are gone, their files are the caller's
    to discard when no other draft shares them."""
    with write_session(db) as session:
        draft = session.get(TrailDraft, draft_id, with_for_update=True)
        draft.state, draft.claimed_at, draft.error = "done", None, None
        draft.path, draft.sha256, draft.size = stored.path, stored.sha256, stored.size
        draft.rendered_at = now
        session.add(draft)
        older = session.exec(select(TrailDraft).where(
            TrailDraft.instance_id == draft.instance_id, TrailDraft.locale == draft.locale,
            TrailDraft.id != draft.id, TrailDraft.chain_head != head,
            TrailDraft.state != "pending")).all()
        paths = {d.path for d in older if d.path}
        for old in older:
            session.delete(old)
        session.flush()
        kept = set(session.exec(select(TrailDraft.path).where(
            TrailDraft.path.in_(paths))).all()) if paths else set()
        return sorted(paths - kept)
