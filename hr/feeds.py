"""Absences as calendars (iCalendar, RFC 5545): a feed at a secret URL that a calendar
application subscribes to, and the ``.ics`` of one absence attached to the mail that tells
a person their request completed.

A feed (:class:`hr.models.CalendarFeed`) is one person's absences (their own: anyone may make
one) or one department's (its head, its managers, HR and administrators: the people who plan
around it, :func:`approvals.core.policy.may_follow_department`). Its URL holds a token of 32
random bytes; only the token's SHA-256 is kept, so the URL is shown once, when it is made, and
a stolen database does not open the feeds. A revoked feed and a token nobody holds get the same
answer (None here, 404 on the web), and so does a feed whose owner was dismissed or no longer
follows the department: a URL pasted into a calendar outlives its reason. Events name the
person and say "away" — never the leave type (a sick leave is nobody else's business) — unless
the owner of a feed of their own absences asks for the kinds (``show_kinds``).

The file is written here rather than with a library: what it holds is a handful of all-day
events, and the RFC's rules that matter are few — CRLF line ends, lines folded at 75 octets
(never inside a UTF-8 character), ``\\``, ``;``, ``,`` and new lines escaped in text, an
all-day event as ``DTSTART;VALUE=DATE`` with an exclusive ``DTEND`` (the day after the last),
a UID stable per absence so that a changed absence replaces its event.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from approvals import extensions, texts
from approvals.core import policy
from approvals.core.errors import Forbidden, FormInvalid, NotFound
from approvals.store.db import read_session, write_session
from approvals.store.directory import roles_of
from approvals.store.models import Instance, Person
from hr import schedule
from hr.models import Absence, CalendarFeed

PERSON, DEPARTMENT = "person", "department"
TOKEN_BYTES = 32
#: the absences a feed holds: from a year back to two years ahead
BACK, AHEAD = timedelta(days=365), timedelta(days=2 * 365)
LINE_OCTETS = 75
PRODID = "-//Signoff//Absence schedule//EN"
#: the mails that carry the .ics of the absence their instance recorded
ICS_TEMPLATES = frozenset({"instance_completed"})
CONTENT_TYPE = "text/calendar; charset=utf-8"


# ---------------------------------------------------------------------------- iCalendar text


@dataclass(frozen=True)
class Event:
    """An all-day event from ``starts_on`` to ``ends_on``, both days included."""

    uid: str
    starts_on: date
    ends_on: date
    summary: str
    stamp: datetime
    description: str = ""


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and new lines escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded (RFC 5545 §3.1): at most 75 octets a line, a continuation
    starting with a space, and never a UTF-8 character cut in two (a Russian name is two
    octets a letter)."""
    if len(line.encode()) <= LINE_OCTETS:
        return line
    parts, current, size, limit = [], [], 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1  # the leading space counts
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def calendar(name: str, events: Iterable[Event]) -> bytes:
    """A VCALENDAR named ``name`` (``X-WR-CALNAME``, what calendar applications show) holding
    ``events``, as UTF-8 with CRLF line ends."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{escape(name)}"]
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{_stamp(event.stamp)}",
                  f"DTSTART;VALUE=DATE:{event.starts_on:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{event.ends_on + timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{escape(event.summary)}"]
        if event.description:
            lines.append(f"DESCRIPTION:{escape(event.description)}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("".join(fold(line) + "\r\n" for line in lines)).encode()


# ---------------------------------------------------------------------------- events


def uid(absence_id: int) -> str:
    return f"absence-{absence_id}@signoff"


def event(absence: Absence, name: str, locale: str, *, show_kind: bool,
          stamp: datetime | None = None) -> Event:
    """The event of ``absence`` of the person called ``name``: "Anna Petrova — away", or with
    its kind when ``show_kind``."""
    summary = texts.t("schedule.feed.kind", locale, name=name,
                      kind=schedule.kind_label(absence.kind, locale)) if show_kind else \
        texts.t("schedule.feed.away", locale, name=name)
    description = texts.t("schedule.feed.hours", locale, hours=absence.hours) \
        if show_kind and absence.hours else ""
    return Event(uid(absence.id), absence.starts_on, absence.ends_on, summary,
                 stamp or absence.created_at, description)


# ---------------------------------------------------------------------------- feeds


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(db: Engine, actor: policy.Actor, *, scope: str, department: str = "",
           show_kinds: bool = False, now: datetime) -> tuple[CalendarFeed, str]:
    """A new feed of ``actor``'s own absences (``scope`` ``person``) or of ``department``'s,
    and its token — returned this once, never stored. A department feed is refused
    (:class:`Forbidden`) to whoever may not follow the department; an unknown department is
    a field error."""
    if scope not in (PERSON, DEPARTMENT):
        raise FormInvalid({"scope": ("schedule_feed_scope", {"value": scope})})
    with read_session(db) as s:
        if scope == DEPARTMENT:
            named = schedule.spelled(s, department)
            if not named:
                raise FormInvalid({"department": ("schedule_unknown_department",
                                                  {"value": department})})
            if not schedule.may_follow(s, actor, named):
                raise Forbidden(f"only the head, the managers of {named}, HR and "
                                f"administrators may make its calendar feed")
            department = named
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed(owner_id=actor.id, scope=scope,
                        person_id=actor.id if scope == PERSON else None,
                        department=department if scope == DEPARTMENT else "",
                        token_hash=token_hash(token),
                        show_kinds=bool(show_kinds) and scope == PERSON, created_at=now)
    with write_session(db) as s:
        s.add(feed)
        s.flush()
        s.refresh(feed)
        s.expunge(feed)
    return feed, token


def feeds_of(session: Session, owner_id: int) -> list[CalendarFeed]:
    """The feeds ``owner_id`` made, the live ones first, newest first."""
    found = session.exec(select(CalendarFeed).where(CalendarFeed.owner_id == owner_id)
                         .order_by(CalendarFeed.id.desc())).all()
    return sorted(found, key=lambda f: f.revoked_at is not None)


def revoke(db: Engine, feed_id: int, actor: policy.Actor, now: datetime) -> CalendarFeed:
    """Revoke a feed: its URL answers 404 from now on. Its owner or an administrator."""
    with write_session(db) as s:
        feed = s.get(CalendarFeed, feed_id)
        if feed is None:
            raise NotFound(f"calendar feed {feed_id} not found")
        if not policy.may_manage_tokens(actor, holder=feed.owner_id):
            raise Forbidden("only its owner or an administrator may revoke a calendar feed")
        if feed.revoked_at is None:
            feed.revoked_at = now
            s.add(feed)
        s.flush()
        s.expunge(feed)
    return feed


def live(session: Session, token: str) -> CalendarFeed | None:
    """The feed ``token`` opens, or None — unknown, revoked, or its owner may no longer see
    what it shows (dismissed; no longer following the department): one answer for all."""
    if not token or len(token) > 200:
        return None
    feed = session.exec(select(CalendarFeed).where(
        CalendarFeed.token_hash == token_hash(token))).first()
    if feed is None or feed.revoked_at is not None:
        return None
    owner = session.get(Person, feed.owner_id)
    if owner is None or not owner.active:
        return None
    if feed.scope == DEPARTMENT:
        actor = policy.Actor.of(owner.id, roles_of(session, owner.id))
        if not schedule.may_follow(session, actor, feed.department):
            return None
    return feed


def feed_ics(session: Session, feed: CalendarFeed, now: datetime) -> bytes:
    """The feed's calendar: the absences (not cancelled) from a year back to two years ahead,
    in the owner's language."""
    owner = session.get(Person, feed.owner_id)
    locale = texts.normalize(owner.locale if owner else None)
    today = now.date()
    if feed.scope == PERSON:
        people = [p for p in [session.get(Person, feed.person_id)] if p is not None]
        name = texts.t("schedule.feed.name_person", locale,
                       name=people[0].name if people else "")
    else:
        people = schedule.members(session, feed.department)
        name = texts.t("schedule.feed.name_department", locale, department=feed.department)
    names = {p.id: p.name for p in people}
    found = schedule.absences(session, names, today - BACK, today + AHEAD)
    return calendar(name, (event(a, names[a.person_id], locale, show_kind=feed.show_kinds)
                           for a in found))


# ---------------------------------------------------------------------------- the mail's .ics


@extensions.mail_attachments("hr.absence_ics")
def absence_ics(mailing: extensions.Mailing) -> list[extensions.MailAttachment]:
    """The completion mail of a request that recorded an absence carries it as an ``.ics``,
    for the person it is about: the instance's initiator or the person away. The kind is
    named: the reader is the one who asked for it (or who is away)."""
    if mailing.template not in ICS_TEMPLATES:
        return []
    conn = mailing.conn
    table = Absence.__table__.c  # Core: the composer hands a plain connection
    rows = conn.execute(select(Absence.__table__).where(
        table.instance_id == mailing.instance_id, table.cancelled_at.is_(None))
        .order_by(table.id)).all()
    if not rows:
        return []
    initiator = conn.execute(select(Instance.initiator_id).where(
        Instance.id == mailing.instance_id)).scalar()
    files = []
    for absence in rows:
        if mailing.person_id not in (initiator, absence.person_id):
            continue
        name = conn.execute(select(Person.name).where(Person.id == absence.person_id)).scalar()
        body = calendar(texts.t("schedule.feed.name_person", mailing.locale, name=name),
                        [event(absence, name, mailing.locale, show_kind=True)])
        files.append((f"absence-{absence.starts_on:%Y-%m-%d}.ics", "text/calendar", body))
    return files
