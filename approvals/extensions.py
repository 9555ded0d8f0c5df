"""Validators and effects that process files name, registered by the packages that know them.

A process file says *what* should happen (``validate: [hr.period_ahead]``,
``on_enter: [{effect: accounting.register_payment}]``); a domain package says *how*, under its
own name::

    from approvals import extensions

    @extensions.validator("hr.period_ahead")
    def period_ahead(check: extensions.Check) -> extensions.Problems: ...

- A **validator** runs when a process starts and when it is resubmitted, after every field has
  passed its own checks, in the command's transaction. It returns the problems it finds, field
  by field (``{"period": ("period_in_the_past", {"start": "2020-01-01"})}``), and the person
  sees them next to the fields like any other refusal (``field_error.<code>`` in
  :mod:`approvals.texts`).
- An **effect** runs inside the service's transaction when an instance enters a status whose
  ``on_enter`` (or a sequential file's ``on_complete``) names it. It may write its package's own
  tables through ``entered.conn``; raising a :class:`~approvals.core.errors.SignoffError`
  refuses the whole command, so nothing is half-written.

Packages are found through the ``signoff.extensions`` entry points (``pyproject.toml``): the
first lookup imports each named module, which registers what it provides. A process file that
names an unknown validator or effect is refused when it is read (``signoff processes check``
shows the file and line). A validator may also say what is wrong with the parameters a file
gives it (``@extensions.validator("approvals.one_of", params=checker)``: ``checker(params,
fields)`` returns the problem, or None), so that a misspelt field name is refused when the file
is read, not ignored when the process runs.

A **calculator** computes fields nobody types: a process names it at its top level
(``compute: [hr.per_diem]``) and declares the fields it sets ``computed: true`` (they are on no
form and shown on the instance, in titles and in mails like any other). It runs when the
process starts and when it is resubmitted, after the validators found nothing, in the
command's transaction, and is given the same :class:`Check`; it answers the values
(``{"per_diem": "9800.00"}``, clean values as :mod:`approvals.core.forms` makes them), of which
only the process's computed fields are kept.

A **job** is a package's periodic work on its own rows: ``@extensions.job("hr.daily")``
registers a function ``(db, now) -> None`` that the scheduler's sweep runs at most once every
:data:`JOB_INTERVAL` (and an operator from the command line, with a ``now`` of their choice).
It must be cheap and idempotent — it looks at rows and acts on what is due by ``now``, so a
run repeated or missed changes nothing but when the work is done — and it writes process state
only through :mod:`approvals.service`.

The working-day calendar every deadline "in working days" counts with comes the same way: one
package registers its source (``@extensions.calendar_source("hr.production_calendar")``, HR's
production calendar) and the service hands :func:`calendar` to the engine on every command;
with none registered, the week is Monday to Friday.

A **mail attachment** source adds files to the mail a person gets about an instance, so that
the mail adapter need not know the package: ``@extensions.mail_attachments("hr.absence_ics")``
registers a function given a :class:`Mailing` (the instance, the reader, the mail's template,
the reader's language, a read-only connection) that answers ``[(filename, content_type,
bytes)]`` — HR's ``.ics`` of the absence a completed vacation recorded. It must not write, and
answers nothing for a mail it has nothing for; :func:`attachments` asks every source in turn.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib.metadata import entry_points
from typing import Any

from approvals.core.calendar import WEEKDAYS, Calendar
from approvals.core.model import Process

GROUP = "signoff.extensions"
NAME = re.compile(r"^([a-z][a-z0-9_]*)\.[a-z][a-z0-9_]*$")

#: field -> (code, params), as :class:`approvals.core.errors.FormInvalid` carries them
Problems = Mapping[str, tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Check:
    """What a validator is given: the process, the values it would run with (on a resubmit, the
    stored values with the revised ones over them), who starts or revises it, the moment, the
    transaction's connection to read anything else, and the parameters the process file gave
    (``validate: [{hr.period_ahead: {field: dates}}]``)."""

    process: Process
    fields: Mapping[str, Any]
    person_id: int
    now: datetime
    conn: Any  # a SQLAlchemy Connection
    params: Mapping[str, Any]
    instance_id: int | None = None  # None when the process is being started


@dataclass(frozen=True)
class Entered:
    """What an effect is given: the instance that entered ``status`` and its values, the
    moment, the transaction's connection (to write the package's own rows), and the parameters
    the process file gave (``{effect: accounting.register_payment, with: {...}}``)."""

    process: Process
    instance_id: int
    status: str
    fields: Mapping[str, Any]
    initiator_id: int
    now: datetime
    conn: Any  # a SQLAlchemy Connection
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Mailing:
    """What a mail attachment source is given: the mail's instance and reader, its template
    (``instance_completed``, ``process_notice``, …), the reader's language, and a connection
    to read with (the composer's; nothing is written)."""

    instance_id: int
    person_id: int
    template: str
    locale: str
    conn: Any  # a SQLAlchemy Connection (or Session)


#: ``conn`` (the command's SQLAlchemy Connection) -> the calendar its deadlines count with
CalendarSource = Callable[[Any], Calendar]
Validator = Callable[[Check], Problems]
#: -> the computed fields' values
Calculator = Callable[[Check], Mapping[str, Any]]
#: ``(db, now)``: the scheduler's engine and the moment it runs for
Job = Callable[[Any, datetime], None]
JOB_INTERVAL = timedelta(minutes=10)
Effect = Callable[[Entered], None]
#: ``(params, fields)`` -> what is wrong with the parameters a process file gives a validator
#: (``fields`` are the process's field specs by name), or None
ParamsCheck = Callable[[Mapping[str, Any], Mapping[str, Any]], str | None]

_validators: dict[str, Validator] = {}
_effects: dict[str, Effect] = {}
_params_checks: dict[str, ParamsCheck] = {}
_calendars: dict[str, CalendarSource] = {}
_calculators: dict[str, Calculator] = {}
_jobs: dict[str, Job] = {}
#: a file added to a mail: (filename, content type, bytes)
MailAttachment = tuple[str, str, bytes]
MailAttachments = Callable[[Mailing], list[MailAttachment]]
_mail_attachments: dict[str, MailAttachments] = {}
_loaded = False


def _register(table: dict, kind: str, name: str) -> Callable:
    match = NAME.match(name)
    if not match:
        raise ValueError(f"a {kind} is named <package>.<name> in lowercase, not {name!r}")

    def register(function: Callable) -> Callable:
        package = function.__module__.split(".")[0]
        if match.group(1) != package:
            raise ValueError(f"{function.__module__} may register a {kind} only under its own "
                             f"name ({package}.…), not {name!r}")
        if name in table and table[name] is not function:
            raise ValueError(f"the {kind} {name!r} is registered twice")
        table[name] = function
        return function

    return register


def validator(name: str, params: ParamsCheck | None = None
              ) -> Callable[[Validator], Validator]:
    """Register the decorated function as the validator ``name`` (``<package>.<name>``);
    ``params`` checks the parameters a process file gives it, when the file is read."""
    if params is not None:
        _params_checks[name] = params
    return _register(_validators, "validator", name)


def params_problem(name: str, params: Mapping[str, Any],
                   fields: Mapping[str, Any]) -> str | None:
    """What is wrong with the parameters a process file gives the validator ``name``, as its
    package says (None when nothing is, or it checks nothing)."""
    load()
    check = _params_checks.get(name)
    return check(params, fields) if check is not None else None


def effect(name: str) -> Callable[[Effect], Effect]:
    """Register the decorated function as the effect ``name`` (``<package>.<name>``)."""
    return _register(_effects, "effect", name)


def calculator(name: str) -> Callable[[Calculator], Calculator]:
    """Register the decorated function as the calculator ``name`` (``<package>.<name>``): it
    sets a process's ``computed: true`` fields on start and resubmit."""
    return _register(_calculators, "calculator", name)


def job(name: str) -> Callable[[Job], Job]:
    """Register the decorated function as the periodic job ``name`` (``hr.daily``), run by
    the scheduler at most once every :data:`JOB_INTERVAL`."""
    return _register(_jobs, "job", name)


def calendar_source(name: str) -> Callable[[CalendarSource], CalendarSource]:
    """Register the decorated function as the source of the working-day calendar every
    deadline in working days counts with (``hr.production_calendar``): given the command's
    connection, it answers a :class:`~approvals.core.calendar.Calendar` (so it may read the
    company's own days). One package provides it; a second one is refused."""
    register = _register(_calendars, "calendar source", name)

    def once(function: CalendarSource) -> CalendarSource:
        if _calendars and name not in _calendars:
            raise ValueError(f"the working-day calendar is already provided by "
                             f"{next(iter(_calendars))!r}, not also by {name!r}")
        return register(function)

    return once


def calendar(conn: Any) -> Calendar:
    """The calendar the command on ``conn`` counts working days with: the registered source's,
    or Monday to Friday when no package provides one."""
    load()
    for source in _calendars.values():
        return source(conn)
    return WEEKDAYS


class _OnFirstUse:
    """A command's calendar, read through its connection when a deadline in working days
    first asks, in the command's transaction still: a command that counts none (most
    decisions) reads nothing for it."""

    __slots__ = ("_conn", "_found")

    def __init__(self, conn: Any) -> None:
        self._conn, self._found = conn, None

    def is_working_day(self, day: date) -> bool:
        found = self._found
        if found is None:
            found = self._found = calendar(self._conn)
        return found.is_working_day(day)


def command_calendar(conn: Any) -> Calendar:
    """:func:`calendar`, for a command on ``conn``: read only if a working day is asked."""
    return _OnFirstUse(conn)


def mail_attachments(name: str) -> Callable[[MailAttachments], MailAttachments]:
    """Register the decorated function as a source of files for the mails about an instance
    (``hr.absence_ics``): given a :class:`Mailing`, it answers the files to attach."""
    return _register(_mail_attachments, "mail attachment source", name)


def attachments(mailing: Mailing) -> list[MailAttachment]:
    """The files every registered source adds to this mail, in the order they registered."""
    load()
    return [file for source in _mail_attachments.values() for file in source(mailing)]


def load() -> None:
    """Import every module named under the ``signoff.extensions`` entry points (once)."""
    global _loaded
    if not _loaded:
        for point in entry_points(group=GROUP):
            point.load()
        _loaded = True


def validators() -> Mapping[str, Validator]:
    load()
    return _validators


def effects() -> Mapping[str, Effect]:
    load()
    return _effects


def calculators() -> Mapping[str, Calculator]:
    load()
    return _calculators


def jobs() -> Mapping[str, Job]:
    load()
    return _jobs
