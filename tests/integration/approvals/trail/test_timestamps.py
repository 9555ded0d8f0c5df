"""PAdES B-T: trails sealed with a time-stamp from a real RFC 3161 authority over HTTP.

The authority is the test one in :mod:`tests.integration.approvals.trail.tsa`, served on
127.0.0.1: the signing code talks HTTP to it as it would to a commercial one
(``SIGNOFF_TSA_URL``). ``pdfsig`` is the second opinion, as in ``test_signing.py``.
"""

from __future__ import annotations

import hashlib
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import cms, tsp
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy.engine import Engine

from approvals.core.errors import SignoffError
from approvals.keys import OrgKeys
from approvals.store.db import read_session
from approvals.store.models import OutboxItem, Trail
from approvals.trail import issue, render_trail, sign_trail
from tests.integration.approvals.trail.conftest import T0
from tests.integration.approvals.trail.pdftools import pdfsig
from tests.integration.approvals.trail.test_signing import GENERATED, REASON, flip_one_byte, verify
from tests.integration.approvals.trail.tsa import (
    QUERY,
    REPLY,
    StatusOnlyReply,
    TimeStampingAuthority,
    TsaIdentity,
    make_tsa_identity,
    running_tsa,
)
from tests.integration.flows import rows


@pytest.fixture(scope="session")
def tsa_identity() -> TsaIdentity:
    return make_tsa_identity()


@pytest.fixture
def tsa(tsa_identity: TsaIdentity) -> Iterator[TimeStampingAuthority]:
    with running_tsa(tsa_identity) as authority:
        yield authority


@pytest.fixture
def unsigned(db: Engine, completed: int) -> bytes:
    with read_session(db) as session:
        return render_trail(session, completed, generated_at=GENERATED, locale="ru")


@pytest.fixture
def stamped(unsigned: bytes, keys: OrgKeys, tsa: TimeStampingAuthority) -> bytes:
    return sign_trail(unsigned, keys, reason=REASON, location="Signoff", tsa_url=tsa.url)


def timestamp_line(moment: datetime, tsa: TimeStampingAuthority) -> str:
    """What verify says of the token: the time, and who the authority is, to be judged."""
    cert = tsa.identity.cert
    return (f"NOTE  time-stamped by a time-stamping authority at "
            f"{moment:%Y-%m-%d %H:%M:%S %Z} ({cert.subject.human_friendly}, certificate "
            f"SHA-256 {cert.sha256.hex()}); whether that authority is one you trust is yours "
            "to judge")


def signature_of(pdf: bytes):
    [signature] = PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures
    return signature


def embedded_token(signature) -> cms.ContentInfo:
    """The id-aa-timeStampToken among the signature's unsigned attributes."""
    [signer_info] = signature.signed_data["signer_infos"]
    tokens = [attr["values"][0] for attr in signer_info["unsigned_attrs"]
              if attr["type"].native == "signature_time_stamp_token"]
    assert len(tokens) == 1, "no time-stamp token in the signature"
    return tokens[0]


def test_a_trail_sealed_with_a_time_stamp_verifies_with_the_authoritys_time(
        db: Engine, stamped: bytes, keys: OrgKeys, tsa: TimeStampingAuthority) -> None:
    report = verify(db, stamped, keys)

    assert report.ok, report
    assert tsa.requests == 1 and len(tsa.issued) == 1
    assert timestamp_line(tsa.issued[0], tsa) in report.lines, report
    assert not any("claimed by the signer" in line for line in report.lines)
    assert report.lines[-1] == "VERDICT: VALID"
    poppler = pdfsig(stamped)
    assert poppler.valid, poppler.output


def test_the_token_is_the_authoritys_over_this_signature(stamped: bytes,
                                                         tsa: TimeStampingAuthority) -> None:
    signature = signature_of(stamped)
    signed_data = embedded_token(signature)["content"]
    info = signed_data["encap_content_info"]["content"].parsed
    [signer_info] = signature.signed_data["signer_infos"]

    assert isinstance(info, tsp.TSTInfo)
    assert info["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"
    assert info["message_imprint"]["hashed_message"].native == \
        hashlib.sha256(signer_info["signature"].native).digest()
    assert info["gen_time"].native == tsa.issued[0]
    assert info["tsa"].chosen == tsa.identity.cert.subject
    # pyHanko's validator, trusting the authority's root, finds the token sound and trusted
    context = ValidationContext(trust_roots=[signature.signer_cert, tsa.identity.root],
                                allow_fetching=False)
    stamp = validate_pdf_signature(signature, context, skip_diff=True).timestamp_validity
    assert stamp is not None
    assert (stamp.intact, stamp.valid, stamp.trusted) == (True, True, True)
    assert stamp.signing_cert.sha256 == tsa.identity.cert.sha256
    assert stamp.timestamp == tsa.issued[0]


def test_one_changed_byte_after_time_stamping_fails_here_and_in_pdfsig(
        db: Engine, stamped: bytes, keys: OrgKeys) -> None:
    tampered = flip_one_byte(stamped)

    report = verify(db, tampered, keys)

    assert not report.ok
    assert any(line.startswith("FAIL") and "changed after signing" in line
               for line in report.lines), report
    assert not pdfsig(tampered).valid


@pytest.mark.parametrize(("answer", "why"), [
    ("server error", "500, message='Internal Server Error'"),
    ("garbage", "its reply is not a time-stamp response"),
    ("refusal", 'refused our request: statusString "refused for the test", '
                'failInfo "system_failure"'),
    ("no token", "its reply is not a time-stamp response"),
])
def test_an_authority_that_fails_leaves_the_trail_unsigned(
        unsigned: bytes, keys: OrgKeys, tsa: TimeStampingAuthority, answer, why) -> None:
    tsa.answer = answer

    with pytest.raises(SignoffError) as raised:
        sign_trail(unsigned, keys, reason=REASON, location="Signoff", tsa_url=tsa.url)

    message = str(raised.value)
    assert f"the time-stamping authority {tsa.url} did not answer" in message
    assert why in message and message.endswith("the trail was not signed")
    assert (tsa.requests, tsa.issued) == (1, [])


def test_issue_stores_a_time_stamped_trail(db: Engine, completed: int, keys_dir: Path,
                                           keys: OrgKeys, tsa: TimeStampingAuthority,
                                           tmp_path: Path) -> None:
    now = T0 + timedelta(days=2)
    issued = issue.issue(db, completed, keys_dir=keys_dir, trails_dir=tmp_path / "trails",
                         now=now, location="test", tsa_url=tsa.url)

    assert issued.created
    [trail] = rows(db, Trail, Trail.instance_id == completed)
    assert trail.signed
    pdf = (tmp_path / "trails" / trail.path).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == trail.sha256
    report = verify(db, pdf, keys)
    assert report.ok, report
    assert timestamp_line(tsa.issued[0], tsa) in report.lines, report
    assert tsa.requests == 1


def test_issue_stores_nothing_when_the_authority_fails(
        db: Engine, completed: int, keys_dir: Path, tsa: TimeStampingAuthority,
        tmp_path: Path) -> None:
    tsa.answer = "server error"

    with pytest.raises(SignoffError, match="the trail was not signed"):
        issue.issue(db, completed, keys_dir=keys_dir, trails_dir=tmp_path / "trails",
                    now=T0 + timedelta(days=2), location="test", tsa_url=tsa.url)

    assert rows(db, Trail, Trail.instance_id == completed) == []
    assert not list((tmp_path / "trails").rglob("*.pdf"))
    [row] = rows(db, OutboxItem, OutboxItem.instance_id == completed,
                 OutboxItem.kind == "trail")
    assert (row.state, row.attempts) == ("pending", 1)
    assert tsa.url in row.last_error and "500" in row.last_error


def test_the_test_authority_refuses_a_bad_query_and_stops_without_leftovers(
        tsa_identity: TsaIdentity) -> None:
    """The helper itself: it answers what is not a TimeStampReq with a refusal, and when the
    block ends its threads are gone and its port no longer answers."""
    threads = set(threading.enumerate())
    with running_tsa(tsa_identity) as authority:
        query = urllib.request.Request(authority.url, data=b"not DER", method="POST",
                                       headers={"Content-Type": QUERY})
        with urllib.request.urlopen(query, timeout=5) as reply:
            assert reply.headers["Content-Type"] == REPLY
            body = reply.read()
        url = authority.url
    status = StatusOnlyReply.load(body)["status"]
    assert status["status"].native == "rejection"
    assert status["fail_info"].native == {"bad_data_format"}
    assert authority.requests == 1 and authority.issued == []
    assert set(threading.enumerate()) == threads
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"), timeout=5)
