"""The text of a document, as lines, for comparing two versions of a file side by side.

A Word document (``.docx``) is a ZIP of XML parts; its text is the paragraphs of
``word/document.xml``. The file comes from whoever uploaded it, so reading it is guarded: at
most :data:`MAX_ENTRIES` entries in the ZIP, the part read only up to :data:`MAX_PART_BYTES`
however small its header says it is (a ZIP bomb stops there), and a part that declares a DTD
is refused (Word never writes one; entity tricks need one). Plain text (``.txt``, ``.csv``) is
decoded as UTF-8, else as Windows-1251. A PDF's text is read by PDFium in a limited child
process (:mod:`approvals.records.previews`), not here.

Every text is cut at :data:`MAX_TEXT_CHARS` characters (:class:`Text` says when it was).
"""

from __future__ import annotations

import io
import zipfile
from typing import NamedTuple
from xml.etree import ElementTree  # nosec B405  # a part with a DTD is refused before parsing

#: The most characters of a document's text that are compared.
MAX_TEXT_CHARS = 200_000
#: The most entries a .docx may have (Word writes a few dozen).
MAX_ENTRIES = 1_000
#: The most bytes of word/document.xml that are read, whatever its header claims.
MAX_PART_BYTES = 20 * 1024 * 1024

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class Text(NamedTuple):
    lines: list[str]
    truncated: bool  # cut at MAX_TEXT_CHARS


class Unreadable(ValueError):
    """The document's text cannot be extracted (the message says why, for the log)."""


def capped(lines: list[str]) -> Text:
    """``lines`` cut to :data:`MAX_TEXT_CHARS` characters in all (newlines counted)."""
    kept, used = [], 0
    for line in lines:
        if used + len(line) + 1 > MAX_TEXT_CHARS:
            kept.append(line[:max(0, MAX_TEXT_CHARS - used)])
            return Text(kept, True)
        kept.append(line)
        used += len(line) + 1
    return Text(kept, False)


def plain_text(content: bytes) -> Text:
    """A text file's lines (UTF-8, a byte-order mark dropped; else Windows-1251)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1251", errors="replace")
    return capped(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def docx_text(content: bytes) -> Text:
    """The paragraphs of a Word document, one line each (a line break inside a paragraph
    starts a new line; tabs are kept). :class:`Unreadable` when it is not a readable .docx."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise Unreadable(f"not a ZIP file: {error}") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise Unreadable(f"{len(entries)} entries in the ZIP (at most {MAX_ENTRIES})")
        try:
            with archive.open("word/document.xml") as part:
                xml = part.read(MAX_PART_BYTES + 1)
        except KeyError:
            raise Unreadable("no word/document.xml: not a Word document") from None
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError,
                EOFError, RuntimeError) as error:  # damaged, encrypted, unknown compression
            raise Unreadable(f"word/document.xml cannot be read: {error}") from None
    if len(xml) > MAX_PART_BYTES:
        raise Unreadable(f"word/document.xml is larger than {MAX_PART_BYTES} bytes")
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise Unreadable("word/document.xml declares a DTD")
    try:
        root = ElementTree.fromstring(xml)  # nosec B314  # no DTD (refused above), size capped
    except ElementTree.ParseError as error:
        raise Unreadable(f"word/document.xml is not well-formed: {error}") from None
    lines: list[str] = []
    for paragraph in root.iter(f"{_W}p"):
        parts = [""]
        for node in paragraph.iter():
            if node.tag == f"{_W}t":
                parts[-1] += node.text or ""
            elif node.tag == f"{_W}tab":
                parts[-1] += "\t"
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("")
        lines.extend(parts)
    return capped(lines)
