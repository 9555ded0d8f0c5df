"""The discussion by mail (:mod:`approvals.core.discussion`): what a mail about a comment says,
and how a reply to a task mail is read as a comment rather than an answer.

A reply whose own text (the quoted original and the signature cut, :mod:`mail.quoting`)
begins, on its first non-empty line, with "Комментарий:" or "Comment:" — any case, a dash
instead of the colon too ("Comment - when is the deadline?") — is a comment: the rest of that
line and the lines below are its text. It decides nothing, and the reply address stays good
for the answer.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from sqlmodel import Session

from approvals.core import discussion
from approvals.store.models import Notification, Person
from approvals.texts.formats import format_time
from mail import wording

TEMPLATE = discussion.TEMPLATE
#: "Комментарий:", "Comment:", "comment -", "КОММЕНТАРИЙ —"… at the start of the first line.
_PREFIX = re.compile(r"^\s*(?:комментарий|коммент|comment)\s*(?::|-|–|—)\s*", re.IGNORECASE)


def comment_in(own_text: str) -> str | None:
    """The comment a reply's own text holds, or None when it does not start as one. The text
    may be empty ("Comment:" and nothing else): the service refuses it, saying so."""
    lines = own_text.splitlines()
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        found = _PREFIX.match(line)
        if found is None:
            return None
        return "\n".join([line[found.end():], *lines[index + 1:]]).strip()
    return None


def notice_lines(session: Session, note: Notification, locale: str, discussion_url: str,
                 zone: tzinfo | None = None) -> tuple[list[str], list[tuple[str, str]]]:
    """A comment's mail: who wrote it and when, its text (line by line), how to answer; and
    the link to the discussion."""
    author = session.get(Person, note.params.get("author")) \
        if isinstance(note.params.get("author"), int) else None
    text = str(note.params.get("text") or note.params.get("comment") or "")
    lines = [wording.t("notice.comment_by", locale, name=author.name if author else "",
                       when=format_time(note.created_at, locale, zone)),
             *(line for line in text.splitlines() if line.strip()),
             wording.t("notice.comment_how", locale)]
    return lines, [(wording.t("notice.open_discussion", locale), discussion_url)]

