"""Benchmark: Signoff with a year of data (issue 16, item 3).

    make bench-scale                                  # 100,000 instances, SQLite and PostgreSQL
    python -m benchmarks.scale --instances 10000 --db sqlite --explain

Seeds a fresh database (SQLite with the project's own engine settings, and a throwaway
PostgreSQL cluster from ``tests.support.postgres_server``) after ``db upgrade``: 200 people in
10 departments with their managers and the roles lawyer, accounting, hr and cfo; the shipped
processes; ``--instances`` instances over the past year (contract approvals, invoice payments
with their ``Invoice`` rows, vacations, document approvals, business trips, time off): 70 %
completed with their ``Trail`` index rows, 30 % running with open tasks; ~4 tasks and ~10
audit events an instance, and their notifications and outbox rows, delivered. The rows are
written by Core ``insert`` in batches of a few thousand, one transaction a batch.

The seeded rows are well-formed but not the engine's own history: stages, verdicts and event
kinds are the processes' real ones, the audit chain's ``prev_hash``/``hash`` are random hex
(nothing verifies the chain here), and no files are stored (a trail row points at no PDF).
Instances the benchmark decides on are started through ``approvals.service``, as in use.

Then, while a background thread decides through ``approvals.service`` at a few per second
(``--load``), each of these is run ``--repeat`` times (p50/p95 ms): the inbox page's queries
(``lists.open_task_page``: the first page of 50 with the count, the bulk answers of each row as
the page marks them, the four lists' counts of the navigation, the menu's count,
``notifications``), "done by me" (``lists.list_page`` of the tasks a person decided, newest
first, 50 with the count, and the navigation's counts, as ``/done`` runs them), the inbox
searched for a counterparty and sorted by amount (``q`` and ``sort=amount``), the accountants'
queue (``accounting.queue.page``, what /payments runs: the first 100 invoices, their count and
the totals of all), the instance page's data (``web.pages._instance_context``), a month's audit
search (``queries.search_instances`` and ``newest_trails``, what /audit runs), the reports'
figures of the last 12 weeks (``approvals.store.reports.report``, what /reports runs: every
process as an administrator sees them, and one process; 20 times each, at most), a decision
(``service.decide``; also on the database before seeding, for the ratio), and an email reply (a
stored reply read by the function the worker's ``handle_inbound`` runs,
``mail.work.read_reply``). Also the size of the database per 1,000 instances and the seeding
time. ``--explain`` prints the query plans (SQLite: ``EXPLAIN QUERY PLAN``; PostgreSQL:
``EXPLAIN ANALYZE``) of the slowest reads' statements.

A benchmark, not a test: nothing fails because the machine is slow.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path

from benchmarks.contract import CONTRACT, ROOT, percentile

BATCH = 4000
DEPARTMENTS = ("Board", "Legal", "Finance", "HR", "Sales", "Marketing", "Engineering",
               "Support", "Operations", "Purchasing")
#: The mix of a year: process, share of instances.
MIX = (("contract-approval", 0.25), ("invoice-payment", 0.25), ("vacation", 0.18),
       ("document-approval", 0.14), ("business-trip", 0.10), ("time-off", 0.08))
GOALS = {"inbox": 50, "done by me": 50, "accountants' queue": 50, "instance page": 100,
         "audit search (a month)": 200}


def email_of(n: int) -> str:
    return f"p{n:03d}@scale.test"


def people_csv() -> str:
    """200 people: a director, a head per department (reporting to the director), the rest
    spread over the departments; roles by department."""
    lines = ["email,name,locale,manager_email,department,roles,aliases"]
    lines.append(f"{email_of(0)},Director,en,,Board,cfo,")
    heads = {d: i + 1 for i, d in enumerate(DEPARTMENTS)}
    for dept, n in heads.items():
        lines.append(f"{email_of(n)},Head of {dept},ru,{email_of(0)},{dept},,")
    for n in range(len(DEPARTMENTS) + 1, 200):
        dept = DEPARTMENTS[n % len(DEPARTMENTS)]
        role = {"Legal": "lawyer", "Finance": "accounting", "HR": "hr"}.get(dept, "") \
            if n // len(DEPARTMENTS) < 5 else ""  # four of each
        locale = "ru" if n % 3 else "en"
        lines.append(f"{email_of(n)},Person {n},{locale},{email_of(heads[dept])},{dept},{role},")
    return "\n".join(lines) + "\n"


def fake_hash() -> str:
    return secrets.token_hex(32)


# ---------------------------------------------------------------------------- seeding


class Seeder:
    """The bulk rows of ``count`` instances, written with Core inserts in batches."""

    def __init__(self, db, count: int, now: datetime, rng: random.Random) -> None:
        from sqlmodel import select

        from approvals.core.model import REVISION
        from approvals.store import registry
        from approvals.store.db import read_session
        from approvals.store.models import Person, PersonRole

        self.db, self.count, self.now, self.rng = db, count, now, rng
        with read_session(db) as s:
            people = s.exec(select(Person)).all()
            roles = s.exec(select(PersonRole)).all()
            self.versions = {}
            for row in registry.latest_versions(s):
                process = registry.definition(row)
                self.versions[process.id] = (row.id, process)
        self.people = [p.id for p in people]
        self.manager = {p.id: p.manager_id or p.id for p in people}
        self.by_role: dict[str, list[int]] = {}
        for r in roles:
            self.by_role.setdefault(r.role, []).append(r.person_id)
        self.stages = {pid: [st for st in proc.stages if st.key != REVISION]
                       for pid, (_v, proc) in self.versions.items()}
        self.ids: dict[str, int] = {}

    def next_ids(self, table: str, start: int) -> None:
        self.ids[table] = start

    def _id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def assignees(self, process_id: str, stage, initiator: int) -> list[int]:
        spec = repr(stage.assignees)
        for role in ("accounting", "lawyer", "hr", "cfo"):
            if f"'{role}'" in spec and self.by_role.get(role):
                return list(self.by_role[role]) if stage.rule.kind == "any" \
                    else [self.rng.choice(self.by_role[role])]
        if "kind='field'" in spec:
            return self.rng.sample(self.by_role.get("lawyer") or self.people, 2)
        return [self.manager[initiator]]

    def fields(self, process_id: str, n: int, started: datetime) -> tuple[dict, str]:
        rng = self.rng
        amount = f"{rng.randint(1000, 3_000_000)}.00"
        if process_id == "invoice-payment":
            supplier = f"ООО Поставщик {n % 700}"
            number = f"{n}-{rng.randint(1, 99)}"
            due = (started + timedelta(days=rng.randint(3, 30))).date()
            inn = f"77{n % 10**8:08d}"
            return ({"supplier": supplier, "supplier_inn": inn, "supplier_kpp": "770101001",
                     "supplier_account": "40702810938000000001", "supplier_bik": "044525225",
                     "supplier_bank": "ПАО Сбербанк", "number": number,
                     "invoice_date": started.date().isoformat(), "amount": amount,
                     "currency": "RUB", "vat_rate": "22", "due": due.isoformat(),
                     "purpose": f"Оплата по счёту {number}"}, f"Invoice {number}: {supplier}")
        if process_id == "contract-approval":
            title = f"Supply contract {n}"
            return ({"title": title, "counterparty": f"Client {n % 900}", "amount": amount},
                    title)
        if process_id in ("vacation", "time-off", "business-trip"):
            start = (started + timedelta(days=rng.randint(7, 40))).date()
            return ({"start": start.isoformat(),
                     "end": (start + timedelta(days=rng.randint(1, 14))).isoformat(),
                     "comment": ""}, f"{process_id} {start.isoformat()}")
        title = f"Document {n}"
        return {"title": title}, title

    def seed(self) -> None:
        from sqlalchemy import insert

        from accounting.models import Invoice
        from approvals.store.db import write_connection
        from approvals.store.models import (
            AuditEvent,
            Instance,
            Notification,
            OutboxItem,
            Task,
            Trail,
        )

        tables = {"instance": Instance.__table__, "task": Task.__table__,
                  "auditevent": AuditEvent.__table__, "outboxitem": OutboxItem.__table__,
                  "notification": Notification.__table__, "trail": Trail.__table__,
                  "invoice": Invoice.__table__}
        rows: dict[str, list[dict]] = {name: [] for name in tables}
        order = list(tables)

        def flush() -> None:
            with write_connection(self.db) as conn:
                for name in order:
                    if rows[name]:
                        conn.execute(insert(tables[name]), rows[name])
                        rows[name].clear()

        weights = [w for _p, w in MIX]
        names = [p for p, _w in MIX if p in self.versions]
        weights = [w for p, w in MIX if p in self.versions]
        for n in range(self.count):
            self._instance(n, self.rng.choices(names, weights)[0], rows)
            if len(rows["auditevent"]) >= BATCH:
                flush()
        flush()

    def _instance(self, n: int, process_id: str, rows: dict[str, list[dict]]) -> None:
        rng = self.rng
        version_id, process = self.versions[process_id]
        stages = self.stages[process_id]
        running = rng.random() < 0.30
        # running instances are recent (the last 60 days); completed ones span the year
        age = timedelta(days=rng.uniform(0, 60 if running else 365), seconds=rng.randint(0, 86399))
        started = self.now - age
        initiator = rng.choice(self.people)
        values, title = self.fields(process_id, n, started)
        iid = self._id("instance")
        if running:
            if process_id == "invoice-payment" and rng.random() < 0.4:
                current = next(i for i, st in enumerate(stages) if st.key == "pay")
            else:
                current = rng.randrange(len(stages))
            passed = stages[:current]
        else:
            current, passed = None, stages
        t = started
        events: list[dict] = []

        def event(kind: str, at: datetime, actor: int | None, task: int | None = None,
                  **data) -> None:
            events.append({"id": self._id("auditevent"), "instance_id": iid,
                           "seq": len(events) + 1, "at": at, "kind": kind, "actor_id": actor,
                           "task_id": task, "channel": "web" if actor else "system",
                           "data": data, "prev_hash": fake_hash(), "hash": fake_hash()})

        def notify(person: int, template: str, task: int | None, at: datetime) -> None:
            oid = self._id("outboxitem")
            rows["outboxitem"].append({
                "id": oid, "kind": "notify", "instance_id": iid,
                "payload": {"person": person, "template": template,
                            "params": {"task": task} if task else {}},
                "state": "done", "created_at": at, "attempts": 1, "last_attempt_at": at,
                "done_at": at, "queued_at": at})
            rows["notification"].append({
                "id": self._id("notification"), "outbox_item_id": oid, "person_id": person,
                "instance_id": iid, "task_id": task, "template": template,
                "params": {"task": task} if task else {}, "created_at": at,
                "read_at": at if rng.random() < 0.6 else None})

        event("started", t, initiator, fields=sorted(values))
        seq = 0
        for st in stages:
            is_current = current is not None and st is stages[current]
            if not is_current and st not in passed:
                break
            t += timedelta(minutes=rng.randint(5, 600))
            event("stage_entered", t, None, stage=st.key, rule=st.rule.kind)
            verdict = next((v for v in ("approve", "paid", "done", "acknowledge")
                            if v in st.verdicts), st.verdicts[0] if st.verdicts else "approve")
            for position, who in enumerate(self.assignees(process_id, st, initiator)):
                seq += 1
                task_id = self._id("task")
                opened = t
                task = {"id": task_id, "instance_id": iid, "seq": seq, "stage": st.key,
                        "round": 0, "kind": "approval", "assignee_id": who, "position": 0,
                        "state": "open", "verdicts": ",".join(st.verdicts), "opened_at": opened,
                        "deadline": opened + timedelta(days=3), "verdict": None, "comment": "",
                        "closed_at": None, "decided_by_id": None, "channel": None,
                        "close_reason": None, "on_behalf_of_id": None}
                event("task_opened", opened, None, task_id, stage=st.key, assignee=who)
                notify(who, "task_assigned", task_id, opened)
                if not is_current and position and st.rule.kind == "any":
                    task.update(state="withdrawn", closed_at=t, close_reason="other_decided")
                elif not is_current:
                    t += timedelta(minutes=rng.randint(1, 2000))
                    channel = "email" if rng.random() < 0.3 else "web"
                    task.update(state="done", verdict=verdict, closed_at=t, decided_by_id=who,
                                channel=channel)
                    event("decided", t, who, task_id, stage=st.key, verdict=verdict)
                rows["task"].append(task)
        ended = None
        if current is None:
            ended = t + timedelta(minutes=1)
            event("completed", ended, None)
            rows["trail"].append({
                "id": self._id("trail"), "instance_id": iid, "sequence": 1,
                "completion_seq": len(events), "completed_at": ended, "sha256": fake_hash(),
                "size": rng.randint(40_000, 200_000), "path": f"xx/yy/{fake_hash()}.pdf",
                "chain_head": events[-1]["hash"], "event_count": len(events), "signed": True,
                "problems": None, "created_at": ended + timedelta(seconds=20)})
            event("trail_issued", ended + timedelta(seconds=20), None)
            notify(initiator, "trail_issued", None, ended + timedelta(seconds=20))
        rows["instance"].append({
            "id": iid, "process_id": process_id, "process_version_id": version_id,
            "title": title, "titles": {"en": title, "ru": title},
            "status": "running" if running else "completed",
            "stage": stages[current].key if running else stages[-1].key, "round": 0,
            "sent_back_from": None, "initiator_id": initiator, "fields": values,
            "started_at": started, "ended_at": ended, "version": len(events)})
        rows["auditevent"].extend(events)
        if process_id == "invoice-payment":
            from accounting.models import supplier_key

            rows["invoice"].append({
                "id": self._id("invoice"), "instance_id": iid, "supplier": values["supplier"],
                "supplier_key": supplier_key(values["supplier"]),
                "supplier_inn": values["supplier_inn"], "number": values["number"],
                "number_key": values["number"].lower(),
                "invoice_date": date.fromisoformat(values["invoice_date"]),
                "amount": values["amount"], "currency": "RUB",
                "due": date.fromisoformat(values["due"]), "registered_at": started,
                "updated_at": started})


def max_ids(db, tables: list[str]) -> dict[str, int]:
    from sqlalchemy import text

    with db.connect() as conn:
        return {t: conn.execute(text(f'SELECT coalesce(max(id), 0) FROM "{t}"')).scalar_one()  # nosec B608  # noqa: S608 - table names are ours
                for t in tables}


def counts(db, tables: list[str]) -> dict[str, int]:
    from sqlalchemy import text

    with db.connect() as conn:
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()  # nosec B608  # noqa: S608 - table names are ours
                for t in tables}


def fix_sequences(db, tables: list[str]) -> None:
    """PostgreSQL: the seeded rows carry their ids; move each table's sequence past them."""
    from sqlalchemy import text

    if db.dialect.name != "postgresql":
        return
    with db.begin() as conn:
        for t in tables:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'id'), "  # nosec B608
                              f'(SELECT max(id) FROM "{t}"))'))
    # What autovacuum does soon after a bulk load in production: statistics, and the
    # visibility map that lets an index-only scan skip the table (without it the queue's
    # open-task check visits the heap for every row of a year seeded a moment ago).
    with db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


# ---------------------------------------------------------------------------- the app's work


class App:
    """What the measurements call, on one database."""

    def __init__(self, db) -> None:
        from sqlmodel import select

        from approvals.store.db import read_session
        from approvals.store.models import Person

        self.db = db
        with read_session(db) as s:
            self.person = {p.email: p for p in s.exec(select(Person))}
        self.lawyers = [p.id for e, p in self.person.items() if "Legal" == p.department
                        and not p.name.startswith("Head")]
        self.author = self.person[email_of(42)]

    def start_contract(self, approvers: list[int]) -> tuple[int, dict[int, int]]:
        """A contract approval started through the service: its id and {seq: task id}."""
        from approvals import service
        from approvals.clock import utcnow

        emails = {p.id: e for e, p in self.person.items()}
        fields = {"title": "Scale contract", "counterparty": "Client", "amount": "150000.00",
                  "contract": {"filename": "contract.pdf", "content_base64": CONTRACT},
                  "approvers": [emails[a] for a in approvers]}
        result = service.start(self.db, "contract-approval", self.author.id, fields, utcnow())
        return result.instance_id, dict(result.task_ids)

    def prepare_decisions(self, count: int) -> list[tuple[int, int]]:
        """``count`` open approval tasks on contract approvals started now: (task, person)."""
        out = []
        while len(out) < count:
            pair = random.sample(self.lawyers, 2)
            _iid, tasks = self.start_contract(pair)
            out += [(tasks[1], pair[0]), (tasks[2], pair[1])]
        return out[:count]

    def decide(self, task_id: int, person: int) -> None:
        from approvals import service
        from approvals.clock import utcnow

        service.decide(self.db, task_id, person, "approve", "", utcnow())


@contextmanager
def background_load(app: App, per_second: float):
    """Decisions through the service at ``per_second`` while the block runs."""
    stop = threading.Event()
    done = [0]
    errors: list[str] = []

    def run() -> None:
        while not stop.is_set():
            try:
                pair = random.sample(app.lawyers, 2)
                _iid, tasks = app.start_contract(pair)
                for seq, person in ((1, pair[0]), (2, pair[1])):
                    if stop.wait(1 / per_second):
                        return
                    app.decide(tasks[seq], person)
                    done[0] += 1
            except Exception as exc:  # noqa: BLE001 - reported after the run
                errors.append(repr(exc))
                stop.wait(1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    began = time.perf_counter()
    try:
        yield done
    finally:
        stop.set()
        thread.join(timeout=30)
        done.append(done[0] / (time.perf_counter() - began))
        if errors:
            print(f"  (background load: {len(errors)} errors, first {errors[0]})")


def reads(app: App, rng: random.Random) -> dict[str, Callable[[], None]]:
    """The reads measured, each a callable doing one of them (a different subject each
    time, chosen from the seeded data)."""
    from sqlmodel import func, select

    from accounting import queue
    from approvals.core.policy import Actor
    from approvals.store import lists, notices, queries
    from approvals.store import reports as report_store
    from approvals.store.db import read_session
    from approvals.store.models import Instance, Person, Task
    from web.pages import _bulk_answers, _instance_context

    db = app.db
    with read_session(db) as s:
        holders = [pid for pid, n in s.exec(
            select(Task.assignee_id, func.count()).where(Task.state == "open")
            .group_by(Task.assignee_id)).all() if n]
        deciders = list(s.exec(select(Task.decided_by_id).where(
            Task.decided_by_id.is_not(None)).distinct()).all())
        accountant = s.exec(select(Person).where(Person.department == "Finance")
                            .limit(1)).first().id
        some = list(s.exec(select(Instance.id).order_by(func.random()).limit(2000)).all())
        admin = s.get(Person, app.person[email_of(0)].id)
    today = date.today()
    auditor = admin  # the director reads every instance as a participant-free reader here

    def inbox() -> None:
        person = rng.choice(holders)
        with read_session(db) as s:
            _bulk_answers(lists.open_task_page(s, person, "en"))
            lists.counts(s, person)  # the navigation between the lists
            lists.open_count(s, person)  # the main menu's "Inbox"
            notices.notice_page(s, person, limit=5, unread_only=True)  # the latest unread

    def done_by_me() -> None:
        person = rng.choice(deciders)
        with read_session(db) as s:
            lists.list_page(s, lists.DONE, person, "en")
            lists.counts(s, person)

    def inbox_searched() -> None:
        person = rng.choice(holders)
        listing = lists.Listing(q=f"client {rng.randint(1, 899)}", sort="amount")
        with read_session(db) as s:
            _bulk_answers(lists.open_task_page(s, person, "en", listing))

    def accountants_queue() -> None:
        with read_session(db) as s:
            queue.page(s, queue.Filters(), today)
        assert accountant

    def instance_page() -> None:
        with read_session(db) as s:
            row = queries.get_instance(s, rng.choice(some))
            _instance_context(s, row, auditor, "en")

    def audit_month() -> None:
        start = today - timedelta(days=rng.randint(30, 330))
        search = queries.Search(date_from=start, date_to=start + timedelta(days=30))
        with read_session(db) as s:
            rows, _total = queries.search_instances(s, search, 1, 25)
            queries.newest_trails(s, [r.id for r in rows])

    def reports_everyone() -> None:
        """The reports page's figures as an administrator opens it: every process, the last
        12 weeks (a quarter of the seeded year)."""
        now = datetime.now(UTC)
        with read_session(db) as s:
            scope = report_store.scope_of(s, Actor.of(admin.id, {"admin"}))
            report_store.report(s, report_store.Query.read({}, now.date()), scope, now)

    def reports_one_process() -> None:
        now = datetime.now(UTC)
        query = report_store.Query.read({"process": rng.choice(MIX)[0]}, now.date())
        with read_session(db) as s:
            report_store.report(s, query, report_store.Scope(everyone=True), now)

    return {"inbox": inbox, "done by me": done_by_me, "inbox searched and sorted": inbox_searched,
            "accountants' queue": accountants_queue,
            "instance page": instance_page, "audit search (a month)": audit_month,
            "reports (12 weeks, all)": reports_everyone,
            "reports (12 weeks, 1 process)": reports_one_process}


#: Reads measured fewer times than ``--repeat`` (each takes a good part of a second).
FEWER = {"reports (12 weeks, all)": 20, "reports (12 weeks, 1 process)": 20}


def time_calls(call: Callable[[], None], repeat: int) -> list[float]:
    call()  # warm
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        out.append(time.perf_counter() - t0)
    return out


def time_decisions(app: App, repeat: int) -> list[float]:
    tasks = app.prepare_decisions(repeat + 1)
    app.decide(*tasks.pop())  # warm
    out = []
    for task, person in tasks:
        t0 = time.perf_counter()
        app.decide(task, person)
        out.append(time.perf_counter() - t0)
    return out


def time_replies(app: App, repeat: int) -> list[float]:
    """Email replies: for contract approvals started now, the first lawyer's task mail is
    made as the worker makes it (``mail.work.notify``: the notification and its reply
    token), the lawyer's "Approved" reply is stored as the SMTP server stores it
    (``mail.inbox.store``), and what is timed is the worker's reading of it
    (``mail.work.read_reply``: the rule chain and the decision)."""
    from sqlmodel import select

    from approvals.clock import utcnow
    from approvals.config import Settings
    from approvals.config.mail import MailSettings
    from approvals.store.db import write_session
    from approvals.store.models import OutboxItem
    from mail import inbox, tokens, work

    settings, secret = MailSettings.from_env(), Settings.from_env().secret_key
    stored = []
    emails = {p.id: e for e, p in app.person.items()}
    for _ in range(repeat + 1):
        pair = random.sample(app.lawyers, 2)
        iid, _tasks = app.start_contract(pair)
        with write_session(app.db) as s:
            items = s.exec(select(OutboxItem).where(OutboxItem.instance_id == iid,
                                                    OutboxItem.kind == "notify")).all()
            item = next(i for i in items if i.payload.get("template") == "task_assigned"
                        and i.payload.get("person") == pair[0])
            work.notify(s, item, utcnow())
            item.state, item.done_at = "done", utcnow()
            s.flush()
            from approvals.store.models import Notification
            note = s.exec(select(Notification).where(
                Notification.outbox_item_id == item.id)).one()
        token = tokens.derive(secret, note.id)
        message = EmailMessage()
        message["From"] = emails[pair[0]]
        message["To"] = f"reply+{token}@{settings.domain}"
        message["Subject"] = "Re: Scale contract"
        message["Date"] = format_datetime(utcnow())
        message["Message-ID"] = make_msgid(domain="scale.test")
        message["In-Reply-To"] = tokens.message_id(settings.domain, item.id, token)
        message.set_content("Approved\n\n> Please approve the contract.\n")
        raw = message.as_bytes(policy=SMTP)
        stored.append(inbox.store(app.db, raw, channel="smtp", now=utcnow(),
                                  envelope_from=emails[pair[0]],
                                  envelope_to=[str(message["To"])]))
    outcome = work.read_reply(app.db, stored.pop(), utcnow())
    assert outcome is not None and outcome.outcome == "decided", outcome
    out = []
    for inbound_id in stored:
        t0 = time.perf_counter()
        work.read_reply(app.db, inbound_id, utcnow())
        out.append(time.perf_counter() - t0)
    return out


# ---------------------------------------------------------------------------- explain


@contextmanager
def captured(db):
    """The statements (and parameters) run on ``db`` while the block runs."""
    from sqlalchemy import event

    seen: list[tuple[str, object]] = []

    def listen(_conn, _cursor, statement, parameters, _context, executemany) -> None:
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(db, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(db, "before_cursor_execute", listen)


def explain(db, name: str, call: Callable[[], None]) -> None:
    with captured(db) as seen:
        call()
    sqlite = db.dialect.name == "sqlite"
    print(f"\n-- EXPLAIN {'QUERY PLAN' if sqlite else 'ANALYZE'}: {name} "
          f"({len(seen)} statements; the distinct ones)")
    done = set()
    raw = db.raw_connection()
    try:
        for statement, parameters in seen:
            if statement in done:
                continue
            done.add(statement)
            cursor = raw.cursor()
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ANALYZE "
            cursor.execute(prefix + statement, parameters)
            plan = cursor.fetchall()
            cursor.close()
            print("   " + " ".join(statement.split())[:300])
            for row in plan:
                print("      " + (f"{row[3]}" if sqlite else str(row[0])))
    finally:
        raw.close()


# ---------------------------------------------------------------------------- one database


def size_mb(db, var: Path) -> float:
    from sqlalchemy import text

    with db.connect() as conn:
        if db.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return sum(f.stat().st_size for f in var.glob("signoff.db*")) / 2**20
        return conn.execute(text("SELECT pg_database_size(current_database())")
                            ).scalar_one() / 2**20


def run_one(kind: str, url: str, var: Path, args) -> dict:
    from approvals.clock import utcnow
    from approvals.store import registry
    from approvals.store.db import make_engine, upgrade, write_session
    from approvals.store.directory import import_people

    rng = random.Random(16)
    upgrade(url)
    db = make_engine(url)
    with write_session(db) as session:
        import_people(session, people_csv())
        processes, errors = registry.load_all()
        assert not errors, errors
        registry.sync(session, processes, utcnow())
    app = App(db)
    figures: dict = {"kind": kind}
    figures["empty decision"] = time_decisions(app, args.repeat)
    empty_mb = size_mb(db, var)
    tables = ["instance", "task", "auditevent", "outboxitem", "notification", "trail",
              "invoice"]
    seeder = Seeder(db, args.instances, datetime.now(UTC), rng)
    for table, top in max_ids(db, tables).items():
        seeder.next_ids(table, top + 1000)
    began = time.perf_counter()
    seeder.seed()
    fix_sequences(db, tables)
    if db.dialect.name == "sqlite":
        with db.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    figures["seed seconds"] = time.perf_counter() - began
    figures["rows"] = counts(db, tables)
    figures["mb"] = size_mb(db, var)
    figures["empty mb"] = empty_mb
    measures = reads(app, rng)
    with background_load(app, args.load) as load:
        for name, call in measures.items():
            figures[name] = time_calls(call, min(args.repeat, FEWER.get(name, args.repeat)))
        figures["decision"] = time_decisions(app, args.repeat)
        figures["email reply"] = time_replies(app, args.repeat)
    figures["load"] = load
    figures["reads"] = list(measures)
    if args.explain:
        slowest = sorted(measures, key=lambda n: -percentile(figures[n], 95))
        for name in slowest[:args.explain_top]:
            explain(db, name, measures[name])
    db.dispose()
    return figures


def report(figures: dict, instances: int) -> None:
    kind = figures["kind"]
    rows = figures["rows"]
    print(f"\n[{kind}] {instances:,} instances seeded in {figures['seed seconds']:.0f} s "
          f"({rows['task']:,} tasks, {rows['auditevent']:,} audit events, "
          f"{rows['notification']:,} notifications, {rows['outboxitem']:,} outbox rows, "
          f"{rows['trail']:,} trails, {rows['invoice']:,} invoices)")
    per = (figures["mb"] - figures["empty mb"]) / (instances / 1000)
    print(f"[{kind}] database {figures['mb']:.0f} MB: {per:.1f} MB per 1,000 instances")
    load = figures["load"]
    print(f"[{kind}] background load: {load[0]} decisions at {load[1]:.1f}/s during the "
          "measurements")
    print(f"[{kind}] {'what':<30} {'p50 ms':>8} {'p95 ms':>8}  goal (p95)")
    empty95 = percentile(figures["empty decision"], 95)
    for name in (*figures["reads"], "decision", "email reply", "empty decision"):
        lat = figures[name]
        p50, p95 = statistics.median(lat) * 1000, percentile(lat, 95) * 1000
        if name in GOALS:
            goal = f"≤ {GOALS[name]} ms: {'met' if p95 <= GOALS[name] else 'NOT met'}"
        elif name == "decision":
            ratio = percentile(lat, 95) / empty95
            goal = f"≤ 1.5 × empty ({ratio:.2f} ×): {'met' if ratio <= 1.5 else 'NOT met'}"
        elif name == "empty decision":
            goal = "(before seeding, no load)"
        else:
            goal = ""
        print(f"[{kind}] {name:<30} {p50:8.1f} {p95:8.1f}  {goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--load", type=float, default=4.0,
                        help="background decisions per second while measuring")
    parser.add_argument("--explain", action="store_true",
                        help="print the plans of the slowest reads' statements")
    parser.add_argument("--explain-top", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    var = Path(tempfile.mkdtemp(prefix="signoff-bench-scale-"))
    os.environ.update(SIGNOFF_VAR_DIR=str(var), SIGNOFF_SECRET_KEY=secrets.token_hex(16))
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import mail.work  # noqa: F401 - registers the mail package's work (notify, inbound)

    try:
        if args.db in ("sqlite", "both"):
            sub = var / "sqlite"
            sub.mkdir()
            report(run_one("sqlite", f"sqlite:///{sub / 'signoff.db'}", sub, args),
                   args.instances)
        if args.db in ("postgres", "both"):
            from tests.support import postgres_server

            with postgres_server() as url:
                report(run_one("postgres", url, var, args), args.instances)
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
