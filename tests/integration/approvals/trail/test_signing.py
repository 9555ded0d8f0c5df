"""Render, sign, verify, tamper, verify again; poppler's ``pdfsig`` is the second opinion.

The signatures here are PAdES B-B; B-T (``SIGNOFF_TSA_URL``) is exercised in
``test_timestamps.py``, against a real RFC 3161 authority served on 127.0.0.1 (``tsa.py``).
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import update
from sqlalchemy.engine import Engine

from approvals.core.errors import SignoffError, TrailNotFinal
from approvals.keys import OrgKeys, init_keys, load_keys
from approvals.store import audit
from approvals.store.db import read_session, write_session
from approvals.store.models import AuditEvent
from approvals.trail import read_facts, render_trail, sign_trail, verify_trail
from tests.integration.approvals.trail.conftest import T0
from tests.integration.approvals.trail.pdftools import pdfsig
from tests.integration.conftest import Org
from tests.integration.flows import PDF_V2, audit_events, start_contract

GENERATED = T0 + timedelta(days=2)
REASON = "Approval trail of instance 1, contract approval"


def signed_trail(db: Engine, instance_id: int, keys: OrgKeys) -> bytes:
    with read_session(db) as session:
        pdf = render_trail(session, instance_id, generated_at=GENERATED, locale="ru")
    return sign_trail(pdf, keys, reason=REASON, location="Signoff, ООО «Ромашка»")


def verify(db: Engine, pdf: bytes, keys: OrgKeys, with_db: bool = True):
    with read_session(db) as session:
        return verify_trail(pdf, cert=keys, session=session if with_db else None)


def flip_one_byte(pdf: bytes) -> bytes:
    """One bit changed inside the signed part of the file (a page's content stream)."""
    at = pdf.index(b"stream\n", len(pdf) // 3) + 40
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]


@pytest.fixture
def trail(db: Engine, completed: int, keys: OrgKeys) -> bytes:
    return signed_trail(db, completed, keys)


def test_a_signed_trail_verifies_and_pdfsig_agrees(db: Engine, trail: bytes,
                                                   keys: OrgKeys) -> None:
    report = verify(db, trail, keys)

    assert report.ok, report
    assert report.fingerprint == keys.fingerprint
    assert any("signature is intact" in line for line in report.lines)
    assert any("covers the whole file" in line for line in report.lines)
    assert any("signed by the organisation's certificate" in line for line in report.lines)
    assert any("stored audit chain matches" in line for line in report.lines)
    assert report.lines[-1] == "VERDICT: VALID"
    poppler = pdfsig(trail)
    assert poppler.valid, poppler.output
    assert "ООО «Ромашка»" in poppler.output
    assert REASON in str(report)


def test_one_changed_byte_fails_here_and_in_pdfsig(db: Engine, trail: bytes,
                                                   keys: OrgKeys) -> None:
    tampered = flip_one_byte(trail)

    report = verify(db, tampered, keys)

    assert not report.ok
    assert any(line.startswith("FAIL") and "changed after signing" in line
               for line in report.lines), report
    assert report.lines[-1].startswith("VERDICT: NOT VALID")
    poppler = pdfsig(tampered)
    assert not poppler.valid, poppler.output


def test_an_incremental_save_by_another_tool_fails_here_and_in_pdfsig(
        db: Engine, trail: bytes, keys: OrgKeys) -> None:
    writer = PdfWriter(io.BytesIO(trail), incremental=True)
    writer.add_metadata({"/Subject": "edited by someone else"})
    out = io.BytesIO()
    writer.write(out)
    resaved = out.getvalue()
    assert resaved.startswith(trail)  # the signed bytes are untouched: only appended to

    report = verify(db, resaved, keys)

    assert not report.ok
    assert any("does not cover the whole file" in line and "appended" in line
               for line in report.lines), report
    assert not pdfsig(resaved).valid


def test_a_trail_rewritten_by_another_tool_fails_here_and_in_pdfsig(
        db: Engine, trail: bytes, keys: OrgKeys) -> None:
    out = io.BytesIO()
    PdfWriter(clone_from=io.BytesIO(trail)).write(out)
    rewritten = out.getvalue()

    report = verify(db, rewritten, keys)

    assert not report.ok, report
    assert not pdfsig(rewritten).valid


def test_an_audit_row_edited_after_signing_is_a_chain_mismatch(
        db: Engine, completed: int, trail: bytes, keys: OrgKeys) -> None:
    with write_session(db) as session:
        session.execute(update(AuditEvent).where(AuditEvent.instance_id == completed,
                                                 AuditEvent.seq == 7)
                        .values(data={"verdict": "approve", "comment": "all good"}))

    report = verify(db, trail, keys)

    assert not report.ok
    assert any(line.startswith("FAIL") and "does not match the trail" in line
               and "broken at event 7" in line for line in report.lines), report
    assert pdfsig(trail).valid  # the file itself is intact: only the database changed


def test_a_rewritten_and_rehashed_chain_is_a_mismatch_too(
        db: Engine, completed: int, trail: bytes, keys: OrgKeys) -> None:
    """Someone with write access edits an event and recomputes every hash after it: the chain
    is consistent again, but its head is not the one the signed trail carries."""
    with write_session(db) as session:
        session.execute(update(AuditEvent).where(AuditEvent.instance_id == completed,
                                                 AuditEvent.seq == 7)
                        .values(data={"verdict": "approve", "comment": "all good"}))
        events = session.exec(AuditEvent.__table__.select()
                              .where(AuditEvent.instance_id == completed)
                              .order_by(AuditEvent.seq)).all()
        prev = audit.GENESIS
        for row in events:
            new_hash = audit.chain_hash(prev, dict(row._mapping))
            session.execute(update(AuditEvent).where(AuditEvent.id == row.id)
                            .values(prev_hash=prev, hash=new_hash))
            prev = new_hash
    with read_session(db) as session:
        assert audit.verify(session, completed).ok

    report = verify(db, trail, keys)

    assert not report.ok
    assert any("the stored audit chain does not match the trail" in line
               for line in report.lines), report


def test_without_a_database_the_signature_alone_is_verified_and_said_so(
        db: Engine, trail: bytes, keys: OrgKeys) -> None:
    report = verify(db, trail, keys, with_db=False)

    assert report.ok
    assert any("not compared with the database" in line for line in report.lines)


def test_without_a_certificate_the_signer_is_shown_not_compared(db: Engine,
                                                                trail: bytes) -> None:
    report = verify_trail(trail)

    assert report.ok
    assert any(line.startswith("NOTE") and "not compared with the organisation's" in line
               for line in report.lines)


def test_a_trail_signed_with_another_key_is_not_the_organisations(
        db: Engine, completed: int, keys: OrgKeys, tmp_path) -> None:
    init_keys(tmp_path / "other", "Someone Else Ltd")
    forged = signed_trail(db, completed, load_keys(tmp_path / "other"))

    report = verify(db, forged, keys)

    assert not report.ok
    assert any("not the organisation's" in line for line in report.lines), report
    assert pdfsig(forged).valid  # cryptographically fine: only the signer is wrong


def test_a_non_pdf_and_an_unsigned_trail_get_a_clear_verdict(
        db: Engine, completed: int, keys: OrgKeys) -> None:
    with read_session(db) as session:
        unsigned = render_trail(session, completed, generated_at=GENERATED)

    for data, words in ((b"GIF89a not a trail", "not a PDF file"),
                        (b"", "not a PDF file"),
                        (b"%PDF-1.7\n garbage", "cannot be read"),
                        (unsigned, "not signed")):
        report = verify(db, data, keys)
        assert not report.ok
        assert any(line.startswith("FAIL") and words in line for line in report.lines), report
        assert report.lines[-1].startswith("VERDICT: NOT VALID")


def test_a_provisional_trail_is_never_signed(db: Engine, org: Org, keys: OrgKeys) -> None:
    started = start_contract(db, org, T0)
    with read_session(db) as session:
        pdf = render_trail(session, started.instance_id, provisional=True,
                           generated_at=GENERATED)

    with pytest.raises(TrailNotFinal):
        sign_trail(pdf, keys, reason=REASON, location="Signoff")
    report = verify_trail(pdf, cert=keys)
    assert any("provisional" in line for line in report.lines)


# ---------------------------------------------------------------------------- PDF/A-3b


def test_the_signed_trail_keeps_its_pdf_a_3b_identity_and_evidence(trail: bytes) -> None:
    """What can be checked without veraPDF: the PDF/A-3B identification in XMP, the output
    intent, embedded fonts, information that agrees with XMP, the final contract embedded
    as an associated file, and a signature widget that prints and is locked."""
    reader = PdfReader(io.BytesIO(trail))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"

    info = reader.trailer["/Info"]
    assert f'pdf:Producer="{info["/Producer"]}"' in xmp  # the two must agree in PDF/A
    assert "/ModDate" not in info or "xmp:ModifyDate" in xmp

    files = root["/AF"]
    assert len(files) == 1  # the final version of the one document, listed once
    spec = files[0].get_object()
    assert spec["/AFRelationship"] == "/Source"
    assert spec["/UF"] == "contract-v2.pdf"
    assert spec["/EF"]["/F"].get_object().get_data() == PDF_V2
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/application/pdf"

    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"], "a font is not embedded"
    widget = root["/AcroForm"]["/Fields"][0].get_object()
    assert widget["/F"] & 4  # printed
    assert read_facts(trail).event_count == 22


def test_the_trail_embeds_its_facts_where_verify_reads_them(
        db: Engine, completed: int, trail: bytes) -> None:
    facts = read_facts(trail)
    events = audit_events(db, completed)

    assert (facts.instance_id, facts.event_count, facts.chain_head) == \
        (completed, len(events), events[-1].hash)
    assert facts.locale == "ru" and facts.generated_at == "2026-03-04T09:00:00Z"


def test_an_unreachable_time_stamping_authority_leaves_the_trail_unsigned(
        db: Engine, completed: int, keys: OrgKeys) -> None:
    """An authority nobody answers at: the refusal is clear and nothing is signed (a real
    authority, answering and failing, is in test_timestamps.py)."""
    with read_session(db) as session:
        pdf = render_trail(session, completed, generated_at=GENERATED)

    with pytest.raises(SignoffError, match="time-stamping authority .* did not answer"):
        sign_trail(pdf, keys, reason=REASON, location="Signoff",
                   tsa_url="http://127.0.0.1:9/tsa")


def test_trails_render_in_parallel_threads(db: Engine, completed: int) -> None:
    """The trails worker may run several threads; each has its own fonts and stylesheet."""
    def render_one(_: int) -> bytes:
        with read_session(db) as session:
            return render_trail(session, completed, generated_at=GENERATED)

    with ThreadPoolExecutor(max_workers=3) as pool:
        pdfs = list(pool.map(render_one, range(3)))

    assert all(read_facts(pdf).instance_id == completed for pdf in pdfs)
