"""Sealing a trail: a PAdES signature by the organisation's key, applied last.

PAdES B-B (the signer's certificate in the signed attributes), or B-T when a time-stamping
authority is given (``SIGNOFF_TSA_URL``): its token then proves the signature existed at that
moment. The signature is one incremental update that covers the whole file; nothing may be
changed after it.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from io import BytesIO

from asn1crypto import cms, tsp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import signers, timestamps
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import TimestampRequestError

from approvals.core.errors import KeyProblem, SignoffError, TrailNotFinal
from approvals.keys import OrgKeys
from approvals.trail.facts import facts_of_reader

FIELD_NAME = "SignoffTrailSignature"
DIGEST = "sha256"


def tsa_url_from_env() -> str | None:
    """The time-stamping authority trails are sealed with (``SIGNOFF_TSA_URL``), if any."""
    return os.environ.get("SIGNOFF_TSA_URL") or None


def sign_trail(pdf: bytes, keys: OrgKeys, *, reason: str, location: str,
               tsa_url: str | None = None) -> bytes:
    """Sign ``pdf`` with the organisation's key; returns the signed bytes.

    Refuses a provisional trail (:class:`TrailNotFinal`) and a certificate that is not valid
    now (:class:`KeyProblem`)."""
    _check_certificate(keys)
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    except (PdfError, ValueError) as error:
        raise SignoffError(f"cannot sign: not a readable PDF ({error})") from None
    facts = facts_of_reader(writer.prev)
    if facts is not None and facts.provisional:
        raise TrailNotFinal("a provisional trail is never signed",
                            instance=facts.instance_id)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, reason=reason, location=location, md_algorithm=DIGEST,
        subfilter=SigSeedSubFilter.PADES, use_pades_lta=False, embed_validation_info=False)
    timestamper = _Authority(tsa_url) if tsa_url else None
    signer = signers.PdfSigner(meta, keys.signer, timestamper=timestamper)
    try:
        return signer.sign_pdf(writer, bytes_reserved=_reserve(keys, tsa_url)).getvalue()
    except TimestampRequestError as error:
        cause = f": {error.__cause__}" if error.__cause__ else ""  # e.g. the HTTP status
        raise SignoffError(f"the time-stamping authority {tsa_url} did not answer ({error}"
                           f"{cause}); the trail was not signed", tsa_url=tsa_url) from None


class _TimeStampResp(tsp.TimeStampResp):
    """RFC 3161's TimeStampResp, whose token is OPTIONAL: an authority that refuses sends
    only its status. asn1crypto declares the token required, which would turn every refusal
    into a parser error instead of the authority's own reason."""

    _fields = [("status", tsp.PKIStatusInfo),
               ("time_stamp_token", cms.ContentInfo, {"optional": True})]


class _Authority(timestamps.HTTPTimeStamper):
    """pyHanko's HTTP client, except that a refusal is read with its reason, and a reply that
    is not an RFC 3161 response (bytes that are not DER, a granted status without a token)
    is the authority's failure, reported as such, rather than a parser error escaping from
    the middle of signing."""

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        response = await super().async_request_tsa_response(req)
        return _TimeStampResp.load(response.dump())

    async def async_timestamp(self, message_digest, md_algorithm) -> cms.ContentInfo:
        try:
            return await super().async_timestamp(message_digest, md_algorithm)
        except (ValueError, KeyError, TypeError) as error:
            raise TimestampRequestError(
                f"its reply is not a time-stamp response: {error}") from None


def _reserve(keys: OrgKeys, tsa_url: str | None) -> int:
    """Room for the signature container: its certificates, the signature, the signed
    attributes and, with a time-stamp, the authority's token and certificates. Reserving it
    spares pyHanko a trial signature to measure it."""
    certificates = sum(len(cert.dump()) for cert in (keys.cert, *keys.chain))
    der_bytes = 4096 + certificates + (16384 if tsa_url else 0)
    return 2 * der_bytes  # pyHanko counts the hex digits of /Contents


def _check_certificate(keys: OrgKeys) -> None:
    validity = keys.cert["tbs_certificate"]["validity"]
    start = validity["not_before"].native
    end = validity["not_after"].native
    now = datetime.now(UTC)
    if now < start or now > end:
        raise KeyProblem(f"the organisation's certificate {keys.cert_path} is valid from "
                         f"{start:%Y-%m-%d} to {end:%Y-%m-%d}, not now: trails cannot be "
                         "signed with it", keys.cert_path)
