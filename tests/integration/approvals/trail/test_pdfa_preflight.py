"""The trail is PDF/A-3b (issue 4, item 2), in the opinion of a checker that is not ours.

Apache PDFBox Preflight (``preflight.py``) validates against PDF/A-1b, ISO 19005-1. Every
finding it reports on a trail must be one of :data:`NOT_PDF_A3_FAULTS`, each a rule of PDF/A-1
(or of Preflight) that ISO 19005-3:2012 does not impose on the trail, with the clauses that
say so; anything else fails. A trail with a font that is not embedded, and one whose
information dictionary contradicts its XMP packet, show that the check can fail.

Each trail is checked twice: as it is, and as :func:`xmp_for_preflight` makes its XMP packet
readable to Preflight, whose XMP checks would otherwise never run.
"""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy.engine import Engine

from approvals import service
from approvals.keys import OrgKeys
from approvals.store.db import read_session
from approvals.trail import render_trail
from tests.integration.approvals.trail.conftest import T0
from tests.integration.approvals.trail.preflight import Verdict, preflight, xmp_for_preflight
from tests.integration.approvals.trail.test_signing import GENERATED, signed_trail
from tests.integration.conftest import Org
from tests.integration.flows import start_contract

# What Preflight reports on a PDF/A-3b trail that is not a PDF/A-3 fault: (code, message).
NOT_PDF_A3_FAULTS = (
    # ISO 19005-1, 6.1.11: no file specification with an EF key, no EmbeddedFiles name tree.
    # ISO 19005-3, 6.8 allows embedded files of any type, each with a MIME Subtype, F and UF
    # and an AFRelationship: that is how the trail carries its documents as evidence.
    ("1.4.7", re.compile(r"EmbeddedFile entry is present in the Names dictionary")),
    ("1.2.9", re.compile(r"EmbeddedFile entry is present in a FileSpecification dictionary")),
    # ISO 19005-1, 6.1.4: the file structure of PDF 1.4, cross-reference tables only.
    # ISO 19005-3 builds on ISO 32000-1 (PDF 1.7), whose cross-reference streams (7.5.8) it
    # allows; its 6.1.4 constrains only the syntax of cross-reference tables.
    ("1.4", re.compile(r"/XRef cross reference streams are not allowed")),
    # ISO 19005-1, 6.3.5: a subset CIDFont's descriptor shall have a CIDSet.
    # ISO 19005-3, 6.2.11.4.2: a CIDSet, if there is one, shall list every CID of the font
    # program; there need not be one.
    ("3.1.11", re.compile(r"The CIDSet entry is missing for the Composite Subset")),
    # ISO 19005-1, 6.7.2: a metadata stream shall not have a Filter.
    # ISO 19005-3, 6.6.2.1 has no such rule: the XMP packet may be compressed.
    ("1.2.7", re.compile(r"Filter specified in metadata dictionn?ary")),
    # Preflight wants an appearance for every widget. ISO 19005-3, 6.3.3 wants one for every
    # annotation except those whose Rect has no width and no height, like the invisible
    # signature field: :func:`assert_pdf_a3` checks that only those lack one.
    ("5.3.1", re.compile(r"widget annotation lacks an appearance dictionary")),
)
# ISO 19005-1, 6.7.11: pdfaid:part shall be 1. ISO 19005-3, 6.6.4: it shall be 3, as ours is.
# Reported only on the readable copy: Preflight reads no XMP in a compressed stream.
PART_3 = ("7.11.2", re.compile(r"\bpart must be 1$"))


def assert_pdf_a3(pdf: bytes) -> Verdict:
    """Preflight finds nothing but :data:`NOT_PDF_A3_FAULTS` in ``pdf``, and nothing more in
    its XMP packet than that it claims PDF/A part 3. Returns the verdict on the file as is.

    Preflight's XMP checks are stricter than ISO 19005-3 in one way that we keep: the
    information dictionary and the XMP packet must agree (ISO 19005-1, 6.7.3; veraPDF's
    PDF/A-3 profile has no such rule), because a reader shown two titles or two producers
    cannot tell which one the document means."""
    with ThreadPoolExecutor(2) as pool:  # two Java runs, side by side
        as_is, xmp = pool.map(preflight, [pdf, xmp_for_preflight(pdf)])
    assert not as_is.beyond(NOT_PDF_A3_FAULTS), as_is.output
    assert not xmp.beyond([*NOT_PDF_A3_FAULTS, PART_3]), xmp.output
    assert "7.11.2" in xmp.codes, xmp.output  # its XMP checks ran, and read pdfaid:part 3

    assert annotations_without_appearance(pdf) <= {(0.0, 0.0)}  # the 6.3.3 exemption holds
    return as_is


def annotations_without_appearance(pdf: bytes) -> set[tuple[float, float]]:
    """The width and height of every annotation that has no appearance dictionary."""
    sizes = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if "/AP" not in annotation:
                left, bottom, right, top = (float(v) for v in annotation["/Rect"])
                sizes.add((abs(right - left), abs(top - bottom)))
    return sizes


# ---------------------------------------------------------------------------- trails


def test_the_signed_trail_is_pdf_a3_for_preflight(db: Engine, completed: int,
                                                   keys: OrgKeys) -> None:
    trail = signed_trail(db, completed, keys)

    verdict = assert_pdf_a3(trail)

    assert {"1.4.7", "1.2.9"} <= verdict.codes  # it did read the embedded contract
    assert "5.3.1" in verdict.codes  # and the signature field


def test_a_provisional_trail_is_pdf_a3_for_preflight(db: Engine, org: Org) -> None:
    running = start_contract(db, org, T0).instance_id
    with read_session(db) as session:
        pdf = render_trail(session, running, provisional=True, generated_at=GENERATED,
                           locale="en")

    verdict = assert_pdf_a3(pdf)

    assert {"1.4.7", "1.2.9"} <= verdict.codes  # the first draft of the contract is embedded


def test_a_trail_without_documents_is_pdf_a3_and_embeds_nothing(
        db: Engine, org: Org, keys: OrgKeys) -> None:
    """A vacation request carries no file: withdrawn by its initiator, it ends there."""
    started = service.start(db, "vacation", org.initiator,
                            {"kind": "unpaid",
                             "period": {"start": "2026-04-06", "end": "2026-04-17"}}, T0)
    service.withdraw(db, started.instance_id, org.initiator, "Plans changed",
                     T0 + timedelta(hours=2))
    trail = signed_trail(db, started.instance_id, keys)

    verdict = assert_pdf_a3(trail)

    assert not {"1.4.7", "1.2.9"} & verdict.codes, verdict.output
    assert "/AF" not in PdfReader(io.BytesIO(trail)).trailer["/Root"]


# ---------------------------------------------------------------------------- broken PDFs


@pytest.fixture
def unsigned(db: Engine, completed: int) -> bytes:
    with read_session(db) as session:
        return render_trail(session, completed, generated_at=GENERATED, locale="ru")


def test_a_font_that_is_not_embedded_fails_preflight(unsigned: bytes) -> None:
    writer = PdfWriter(io.BytesIO(unsigned), incremental=True)
    font = next(iter(writer.pages[0]["/Resources"]["/Font"].values())).get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    del descriptor["/FontFile2"]  # the glyphs stay in the file; the font program is gone
    out = io.BytesIO()
    writer.write(out)

    verdict = preflight(out.getvalue())

    faults = verdict.beyond(NOT_PDF_A3_FAULTS)
    assert [f.code for f in faults] == ["3.1.3"], verdict.output
    assert str(descriptor["/FontName"])[1:] in faults[0].message
    assert "FontFile entry is missing" in faults[0].message


def test_information_that_contradicts_the_xmp_packet_fails_preflight(unsigned: bytes) -> None:
    writer = PdfWriter(io.BytesIO(unsigned), incremental=True)
    writer.add_metadata({"/Title": "Some other document"})  # the XMP still has the real title
    out = io.BytesIO()
    writer.write(out)

    verdict = preflight(xmp_for_preflight(out.getvalue()))

    faults = verdict.beyond([*NOT_PDF_A3_FAULTS, PART_3])
    assert [f.code for f in faults] == ["7.2"], verdict.output
    assert "Title" in faults[0].message
