"""Which documents a file field takes: an allow-list by the name's extension, and the content
checked against it.

A file sent with a form is kept, shown to approvers and auditors, and (when small) attached to
mail sent from the company's address, so Signoff takes only document types a company
exchanges, and only when the bytes are what the name says: a ``.pdf`` must start as a PDF
does, a ``.docx`` as a ZIP, a text file must be text (and not a web page). The content type
stored is the one the extension names, never the one the sender claimed.

A process file narrows the list per field with ``accept: [pdf, docx]``; without it a field
takes every type below.
"""

from __future__ import annotations

from collections.abc import Callable


def _starts(*magics: bytes) -> Callable[[bytes], bool]:
    return lambda content: content.startswith(magics)


_ZIP = _starts(b"PK\x03\x04")  # Office Open XML and OpenDocument are ZIP files
_OLE = _starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # Word 97–2003, Excel 97–2003


def _text(content: bytes) -> bool:
    """Plain text in UTF-8 or Windows-1251 (what Russian offices write), and not markup a
    browser would run."""
    if b"\x00" in content[:65536]:
        return False
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml-stylesheet")):
        return False
    for encoding in ("utf-8", "cp1251"):
        try:
            content.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _xml(content: bytes) -> bool:
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<?xml") and b"<!doctype html" not in head and _text(content)


#: extension → (content type, does the content fit it)
TYPES: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    "pdf": ("application/pdf", _starts(b"%PDF-")),
    "doc": ("application/msword", _OLE),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xls": ("application/vnd.ms-excel", _OLE),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "rtf": ("application/rtf", _starts(b"{\\rtf")),
    "txt": ("text/plain", _text),
    "csv": ("text/csv", _text),
    "xml": ("application/xml", _xml),  # 1C exchange files, bank statements
    "jpg": ("image/jpeg", _starts(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", _starts(b"\xff\xd8\xff")),
    "png": ("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    "gif": ("image/gif", _starts(b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", lambda content: content[:4] == b"RIFF" and content[8:12] == b"WEBP"),
    "tif": ("image/tiff", _starts(b"II*\x00", b"MM\x00*")),
    "tiff": ("image/tiff", _starts(b"II*\x00", b"MM\x00*")),
    "zip": ("application/zip", _ZIP),
}


def extension(filename: str) -> str:
    """The extension of ``filename``, lowercase, without the dot ("" when none)."""
    stem, dot, ext = filename.rpartition(".")
    return ext.lower() if dot and stem else ""


def refusal(filename: str, content: bytes, accept: tuple[str, ...] = ()) -> str | None:
    """Why this file is not taken (``file_type``: not an accepted extension;
    ``file_content``: the bytes are not what the extension says), or None."""
    ext = extension(filename)
    if ext not in (accept or TYPES):
        return "file_type"
    return None if TYPES[ext][1](content) else "file_content"


def content_type(filename: str) -> str:
    """The content type stored for an accepted file: the one its extension names."""
    return TYPES[extension(filename)][0]


#: The types a page may show in place (:func:`preview_type`): PDF, whose pages are rendered to
#: PNG on the server, and the raster images every browser shows. Never SVG (an image that can
#: carry script) or anything a browser would read as markup.
PREVIEW_IMAGES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def preview_type(content: bytes) -> str | None:
    """What ``content`` is, for a preview, judged by its bytes alone (whatever the file's name
    or the uploader said): ``application/pdf``, one of :data:`PREVIEW_IMAGES`, or None (shown
    by download only)."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    for content_type, fits in (TYPES["png"], TYPES["jpg"], TYPES["gif"], TYPES["webp"]):
        if fits(content):
            return content_type
    return None
