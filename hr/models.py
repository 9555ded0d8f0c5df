"""HR's own tables (their migration is ``0010_company_days``).

:class:`CompanyDay`: the company's own days over Russia's production calendar — an extra day
off, a working day, a shortened day — as HR set them (``signoff calendar import``,
:mod:`hr.company_days`). :func:`hr.extensions.production_calendar` lays them over the shipped
calendar on every command, so every deadline in working days counts with them.
"""

from __future__ import annotations

from datetime import date, datetime

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
