"""The kinds of leave and how each is counted, from ``hr/data/leave-types.yaml`` (or the file
``SIGNOFF_LEAVE_TYPES`` names): the file's header comment documents every key.

The rules live in a file, not in code, because they are the company's as much as the law's:
the Labour Code fixes the floor (28 calendar days of annual leave, art. 115; at least one part
of 14 days, art. 125; holidays inside a leave extend it, art. 120) and the company adds to it
(additional leave, a limit on unpaid leave). A bad file is refused as a whole, naming the type
and the key, so a typo never silently turns a balance off.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).with_name("data") / "leave-types.yaml"
ENV = "SIGNOFF_LEAVE_TYPES"
UNITS = ("days", "hours")
COUNTS = ("calendar_days", "working_days", "hours")
#: the leave types every part of HR codes against (the contract between its modules)
REQUIRED = ("annual", "additional", "unpaid", "study", "overtime")
HOURS_PER_DAY = 8  # a day of time off against overtime, when no hours are given


class LeaveTypesInvalid(ValueError):
    """The leave-types file is not usable; the message names the file, the type and the key."""


@dataclass(frozen=True)
class LeaveType:
    """One kind of leave as the file describes it."""

    key: str
    name: Mapping[str, str]
    unit: str
    counts: str
    per_year: Decimal | None  # accrued a year; None: nothing accrues by itself
    monthly: bool
    balance: bool
    allow_negative: bool
    max_negative: Decimal | None  # None with allow_negative: no limit
    max_days: int | None
    holidays_extend: bool
    min_part: int | None

    def floor(self) -> Decimal | None:
        """How low the balance may go: 0, ``-max_negative``, or None (no limit)."""
        if not self.allow_negative:
            return Decimal(0)
        return None if self.max_negative is None else -self.max_negative


_loaded: dict[str, tuple[float, dict[str, LeaveType]]] = {}


def path() -> Path:
    return Path(os.environ.get(ENV) or DATA)


def leave_types() -> dict[str, LeaveType]:
    """The leave types by key, from the file (read again when it changes)."""
    source = path()
    try:
        stamp = source.stat().st_mtime
    except OSError as error:
        raise LeaveTypesInvalid(f"{source}: cannot be read ({error.strerror})") from None
    cached = _loaded.get(str(source))
    if cached is None or cached[0] != stamp:
        cached = _loaded[str(source)] = (stamp, parse(source.read_text(encoding="utf-8"),
                                                      str(source)))
    return dict(cached[1])


def get(key: str) -> LeaveType | None:
    return leave_types().get(key)


def parse(text: str, where: str = "leave-types.yaml") -> dict[str, LeaveType]:
    """The types a file's text describes; :class:`LeaveTypesInvalid` for the first problem."""
    try:
        loaded = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise LeaveTypesInvalid(f"{where}: not YAML ({error})") from None
    entries = loaded.get("types") if isinstance(loaded, dict) else None
    if not isinstance(entries, list) or not entries:
        raise LeaveTypesInvalid(f"{where}: expected a list under `types`")
    found: dict[str, LeaveType] = {}
    for number, entry in enumerate(entries, 1):
        kind = _entry(entry, f"{where}: type {number}")
        if kind.key in found:
            raise LeaveTypesInvalid(f"{where}: the type {kind.key!r} is described twice")
        found[kind.key] = kind
    missing = [key for key in REQUIRED if key not in found]
    if missing:
        raise LeaveTypesInvalid(f"{where}: the types {', '.join(missing)} are required "
                                f"(the HR processes name them)")
    return found


def _entry(entry: Any, where: str) -> LeaveType:
    if not isinstance(entry, dict):
        raise LeaveTypesInvalid(f"{where}: expected a mapping of keys")
    key = entry.get("key")
    if not isinstance(key, str) or not key.isidentifier() or key != key.lower():
        raise LeaveTypesInvalid(f"{where}: `key` must be a lowercase name, not {key!r}")
    where = f"{where} ({key})"
    known = {"key", "name", "unit", "counts", "accrual", "balance", "allow_negative",
             "max_negative", "max_days", "holidays_extend", "min_part"}
    unknown = sorted(set(entry) - known)
    if unknown:
        raise LeaveTypesInvalid(f"{where}: unknown key {unknown[0]!r} "
                                f"(known: {', '.join(sorted(known))})")
    name = entry.get("name")
    if not isinstance(name, dict) or not all(isinstance(name.get(lang), str) and name[lang]
                                             for lang in ("en", "ru")):
        raise LeaveTypesInvalid(f"{where}: `name` needs both {{en: ..., ru: ...}}")
    unit, counts = entry.get("unit"), entry.get("counts")
    if unit not in UNITS:
        raise LeaveTypesInvalid(f"{where}: `unit` must be one of {', '.join(UNITS)}, "
                                f"not {unit!r}")
    if counts not in COUNTS:
        raise LeaveTypesInvalid(f"{where}: `counts` must be one of {', '.join(COUNTS)}, "
                                f"not {counts!r}")
    if (unit == "hours") != (counts == "hours"):
        raise LeaveTypesInvalid(f"{where}: a type counted in hours has the unit hours, and "
                                f"only it")
    per_year, monthly = _accrual(entry.get("accrual", "none"), where)
    allow_negative = _flag(entry, "allow_negative", where)
    max_negative = _number(entry.get("max_negative"), "max_negative", where)
    if max_negative is not None and not allow_negative:
        raise LeaveTypesInvalid(f"{where}: `max_negative` needs `allow_negative: true`")
    max_days = _number(entry.get("max_days"), "max_days", where)
    min_part = _number(entry.get("min_part"), "min_part", where)
    for label, value in (("max_days", max_days), ("min_part", min_part)):
        if value is not None and value != value.to_integral():
            raise LeaveTypesInvalid(f"{where}: `{label}` is a whole number of days")
    return LeaveType(key, {"en": name["en"], "ru": name["ru"]}, unit, counts, per_year, monthly,
                     _flag(entry, "balance", where), allow_negative, max_negative,
                     None if max_days is None else int(max_days),
                     _flag(entry, "holidays_extend", where),
                     None if min_part is None else int(min_part))


def _accrual(value: Any, where: str) -> tuple[Decimal | None, bool]:
    if value in ("none", None):
        return None, False
    if not isinstance(value, dict) or set(value) - {"per_year", "monthly"}:
        raise LeaveTypesInvalid(f"{where}: `accrual` is `none` or {{per_year: N, monthly: "
                                f"true}}")
    per_year = _number(value.get("per_year"), "accrual.per_year", where)
    if per_year is None or per_year == 0:
        raise LeaveTypesInvalid(f"{where}: `accrual.per_year` must be a positive number")
    if value.get("monthly", True) is not True:
        raise LeaveTypesInvalid(f"{where}: only monthly accrual is supported "
                                f"(`accrual.monthly: true`)")
    return per_year, True


def _flag(entry: dict, name: str, where: str) -> bool:
    value = entry.get(name, False)
    if not isinstance(value, bool):
        raise LeaveTypesInvalid(f"{where}: `{name}` is true or false, not {value!r}")
    return value


def _number(value: Any, name: str, where: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise LeaveTypesInvalid(f"{where}: `{name}` must be a number, not {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise LeaveTypesInvalid(f"{where}: `{name}` must be a number, not {value!r}") from None
    if number < 0 or not number.is_finite():
        raise LeaveTypesInvalid(f"{where}: `{name}` must not be negative, not {value}")
    return number
