"""What the workers carry out for the signed trail, registered with :mod:`approvals.dispatch`
when this module is imported (``signoff worker`` names it): rendering and signing one
completed instance's trail (``trail``), building one export (``export``), and rendering the
provisional trail a reader of a running instance asked for (``draft``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from approvals import clock, dispatch
from approvals.config import base_url, keys_dir, trails_dir
from approvals.trail import export, issue, provisional, tsa_url_from_env


def render_trail(db: Engine, instance_id: int, now: datetime) -> list[int]:
    """Render, sign and store the trail of a completed instance (one signed trail per
    completion; a second delivery finds it stored); returns the outbox rows it caused. A
    missing key fails with ``KeyProblem`` naming the file, recorded on the trail's row."""
    issued = issue.issue(db, instance_id, keys_dir=keys_dir(), trails_dir=trails_dir(),
                         now=now, location=base_url(), tsa_url=tsa_url_from_env(),
                         max_attempts=dispatch.MAX_ATTEMPTS)
    return issued.outbox_ids


def build_export(db: Engine, export_id: int, _now: datetime) -> None:
    """Build an export's ZIP of trails with its CSV index (one already built is left alone;
    one interrupted is built again from the start)."""
    export.build(db, export_id, trails_dir(), clock.utcnow)


def render_draft(db: Engine, draft_id: int, now: datetime) -> None:
    """Render the provisional trail a reader asked for (one worker at a time; a draft done
    already is left alone)."""
    provisional.render_draft(db, draft_id, trails_dir(), now, max_attempts=DRAFT_ATTEMPTS)


#: A provisional trail that fails this often is given up until someone asks again.
DRAFT_ATTEMPTS = 3

dispatch.register_work("trail", render_trail)
dispatch.register_work("draft", render_draft)
dispatch.register_work("export", build_export)
