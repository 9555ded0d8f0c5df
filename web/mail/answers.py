"""``/tasks/<id>/answer/<verdict>``: where the one-click links of a task mail lead. Mail
scanners follow links, so the page only asks for confirmation; its form posts to
``pages.decide`` exactly like the task page."""

from __future__ import annotations

from flask import (
    render_template,
)

from approvals import present, texts
from approvals.core.policy import Actor, refusal_to_decide
from approvals.store import queries
from approvals.store.db import read_session
from approvals.store.models import Person
from approvals.texts import formats
from web.auth import current_locale, current_person, current_zone, login_required
from web.context import db
from web.mail import (
    bp,
)

#: What the confirmation page answers for each refusal of the policy (status, message).
_REFUSALS = {
    "not_an_assignee": (403, "error.not_an_assignee"),
    "already_decided": (409, None),  # who decided, when, how: formatted below
    "instance_closed": (409, "error.instance_closed"),
    "task_closed": (409, "error.task_closed"),
    "verdict_not_allowed": (400, "error.verdict_not_allowed"),
}


@bp.get("/tasks/<row:task_id>/answer/<verdict>")
@login_required
def answer(task_id: int, verdict: str):
    """Confirm a verdict a mail link chose; never changes anything."""
    person, locale = current_person(), current_locale()
    with read_session(db()) as s:
        task, instance = queries.get_task(s, task_id)
        process = queries.process_of(s, instance)
        stage_name = process.status(task.stage).name.get(locale)
        decided_by = s.get(Person, task.decided_by_id) if task.decided_by_id else None
    refusal = refusal_to_decide(
        Actor.of(person.id), assignee=task.assignee_id, task_state=task.state,
        instance_status=instance.status, task_kind=task.kind,
        verdicts=task.verdicts.split(","), verdict=verdict)
    status, notice = _REFUSALS.get(refusal, (200, None))
    if notice:
        notice = texts.t(notice, locale)
    if refusal == "already_decided":
        notice = texts.t("task.already_decided", locale,
                        name=decided_by.name if decided_by else "",
                        when=formats.format_time(task.closed_at, locale, current_zone()),
                        verdict=present.verdict_label(process, task.verdict, locale, past=True,
                                                      stage=task.stage))
    shown = status != 403  # someone else's task: not even its title
    return render_template(
        "answer_confirm.html", task_id=task_id, verdict=verdict, notice=notice,
        process=process if shown else None,
        comment_required=process.status(task.stage).comment_required(verdict),
        title=instance.title_in(locale) if shown else "", stage_name=stage_name if shown else "",
        revision=task.kind == "revision" and notice is None), status
