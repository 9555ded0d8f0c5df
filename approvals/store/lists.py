"""A person's four lists — **My tasks**, **Done by me**, **Started by me** and **Watching** —
a page at a time, searched, filtered and sorted the same way on the pages and in the API.

Every list starts from the person's own rows through an index (their open tasks by
``ix_task_assignee_state_opened``, the tasks they decided by ``ix_task_decided_by_closed``,
the instances they started by ``initiator_id``, the instances they took part in by those and
``ix_task_on_behalf_of``), so a search over the instances' field text reads a few hundred rows
of theirs, not the 100,000 instances of a year; a page is ``LIMIT``/``OFFSET`` over that, and
each list's count is one ``COUNT`` over the same rows.

**Watching** is every instance the person is a participant of (:func:`queries.is_participant`:
held or decided a task on it, was the person away a deputy acted for, or a watcher the signed
trail was sent to) except those they started (**Started by me**) and those on which they hold
an open task now (**My tasks**).

The search (``q``) finds each of its words (up to :data:`MAX_WORDS`) somewhere in the
instance: its title (either language), its process's name (either language), the name or
address of its initiator or of whoever held or decided one of its tasks, or its fields' text.
Letter case does not matter, in Russian too: neither SQLite nor a PostgreSQL database in the C
locale folds Cyrillic, so the usual case variants of a word are looked for (as typed, lower,
upper, capitalised), and in the fields' JSON also as ``\\u`` escapes.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, ClassVar

from sqlalchemy import Numeric, Text, bindparam, case, cast, exists, func, or_, union
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from approvals.core.errors import FormInvalid
from approvals.core.model import Process
from approvals.store import registry
from approvals.store.models import Instance, Notification, Person, ProcessVersion, Task, title_in
from approvals.store.queries import OUTCOMES, _like, _People, iso, task_view
from approvals.store.statements import Prepared

OPEN, DONE, STARTED, WATCHING = "open", "done", "started", "watching"
LISTS = (OPEN, DONE, STARTED, WATCHING)
#: The orders every list offers beside its own ("" — the natural one: the oldest open task
#: first; the newest decision, start or involvement first).
SORTS = ("deadline", "started", "amount")
ORDERS = ("asc", "desc")
#: The lists of tasks (overdue applies to them) and of instances (their status filters them).
TASK_LISTS, INSTANCE_LISTS = (OPEN, DONE), (STARTED, WATCHING)
#: The longest search text read (more is cut off).
MAX_QUERY = 200


def sorts_of(kind: str) -> tuple[str, ...]:
    """The sorts list ``kind`` offers: an instance has no deadline of its own."""
    return SORTS if kind in TASK_LISTS else tuple(s for s in SORTS if s != "deadline")


def read_period(args: Mapping[str, str], problems: dict[str, tuple[str, dict]]
                ) -> dict[str, date | None]:
    """The days ``from`` and ``to`` of a query string (ISO dates, either left out), by name;
    what cannot be read, or a ``to`` before ``from``, is added to ``problems`` as a field's
    code for :class:`FormInvalid`. The lists and the accountants' queue read periods alike."""
    days: dict[str, date | None] = {}
    for name in ("from", "to"):
        text = (args.get(name) or "").strip()
        days[name] = None
        if text:
            try:
                days[name] = date.fromisoformat(text)
            except ValueError:
                problems[name] = ("not_a_date", {})
    if days["from"] and days["to"] and days["to"] < days["from"]:
        problems["to"] = ("range_reversed", {})
    return days


@dataclass(frozen=True)
class Listing:
    """Which rows of a list a page shows: page ``page`` of ``limit`` rows, narrowed by the
    search ``q``, a ``process``, an instance ``status`` (``done``, ``started``,
    ``watching``), ``overdue`` tasks (past their deadline: still open, or decided late), a
    period ``date_from``–``date_to`` (both days included, as the reader's time ``zone`` counts
    days) on the list's own date — a
    task's opening (My tasks), its decision (Done by me), the instance's start (the other
    two) — and sorted by ``sort`` (``""``: the list's natural order) in ``order``.

    A person holds hundreds of open tasks after a year (each a row built for the page), so a
    list shows a page of them and counts the rest. The accountants' queue pages the same way
    (:class:`Pages`)."""

    page: int = 1
    limit: int = 50
    q: str = ""
    process: str = ""
    status: str = ""
    overdue: bool = False
    date_from: date | None = None
    date_to: date | None = None
    sort: str = ""
    order: str = ""
    zone: tzinfo = UTC

    #: The longest page a client may ask for.
    MAX_LIMIT: ClassVar[int] = 100

    @classmethod
    def read(cls, args: Mapping[str, str], kind: str = OPEN, zone: tzinfo = UTC) -> Listing:
        """The listing a query string asks for (``page`` from 1, ``limit`` 1 to
        :attr:`MAX_LIMIT`, ``q``, ``process``, ``status``, ``overdue=1``, ``from``, ``to``,
        ``sort``, ``order``; what is left out takes the default). :class:`FormInvalid` names
        every parameter that cannot be read, with what to fix."""
        problems: dict[str, tuple[str, dict]] = {}
        numbers = {}
        for name, default, top in (("page", cls.page, None), ("limit", cls.limit, cls.MAX_LIMIT)):
            text = (args.get(name) or "").strip()
            try:
                numbers[name] = int(text) if text else default
            except ValueError:
                problems[name] = ("not_a_number", {})
                continue
            if numbers[name] < 1:
                problems[name] = ("too_small", {"min": 1})
            elif top is not None and numbers[name] > top:
                problems[name] = ("too_large", {"max": top})
        days = read_period(args, problems)
        status = (args.get("status") or "").strip()
        if status and (kind == OPEN or status not in OUTCOMES):
            problems["status"] = ("not_a_choice", {"allowed": [] if kind == OPEN
                                                   else list(OUTCOMES)})
        overdue = (args.get("overdue") or "").strip().lower()
        if overdue not in ("", "0", "1", "true", "false", "on"):
            problems["overdue"] = ("not_a_boolean", {})
        elif overdue in ("1", "true", "on") and kind not in TASK_LISTS:
            problems["overdue"] = ("not_a_choice", {"allowed": []})
        sort = (args.get("sort") or "").strip()
        if sort and sort not in sorts_of(kind):
            problems["sort"] = ("not_a_choice", {"allowed": list(sorts_of(kind))})
        order = (args.get("order") or "").strip()
        if order and order not in ORDERS:
            problems["order"] = ("not_a_choice", {"allowed": list(ORDERS)})
        q = " ".join((args.get("q") or "").split())
        if len(q) > MAX_QUERY:
            problems["q"] = ("too_long", {"max": MAX_QUERY})
        if problems:
            raise FormInvalid(problems)
        return cls(page=numbers["page"], limit=numbers["limit"], q=q,
                   process=(args.get("process") or "").strip()[:100], status=status,
                   overdue=overdue in ("1", "true", "on"), date_from=days["from"],
                   date_to=days["to"], sort=sort, order=order, zone=zone)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the list (the page then says how to clear it)."""
        return bool(self.q or self.process or self.status or self.overdue or self.date_from
                    or self.date_to)

    def query(self, *, with_limit: bool = False, **changes: Any) -> dict[str, Any]:
        """The listing as a query string writes it (defaults left out, ``limit`` kept if
        ``with_limit``), with ``changes``: what the pagination and the navigation's links
        carry, so a filter is never lost."""
        chosen = replace(self, **changes)
        values = {"q": chosen.q, "process": chosen.process, "status": chosen.status,
                  "overdue": "1" if chosen.overdue else "",
                  "from": chosen.date_from.isoformat() if chosen.date_from else "",
                  "to": chosen.date_to.isoformat() if chosen.date_to else "",
                  "sort": chosen.sort, "order": chosen.order,
                  "limit": chosen.limit if with_limit or chosen.limit != Listing.limit else "",
                  "page": chosen.page if chosen.page != 1 or "page" in changes else ""}
        return {k: v for k, v in values.items() if v not in ("", None)}


class Pages:
    """The arithmetic of a page (positions, previous, next, how many pages) from ``listing``,
    ``total`` and the rows shown (:attr:`shown`): the lists' and the accountants' queue's."""

    listing: Listing
    total: int
    shown: int  # how many rows the page holds: each kind of page says it (a property)

    @property
    def first(self) -> int:
        """The position of the page's first row among all (1-based; 0 when empty)."""
        return self.listing.offset + 1 if self.shown else 0

    @property
    def last(self) -> int:
        return self.listing.offset + self.shown

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.listing.limit))

    @property
    def has_previous(self) -> bool:
        return self.listing.page > 1

    @property
    def has_next(self) -> bool:
        return self.last < self.total


@dataclass
class ListPage(Pages):
    """One page of a list (task views as :func:`open_task_page` makes them, or instance rows
    as :func:`started_page` does), how many match in all, and the definition each task row's
    instance runs (by task id: the inbox asks it which answers a task may be given in bulk)."""

    items: list[dict[str, Any]]
    total: int
    listing: Listing
    processes: dict[int, Process] = field(default_factory=dict)

    @property
    def shown(self) -> int:
        return len(self.items)

    @property
    def tasks(self) -> list[dict[str, Any]]:
        return self.items


# ---------------------------------------------------------------------------- the rows


#: What a task row is built from: the task's own columns and, beside them, what it belongs
#: to — plain columns, not ORM objects (no identity map, no JSON of the fields).
_TASK_ROW = (*Task.__table__.c, Instance.process_version_id,
             Instance.title.label("instance_title"), Instance.titles.label("instance_titles"),
             Instance.initiator_id, Instance.status.label("instance_status"),
             Instance.stage.label("instance_stage"), ProcessVersion.digest.label("process_digest"))
_INSTANCE_ROW = (Instance.id, Instance.process_id, Instance.process_version_id, Instance.title,
                 Instance.titles, Instance.status, Instance.stage, Instance.initiator_id,
                 Instance.started_at, Instance.ended_at,
                 ProcessVersion.digest.label("process_digest"))


def _moment(kind: str):
    """The list's own date: what its period bounds and its natural order follows."""
    return {OPEN: Task.opened_at, DONE: Task.closed_at}.get(kind, Instance.started_at)


def _rows_of(kind: str, person_id: int):
    """The person's rows of list ``kind`` before any filter: the conditions that pick them
    through their index."""
    if kind == OPEN:
        return [Task.assignee_id == person_id, Task.state == "open"]
    if kind == DONE:
        return [Task.decided_by_id == person_id]
    if kind == STARTED:
        return [Instance.initiator_id == person_id]
    took_part = union(
        select(Task.instance_id).where(Task.assignee_id == person_id),
        select(Task.instance_id).where(Task.decided_by_id == person_id),
        select(Task.instance_id).where(Task.on_behalf_of_id == person_id),
        select(Notification.instance_id).where(Notification.person_id == person_id,
                                               Notification.template == "trail_issued"))
    # the instances of the person's open tasks, read once through their index: as a correlated
    # NOT EXISTS, SQLite probed them with the person's index for every candidate instance
    # (thousands of open tasks times thousands of instances at 100,000 instances)
    holds_open = select(Task.instance_id).where(Task.assignee_id == person_id,
                                                Task.state == "open")
    return [Instance.id.in_(took_part), Instance.initiator_id != person_id,
            Instance.id.not_in(holds_open)]


#: The most words of a search that each must be found (the rest are ignored).
MAX_WORDS = 5


def _midnight(day: date, zone: tzinfo) -> datetime:
    """The moment ``day`` begins where the reader lives, in UTC (as the rows keep moments)."""
    return datetime.combine(day, time(), zone).astimezone(UTC)


def _words(q: str) -> list[str]:
    """The words of a search, each of which must be found somewhere in the instance (in any
    of the places searched, not necessarily the same one)."""
    return list(dict.fromkeys(q.split()))[:MAX_WORDS]


def _variants(text: str) -> list[str]:
    return list(dict.fromkeys((text, text.lower(), text.upper(), text.capitalize())))


def _search(session: Session, q: str, locale_names: dict[str, list[str]]):
    """The instances ``q`` finds (see the module's docstring), as one condition."""
    matches = []
    titles, fields = cast(Instance.titles, Text), cast(Instance.fields, Text)
    for variant in _variants(q):
        matches.append(Instance.title.ilike(_like(variant), "!"))
        for spelling in dict.fromkeys((variant, json.dumps(variant)[1:-1])):
            matches.append(fields.ilike(_like(spelling), "!"))
            matches.append(titles.ilike(_like(spelling), "!"))
    folded = q.casefold()
    named = [pid for pid, names in locale_names.items()
             if any(folded in name.casefold() for name in names)]
    if named:
        matches.append(Instance.process_id.in_(named))
    people = select(Person.id).where(or_(
        func.lower(Person.email).like(_like(q.lower()), "!"),
        *(Person.name.ilike(_like(v), "!") for v in _variants(q))))
    matches.append(Instance.initiator_id.in_(people))
    held = aliased(Task)  # not the task of a task list's row
    matches.append(exists().where(held.instance_id == Instance.id, or_(
        held.assignee_id.in_(people), held.decided_by_id.in_(people))))
    return or_(*matches)


def _definitions(session: Session) -> list[Process]:
    return [registry.definition(row) for row in registry.latest_versions(session)]


def _amount(definitions: list[Process]):
    """The instance's money value as a number, each process by its first money field (none
    for a process without one: it sorts last)."""
    whens = []
    for process in definitions:
        money = next((f.name for f in process.fields if f.type == "money"), None)
        if money:
            whens.append((Instance.process_id == process.id,
                          cast(func.nullif(Instance.fields[money].as_string(), ""),
                               Numeric(20, 2))))
    return case(*whens, else_=None) if whens else None


def _where(session: Session, kind: str, person_id: int, listing: Listing, now: datetime,
           definitions: list[Process]) -> list[Any]:
    where = _rows_of(kind, person_id)
    if listing.process:
        where.append(Instance.process_id == listing.process)
    if listing.status and kind != OPEN:
        where.append(Instance.status == listing.status)
    if listing.overdue and kind == OPEN:
        where.append(Task.deadline < now)
    elif listing.overdue and kind == DONE:
        where.append(Task.closed_at > Task.deadline)
    moment = _moment(kind)
    if listing.date_from:
        where.append(moment >= _midnight(listing.date_from, listing.zone))
    if listing.date_to:
        where.append(moment < _midnight(listing.date_to + timedelta(days=1), listing.zone))
    if listing.q:
        names = {p.id: [p.name.get("en"), p.name.get("ru")] for p in definitions}
        where.extend(_search(session, word, names) for word in _words(listing.q))
    return where


def _order(kind: str, listing: Listing, definitions: list[Process]) -> list[Any]:
    """The ``ORDER BY`` of a page: the sort chosen (an empty value last either way), then the
    list's natural order, then the row's id (a stable page)."""
    natural_desc = kind != OPEN  # the oldest open task first; the newest of the rest first
    key = _moment(kind)
    ident = Task.id if kind in TASK_LISTS else Instance.id
    descending = listing.order == "desc" if listing.order else (
        natural_desc if not listing.sort else listing.sort != "deadline")
    chosen = None
    if listing.sort == "deadline":
        chosen = Task.deadline
    elif listing.sort == "started":
        chosen = Instance.started_at
    elif listing.sort == "amount":
        chosen = _amount(definitions)
    if not listing.sort:
        return [key.desc() if descending else key.asc(), ident.desc() if descending
                else ident.asc()]
    if chosen is None:  # no process has a money field
        return [key.desc() if natural_desc else key.asc(), ident.desc()]
    return [chosen.is_(None), chosen.desc() if descending else chosen.asc(),
            key.desc() if natural_desc else key.asc(), ident.desc()]


#: The inbox as most requests ask for it — the open tasks, unfiltered, in their natural order
#: — as two prebuilt statements (:mod:`approvals.store.statements`): building the statement
#: for every request cost more than running it.
_MINE_OPEN = (Task.assignee_id == bindparam("person"), Task.state == "open")
_OPEN_COUNT = Prepared(select(func.count()).select_from(Task).where(*_MINE_OPEN))
_OPEN_PAGE = Prepared(
    select(*_TASK_ROW).join(Instance, Task.instance_id == Instance.id)
    .join(ProcessVersion, ProcessVersion.id == Instance.process_version_id)
    .where(*_MINE_OPEN).order_by(Task.opened_at.asc(), Task.id.asc())
    .offset(bindparam("offset")).limit(bindparam("limit")))


#: A row of :data:`_OPEN_PAGE` by column name (the cursor's rows are plain tuples).
_OpenRow = namedtuple("_OpenRow", [c.key for c in _OPEN_PAGE.statement.selected_columns])


def _plain_open(kind: str, listing: Listing) -> bool:
    return kind == OPEN and not listing.filtered and not listing.sort \
        and listing.order in ("", "asc")


def list_page(session: Session, kind: str, person_id: int, locale: str = "en",
              listing: Listing = Listing(), now: datetime | None = None) -> ListPage:
    """Page ``listing`` of the person's list ``kind`` and how many rows match in all: one
    ``COUNT`` and one query for the page's rows over the person's indexed rows, one for the
    people they name (and the definitions read once a process version)."""
    if _plain_open(kind, listing):
        connection = session.connection()
        total = _OPEN_COUNT.execute(connection, {"person": person_id}).scalar_one()
        found = [_OpenRow(*row) for row in _OPEN_PAGE.execute(connection, {
            "person": person_id, "offset": listing.offset, "limit": listing.limit}
        )] if listing.offset < total else []
        items, processes = _task_rows(session, found, locale)
        return ListPage(items, total, listing, processes)
    now = now or datetime.now(UTC)
    needs_definitions = bool(listing.q) or listing.sort == "amount"
    definitions = _definitions(session) if needs_definitions else []
    where = _where(session, kind, person_id, listing, now, definitions)
    if kind in TASK_LISTS:
        base = select(*_TASK_ROW).join(Instance, Task.instance_id == Instance.id)
        counted = select(func.count()).select_from(Task)
        if listing.filtered:
            counted = counted.join(Instance, Task.instance_id == Instance.id)
    else:
        base = select(*_INSTANCE_ROW)
        counted = select(func.count()).select_from(Instance)
    base = base.join(ProcessVersion, ProcessVersion.id == Instance.process_version_id)
    total = session.execute(counted.where(*where)).scalar_one()
    found = session.execute(base.where(*where).order_by(*_order(kind, listing, definitions))
                            .offset(listing.offset).limit(listing.limit)
                            ).all() if listing.offset < total else []
    if kind in TASK_LISTS:
        items, processes = _task_rows(session, found, locale)
        return ListPage(items, total, listing, processes)
    return ListPage(_instance_rows(session, found, locale), total, listing)


def open_task_page(session: Session, person_id: int, locale: str = "en",
                   listing: Listing = Listing(), now: datetime | None = None) -> ListPage:
    """A page of the person's open tasks (the inbox and ``GET /api/tasks``)."""
    return list_page(session, OPEN, person_id, locale, listing, now)


def open_tasks(session: Session, person_id: int, locale: str = "en") -> list[dict[str, Any]]:
    """All the person's open tasks, oldest first (pages show :func:`open_task_page`)."""
    return list_page(session, OPEN, person_id, locale, Listing(limit=2**31 - 1)).items


def counts(session: Session, person_id: int, watching: int | None = None
           ) -> dict[str, int | None]:
    """How many rows each of the person's lists holds, unfiltered (the navigation's numbers):
    one indexed ``COUNT`` a list. Watching is not counted here (``watching`` is its number when
    the caller has it, the Watching page's own total): its rows are a union of four ways of
    taking part less the open tasks, ~0.4 s for a person who holds thousands of tasks among
    100,000 instances — too much for every page of the inbox."""
    found: dict[str, int | None] = {kind: session.execute(
        (select(func.count()).select_from(Task) if kind in (OPEN, DONE)
         else select(func.count()).select_from(Instance)).where(*_rows_of(kind, person_id))
    ).scalar_one() for kind in LISTS if kind != WATCHING}
    found[WATCHING] = watching
    return found


def open_count(session: Session, person_id: int) -> int:
    """How many open tasks the person holds (the main menu's "Inbox")."""
    return session.execute(select(func.count()).select_from(Task).where(
        *_rows_of(OPEN, person_id))).scalar_one()


def _task_rows(session: Session, found, locale: str
               ) -> tuple[list[dict[str, Any]], dict[int, Process]]:
    """The views of ``found`` (rows of :data:`_TASK_ROW`) with the definition of each, by task
    id: each version parsed once and the people named read in one query."""
    people = _People(session)
    people.preload({i for row in found for i in (row.assignee_id, row.decided_by_id,
                                                 row.on_behalf_of_id, row.initiator_id)})
    connection = session.connection() if found else None
    definitions: dict[int, Process] = {}
    tasks, processes = [], {}
    for row in found:
        process = definitions.get(row.process_version_id)
        if process is None:
            process = definitions[row.process_version_id] = registry.definition_by_digest(
                connection, row.process_version_id, row.process_digest)
        view = task_view(row, process, people, locale)
        view.update(process=process.id, process_name=process.name.get(locale),
                    title=title_in(row.instance_titles, row.instance_title, locale),
                    initiator=people(row.initiator_id), instance_status=row.instance_status,
                    instance_stage_name=_stage_name(process, row.instance_stage, locale))
        tasks.append(view)
        processes[row.id] = process
    return tasks, processes


def _instance_rows(session: Session, found, locale: str) -> list[dict[str, Any]]:
    """The rows of an instance list: title, process, status, current stage, initiator, when it
    started and ended."""
    people = _People(session)
    people.preload({row.initiator_id for row in found})
    connection = session.connection() if found else None
    definitions: dict[int, Process] = {}
    items = []
    for row in found:
        process = definitions.get(row.process_version_id)
        if process is None:
            process = definitions[row.process_version_id] = registry.definition_by_digest(
                connection, row.process_version_id, row.process_digest)
        items.append({"id": row.id, "process": process.id,
                      "process_name": process.name.get(locale),
                      "title": title_in(row.titles, row.title, locale), "status": row.status,
                      "stage": row.stage if row.status == "running" else "",
                      "stage_name": _stage_name(process, row.stage, locale)
                      if row.status == "running" else "",
                      "initiator": people(row.initiator_id),
                      "started_at": iso(row.started_at), "ended_at": iso(row.ended_at)})
    return items


def _stage_name(process: Process, key: str, locale: str) -> str:
    try:
        return process.status(key).name.get(locale) if key else ""
    except KeyError:
        return key
