"""``/tasks/<id>/not-me``: where the receipt of an email decision leads. A decision taken by
an email reply is told to the task's assignee at once; if they did not send it, this page
records that in the process's history and tells every administrator. GET only shows the
decision and asks (mail scanners follow links); the POST reports it."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from approvals import present, service, texts
from approvals.clock import utcnow
from approvals.core.errors import NotAnAssignee
from approvals.dispatch import kick
from approvals.store import queries
from approvals.store.db import read_session
from approvals.store.models import Person
from approvals.texts import formats
from web.auth import current_locale, current_person, current_zone, login_required
from web.context import db
from web.mail import bp


@bp.get("/tasks/<row:task_id>/not-me")
@login_required
def not_me(task_id: int):
    person, locale = current_person(), current_locale()
    with read_session(db()) as s:
        task, instance = queries.get_task(s, task_id)
        if task.assignee_id != person.id:  # someone else's task: not even its title
            raise NotAnAssignee("this task is assigned to someone else")
        process = queries.process_of(s, instance)
        decided_by = s.get(Person, task.decided_by_id) if task.decided_by_id else None
    by_email = task.state == "decided" and task.channel == "email"
    return render_template(
        "not_me.html", task_id=task_id, instance_id=instance.id, by_email=by_email,
        title=instance.title_in(locale), stage_name=process.status(task.stage).name.get(locale),
        decided=texts.t("task.already_decided", locale,
                        name=decided_by.name if decided_by else "",
                        when=formats.format_time(task.closed_at, locale, current_zone()),
                        verdict=present.verdict_label(process, task.verdict, locale, past=True,
                                                      stage=task.stage))
        if task.state == "decided" else "")


@bp.post("/tasks/<row:task_id>/not-me")
@login_required
def report_not_me(task_id: int):
    person, locale = current_person(), current_locale()
    result = service.dispute(db(), task_id, person.id, utcnow())
    kick(result.outbox_ids)
    flash(texts.t("not_me.reported", locale), "success")
    return redirect(url_for("pages.instance", instance_id=result.instance_id), 303)
