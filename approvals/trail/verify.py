"""Checking a trail, as an auditor would, years later.

:func:`verify_trail` answers three questions and prints each answer as a line:

1. Is the signature intact, and does it cover the whole file? One changed byte, or anything
   appended after the signature (an incremental save by another tool), fails.
2. Was it made by the organisation's certificate (the current one, or one it retired)?
3. Next to the database: do the chain head and event count printed in the trail match the
   audit chain stored for that instance, recomputed now?

The verdict is ``ok`` only when every check that could run passed; a check that could not run
(no certificate, no database) says so in its line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from sqlmodel import Session, select

from approvals.core.errors import KeyProblem
from approvals.keys import OrgCertificates, certificate_of, trusted_fingerprints
from approvals.store import audit
from approvals.store.models import AuditEvent, Instance
from approvals.trail.facts import TrailFacts, facts_of_reader


@dataclass
class VerifyReport:
    ok: bool
    lines: list[str] = field(default_factory=list)
    facts: TrailFacts | None = None
    signer: str = ""  # the signer certificate's subject
    fingerprint: str = ""  # its SHA-256 (DER), hex

    def __str__(self) -> str:
        return "\n".join(self.lines)


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.failed = False

    def ok(self, text: str) -> None:
        self.lines.append(f"OK    {text}")

    def fail(self, text: str) -> None:
        self.failed = True
        self.lines.append(f"FAIL  {text}")

    def note(self, text: str) -> None:
        self.lines.append(f"NOTE  {text}")

    def report(self, **extra: Any) -> VerifyReport:
        verdict = ("VERDICT: NOT VALID — do not rely on this trail" if self.failed
                   else "VERDICT: VALID")
        return VerifyReport(not self.failed, [*self.lines, verdict], **extra)


def verify_trail(pdf: bytes, *, cert=None, session: Session | None = None) -> VerifyReport:
    """Verify a signed trail. ``cert`` is the organisation's certificate to compare the signer
    with: an :class:`OrgKeys` or :class:`OrgCertificates` (its current and retired
    certificates count), a certificate
    (asn1crypto, cryptography, PEM or DER bytes) or a list of them. ``session`` reads the
    stored audit chain."""
    out = _Lines()
    if not isinstance(pdf, bytes | bytearray) or b"%PDF-" not in bytes(pdf[:1024]):
        out.fail("this is not a PDF file")
        return out.report()
    pdf = bytes(pdf)
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        facts = facts_of_reader(reader)
    except Exception as error:  # noqa: BLE001 - any parser failure is a verdict, not a crash
        out.fail(f"the PDF cannot be read: {error}")
        return out.report()
    if not signatures:
        if facts is not None and facts.provisional:
            out.fail("this is a provisional trail: it is not signed and proves nothing")
        else:
            out.fail("the PDF is not signed: it is not a sealed Signoff trail")
        return out.report(facts=facts)
    if len(signatures) > 1:
        out.fail(f"the PDF carries {len(signatures)} signatures; a Signoff trail carries "
                 "exactly one (another tool signed or changed it)")
        return out.report(facts=facts)
    signature = signatures[0]
    pinned = _pinned(cert)
    signer, fingerprint = _check_signature(out, signature, pdf, pinned)
    _check_facts(out, facts)
    if facts is not None and not facts.provisional:
        if session is None:
            out.note("the audit chain was not compared with the database (none given)")
        else:
            _check_chain(out, session, facts)
    return out.report(facts=facts, signer=signer, fingerprint=fingerprint)


def _pinned(cert) -> dict[str, tuple[str, Any]]:
    """SHA-256 fingerprint -> (which, certificate) of the organisation's certificates."""
    if cert is None:
        return {}
    if isinstance(cert, OrgCertificates):
        which = trusted_fingerprints(cert)
        certs = [cert.cert, *cert.former]
        return {c.sha256.hex(): (which[c.sha256.hex()], c) for c in certs}
    items = cert if isinstance(cert, list | tuple) else [cert]
    result = {}
    for item in _flatten(items):
        try:
            parsed = certificate_of(item)
        except (ValueError, TypeError) as error:
            raise KeyProblem(f"the certificate to compare the signer with is not a "
                             f"certificate ({error})") from None
        result[parsed.sha256.hex()] = ("given", parsed)
    return result


def _flatten(items: Iterable) -> Iterable:
    for item in items:
        if isinstance(item, OrgCertificates):
            yield item.cert
            yield from item.former
        else:
            yield item


def _check_signature(out: _Lines, signature, pdf: bytes,
                     pinned: dict[str, tuple[str, Any]]) -> tuple[str, str]:
    try:
        signer_cert = signature.signer_cert
        # The signer's own certificate is the trust anchor: whether it is the organisation's
        # is decided below by its fingerprint, offline, the same way in twenty years.
        context = ValidationContext(trust_roots=[signer_cert], allow_fetching=False)
        status = validate_pdf_signature(signature, context, skip_diff=True)
    except Exception as error:  # noqa: BLE001 - a malformed signature is a verdict
        out.fail(f"the signature cannot be checked: {error}")
        return "", ""
    subject = signer_cert.subject.human_friendly
    fingerprint = signer_cert.sha256.hex()
    if not status.intact:
        out.fail("the signed content was changed after signing (its digest does not match)")
    elif not status.valid:
        out.fail("the signature value does not match the signer's certificate")
    else:
        out.ok("the signature is intact: the signed bytes are exactly as signed")
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        out.ok("the signature covers the whole file")
    else:
        start, length = signature.byte_range[2], signature.byte_range[3]
        extra = len(pdf) - (start + length)
        how = (f"{extra} bytes were appended after it (an incremental save by another tool)"
               if extra > 0 else "its byte range does not span the file")
        out.fail(f"the signature does not cover the whole file: {how}")
    if not pinned:
        out.note(f"signed by {subject} (certificate SHA-256 {fingerprint}); not compared with "
                 "the organisation's certificate (none given): compare the fingerprint with "
                 "the one the organisation publishes")
    elif fingerprint in pinned:
        which = pinned[fingerprint][0]
        label = {"current": "the organisation's certificate",
                 "former": "a former certificate of the organisation (since replaced)",
                 "given": "the organisation's certificate"}[which]
        out.ok(f"signed by {label}: {subject}, SHA-256 {fingerprint}")
    else:
        expected = ", ".join(sorted(pinned))
        out.fail(f"signed by a certificate that is not the organisation's: {subject}, "
                 f"SHA-256 {fingerprint} (the organisation's: {expected})")
    _describe(out, signature, status)
    return subject, fingerprint


def _describe(out: _Lines, signature, status) -> None:
    sig_object = signature.sig_object
    reason, location = sig_object.get("/Reason"), sig_object.get("/Location")
    if reason:
        out.note(f"reason: {reason}" + (f"; location: {location}" if location else ""))
    if status.timestamp_validity is not None:
        ts = status.timestamp_validity
        moment = f"{ts.timestamp:%Y-%m-%d %H:%M:%S %Z}"
        if ts.intact and ts.valid:
            authority = ts.signing_cert
            who = (f" ({authority.subject.human_friendly}, certificate SHA-256 "
                   f"{authority.sha256.hex()})" if authority is not None else "")
            out.note(f"time-stamped by a time-stamping authority at {moment}{who}; whether "
                     "that authority is one you trust is yours to judge")
        else:
            out.fail("the time-stamp token does not match the signature")
    elif status.signer_reported_dt is not None:
        out.note(f"signing time claimed by the signer: "
                 f"{status.signer_reported_dt:%Y-%m-%d %H:%M:%S %Z} (no time-stamp)")


def _check_facts(out: _Lines, facts: TrailFacts | None) -> None:
    if facts is None:
        out.fail("the PDF carries no Signoff trail data (instance, chain head, event count)")
    elif facts.provisional:
        out.fail("this is a provisional trail: a provisional trail is never signed")
    else:
        out.ok(f"trail of instance {facts.instance_id}: {facts.event_count} audit events, "
               f"chain head {facts.chain_head}, generated {facts.generated_at}")
        if facts.problems:
            out.note(f"the trail reports problems found when it was made: {facts.problems}")


def _check_chain(out: _Lines, session: Session, facts: TrailFacts) -> None:
    instance_id = facts.instance_id
    if session.get(Instance, instance_id) is None:
        out.fail(f"instance {instance_id} is not in this database")
        return
    stored = audit.verify(session, instance_id)
    if not stored.ok:
        out.fail(f"the stored audit chain of instance {instance_id} does not match the trail: "
                 f"it is broken at event {stored.broken_at} ({stored.problem})")
        return
    if stored.count == facts.event_count and stored.head == facts.chain_head:
        out.ok(f"the stored audit chain matches: {stored.count} events, head {stored.head}")
        return
    if stored.count > facts.event_count:
        at_trail = session.exec(select(AuditEvent.hash).where(
            AuditEvent.instance_id == instance_id,
            AuditEvent.seq == facts.event_count)).first()
        if at_trail == facts.chain_head:
            later = list(session.exec(select(AuditEvent.kind).where(
                AuditEvent.instance_id == instance_id, AuditEvent.seq > facts.event_count)
                .order_by(AuditEvent.seq)))
            out.ok(f"the stored audit chain matches up to event {facts.event_count}; "
                   f"recorded after this trail was made: {', '.join(later)}")
            return
    out.fail(f"the stored audit chain does not match the trail: the database holds "
             f"{stored.count} events with head {stored.head}; the trail says "
             f"{facts.event_count} events with head {facts.chain_head}")
