"""The tables. Times are aware datetimes in UTC (SQLModel's UTCDateTime stores and returns
UTC on SQLite and PostgreSQL alike; a naive datetime is refused).

The service layer is the only writer of process state (``Instance``, ``Task``, ``AuditEvent``,
``OutboxItem``, ``Timer``, ``Trail``); workers write ``Notification`` rows and outbox
bookkeeping, the exports they build (``Export``), and the pages log refused reads
(``AccessDenial``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True, max_length=320)
    name: str = Field(max_length=200)
    locale: str = Field(default="en", max_length=5)
    manager_id: int | None = Field(default=None, foreign_key="person.id")
    department: str = Field(default="", max_length=200)
    active: bool = True
    password_hash: str | None = Field(default=None, max_length=200)
    # bumped on logout and on a password change: a session cookie carries the version it was
    # made under, and one made under an older version is no longer accepted
    session_version: int = 0
    # as HR knows the person (migration 0011): the day they started, their position, their
    # employment status (``starting`` before the first day, ``active``, ``on_leave``,
    # ``dismissed``; see approvals.core.directory.EMPLOYMENT) and their IANA time zone ("" =
    # the organisation's)
    hire_date: date | None = None
    position: str = Field(default="", max_length=200)
    employment: str = Field(default="active", max_length=20)
    time_zone: str = Field(default="", max_length=64)


class Department(SQLModel, table=True):
    """A department as HR names it (``Person.department`` holds the same name) and its head:
    the person the ``department_head`` assignee names. A department without a row, or without
    a head, falls back to its active member holding the role ``head``."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    head_id: int | None = Field(default=None, foreign_key="person.id")
    parent: str = Field(default="", max_length=200)  # the department above ("" at the top)


class PersonRole(SQLModel, table=True):
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    role: str = Field(primary_key=True, max_length=64, index=True)


class PersonAlias(SQLModel, table=True):
    """Another address of a person (a mailbox alias): it may answer for them by email."""

    email: str = Field(primary_key=True, max_length=320)
    person_id: int = Field(foreign_key="person.id", index=True)


class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)
    label: str = Field(default="", max_length=100)  # what the holder said it is for
    created_at: datetime
    last_used_at: datetime | None = None
    expires_at: datetime | None = None  # None only for tokens made before expiry existed
    revoked_at: datetime | None = None


class ProcessVersion(SQLModel, table=True):
    """The exact source of a process file as loaded; instances point at the version they
    started with, so a later edit of the file never changes a running process."""

    __table_args__ = (UniqueConstraint("process_id", "digest"),
                      UniqueConstraint("process_id", "version"))
    id: int | None = Field(default=None, primary_key=True)
    process_id: str = Field(index=True, max_length=100)
    version: int
    digest: str = Field(max_length=64)
    source: str = Field(sa_column=Column(Text, nullable=False))
    path: str = Field(default="", max_length=1000)
    loaded_at: datetime


class Instance(SQLModel, table=True):
    # the instances of a process waiting at a stage (the accountants' queue: invoices at
    # "pay"), without reading every instance the process ever had
    __table_args__ = (Index("ix_instance_process_status_stage", "process_id", "status",
                            "stage"),)
    id: int | None = Field(default=None, primary_key=True)
    process_id: str = Field(max_length=100)  # searched through ix_instance_process_status_stage
    process_version_id: int = Field(foreign_key="processversion.id")
    title: str = Field(default="", max_length=500)  # in the initiator's language (searched)
    # the title in each language ({"en": …, "ru": …}), as the process's title template or
    # name says it; read with title_in()
    titles: dict[str, str] = Field(default_factory=dict, sa_column=Column(
        JSON, nullable=False, server_default="{}"))
    status: str = Field(default="running", index=True, max_length=20)
    stage: str = Field(default="", max_length=100)
    round: int = 0
    sent_back_from: str | None = Field(default=None, max_length=100)
    initiator_id: int = Field(foreign_key="person.id", index=True)
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    started_at: datetime = Field(index=True)  # the auditor's search by period
    ended_at: datetime | None = Field(default=None, index=True)
    version: int = 0  # optimistic concurrency: every command bumps it

    def title_in(self, locale: str | None) -> str:
        """The title in ``locale``, the stored one when there is none in it."""
        return title_in(self.titles, self.title, locale)


def title_in(titles: dict[str, str] | None, title: str, locale: str | None) -> str:
    """An instance's title in ``locale`` from its columns (lists read columns, not rows)."""
    return (titles or {}).get(locale or "") or title


#: The condition of ``ix_task_open_payment``, literally as a query must say it for a planner to
#: use the index (constants, not parameters): a task open at the stage ``pay`` of
#: ``accounting``'s invoice process.
OPEN_PAYMENT = "stage = 'pay' AND state = 'open'"
#: The notifications that tell a watcher the signed trail was sent (migration 0018's index).
TRAIL_SENT = "template = 'trail_issued'"


class Task(SQLModel, table=True):
    # a person's open tasks, oldest first, a page at a time (the inbox: no sort), and the
    # tasks a person decided, newest first ("done by me": a range scan, not a full one); whether
    # an instance has an open task at a stage, from the index alone; and the instances with an
    # open payment task (the accountants' queue totals thousands of them: a small partial index
    # read once, not a probe per instance; only payment tasks are written to it)
    __table_args__ = (UniqueConstraint("instance_id", "seq"),
                      Index("ix_task_assignee_state_opened", "assignee_id", "state",
                            "opened_at", "id"),
                      Index("ix_task_decided_by_closed", "decided_by_id", "closed_at"),
                      Index("ix_task_instance_stage_state", "instance_id", "stage", "state"),
                      Index("ix_task_open_payment", "instance_id",
                            sqlite_where=text(OPEN_PAYMENT), postgresql_where=text(OPEN_PAYMENT)),
                      # "Watching": the tasks a deputy held for someone away, by that person
                      # (only routed tasks are written to it; approvals/store/lists.py)
                      Index("ix_task_on_behalf_of", "on_behalf_of_id",
                            sqlite_where=text("on_behalf_of_id IS NOT NULL"),
                            postgresql_where=text("on_behalf_of_id IS NOT NULL")))
    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="instance.id")  # indexed by (instance_id, seq)
    seq: int
    stage: str = Field(max_length=100)
    round: int
    kind: str = Field(max_length=20)
    assignee_id: int = Field(foreign_key="person.id")  # ix_task_assignee_state_opened
    position: int = 0
    state: str = Field(index=True, max_length=20)
    verdicts: str = Field(max_length=200)  # comma-separated, as the definition allowed
    opened_at: datetime | None = None
    deadline: datetime | None = None
    verdict: str | None = Field(default=None, max_length=40)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    closed_at: datetime | None = None
    decided_by_id: int | None = Field(default=None, foreign_key="person.id")
    channel: str | None = Field(default=None, max_length=20)
    close_reason: str | None = Field(default=None, max_length=40)
    # the person away this task was routed from (their deputy is the assignee), if any
    on_behalf_of_id: int | None = Field(default=None, foreign_key="person.id")


class Blob(SQLModel, table=True):
    """File content, addressed by its SHA-256 (stored once however often it is attached)."""

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Document(SQLModel, table=True):
    """One version of a file attached to an instance's file field; old versions are kept."""

    __table_args__ = (UniqueConstraint("instance_id", "field", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="instance.id", index=True)
    field: str = Field(max_length=100)
    version: int
    filename: str = Field(max_length=500)
    content_type: str = Field(default="application/octet-stream", max_length=200)
    size: int
    sha256: str = Field(foreign_key="blob.sha256", max_length=64)
    uploaded_by_id: int = Field(foreign_key="person.id")
    uploaded_at: datetime


class AuditEvent(SQLModel, table=True):
    """Append-only; ``hash`` = SHA-256(prev_hash + canonical JSON of the event)."""

    __table_args__ = (UniqueConstraint("instance_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="instance.id")  # indexed by (instance_id, seq)
    seq: int
    at: datetime
    kind: str = Field(max_length=40)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    task_id: int | None = Field(default=None, foreign_key="task.id")
    channel: str = Field(default="system", max_length=20)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class OutboxItem(SQLModel, table=True):
    """An effect to carry out after the commit: a notification, an email, a trail."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    instance_id: int | None = Field(default=None, foreign_key="instance.id", index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(default="pending", index=True, max_length=20)  # pending|done|failed
    created_at: datetime
    attempts: int = 0
    last_attempt_at: datetime | None = None
    done_at: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    # one carrier at a time: when the row was last handed to a queue, since when a worker
    # holds it (a lease: a worker that died lets go when it expires), and when the next try
    # is due after a temporary failure (backoff)
    queued_at: datetime | None = None
    claimed_at: datetime | None = None
    next_attempt_at: datetime | None = None


class Notification(SQLModel, table=True):
    """What a person sees in their notification list; one per delivered outbox item."""

    # the unread count on every page: a partial index of the unread rows only (a row leaves it
    # when it is read), read by one COUNT (approvals/store/notices.py); and whether a person is
    # a watcher the instance's trail was sent to (queries.is_participant, on every instance
    # page of a reader without a task on it): only the trail notices, by instance
    __table_args__ = (UniqueConstraint("outbox_item_id", "person_id"),
                      Index("ix_notification_unread", "person_id",
                            sqlite_where=text("read_at IS NULL"),
                            postgresql_where=text("read_at IS NULL")),
                      Index("ix_notification_trail_sent", "instance_id", "person_id",
                            sqlite_where=text(TRAIL_SENT), postgresql_where=text(TRAIL_SENT)))
    id: int | None = Field(default=None, primary_key=True)
    outbox_item_id: int = Field(foreign_key="outboxitem.id")
    person_id: int = Field(foreign_key="person.id", index=True)
    instance_id: int | None = Field(default=None, foreign_key="instance.id")
    task_id: int | None = Field(default=None, foreign_key="task.id")
    template: str = Field(max_length=60)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime
    read_at: datetime | None = None


class Timer(SQLModel, table=True):
    """A moment the scheduler must act on (a task's deadline)."""

    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="instance.id", index=True)
    task_id: int = Field(foreign_key="task.id")
    kind: str = Field(default="deadline", max_length=20)
    due_at: datetime = Field(index=True)
    fired_at: datetime | None = None
    enqueued_at: datetime | None = None


class Trail(SQLModel, table=True):
    """A signed trail as stored: the index of a file under the trails folder, named by its
    SHA-256. ``id`` is the trail's own number.

    One per completion of an instance: ``completion_seq`` is the seq of the ``completed`` audit
    event it seals, so a second delivery of the same work can never store a second trail; an
    instance reopened and completed again gets a new trail with the next ``sequence``.
    ``chain_head`` and ``event_count`` are what the PDF carries: the audit chain as it stood
    when the trail was made (the ``trail_issued`` event recording it comes after)."""

    __table_args__ = (UniqueConstraint("instance_id", "completion_seq"),
                      UniqueConstraint("instance_id", "sequence"))
    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="instance.id", index=True)
    sequence: int
    completion_seq: int
    completed_at: datetime = Field(index=True)
    sha256: str = Field(index=True, max_length=64)
    size: int
    path: str = Field(max_length=200)  # relative to the trails folder: ab/cd/<sha256>.pdf
    chain_head: str = Field(max_length=64)
    event_count: int
    signed: bool = True
    problems: str | None = Field(default=None, sa_column=Column(Text))  # what it shows marked
    created_at: datetime


class Export(SQLModel, table=True):
    """A ZIP of the trails of a period with a CSV index, built by a worker.

    ``filters`` holds ``from`` and ``to`` (ISO dates, both days included) and an optional
    ``process``; ``done`` of ``total`` trails are in so far."""

    id: int | None = Field(default=None, primary_key=True)
    requested_by_id: int = Field(foreign_key="person.id", index=True)
    filters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(default="pending", index=True, max_length=20)  # pending|running|done|failed
    done: int = 0
    total: int = 0
    sha256: str | None = Field(default=None, max_length=64)
    size: int | None = None
    path: str | None = Field(default=None, max_length=200)  # relative to the trails folder
    error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None


class AccessDenial(SQLModel, table=True):
    """A refused attempt to read a trail, an export or the audit pages, for administrators.

    Kept apart from the audit chain on purpose: the chain records what happened in a process,
    and nobody outside it may make it grow by asking."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    instance_id: int | None = Field(default=None, foreign_key="instance.id", index=True)
    what: str = Field(max_length=40)  # trail | export | audit
    channel: str = Field(max_length=20)  # web | api
    path: str = Field(default="", max_length=500)


class ReplyToken(SQLModel, table=True):
    """The secret an email about a task carries in ``Reply-To: reply+TOKEN@MAIL_DOMAIN`` (and
    in its ``Message-ID``), one per (task, assignee, mail). Only its SHA-256 is stored: the
    token is derived again from the mail's notification with the secret key when the mail is
    (re)sent, so a retried send carries the same token. Single use: ``used_at`` is set by the
    decision it carried."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    notification_id: int = Field(foreign_key="notification.id", unique=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    instance_id: int = Field(foreign_key="instance.id", index=True)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_by_inbound_id: int | None = None


class InboundMessage(SQLModel, table=True):
    """An email that reached Signoff, stored raw before anything reads it.

    ``state``: ``received`` (stored, waiting for the worker), ``done`` (the rule chain ran;
    ``outcome`` says what came of it), ``failed`` (processing raised; kept for the admin).
    ``source_key`` names where the message came from when the source can send it twice
    (``imap:<account>:<uidvalidity>:<uid>``), so the same mailbox message is stored once."""

    id: int | None = Field(default=None, primary_key=True)
    received_at: datetime = Field(index=True)
    channel: str = Field(max_length=10)  # smtp | imap
    envelope_from: str = Field(default="", max_length=998)
    envelope_to: str = Field(default="", max_length=2000)
    source_key: str | None = Field(default=None, unique=True, max_length=500)
    message_id: str | None = Field(default=None, index=True, max_length=998)
    size: int
    sha256: str = Field(max_length=64)
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    state: str = Field(default="received", index=True, max_length=20)
    outcome: str | None = Field(default=None, index=True, max_length=40)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    sender: str | None = Field(default=None, max_length=320)
    subject: str | None = Field(default=None, max_length=998)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    instance_id: int | None = Field(default=None, foreign_key="instance.id", index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    attempts: int = 0
    processed_at: datetime | None = None
    queued_at: datetime | None = None  # last handed to the worker's queue
    claimed_at: datetime | None = None  # a worker reads it since (a lease)


class MailReply(SQLModel, table=True):
    """An explanatory reply sent to someone whose email was not accepted; kept to rate-limit
    them per address and reason."""

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(index=True, max_length=320)
    reason: str = Field(max_length=40)
    inbound_id: int = Field(foreign_key="inboundmessage.id")
    outbox_item_id: int | None = Field(default=None, foreign_key="outboxitem.id")
    sent_at: datetime = Field(index=True)


class LoginLockout(SQLModel, table=True):
    """A login refused for too many wrong passwords, for administrators: an account (the
    address typed) or a client address locked out until ``until``."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    scope: str = Field(max_length=20)  # account | address
    email: str = Field(default="", max_length=320)
    address: str = Field(default="", max_length=64)
    until: datetime


class TrailDraft(SQLModel, table=True):
    """A provisional (unsigned) trail of a running or withdrawn instance, rendered by the
    worker and kept while the chain it shows is the chain's head: a reader asks, the worker
    renders, the next reader of the same chain gets the file at once."""

    __table_args__ = (UniqueConstraint("instance_id", "chain_head", "locale"),)

    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="instance.id", index=True)
    chain_head: str = Field(max_length=64)
    locale: str = Field(max_length=5)
    state: str = Field(default="pending", max_length=20)  # pending | done | failed
    requested_at: datetime
    queued_at: datetime | None = None
    claimed_at: datetime | None = None
    attempts: int = 0
    rendered_at: datetime | None = None
    path: str | None = Field(default=None, max_length=200)  # under the trails folder
    sha256: str | None = Field(default=None, max_length=64)
    size: int | None = None
    error: str | None = Field(default=None, sa_column=Column(Text))


class Deputy(SQLModel, table=True):
    """A person away (``person_id``) from ``starts_on`` to ``ends_on`` (both days included)
    and who decides for them meanwhile (``deputy_id``): a task meant for them on one of those
    days goes to the deputy (``Task.on_behalf_of_id`` names them). ``source`` says who set
    it: the person (``self``), an administrator (``admin``) or HR's absence record (``hr``).
    A cancelled one (``cancelled_at``) no longer counts and stays as a record."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    deputy_id: int = Field(foreign_key="person.id", index=True)
    starts_on: date
    ends_on: date
    source: str = Field(default="self", max_length=10)  # self | admin | hr
    reason: str = Field(default="", max_length=500)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime
    cancelled_at: datetime | None = None


class WebhookEndpoint(SQLModel, table=True):
    """An address an administrator registered to be told of events (Standard Webhooks): the
    ``events`` it subscribes to (:data:`approvals.core.webhooks.EVENTS`), and the ``secret``
    its deliveries are signed with (``whsec_`` and base64; kept as it is, since signing needs
    it, and shown only when made). A rotated secret keeps signing beside the new one until
    ``previous_secret_until``, so a receiver can switch without losing a message.
    ``allow_private`` is the administrator's word that the endpoint may live on a loopback or
    private address. ``sending_since``: a worker delivers to it since then (a lease: one
    sender per endpoint, so the messages of one command arrive in order)."""

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    description: str = Field(default="", max_length=200)
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    secret: str = Field(max_length=100)
    previous_secret: str | None = Field(default=None, max_length=100)
    previous_secret_until: datetime | None = None
    active: bool = True
    allow_private: bool = False
    created_by_id: int = Field(foreign_key="person.id")
    created_at: datetime
    disabled_at: datetime | None = None
    disabled_reason: str | None = Field(default=None, max_length=20)  # admin | gone (410)
    sending_since: datetime | None = None


class WebhookAttempt(SQLModel, table=True):
    """One try to deliver a message (a ``webhook`` outbox row) to its endpoint: when, to which
    address, what came back (the HTTP status, or the error that stopped it), how long it took
    and the start of the answer."""

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhookendpoint.id", index=True)
    outbox_item_id: int = Field(foreign_key="outboxitem.id", index=True)
    message_id: str = Field(index=True, max_length=40)
    event_type: str = Field(max_length=40)
    at: datetime = Field(index=True)
    address: str = Field(default="", max_length=64)
    status_code: int | None = None
    error: str | None = Field(default=None, sa_column=Column(Text))
    duration_ms: int = 0
    response: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
