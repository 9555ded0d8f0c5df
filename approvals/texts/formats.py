"""Times, numbers, sizes and durations written the way the reader writes them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from approvals.texts import normalize, t


def _moment(value: datetime | str) -> datetime | str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.removesuffix("Z"))
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def zone_of(zone: tzinfo | str | None) -> tzinfo:
    """A time zone from a name (``Europe/Moscow``) or a zone; UTC for nothing or a name the
    tz database does not know (:mod:`approvals.config.zones` reports such a setting)."""
    if zone is None or zone == "":
        return UTC
    if isinstance(zone, tzinfo):
        return zone
    try:
        return ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _offset(delta: timedelta | None) -> str:
    """``UTC+05:00``, ``UTC-03:30``, ``UTC`` for none."""
    minutes = int((delta or timedelta()).total_seconds() // 60)
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def _abbreviation(moment: datetime) -> str:
    """The zone as the moment's readers call it: ``MSK``, ``EST``, ``UTC``; a zone whose
    database abbreviation is only an offset (``+05``) as ``UTC+05:00``."""
    name = moment.tzname() or ""
    if not name or name[0] in "+-" or name.isdigit():
        return _offset(moment.utcoffset())
    return name


def format_time(value: datetime | str | None, locale: str | None = None,
                zone: tzinfo | str | None = None) -> str:
    """A moment as a page or a mail shows it, in the reader's ``zone`` (UTC when none) and
    named: ``2026-11-27 17:05 MSK`` in English, ``27.11.2026 17:05 MSK`` in Russian."""
    if value is None or value == "":
        return ""
    moment = _moment(value)
    if isinstance(moment, str):
        return moment
    moment = moment.astimezone(zone_of(zone))
    day = f"{moment:%d.%m.%Y}" if normalize(locale) == "ru" else f"{moment:%Y-%m-%d}"
    return f"{day} {moment:%H:%M} {_abbreviation(moment)}"


def zone_label(zone: tzinfo | str | None, at: datetime | None = None) -> str:
    """A zone by its name and its offset at ``at`` (now when none): ``Europe/Moscow
    (UTC+03:00)``; ``UTC`` for UTC."""
    found = zone_of(zone)
    moment = (at or datetime.now(UTC)).astimezone(found)
    name = getattr(found, "key", None) or "UTC"
    offset = _offset(moment.utcoffset())
    return "UTC" if name in ("UTC", "Etc/UTC") and offset == "UTC" else f"{name} ({offset})"


def format_moment(value: datetime | str | None) -> str:
    """A moment as a record keeps it, to the second: ``2026-11-27 14:05:09 UTC``."""
    if value is None or value == "":
        return ""
    moment = _moment(value)
    return moment if isinstance(moment, str) else f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def format_date(value: date | str | None, locale: str | None) -> str:
    """A day the way the reader writes it: ``27.11.2026`` in Russian, ``2026-11-27`` in
    English (as the mails' examples of a reply write it); a value that is no date as it is."""
    if value is None or value == "":
        return ""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day:%d.%m.%Y}" if normalize(locale) == "ru" else day.isoformat()


def format_number(value: Any, locale: str | None, places: int | None = None) -> str:
    """Digits grouped the way the reader writes them: 150,000.00 / 150 000,00."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number:,.{places}f}" if places is not None else f"{number:,}"
    if normalize(locale) == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def format_size(size: int | None, locale: str | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return t("size.b", locale, n=size)
    if size < 1024 * 1024:
        return t("size.kb", locale, n=format_number(round(size / 1024, 1), locale))
    return t("size.mb", locale, n=format_number(round(size / (1024 * 1024), 1), locale))


def format_duration(seconds: float, locale: str | None) -> str:
    """How long something took: days and hours, hours and minutes, or minutes and seconds."""
    seconds = max(0, int(seconds))
    d, rest = divmod(seconds, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    if d:
        return t("duration.days", locale, d=d, h=h, m=m)
    if h:
        return t("duration.hours", locale, h=h, m=m)
    return t("duration.minutes", locale, m=m, s=s)


#: What a spreadsheet takes for the start of a formula in a cell (OWASP's "CSV injection").
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_table(headings: list[str], rows: list[list[Any]], locale: str | None) -> bytes:
    """A table as a CSV file the reader's spreadsheet opens as it is: in Russian ``;`` between
    the columns and a decimal comma, in English ``,`` and a point; dates the reader's way;
    UTF-8 with a BOM (so Excel reads Cyrillic); CRLF. A text cell a spreadsheet would run as a
    formula (a supplier named ``=HYPERLINK(…)``) is kept as text with a leading ``'``."""
    russian = normalize(locale) == "ru"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if russian else ",", lineterminator="\r\n")
    writer.writerow([_csv_cell(value, russian) for value in headings])
    for row in rows:
        writer.writerow([_csv_cell(value, russian) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value: Any, russian: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = f"{value:.2f}"
        return text.replace(".", ",") if russian else text
    if isinstance(value, datetime):
        return format_moment(value)
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}" if russian else value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text
