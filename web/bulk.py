"""Bulk decisions: many tasks answered at once, from the inbox (``POST /tasks/bulk``) and the
JSON API (``POST /api/tasks/decisions``, in :mod:`web.api`, through :func:`decide_each`).

A bulk decision is a list of ordinary decisions. Each goes through
:func:`approvals.service.decide` in its own transaction, so one that is refused (decided
already, withdrawn, not the caller's) never undoes or stops the others; the outbox rows of all
of them are handed to the workers once, at the end. Each task is checked in the single
routes' order: a task that is not the caller's fails as ``not_an_assignee`` before anything
else about it is told; one that could be answered now but not in a batch
(:func:`approvals.core.bulk.refusal_in_bulk`: a task form, a comment of its own) fails with
:class:`~approvals.core.errors.NotInBulk` and is answered on its own page; the rest is the
service's to refuse, exactly as for one decision.

The inbox's form sends ``task`` (one per selected task), ``verdict`` (one of
:data:`~approvals.core.bulk.BULK_VERDICTS`) and an optional common ``comment``; the selected
tasks must be of one kind (the same process and stage). What the form lacks (no task, no
answer, two kinds, too many, a comment too long) shows the inbox again with the message and
decides nothing; otherwise the answer is a page with how many were decided and, for each task
that was not, its title and the reason in the reader's language.

Each decision's ``decided`` event records ``"evidence": {"bulk": N}`` (N: the tasks in the
batch), which the signed trail shows beside the decision: an auditor sees that an approval was
given from a list, together with N-1 others, rather than on the task's own page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlmodel import select
from werkzeug.exceptions import BadRequest

from approvals import present, service, texts
from approvals.core import limits, policy
from approvals.core.bulk import BULK_VERDICTS, MAX_BATCH, refusal_in_bulk
from approvals.core.errors import (
    AlreadyDecided,
    InstanceClosed,
    NotAnAssignee,
    NotFound,
    NotInBulk,
    SignoffError,
    TextTooLong,
)
from approvals.core.model import Process
from approvals.core.states import CANCELLED, REVISION_TASK
from approvals.dispatch import kick
from approvals.store import queries
from approvals.store.db import read_session
from approvals.store.directory import roles_of
from approvals.store.models import Instance, Person, Task
from approvals.texts import formats
from web.auth import current_locale, current_person, current_zone, login_required
from web.context import ROW_ID_MAX, db, utcnow
from web.pages import inbox_page

bp = Blueprint("bulk", __name__)


@dataclass(frozen=True)
class Asked:
    """One decision of a batch, as asked."""

    task_id: int
    verdict: str
    comment: str = ""


@dataclass(frozen=True)
class Held:
    """A task of the batch as it was read before deciding (for the checks and the answer)."""

    task: Task
    instance: Instance
    process: Process
    initiator: str  # the initiator's name


@dataclass(frozen=True)
class Answered:
    asked: Asked
    held: Held | None
    result: service.Result | None = None
    error: SignoffError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def readable(self) -> bool:
        """Whether the caller may be told what the task is (it is theirs)."""
        return self.held is not None and not isinstance(self.error, NotAnAssignee | NotFound)


class Batch:
    """The tasks a bulk decision names, read once, with the caller as the policy sees them."""

    def __init__(self, person_id: int, task_ids: list[int]) -> None:
        wanted = [i for i in dict.fromkeys(task_ids) if 1 <= i <= ROW_ID_MAX]
        self.held: dict[int, Held] = {}
        with read_session(db()) as s:
            self.actor = policy.Actor.of(person_id, roles_of(s, person_id))
            rows = s.exec(select(Task, Instance).join(Instance, Task.instance_id == Instance.id)
                          .where(Task.id.in_(wanted))).all() if wanted else []
            initiators = list({instance.initiator_id for _task, instance in rows})
            names = dict(s.exec(select(Person.id, Person.name)
                                .where(Person.id.in_(initiators))).all()) if rows else {}
            processes: dict[int, Process] = {}
            for task, instance in rows:
                version = instance.process_version_id
                if version not in processes:
                    processes[version] = queries.process_of(s, instance)
                self.held[task.id] = Held(task, instance, processes[version],
                                          names.get(instance.initiator_id, ""))

    def _mine(self, held: Held) -> bool:
        return policy.refusal_to_decide(self.actor, assignee=held.task.assignee_id,
                                        task_state=held.task.state) != "not_an_assignee"

    def kinds(self, locale: str) -> list[str]:
        """The kinds (process and stage) of the caller's tasks in the batch, as named to them;
        someone else's task tells nothing, not even its kind."""
        kinds: dict[tuple[str, str], str] = {}
        for held in self.held.values():
            if self._mine(held):
                key = (held.instance.process_id, held.task.stage)
                kinds.setdefault(key, f"{held.process.name.get(locale)} — "
                                      f"{_stage_name(held, locale)}")
        return list(kinds.values())

    def decide(self, asked: list[Asked], channel: str, *, own_comments: bool) -> list[Answered]:
        """Each decision in its own transaction, in the order asked; the outbox rows of those
        that were recorded are handed on once, at the end."""
        now, evidence = utcnow(), {"bulk": len(asked)}
        answered: list[Answered] = []
        outbox: list[int] = []
        try:
            for item in asked:
                held = self.held.get(item.task_id)
                try:
                    result = self._decide(item, held, now, channel, evidence, own_comments)
                except SignoffError as error:
                    answered.append(Answered(item, held, error=error))
                    continue
                outbox.extend(result.outbox_ids)
                answered.append(Answered(item, held, result=result))
        finally:
            kick(outbox)
        return answered

    def _decide(self, item: Asked, held: Held | None, now: datetime, channel: str,
                evidence: dict[str, Any], own_comments: bool) -> service.Result:
        if held is None:
            raise NotFound(f"task {item.task_id} not found", task=item.task_id)
        task = held.task
        refusal = policy.refusal_to_decide(
            self.actor, assignee=task.assignee_id, task_state=task.state,
            instance_status=held.instance.status, task_kind=task.kind,
            verdicts=[v for v in task.verdicts.split(",") if v], verdict=item.verdict)
        if refusal == "not_an_assignee":
            raise NotAnAssignee("this task is assigned to someone else")
        if refusal is None or (refusal == "verdict_not_allowed" and task.kind == REVISION_TASK):
            why = refusal_in_bulk(held.process, task.stage, item.verdict, task_kind=task.kind,
                                  own_comment=own_comments)
            if why is not None:
                raise NotInBulk(_NOT_IN_BULK[why].format(task=task.id), why=why, task=task.id)
        # the rest (decided meanwhile, withdrawn, a comment missing…) the service refuses
        return service.decide(db(), task.id, self.actor.id, item.verdict, item.comment, now,
                              channel=channel, evidence=evidence)


#: What the API says (in English, as its other refusals) when a task is answered on its own.
_NOT_IN_BULK = {  # by approvals.core.bulk's reasons
    "form": "this answer asks for the task's form: decide task {task} on its own "
            "(POST /api/tasks/{task}/decision with its fields)",
    "comment": "this answer needs a comment of its own: decide task {task} on its own",
    "answer": "this answer is not given to many tasks at once: decide task {task} on its own",
    "revision": "a revision is resubmitted on its own (POST /api/instances/…/resubmit)",
}


def decide_each(person_id: int, asked: list[Asked], channel: str, *,
                own_comments: bool) -> list[Answered]:
    """Read the tasks ``asked`` names, then decide each (see :meth:`Batch.decide`)."""
    return Batch(person_id, [a.task_id for a in asked]).decide(asked, channel,
                                                               own_comments=own_comments)


def _stage_name(held: Held, locale: str) -> str:
    try:
        return held.process.status(held.task.stage).name.get(locale)
    except KeyError:
        return held.task.stage


# ---------------------------------------------------------------------------- the API's body


def asked_in(body: dict[str, Any]) -> list[Asked]:
    """The decisions of an API body ``{"decisions": [{"task", "verdict"[, "comment"]}, …]}``,
    or a 400 that says what is wrong (nothing is decided then)."""
    items = body.get("decisions")
    if not isinstance(items, list):
        raise BadRequest("'decisions' must be a list of {\"task\": id, \"verdict\": …, "
                         "\"comment\": …} objects")
    if not items:
        raise BadRequest("'decisions' is empty: name at least one task")
    if len(items) > MAX_BATCH:
        raise BadRequest(f"'decisions' holds {len(items)} items; at most {MAX_BATCH} are taken "
                         f"in one call: send the rest in another")
    asked, seen = [], set()
    for n, item in enumerate(items):
        where = f"decisions[{n}]"
        if not isinstance(item, dict):
            raise BadRequest(f"{where} must be an object: {{\"task\", \"verdict\", \"comment\"}}")
        task, verdict, comment = item.get("task"), item.get("verdict"), item.get("comment")
        if not isinstance(task, int) or isinstance(task, bool):
            raise BadRequest(f"{where}.task must be a task id (a whole number)")
        if task in seen:
            raise BadRequest(f"{where}: task {task} is named twice; each task is decided once")
        seen.add(task)
        if not isinstance(verdict, str) or not verdict.strip():
            raise BadRequest(f"{where}.verdict must be one of the task's verdicts "
                             f"(see GET /api/tasks)")
        if comment is not None and not isinstance(comment, str):
            raise BadRequest(f"{where}.comment must be a string")
        asked.append(Asked(task, verdict.strip(), comment or ""))
    return asked


def api_results(answered: list[Answered]) -> dict[str, Any]:
    """The API's answer: each decision's result in the order asked, and the counts."""
    results = []
    for item in answered:
        if item.ok:
            results.append({"task": item.asked.task_id, "ok": True,
                            "instance": item.result.instance_id, "status": item.result.status})
        else:
            results.append({"task": item.asked.task_id, "ok": False,
                            "error": {"code": item.error.code, "message": str(item.error)}})
    decided = sum(1 for item in answered if item.ok)
    return {"decided": decided, "failed": len(answered) - decided, "results": results}


# ---------------------------------------------------------------------------- the page


@bp.post("/tasks/bulk")
@login_required
def decide():
    person, locale = current_person(), current_locale()
    verdict = request.form.get("verdict", "")
    comment = request.form.get("comment", "")
    task_ids = list(dict.fromkeys(_task_ids(request.form.getlist("task"))))
    batch = Batch(person.id, task_ids) if 0 < len(task_ids) <= MAX_BATCH else None
    refusal = _refusal(batch, task_ids, verdict, comment, locale)
    if refusal is not None:
        return inbox_page(400, bulk_error=refusal, selected=task_ids, comment=comment)
    answered = batch.decide([Asked(i, verdict, comment) for i in task_ids], "web",
                            own_comments=False)
    decided = [_row(item, locale) for item in answered if item.ok]
    failed = [_row(item, locale) for item in answered if not item.ok]
    return render_template("bulk_result.html", decided=decided, failed=failed,
                           total=len(answered), answer=texts.verdict(verdict, locale, past=True))


def _task_ids(values: list[str]) -> list[int]:
    try:
        return [int(value) for value in values]
    except ValueError:
        abort(400, "a selected task is not a task id")


def _refusal(batch: Batch | None, task_ids: list[int], verdict: str, comment: str,
             locale: str) -> str | None:
    """What the form lacks, in the reader's words; None when the batch may be decided."""
    if not task_ids:
        return texts.t("bulk.refused.none", locale)
    if len(task_ids) > MAX_BATCH:
        return texts.t("bulk.refused.too_many", locale, n=len(task_ids), limit=MAX_BATCH)
    if verdict not in BULK_VERDICTS:
        return texts.t("bulk.refused.answer", locale)
    try:
        limits.check("the comment", comment.strip(), limits.COMMENT)
    except TextTooLong as error:
        return texts.error_message(error.code, locale, error.params)
    kinds = batch.kinds(locale)
    if len(kinds) > 1:
        return texts.t("bulk.refused.mixed", locale, kinds="; ".join(kinds))
    return None


def _row(item: Answered, locale: str) -> dict[str, Any]:
    """One task of the answer page: its title and where it leads (if the reader may know
    them), and for a failure the reason."""
    row: dict[str, Any] = {"task_id": item.asked.task_id, "title": "", "kind": "",
                           "instance_id": None, "reason": "", "alone": False}
    if item.readable:
        held = item.held
        row.update(title=held.instance.title_in(locale), instance_id=held.instance.id,
                   kind=f"{held.process.name.get(locale)} · {_stage_name(held, locale)} · "
                        + texts.t("inbox.from", locale, name=held.initiator))
    if not item.ok:
        row["reason"] = _reason(item, locale)
        row["alone"] = isinstance(item.error, NotInBulk) and item.readable
    return row


def _reason(item: Answered, locale: str) -> str:
    error = item.error
    if isinstance(error, AlreadyDecided):
        at = error.params.get("at")
        held = item.held
        verdict = present.verdict_label(held.process if held else None,
                                        error.params.get("verdict"), locale, past=True,
                                        stage=held.task.stage if held else None)
        return texts.t("task.already_decided", locale, name=error.params.get("by", ""),
                       when=formats.format_time(at, locale, current_zone()), verdict=verdict)
    if isinstance(error, InstanceClosed) and error.params.get("status") == CANCELLED:
        return texts.t("bulk.withdrawn", locale)
    if isinstance(error, NotInBulk):
        return texts.t(f"bulk.why.{error.params.get('why')}", locale)
    return texts.error_message(error.code, locale, error.params) or str(error)
