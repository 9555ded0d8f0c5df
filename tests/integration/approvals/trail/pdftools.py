"""Independent readers of a trail: poppler's ``pdftotext`` and ``pdfsig`` (Debian package
poppler-utils, installed by ``make system-deps``), and the row parser of the timeline."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROW = re.compile(r"^\s*(\d+)\s+(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC\s{2,}(.+?)\s{2,}(.+?)"
                 r"\s{2,}(\S+)\s*$")


def _tool(name: str, pdf: bytes, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trail.pdf"
        path.write_bytes(pdf)
        return subprocess.run([name, *args, str(path), *([] if name == "pdfsig" else ["-"])],
                              capture_output=True, text=True, timeout=60)


def pdftotext(pdf: bytes, *args: str) -> str:
    result = _tool("pdftotext", pdf, "-layout", "-enc", "UTF-8", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def plain_text(pdf: bytes) -> str:
    """The text in reading order, every run of white space made one space."""
    result = _tool("pdftotext", pdf, "-enc", "UTF-8")
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.split())


def page_texts(pdf: bytes, pages: int) -> list[str]:
    return [pdftotext(pdf, "-f", str(n), "-l", str(n)) for n in range(1, pages + 1)]


@dataclass(frozen=True)
class Row:
    seq: int
    at: str
    person: str
    text: str
    channel: str


def timeline_rows(text: str) -> list[Row]:
    """The first line of every timeline row: number, time, person, event, channel."""
    rows = []
    for line in text.splitlines():
        match = ROW.match(line)
        if match:
            seq, at, person, event, channel = match.groups()
            rows.append(Row(int(seq), at, person.strip(), event.strip(), channel))
    return rows


@dataclass(frozen=True)
class PdfsigVerdict:
    valid: bool  # "Signature is Valid." and "Total document signed"
    output: str


def pdfsig(pdf: bytes) -> PdfsigVerdict:
    """poppler's verdict: the signature is valid and covers the whole document."""
    result = _tool("pdfsig", pdf)
    output = result.stdout + result.stderr
    valid = ("Signature Validation: Signature is Valid." in output
             and "Total document signed" in output
             and "Not total document signed" not in output)
    return PdfsigVerdict(valid, output)
