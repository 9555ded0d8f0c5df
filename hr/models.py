"""HR's own tables (migrations ``0010_company_days`` and ``0012_hr_leave``).

:class:`CompanyDay`: the company's own days over Russia's production calendar — an extra day
off, a working day, a shortened day — as HR set them (``signoff calendar import``,
:mod:`hr.company_days`). :func:`hr.extensions.production_calendar` lays them over the shipped
calendar on every command, so every deadline in working days counts with them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class CompanyDay(SQLModel, table=True):
    """One day the company makes a day off, a working day or a shortened day
    (:data:`hr.calendar.DAY_OFF`, :data:`~hr.calendar.WORKING_DAY`, :data:`~hr.calendar.SHORTENED`);
    a date is set once — importing it again replaces its kind and reason."""

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(unique=True)
    kind: str = Field(max_length=20)
    reason: str = Field(default="", max_length=200)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime


class Absence(SQLModel, table=True):
    """A person away from work from ``starts_on`` to ``ends_on`` (both days included): a leave
    of a type from the leave-types file (``annual``, ``unpaid``, ``study``, …), ``sick``,
    ``trip``, ``time_off`` (``hours`` set when it is part of one day) or ``remote``. The
    process that recorded it is ``instance_id``; ``deputy_record_id`` is the
    :class:`~approvals.store.models.Deputy` row it set, so the person's tasks go to their
    deputy meanwhile. A cancelled one (``cancelled_at``) stays as a record."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: str = Field(max_length=40)
    starts_on: date = Field(index=True)
    ends_on: date = Field(index=True)
    hours: int | None = None
    instance_id: int | None = Field(default=None, foreign_key="instance.id", index=True)
    deputy_record_id: int | None = Field(default=None, foreign_key="deputy.id")
    note: str = Field(default="", max_length=500)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime
    cancelled_at: datetime | None = None


class LeaveEntry(SQLModel, table=True):
    """One line of a person's leave ledger: a balance is the sum of its lines, never a counter.
    ``amount`` is in hundredths of the type's unit (days, or hours for time off against
    overtime): positive for what the person gains (``accrual``, ``cancellation`` of a use,
    ``carry_over``, an ``adjustment`` up, ``overtime`` worked), negative for what they take
    (``use``, an adjustment down). ``key`` makes a system line idempotent (``accrual:2026-03``:
    the accrual for March 2026 is written once however often it is asked for)."""

    __table_args__ = (UniqueConstraint("person_id", "leave_type", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    leave_type: str = Field(max_length=40)
    kind: str = Field(max_length=20)
    amount: int
    on: date
    reason: str = Field(default="", max_length=500)
    key: str | None = Field(default=None, max_length=60)
    absence_id: int | None = Field(default=None, foreign_key="absence.id")
    instance_id: int | None = Field(default=None, foreign_key="instance.id")
    author_id: int | None = Field(default=None, foreign_key="person.id")  # None: the system
    created_at: datetime


class VacationPlanEntry(SQLModel, table=True):
    """A period a person proposes for the yearly vacation plan (``proposed``), as their
    manager decided it (``approved`` / ``rejected``); HR publishes a department's plan
    (:class:`VacationPlanPublication`)."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    year: int = Field(index=True)
    starts_on: date
    ends_on: date
    state: str = Field(default="proposed", max_length=20)
    note: str = Field(default="", max_length=500)
    decided_by_id: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = None
    created_at: datetime


class VacationPlanPublication(SQLModel, table=True):
    """HR published ``department``'s vacation plan for ``year``."""

    __table_args__ = (UniqueConstraint("department", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    department: str = Field(max_length=200)
    year: int
    published_by_id: int = Field(foreign_key="person.id")
    published_at: datetime


class CalendarFeed(SQLModel, table=True):
    """An ICS feed of absences at a secret URL: one person's (``person_id``) or one
    department's (``department``). Only the token's SHA-256 is kept; a revoked feed
    (``revoked_at``) answers 404. Events never name the leave type unless ``show_kinds``."""

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="person.id", index=True)
    scope: str = Field(max_length=20)  # person | department
    person_id: int | None = Field(default=None, foreign_key="person.id")
    department: str = Field(default="", max_length=200)
    token_hash: str = Field(unique=True, max_length=64)
    show_kinds: bool = False
    created_at: datetime
    revoked_at: datetime | None = None
