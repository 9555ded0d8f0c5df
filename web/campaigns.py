"""Following a stage that went to many people — an acknowledgement campaign — as its
initiator (and auditors, administrators) do: who answered, by department, who has not, each
with the time; a CSV of everyone; and the small JSON the page polls to refresh itself.

Who may: :func:`approvals.core.policy.may_follow_answers`; anyone else gets 403, logged like a
refused trail (:mod:`approvals.records.campaigns`). The answers are read in one query however
many people the stage went to (:func:`approvals.records.campaigns.campaign`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from approvals import present
from approvals.core.model import Process
from approvals.core.policy import may_follow_answers
from approvals.records import campaigns
from approvals.store import queries
from approvals.store.db import read_session
from approvals.store.models import Instance
from approvals.texts import formats, t, term
from web.auth import current_actor, current_locale, current_person, login_required
from web.context import db, utcnow

bp = Blueprint("campaigns", __name__)

#: Seconds between two polls of a page whose answers may still come.
POLL_SECONDS = 10
#: The instance page links here when a stage went to at least this many people (or the
#: stage waits for acknowledgements).
MANY = 5


def _followed(instance_id: int) -> tuple[Instance, Process, campaigns.Campaign]:
    """The instance, its process and its campaign, for someone who may follow it."""
    person = current_person()
    with read_session(db()) as s:
        instance = queries.get_instance(s, instance_id)
        campaigns.require_follower(db(), s, instance, person, channel="web",
                                   path=request.path, now=utcnow())
        process = queries.process_of(s, instance)
        return instance, process, campaigns.campaign(s, instance, process)


def _answer_row(process: Process, stage: str | None, answer: campaigns.Answer,
                locale: str) -> dict[str, Any]:
    return {"name": answer.name, "email": answer.email, "department": answer.department,
            "state": answer.state,
            "state_text": present.answer_text(process, stage, answer.state, answer.verdict,
                                              answer.close_reason, locale),
            "at": answer.at, "channel": term("channel", answer.channel, locale)
            if answer.state != campaigns.PENDING else ""}


@bp.get("/instances/<row:instance_id>/acknowledgements")
@login_required
def page(instance_id: int):
    locale = current_locale()
    instance, process, found = _followed(instance_id)
    rows = {key: [_answer_row(process, found.stage, a, locale) for a in answers]
            for key, answers in (("done", found.done), ("not_done", found.not_done),
                                 ("other", found.other))}
    return render_template(
        "campaign.html", instance=instance, title=instance.title_in(locale), found=found,
        answer=present.stage_answer(process, found.stage, locale),
        stage_name=present.stage_name(process, found.stage, locale) if found.stage else "",
        rows=rows, now=utcnow(), poll=POLL_SECONDS,
        live=instance.status == "running" and not found.closed)


@bp.get("/instances/<row:instance_id>/acknowledgements.json")
@login_required
def progress(instance_id: int):
    """What the page polls: the counts, by department, and whether anything changed."""
    instance, _process, found = _followed(instance_id)
    return jsonify({
        "stamp": found.stamp, "status": instance.status, "total": found.total,
        "done": len(found.done), "pending": len(found.pending),
        "unanswered": len(found.unanswered), "percent": found.percent,
        "departments": [{"name": d.name, "done": d.done, "total": d.total}
                        for d in found.departments()],
        "live": instance.status == "running" and not found.closed})


@bp.get("/instances/<row:instance_id>/acknowledgements.csv")
@login_required
def export(instance_id: int):
    """Everyone of the stage, one line each: name, email, department, state, when they
    answered, through which channel (UTF-8 with a BOM, so spreadsheets read Cyrillic)."""
    locale = current_locale()
    instance, process, found = _followed(instance_id)
    answer = present.stage_answer(process, found.stage, locale)
    headings = [t(key, locale, answer=answer) for key in (
        "campaign.name", "campaign.email", "campaign.department", "campaign.state",
        "campaign.at", "campaign.channel")]
    rows = []
    for answer_ in sorted(found.answers, key=lambda a: (a.department.casefold(),
                                                        a.name.casefold(), a.task_id)):
        row = _answer_row(process, found.stage, answer_, locale)
        answered = answer_.state in (campaigns.DONE, campaigns.OTHER)
        rows.append([row["name"], row["email"], row["department"], row["state_text"],
                     formats.format_moment(answer_.at) if answered else "", row["channel"]])
    name = f"answers-{instance.id}.csv"
    return Response(formats.csv_table(headings, rows, locale), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "private, no-store"})


@bp.app_template_global()
def campaign_link(process: Process, view: dict[str, Any]) -> dict[str, Any] | None:
    """The instance page's link here — for those who may follow it, when a stage went to many
    people or waits for acknowledgements — with its count; None otherwise."""
    actor = current_actor()
    if actor is None or not may_follow_answers(actor, initiator=view["initiator"]["id"]):
        return None
    with read_session(db()) as s:
        found = campaigns.campaign(s, queries.get_instance(s, view["id"]), process)
    if found.stage is None:
        return None
    status = process.status(found.stage)
    acknowledging = any(v == "acknowledge" and process.advances(status, v)
                        for v in status.verdicts)
    if found.total < MANY and not acknowledging:
        return None
    locale = current_locale()
    return {"url": url_for("campaigns.page", instance_id=view["id"]),
            "text": t("campaign.link", locale, done=len(found.done), total=found.total,
                      answer=present.stage_answer(process, found.stage, locale))}
