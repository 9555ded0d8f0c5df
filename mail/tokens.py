"""Reply tokens and the Message-IDs that carry them.

A task's email says ``Reply-To: reply+TOKEN@MAIL_DOMAIN`` and has the Message-ID
``<t.TOKEN@MAIL_DOMAIN>``, so a reply that went to the From address instead still finds its task
through ``In-Reply-To``/``References``. The token is 26 characters of base32 (130 bits,
lower case, so a mail server that lower-cases local parts does no harm), derived with HMAC from
the secret key and the notification the mail is about: a retried send carries the same token
and the same Message-ID, and the database keeps only the token's SHA-256.

Every mail of one instance refers to ``<instance.ID@MAIL_DOMAIN>`` so that mail clients thread
them together.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

TOKEN_LENGTH = 26
_TOKEN = f"[a-z2-7]{{{TOKEN_LENGTH}}}"
_REPLY_ADDRESS = re.compile(rf"^reply\+(?P<token>{_TOKEN})@(?P<domain>[^@\s]+)$",
                            re.IGNORECASE)
_TOKEN_MESSAGE_ID = re.compile(rf"<t\.(?P<token>{_TOKEN})@(?P<domain>[^>\s]+)>",
                               re.IGNORECASE)


def derive(secret_key: str, notification_id: int) -> str:
    """The token of the mail about notification ``notification_id``."""
    digest = hmac.new(secret_key.encode(), f"reply-token:{notification_id}".encode(),
                      hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:TOKEN_LENGTH]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.lower().encode("ascii")).hexdigest()


def from_address(address: str, domain: str) -> str | None:
    """The token in ``reply+TOKEN@domain`` (any case), or None when the address is not one."""
    match = _REPLY_ADDRESS.match(address.strip().strip("<>"))
    if match is None or match["domain"].lower() != domain.lower():
        return None
    return match["token"].lower()


def looks_like_reply_address(address: str, domain: str) -> bool:
    """True for ``reply+…@domain`` whatever follows the plus (the SMTP server refuses a
    token it did not issue at RCPT; one read from a mailbox is answered, when its sender is
    in the directory, with an explanation)."""
    local, _, host = address.strip().strip("<>").rpartition("@")
    return host.lower() == domain.lower() and local.lower().startswith("reply+")


def message_id(domain: str, outbox_item_id: int, token: str | None = None) -> str:
    """The stable Message-ID of the mail sent for outbox row ``outbox_item_id``."""
    if token:
        return f"<t.{token}@{domain}>"
    return f"<m.{outbox_item_id}@{domain}>"


def thread_id(domain: str, instance_id: int) -> str:
    """What every mail of an instance refers to, so they thread together."""
    return f"<instance.{instance_id}@{domain}>"


def from_references(header_values: list[str], domain: str) -> list[str]:
    """Tokens found in ``In-Reply-To``/``References`` values (newest reference last)."""
    tokens = []
    for value in header_values:
        for match in _TOKEN_MESSAGE_ID.finditer(value or ""):
            if match["domain"].lower() == domain.lower():
                tokens.append(match["token"].lower())
    return tokens
