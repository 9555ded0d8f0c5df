"""Composing Signoff's outgoing mail: a notification for the person it is about, or a short
explanation for someone whose emailed reply was not accepted. Sending is :mod:`mail.send`'s
business; nothing here writes to the database.

A mail is composed afresh on every attempt to send it, so everything in it is derived from
stored rows and from what the caller passes (the outbox row's id, the reply token): a retried
send carries the same Message-ID, the same token and the same text.

Two kinds of notification mail:

- a *task mail* — the notification's task is open, assigned to this person, and the caller
  gave a reply token: the marker line people answer above, what is asked and by whom, the
  form's data, the documents (attached when small), the history so far, the deadline, and how
  to answer (the accepted words, a ``mailto:`` button per verdict, web links);
- a *short mail* for everything else (withdrawn, completed, notices, the signed trail, and a
  task mail whose task closed before it went out): one sentence and a link to the process.

Every mail has a text and an HTML part (Jinja templates under ``templates/``, autoescaped for
HTML), is in the person's language, and threads with the other mails of its instance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlmodel import Session, select

from approvals import extensions, present, texts
from approvals.config import zones
from approvals.config.mail import MailSettings
from approvals.core.engine import DECIDED, OPEN, REVISION_TASK
from approvals.core.errors import StoredFileProblem
from approvals.core.model import Process
from approvals.records import trails
from approvals.store import filestore, queries
from approvals.store.models import Blob, Document, Notification, Person, Task, Trail
from approvals.texts.answers import REPLY_MARKER
from approvals.texts.formats import format_size, format_time, zone_label
from mail import campaigns, discussion, tokens, wording

TEMPLATES = Path(__file__).with_name("templates")
#: Templates whose mail asks for an answer (when the task is still open and has a token).
TASK_TEMPLATES = ("task_assigned", "revision_requested", "task_overdue",
                  "task_due_soon")
SHA_PREFIX = 12  # hex digits of a document's SHA-256 shown in the mail
MAX_TIMELINE = 30  # the newest events a task mail lists; the process page has them all
MAX_REFERENCES = 10
#: 7-bit output: text parts become quoted-printable or base64 (whichever is shorter), so a
#: relay without 8BITMIME takes the mail as it is.
POLICY = policy.default.clone(cte_type="7bit")
_MESSAGE_ID = re.compile(r"^<[^<>\s]+>$")

_env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                   autoescape=select_autoescape(enabled_extensions=("html",),
                                                default_for_string=False),
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


# ---------------------------------------------------------------------------- notifications


def notification_mail(session: Session, note: Notification, *, settings: MailSettings,
                      base_url: str, outbox_item_id: int, token: str | None,
                      trails_dir: Path | None = None) -> EmailMessage:
    """The mail telling ``note``'s person about it, in their language.

    ``token`` is the reply token of this mail (None when no answer is expected): it goes into
    the Message-ID and the Reply-To. ``trails_dir`` is where signed trails are stored; without
    it a ``trail_issued`` mail links to the trail instead of attaching it."""
    person = session.get(Person, note.person_id)
    if person is None:
        raise LookupError(f"notification {note.id}: person {note.person_id} not found")
    instance = queries.get_instance(session, note.instance_id or note.params.get("instance"))
    locale = texts.normalize(person.locale)
    zone = zones.reader_zone(person)  # every time in the mail is the reader's, and named
    base_url = base_url.rstrip("/")
    process = queries.process_of(session, instance)
    # what a mail shows: no task list, only the newest events (a campaign has 500 tasks)
    view = queries.instance_view(session, instance, locale, with_tasks=False,
                                 recent=MAX_TIMELINE)
    task = session.get(Task, note.task_id) if note.task_id else None
    title = wording.one_line(instance.title_in(locale) or note.params.get("title")
                             or view["process"]["name"])
    subject = wording.subject(note.template, instance.id, title, locale)
    context: dict[str, Any] = {
        "locale": locale, "t": partial(wording.t, locale=locale), "subject": subject,
        "instance_url": f"{base_url}/instances/{instance.id}",
        "footer": [wording.t("zone.times_are", locale, zone=zone_label(zone, note.created_at)),
                   wording.t("footer.why", locale, process=view["process"]["name"],
                             id=instance.id), wording.t("footer.auto", locale)],
    }
    answering = (token is not None and task is not None and task.state == OPEN
                 and task.assignee_id == person.id)
    if answering:
        reply_address = settings.reply_address(token)
        context.update(_task_context(session, note, task, person, process, view, title,
                                     locale, base_url, subject, reply_address, zone))
        files, context["documents"] = _documents(session, process, view, settings, base_url,
                                                 locale)
        name = "task"
    else:
        context.update(_notice_context(session, note, task, person, process, view, title,
                                       locale, base_url, zone))
        files = []
        if note.template == "trail_issued" or note.params.get("trail"):
            # the trail's own notice, or the completion notice that waited for the trail
            # (approvals/store/notices.py): the signed PDF goes with it
            trail_file, line, link = _trail(session, note, settings, base_url, instance.id,
                                            trails_dir, locale)
            if trail_file is not None:
                files.append(trail_file)
                context["lines"].append(line)
            else:
                context["links"].insert(0, link)
        # what the domain packages add (HR: the .ics of the absence a completed request
        # recorded), asked through the extension point so that mail imports none of them
        files.extend(Attachment(*found) for found in extensions.attachments(
            extensions.Mailing(instance.id, person.id, note.template, locale,
                               session.connection())))
        if note.template == "stage_closed":  # a campaign's summary (mail/campaigns.py)
            lines, links = campaigns.summary(session, instance, process, locale, base_url)
            context["lines"].extend(lines)
            context["links"][:0] = links
        name = "notice"
    message = _envelope(settings, to=_address(person.name, person.email), subject=subject,
                        locale=locale, date=note.created_at,
                        message_id=tokens.message_id(settings.domain, outbox_item_id, token),
                        references=[tokens.thread_id(settings.domain, instance.id)],
                        reply_to=settings.reply_address(token) if token else None,
                        auto_submitted="auto-generated")
    _fill(message, name, context, files)
    return message


def _task_context(session: Session, note: Notification, task: Task, person: Person,
                  process: Process, view: dict, title: str, locale: str, base_url: str,
                  subject: str, reply_address: str, zone: tzinfo) -> dict[str, Any]:
    """What a task mail says besides the frame: what is asked, how to answer, the data."""
    revision = task.kind == REVISION_TASK
    verdicts = ["resubmit"] if revision else [v for v in task.verdicts.split(",") if v]
    stage = _stage_name(process, task.stage, locale)
    template = note.template if note.template in TASK_TEMPLATES else "task_assigned"
    task_url = f"{base_url}/tasks/{task.id}"
    answers = []
    for verdict in verdicts:
        word = present.suggested_word(process, verdict, locale, task.stage)
        others = present.answer_words(process, verdict, locale, task.stage)[1:]
        answers.append({"verdict": verdict, "word": word,
                        "label": present.verdict_label(process, verdict, locale,
                                                       stage=task.stage),
                        "also": ", ".join(others), "primary": verdict != "send_back",
                        "mailto": mailto(reply_address, f"Re: {subject}", word),
                        "answer_url": f"{task_url}/answer/{verdict}"})
    names = present.Names(session)
    names.load(emails=present.emails_in(process, view["fields"]))
    summary = _summary(view, title, stage, locale)
    if task.deadline:
        summary.append((wording.t("summary.deadline", locale),
                        format_time(task.deadline, locale, zone)))
    earlier = queries.event_count(session, view["id"]) - len(view["timeline"])
    timeline = present.timeline(view, process, locale, names)
    marker = REPLY_MARKER.get(locale) or REPLY_MARKER["en"]
    return {
        "marker": f"— {marker} —", "marker_text": marker,
        "lead": wording.t(f"lead.{template}", locale, title=title, stage=stage),
        "standing_in": _standing_in(session, note, task, locale),
        "asked": wording.t("ask.revision", locale) if revision else wording.t(
            "ask.decide", locale, verdicts=wording.t("word.or", locale).join(
                wording.quoted(a["label"], locale) for a in answers)),
        "summary": summary,
        "sent_back": _sent_back(session, task, note, locale, zone) if revision else [],
        "answers": answers,
        "send_back": "send_back" in verdicts,
        "attach": revision and any(f.type == "file" for f in process.start_fields),
        "form_lines": [] if revision else [wording.form_line(spec, locale)
                                           for spec in process.asked(task.stage)],
        "form_inline": None if revision else _inline(process, task.stage, answers, locale),
        "task_url": task_url,
        "web_links": [*((a["label"], a["answer_url"]) for a in answers),
                      (wording.t("how.task_page", locale), task_url)],
        "sender_email": person.email,
        "fields": [(row["label"], ", ".join(row["entries"]) or row["text"])
                   for row in present.field_rows(process, view["fields"], view["documents"],
                                                 locale, names)],
        "timeline": [{"at": format_time(row["at"], locale, zone), "actor": row["actor"],
                      "text": row["text"], "comment": row["comment"]}
                     for row in timeline],
        "earlier": earlier,
    }


def _notice_context(session: Session, note: Notification, task: Task | None, person: Person,
                    process: Process, view: dict, title: str, locale: str,
                    base_url: str, zone: tzinfo) -> dict[str, Any]:
    """The one sentence of a short mail (the notification's own text), and its links."""
    stage_key = note.params.get("stage") or ""
    stage = _stage_name(process, stage_key, locale) if stage_key else ""
    lines, links = [], []
    if note.template == "task_overdue_initiator" and task is not None:
        assignee = _person_name(session, task.assignee_id)
        lines.append(wording.t("notice.overdue", locale, name=assignee,
                            deadline=format_time(task.deadline, locale, zone) or "—"))
    own_task = task is not None and task.assignee_id == person.id
    if note.template in ("decision_received", "decision_disputed") and task is not None:
        lines.append(wording.t("notice.decided", locale,
                               name=_person_name(session, task.decided_by_id),
                               when=format_time(task.closed_at, locale, zone),
                               verdict=present.verdict_label(process, task.verdict, locale,
                                                             past=True, stage=task.stage)))
        if note.template == "decision_received" and own_task:
            lines.append(wording.t("notice.not_me_hint", locale))
            links.append((wording.t("notice.not_me", locale),
                          f"{base_url}/tasks/{task.id}/not-me"))
    elif own_task and task.state == OPEN:
        links.append((wording.t("how.task_page", locale), f"{base_url}/tasks/{task.id}"))
    elif own_task and note.template in TASK_TEMPLATES:
        if task.state == DECIDED:
            lines.append(texts.t("task.already_decided", locale,
                                 name=_person_name(session, task.decided_by_id),
                                 when=format_time(task.closed_at, locale, zone),
                                 verdict=present.verdict_label(process, task.verdict, locale,
                                                               past=True, stage=task.stage)))
        else:
            reason = texts.term("close_reason", task.close_reason, locale) or \
                texts.term("task_state", task.state, locale)
            lines.append(wording.t("notice.task_closed", locale, reason=reason))
    if note.template == discussion.TEMPLATE:  # a comment: who wrote what, and how to answer
        more, link = discussion.notice_lines(
            session, note, locale, f"{base_url}/instances/{view['id']}#discussion", zone)
        lines.extend(more)
        links.extend(link)
    links.append((wording.t("notice.open_instance", locale), f"{base_url}/instances/{view['id']}"))
    summary = _summary(view, title, stage if view["status"] == "running" else "", locale)
    summary.append((wording.t("summary.status", locale),
                    texts.term("instance_state", view["status"], locale)))
    own = f"notice.lead.{note.template}"  # a lead the mail words its own way
    lead = (wording.t(own, locale, title=title, stage=stage) if texts.own(own, "mail") else
            texts.notification_text(note.template, dict(note.params, title=title), locale,
                                    stage))
    return {"lead": lead, "summary": summary, "lines": lines, "links": links}


def _inline(process: Process, stage: str, answers: list[dict], locale: str) -> str | None:
    """The answer that fills the task's form, written with it on one line when it can be
    ("Оплачено 27.11.2026 п/п 123")."""
    for answer in answers:
        asked = process.asked(stage, answer["verdict"])
        if asked:
            return wording.inline_example(answer["word"], asked, locale)
    return None


def _standing_in(session: Session, note: Notification, task: Task,
                 locale: str) -> dict[str, str]:
    """Why the task is the reader's when it was someone else's: they deputise for a person
    away (``deputy``), and who handed it to them, saying what (``handed``, ``note``)."""
    found = {"deputy": "", "handed": "", "note": ""}
    if task.on_behalf_of_id is not None:
        absent = session.get(Person, task.on_behalf_of_id)
        found["deputy"] = wording.t("task.deputy_line", locale,
                                    name=absent.name if absent else "")
    handed_by = note.params.get("handed_by")
    by = session.get(Person, handed_by) if isinstance(handed_by, int) else None
    if by is not None:
        comment = str(note.params.get("note") or "")
        found["handed"] = wording.t("task.handed_line" if comment else "task.handed_line_plain",
                                    locale, name=by.name)
        found["note"] = comment
    return found


def _person_name(session: Session, person_id: int | None) -> str:
    """A participant's name (the mail's view holds no task list to find it in)."""
    person = session.get(Person, person_id) if person_id is not None else None
    return person.name if person is not None else ""


def _summary(view: dict, title: str, stage: str, locale: str) -> list[tuple[str, str]]:
    rows = [(wording.t("summary.process", locale),
             wording.t("summary.process_value", locale, name=view["process"]["name"],
                    version=view["process"]["version"])),
            (wording.t("summary.number", locale),
             wording.t("summary.number_value", locale, id=view["id"])),
            (wording.t("summary.title", locale), title),
            (wording.t("summary.initiator", locale),
             view["initiator"]["name"] if view["initiator"] else "")]
    if stage:
        rows.insert(3, (wording.t("summary.stage", locale), stage))
    return rows


def _sent_back(session: Session, task: Task, note: Notification, locale: str,
               zone: tzinfo) -> list[dict[str, str]]:
    """Who sent the process back for this revision, when, and what they asked for."""
    rows = session.exec(select(Task).where(Task.instance_id == task.instance_id,
                                           Task.round == task.round - 1,
                                           Task.verdict == "send_back")
                        .order_by(Task.closed_at, Task.id)).all()
    people = {p.id: p.name for p in session.exec(select(Person).where(
        Person.id.in_([r.decided_by_id for r in rows if r.decided_by_id])))} if rows else {}
    items = [{"name": people.get(r.decided_by_id, ""),
              "when": format_time(r.closed_at, locale, zone), "comment": r.comment}
             for r in rows]
    if not items and note.params.get("comment"):
        items.append({"name": "", "when": "", "comment": str(note.params["comment"])})
    return items


def _documents(session: Session, process: Process, view: dict, settings: MailSettings,
               base_url: str, locale: str) -> tuple[list[Attachment], list[dict[str, Any]]]:
    """The newest version of each document: attached when at most ``attach_max_bytes``,
    else linked. Returns the attachments and the rows the mail lists."""
    newest: dict[str, dict] = {}
    for doc in view["documents"]:
        if doc["version"] >= newest.get(doc["field"], {}).get("version", 0):
            newest[doc["field"]] = doc
    order = {spec.name: n for n, spec in enumerate(process.fields)}
    files, rows = [], []
    for doc in sorted(newest.values(), key=lambda d: (order.get(d["field"], len(order)),
                                                      d["field"])):
        attached = False
        if doc["size"] <= settings.attach_max_bytes:
            blob, row = session.get(Blob, doc["sha256"]), session.get(Document, doc["id"])
            if blob is not None and row is not None:
                files.append(Attachment(doc["filename"], row.content_type, blob.data))
                attached = True
        rows.append({"attached": attached,
                     "url": f"{base_url}/documents/{doc['id']}",
                     "line": wording.t("docs.line", locale, filename=doc["filename"],
                                    version=doc["version"],
                                    size=format_size(doc["size"], locale),
                                    sha256=doc["sha256"][:SHA_PREFIX])})
    return files, rows


def _trail(session: Session, note: Notification, settings: MailSettings, base_url: str,
           instance_id: int, trails_dir: Path | None,
           locale: str) -> tuple[Attachment | None, str | None, tuple[str, str]]:
    """The signed trail attached (with a line saying so) when its file is at hand and at most
    five times ``attach_max_bytes``; otherwise the link to download it."""
    link = (wording.t("notice.trail_link", locale), f"{base_url}/instances/{instance_id}/trail.pdf")
    trail_id = note.params.get("trail")
    trail = session.get(Trail, trail_id) if trail_id else None
    if trail is None or trail.instance_id != instance_id or trails_dir is None \
            or trail.size > settings.attach_max_bytes * 5:
        return None, None, link
    try:
        data = filestore.read(trails_dir, trail.path, trail.sha256)
    except StoredFileProblem:
        return None, None, link
    filename = trails.stored_name(trail)
    line = wording.t("notice.trail_attached", locale, filename=filename,
                     sha256=trail.sha256[:SHA_PREFIX])
    return Attachment(filename, "application/pdf", data), line, link


# ---------------------------------------------------------------------------- explanations

_NO_LINK = frozenset({"ambiguous", "no_verdict", "wrong_sender"})  # the words say what to do


def explanation_mail(*, settings: MailSettings, base_url: str, to: str, name: str, locale: str,
                     reason: str, params: dict, in_reply_to: str | None,
                     references: list[str], outbox_item_id: int,
                     zone: tzinfo | None = None) -> EmailMessage:
    """A short, polite answer to a person of the directory whose email was not accepted: what
    happened and what to do, in their language, threaded under their message. It never
    carries anything of their email: not its text, not its subject — the subject is a fixed
    one of ours (a ``subject`` that rows queued by an older Signoff still hold is never read).

    ``references`` are the References of their message; ``in_reply_to`` is its Message-ID;
    ``zone`` is the reader's time zone (:func:`approvals.config.zones.reader_zone`)."""
    locale, name = texts.normalize(locale), name or ""
    base_url = base_url.rstrip("/")
    params = dict(params or {})
    zone = zone or zones.organisation_zone()
    happened, todo = wording.explanation(reason, params, locale, zone)
    task_url = params.get("task_url") or (f"{base_url}/tasks/{params['task']}"
                                          if params.get("task") else None)
    if reason == "expired" and task_url:
        links = [(wording.t("how.task_page", locale), task_url)]
    else:
        links = [] if reason in _NO_LINK else [(wording.t("explain.your_tasks", locale),
                                                f"{base_url}/")]
    reply_subject = wording.t("subject.explanation", locale)
    context = {
        "locale": locale, "t": partial(wording.t, locale=locale), "subject": reply_subject,
        "greeting": wording.t("explain.greeting", locale, name=wording.one_line(name))
        if name.strip() else wording.t("explain.greeting_plain", locale),
        "lines": [happened, wording.t("explain.nothing_changed", locale)],
        "todo": todo, "links": links,
        "footer": [wording.t("explain.once", locale), wording.t("footer.auto", locale)],
    }
    if params.get("at"):  # a time is said: in which zone
        context["footer"].insert(0, wording.t("zone.times_are", locale,
                                              zone=zone_label(zone, datetime.now(UTC))))
    thread = [r.strip() for r in references or [] if r and _MESSAGE_ID.match(r.strip())]
    parent = in_reply_to.strip() if in_reply_to and _MESSAGE_ID.match(in_reply_to.strip()) \
        else None
    if parent and parent not in thread:
        thread.append(parent)
    if len(thread) > MAX_REFERENCES:  # the first (the thread's root) and the newest
        thread = [thread[0], *thread[-(MAX_REFERENCES - 1):]]
    message = _envelope(settings, to=_address(name, to), subject=reply_subject, locale=locale,
                        date=datetime.now(UTC),
                        message_id=tokens.message_id(settings.domain, outbox_item_id),
                        references=thread, in_reply_to=parent, reply_to=None,
                        auto_submitted="auto-replied")  # RFC 3834: a response to their mail
    _fill(message, "explanation", context, [])
    return message


# ---------------------------------------------------------------------------- the message


def mailto(address: str, subject: str, body: str) -> str:
    """A ``mailto:`` URI (RFC 6068) pre-filling the recipient, subject and body, every part
    percent-encoded as UTF-8 (``+`` too, so no client reads it as a space)."""
    return (f"mailto:{quote(address, safe='@')}?subject={quote(subject, safe='')}"
            f"&body={quote(body, safe='')}")


def _envelope(settings: MailSettings, *, to: Address, subject: str, locale: str,
              date: datetime, message_id: str, references: list[str],
              reply_to: str | None, auto_submitted: str,
              in_reply_to: str | None = None) -> EmailMessage:
    """The headers every Signoff mail carries (and Content-Language, added by :func:`_fill`)."""
    message = EmailMessage(policy=POLICY)
    message["From"] = _address(settings.from_name, settings.from_address)
    message["To"] = to
    _set_unstructured(message, "Subject", subject)
    message["Date"] = format_datetime(date if date.tzinfo else date.replace(tzinfo=UTC))
    message["Message-ID"] = message_id
    if references:
        message["In-Reply-To"] = in_reply_to or references[-1]
        message["References"] = " ".join(references)
    if reply_to:
        message["Reply-To"] = reply_to
    message["Auto-Submitted"] = auto_submitted  # RFC 3834: no auto-reply to us, please
    message["X-Auto-Response-Suppress"] = "All"  # the same, for Exchange and Outlook
    return message


def _fill(message: EmailMessage, name: str, context: dict[str, Any],
          files: list[Attachment]) -> None:
    """The text and HTML parts from ``name``.txt/.html, then the attachments, then the
    language (set last: adding parts moves a message's Content-* headers into the parts)."""
    message.set_content(_env.get_template(f"{name}.txt").render(context))
    message.add_alternative(_env.get_template(f"{name}.html").render(context), subtype="html")
    for file in files:
        maintype, _, subtype = file.content_type.partition("/")
        if not maintype or not subtype:
            maintype, subtype = "application", "octet-stream"
        message.add_attachment(file.data, maintype=maintype, subtype=subtype,
                               filename=file.filename)
    message["Content-Language"] = context["locale"]


def _set_unstructured(message: EmailMessage, name: str, value: str) -> None:
    """Set a text header. One with non-ASCII text is encoded with the older ``Header`` API:
    the folder of Python 3.11's default policy drops the space between two encoded words it
    splits a phrase into ("Supply contract" came out as "Supplycontract")."""
    if value.isascii():
        message[name] = value
    else:
        message.set_raw(name, Header(value, "utf-8", header_name=name).encode(
            linesep=POLICY.linesep))


def _address(name: str, address: str) -> Address:
    return Address(display_name=wording.one_line(name or "", 200), addr_spec=address.strip())


def _stage_name(process: Process, key: str, locale: str) -> str:
    try:
        return process.status(key).name.get(locale)
    except KeyError:
        return key
