"""What a trail shows, read from the database and put into words.

:func:`collect` builds one plain dict (the template's only input) from
:func:`approvals.store.queries.instance_view` and the rows it points at: the summary, the form data,
every version of every document, the stages, every audit event in order, and the audit chain
recomputed at this moment. It only reads. Anything that cannot be shown as it should (a
document whose stored bytes are missing or do not match their SHA-256, a broken chain) is put
in the trail, marked, and listed in ``problems``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlmodel import Session, select

from approvals import present, texts
from approvals.core.model import Process
from approvals.present import Names
from approvals.store import audit, queries
from approvals.store.models import Blob, Document, Task
from approvals.texts.formats import format_duration, format_moment, format_number

t = partial(texts.t, audience="trail")
term = partial(texts.term, audience="trail")


@dataclass(frozen=True)
class Embedded:
    """The final version of a document, to embed as an associated file."""

    filename: str
    content: bytes
    content_type: str
    description: str
    uploaded_at: datetime


def collect(session: Session, instance_id: int, locale: str, provisional: bool,
            generated_at: datetime) -> tuple[dict[str, Any], list[Embedded]]:
    """The trail's content and the files to embed in it."""
    instance = queries.get_instance(session, instance_id)
    process = queries.process_of(session, instance)
    # The chain first: events are only ever appended, so the view read after it holds every
    # event the head covers (and, on a running instance, perhaps newer ones, left out).
    chain = audit.verify(session, instance_id)
    view = queries.instance_view(session, instance, locale)
    if chain.ok:
        view["timeline"] = [e for e in view["timeline"] if e["seq"] <= chain.count]
    names = Names(session, disambiguate=True)
    names.load(ids=_people_ids(view))
    problems: list[str] = []
    if not chain.ok:
        problems.append(t("chain.broken", locale, problem=chain.problem, at=chain.broken_at))
    documents, embedded = _documents(session, instance_id, process, locale, problems, names)
    content = {
        "locale": locale,
        "provisional": provisional,
        "generated_at": format_moment(generated_at),
        "instance_id": instance_id,
        "status": view["status"],
        "process_name": view["process"]["name"],
        "summary": _summary(view, process, locale, names, generated_at),
        "participants": _participants(view, process, locale, names),
        "fields": _fields(process, view["fields"], locale, names),
        "documents": documents,
        "stages": _stages(session, view, process, locale, names),
        "timeline": [_event(e, process, locale, names) for e in view["timeline"]],
        "chain": {"count": chain.count, "head": chain.head, "ok": chain.ok,
                  "state": t("chain.intact", locale) if chain.ok else problems[0]},
        "problems": problems,
    }
    return content, embedded


def _people_ids(view: dict[str, Any]) -> set[int]:
    ids = {view["initiator"]["id"]} if view["initiator"] else set()
    for task in view["tasks"]:
        ids.update(p["id"] for p in (task["assignee"], task["decided_by"],
                                     task.get("on_behalf_of")) if p)
    ids.update(i for i in present.people_in(view["timeline"]) if isinstance(i, int))
    ids.update(d["uploaded_by"]["id"] for d in view["documents"] if d["uploaded_by"])
    return ids


# ---------------------------------------------------------------------------- sections


def _summary(view: dict, process: Process, locale: str, names: Names,
             generated_at: datetime) -> list[tuple[str, str]]:
    if view["status"] == "completed" and view.get("ending"):
        outcome = t("outcome.ended", locale, name=view["stage_name"])
    elif view["status"] == "completed":
        outcome = t("outcome.completed", locale)
    elif view["status"] == "cancelled":
        event = next((e for e in reversed(view["timeline"]) if e["kind"] == "cancelled"), None)
        who = names.of_id(event["actor"]["id"]) if event and event["actor"] else ""
        reason = (event or {"data": {}})["data"].get("reason") or ""
        outcome = t("outcome.cancelled_reason" if reason else "outcome.cancelled", locale,
                    name=who, reason=reason)
    else:
        outcome = t("outcome.running", locale, stage=view["stage_name"] or view["stage"])
    initiator = view["initiator"]
    return [
        (t("summary.process", locale), view["process"]["name"]),
        (t("summary.version", locale), str(view["process"]["version"])),
        (t("summary.instance", locale), str(view["id"])),
        (t("summary.subject", locale), view["title"]),
        (t("summary.initiator", locale),
         f"{initiator['name']} <{initiator['email']}>" if initiator else ""),
        (t("summary.started", locale), format_moment(view["started_at"])),
        (t("summary.ended", locale), format_moment(view["ended_at"]) if view["ended_at"]
         else t("summary.not_ended", locale)),
        (t("summary.outcome", locale), outcome),
        *_reopenings(view, locale, names),
        (t("summary.generated", locale), format_moment(generated_at)),
    ]


def _reopenings(view: dict, locale: str, names: Names) -> list[tuple[str, str]]:
    """A reopened instance says so up front: each reopening, by whom, when and why, and the
    trails issued before it (this trail seals the latest completion)."""
    rows = []
    for event in view["timeline"]:
        if event["kind"] == "reopened":
            who = names.of_id(event["actor"]["id"]) if event["actor"] else ""
            rows.append((t("summary.reopened", locale),
                         t("summary.reopened_by", locale, time=format_moment(event["at"]), name=who,
                           reason=(event["data"] or {}).get("reason") or "")))
        elif event["kind"] == "trail_issued":
            data = event["data"] or {}
            rows.append((t("summary.earlier_trail", locale),
                         t("summary.earlier_trail_text", locale, trail=data.get("trail", ""),
                           time=format_moment(event["at"]), sha256=data.get("sha256", ""))))
    return rows


def _participants(view: dict, process: Process, locale: str,
                  names: Names) -> list[dict[str, str]]:
    """Everyone who took part, once, with the address that identifies them and their part."""
    parts: dict[int, list[str]] = {}
    if view["initiator"]:
        parts[view["initiator"]["id"]] = [t("participants.initiator", locale)]
    for task in view["tasks"]:
        for person in (task["assignee"], task["decided_by"]):
            if person:
                roles = parts.setdefault(person["id"], [])
                if task["stage_name"] not in roles:
                    roles.append(task["stage_name"])
    for event in view["timeline"]:
        if event["actor"]:
            parts.setdefault(event["actor"]["id"], [])
    rows = []
    for person_id, roles in parts.items():
        person = names.people.get(person_id)
        if person is not None:
            rows.append({"name": person.name, "email": person.email,
                         "part": "; ".join(roles)})
    return rows


def _fields(process: Process, fields: dict[str, Any], locale: str,
            names: Names) -> list[tuple[str, str]]:
    rows = []
    for row in present.field_rows(process, fields, [], locale, names):
        value = row["value"]
        if row["type"] == "file" and isinstance(value, dict):
            text = t("fields.file", locale, filename=value.get("filename", ""),
                     version=value.get("version", ""))
        elif row["type"] == "people":
            text = "; ".join(row["entries"])
        else:
            text = row["text"]
        rows.append((row["label"], text))
    return rows


def _documents(session: Session, instance_id: int, process: Process, locale: str,
               problems: list[str], names: Names) -> tuple[list[dict[str, Any]],
                                                             list[Embedded]]:
    rows = session.exec(select(Document).where(Document.instance_id == instance_id)
                        .order_by(Document.field, Document.version)).all()
    final = {}
    for doc in rows:
        final[doc.field] = doc.id  # ordered by version: the last one wins
    result, embedded = [], []
    for doc in rows:
        spec = process.field(doc.field)
        label = spec.label.get(locale) if spec else doc.field
        is_final = final[doc.field] == doc.id
        problem = ""
        if is_final:
            blob = session.get(Blob, doc.sha256)
            if blob is None:
                problem = t("docs.missing", locale)
            elif hashlib.sha256(blob.data).hexdigest() != doc.sha256:
                problem = t("docs.mismatch", locale)
            else:
                embedded.append(Embedded(
                    doc.filename, blob.data, doc.content_type,
                    t("docs.description", locale, field=label, version=doc.version,
                      sha256=doc.sha256), doc.uploaded_at))
            if problem:
                problems.append(f"{label}, {doc.filename}: {problem}")
        result.append({
            "field": label, "version": doc.version, "filename": doc.filename,
            "size": t("size.bytes", locale, n=format_number(doc.size, locale)),
            "sha256": doc.sha256, "uploaded": format_moment(doc.uploaded_at),
            "uploaded_by": names.of_id(doc.uploaded_by_id),
            "state": (t("docs.problem", locale, problem=problem) if problem
                      else t("docs.final" if is_final else "docs.superseded", locale)),
            "problem": bool(problem),
        })
    return result, embedded


def _stages(session: Session, view: dict, process: Process, locale: str,
            names: Names) -> list[dict[str, Any]]:
    tasks = session.exec(select(Task).where(Task.instance_id == view["id"])
                         .order_by(Task.seq)).all()
    by_stage: dict[str, list[Task]] = {}
    for task in tasks:
        # a branch's tasks (stage "record.hr") are listed under their parallel stage
        by_stage.setdefault(task.stage.split(".")[0], []).append(task)
    rows = []
    revision_seen = any(task.kind == "revision" for task in tasks)
    stages = list(view["stages"])
    if revision_seen and not any(s["key"] == "revision" for s in stages):
        stages.append({"key": "revision", "name": process.status("revision").name.get(locale),
                       "state": "done", "rule": "all"})
    for stage in stages:
        own = by_stage.get(stage["key"], [])
        people = [_task_line(task, process, locale, names) for task in own]
        rounds = len({task.round for task in own})
        rows.append({
            "name": stage["name"],
            "state": term("stage_state", stage["state"], locale),
            "rule": term("rule", stage["rule"], locale),
            "people": people or [t("stages.none", locale)],
            "rounds": t("stages.rounds", locale, n=rounds) if rounds > 1 else "",
            "duration": _stage_duration(own, locale),
        })
    return rows


def _task_line(task: Task, process: Process, locale: str, names: Names) -> str:
    who = names.of_id(task.assignee_id)
    if task.on_behalf_of_id is not None:  # a deputy's task: for whom
        who = t("stages.on_behalf_of", locale, name=who, absent=names.of_id(task.on_behalf_of_id))
    if "." in task.stage:  # a branch of a parallel stage: say which
        who = f"{process.status(task.stage).name.get(locale)} — {who}"
    if task.state == "decided":
        decided = present.verdict_label(process, task.verdict, locale, past=True,
                                        stage=task.stage, audience="trail")
        by = ""
        if task.decided_by_id is not None and task.decided_by_id != task.assignee_id:
            by = f" ({names.of_id(task.decided_by_id)})"
        return f"{who}: {decided}{by}, {format_moment(task.closed_at)}, " \
               f"{term('channel', task.channel, locale)}"
    if task.state == "withdrawn":
        return f"{who}: {t('task.withdrawn', locale)} " \
               f"({term('close_reason', task.close_reason, locale)})"
    return f"{who}: {t('task.pending', locale)}"


def _stage_duration(tasks: list[Task], locale: str) -> str:
    opened = [task.opened_at for task in tasks if task.opened_at]
    if not opened:
        return ""
    if any(task.state in ("open", "waiting") for task in tasks):
        return t("stages.in_progress", locale, time=format_moment(min(opened)))
    closed = [task.closed_at for task in tasks if task.closed_at]
    return format_duration((max(closed) - min(opened)).total_seconds(), locale) if closed else ""


def _event(event: dict[str, Any], process: Process, locale: str,
           names: Names) -> dict[str, Any]:
    data = event["data"] or {}
    kind = event["kind"]
    text = present.event_text(kind, data, process, locale, names, audience="trail")
    details = []
    if kind == "document_version" and data.get("sha256"):
        details.append(("SHA-256", data["sha256"]))
    comment = present.event_comment(kind, data)
    actor = event["actor"]
    person = names.of_id(actor["id"]) if actor else t("timeline.system", locale)
    on_behalf = data.get("on_behalf_of")
    return {
        "seq": event["seq"],
        "at": format_moment(event["at"]),
        "person": person,
        "on_behalf_of": (t("timeline.on_behalf_of", locale, name=names.of_id(on_behalf))
                         if on_behalf is not None else ""),
        "text": text,
        "verdict": present.verdict_label(process, data.get("verdict"), locale, past=True,
                                         stage=data.get("stage"), audience="trail")
        if kind == "decided" else "",
        "comment": comment or "",
        "channel": term("channel", event["channel"], locale),
        "channel_key": event["channel"],
        "details": details,
        "evidence": _evidence(data.get("evidence"), locale),
    }


_EVIDENCE_LABELS = {"message_id": "evidence.message_id", "message-id": "evidence.message_id",
                    "auth": "evidence.auth", "authentication": "evidence.auth",
                    "authentication_results": "evidence.auth", "auth_result": "evidence.auth",
                    "from": "evidence.from", "sender": "evidence.from",
                    "received_at": "evidence.received_at",
                    "bulk": "evidence.bulk",  # web.bulk: how many tasks the batch held
                    # accounting.statements: the bank statement line that paid an invoice
                    "statement": "evidence.statement", "file": "evidence.file",
                    "sha256": "evidence.sha256", "line": "evidence.line",
                    "document": "evidence.document"}


def _evidence(evidence: Any, locale: str) -> list[tuple[str, str]]:
    """An email decision's evidence (Message-ID, sender authentication…), every key shown."""
    if not evidence:
        return []
    if not isinstance(evidence, dict):
        return [("", str(evidence))]
    rows = []
    for key, value in evidence.items():
        label_key = _EVIDENCE_LABELS.get(str(key).lower())
        label = t(label_key, locale) if label_key else str(key)
        if isinstance(value, dict):
            value = "; ".join(f"{k}={v}" for k, v in value.items())
        elif isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        rows.append((label, str(value)))
    return rows
