"""How much text one person may send in one go, in characters (not bytes: a Russian letter
counts as one). Every channel checks the same numbers: a page or the API answers 400 naming
the field and the limit (:class:`approvals.core.errors.TextTooLong`); an email reply longer
than a comment may be is cut to it, marked, and the whole message stays in the stored raw
mail. The numbers are generous for people and small for a server: a comment of
:data:`COMMENT` characters is about five printed pages.
"""

from __future__ import annotations

from approvals.core.errors import TextTooLong

#: A decision's or a resubmission's comment.
COMMENT = 20_000
#: One text value of a form field (a multi-line text field included), unless the process
#: file sets a smaller ``max_length``.
FIELD_TEXT = 5_000
#: An email body Signoff reads at all (text, or the text made from HTML); the rest of the
#: message is kept in the stored raw mail but not read.
MAIL_TEXT = 200_000
#: An HTML part read at all (bytes of markup, before it becomes text).
MAIL_HTML = 2_000_000


def check(what: str, value: str, limit: int) -> str:
    """``value`` if it is at most ``limit`` characters, else :class:`TextTooLong`."""
    if len(value) > limit:
        raise TextTooLong(what, len(value), limit)
    return value


def cut(value: str, limit: int, marker: str = " […]") -> tuple[str, bool]:
    """``value`` cut to at most ``limit`` characters (the marker included), and whether it
    was cut."""
    if len(value) <= limit:
        return value, False
    return value[:max(0, limit - len(marker))].rstrip() + marker, True
