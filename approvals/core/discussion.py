"""A discussion on an instance: a question or a remark between its participants, without a
decision.

A comment is an audit event (``commented``, its text under ``comment``) appended to the
instance's hash chain like a decision, so it is part of the record an auditor reads: the
timeline of the instance page and the audit page, and the signed trail. It changes nothing
else of the instance; every other participant is told (a notification and its mail).

Who may comment: the instance's participants — its initiator, anyone who holds or held one of
its tasks, decided one, or was away while a deputy held theirs — and administrators; an
auditor reads the record but does not write into it. A comment is taken while the instance
runs (also while it is sent back for revision). Once it has ended its record is closed: the
signed trail of a completion seals the chain as it stood, and a comment added afterwards
would be in the database but not in the document an auditor is handed, so it is refused and
the person is told why (an administrator who reopens the process opens the discussion again).

Pure, like :mod:`approvals.core.engine`: (state, actor, text, now) → the engine's outcome;
:func:`approvals.service.comment` runs it in the command's transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from approvals.core.engine import Event, InstanceState, Notify, Outcome
from approvals.core.errors import DiscussionClosed, FormInvalid, NotAParticipant
from approvals.core.policy import Actor, may_comment
from approvals.core.states import RUNNING

#: The audit event of a comment, and the notification template that tells the others.
EVENT = TEMPLATE = "commented"
#: At most this many characters (a Russian letter counts as one): about two printed pages,
#: a question or an answer, not a document (attach those to the process).
MAX_LENGTH = 4_000
#: The notification's own line quotes the comment's beginning, at most this many characters.
EXCERPT = 200


def participants(state: InstanceState) -> set[int]:
    """Everyone who takes part in the instance: its initiator, every task's assignee (a
    deputy's task included), whoever decided one, and the person away a deputy holds one for
    (as :func:`approvals.store.queries.is_participant` reads it from the rows)."""
    found = {state.initiator}
    for task in state.tasks:
        found.update(p for p in (task.assignee, task.decided_by, task.on_behalf_of)
                     if p is not None)
    return found


def recipients(state: InstanceState, author: int) -> list[int]:
    """Who is told about a comment: every participant but its author — the initiator, the
    assignees past and present and the deputies — each once. A task not yet opened (a later
    turn of an ordered stage) tells its assignee nothing yet: they have not been asked."""
    told = {state.initiator}
    for task in state.tasks:
        if task.opened_at is None and task.decided_by is None:
            continue
        told.update(p for p in (task.assignee, task.decided_by, task.on_behalf_of)
                    if p is not None)
    told.discard(author)
    return sorted(told)


def clean(text: str | None) -> str:
    """The comment as stored: trimmed, its line breaks as ``\n`` (a form sends CRLF);
    refused (``FormInvalid`` on ``text``) when empty, longer than :data:`MAX_LENGTH` or
    holding NUL (which no database keeps)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in text:
        raise FormInvalid({"text": ("nul_character", {})})
    if not text:
        raise FormInvalid({"text": ("required", {})})
    if len(text) > MAX_LENGTH:
        raise FormInvalid({"text": ("too_long", {"max": MAX_LENGTH, "length": len(text)})})
    return text


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The comment's beginning on one line, for a notification's line."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


def comment(state: InstanceState, actor: Actor, text: str | None, now: datetime,
            channel: str = "web", evidence: dict[str, Any] | None = None) -> Outcome:
    """Record ``actor``'s comment: one ``commented`` event (with ``evidence``, such as an
    email's Message-ID, when given) and a notice to every other participant. Refuses a
    stranger first (:class:`NotAParticipant`, so they learn nothing of the instance), then
    an ended instance (:class:`DiscussionClosed`), then the text."""
    if not may_comment(actor, participant=actor.id in participants(state)):
        raise NotAParticipant("only the process's participants and administrators may "
                              "comment on it")
    if state.status != RUNNING:
        raise DiscussionClosed(f"this process is {state.status} and its record is closed: "
                               "comments are taken only while it runs", status=state.status)
    text = clean(text)
    out = Outcome(state)
    data: dict[str, Any] = {"comment": text, "channel": channel}
    if evidence:
        data["evidence"] = evidence
    out.events.append(Event(EVENT, actor.id, data))
    params = {"author": actor.id, "comment": excerpt(text), "text": text}
    out.effects.extend(Notify(person, TEMPLATE, dict(params))
                       for person in recipients(state, actor.id))
    return out
