"""The accountants' pages (``/payments``): the queue of invoices approved for payment, its
spreadsheets, the bank file of payment orders, and the bank statements imported and confirmed.

Accountants (role ``accounting``) and administrators only (:func:`approvals.core.policy.
may_work_payments`); everyone else gets 403 before anything is read. Each invoice is paid on
its own task page, or by confirming a bank statement's line; the queue itself decides nothing.
The work is :mod:`accounting`'s — queries, the 1C format, matching, numbering — these views
translate it to and from HTTP.
"""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from jinja2 import pass_context
from sqlmodel import select
from werkzeug.exceptions import BadRequest

from accounting import bank1c, orders, queue, sheets, statements
from accounting.models import BankStatement
from approvals import texts
from approvals.config.company import Company
from approvals.core import policy
from approvals.core.errors import Forbidden, FormInvalid
from approvals.dispatch import kick
from approvals.store.db import read_session
from approvals.store.models import Instance, Person
from approvals.texts import formats
from web.auth import current_actor, current_locale, current_person, login_required
from web.context import db, utcnow

bp = Blueprint("payments", __name__)

SHEETS = {"csv": ("text/csv", sheets.to_csv),
          "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   sheets.to_xlsx)}


def _require_accountant() -> None:
    """403 for anyone but an accountant or an administrator."""
    actor = current_actor()
    if actor is None or not policy.may_work_payments(actor):
        raise Forbidden("only accountants and administrators work the payments queue")


@bp.app_context_processor
def _frame() -> dict[str, Any]:
    def can_pay() -> bool:
        actor = current_actor()
        return actor is not None and policy.may_work_payments(actor)

    return {"can_pay": can_pay}


@bp.app_template_filter("money")
@pass_context
def _money(context, value) -> str:
    """An amount the reader's way, to the kopeck: 150 000,00 / 150,000.00."""
    if value is None or value == "":
        return ""
    return formats.format_number(value, context.get("locale"), places=2)


@bp.app_template_filter("day")
@pass_context
def _day(context, value) -> str:
    """A date the reader's way: 27.11.2026 / 2026-11-27."""
    return formats.format_date(value, context.get("locale"))


# ---------------------------------------------------------------------------- the queue


@bp.get("/payments")
@login_required
def queue_page():
    _require_accountant()
    try:
        filters, errors = queue.parse_filters(request.args), {}
    except FormInvalid as refused:
        filters, errors = queue.Filters(), _errors(refused)
    return _queue_page(filters, errors, 400 if errors else 200)


def _queue_page(filters: queue.Filters, errors: dict[str, str], status: int = 200,
                **extra: Any):
    today = utcnow().date()
    number = request.args.get("page", "")
    with read_session(db()) as session:
        found = queue.page(session, filters, today, int(number) if number.isdigit() else 1)
        proposed = orders.next_number(session, today.year)
        recent = statements.recent(session)
    company = orders.company_problems(Company.from_env())
    values = dict(request.args) if errors else filters.query()
    values.pop("page", None)
    return render_template(
        "payments/queue.html", rows=found.rows, totals=found.totals, listed=found,
        filters=filters, values=values, errors=errors,
        proposed=proposed, company_problem=company[0] if company else None, recent=recent,
        statuses=queue.STATUSES, me=current_person().id, query=filters.query(),
        paid_from=today.replace(day=1).isoformat(), paid_to=today.isoformat(),
        **extra), status


def _errors(refused: FormInvalid) -> dict[str, str]:
    locale = current_locale()
    return {name: texts.field_error(code, params, locale)
            for name, (code, params) in refused.errors.items()}


@bp.get("/payments/<any(queue, paid):what>.<any(csv, xlsx):fmt>")
@login_required
def sheet(what: str, fmt: str):
    """The queue as filtered, or the payments of a period (``from``, ``to``: this month so
    far unless given), as CSV or XLSX."""
    _require_accountant()
    locale, today = current_locale(), utcnow().date()
    try:
        filters = queue.parse_filters(request.args if what == "queue" else {
            "from": request.args.get("from", ""), "to": request.args.get("to", "")})
    except FormInvalid as refused:
        raise BadRequest("; ".join(_errors(refused).values())) from None
    start, end = filters.start or today.replace(day=1), filters.end or today
    with read_session(db()) as session:
        if what == "queue":
            table = sheets.queue_table(queue.rows(session, filters, today), locale)
            name = f"payments-queue-{today:%Y%m%d}"
        else:
            table = sheets.paid_table(queue.paid_rows(session, start, end), locale, start, end)
            name = f"payments-paid-{start:%Y%m%d}-{end:%Y%m%d}"
    mimetype, make = SHEETS[fmt]
    response = send_file(io.BytesIO(make(table, locale)), mimetype=mimetype,
                         as_attachment=True, download_name=f"{name}.{fmt}", max_age=0)
    if fmt == "csv":
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return response



# ---------------------------------------------------------------------------- bank file


@bp.post("/payments/bank-file")
@login_required
def bank_file():
    """The chosen invoices as payment orders in a 1C file (windows-1251) for the bank client."""
    _require_accountant()
    locale = current_locale()
    chosen = _ids(request.form.getlist("invoice"))
    first = request.form.get("first_number", "").strip()
    if not chosen:
        return _queue_page(queue.Filters(), {}, 400,
                           bank_error=texts.t("payments.bank.none_chosen", locale))
    if first and (not first.isdigit() or not 1 <= int(first) <= bank1c.MAX_NUMBER):
        return _queue_page(queue.Filters(), {}, 400, bank_error=texts.t(
            "payments.bank.bad_number", locale, max=bank1c.MAX_NUMBER))
    given = int(first) if first and first != request.form.get("proposed") else None
    try:
        made = orders.export(db(), chosen, current_person().id, utcnow(), Company.from_env(),
                             given)
    except orders.ExportRefused as refused:
        return _queue_page(queue.Filters(), {}, 409, bank_problems=_problems(refused.problems))
    response = send_file(io.BytesIO(made.content), mimetype="text/plain", as_attachment=True,
                         download_name=made.filename, max_age=0)
    response.headers["Content-Type"] = "text/plain; charset=windows-1251"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _ids(values: list[str]) -> list[int]:
    return list(dict.fromkeys(int(v) for v in values if v.isdigit() and 0 < int(v) < 2**31))


def _problems(problems: list[orders.Problem]) -> list[str]:
    locale = current_locale()
    with read_session(db()) as session:
        titles = {i.id: i.title_in(locale) for i in session.exec(select(Instance).where(
            Instance.id.in_([p.instance_id for p in problems if p.instance_id])))}
    said = []
    for problem in problems:
        text = texts.t(f"payments.problem.{problem.code}", locale, **problem.params)
        if problem.instance_id:
            text = f"{titles.get(problem.instance_id, '')} (#{problem.instance_id}): {text}"
        said.append(text)
    return said


# ---------------------------------------------------------------------------- statements


@bp.post("/payments/statements")
@login_required
def upload_statement():
    """A statement from the bank client: read, matched, stored — or refused, naming the line."""
    _require_accountant()
    locale = current_locale()
    upload = request.files.get("statement")
    data = upload.read() if upload is not None else b""
    try:
        imported = statements.import_statement(db(), upload.filename if upload else "", data,
                                               current_person().id, utcnow())
    except bank1c.FormatError as refused:
        message = texts.t("payments.statement.refused_at", locale, line=refused.line,
                          why=texts.t(f"payments.format.{refused.code}", locale, **refused.params))
        return _queue_page(queue.Filters(), {}, 400, statement_error=message)
    except statements.StatementRefused as refused:
        return _queue_page(queue.Filters(), {}, 400, statement_error=texts.t(
            f"payments.statement.{refused.code}", locale, **refused.params))
    flash(texts.t("payments.statement.imported" if imported.created
                  else "payments.statement.known", locale), "success" if imported.created
          else "info")
    return redirect(url_for(".statement", statement_id=imported.statement_id), 303)


@bp.get("/payments/statements/<row:statement_id>")
@login_required
def statement(statement_id: int):
    _require_accountant()
    locale, me = current_locale(), current_person().id
    with read_session(db()) as session:
        found = session.get(BankStatement, statement_id)
        if found is None:
            abort(404)
        lines = statements.lines_of(session, statement_id)
        named = {i for line in lines for i in [line.instance_id, *line.candidates] if i}
        instances = {i.id: i for i in session.exec(select(Instance).where(
            Instance.id.in_(named)))}
        people = dict(session.exec(select(Person.id, Person.name).where(Person.id.in_(
            {found.uploaded_by_id, *(line.paid_by_id for line in lines if line.paid_by_id)}))
        ).all())
        mine = statements.my_tasks(session, me, [line.instance_id for line in lines
                                                 if line.outcome == "matched"])
    debits = [line for line in lines if line.outcome != statements.INCOMING]
    shared = {}
    for line in debits:
        if line.outcome == "duplicate":
            shared[line.line] = [o.line for o in debits if o.instance_id == line.instance_id
                                 and o.line != line.line]
    return render_template(
        "payments/statement.html", statement=found, debits=debits, shared=shared,
        incoming=len(lines) - len(debits), instances={k: v.title_in(locale)
                                                     for k, v in instances.items()},
        people=people, mine=mine, line_error=lambda code: line_error(code, locale))


@bp.post("/payments/statements/<row:statement_id>/confirm")
@login_required
def confirm_statement(statement_id: int):
    """Pay the ticked lines, each through its own decision; what could not be is said."""
    _require_accountant()
    locale = current_locale()
    with read_session(db()) as session:
        if session.get(BankStatement, statement_id) is None:
            abort(404)
    chosen = _ids(request.form.getlist("line"))
    if not chosen:
        flash(texts.t("payments.confirm.none_chosen", locale), "error")
        return redirect(url_for(".statement", statement_id=statement_id), 303)
    done = statements.confirm(db(), statement_id, chosen, current_person().id, utcnow())
    kick(done.outbox_ids)
    if done.paid:
        flash(texts.t("payments.confirm.paid", locale, n=len(done.paid)), "success")
    if done.already:
        flash(texts.t("payments.confirm.already", locale, n=len(done.already)), "info")
    for line, code in done.failed.items():
        flash(texts.t("payments.confirm.failed", locale, line=line,
                      why=line_error(code, locale)), "error")
    return redirect(url_for(".statement", statement_id=statement_id), 303)


def line_error(code: str, locale: str) -> str:
    """Why a statement's line could not be paid, in the reader's words."""
    key = f"payments.line_error.{code}"
    return texts.t(key, locale) if texts.has(key) else texts.t(
        "payments.line_error.other", locale, code=code)
