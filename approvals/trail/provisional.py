"""The trail a reader gets: the stored signed one, or — for an instance still running or
withdrawn — a provisional one rendered now, unsigned and marked on every page.

(Rendering in the caller's process is what makes a provisional trail slow for a long
instance; moving it to the worker is part of the security work, issue 15.)
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from approvals.records.trails import TrailFile, signed_trail_file
from approvals.store.models import Instance
from approvals.trail.render import render_trail


def trail_file(session: Session, instance: Instance, trails_dir: Path, now: datetime,
               locale: str | None = None, trail_id: int | None = None) -> TrailFile:
    """The signed trail (:func:`approvals.records.trails.signed_trail_file`) or, when there
    is none to be had, a provisional one rendered in ``locale``."""
    signed = signed_trail_file(session, instance, trails_dir, trail_id)
    if signed is not None:
        return signed
    pdf = render_trail(session, instance.id, provisional=True, locale=locale, generated_at=now)
    return TrailFile(pdf, f"trail-instance-{instance.id}-provisional-{now:%Y%m%dT%H%M%SZ}.pdf",
                     True)
