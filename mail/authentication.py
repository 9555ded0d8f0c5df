"""Reading the sender-authentication verdict that *our* mail server stamped on a message.

With ``MAIL_REQUIRE_DMARC`` on, a reply counts only when an ``Authentication-Results`` header
(RFC 8601) written by the server named in ``MAIL_AUTHSERV_ID`` says ``dmarc=pass``, or
``dkim=pass`` for a domain aligned with the From address. Anyone can write such a header into
the mail they send, so only headers above the first ``Received`` header are read: those were
added on the last hop, by our own server, after the message arrived; one that "arrived from
outside" sits below a ``Received`` line and is ignored.
"""

from __future__ import annotations

import re
from email.message import Message

from approvals.config.mail import last_hop_results

_METHOD = re.compile(r"\b(dmarc|dkim|spf)\s*=\s*([a-z]+)([^;]*)", re.IGNORECASE)
_PROP = re.compile(r"\b(header\.from|header\.d|header\.i)\s*=\s*\"?([^\s;\"]+)", re.IGNORECASE)


def trusted_results(message: Message, authserv_id: str | None) -> list[str]:
    """The Authentication-Results values by ``authserv_id`` above the first Received line."""
    if not authserv_id:
        return []
    wanted = authserv_id.lower()
    return [text for server, text in last_hop_results(message) if server == wanted]


def verdict(message: Message, from_address: str | None, authserv_id: str | None) -> dict:
    """``{"result": "pass"|"fail"|"none", "method": ..., "authserv_id": ...}`` for the record
    (it goes into the audit event of an email decision)."""
    results = trusted_results(message, authserv_id)
    if not results:
        return {"result": "none", "authserv_id": authserv_id,
                "detail": "no Authentication-Results from our server"}
    domain = (from_address or "").rpartition("@")[2].lower()
    seen = []
    for text in results:
        for method, result, rest in _METHOD.findall(text):
            method, result = method.lower(), result.lower()
            props = {k.lower(): v.lower().lstrip("@").rpartition("@")[2]
                     for k, v in _PROP.findall(rest)}
            seen.append(f"{method}={result}")
            if result != "pass":
                continue
            if method == "dmarc" and _aligned(props.get("header.from", domain), domain):
                return {"result": "pass", "method": "dmarc", "authserv_id": authserv_id}
            if method == "dkim" and _aligned(props.get("header.d") or props.get("header.i", ""),
                                             domain):
                return {"result": "pass", "method": "dkim", "authserv_id": authserv_id}
    return {"result": "fail", "authserv_id": authserv_id, "detail": ", ".join(seen) or "none"}


def _aligned(signed: str, from_domain: str) -> bool:
    """Relaxed alignment: the same domain, or one a subdomain of the other."""
    if "." not in signed or not from_domain:  # never a bare top-level domain
        return False
    return (signed == from_domain or signed.endswith("." + from_domain)
            or from_domain.endswith("." + signed))
