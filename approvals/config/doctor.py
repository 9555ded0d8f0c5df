"""The check-up of an installation: ``signoff doctor`` prints it and ``/admin/doctor`` shows it
to administrators. Each check gives one :class:`Finding`, ``warning`` or ``ok``, worded in
:mod:`approvals.texts` (``doctor.<check>.<outcome>``), in the order of :data:`CHECKS`:

- ``demo_accounts``: a demo person (:mod:`approvals.config.demo`) is active — they share a
  published password and hold real roles;
- ``default_passwords``: an active person's password is still ``demo`` or their own address
  (each active person with a password costs two Argon2 verifications);
- ``secret_key``: ``SIGNOFF_SECRET_KEY`` is not set, so sessions are signed with a key
  generated into ``var/secret_key`` on this host only;
- ``dev_mail``: ``/dev/mail`` is on (no ``SMTP_HOST``: every mail goes to the built-in catcher,
  where it is read and answered) while settings of a real mail setup are present (relay login,
  a mailbox, a mail domain or sender, an authserv-id, an ``https`` base URL);
- ``dmarc``: ``MAIL_REQUIRE_DMARC`` is off behind a mail server that stamps
  ``Authentication-Results`` (``MAIL_AUTHSERV_ID`` names one, or recent replies carry such a
  header above their first ``Received`` line), or on without ``MAIL_AUTHSERV_ID``;
- ``time_zone``: ``SIGNOFF_TIME_ZONE`` names a zone the tz database does not know (times
  are then shown in UTC), or active people have such a zone in their profile.

Pure of Flask and click: it reads the environment (``os.environ``) and one database session.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesHeaderParser
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from approvals import texts
from approvals.config import demo, var_dir, zones
from approvals.config.mail import MailSettings, last_hop_results
from approvals.store.directory import check_password
from approvals.store.models import InboundMessage, Person

WARNING, OK = "warning", "ok"
CHECKS = ("demo_accounts", "default_passwords", "secret_key", "dev_mail", "dmarc",
          "time_zone")
#: How many of the newest stored replies the DMARC check reads, and how much of each.
RECENT_REPLIES = 50
HEAD_BYTES = 64 * 1024
#: Settings that belong to a real mail setup: with any of them, mail should leave through a
#: relay rather than stay in the catcher (and /dev/mail).
_REAL_MAIL = ("SMTP_USER", "SMTP_PASSWORD", "IMAP_HOST", "MAIL_DOMAIN", "MAIL_FROM",
              "MAIL_AUTHSERV_ID")


@dataclass(frozen=True)
class Finding:
    """One check's result: ``level`` (``warning`` or ``ok``) and what to say, as a text key
    (``doctor.<check>.<outcome>``) and its parameters."""

    check: str
    level: str
    outcome: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"doctor.{self.check}.{self.outcome}"

    def text(self, locale: str | None) -> str:
        return texts.t(self.key, locale, **self.params)


def examine(session: Session) -> list[Finding]:
    """Every check, in :data:`CHECKS`' order, on this process's environment."""
    return [demo_accounts(session), default_passwords(session), secret_key(), dev_mail(),
            dmarc(session), time_zone(session)]


def has_warnings(findings: list[Finding]) -> bool:
    return any(f.level == WARNING for f in findings)


def demo_accounts(session: Session) -> Finding:
    active = sorted(session.exec(select(Person.email).where(
        Person.email.in_(demo.addresses()), Person.active.is_(True))))
    if active:
        return Finding("demo_accounts", WARNING, "present",
                       {"emails": ", ".join(active), "command": " ".join(active)})
    return Finding("demo_accounts", OK, "absent")


def default_passwords(session: Session) -> Finding:
    people = session.exec(select(Person).where(Person.active.is_(True),
                                               Person.password_hash.is_not(None))
                          .order_by(Person.email)).all()
    weak = [p.email for p in people
            if check_password(p, demo.PASSWORD) or check_password(p, p.email)]
    if weak:
        return Finding("default_passwords", WARNING, "present", {"emails": ", ".join(weak)})
    return Finding("default_passwords", OK, "absent")


def secret_key() -> Finding:
    if (os.environ.get("SIGNOFF_SECRET_KEY") or "").strip():
        return Finding("secret_key", OK, "set")
    return Finding("secret_key", WARNING, "missing", {"path": str(var_dir() / "secret_key")})


def dev_mail() -> Finding:
    try:
        settings = MailSettings.from_env()
    except ValueError as error:
        return Finding("dev_mail", WARNING, "unreadable", {"error": str(error)})
    if not settings.catcher:  # the page's own condition (web/mail/dev_mail.py)
        return Finding("dev_mail", OK, "relay", {"host": settings.smtp_host})
    real = [name for name in _REAL_MAIL if (os.environ.get(name) or "").strip()]
    if (os.environ.get("SIGNOFF_BASE_URL") or "").strip().lower().startswith("https:"):
        real.append("SIGNOFF_BASE_URL")
    if real:
        return Finding("dev_mail", WARNING, "on_with_relay_settings",
                       {"settings": ", ".join(real)})
    return Finding("dev_mail", OK, "catcher")


def dmarc(session: Session) -> Finding:
    try:
        settings = MailSettings.from_env()
    except ValueError as error:
        return Finding("dmarc", WARNING, "unreadable", {"error": str(error)})
    if settings.require_dmarc:
        if not settings.authserv_id:
            return Finding("dmarc", WARNING, "required_without_authserv")
        return Finding("dmarc", OK, "required", {"authserv_id": settings.authserv_id})
    if settings.authserv_id:
        return Finding("dmarc", WARNING, "off_with_authserv",
                       {"authserv_id": settings.authserv_id})
    total, stamped, servers = _stamped_replies(session)
    if stamped:
        return Finding("dmarc", WARNING, "off_with_stamped_replies",
                       {"count": stamped, "total": total, "servers": ", ".join(servers)})
    return Finding("dmarc", OK, "off_unstamped", {"total": total})


def time_zone(session: Session) -> Finding:
    setting = zones.organisation_zone_setting()
    if setting and zones.known(setting) is None:
        return Finding("time_zone", WARNING, "unknown", {"zone": setting})
    named = session.exec(select(Person.email, Person.time_zone).where(
        Person.active.is_(True), Person.time_zone != "").order_by(Person.email)).all()
    wrong = [email for email, zone in named if zones.known(zone) is None]
    if wrong:
        return Finding("time_zone", WARNING, "people_unknown",
                       {"emails": ", ".join(wrong[:20]), "n": len(wrong)})
    if setting:
        return Finding("time_zone", OK, "set", {"zone": setting})
    return Finding("time_zone", OK, "unset")


def _stamped_replies(session: Session) -> tuple[int, int, list[str]]:
    """How many of the newest stored replies were read, how many carry an
    Authentication-Results header above their first Received line (stamped on the last hop,
    by the server that handed the mail to Signoff), and the authserv-ids of those headers."""
    heads = session.exec(select(func.substr(InboundMessage.raw, 1, HEAD_BYTES))
                         .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
                         .limit(RECENT_REPLIES)).all()
    stamped, servers = 0, []
    for head in heads:
        found = _last_hop_results(bytes(head or b""))
        if found:
            stamped += 1
            servers.extend(s for s in found if s not in servers)
    return len(heads), stamped, servers


def _last_hop_results(head: bytes) -> list[str]:
    """The authserv-ids of the Authentication-Results headers above the first Received."""
    try:
        message = BytesHeaderParser(policy=policy.compat32).parsebytes(head)
    except Exception:  # noqa: BLE001 - a message whose headers cannot be read says nothing
        return []
    return [server for server, _text in last_hop_results(message)]
