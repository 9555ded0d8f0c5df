"""An instance's documents on its page (web/documents.py): the latest version of a file
previewed in place (a PDF's pages rendered to PNG by the limited child, an image by its sniffed
type, sandboxed), every version listed with its author, time and SHA-256, and two versions'
text compared side by side on a page and through the API. Files that are not safe to show in
place (SVG, bytes that are a web page) are downloaded only; a PDF that cannot be rendered says
so."""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from datetime import timedelta

import pytest
import weasyprint
from flask import Flask
from PIL import Image
from sqlmodel import select

from approvals import service
from approvals.clock import utcnow
from approvals.config import var_dir
from approvals.records import previews
from approvals.store.db import read_session, write_session
from approvals.store.directory import issue_token
from approvals.store.models import Blob, Document, Person
from tests.integration.flows import contract_fields, upload
from tests.integration.web.site import NOW, WHO, ids, open_task

SANDBOX = "sandbox; default-src 'none'; img-src 'self'"


def pdf(*pages: str) -> bytes:
    """A real PDF, one page per argument, each line of it a paragraph."""
    html = "".join(f'<section style="page-break-after: always">'
                   f'{"".join(f"<p>{line}</p>" for line in page.splitlines())}</section>'
                   for page in pages)
    return weasyprint.HTML(string=html).write_pdf()


def docx(*paragraphs: str) -> bytes:
    """A minimal Word document: word/document.xml with one w:p per paragraph."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f"<w:body>{body}</w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


def png(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def start_with(app: Flask, filename: str, content: bytes) -> int:
    db = app.extensions["signoff.db"]
    fields = dict(contract_fields([WHO["anna"], WHO["boris"]]),
                  contract=upload(filename, content))
    return service.start(db, "contract-approval", ids(app)["ivan"], fields, NOW).instance_id


def revise(app: Flask, instance: int, filename: str, content: bytes) -> None:
    """Anna sends it back; Ivan resubmits with a new version of the file."""
    db = app.extensions["signoff.db"]
    who = ids(app)
    later = NOW + timedelta(hours=1)
    service.decide(db, open_task(app, instance, "anna"), who["anna"], "send_back",
                   "Fix the terms", later)
    service.resubmit(db, instance, who["ivan"], {"contract": upload(filename, content)},
                     "New terms", later + timedelta(hours=1))


def documents(app: Flask, instance: int) -> list[Document]:
    with read_session(app.extensions["signoff.db"]) as s:
        return list(s.exec(select(Document).where(Document.instance_id == instance)
                           .order_by(Document.version)).all())


def store_document(app: Flask, instance: int, filename: str, content_type: str,
                   content: bytes) -> int:
    """A version stored as it is, the upload's checks aside (what an older release, or a
    future path in, may have kept): the preview must judge it by its bytes anyway."""
    sha = hashlib.sha256(content).hexdigest()
    with write_session(app.extensions["signoff.db"]) as s:
        if s.get(Blob, sha) is None:
            s.add(Blob(sha256=sha, size=len(content), data=content))
        doc = Document(instance_id=instance, field="contract", version=9, filename=filename,
                       content_type=content_type, size=len(content), sha256=sha,
                       uploaded_by_id=ids(app)["ivan"], uploaded_at=NOW)
        s.add(doc)
        s.flush()
        return doc.id


def api_token(app: Flask, who: str) -> dict[str, str]:
    with write_session(app.extensions["signoff.db"]) as s:
        person = s.exec(select(Person).where(Person.email == WHO[who])).one()
        return {"Authorization": f"Bearer {issue_token(s, person, utcnow())}"}


def test_the_latest_pdf_is_previewed_and_every_version_listed(app, browsers) -> None:
    instance = start_with(app, "contract-v1.pdf", pdf("Clause 1: pay in 30 days."))
    revise(app, instance, "contract-v2.pdf", pdf("Clause 1: pay in 45 days.", "Annex A"))
    v1, v2 = documents(app, instance)
    anna = browsers("anna")
    page = anna.get(f"/instances/{instance}").text
    # the latest version's pages, lazily loaded, each with its alt text
    for k in (1, 2):
        assert (f'<img src="/documents/{v2.id}/pages/{k}" width="1000" height="1415" '
                f'alt="Page {k} of 2 of contract-v2.pdf" loading="lazy">') in page
    assert f"/documents/{v1.id}/pages/" not in page  # only the latest is shown in place
    # every version: author, time, size, full SHA-256, download, preview, comparison
    assert page.count('class="uploader">Ivan Initiator</span>') == 2
    for doc in (v1, v2):
        assert f"<code>{doc.sha256}</code>" in page
        assert f'href="/documents/{doc.id}"' in page
        assert f'href="/documents/{doc.id}/preview"' in page
    assert "2026-03-02 11:00 UTC" in page and "2026-03-02 09:00 UTC" in page
    assert f'href="/instances/{instance}/fields/contract/compare?a=1&amp;b=2"' in page

    image = anna.get(f"/documents/{v2.id}/pages/2")
    assert image.status_code == 200
    assert image.mimetype == "image/png" and image.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert image.headers["Content-Security-Policy"] == SANDBOX
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert anna.get(f"/documents/{v2.id}/pages/3").status_code == 404  # it has two

    # kept by content: the second look reads the files the first one made
    kept = previews.folder(var_dir() / "previews", v2.sha256)
    made = {p.name: p.stat().st_mtime_ns for p in kept.iterdir()}
    assert {"info.json", "page-1.png", "page-2.png", "text.txt"} <= set(made)
    anna.get(f"/instances/{instance}")
    assert {p.name: p.stat().st_mtime_ns for p in kept.iterdir()} == made

    # a version's own page
    shown = anna.get(f"/documents/{v1.id}/preview").text
    assert "Preview of version 1: contract-v1.pdf" in shown
    assert 'alt="Page 1 of 1 of contract-v1.pdf"' in shown
    assert f"<code>{v1.sha256}</code>" in shown and "Ivan Initiator" in shown


def test_an_image_is_shown_in_place_as_the_type_its_bytes_are(app, browsers) -> None:
    instance = start_with(app, "scan.png", png())
    (doc,) = documents(app, instance)
    boris = browsers("boris")  # who reads Russian
    page = boris.get(f"/instances/{instance}").text
    assert (f'<img class="preview-image" src="/documents/{doc.id}/image" '
            f'alt="scan.png, версия 1" loading="lazy">') in page
    image = boris.get(f"/documents/{doc.id}/image")
    assert image.status_code == 200 and image.data == png()
    assert image.mimetype == "image/png"
    assert image.headers["Content-Security-Policy"] == SANDBOX
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert image.headers["Content-Disposition"] == "inline"
    # stored with a wrong type, it is still served as what its bytes are
    relabelled = store_document(app, instance, "scan.bin", "application/octet-stream", png(8, 8))
    assert boris.get(f"/documents/{relabelled}/image").mimetype == "image/png"


@pytest.mark.parametrize(("filename", "content_type", "content"), [
    ("logo.svg", "image/svg+xml",
     b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("photo.png", "image/png", b"<html><body><script>alert(1)</script></body></html>"),
    ("notes.txt", "text/html", b"<!doctype html><script>alert(1)</script>"),
])
def test_svg_and_markup_are_never_served_in_place(app, browsers, filename, content_type,
                                                  content) -> None:
    instance = start_with(app, "contract.pdf", pdf("Clause 1."))
    doc = store_document(app, instance, filename, content_type, content)
    anna = browsers("anna")
    assert anna.get(f"/documents/{doc}/image").status_code == 404
    assert anna.get(f"/documents/{doc}/pages/1").status_code == 404
    page = anna.get(f"/instances/{instance}").text
    assert "No preview of this file: download it to read it." in page
    assert f'src="/documents/{doc}/' not in page
    shown = anna.get(f"/documents/{doc}/preview").text
    assert "No preview of this file" in shown and "<svg" not in shown
    download = anna.get(f"/documents/{doc}")  # the download stays an attachment
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_that_cannot_be_rendered_says_so_and_the_reason_is_logged(
        app, browsers, contract: int, caplog) -> None:
    (doc,) = documents(app, contract)  # "%PDF-1.4 version one": a PDF's start, nothing more
    with caplog.at_level(logging.WARNING, logger="approvals.records.previews"):
        page = browsers("anna").get(f"/instances/{contract}").text
    assert "This PDF cannot be shown here (it may be damaged or protected): download it" in page
    assert f'href="/documents/{doc.id}">Download contract-v1.pdf</a>' in page
    assert any("no preview of the PDF" in r.getMessage() and "PDFium cannot open it"
               in r.getMessage() for r in caplog.records)
    assert browsers("anna").get(f"/documents/{doc.id}/pages/1").status_code == 404
    ru = browsers("boris").get(f"/instances/{contract}").text
    assert "Этот PDF нельзя показать на странице" in ru


def test_two_word_versions_side_by_side(app, browsers) -> None:
    instance = start_with(app, "terms.docx", docx("Terms of supply", "Payment in 30 days.",
                                                  "Delivery by truck."))
    revise(app, instance, "terms.docx", docx("Terms of supply", "Payment in 45 days.",
                                             "Delivery by truck.", "Penalty: 0.1% a day."))
    page = browsers("anna").get(f"/instances/{instance}/fields/contract/compare")
    assert page.status_code == 200
    html = page.text
    assert '<tr class="row-changed">' in html
    assert "Payment in <del>30</del> days." in html and "Payment in <ins>45</ins> days." in html
    assert "<ins>Penalty: 0.1% a day.</ins>" in html
    assert '<span class="visually-hidden">added</span>' in html
    assert "Changed lines: 1, added: 1, removed: 0." in html
    assert '<th scope="col">Version 1</th>' in html and '<th scope="col">Version 2</th>' in html

    answer = browsers("anna").client.get(
        f"/api/instances/{instance}/fields/contract/compare?a=1&b=2",
        headers=api_token(app, "anna")).get_json()
    changed = [r for r in answer["rows"] if r["kind"] == "changed"]
    assert changed[0]["left"] == [{"text": "Payment in ", "marked": False},
                                  {"text": "30", "marked": True},
                                  {"text": " days.", "marked": False}]
    assert answer["summary"] == {"changed": 1, "added": 1, "removed": 0}


def test_two_pdf_versions_side_by_side_and_the_versions_through_the_api(app,
                                                                        browsers) -> None:
    instance = start_with(app, "c.pdf", pdf("Price: 100 RUB\nTerm: one year"))
    revise(app, instance, "c.pdf", pdf("Price: 120 RUB\nTerm: one year"))
    html = browsers("boris").get(f"/instances/{instance}/fields/contract/compare?a=1&b=2").text
    assert "Price: <del>100</del> RUB" in html and "Price: <ins>120</ins> RUB" in html
    assert "Term: one year" in html

    headers = api_token(app, "boris")
    client = app.test_client()
    listed = client.get(f"/api/instances/{instance}/fields/contract/versions",
                        headers=headers).get_json()
    v1, v2 = documents(app, instance)
    assert [v["version"] for v in listed["versions"]] == [1, 2]
    assert listed["versions"][1]["sha256"] == v2.sha256
    assert listed["versions"][1]["uploaded_by"]["name"] == "Ivan Initiator"
    assert listed["versions"][1]["preview"] == "pdf"
    assert listed["versions"][0]["download"] == f"/api/instances/{instance}/documents/{v1.id}"
    assert client.get(f"/api/instances/{instance}/fields/nothing/versions",
                      headers=headers).status_code == 404
    assert client.get(f"/api/instances/{instance}/fields/contract/compare?a=x",
                      headers=headers).status_code == 400
    assert client.get(f"/api/instances/{instance}/fields/contract/compare?a=7",
                      headers=headers).status_code == 404


def test_text_that_cannot_be_extracted_is_said(app, browsers, contract: int) -> None:
    revise(app, contract, "contract-v2.pdf", pdf("Clause 1."))
    html = browsers("anna").get(f"/instances/{contract}/fields/contract/compare").text
    assert "The text of this file cannot be extracted" in html
    assert "Version 1: the text of this file cannot be extracted." in html
    assert '<table class="diff">' not in html
    single = start_with(app, "c.pdf", pdf("Only one."))
    assert "This file has only one version" in browsers("anna").get(
        f"/instances/{single}/fields/contract/compare").text


def test_the_previews_refuse_whom_the_download_refuses(app, browsers) -> None:
    instance = start_with(app, "scan.png", png())
    (doc,) = documents(app, instance)
    oscar = browsers("oscar")  # no part in it
    for path in (f"/documents/{doc.id}", f"/documents/{doc.id}/image",
                 f"/documents/{doc.id}/pages/1", f"/documents/{doc.id}/preview",
                 f"/instances/{instance}/fields/contract/compare"):
        assert oscar.get(path).status_code == 403, path
    assert browsers("ada").get(f"/documents/{doc.id}/image").status_code == 200  # an admin
