"""Reading a document's text (approvals.core.doctext), guarded against hostile ZIPs, comparing
two versions line by line (approvals.core.textdiff), and which bytes may be shown in place
(approvals.core.filetypes.preview_type)."""

from __future__ import annotations

import io
import zipfile

import pytest

from approvals.core import doctext, filetypes, textdiff

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(xml: str | bytes, extra: int = 0) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", xml)
        for n in range(extra):
            archive.writestr(f"junk/{n}.xml", "")
    return out.getvalue()


def body(inner: str) -> str:
    return f'<w:document xmlns:w="{W}"><w:body>{inner}</w:body></w:document>'


def test_a_word_document_reads_as_its_paragraphs() -> None:
    text = doctext.docx_text(docx(body(
        "<w:p><w:r><w:t>Terms </w:t></w:r><w:r><w:t>of supply</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Price</w:t><w:tab/><w:t>100</w:t><w:br/><w:t>VAT incl.</w:t></w:r></w:p>"
        "<w:p/>")))
    assert text == doctext.Text(["Terms of supply", "Price\t100", "VAT incl.", ""], False)


@pytest.mark.parametrize(("content", "why"), [
    (b"PK\x03\x04 not really", "not a ZIP file"),
    (docx(body("<w:p/>"), extra=doctext.MAX_ENTRIES), "entries in the ZIP"),
    (docx('<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>' + body("&lol;")),
     "declares a DTD"),
    (docx(body("<w:p>") + "unclosed"), "not well-formed"),
])
def test_a_word_document_that_cannot_be_read_says_why(content: bytes, why: str) -> None:
    with pytest.raises(doctext.Unreadable, match=why):
        doctext.docx_text(content)


def test_a_zip_bomb_stops_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctext, "MAX_PART_BYTES", 1 << 20)
    bomb = docx(b"<a>" + b" " * (8 << 20) + b"</a>")  # 8 MiB of spaces in a few KiB
    assert len(bomb) < 64 << 10
    with pytest.raises(doctext.Unreadable, match="larger than 1048576 bytes"):
        doctext.docx_text(bomb)


def test_text_is_cut_at_the_cap_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctext, "MAX_TEXT_CHARS", 10)
    assert doctext.plain_text(b"abcd\nefgh\nijkl") == doctext.Text(["abcd", "efgh", ""], True)
    assert doctext.plain_text("да\r\nнет".encode("cp1251")) == doctext.Text(["да", "нет"],
                                                                              False)


def test_two_versions_side_by_side_mark_the_changed_words_and_fold_what_is_the_same() -> None:
    old = [f"line {n}" for n in range(1, 21)] + ["Price: 100 RUB", "gone"]
    new = [f"line {n}" for n in range(1, 21)] + ["Price: 120 RUB", "new one", "and another"]
    rows = textdiff.compare(old, new)
    assert rows[0] == textdiff.Row("skipped", 1, 1, count=17)  # lines 1–17 folded
    assert [r.old for r in rows[1:4]] == [18, 19, 20]  # three lines of context
    changed = rows[4:6]
    assert changed[0].kind == "changed" and (changed[0].old, changed[0].new) == (21, 21)
    assert changed[0].left == [textdiff.Span("Price: "), textdiff.Span("100", True),
                               textdiff.Span(" RUB")]
    assert changed[0].right[1] == textdiff.Span("120", True)
    assert changed[1] == textdiff.Row("changed", 22, 22, [textdiff.Span("gone", True)],
                                      [textdiff.Span("new one", True)])
    assert rows[-1] == textdiff.Row("added", None, 23, [], [textdiff.Span("and another",
                                                                          True)])
    assert textdiff.summary(rows) == textdiff.Summary(changed=2, added=1, removed=0)


def test_the_same_text_is_one_folded_run_and_a_removed_line_is_marked() -> None:
    same = [f"line {n}" for n in range(10)]
    assert textdiff.compare(same, same) == [textdiff.Row("skipped", 1, 1, count=10)]
    rows = textdiff.compare(["a", "b", "c"], ["a", "c"])
    assert [r.kind for r in rows] == ["same", "removed", "same"]
    assert rows[1].left == [textdiff.Span("b", True)] and rows[1].as_dict()["new"] is None


@pytest.mark.parametrize(("content", "kind"), [
    (b"%PDF-1.7\n...", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n....", "image/png"),
    (b"\xff\xd8\xff\xe0....", "image/jpeg"),
    (b"GIF89a....", "image/gif"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', None),
    (b'<?xml version="1.0"?><svg/>', None),
    (b"<!doctype html><script>alert(1)</script>", None),
    (b"II*\x00 a TIFF: browsers do not show it", None),
    (b"PK\x03\x04 a Word file", None),
])
def test_only_pdf_and_raster_images_are_shown_in_place(content: bytes, kind: str | None) -> None:
    assert filetypes.preview_type(content) == kind


def test_gif_and_webp_are_taken_only_when_their_bytes_are_what_the_name_says() -> None:
    assert filetypes.refusal("a.gif", b"GIF87a...") is None
    assert filetypes.refusal("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ") is None
    assert filetypes.refusal("a.webp", b"<svg/>") == "file_content"
    assert filetypes.refusal("a.svg", b"<svg/>") == "file_type"
