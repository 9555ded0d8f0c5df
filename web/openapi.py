"""The JSON API's OpenAPI 3.1 description, generated from the code and served by
``GET /api/openapi.json`` (:mod:`web.api`).

Nothing in the document is written by hand as JSON or YAML:

- the request bodies and the answers are the pydantic models below; their JSON Schemas are the
  document's ``components/schemas`` (an answer's model forbids keys it does not name, so a new
  key in a view that nobody described fails the schemathesis test,
  ``tests/integration/web/api/test_openapi.py``);
- each view in :mod:`web.api` carries :func:`operation`: its summary, body model, query
  parameters, success answers and the errors it can refuse with;
- paths, methods and path parameters (with their converter's bounds) come from the app's URL
  map; a rule under ``/api/`` whose view has no :func:`operation` stops :func:`build` with
  :class:`Undocumented`;
- what every operation shares is added here once: the bearer token and its 401, 400 and 413
  for a body, 404 for a path with ids, and 503 when the database is unavailable.

Errors have one shape everywhere (:mod:`web.errors`): :class:`Error`. apispec assembles the
document; it is built once per app and cached.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from apispec import APISpec
from flask import Flask
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema
from werkzeug.routing.converters import NumberConverter

from approvals.core.bulk import MAX_BATCH

API_PREFIX = "/api/"
TITLE = "Signoff JSON API"
VERSION = "1"
SECURITY_SCHEME = "bearer"

# ---------------------------------------------------------------------------- the models


class _Answer(BaseModel):
    """An answer: every key it sends is named here, and no other."""

    model_config = ConfigDict(extra="forbid")


class _Body(BaseModel):
    """A request body: keys it does not name are ignored."""


Timestamp = str  # ISO 8601 UTC, ending in "Z" (approvals.store.queries.iso)
_TIME = {"format": "date-time"}


class FieldError(_Answer):
    code: str = Field(description="a stable code, e.g. required, not_a_date")
    message: str


class Error(_Answer):
    """Every refusal under /api (web/errors.py)."""

    error: str = Field(description="a stable code: unauthorized, bad_request, not_found, "
                                   "forbidden, form_invalid, already_decided, …")
    message: str = Field(description="what is wrong, in English")
    fields: dict[str, FieldError] | None = Field(
        default=None, description="a refused form (form_invalid): each field's code and message")


class PersonRef(_Answer):
    id: int
    name: str
    email: str


class ProcessRef(_Answer):
    id: str
    version: int
    name: str


class ProcessSummary(_Answer):
    id: str
    version: int
    name: str
    description: str
    area: str = Field(description="documents, finance, hr, sales or other")
    example: bool = Field(description="a notation example (listed to administrators only)")


class ProcessList(_Answer):
    processes: list[ProcessSummary]


class DocumentView(_Answer):
    id: int
    field: str
    version: int
    filename: str
    size: int
    sha256: str
    uploaded_at: Timestamp = Field(json_schema_extra=_TIME)
    uploaded_by: PersonRef | None


class StageView(_Answer):
    key: str
    name: str
    state: Literal["done", "current", "skipped", "pending"]
    rule: str = Field(description="all, any, quorum, …")


class TaskView(_Answer):
    id: int
    instance_id: int
    stage: str
    stage_name: str
    kind: str
    assignee: PersonRef | None
    state: str = Field(description="open, decided, closed, …")
    verdicts: list[str] = Field(description="what this task may be decided with")
    verdict: str | None
    comment: str
    opened_at: Timestamp | None = Field(json_schema_extra=_TIME)
    deadline: Timestamp | None = Field(json_schema_extra=_TIME)
    closed_at: Timestamp | None = Field(json_schema_extra=_TIME)
    decided_by: PersonRef | None
    channel: str | None
    close_reason: str | None
    on_behalf_of: PersonRef | None = Field(
        description="the person away this task was routed from: its assignee deputises")


class OpenTask(TaskView):
    """A task in the caller's list, with what it belongs to."""

    process: str
    process_name: str
    title: str
    initiator: PersonRef | None
    instance_status: str = Field(description="the instance's status now: running, completed, "
                                             "cancelled")
    instance_stage_name: str = Field(description="the instance's current stage")


class TaskList(_Answer):
    """A page of the caller's open tasks (oldest first) or of the tasks they decided (newest
    first), as searched, filtered and sorted."""

    tasks: list[OpenTask]
    total: int = Field(description="how many tasks match in all")
    next: str | None = Field(description="the next page's path (GET it), none on the last")


class ListedInstance(_Answer):
    """An instance in the caller's "started by me" or "watching" list."""

    id: int
    process: str
    process_name: str
    title: str
    status: str = Field(description="running, completed, cancelled")
    stage: str = Field(description="the current stage's key while running, else empty")
    stage_name: str
    initiator: PersonRef | None
    started_at: Timestamp = Field(json_schema_extra=_TIME)
    ended_at: Timestamp | None = Field(json_schema_extra=_TIME)


class InstanceList(_Answer):
    """A page of the instances the caller started or watches, newest first unless sorted."""

    instances: list[ListedInstance]
    total: int = Field(description="how many instances match in all")
    next: str | None = Field(description="the next page's path (GET it), none on the last")


class TimelineEvent(_Answer):
    seq: int
    at: Timestamp = Field(json_schema_extra=_TIME)
    kind: str
    actor: PersonRef | None
    task_id: int | None
    channel: str
    data: dict[str, Any]


class CommentView(_Answer):
    """One comment of an instance's discussion (an audit event of the kind commented)."""

    seq: int = Field(description="its place in the instance's audit chain")
    at: Timestamp = Field(json_schema_extra=_TIME)
    author: PersonRef | None
    channel: str = Field(description="web, api or email")
    text: str


class InstanceView(_Answer):
    """One instance as its readers see it (approvals.store.queries.instance_view)."""

    id: int
    process: ProcessRef
    title: str
    status: Literal["running", "completed", "cancelled"]
    stage: str
    stage_name: str
    outcome: str | None = Field(description="how a completed instance ended: its final status")
    ending: bool = Field(description="completed with an ending that is not success")
    initiator: PersonRef | None
    started_at: Timestamp | None = Field(json_schema_extra=_TIME)
    ended_at: Timestamp | None = Field(json_schema_extra=_TIME)
    fields: dict[str, Any]
    field_labels: dict[str, str]
    field_types: dict[str, str]
    documents: list[DocumentView]
    stages: list[StageView]
    tasks: list[TaskView]
    timeline: list[TimelineEvent]
    comments: list[CommentView] = Field(description="the discussion, oldest first (also in "
                                                    "the timeline, as commented events)")
    version: int = Field(description="bumped by every command (optimistic concurrency)")


class DecisionRecorded(_Answer):
    """A decision as it was recorded."""

    task: int
    verdict: str | None
    comment: str
    decided_at: Timestamp | None = Field(json_schema_extra=_TIME)
    by: PersonRef = Field(description="who decided: the caller")
    channel: str | None


class NextTask(_Answer):
    """The caller's next open task on the instance."""

    id: int
    stage: str
    stage_name: str


class DecisionLinks(_Answer):
    instance: str = Field(description="the instance's whole view (GET)")
    trail: str | None = Field(default=None, description="its trail (GET), once completed")


class DecisionAnswer(_Answer):
    """What a decision answers (web.api.decision_answer): built from what the command wrote,
    without reading the instance's view again."""

    decision: DecisionRecorded
    instance: int = Field(description="the task's instance")
    status: Literal["running", "completed", "cancelled"] = Field(
        description="the instance's status after the decision")
    stage: str = Field(description="its current stage (a completed instance: its final "
                                   "status)")
    stage_name: str = Field(description="the stage's name in the caller's language")
    outcome: str | None = Field(description="how a completed instance ended: its final status")
    next_task: NextTask | None = Field(description="the caller's next open task on the "
                                                   "instance, if any")
    links: DecisionLinks


class Progress(_Answer):
    done: int
    total: int
    percent: int


class ExportFilters(_Answer):
    from_: str = Field(alias="from", json_schema_extra={"format": "date"})
    to: str = Field(json_schema_extra={"format": "date"})
    process: str | None = None


class ExportView(_Answer):
    """An export of signed trails (approvals.records.exports.view)."""

    id: int
    state: Literal["pending", "running", "done", "failed"]
    progress: Progress
    filters: ExportFilters
    requested_by: PersonRef | None
    created_at: Timestamp | None = Field(json_schema_extra=_TIME)
    finished_at: Timestamp | None = Field(json_schema_extra=_TIME)
    sha256: str | None
    size: int | None
    file_name: str
    error: str | None
    url: str
    download_url: str | None = Field(description="set once the export is done")


class TrailPending(_Answer):
    state: Literal["pending"]
    message: str


class OpenApiDocument(BaseModel):
    """This document (its own schema is OpenAPI's)."""

    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]


class FileValue(_Body):
    """A file field's value."""

    filename: str
    content_base64: str
    content_type: str | None = None


_FIELDS = Field(default=None, description="field values by field name; a file field is a "
                                          "FileValue")


class StartBody(_Body):
    process: str = Field(min_length=1, description="a process id (GET /api/processes)")
    fields: dict[str, Any] | None = _FIELDS


class DecisionBody(_Body):
    verdict: str = Field(min_length=1, description="one of the task's verdicts")
    comment: str | None = None
    fields: dict[str, Any] | None = Field(default=None,
                                          description="the answers to the task's form")


class BulkDecision(_Body):
    """One decision of a bulk decision."""

    task: int = Field(ge=1, description="a task id (GET /api/tasks)")
    verdict: str = Field(min_length=1, description="one of the task's verdicts")
    comment: str | None = None


class DecisionsBody(_Body):
    decisions: list[BulkDecision] = Field(
        min_length=1, max_length=MAX_BATCH,
        description=f"at most {MAX_BATCH}, each task once; a task that asks for a task form "
                    f"is decided on its own (POST /api/tasks/{{id}}/decision)")


class ItemError(_Answer):
    code: str = Field(description="the code the single decision would refuse with "
                                  "(already_decided, instance_closed, not_an_assignee, "
                                  "not_found, not_in_bulk, …)")
    message: str = Field(description="what is wrong, in English")


class DecisionResult(_Answer):
    """One decision's result: recorded (``ok``), or refused with ``error``."""

    task: int
    ok: bool
    instance: int | None = Field(default=None, description="the task's instance (recorded)")
    status: Literal["running", "completed", "cancelled"] | None = Field(
        default=None, description="the instance's status after the decision (recorded)")
    error: ItemError | None = Field(default=None, description="why it was refused")


class DecisionResults(_Answer):
    decided: int
    failed: int
    results: list[DecisionResult]


class ResubmitBody(_Body):
    comment: str | None = None
    fields: dict[str, Any] | None = Field(default=None, description="only the changed fields")


class CommentBody(_Body):
    text: str = Field(description="the comment: at most 4,000 characters, trimmed; every "
                                  "other participant is told")


class WithdrawBody(_Body):
    reason: str | None = None


class ReopenBody(_Body):
    reason: str | None = None
    stage: str | None = Field(default=None, description="the stage to reopen at; the first "
                                                        "by default")


class ReassignBody(_Body):
    to: str = Field(min_length=1, description="the new assignee's email address")
    comment: str | None = Field(default=None, description="why: the new assignee's mail "
                                                          "carries it, with who handed it over")


class AbsenceBody(_Body):
    from_: str = Field(alias="from", description="the first day away (ISO date)",
                       json_schema_extra={"format": "date"})
    to: str = Field(description="the last day away, included (ISO date)",
                    json_schema_extra={"format": "date"})
    deputy: str | None = Field(default=None, description="the deputy's email address; by "
                                                         "default the person's manager")
    reason: str | None = Field(default=None, description="at most 500 characters")
    person: str | None = Field(default=None, description="whose days away (administrators "
                                                         "only); by default the caller's")
    handover: bool = Field(default=False, description="also hand the person's open tasks "
                                                      "to the deputy now")


class AbsenceView(_Answer):
    """Days away and who deputises meanwhile (approvals.records.deputies)."""

    id: int
    person: PersonRef | None
    deputy: PersonRef | None
    from_: str = Field(alias="from", json_schema_extra={"format": "date"})
    to: str = Field(json_schema_extra={"format": "date"})
    source: Literal["self", "admin", "hr"]
    reason: str
    state: Literal["current", "future", "past", "cancelled"]
    created_at: Timestamp = Field(json_schema_extra=_TIME)
    cancelled_at: Timestamp | None = Field(json_schema_extra=_TIME)


class AbsenceList(_Answer):
    absences: list[AbsenceView] = Field(description="the caller's current and future days "
                                                    "away, soonest first")
    deputising: list[AbsenceView] = Field(description="those in which the caller deputises")


class HandedOver(_Answer):
    handed: list[int] = Field(description="the tasks handed over (their old ids)")
    refused: dict[str, Error] = Field(description="the tasks not handed over, by id, and why")


class AbsenceCreated(_Answer):
    absence: AbsenceView
    handover: HandedOver | None = Field(description="what the hand-over did, when asked for")


class ExportBody(_Body):
    from_: str = Field(alias="from", description="ISO date, included (UTC)",
                       json_schema_extra={"format": "date"})
    to: str = Field(description="ISO date, included (UTC)", json_schema_extra={"format": "date"})
    process: str | None = Field(default=None, description="only this process")


class PaymentOrderRef(_Answer):
    """The payment order a bank file carried for the invoice."""

    number: int
    exported_at: Timestamp | None = Field(json_schema_extra=_TIME)


class PaymentMade(_Answer):
    paid_on: str | None = Field(json_schema_extra={"format": "date"})
    order_no: str
    amount: str | None = Field(description="the amount paid, two decimals")
    by: str = Field(description="who recorded it")


class PaymentRow(_Answer):
    """An invoice in the accountants' queue (accounting.queue.Row.view)."""

    instance_id: int
    title: str
    supplier: str
    supplier_inn: str
    number: str
    invoice_date: str | None = Field(json_schema_extra={"format": "date"})
    amount: str = Field(description="two decimals, e.g. 120000.00")
    currency: str
    vat_rate: str = Field(description="none, 0, 5, 7, 10, 20 or 22")
    due: str | None = Field(json_schema_extra={"format": "date"})
    purpose: str
    state: Literal["open", "overdue", "week", "paid"]
    tasks: list[int] = Field(description="the open payment tasks (one per accountant); the "
                                         "task that paid it, when paid")
    document_id: int | None = Field(description="the latest version of the invoice file")
    bank_order: PaymentOrderRef | None
    paid: PaymentMade | None


class PaymentTotal(_Answer):
    currency: str
    amount: str
    count: int


class PaymentQueue(_Answer):
    invoices: list[PaymentRow]
    totals: list[PaymentTotal] = Field(description="per currency, roubles first")
    today: str = Field(json_schema_extra={"format": "date"},
                       description="the day overdue and this week are counted from (UTC)")


class PersonFound(_Answer):
    id: int
    name: str
    email: str
    department: str
    position: str


class PeopleFound(_Answer):
    """What a person picker shows: active people whose name, address, department or position
    holds every word searched for."""

    people: list[PersonFound]


class LeaveLine(_Answer):
    """One line of a leave ledger, with the balance after it."""

    id: int
    on: str = Field(json_schema_extra={"format": "date"})
    kind: Literal["accrual", "use", "cancellation", "adjustment", "carry_over", "overtime"]
    kind_text: str
    amount: str = Field(description="two decimals; negative for what is taken")
    balance: str = Field(description="the balance after this line")
    reason: str
    author: str | None = Field(description="who entered it; null: Signoff itself")
    author_id: int | None
    instance_id: int | None = Field(description="the request it came from")
    absence_id: int | None


class LeaveBalance(_Answer):
    """One leave type of a person's statement."""

    key: str
    name: str
    unit: Literal["days", "hours"]
    balance: str = Field(description="today's balance (every line up to today)")
    opening: str = Field(description="carried over from the years before")
    closing: str = Field(description="after the year's last line")
    lines: list[LeaveLine]


class LeaveStatement(_Answer):
    """A person's leave balances and one year's ledger lines (hr/data/leave-types.yaml names
    the types)."""

    person_id: int
    year: int
    today: str = Field(json_schema_extra={"format": "date"})
    types: list[LeaveBalance]
    fourteen_day_part_possible: bool = Field(
        description="whether the year's annual leave has, or can still have, a part of 14 "
                    "calendar days (Labour Code art. 125)")


class NoticeView(_Answer):
    """One of the caller's notifications (web/notices.py)."""

    id: int
    template: str = Field(description="what happened: task_assigned, instance_completed, …")
    text: str = Field(description="one line, in the caller's language")
    created_at: Timestamp = Field(json_schema_extra=_TIME)
    read_at: Timestamp | None = Field(json_schema_extra=_TIME)
    instance_id: int | None
    task_id: int | None
    url: str | None = Field(description="the page it is about: the task's, else the instance's")


class NoticeList(_Answer):
    notifications: list[NoticeView] = Field(description="newest first")
    total: int = Field(description="how many the list holds in all (unread=1: the unread)")
    unread: int = Field(description="how many of the caller's notifications are unread")
    next: str | None = Field(description="the next page's link; null on the last page")


class NoticesRead(_Answer):
    marked: int = Field(description="how many were marked read now")
    unread: int = Field(description="how many of the caller's notifications are still unread")


class NoticesReadBody(_Body):
    up_to: int | None = Field(default=None, ge=1, description="mark only those up to this id "
                              "(the newest the caller has seen), so that one arriving meanwhile "
                              "stays unread; omitted: all")


# ---------------------------------------------------------------------------- the annotations


@dataclass(frozen=True)
class Json:
    """A JSON answer with ``model``'s schema."""

    model: type[BaseModel]
    description: str
    headers: Mapping[str, str] = field(default_factory=dict)  # name → description (required)


@dataclass(frozen=True)
class File:
    """A download: the bytes of ``media`` (``*/*``: whatever type the file was stored with)."""

    media: str
    description: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Query:
    name: str
    schema: Mapping[str, Any]
    description: str


@dataclass(frozen=True)
class Operation:
    summary: str
    answers: Mapping[int, Json | File]
    errors: Mapping[int, str] = field(default_factory=dict)  # status → when
    body: type[BaseModel] | None = None
    query: tuple[Query, ...] = ()
    public: bool = False  # no token needed
    tag: str = "api"


F = TypeVar("F", bound=Callable[..., Any])


def operation(summary: str, answers: Mapping[int, Json | File], *,
              errors: Mapping[int, str] | None = None, body: type[BaseModel] | None = None,
              query: tuple[Query, ...] = (), public: bool = False, tag: str = "api"
              ) -> Callable[[F], F]:
    """Describe a view of the API (see the module docstring); the view itself is unchanged."""
    described = Operation(summary, dict(answers), dict(errors or {}), body, tuple(query),
                          public, tag)

    def mark(view: F) -> F:
        view.openapi = described  # type: ignore[attr-defined]
        return view

    return mark


def is_public(view: Callable[..., Any] | None) -> bool:
    described = getattr(view, "openapi", None)
    return bool(described and described.public)


class Undocumented(Exception):
    """A rule under /api has no :func:`operation`."""


# ---------------------------------------------------------------------------- the document

_SHARED_ERRORS = {
    401: "no token, or one that is unknown, expired or revoked (the message says which)",
    503: "the database is unavailable; try again",
}
_BODY_ERRORS = {
    400: "the body is not a JSON object, or a value has the wrong type or is refused",
    413: "the body is larger than the server takes",
}
_PATH_ERRORS = {404: "no such id"}


def document(app: Flask) -> dict[str, Any]:
    """The app's API description, built on first use and kept."""
    cached = app.extensions.get("signoff.openapi")
    if cached is None:
        cached = app.extensions["signoff.openapi"] = build(app)
    return cached


def build(app: Flask) -> dict[str, Any]:
    spec = APISpec(title=TITLE, version=VERSION, openapi_version="3.1.0",
                   info={"description": "Token-authenticated JSON API of Signoff: start "
                                        "processes, decide tasks, read instances, download "
                                        "documents, trails and exports."})
    spec.components.security_scheme(SECURITY_SCHEME, {
        "type": "http", "scheme": "bearer",
        "description": "an API token: `signoff people token EMAIL`, or the /tokens page"})
    models: set[type[BaseModel]] = {Error}
    paths: dict[str, dict[str, dict[str, Any]]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(API_PREFIX):
            continue
        described: Operation | None = getattr(app.view_functions[rule.endpoint], "openapi",
                                               None)
        if described is None:
            raise Undocumented(f"{rule.rule} ({rule.endpoint}) has no @operation in web.api")
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        for method in methods:
            paths.setdefault(_path(rule.rule), {})[method.lower()] = _operation(
                rule, described, models)
    schemas = _schemas(models)
    for name in sorted(schemas):
        spec.components.schema(name, schemas[name])
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _operation(rule, described: Operation, models: set[type[BaseModel]]) -> dict[str, Any]:
    result: dict[str, Any] = {"operationId": rule.endpoint.removeprefix("api."),
                              "summary": described.summary, "tags": [described.tag],
                              "security": [] if described.public
                              else [{SECURITY_SCHEME: []}]}
    parameters = [_path_parameter(name, converter)
                  for name, converter in rule._converters.items()]
    parameters += [{"name": q.name, "in": "query", "required": False,
                    "description": q.description, "schema": dict(q.schema)}
                   for q in described.query]
    if parameters:
        result["parameters"] = parameters
    if described.body is not None:
        models.add(described.body)
        result["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": _ref(described.body)}}}
    responses: dict[str, Any] = {}
    for status, answer in sorted(described.answers.items()):
        responses[str(status)] = _answer(answer, models)
    if "POST" in (rule.methods or ()) and any(
            getattr(a, "model", None) is InstanceView for a in described.answers.values()):
        responses["303"] = {  # web.api._done: recorded, but its view could not be read
            "description": "the command was recorded, but its view could not be read just "
                           "now (the database failed meanwhile): GET the Location",
            "headers": {"Location": {"description": "the instance's URL",
                                     "schema": {"type": "string"}}},
            "content": {"application/json": {"schema": _ref(Error)}}}
    errors = dict(described.errors)
    if not described.public:
        errors.update({k: v for k, v in _SHARED_ERRORS.items() if k not in errors})
    if described.body is not None:
        errors.update({k: v for k, v in _BODY_ERRORS.items() if k not in errors})
    if rule._converters:
        errors.update({k: v for k, v in _PATH_ERRORS.items() if k not in errors})
    for status, when in sorted(errors.items()):
        response: dict[str, Any] = {"description": when, "content": {
            "application/json": {"schema": _ref(Error)}}}
        if status == 401:
            response["headers"] = {"WWW-Authenticate": {
                "required": True, "schema": {"type": "string"},
                "description": "Bearer (no token sent) or Bearer error=\"invalid_token\""}}
        responses[str(status)] = response
    result["responses"] = responses
    return result


def _path_parameter(name: str, converter) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if isinstance(converter, NumberConverter):
        schema = {"type": "integer"}
        if converter.min is not None:
            schema["minimum"] = converter.min
        if converter.max is not None:
            schema["maximum"] = converter.max
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _answer(answer: Json | File, models: set[type[BaseModel]]) -> dict[str, Any]:
    if isinstance(answer, Json):
        models.add(answer.model)
        content = {"application/json": {"schema": _ref(answer.model)}}
    else:
        content = {answer.media: {"schema": {"type": "string", "format": "binary"}}}
    response: dict[str, Any] = {"description": answer.description, "content": content}
    if answer.headers:
        response["headers"] = {name: {"required": True, "description": about,
                                      "schema": {"type": "string"}}
                               for name, about in answer.headers.items()}
    return response


def _schemas(models: set[type[BaseModel]]) -> dict[str, dict[str, Any]]:
    """Each model's JSON Schema (and those of the models it uses) by name. Request bodies are
    described as they are validated, answers as they are sent."""
    ordered = sorted(models, key=lambda m: m.__name__)
    _keys, found = models_json_schema(
        [(m, "validation" if issubclass(m, _Body) else "serialization") for m in ordered],
        ref_template="#/components/schemas/{model}")
    return found.get("$defs", {})
