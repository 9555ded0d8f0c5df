"""What an inbound email has to pass before it decides anything: a chain of small named rules.

:data:`CHAIN` runs in order on a :class:`Reading` of one stored message. Each rule either adds
what it learnt to the reading or stops the chain with :class:`Stop` — an outcome, a reason for
the administrator, and, when the person can fix it, the explanation they get back. The last
rule hands the verdict to the same service call the web page uses (``mail.inbound`` does that;
the rules only read). The order matters: nothing is said to automatic mail, nothing is read
from mail that is not the assignee's, and only the reply's own text is read for a verdict. The
bodies are read (decoded, repaired, turned from HTML into text) only once the message is known
to answer one of our tasks: mail for no task costs a look at its headers and MIME structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.utils import getaddresses
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from approvals import present, texts
from approvals.config.mail import MailSettings
from approvals.core import limits, policy
from approvals.core.model import LOCALES
from approvals.core.policy import Actor
from approvals.store import queries, registry
from approvals.store.models import (
    InboundMessage,
    Instance,
    Person,
    PersonAlias,
    ProcessVersion,
    ReplyToken,
    Task,
)
from approvals.store.statements import Prepared
from mail import authentication, automatic, discussion, quoting, tokens, verdicts
from mail.parse import Parsed, parse, read_body


class Stop(Exception):
    """The chain ends here: ``outcome`` for the record, ``reason`` for the administrator,
    ``explain`` (a reason key of ``mail.compose.explanation_mail``) when the sender gets a
    short reply saying what to do."""

    def __init__(self, outcome: str, reason: str, explain: str | None = None,
                 **params: Any) -> None:
        super().__init__(reason)
        self.outcome, self.reason, self.explain, self.params = outcome, reason, explain, params


@dataclass
class Reading:
    """What the rules learnt about one message."""

    row: InboundMessage
    settings: MailSettings
    now: datetime
    parsed: Parsed | None = None
    token: ReplyToken | None = None
    task: Task | None = None
    assignee: Person | None = None
    sender: Person | None = None  # who the From address belongs to, if anyone
    auth: dict[str, Any] = field(default_factory=dict)
    own_text: str = ""
    verdict: str | None = None
    comment: str = ""
    #: the length of the comment the reply held when it was longer than a comment may be
    #: (``comment`` is then cut to :data:`approvals.core.limits.COMMENT`); 0 when it was not
    comment_cut: int = 0
    values: dict[str, str] = field(default_factory=dict)  # answers to the task's form
    instance: Instance | None = None  # the task's, read with it by :func:`route` (the rules
    digest: str = ""  # after it rely on both), and its process version's digest
    #: the reply is a comment on the instance ("Комментарий: …", :mod:`mail.discussion`), its
    #: text in ``comment``: from a participant, it is recorded instead of an answer
    commenting: bool = False


_INBOUND = InboundMessage.__table__
#: an earlier message with the same Message-ID (one small prebuilt statement on the session's
#: own connection, no ORM query to build and load each time)
_EARLIER = Prepared(select(_INBOUND.c.id).where(
    _INBOUND.c.message_id == bindparam("message_id"), _INBOUND.c.id < bindparam("id"))
    .order_by(_INBOUND.c.id).limit(1))
#: a reply token with everything the chain reads about it — its task, the task's assignee, the
#: task's instance and the digest of the instance's process version — in one statement built
#: once, instead of five (the token, three ``get`` and the version's digest). Inner joins: the
#: foreign keys say each of them exists.
_ROUTE = select(ReplyToken, Task, Person, Instance, ProcessVersion.digest) \
    .join(Task, Task.id == ReplyToken.task_id) \
    .join(Person, Person.id == ReplyToken.person_id) \
    .join(Instance, Instance.id == Task.instance_id) \
    .join(ProcessVersion, ProcessVersion.id == Instance.process_version_id) \
    .where(ReplyToken.token_hash == bindparam("token_hash"))


def duplicate(s: Session, r: Reading) -> None:
    """The same Message-ID was stored before: a resent or twice-fetched message."""
    if not r.row.message_id:
        return
    earlier = _EARLIER.execute(s.connection(), {"message_id": r.row.message_id,
                                                "id": r.row.id}).first()
    if earlier is not None:
        raise Stop("duplicate", f"same Message-ID as message {earlier[0]}", first=earlier[0])


def read(s: Session, r: Reading) -> None:
    """The headers, the sender and the MIME structure (not the bodies, see :func:`read_text`);
    a message with no From header at all is unreadable (and nobody can be told)."""
    r.parsed = parse(r.row.raw, body=False)
    if r.parsed.from_address is None and not r.parsed.message.get("From"):
        _unreadable(r)


def read_text(s: Session, r: Reading) -> None:
    """The bodies, repairing charsets, cut at the limits (``mail.parse``); a message with
    neither a readable sender nor any text is unreadable."""
    read_body(r.parsed)
    if r.parsed.from_address is None and not r.parsed.text.strip():
        _unreadable(r)


def _unreadable(r: Reading) -> None:
    raise Stop("unreadable", "no sender and no text could be read: "
               + "; ".join(r.parsed.defects or ["empty message"]))


def not_automatic(s: Session, r: Reading) -> None:
    """Out-of-office replies, bounces, receipts and the like are dropped without a word."""
    reason = automatic.automatic_reason(r.parsed)
    if reason:
        raise Stop("automatic", f"automatic mail ({reason})")


def not_our_own(s: Session, r: Reading) -> None:
    """Mail from our own addresses would answer itself forever."""
    sender = (r.parsed.from_address or "").lower()
    envelope = r.row.envelope_from.strip().strip("<>").lower()
    ours = r.settings.from_address.lower()
    for address in (sender, envelope):
        if address == ours or tokens.looks_like_reply_address(address, r.settings.domain):
            raise Stop("loop", f"mail from our own address {address}")


def within_size(s: Session, r: Reading) -> None:
    """A mailbox accepted a message over the size limit; only its headers were kept."""
    if r.row.details.get("too_large"):
        raise Stop("too_large", r.row.reason or "larger than the limit", explain="too_large",
                   limit=r.row.details.get("limit"))


def route(s: Session, r: Reading) -> None:
    """Find the task: the token of the reply address, else of a Message-ID it refers to."""
    domain = r.settings.domain
    addresses = [a.strip() for a in r.row.envelope_to.split(",") if a.strip()]
    message = r.parsed.message
    for header in ("To", "Cc", "Delivered-To", "X-Original-To"):
        addresses += [a for _n, a in _addresses(message, header)]
    candidates = [t for t in (tokens.from_address(a, domain) for a in addresses) if t]
    refs = [*r.parsed.in_reply_to, *reversed(r.parsed.references)]
    candidates += tokens.from_references(refs, domain)
    for token in dict.fromkeys(candidates):
        found = s.exec(_ROUTE, params={"token_hash": tokens.token_hash(token)}).first()
        if found is not None:
            r.token, r.task, r.assignee, r.instance, r.digest = found
            return
    tampered = any(tokens.looks_like_reply_address(a, domain) for a in addresses)
    raise Stop("unknown_token", "the reply address carries an unknown token" if tampered
               else "no reply token in the recipient nor in In-Reply-To/References",
               explain="unknown_token")


def comment_reply(s: Session, r: Reading) -> None:
    """A reply whose own text starts with "Комментарий:" / "Comment:" is a comment on the
    instance, not an answer (:mod:`mail.discussion`)."""
    r.own_text = quoting.own_text(r.parsed)
    found = discussion.comment_in(r.own_text)
    if found is not None:
        r.commenting, r.comment = True, found


def from_the_assignee(s: Session, r: Reading) -> None:
    """From must be the assignee's address or one of their declared aliases; a comment's,
    that of any participant of the instance (a colleague the mail was forwarded to who takes
    no part in it is refused, and told why)."""
    sender = r.parsed.from_address
    if sender is None:
        raise Stop("wrong_sender", f"unreadable From header ({r.parsed.from_problem})")
    # the assignee (read by :func:`route`) writing from their own address is the usual case:
    # no second read of the same person (``email`` is unique)
    r.sender = r.assignee if r.assignee is not None and r.assignee.email == sender else \
        s.exec(select(Person).where(Person.email == sender)).first()
    if r.sender is None:
        alias = s.get(PersonAlias, sender)
        r.sender = s.get(Person, alias.person_id) if alias else None
    if r.sender is None or policy.refusal_to_decide(
            Actor.of(r.sender.id), assignee=r.assignee.id,
            task_state=r.task.state) == "not_an_assignee":
        if r.commenting:
            if r.sender is not None and queries.is_participant(s, r.instance, r.sender):
                return
            raise Stop("wrong_sender", f"{sender} commented, but takes no part in instance "
                       f"{r.task.instance_id}", explain="refused",
                       message={locale: texts.t("explain.comment_sender", locale,
                                                audience="mail") for locale in LOCALES})
        raise Stop("wrong_sender", f"{sender} is not the assignee of task {r.task.id} "
                   f"({r.assignee.email})", explain="wrong_sender")


def authenticated(s: Session, r: Reading) -> None:
    """With MAIL_REQUIRE_DMARC, only mail our own server vouched for (dmarc=pass)."""
    r.auth = authentication.verdict(r.parsed.message, r.parsed.from_address,
                                    r.settings.authserv_id)
    r.auth["required"] = r.settings.require_dmarc
    if r.settings.require_dmarc and r.auth["result"] != "pass":
        raise Stop("not_authenticated", "sender not authenticated: "
                   + r.auth.get("detail", r.auth["result"]))


def still_open(s: Session, r: Reading) -> None:
    """The task is open and the token unused and unexpired — now, not when the mail went. A
    comment decides nothing: only its token's age counts (the service refuses one on an
    instance that has ended)."""
    task = r.task
    if r.commenting:
        if r.token.expires_at <= r.now:
            raise Stop("expired", f"token expired at {r.token.expires_at.isoformat()}",
                       explain="expired", task=task.id)
        return
    instance = r.instance
    refusal = policy.refusal_to_decide(Actor.of(r.sender.id), assignee=r.assignee.id,
                                       task_state=task.state, instance_status=instance.status)
    if r.token.used_at is not None or refusal is not None:
        by = s.get(Person, task.decided_by_id) if task.decided_by_id else None
        raise Stop("already_decided", f"task {task.id} is {task.state}"
                   + (f" ({task.verdict} by {by.email})" if by else ""),
                   explain="already_decided", by=by.name if by else "",
                   at=(task.closed_at or r.token.used_at or r.now).isoformat(),
                   verdict=task.verdict or task.close_reason or "")
    if r.token.expires_at <= r.now:
        raise Stop("expired", f"token expired at {r.token.expires_at.isoformat()}",
                   explain="expired", task=task.id)


def answer(s: Session, r: Reading) -> None:
    """The verdict, read strictly from the reply's own text (:func:`comment_reply` read it);
    the rest is the comment."""
    if r.commenting:
        return
    accepted = tuple(v for v in r.task.verdicts.split(",") if v)
    # parsed once per process and version content: the registry keys it by digest (a
    # version's row never changes once stored), which route() read with the task
    process = registry.definition_by_digest(s.connection(), r.instance.process_version_id,
                                            r.digest)
    own = present.own_words(process, r.task.stage)
    reading = verdicts.read_verdict(r.own_text, accepted, own)
    if reading.ambiguous or reading.verdict is None:
        # the words to suggest back, as the task's mail suggested them (only when unclear)
        words = {locale: [present.suggested_word(process, v, locale, r.task.stage)
                          for v in accepted] for locale in LOCALES}
        if reading.ambiguous:
            raise Stop("ambiguous", "both " + " and ".join(reading.candidates)
                       + " in the reply", explain="ambiguous", verdicts=list(accepted),
                       words=words)
        raise Stop("no_verdict", "no answer word in the reply's own text",
                   explain="no_verdict", verdicts=list(accepted), words=words)
    r.verdict = reading.verdict
    specs = process.asked(r.task.stage, reading.verdict)
    comment = reading.comment
    if specs:  # the form's answers: on the answer's own line, and as lines "label: value"
        inline, rest = verdicts.read_inline(reading.rest, specs)
        lines, comment = verdicts.read_form(
            "\n".join([rest, reading.below]).strip(),
            [(spec.name, (spec.label.en, spec.label.ru)) for spec in specs])
        r.values = {**inline, **lines}
    # a page refuses a longer comment; a reply's is cut, and the whole mail stays stored
    r.comment, cut = limits.cut(comment, limits.COMMENT)
    r.comment_cut = len(comment) if cut else 0


CHAIN = (duplicate, read, not_automatic, not_our_own, within_size, route, read_text,
         comment_reply, from_the_assignee, authenticated, still_open, answer)


def _addresses(message, header: str) -> list[tuple[str, str]]:
    try:
        return getaddresses([str(v) for v in message.get_all(header, [])])
    except Exception:  # noqa: BLE001 - a broken header names no one
        return []
