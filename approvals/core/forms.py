"""Validate a start or resubmit form against a process definition.

The input is what a person sent (JSON values, or strings from an HTML form); the output is the
clean values the engine stores. Refusals collect per field as ``(code, params)`` so the web
layer can say them in the person's language; nothing is half-accepted.

Clean values: text -> str, number -> str of a Decimal, money -> str with two decimals (an
amount with more is refused, never rounded: 0.005 is not an amount of money), date ->
``YYYY-MM-DD``, date_range -> ``{"start", "end"}``, person -> email, people -> list of emails,
choice -> value, boolean -> bool, file -> :class:`Upload` (the service stores it).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from approvals.core import filetypes, limits
from approvals.core.directory import Directory
from approvals.core.errors import FormInvalid
from approvals.core.model import LOCALES, FieldSpec, Process

MAX_TEXT = limits.FIELD_TEXT
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_NUMBER = Decimal(10) ** 18
#: Digits after the decimal point an amount of money may have (kopecks, cents).
MONEY_PLACES = 2
_CENT = Decimal(1).scaleb(-MONEY_PLACES)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Upload:
    """A file sent with a form, before it is stored."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


def validate(process: Process, raw: dict[str, Any], directory: Directory,
             partial: bool = False, specs: tuple[FieldSpec, ...] | None = None,
             locale: str | None = None) -> dict[str, Any]:
    """Return the clean values, or raise :class:`FormInvalid` naming every bad field.

    ``partial`` (a resubmission) accepts a subset of the fields; what is absent stays as it was.
    A field left empty takes its ``default`` when the process gives one.
    ``specs`` are the fields this form has: the start form's by default, a task form's when
    an assignee answers.
    ``locale`` is the language of the person who typed the values (a page's reader, the
    sender of a reply): a number is read the way they write one (:func:`read_number`);
    without it (the JSON API) a number is read as :func:`_one_decimal_point` guesses.
    """
    specs = process.start_fields if specs is None else specs
    if not isinstance(raw, dict):
        raise FormInvalid({"fields": ("not_an_object", {})})
    errors: dict[str, tuple[str, dict]] = {}
    clean: dict[str, Any] = {}
    known = {f.name for f in specs}
    for name in raw:
        if name not in known:
            errors[name] = ("unknown_field", {})
    for spec in specs:
        if partial and spec.name not in raw:
            continue
        value = raw.get(spec.name)
        if _empty(value) and spec.default is not None:
            value = spec.default  # a field left empty takes the process's default
        if _empty(value):
            if spec.required:
                errors[spec.name] = ("required", {})
            continue
        try:
            clean[spec.name] = _clean(spec, value, directory, locale)
        except Refused as refusal:
            errors[spec.name] = (refusal.code, refusal.params)
    if errors:
        raise FormInvalid(errors)
    return clean


class Refused(Exception):
    """A value a field cannot take: its error ``code`` and the ``params`` its message names."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or (
        isinstance(value, str) and not value.strip())


def _clean(spec: FieldSpec, value: Any, directory: Directory, locale: str | None = None
           ) -> Any:
    kind = spec.type
    if kind == "text":
        if not isinstance(value, str):
            raise Refused("not_text")
        value = value.replace("\x00", "").strip()
        limit = spec.max_length or MAX_TEXT
        if len(value) > limit:
            raise Refused("too_long", max=limit)
        if spec.pattern and not re.fullmatch(spec.pattern, value):
            raise Refused("pattern")
        return value
    if kind in ("number", "money"):
        number = _decimal(value, locale)
        if spec.min is not None and number < spec.min:
            raise Refused("too_small", min=str(spec.min))
        if spec.max is not None and number > spec.max:
            raise Refused("too_large", max=str(spec.max))
        if kind == "money":
            cents = number.quantize(_CENT)
            if cents != number:  # 0.005: refused, not rounded; 480000.000 is 480000.00
                raise Refused("too_many_decimals", places=MONEY_PLACES)
            return str(cents)
        return f"{number.normalize():f}" if number == number.to_integral() else str(number)
    if kind == "date":
        return _date(value).isoformat()
    if kind == "date_range":
        if isinstance(value, str) and "/" in value:
            value = dict(zip(("start", "end"), value.split("/", 1), strict=True))
        if not isinstance(value, dict) or not {"start", "end"} <= set(value):
            raise Refused("not_a_range")
        start, end = _date(value["start"]), _date(value["end"])
        if end < start:
            raise Refused("range_reversed")
        return {"start": start.isoformat(), "end": end.isoformat()}
    if kind == "person":
        if not isinstance(value, str):
            raise Refused("not_an_email")
        return _person(value, directory)
    if kind == "people":
        items = re.split(r"[,;\s]+", value) if isinstance(value, str) else value
        if not isinstance(items, list):
            raise Refused("not_a_list")
        emails: list[str] = []
        for item in items:
            if not isinstance(item, str):
                raise Refused("not_an_email")
            if item.strip():
                email = _person(item, directory)
                if email not in emails:
                    emails.append(email)
        if not emails:
            raise Refused("required")
        return emails
    if kind == "choice":
        allowed = [c.value for c in spec.choices]
        if str(value) not in allowed:
            raise Refused("not_a_choice", allowed=allowed)
        return str(value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if str(value).strip().lower() in ("1", "true", "on", "yes", "да"):
            return True
        if str(value).strip().lower() in ("0", "false", "off", "no", "нет"):
            return False
        raise Refused("not_a_boolean")
    return _file(value, spec.accept)


def _decimal(value: Any, locale: str | None = None) -> Decimal:
    if isinstance(value, bool):
        raise Refused("not_a_number")
    if isinstance(value, str) and locale in LOCALES:
        text = read_number(value, locale)
    else:
        text = str(value).strip()
        for space in _SPACES:  # 1 500 000 as Russian users group digits
            text = text.replace(space, "")
        if isinstance(value, str):
            text = _one_decimal_point(text)
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise Refused("not_a_number") from exc
    if not number.is_finite():
        raise Refused("not_a_number")
    if abs(number) >= MAX_NUMBER:  # beyond any amount; and quantize() would overflow
        raise Refused("too_large", max=str(MAX_NUMBER - 1))
    return number


_SPACES = (" ", "\u00a0", "\u202f")
#: How each language writes a number: its decimal mark and what may group its digits by
#: three. English: ``100,000.50`` (or ``100 000.50``); Russian: ``100 000,50`` (or
#: ``100.000,50``).
_MARKS = {"en": (".", (",", " ")), "ru": (",", (" ", "."))}


def read_number(text: str, locale: str) -> str:
    """A number as a reader of ``locale`` types it, with a point for its decimals and nothing
    between its digits: English ``100,000`` is ``100000``, Russian ``100 000,50`` is
    ``100000.50``. A mark that is neither the language's decimal mark nor groups the digits
    by three (English ``100,5``, Russian ``1.5`` or ``100.000``) makes it ambiguous: refused
    (``number_format``), never guessed. Something that is no number at all is left for
    :class:`~decimal.Decimal` to refuse."""
    decimal_mark, grouping = _MARKS[locale]
    text = text.strip()
    for space in _SPACES:
        text = text.replace(space, " ")
    text = re.sub(r"\s+", " ", text)
    if not re.fullmatch(r"[+-]?[\d., ]*\d[\d., ]*", text):
        return text  # no number: Decimal refuses it (not_a_number)
    whole, found, decimals = text.partition(decimal_mark)
    if found and not re.fullmatch(r"\d+", decimals):
        raise Refused("number_format")  # a second mark, or a space, after the decimal one
    sign = whole[:1] if whole[:1] in "+-" else ""
    whole = whole[len(sign):]
    marks = set(re.findall(r"\D", whole))
    if marks:
        mark = next(iter(marks)) if len(marks) == 1 else ""
        if mark not in grouping or not re.fullmatch(r"\d{1,3}(?:" + re.escape(mark)
                                                     + r"\d{3})+", whole):
            raise Refused("number_format")
        if mark == "." and not found:
            raise Refused("number_format")  # Russian 100.000: a thousand, or a hundred?
        whole = re.sub(r"\D", "", whole)
    if not whole:
        raise Refused("number_format")  # ",5": write the 0
    return sign + whole + ("." + decimals if found else "")


_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[,.]\d{3})+(?:[,.]\d*)?")


def _one_decimal_point(text: str) -> str:
    """A number as people write it, with a point for its decimals and nothing between its
    digits: ``1500,50`` (the Russian comma), ``480,000.00`` (as a form shows an amount in
    English), ``480.000,00``. A lone comma is the decimal one, as Russian users write it;
    where both marks or several of one appear, the last is the decimal point and the others
    must group the digits by three (``1,5.3`` is no number)."""
    commas, points = text.count(","), text.count(".")
    if commas == 1 and not points:
        return text.replace(",", ".")
    if commas + points < 2 and not (commas and points):
        return text
    if not _GROUPED.fullmatch(text):
        return text  # Decimal refuses it
    last = max(text.rfind(","), text.rfind("."))
    separator = text[last]
    if commas + points == text.count(separator):  # 1,000,000: every mark groups
        return text.replace(separator, "")
    grouping = "." if separator == "," else ","
    return text[:last].replace(grouping, "") + "." + text[last + 1:]


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        match = re.fullmatch(r"(\d{2})\.(\d{2})\.(\d{4})", text)  # 31.12.2026
        if match:
            text = f"{match[3]}-{match[2]}-{match[1]}"
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise Refused("not_a_date")


def _person(value: str, directory: Directory) -> str:
    email = value.strip().lower()
    if not _EMAIL.match(email):
        raise Refused("not_an_email", value=value)
    person = directory.person_id(email)
    if person is None or not directory.is_active(person):
        raise Refused("unknown_person", value=value)
    return email


def _file(value: Any, accept: tuple[str, ...] = ()) -> Upload:
    if isinstance(value, Upload):
        upload = value
    elif isinstance(value, dict) and "filename" in value and "content_base64" in value:
        try:
            content = base64.b64decode(str(value["content_base64"]), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Refused("bad_base64") from exc
        upload = Upload(str(value["filename"]), content,
                        str(value.get("content_type") or "application/octet-stream"))
    else:
        raise Refused("not_a_file")
    name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        raise Refused("no_filename")
    if not upload.content:
        raise Refused("empty_file")
    if len(upload.content) > MAX_FILE_BYTES:
        raise Refused("file_too_large", max_mb=MAX_FILE_BYTES // (1024 * 1024))
    refused = filetypes.refusal(name, upload.content, accept)
    if refused == "file_type":
        raise Refused("file_type", allowed=", ".join(accept or filetypes.TYPES))
    if refused:
        raise Refused("file_content", type=filetypes.extension(name).upper())
    return Upload(name, upload.content, filetypes.content_type(name))
