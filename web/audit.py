"""Trails and the auditor's pages: a trail's download, the search, the exports.

- ``/instances/<id>/trail.pdf`` — the newest signed trail of a completed instance, or a
  provisional one rendered now for one still running (participants, auditors, administrators;
  anyone else gets 403 and the attempt is logged, see :mod:`approvals.records.access`);
- ``/audit`` — search instances by process, period, person, outcome and text (auditors and
  administrators), with the export form, the recent exports, the refused attempts and the
  trails that need attention (not made, with the last error; or made with a problem marked);
- ``/audit/organisation.cert.pem`` — the certificate trails are signed with, which the page
  describes (subject, validity, SHA-256 fingerprint, retired ones), so an auditor can check a
  trail with any tool, away from Signoff;
- ``/audit/exports/<id>`` — an export's progress (a progress bar kept up to date by a few
  lines of script polling ``/audit/exports/<id>/progress``; without script the page shows the
  progress when reloaded) and, when ready, its download.

GET never changes state: the refusal record is a log line, not process state.
"""

from __future__ import annotations

import io
import logging
import math
from datetime import date
from typing import Any
from urllib.parse import urlencode

from asn1crypto import pem
from flask import (
    Blueprint,
    Response,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.exceptions import BadRequest

from approvals import dispatch, texts
from approvals.config import keys_dir, trails_dir
from approvals.core.errors import ExportPeriodInvalid, FormInvalid, KeyProblem, NotFound
from approvals.keys import load_certificates
from approvals.records import access, drafts, exports
from approvals.records.drafts import DraftPending
from approvals.records.trails import TrailFile, signed_trail_file
from approvals.store import queries, registry
from approvals.store.db import read_session
from approvals.store.models import Person
from web.auth import current_actor, current_locale, current_person, login_required
from web.context import ROW_ID_MAX, db, utcnow

bp = Blueprint("audit", __name__)
log = logging.getLogger(__name__)
PER_PAGE = 25


@bp.app_context_processor
def _audit_frame() -> dict[str, Any]:
    def can_audit() -> bool:
        actor = current_actor()
        return actor is not None and actor.is_auditor

    return {"can_audit": can_audit}


# ---------------------------------------------------------------------------- one trail


def send_trail(file: TrailFile):
    """A trail as a PDF attachment; the headers say whether it is signed."""
    response = send_file(io.BytesIO(file.data), mimetype="application/pdf", as_attachment=True,
                         download_name=file.filename, etag=file.sha256 or False, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Signoff-Trail"] = "provisional" if file.provisional else "signed"
    if file.sha256:
        response.headers["X-Signoff-Trail-SHA256"] = file.sha256
    return response


@bp.get("/instances/<row:instance_id>/trail.pdf")
@login_required
def trail(instance_id: int):
    person, now = current_person(), utcnow()
    with read_session(db()) as s:
        instance = queries.get_instance(s, instance_id)
        access.require_trail_reader(db(), s, instance, person, channel="web",
                                    path=request.path, now=now)
        file = signed_trail_file(s, instance, trails_dir(), trail_id=trail_number(instance_id))
    if file is None:
        file = reader_draft(instance_id, current_locale(), now)
    if isinstance(file, DraftPending):
        response = make_response(render_template("trail_pending.html"), 202)
        response.headers["Retry-After"] = str(DRAFT_RETRY_S)
        return response
    return send_trail(file)


def trail_number(instance_id: int) -> int | None:
    """``?trail=N``: a positive number (one too large for a row id is no trail of it: 404;
    the database would refuse to look it up); absent or empty, the newest."""
    raw = request.args.get("trail", "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit():
        raise BadRequest("'trail' must be the number of a signed trail of this instance")
    number = int(raw)
    if not 1 <= number <= ROW_ID_MAX:
        raise NotFound(f"instance {instance_id} has no signed trail No. {number}",
                       instance=instance_id, trail=number)
    return number


#: How soon a reader waiting for a provisional trail looks again (seconds).
DRAFT_RETRY_S = 3


def reader_draft(instance_id: int, locale: str, now) -> TrailFile | DraftPending:
    """The provisional trail of a running instance, or the draft the worker is making of it
    (handed to the worker here when newly asked for)."""
    found = drafts.provisional_trail(db(), instance_id, trails_dir(), locale, now)
    if isinstance(found, DraftPending) and found.start:
        dispatch.start("draft", found.draft_id)
    return found


# ---------------------------------------------------------------------------- the search


def _require_auditor(what: str = "audit") -> None:
    with read_session(db()) as s:
        access.require_auditor(db(), s, current_person(), what=what, channel="web",
                               path=request.full_path.rstrip("?"), now=utcnow())


def _date(value: str | None, name: str, errors: dict[str, str], locale: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors[name] = texts.t("audit.bad_date", locale)
        return None
    if not exports.day_in_range(day):
        errors[name] = texts.field_error("date_out_of_range", {
            "min": exports.FIRST_DAY.isoformat(), "max": exports.LAST_DAY.isoformat()}, locale)
        return None
    return day


def _search_from(args, locale: str) -> tuple[queries.Search, dict[str, str], dict[str, str]]:
    """The search the query string asks for, what to show back in the form, and errors."""
    errors: dict[str, str] = {}
    values = {key: (args.get(key) or "").strip()
              for key in ("process", "period", "from", "to", "person", "outcome", "q")}
    period = values["period"] if values["period"] in queries.PERIODS else "started"
    outcome = values["outcome"] if values["outcome"] in queries.OUTCOMES else ""
    search = queries.Search(process=values["process"], period=period,
                            date_from=_date(values["from"], "from", errors, locale),
                            date_to=_date(values["to"], "to", errors, locale),
                            person=values["person"][:320], outcome=outcome,
                            text=values["q"][:300])
    values.update(period=period, outcome=outcome)
    return search, values, errors


def _page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), 100000))
    except ValueError:
        return 1


@bp.get("/audit")
@login_required
def search():
    _require_auditor()
    return _audit_page()


def _audit_page(status: int = 200, **extra: Any):
    locale = current_locale()
    search_, values, errors = _search_from(request.args, locale)
    page = _page_number()
    with read_session(db()) as s:
        rows, total = queries.search_instances(s, search_, page, PER_PAGE)
        trails = queries.newest_trails(s, [row.id for row in rows])
        names: dict[str, str] = {}
        people: dict[int, dict | None] = {}
        items = []
        for row in rows:
            if row.process_id not in names:
                names[row.process_id] = queries.process_of(s, row).name.get(locale)
            trail_row = trails.get(row.id)
            if row.initiator_id not in people:
                people[row.initiator_id] = queries.person_ref(s.get(Person, row.initiator_id))
            items.append({"id": row.id, "title": row.title_in(locale), "status": row.status,
                          "process_name": names[row.process_id],
                          "initiator": people[row.initiator_id],
                          "started_at": row.started_at, "ended_at": row.ended_at,
                          "trail": {"id": trail_row.id, "sha256": trail_row.sha256}
                          if trail_row else None})
        processes = queries.processes(s, locale)
        recent = [exports.view(s, e) for e in exports.recent(s)]
        refused = access.denials(s)
        attention = access.attention(s)
    pages = max(1, math.ceil(total / PER_PAGE))
    kept = {k: v for k, v in request.args.items() if k != "page" and v}

    def page_url(number: int) -> str:
        return url_for(".search") + "?" + urlencode({**kept, "page": number})

    return render_template(
        "audit.html", items=items, total=total, page=page, pages=pages, page_url=page_url,
        values=values, errors=errors, processes=processes, exports=recent, denials=refused,
        attention=attention, certificate=_certificate(),
        outcomes=queries.OUTCOMES, export_values=extra.pop("export_values", {}),
        export_errors=extra.pop("export_errors", {}), **extra), status


# ---------------------------------------------------------------------------- the certificate


def _certificate() -> dict[str, Any] | None:
    """What the audit page says of the signing certificate; None when there is none yet."""
    try:
        certs = load_certificates(keys_dir())
    except KeyProblem as problem:
        log.warning("the audit page cannot show the signing certificate: %s", problem)
        return None
    return {"subject": certs.subject, "fingerprint": certs.fingerprint,
            "valid_until": certs.valid_until,
            "former": [cert.sha256.hex() for cert in certs.former]}


@bp.get("/audit/organisation.cert.pem")
@login_required
def certificate():
    _require_auditor("certificate")
    certs = load_certificates(keys_dir())
    body = pem.armor("CERTIFICATE", certs.cert.dump())
    return Response(body, mimetype="application/x-pem-file", headers={
        "Content-Disposition": "attachment; filename=organisation.cert.pem",
        "X-Content-Type-Options": "nosniff"})


# ---------------------------------------------------------------------------- exports


def enqueue_export(export_id: int) -> None:
    """Hand an export to the workers; if Redis is down the scheduler's sweep does it later."""
    dispatch.start("export", export_id)


@bp.post("/audit/exports")
@login_required
def create_export():
    _require_auditor("export")
    locale = current_locale()
    raw = {key: request.form.get(key, "") for key in ("from", "to", "process")}
    try:
        created = exports.create(db(), current_person().id, raw, utcnow())
    except FormInvalid as error:
        messages = {name: texts.field_error(code, params, locale)
                    for name, (code, params) in error.errors.items()}
        return _audit_page(400, export_values=raw, export_errors=messages,
                           export_notice=texts.t("audit.export_invalid", locale))
    enqueue_export(created.id)
    return redirect(url_for(".export_page", export_id=created.id), 303)


def _export_view(export_id: int) -> dict[str, Any]:
    locale = current_locale()
    with read_session(db()) as s:
        item = exports.view(s, exports.get(s, export_id))
        process = item["filters"].get("process")
        if process:
            try:
                item["process_name"] = registry.definition(
                    registry.latest(s, process)).name.get(locale)
            except Exception:  # noqa: BLE001 - a process since removed keeps its id
                item["process_name"] = process
    item["state_text"] = texts.t(f"export.state.{item['state']}", locale)
    if item["state"] == "failed":
        item["error"] = _failure(item["filters"], item["error"], locale)
    item["progress_text"] = texts.t("export.progress", locale, **item["progress"])
    item["finished"] = item["state"] in ("done", "failed")
    item["download_url"] = (url_for(".export_download", export_id=export_id)
                            if item["state"] == "done" else None)
    return item


def _failure(filters: dict[str, Any], error: str | None, locale: str) -> str | None:
    """Why an export failed, in the reader's language where the reason is known: a period
    no export may name (stored before requests were checked) is said so."""
    try:
        exports.stored_period(filters)
    except ExportPeriodInvalid as refusal:
        return texts.error_message(refusal.code, locale, refusal.params)
    return error


@bp.get("/audit/exports/<row:export_id>")
@login_required
def export_page(export_id: int):
    _require_auditor("export")
    return render_template("export.html", export=_export_view(export_id))


@bp.get("/audit/exports/<row:export_id>/progress")
@login_required
def export_progress(export_id: int):
    _require_auditor("export")
    return jsonify(_export_view(export_id))


@bp.get("/audit/exports/<row:export_id>/download")
@login_required
def export_download(export_id: int):
    _require_auditor("export")
    return send_export(export_id)


def send_export(export_id: int):
    with read_session(db()) as s:
        item = exports.get(s, export_id)
        data = exports.read_zip(s, item, trails_dir())
        name, sha256 = exports.file_name(item), item.sha256
    response = send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                         download_name=name, etag=sha256, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
