"""Reports: where processes get stuck (``/reports``), as a page with charts, as CSV
(``/reports.csv``) and through the API (``GET /api/reports``) — the same figures, the same
parameters (``process``, ``from``, ``to``) and the same refusals.

Who sees what is :func:`approvals.store.reports.scope_of`'s: administrators and auditors all,
a department's head their department and those below it; anyone else gets 403 (before any
parameter is read) and no link in the menu. The page is a GET form (a bookmarkable URL); a
parameter that cannot be read shows the message over the default period's figures, with 400;
the CSV and the API answer 400 naming it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, g, jsonify, render_template, request
from pydantic import Field
from werkzeug.exceptions import BadRequest

from approvals import texts
from approvals.config import zones
from approvals.core.errors import Forbidden, FormInvalid
from approvals.core.reports import MIN_TASKS
from approvals.store import queries
from approvals.store import reports as store
from approvals.store.db import read_session
from approvals.texts import formats
from web import api, openapi, report_charts
from web.auth import current_actor, current_locale, current_zone, login_required
from web.context import db, utcnow
from web.openapi import Json, Query, operation

bp = Blueprint("reports", __name__)
api_bp = Blueprint("api_reports", __name__)
api_bp.before_request(api._authenticate)  # the API's bearer token, as for every /api route

REFUSED = "only administrators, auditors and the heads of departments see reports"


@bp.app_context_processor
def _frame() -> dict[str, Any]:
    def can_see_reports() -> bool:
        """Whether the menu links the reports (read once per request, when a page asks)."""
        if "can_see_reports" not in g:
            try:
                actor = current_actor()
                if actor is None:
                    g.can_see_reports = False
                else:
                    with read_session(db()) as s:
                        g.can_see_reports = store.scope_of(s, actor) is not None
            except Exception:  # noqa: BLE001 - an error page must render without a database
                g.can_see_reports = False
        return g.can_see_reports

    return {"can_see_reports": can_see_reports}


def _problems(refused: FormInvalid, locale: str) -> str:
    return " ".join(f"{texts.t(f'reports.{name}', locale)}: "
                    f"{texts.field_error(code, params, locale)}"
                    for name, (code, params) in refused.errors.items())


def _scope(session, actor) -> store.Scope:
    scope = store.scope_of(session, actor) if actor is not None else None
    if scope is None:
        raise Forbidden(REFUSED)
    return scope


@bp.get("/reports")
@login_required
def reports_page():
    locale, now, zone = current_locale(), utcnow(), current_zone()
    today = now.astimezone(zone).date()
    with read_session(db()) as s:
        scope = _scope(s, current_actor())
        status, problem = 200, ""
        try:
            query = store.Query.read(request.args, today, zone)
        except FormInvalid as refused:
            query, status = store.Query.read({}, today, zone), 400
            problem = texts.t("reports.invalid", locale, problems=_problems(refused, locale))
        found = store.report(s, query, scope, now, locale)
        choices = [(p["id"], p["name"]) for p in queries.processes(s, locale)]
    values = dict(request.args) if problem else query.args()
    return render_template(
        "reports.html", found=found, query=query, values=values, problem=problem,
        process_choices=choices, trend=report_charts.trend(found, locale),
        stage_chart=report_charts.stages(found, locale),
        overdue_chart=report_charts.overdue(found, locale),
        percent=lambda share: report_charts.percent(share, locale),
        duration=lambda seconds: report_charts.duration(seconds, locale),
        number=lambda value: formats.format_number(value, locale),
        min_tasks=MIN_TASKS), status


def _hours(seconds: float | None) -> Decimal | None:
    return None if seconds is None else Decimal(seconds / 3600).quantize(Decimal("0.01"))


def csv_rows(found: store.Report, locale: str) -> tuple[list[str], list[list[Any]]]:
    """The report as CSV blocks, a blank row between them: the totals, the stages, the
    slowest assignees, the weeks (durations in hours, two decimals)."""
    f, q = found.figures, found.query

    def t(key: str) -> str:
        return texts.t(f"reports.csv.{key}", locale)

    process = found.process_names.get(q.process, q.process) if q.process \
        else texts.t("reports.all_processes", locale)
    share = f.overdue_share
    headings = [t(k) for k in ("process", "from", "to", "started", "completed", "rejected",
                               "withdrawn", "median_hours", "with_deadline", "overdue",
                               "overdue_percent")]
    rows: list[list[Any]] = [[process, q.date_from, q.date_to, f.started, f.completed,
                              f.rejected, f.withdrawn, _hours(f.duration_median),
                              f.with_deadline, f.overdue,
                              None if share is None else _percent(share)], []]
    rows.append([t(k) for k in ("process", "stage", "instances", "median_hours",
                                "p90_hours")])
    rows += [[found.process_names.get(s.process_id, s.process_id),
              found.stage_names.get((s.process_id, s.stage), s.stage), s.instances,
              _hours(s.median), _hours(s.p90)] for s in f.stages]
    rows += [[], [t(k) for k in ("assignee", "email", "tasks", "median_hours")]]
    rows += [[*found.people.get(a.person_id, ("", "")), a.tasks, _hours(a.median)]
             for a in f.slowest]
    rows += [[], [t(k) for k in ("week", "week_starts", "started", "completed", "rejected",
                                 "median_hours")]]
    rows += [[w.label, w.monday, w.started, w.completed, w.rejected, _hours(w.median)]
             for w in f.weeks]
    return headings, rows


def _percent(share: float) -> Decimal:
    return Decimal(share * 100).quantize(Decimal("0.01"))


@bp.get("/reports.csv")
@login_required
def reports_csv():
    locale, now, zone = current_locale(), utcnow(), current_zone()
    with read_session(db()) as s:
        scope = _scope(s, current_actor())
        try:
            query = store.Query.read(request.args, now.astimezone(zone).date(), zone)
        except FormInvalid as refused:
            raise BadRequest(_problems(refused, locale)) from None
        found = store.report(s, query, scope, now, locale)
    headings, rows = csv_rows(found, locale)
    name = f"report-{query.process or 'all'}-{query.date_from:%Y%m%d}-{query.date_to:%Y%m%d}"
    return Response(formats.csv_table(headings, rows, locale),
                    mimetype="text/csv", headers={
                        "Content-Disposition": f'attachment; filename="{name}.csv"',
                        "Cache-Control": "private, no-store"})


# ---------------------------------------------------------------------------- the API


class ReportCounts(openapi._Answer):
    started: int = Field(description="instances started in the period")
    completed: int = Field(description="instances that ended in the period at a final status "
                                       "that is not an ending")
    rejected: int = Field(description="instances that ended in the period at an ending "
                                      "(rejected, refused…)")
    withdrawn: int
    median_seconds: int | None = Field(description="the median time from start to end of "
                                                   "those completed or rejected")


class ReportStage(openapi._Answer):
    process: str
    process_name: str
    stage: str
    stage_name: str
    instances: int = Field(description="how many instances spent time at it (one duration "
                                       "each: every round at the stage added up)")
    median_seconds: int | None
    p90_seconds: int | None = Field(description="the 90th percentile (nearest-rank)")


class ReportOverdue(openapi._Answer):
    tasks_with_deadline: int = Field(description="tasks opened in the period with a deadline")
    overdue: int = Field(description="of those, closed after it or still open past it")
    share: float | None = Field(description="overdue / tasks_with_deadline (0 to 1)")


class ReportPerson(openapi._Answer):
    id: int
    name: str
    email: str


class ReportAssignee(openapi._Answer):
    person: ReportPerson
    tasks: int = Field(description="tasks they decided in the period")
    median_seconds: int | None = Field(description="the median time from a task's opening to "
                                                   "their decision")


class ReportWeek(openapi._Answer):
    week: str = Field(description="the ISO week, e.g. 2026-W09")
    starts_on: str = Field(json_schema_extra={"format": "date"})
    started: int
    completed: int
    rejected: int
    median_seconds: int | None = Field(description="the median time from start to end of "
                                                   "those that ended that week")
    partial: bool = Field(description="only some of the week's days are in the period (the "
                                      "current week so far, or a period that starts or ends "
                                      "mid-week): its counts are not a whole week's")


class ReportScope(openapi._Answer):
    everyone: bool = Field(description="true: every instance (administrators, auditors)")
    departments: list[str] = Field(description="else the departments whose people's "
                                               "instances are counted")


class ReportView(openapi._Answer):
    """Where processes get stuck, per process and period (approvals.store.reports)."""

    process: str | None
    from_: str = Field(alias="from", json_schema_extra={"format": "date"})
    to: str = Field(json_schema_extra={"format": "date"})
    scope: ReportScope
    percentile: str = Field(description="how percentiles are taken: nearest-rank")
    instances: ReportCounts
    stages: list[ReportStage]
    overdue: ReportOverdue
    slowest: list[ReportAssignee] = Field(description="the slowest assignees (at least three "
                                                     "decided tasks), at most ten")
    weeks: list[ReportWeek]


@api_bp.get("/reports")
@operation("Where processes get stuck: counts, stage durations, overdue share, the slowest "
           "assignees and weekly trends of a period",
           {200: Json(ReportView, "the figures (durations in whole seconds)")},
           query=(Query("process", {"type": "string"}, "only this process (its id); left out: "
                                                      "all"),
                  Query("from", {"type": "string", "format": "date"},
                        "the first day, in the token holder's time zone (as their pages "
                        "count days); left out: the Monday eleven weeks before the last "
                        "day's week"),
                  Query("to", {"type": "string", "format": "date"},
                        "the last day, included; left out: today")),
           errors={400: "a day that cannot be read, to before from, or a period longer than "
                        "about three years (form_invalid, naming it)",
                   403: "the caller is not an administrator, an auditor or a department's "
                        "head"},
           tag="reports")
def api_reports():
    now, zone = utcnow(), zones.reader_zone(g.person)
    with read_session(db()) as s:
        scope = _scope(s, g.actor)
        query = store.Query.read(request.args, now.astimezone(zone).date(), zone)
        found = store.report(s, query, scope, now, api._locale())
    return jsonify(store.view(found))
