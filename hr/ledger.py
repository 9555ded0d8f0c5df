"""Leave balances as a ledger, never a counter: a person's balance of a leave type is the sum
of their :class:`~hr.models.LeaveEntry` lines up to a day, so every figure can be explained
line by line (the statement page lists them with a running balance).

The lines (``kind``):

- ``accrual``: a month of service earns a twelfth of the type's days a year. The Labour Code
  counts annual leave by working years from the hire date (art. 121-122: 28 calendar days,
  art. 115), so the months are counted from the person's ``hire_date``: the month that ends on
  the day before the next month's anniversary of it is written on that day. Month ``m`` of a
  working year gets ``round(N*m/12, 2) - round(N*(m-1)/12, 2)`` — cumulative rounding, so
  28 days become 2.33, 2.34, 2.33, … and a year sums to exactly 28.00. A person without a
  hire date accrues from 1 January of the year of their first line of the type (or of the
  current year): the count never moves once it started. :func:`accrue` writes the missing
  months up to today, each once (its ``key`` is ``accrual:YYYY-MM``); the balance and the
  statement call it, so no scheduled job is needed, and a balance on a later day adds the
  months that will have been earned by then without writing them.
- ``use`` (negative) when an absence is recorded, ``cancellation`` (positive) when it is
  cancelled or shortened, dated the absence's first day so that the year it belongs to nets.
- ``adjustment`` (either sign): HR's correction, with its reason and author — required.
- ``carry_over``: an opening balance brought in from elsewhere (the previous HR system, a
  transfer). :func:`open_balance` writes it as the difference between the balance the other
  system states on a day and what this ledger counts by then (the months accrued since the
  hire date, never used here), so the sum stays the balance and the line says both figures.
  The balance is a plain sum across years, so the unused days of a year carry over by
  themselves; the statement of a year opens with the line "carried over from YYYY", the sum
  of every earlier line, which the earlier year's statement explains.
- ``overtime``: hours worked over, credited to the ``overtime`` type (art. 152: rest time
  instead of higher pay); time off uses them.

Amounts are stored in hundredths of the type's unit (an integer); this module speaks
:class:`~decimal.Decimal`.
"""

from __future__ import annotations

import calendar as _months
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite

from approvals import clock, texts
from approvals.core.errors import FormInvalid
from approvals.store.models import Person
from approvals.texts import formats
from hr import leave_types
from hr.models import LeaveEntry

KINDS = ("accrual", "use", "cancellation", "adjustment", "carry_over", "overtime")
#: the sign each kind's amount must have (0: either, but not zero)
_SIGN = {"accrual": 1, "use": -1, "cancellation": 1, "adjustment": 0, "carry_over": 0,
         "overtime": 1}
REASON_MAX = 500
CENT = Decimal("0.01")
_L, _P = LeaveEntry.__table__, Person.__table__


@dataclass(frozen=True)
class Line:
    """One ledger line as its readers see it."""

    id: int | None  # None: an accrual not yet written (a balance on a later day)
    person_id: int
    leave_type: str
    kind: str
    amount: Decimal
    on: date
    reason: str
    key: str | None
    absence_id: int | None
    instance_id: int | None
    author_id: int | None
    created_at: datetime | None


@dataclass(frozen=True)
class Statement:
    """A year of one person's ledger of one type: what was carried over from the years before,
    each line with the balance after it, and the balance at the end (or today)."""

    leave_type: str
    year: int
    opening: Decimal
    lines: list[tuple[Line, Decimal]] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.lines[-1][1] if self.lines else self.opening


def to_hundredths(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_hundredths(amount: int) -> Decimal:
    return (Decimal(amount) / 100).quantize(CENT)


def add(conn: Any, person_id: int, leave_type: str, kind: str, amount: Decimal, on: date,
        reason: str = "", author_id: int | None = None, *, now: datetime | None = None,
        key: str | None = None, absence_id: int | None = None,
        instance_id: int | None = None) -> Line:
    """Write one line; refuses (:class:`FormInvalid`, nothing written) an adjustment (or a
    balance brought in) without a reason or author, an amount of the wrong sign or finer
    than hundredths, an unknown type."""
    if kind not in KINDS:
        raise ValueError(f"a ledger line is one of {', '.join(KINDS)}, not {kind!r}")
    reason = " ".join((reason or "").split())
    errors: dict[str, tuple[str, dict]] = {}
    if leave_types.get(leave_type) is None:
        errors["leave_type"] = ("leave_type_unknown", {
            "value": leave_type, "allowed": sorted(leave_types.leave_types())})
    amount = Decimal(amount)
    sign = _SIGN[kind]
    if amount != amount.quantize(CENT):
        errors["amount"] = ("leave_amount_precision", {"value": str(amount)})
    elif amount == 0 or (sign and (amount > 0) != (sign > 0)):
        errors["amount"] = ("leave_amount_sign", {"value": str(amount), "kind": kind})
    if kind in ("adjustment", "carry_over") and not reason:
        errors["reason"] = ("required", {})
    elif len(reason) > REASON_MAX:
        errors["reason"] = ("too_long", {"max": REASON_MAX})
    if kind in ("adjustment", "carry_over") and author_id is None:
        errors["author"] = ("required", {})
    if errors:
        raise FormInvalid(errors)
    values = {"person_id": person_id, "leave_type": leave_type, "kind": kind,
              "amount": to_hundredths(amount), "on": on, "reason": reason, "key": key,
              "absence_id": absence_id, "instance_id": instance_id, "author_id": author_id,
              "created_at": now or clock.utcnow()}
    new_id = conn.execute(insert(_L).returning(_L.c.id), values).scalar_one()
    return _line({**values, "id": new_id})


# ---------------------------------------------------------------------------- accrual


def add_months(day: date, months: int) -> date:
    """``day`` ``months`` later, on the last day of the month when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _months.monthrange(year, month)[1]))


def monthly_amount(per_year: Decimal, month: int) -> Decimal:
    """The accrual of month ``month`` (1-12) of a working year: cumulative rounding, so the
    twelve months sum to exactly ``per_year``."""
    def upto(m: int) -> Decimal:
        return (per_year * m / 12).quantize(CENT, rounding=ROUND_HALF_UP)
    return upto(month) - upto(month - 1)


def schedule(start: date, up_to: date, per_year: Decimal) -> list[tuple[date, str, Decimal]]:
    """The accruals earned from ``start`` (the first day of service) to ``up_to``: for each
    month of service ended by then, (the day it ended, its key, its amount)."""
    found = []
    months = 1
    while True:
        ended = add_months(start, months) - timedelta(days=1)
        if ended > up_to:
            return found
        found.append((ended, f"accrual:{ended:%Y-%m}",
                      monthly_amount(per_year, (months - 1) % 12 + 1)))
        months += 1


def accrual_start(conn: Any, person_id: int, leave_type: str, today: date) -> date | None:
    """The first day the person's months of service count from (see the module); None for
    someone unknown, or dismissed: a leaver earns no more months (their unused days are
    compensated in the final settlement, art. 127), and their statement stays as it was."""
    person = conn.execute(select(_P.c.hire_date, _P.c.employment)
                          .where(_P.c.id == person_id)).first()
    if person is None or person.employment == "dismissed":
        return None
    if person.hire_date is not None:
        return person.hire_date
    first = conn.execute(select(_L.c.on).where(_L.c.person_id == person_id,
                                               _L.c.leave_type == leave_type)
                         .order_by(_L.c.on).limit(1)).scalar()
    return date((first or today).year, 1, 1)


def accrue(conn: Any, person_id: int, up_to: date, now: datetime) -> int:
    """Write the monthly accruals ``person_id`` has earned up to ``up_to`` (today at the
    latest: a month is written once it is over) for every type that accrues; returns how many
    lines were written. Idempotent, also between two commands at once: a month's line is
    keyed, and a second writer's insert of the same key does nothing."""
    written = 0
    last = min(up_to, now.date())
    for kind in leave_types.leave_types().values():
        if kind.per_year is None:
            continue
        start = accrual_start(conn, person_id, kind.key, now.date())
        if start is None or start > last:
            continue
        have = _keys(conn, person_id, kind.key)
        for ended, key, amount in schedule(start, last, kind.per_year):
            if key in have:
                continue
            written += _insert_once(conn, {
                "person_id": person_id, "leave_type": kind.key, "kind": "accrual",
                "amount": to_hundredths(amount), "on": ended, "reason": "", "key": key,
                "absence_id": None, "instance_id": None, "author_id": None,
                "created_at": now})
    return written


def _keys(conn: Any, person_id: int, leave_type: str) -> set[str]:
    return set(conn.execute(select(_L.c.key).where(
        _L.c.person_id == person_id, _L.c.leave_type == leave_type,
        _L.c.key.is_not(None))).scalars())


def _insert_once(conn: Any, values: dict) -> int:
    dialect = conn.dialect.name
    if dialect == "postgresql":
        statement = postgresql.insert(_L).on_conflict_do_nothing(
            index_elements=["person_id", "leave_type", "key"])
    elif dialect == "sqlite":
        statement = sqlite.insert(_L).on_conflict_do_nothing(
            index_elements=["person_id", "leave_type", "key"])
    else:  # pragma: no cover - the two databases Signoff runs on
        statement = insert(_L)
    return len(conn.execute(statement.returning(_L.c.id), values).all())


# ---------------------------------------------------------------------------- reading


def _line(row: Any) -> Line:
    values = dict(row._mapping) if hasattr(row, "_mapping") else dict(row)
    return Line(values["id"], values["person_id"], values["leave_type"], values["kind"],
                from_hundredths(values["amount"]), values["on"], values["reason"] or "",
                values["key"], values["absence_id"], values["instance_id"],
                values["author_id"], values["created_at"])


def entries(conn: Any, person_id: int, leave_type: str, year: int | None = None,
            *, until: date | None = None) -> list[Line]:
    """The written lines of ``person_id``'s ledger of ``leave_type`` (of ``year``, up to
    ``until``), in the order they count: by day, then as written."""
    query = select(_L).where(_L.c.person_id == person_id, _L.c.leave_type == leave_type)
    if year is not None:
        query = query.where(_L.c.on >= date(year, 1, 1), _L.c.on <= date(year, 12, 31))
    if until is not None:
        query = query.where(_L.c.on <= until)
    return [_line(row) for row in conn.execute(query.order_by(_L.c.on, _L.c.id))]


def projected(conn: Any, person_id: int, leave_type: str, on: date, today: date) -> list[Line]:
    """The accruals that will have been earned by ``on`` but are not written yet (none when
    ``on`` is not after ``today``, or the type does not accrue)."""
    kind = leave_types.get(leave_type)
    if kind is None or kind.per_year is None or on <= today:
        return []
    start = accrual_start(conn, person_id, leave_type, today)
    if start is None:
        return []
    have = _keys(conn, person_id, leave_type)
    return [Line(None, person_id, leave_type, "accrual", amount, ended, "", key, None, None,
                 None, None)
            for ended, key, amount in schedule(start, on, kind.per_year) if key not in have]


def balance(conn: Any, person_id: int, leave_type: str, on: date,
            *, now: datetime | None = None) -> Decimal:
    """``person_id``'s balance of ``leave_type`` on the day ``on`` (every line up to it): the
    months earned up to today are written first, the ones earned from then to ``on`` are
    counted without being written."""
    now = now or clock.utcnow()
    accrue(conn, person_id, min(on, now.date()), now)
    total = sum((line.amount for line in entries(conn, person_id, leave_type, until=on)),
                Decimal(0))
    total += sum((line.amount for line in projected(conn, person_id, leave_type, on,
                                                    now.date())), Decimal(0))
    return total.quantize(CENT)


def statement(conn: Any, person_id: int, leave_type: str, year: int,
              *, now: datetime | None = None) -> Statement:
    """The year's lines of the type, with the running balance after each (see :class:`
    Statement`); the months of the year not earned yet are not listed."""
    now = now or clock.utcnow()
    accrue(conn, person_id, min(date(year, 12, 31), now.date()), now)
    opening = sum((line.amount for line in entries(conn, person_id, leave_type,
                                                   until=date(year - 1, 12, 31))), Decimal(0))
    running, lines = opening, []
    for line in entries(conn, person_id, leave_type, year):
        running += line.amount
        lines.append((line, running.quantize(CENT)))
    return Statement(leave_type, year, opening.quantize(CENT), lines)


def open_balance(conn: Any, person_id: int, leave_type: str, stated: Decimal, as_of: date,
                 source: str, author_id: int, *, now: datetime,
                 locale: str = "en") -> Line | None:
    """Bring in the balance another system (``source``: "1C:ZUP", a former employer's
    certificate) states for ``as_of``: a ``carry_over`` line of the difference between it and
    what this ledger counts on that day — the months accrued from the hire date, which the
    other system already counted, used or not. Its reason names the stated balance, the day and
    the source (in ``locale``, its author's language), so the statement explains the figure.
    None when the two already agree."""
    stated = Decimal(stated)
    counted = balance(conn, person_id, leave_type, as_of, now=now)
    difference = (stated - counted).quantize(CENT)
    if difference == 0:
        return None
    reason = texts.t("hr_leave.opening_reason", locale, source=source, stated=number(stated),
                     day=formats.format_date(as_of, locale), counted=number(counted))
    return add(conn, person_id, leave_type, "carry_over", difference, as_of, reason, author_id,
               now=now)


def number(amount: Decimal) -> str:
    """An amount as messages say it: ``14``, ``12.33``, ``-2.5``."""
    amount = Decimal(amount).quantize(CENT)
    if amount == amount.to_integral_value():
        return str(int(amount))
    return format(amount.normalize(), "f")
