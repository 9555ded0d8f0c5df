"""Mail settings from the environment.

| variable              | default                                                      |
|-----------------------|--------------------------------------------------------------|
| MAIL_DOMAIN           | signoff.localhost (replies go to reply+TOKEN@MAIL_DOMAIN)    |
| MAIL_FROM             | signoff@MAIL_DOMAIN (the From of every mail Signoff sends)   |
| MAIL_FROM_NAME        | Signoff                                                      |
| SMTP_HOST             | (none: mail goes to the built-in catcher, var/mail/sent)     |
| SMTP_PORT             | 587 with SMTP_HOST, else the catcher's port                  |
| SMTP_USER             | (none)                                                       |
| SMTP_PASSWORD         | (none)                                                       |
| SMTP_STARTTLS         | 1 with SMTP_HOST (required), 0 for the catcher               |
| SMTP_MAX_PER_MINUTE   | 0 (no limit): mails a worker process hands the relay a minute |
| MAIL_CATCHER_PORT     | 2526 (the catcher listens on 127.0.0.1)                      |
| INBOUND_SMTP_HOST     | 127.0.0.1                                                    |
| INBOUND_SMTP_PORT     | 2525                                                         |
| INBOUND_MAX_BYTES     | 10485760 (10 MiB; larger mail is refused with 552)           |
| MAIL_REQUIRE_DMARC    | 0 (1: a reply counts only with dmarc=pass, see the README)   |
| MAIL_AUTHSERV_ID      | (none) the authserv-id of *your* Authentication-Results      |
| MAIL_TOKEN_DAYS       | 30 (a reply token expires this many days after its mail)     |
| MAIL_ATTACH_MAX_BYTES | 2097152 (larger documents are linked, not attached)          |
| IMAP_HOST             | (none: the imap role has nothing to read)                    |
| IMAP_PORT             | 993 with IMAP_SSL, else 143                                  |
| IMAP_USER / IMAP_PASSWORD / IMAP_FOLDER (INBOX) / IMAP_SSL (1)                       |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from approvals.config import var_dir


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "yes", "true", "on")


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


@dataclass(frozen=True)
class MailSettings:
    domain: str
    from_address: str
    from_name: str
    smtp_host: str
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_starttls: bool
    catcher: bool  # True when no relay is configured: mail goes to the built-in catcher
    catcher_port: int
    sent_dir: Path  # the catcher's Maildir
    inbound_host: str
    inbound_port: int
    inbound_max_bytes: int
    require_dmarc: bool
    authserv_id: str | None
    token_days: int
    attach_max_bytes: int
    imap_host: str | None
    imap_port: int
    imap_user: str | None
    imap_password: str | None
    imap_folder: str
    imap_ssl: bool
    # mails one worker process hands the relay per minute, evenly spaced (0: as fast as the
    # threads go): a relay that throttles (Exchange Online takes 30 a minute) is not flooded
    max_per_minute: int = 0

    @classmethod
    def from_env(cls) -> MailSettings:
        env = os.environ
        domain = (env.get("MAIL_DOMAIN") or "signoff.localhost").strip().lower()
        relay = env.get("SMTP_HOST") or None
        catcher_port = _int("MAIL_CATCHER_PORT", 2526)
        imap_ssl = _flag("IMAP_SSL", True)
        return cls(
            domain=domain,
            from_address=(env.get("MAIL_FROM") or f"signoff@{domain}").strip(),
            from_name=env.get("MAIL_FROM_NAME") or "Signoff",
            smtp_host=relay or "127.0.0.1",
            smtp_port=_int("SMTP_PORT", 587 if relay else catcher_port),
            smtp_user=env.get("SMTP_USER") or None,
            smtp_password=env.get("SMTP_PASSWORD") or None,
            smtp_starttls=_flag("SMTP_STARTTLS", relay is not None),
            catcher=relay is None,
            catcher_port=catcher_port,
            sent_dir=var_dir() / "mail" / "sent",
            inbound_host=env.get("INBOUND_SMTP_HOST") or "127.0.0.1",
            inbound_port=_int("INBOUND_SMTP_PORT", 2525),
            inbound_max_bytes=_int("INBOUND_MAX_BYTES", 10 * 1024 * 1024),
            require_dmarc=_flag("MAIL_REQUIRE_DMARC", False),
            authserv_id=(env.get("MAIL_AUTHSERV_ID") or "").strip().lower() or None,
            token_days=_int("MAIL_TOKEN_DAYS", 30),
            attach_max_bytes=_int("MAIL_ATTACH_MAX_BYTES", 2 * 1024 * 1024),
            imap_host=env.get("IMAP_HOST") or None,
            imap_port=_int("IMAP_PORT", 993 if imap_ssl else 143),
            imap_user=env.get("IMAP_USER") or None,
            imap_password=env.get("IMAP_PASSWORD") or None,
            imap_folder=env.get("IMAP_FOLDER") or "INBOX",
            imap_ssl=imap_ssl,
            max_per_minute=max(0, _int("SMTP_MAX_PER_MINUTE", 0)),
        )

    @property
    def reply_prefix(self) -> str:
        return "reply+"

    def reply_address(self, token: str) -> str:
        return f"reply+{token}@{self.domain}"


def last_hop_results(message) -> list[tuple[str, str]]:
    """The ``Authentication-Results`` headers above a message's first ``Received`` line (those
    the server that handed it to Signoff stamped), as (authserv-id in lower case, the header's
    text on one line); ``message`` is any :class:`email.message.Message`."""
    found = []
    for name, value in message.items():
        lowered = name.lower()
        if lowered == "received":
            break
        if lowered == "authentication-results":
            text = " ".join(str(value).split())
            words = text.split(";", 1)[0].split()
            if words:
                found.append((words[0].lower(), text))
    return found
