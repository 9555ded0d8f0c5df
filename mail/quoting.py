"""The reply's own text: what the person wrote, without the mail they answer.

A verdict must never come from a quoted line ("Согласовано" in the quoted request of a reply
that only asks a question), so everything that may be the original is cut, and when in doubt
the cut is made: a reply read as too short gets an explanation, one read as too long may decide
a task wrongly.

Two ways in. HTML replies carry their structure (Outlook's ``divRplyFwdMsg``, Gmail's
``gmail_quote``, Apple Mail's ``<blockquote type="cite">``...), which is used when it is there;
plain text is cut at the first line that starts an unquoted original (our own "reply above this
line" marker, "-----Original Message-----", an Outlook "From:/Sent:/To:" header block in English
or Russian, an attribution line that no ``>`` quote follows), then quoted ``>`` lines and their
attribution lines ("On … wrote:", "… пишет:") are dropped wherever they are, so bottom-posted
and interleaved answers keep their own lines. Signatures ("-- ", "Sent from my iPhone") go last.
"""

from __future__ import annotations

import re

from approvals.core import limits
from approvals.texts.answers import REPLY_MARKER
from mail.html_text import HtmlText, convert_html
from mail.parse import Parsed

#: elements whose content is the quoted original and everything after it (Outlook)
_CUT_IDS = {"divrplyfwdmsg", "x_divrplyfwdmsg", "appendonsend", "x_appendonsend",
            "mail-editor-reference-message-container", "stopspelling", "x_stopspelling",
            "divtagdefaultwrapper_quote"}
_DROP_CLASSES = {"gmail_attr", "moz-cite-prefix", "yahoo_quoted", "ms-outlook-quote"}

_QUOTED = re.compile(r"^\s*>")
_ATTRIBUTION_END = re.compile(
    r"(?:\bwrote|\bwrites|\bпишет|\bнаписал(?:а|\(а\))?|\bschrieb|\ba écrit)\s*:\s*$", re.I)
#: The Bat!'s default: "Вы писали 24 ноября 2026 г., 12:12:40:" / "You wrote 24 November …:"
_THEBAT_ATTRIBUTION = re.compile(r"^\s*(?:вы писали|you wrote)\b.*\d.*:\s*$", re.I)
_ADDRESS_END = re.compile(r"[\w.+'-]+@[\w.-]+\.\w+\s*>?\s*\]?\s*:\s*$")
_HEADER_KEY = re.compile(r"^[\s*_]*([^\W\d_]+)[\s*_]*:")
_HEADER_FIRST = {"from", "от"}
_HEADER_NEXT = {"sent", "to", "subject", "date", "cc", "отправлено", "кому", "тема", "дата",
                "копия", "отправлен"}
_SEPARATORS = {"original message", "исходное сообщение", "forwarded message",
               "пересылаемое сообщение", "пересланное сообщение", "переадресованное сообщение",
               "begin forwarded message", "начало переадресованного сообщения",
               "оригинальное сообщение"}
_MOBILE = re.compile(
    r"^(?:sent from my \S+|sent from (?:mail|outlook|yahoo|yandex|mail\.ru|samsung|my mobile)"
    r"|sent with \S+|get outlook for \S+|sent via \S+"
    r"|отправлено (?:с|со|из|через|с помощью) .*|отправлено с моего .*)\b.*$", re.I)
_RULE = re.compile(r"^[\s_\-=*~—–]*$")


class _QuoteStripper(HtmlText):
    """HTML to text without the quoted original."""

    def classify(self, tag: str, attrs: dict[str, str]) -> str | None:
        ident = attrs.get("id", "").lower()
        if ident in _CUT_IDS or attrs.get("name", "").lower() == "messagereplysection":
            return "cut"
        classes = attrs.get("class", "").lower().split()
        if tag == "blockquote" or "signature" in ident or any(
                "quote" in name or "signature" in name or name in _DROP_CLASSES
                for name in classes):
            return "drop"
        if any(key.startswith("data-") and ("quote" in key or "quote" in value.lower())
               for key, value in attrs.items()):
            return "drop"
        return None


def _marker(line: str) -> bool:
    folded = " ".join(line.casefold().split())
    return any(marker.casefold() in folded for marker in REPLY_MARKER.values())


def _separator(line: str) -> bool:
    core = line.strip().strip("-_=*~—–<> \t").rstrip(":").strip().casefold()
    return core in _SEPARATORS


def _header_key(line: str) -> str | None:
    match = _HEADER_KEY.match(line)
    return match[1].casefold() if match else None


def _header_block(lines: list[str], index: int) -> bool:
    """An Outlook-style header block of the original: "From:" or "От:", then within four
    lines one of "Sent:", "To:", "Subject:", "Отправлено:", "Кому:", "Тема:"..."""
    if _header_key(lines[index]) not in _HEADER_FIRST:
        return False
    return any(_header_key(line) in _HEADER_NEXT for line in lines[index + 1:index + 5])


def _attribution(lines: list[str], index: int) -> int:
    """How many lines (0, 1 or 2) an attribution line takes at ``index``: "On … wrote:",
    "… пишет:", "… написал(а):", Gmail's Russian "<date>, Name <address>:"; two when a client
    wrapped it."""
    line = lines[index]
    if _QUOTED.match(line) or not line.strip():
        return 0
    if _ends_attribution(line):
        return 1
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if (following.strip() and not _QUOTED.match(following)
            and _ends_attribution(f"{line.rstrip()} {following.strip()}")
            and _opens_attribution(line) and not _opens_attribution(following)):
        return 2
    return 0


def _opens_attribution(line: str) -> bool:
    """"On …" or a line with a date or time in it (addresses aside)."""
    without_addresses = re.sub(r"\S+@\S+", "", line)
    return bool(re.match(r"\s*on\b", line, re.I) or re.search(r"\d", without_addresses))


def _ends_attribution(line: str) -> bool:
    if _ATTRIBUTION_END.search(line) or _THEBAT_ATTRIBUTION.match(line):
        return True
    address = _ADDRESS_END.search(line)
    return address is not None and re.search(r"\d", line[:address.start()]) is not None


def _quote_follows(lines: list[str], index: int) -> bool:
    for position in range(index, len(lines)):  # no slice: a copy of the rest each time is
        if lines[position].strip():  # quadratic in a reply of many attribution lines
            return _QUOTED.match(lines[position]) is not None
    return False


def _hard_cut(lines: list[str]) -> int:
    """Where an unquoted original starts (``len(lines)`` when it does not)."""
    for index, line in enumerate(lines):
        if _QUOTED.match(line):
            continue
        if _marker(line) or _separator(line) or _header_block(lines, index):
            return index
        span = _attribution(lines, index)
        if span and not _quote_follows(lines, index + span):
            return index
    return len(lines)


def _without_signature(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if line.rstrip("\r") in ("-- ", "--") or _MOBILE.match(line.strip()):
            return lines[:index]
    return lines


def own_text_of(text: str) -> str:
    """The own text of a plain-text reply."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = lines[:_hard_cut(lines)]
    kept: list[str] = []
    index = 0
    while index < len(lines):
        if _QUOTED.match(lines[index]):
            index += 1
            continue
        span = _attribution(lines, index)
        if span:
            index += span
            continue
        kept.append(lines[index].rstrip())
        index += 1
    kept = _without_signature(kept)
    while kept and _RULE.match(kept[-1]):
        kept.pop()
    tidy = "\n".join(kept)
    return re.sub(r"\n{3,}", "\n\n", tidy).strip()


def own_text(parsed: Parsed) -> str:
    """The reply's own text, without what it quotes. The HTML body is used when the mail has
    no plain text, or when its quote containers show where the original starts."""
    plain = "" if parsed.text_from_html else own_text_of(parsed.text)
    if parsed.html:
        stripper = convert_html(parsed.html, _QuoteStripper())
        from_html = own_text_of(stripper.text()[:limits.MAIL_TEXT])
        if parsed.text_from_html or not parsed.text.strip():
            return from_html
        if stripper.structure and from_html:
            return from_html
    return plain
