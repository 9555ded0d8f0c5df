"""Provisional trails of running (or withdrawn) instances, asked for by readers and rendered
by the worker — never inside a web request, where one long instance could hold a server
thread for as long as its render takes.

A reader asks for the trail of the chain as it stands (its head, in their language). A draft
already rendered for that head is served at once; otherwise a :class:`TrailDraft` row is
made (or found) pending and its id returned, the caller hands it to the worker after the
commit (:func:`approvals.dispatch.start`), and the page says "being prepared" and looks
again. Any new event moves the chain's head, so the next reader gets a new draft; the worker
discards the drafts of older heads once a newer one is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.records.trails import TrailFile
from approvals.store import audit, filestore
from approvals.store.db import write_session
from approvals.store.models import TrailDraft

#: Where drafts are kept, under the trails folder (signed trails live beside, never mixed).
FOLDER = "drafts"
#: A failed draft is tried again when someone asks after this long.
RETRY_FAILED = timedelta(minutes=1)


@dataclass(frozen=True)
class DraftPending:
    """The draft is being made: ``draft_id`` to hand to the worker when ``start`` is true
    (newly asked for, or asked again after a failure)."""

    draft_id: int
    start: bool


def provisional_trail(db: Engine, instance_id: int, trails_dir: Path, locale: str,
                      now: datetime) -> TrailFile | DraftPending:
    """The rendered provisional trail of the instance's chain as it stands, in ``locale``,
    or the draft that is being made of it."""
    with write_session(db) as session:
        _count, head = audit.head(session, instance_id)
        draft = session.exec(select(TrailDraft).where(
            TrailDraft.instance_id == instance_id, TrailDraft.chain_head == head,
            TrailDraft.locale == locale).with_for_update()).first()
        if draft is None:
            draft = TrailDraft(instance_id=instance_id, chain_head=head, locale=locale,
                               requested_at=now)
            session.add(draft)
            session.flush()
            return DraftPending(draft.id, True)
        if draft.state == "done":
            found = (draft.path, draft.sha256, draft.rendered_at)
        elif draft.state == "failed" and draft.requested_at <= now - RETRY_FAILED:
            draft.state, draft.attempts, draft.requested_at = "pending", 0, now
            draft.claimed_at = draft.queued_at = None
            session.add(draft)
            return DraftPending(draft.id, True)
        else:
            return DraftPending(draft.id, False)
    path, sha256, rendered_at = found
    data = filestore.read(trails_dir / FOLDER, path, sha256)
    return TrailFile(data, f"trail-instance-{instance_id}-provisional-"
                           f"{rendered_at:%Y%m%dT%H%M%SZ}.pdf", True, sha256)
