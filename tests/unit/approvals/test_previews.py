"""The PDF preview's child process (approvals.records.previews, approvals.records.pdf_render):
it renders pages and reads text from a real PDF, keeps what it made by content, and one that
takes too long is stopped at the timeout, and that is kept too (it is never started again)."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import weasyprint

from approvals.records import previews


def test_a_pdf_is_rendered_and_read_once_then_kept(tmp_path: Path) -> None:
    content = weasyprint.HTML(string="<p>Clause one.</p><p style='page-break-before: always'>"
                                     "Clause two.</p>").write_pdf()
    sha = hashlib.sha256(content).hexdigest()
    made = previews.pdf_preview(tmp_path, sha, content)
    assert made == previews.PdfPreview(pages=2, shown=((1000, 1415), (1000, 1415)))
    assert previews.page_image(tmp_path, sha, 2).read_bytes().startswith(b"\x89PNG")
    assert previews.page_image(tmp_path, sha, 3) is None
    assert previews.pdf_text(tmp_path, sha, content).lines == ["Clause one.", "Clause two."]

    def never() -> bytes:
        raise AssertionError("the kept preview is read, the PDF is not")

    assert previews.pdf_preview(tmp_path, sha, never) == made


def test_the_child_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    content = weasyprint.HTML(string="<p>Slow?</p>").write_pdf()
    sha = hashlib.sha256(content).hexdigest()
    began = time.monotonic()
    made = previews.pdf_preview(tmp_path, sha, content, timeout=0.05)
    assert time.monotonic() - began < 5
    assert made.error == "the renderer took longer than 0.05 s and was stopped"
    assert made.shown == ()
    assert previews.page_image(tmp_path, sha, 1) is None
    # kept: a file that timed out is not rendered again on every look
    assert previews.pdf_preview(tmp_path, sha, content) == made
    assert not list(previews.folder(tmp_path, sha).glob("page-*.png"))


def test_many_pages_show_the_first_ten_and_count_the_rest(tmp_path: Path) -> None:
    pages = "".join(f"<p style='page-break-after: always'>Page {n}</p>" for n in range(12))
    content = weasyprint.HTML(string=pages).write_pdf()
    made = previews.pdf_preview(tmp_path, hashlib.sha256(content).hexdigest(), content)
    assert (made.pages, len(made.shown), made.more) == (12, previews.MAX_PAGES, 2)
