"""Webhooks as the Standard Webhooks specification words them, with no I/O: the event types an
endpoint may subscribe to, the signature, the retry schedule, and the checks of a URL and of
an address that need no network.

The signature (https://www.standardwebhooks.com, "Signature scheme"): HMAC-SHA256, keyed with
the bytes of the endpoint's secret (``whsec_`` and their base64), over
``{webhook-id}.{webhook-timestamp}.{body}``; sent as ``v1,<base64>`` in ``webhook-signature``,
several separated by spaces while a rotated secret is still honoured.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
from datetime import timedelta
from urllib.parse import urlsplit

#: What a command records that an endpoint may subscribe to, in the order a page lists them.
#: ``payment.recorded`` is emitted by the accounting package from its payment effect.
EVENTS = ("instance.started", "instance.completed", "instance.rejected", "instance.withdrawn",
          "task.created", "task.decided", "payment.recorded")
#: The test event the administrator sends from the page; no endpoint subscribes to it.
PING = "ping"

SECRET_PREFIX = "whsec_"  # nosec B105  # the label Standard Webhooks puts on a secret
SIGNATURE_VERSION = "v1"

#: The wait after each failed try, the last one repeated (the specification's example
#: schedule); a message is given up once its next try would come later than :data:`LIFETIME`
#: after it was made.
SCHEDULE = (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
            timedelta(hours=2), timedelta(hours=5), timedelta(hours=10))
LIFETIME = timedelta(days=1)

SCHEMES = ("https", "http")
URL_MAX = 2000


def secret_bytes(secret: str) -> bytes:
    """The key of a ``whsec_…`` secret (the prefix is optional, as the reference libraries
    read it)."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64>`` signature of a message as it is sent."""
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), content, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def signature_header(secrets: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    """``webhook-signature``: one signature per secret in force, separated by spaces."""
    return " ".join(sign(secret, message_id, timestamp, body) for secret in secrets)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try."""
    return SCHEDULE[min(max(attempts, 1), len(SCHEDULE)) - 1]


def url_problem(url: str) -> tuple[str, dict[str, str]] | None:
    """Why ``url`` cannot be an endpoint before anything is looked up: (code, params) or None.

    Codes: ``webhook_url_invalid`` (not a URL with a host), ``webhook_url_scheme`` (not http
    or https), ``webhook_url_credentials`` (a user or password in it: they would travel in
    every request and show on the page), ``webhook_url_fragment``."""
    text = url.strip()
    if not text or len(text) > URL_MAX or any(ch.isspace() or not ch.isprintable()
                                              for ch in text):
        return "webhook_url_invalid", {}
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return "webhook_url_invalid", {}
    if parts.scheme.lower() not in SCHEMES:
        return "webhook_url_scheme", {"scheme": parts.scheme or "—"}
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "webhook_url_credentials", {}
    if not parts.hostname or port == 0:
        return "webhook_url_invalid", {}
    if parts.fragment:
        return "webhook_url_fragment", {}
    return None


def address_problem(address: str, allow_private: bool) -> str | None:
    """Why a request may not go to ``address`` (an IP address a host resolved to): the kind
    of range it lies in (``loopback``, ``private``, ``link-local``, ``multicast``,
    ``reserved``, ``unspecified``), or None. Loopback and private ranges are allowed when the
    administrator said so for the endpoint; the others never are (no receiver lives there, and
    ``169.254.169.254`` is a cloud's metadata service)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, found in (("unspecified", ip.is_unspecified), ("multicast", ip.is_multicast),
                        ("link-local", ip.is_link_local)):
        if found:
            return kind
    if ip.is_loopback:
        return None if allow_private else "loopback"
    if ip.is_reserved:  # 240.0.0.0/4, the broadcast address, IPv6's ::/8 (NAT64 among it)
        return "reserved"
    if ip.is_private or not ip.is_global:
        # is_private holds the RFC 1918 ranges, unique-local IPv6, and the ranges kept for
        # documentation and benchmarks; what is neither private nor global (100.64.0.0/10,
        # shared by carriers) counts as private too
        return None if allow_private else "private"
    return None
