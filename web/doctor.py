"""``/admin/doctor``: for administrators, the check-up of the installation that ``signoff
doctor`` prints (:mod:`approvals.config.doctor`), warnings first, in the reader's language."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from approvals.config import doctor as checkup
from approvals.core.errors import Forbidden
from approvals.store.db import read_session
from web.auth import current_actor, login_required
from web.context import db

bp = Blueprint("doctor", __name__)


@bp.app_context_processor
def _checkup_frame() -> dict[str, Any]:
    """``can_see_checkup()`` for the navigation."""

    def can_see_checkup() -> bool:
        actor = current_actor()
        return actor is not None and actor.is_admin

    return {"can_see_checkup": can_see_checkup}


@bp.get("/admin/doctor")
@login_required
def doctor():
    actor = current_actor()
    if actor is None or not actor.is_admin:
        raise Forbidden("only administrators may see the installation check-up")
    with read_session(db()) as s:
        findings = checkup.examine(s)
    findings.sort(key=lambda f: f.level != checkup.WARNING)  # warnings first, else in order
    warnings = sum(f.level == checkup.WARNING for f in findings)
    return render_template("doctor.html", findings=findings, warnings=warnings)
