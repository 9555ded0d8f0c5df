"""``/admin/doctor``: for administrators, the check-up of the installation that ``signoff
doctor`` prints (:mod:`approvals.config.doctor`), warnings first, in the reader's language."""

from __future__ import annotations

from flask import Blueprint, render_template

from approvals.config import doctor as checkup
from approvals.store.db import read_session
from web.auth import login_required, require_admin
from web.context import db

bp = Blueprint("doctor", __name__)


@bp.get("/admin/doctor")
@login_required
def doctor():
    require_admin("see the installation check-up")
    with read_session(db()) as s:
        findings = checkup.examine(s)
    findings.sort(key=lambda f: f.level != checkup.WARNING)  # warnings first, else in order
    warnings = sum(f.level == checkup.WARNING for f in findings)
    return render_template("doctor.html", findings=findings, warnings=warnings)
