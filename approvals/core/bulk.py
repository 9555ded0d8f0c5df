"""Bulk decisions: which answers may be given to many tasks at once, and how many at a time.

A bulk decision is a list of ordinary decisions, each its own command; this module only says
what a batch may ask at all. Who may decide each task is the policy's
(:func:`approvals.core.policy.refusal_to_decide`), what a decision does is the engine's.

From the inbox one answer and one optional comment go to every selected task, so only the
positive answers that need nothing of their own are offered: :data:`BULK_VERDICTS`, and only
where the stage asks for no task form and no comment for that answer. A send-back needs its
own comment; ``paid`` records a payment's own data, and its place is the accountants' queue.
Through the API each decision carries its own verdict and comment, so any answer the task
allows may be given, except one that asks for a task form (those go through the single
decision, which takes the form's answers).
"""

from __future__ import annotations

from collections.abc import Iterable

from approvals.core.model import Process
from approvals.core.states import REVISION_TASK

#: The answers the inbox gives to many selected tasks at once.
BULK_VERDICTS = ("approve", "acknowledge", "done")
#: The most decisions one bulk decision takes (a page or an API call).
MAX_BATCH = 200

#: Why a task is answered on its own (:class:`approvals.core.errors.NotInBulk`'s ``why``).
FORM, COMMENT, ANSWER, REVISION = "form", "comment", "answer", "revision"


def refusal_in_bulk(process: Process, stage: str, verdict: str, *, task_kind: str = "",
                    own_comment: bool = False) -> str | None:
    """Why ``verdict`` cannot be given to a task at ``stage`` in a bulk decision; None when it
    can. ``own_comment``: each decision carries its own comment (the API), so any answer
    goes and a required comment is the engine's to check."""
    if task_kind == REVISION_TASK:
        return REVISION
    if not own_comment and verdict not in BULK_VERDICTS:
        return ANSWER
    if process.asked(stage, verdict):
        return FORM
    if not own_comment and process.status(stage).comment_required(verdict):
        return COMMENT
    return None


def answers_in_bulk(process: Process, stage: str, verdicts: Iterable[str],
                    task_kind: str = "") -> tuple[str, ...]:
    """The answers of :data:`BULK_VERDICTS` a task at ``stage`` (allowing ``verdicts``) may be
    given from the inbox, in that order."""
    allowed = set(verdicts)
    return tuple(v for v in BULK_VERDICTS if v in allowed and refusal_in_bulk(
        process, stage, v, task_kind=task_kind) is None)
