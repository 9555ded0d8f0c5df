"""Previews and text of uploaded documents, made once per content and kept on disk.

A PDF is opened by PDFium in a child process (:mod:`approvals.records.pdf_render`) limited in
memory and CPU time and waited for at most :data:`TIMEOUT_S` seconds: it renders the first
:data:`MAX_PAGES` pages to PNG and reads the text. What it made is kept under
``<root>/v1/ab/cd/<sha256>/`` (``info.json``, ``page-<k>.png``, ``text.txt``), written to a
temporary folder and renamed into place, so a second look at the same content — in any
instance, any version — is a file read. A PDF that cannot be read (damaged, encrypted, too
large for the limits, too slow) is kept as that too, with the reason, which is logged once, so
a bad file never starts a child twice.

Word documents and plain text are read in this process (:mod:`approvals.core.doctext`, with its
own limits); their text is not kept, it costs less than reading a file.

``root`` is given by the caller (the web adapter uses ``<SIGNOFF_VAR_DIR>/previews``). The
cache may be deleted at any time; it is made again on the next look.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess  # nosec B404  # runs this Python on a fixed module, no shell
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from approvals.core import doctext

log = logging.getLogger(__name__)

VERSION = "v1"  # a new way of rendering: a new folder, the old one unused
#: pages rendered as images (the rest: "download to read all")
MAX_PAGES = 10
#: how long the child may take, in seconds (wall clock), and its CPU seconds
TIMEOUT_S = 30.0
CPU_S = 30
#: the child's address space (PDFium and Python included)
MEMORY_BYTES = 1536 << 20


@dataclass(frozen=True)
class PdfPreview:
    """What the child made of a PDF: ``pages`` in it, the ``shown`` pages' image sizes
    (width, height), or the ``error`` that left none."""

    pages: int = 0
    shown: tuple[tuple[int, int], ...] = ()
    error: str | None = None
    text_truncated: bool = False

    @property
    def more(self) -> int:
        """Pages not shown."""
        return max(0, self.pages - len(self.shown))


def folder(root: Path, sha256: str) -> Path:
    return Path(root) / VERSION / sha256[:2] / sha256[2:4] / sha256


def cached(root: Path, sha256: str) -> PdfPreview | None:
    """The preview made earlier of this content, or None."""
    try:
        info = json.loads((folder(root, sha256) / "info.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return PdfPreview(int(info.get("pages", 0)),
                      tuple((int(w), int(h)) for w, h in info.get("shown", ())),
                      info.get("error"), bool(info.get("text_truncated")))


def pdf_preview(root: Path, sha256: str, content: bytes | Callable[[], bytes], *,
                timeout: float = TIMEOUT_S) -> PdfPreview:
    """The PDF's preview: kept, or made now by the child (``content`` may be a function that
    reads the bytes, called only then)."""
    found = cached(root, sha256)
    if found is not None:
        return found
    data = content() if callable(content) else content
    target = folder(root, sha256)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        working = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    except OSError as error:  # no room to keep it: no preview, the page still shows
        log.error("no preview of the PDF %s: %s cannot be written: %s", sha256, root, error)
        return PdfPreview(error=f"the preview cannot be kept: {error}")
    try:
        info = _run_child(data, working, timeout)
        if info.get("error"):
            log.warning("no preview of the PDF %s: %s", sha256, info["error"])
            for made in working.iterdir():  # half a render is not kept
                made.unlink()
        (working / "info.json").write_text(json.dumps(info), encoding="utf-8")
        try:
            os.rename(working, target)
        except OSError:  # made meanwhile by another request: theirs is kept
            pass
    finally:
        shutil.rmtree(working, ignore_errors=True)
    return cached(root, sha256) or PdfPreview(error="the preview could not be kept")


def _run_child(data: bytes, working: Path, timeout: float) -> dict:
    command = [sys.executable, "-m", "approvals.records.pdf_render", str(working),
               str(MAX_PAGES), str(MEMORY_BYTES), str(CPU_S)]
    try:
        done = subprocess.run(command, input=data, capture_output=True,  # nosec B603
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:  # the child is killed by subprocess.run
        return {"error": f"the renderer took longer than {timeout:g} s and was stopped"}
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        why = said[-1] if said else ""
        if done.returncode < 0:
            why = f"the renderer was stopped by signal {-done.returncode} " \
                  f"(a memory or CPU limit?) {why}".strip()
        return {"error": why or f"the renderer failed (exit status {done.returncode})"}
    try:
        info = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
        return {"pages": int(info["pages"]), "shown": info["shown"],
                "text_truncated": bool(info.get("text_truncated"))}
    except (ValueError, KeyError, IndexError, TypeError) as error:
        return {"error": f"the renderer's answer cannot be read: {error}"}


def page_image(root: Path, sha256: str, page: int) -> Path | None:
    """The PNG of page ``page`` (from 1) of a PDF previewed earlier, or None."""
    preview = cached(root, sha256)
    if preview is None or preview.error or not 1 <= page <= len(preview.shown):
        return None
    path = folder(root, sha256) / f"page-{page}.png"
    return path if path.is_file() else None


def pdf_text(root: Path, sha256: str, content: bytes | Callable[[], bytes]) -> doctext.Text:
    """A PDF's text as lines (read by the child with its preview); :class:`doctext.Unreadable`
    when PDFium could not read it."""
    preview = pdf_preview(root, sha256, content)
    if preview.error:
        raise doctext.Unreadable(preview.error)
    try:
        text = (folder(root, sha256) / "text.txt").read_text(encoding="utf-8")
    except OSError as error:
        raise doctext.Unreadable(f"the kept text cannot be read: {error}") from None
    lines = doctext.capped(text.split("\n"))
    return doctext.Text(lines.lines, lines.truncated or preview.text_truncated)


def document_text(root: Path, kind: str | None, content_type: str, sha256: str,
                  content: Callable[[], bytes]) -> doctext.Text:
    """The text of a document: a PDF (``kind``, from its bytes) through the child, a Word
    document or plain text here. :class:`doctext.Unreadable` when there is none to read."""
    if kind == "application/pdf":
        return pdf_text(root, sha256, content)
    if content_type == doctext.DOCX:
        return doctext.docx_text(content())
    if content_type in ("text/plain", "text/csv"):
        return doctext.plain_text(content())
    raise doctext.Unreadable(f"no text is read from {content_type}")
