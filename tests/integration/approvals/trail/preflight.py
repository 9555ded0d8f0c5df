"""Apache PDFBox Preflight: an independent PDF/A checker for the trail (issue 4, item 2).

veraPDF, the reference PDF/A-3 validator, is not packaged where the suite runs; Preflight is
(Debian packages ``default-jre-headless``, ``libpdfbox2-java`` and ``libjaxb-api-java``,
installed by ``make system-deps``). It validates PDF/A-1b only, so on a PDF/A-3b file it also
reports the PDF/A-1 restrictions that PDF/A-3 lifts; the tests allow exactly those, one by one
(``test_pdfa_preflight.py``).

Without Java or Preflight the checks are skipped, unless ``SIGNOFF_REQUIRE_PREFLIGHT`` is set:
then they fail, so that a CI machine that lost the packages cannot pass silently.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.dom import minidom

import pytest
from pypdf import PdfWriter
from pypdf.generic import NameObject

JAVA_DIR = Path("/usr/share/java")
# Preflight and what it loads: PDFBox, FontBox, XMPBox, Commons Logging, and the two Java EE
# APIs that Java 11 dropped from the JDK (javax.activation, javax.xml.bind).
JARS = ("preflight.jar", "pdfbox2.jar", "fontbox2.jar", "xmpbox.jar", "commons-logging.jar",
        "javax.activation.jar", "jaxb-api.jar")
CLASSPATH = ":".join(str(JAVA_DIR / jar) for jar in JARS)
MAIN = "org.apache.pdfbox.preflight.Validator_A1b"
REQUIRED = "SIGNOFF_REQUIRE_PREFLIGHT"
# A JVM that starts fast (a check is one short run) and never opens a display.
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.awt.headless=true")

FINDING = re.compile(r"^(\d+(?:\.\d+)*) : (.*?)(?: on page (\d+))?$")
VALID, INVALID = 0, 255  # Validator_A1b exits 0, or -1 when it found errors


@dataclass(frozen=True)
class Finding:
    """One error Preflight reports: its code (``3.1.3``), message and page, if it names one."""

    code: str
    message: str
    page: int | None = None

    def __str__(self) -> str:
        return f"{self.code} : {self.message}" + (f" on page {self.page}" if self.page else "")


@dataclass(frozen=True)
class Verdict:
    valid: bool
    findings: tuple[Finding, ...]
    output: str  # Preflight's own report, for assertion messages

    @property
    def codes(self) -> set[str]:
        return {finding.code for finding in self.findings}

    def beyond(self, allowed: Iterable[tuple[str, re.Pattern[str]]]) -> list[Finding]:
        """The findings that no ``(code, message pattern)`` of ``allowed`` accounts for."""
        allowed = list(allowed)
        return [finding for finding in self.findings
                if not any(finding.code == code and pattern.search(finding.message)
                           for code, pattern in allowed)]


def preflight(pdf: bytes, timeout: float = 120) -> Verdict:
    """Preflight's verdict on ``pdf``, run on a temporary file with a timeout.

    A run that neither validates nor reports errors (a crash, a missing class) fails the test
    with Preflight's output rather than passing as "no errors"."""
    java = _java()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trail.pdf"
        path.write_bytes(pdf)
        # the font cache PDFBox builds when a font is not embedded goes here, not under ~
        result = subprocess.run(
            [java, *JVM_OPTIONS, f"-Dpdfbox.fontcache={tmp}", "-cp", CLASSPATH, MAIN, str(path)],
            capture_output=True, text=True, timeout=timeout)
    output = result.stdout
    if result.returncode == VALID and "is a valid PDF/A-1b file" in output:
        return Verdict(True, (), output)
    if result.returncode != INVALID or "is not a valid PDF/A-1b file" not in output:
        pytest.fail(f"Preflight did not run to a verdict (exit {result.returncode}):\n"
                    f"{output}\n{result.stderr}")
    return Verdict(False, tuple(_findings(output)), output)


def _findings(output: str) -> list[Finding]:
    findings: list[Finding] = []
    for line in output.splitlines()[1:]:  # the first line names the file and the verdict
        match = FINDING.match(line)
        if match:
            code, message, page = match.groups()
            findings.append(Finding(code, message, int(page) if page else None))
        elif line.strip() and findings:  # a message that runs over several lines
            last = findings.pop()
            findings.append(Finding(last.code, f"{last.message}\n{line}", last.page))
    return findings


def _java() -> str:
    """The java binary, once Preflight's jars are known to be there."""
    java = shutil.which("java")
    missing = [jar for jar in JARS if not (JAVA_DIR / jar).is_file()]
    if java is None or missing:
        what = ", ".join((["java"] if java is None else []) + missing)
        message = (f"Preflight cannot run: {what} missing (run `make system-deps` as root: "
                   "default-jre-headless, libpdfbox2-java, libjaxb-api-java)")
        if os.environ.get(REQUIRED):
            pytest.fail(f"{message}; {REQUIRED} is set")
        pytest.skip(message)
    return java


# ---------------------------------------------------------------------------- the XMP packet

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def xmp_for_preflight(pdf: bytes) -> bytes:
    """``pdf`` with its XMP packet in the form Preflight can read, appended as an update.

    Preflight stops before any XMP check when the metadata stream is compressed (PDF/A-1,
    6.7.2, forbids it; PDF/A-3 does not), and its XMP parser (XMPBox 2.0) knows only the
    namespaces declared on an ``rdf:Description`` itself, where XML lets them be declared on
    any enclosing element (WeasyPrint declares them on ``rdf:RDF``, pyHanko on the property).
    Both are the checker's limits, not faults of the file. The copy stores the same packet
    uncompressed, with every namespace also declared on each description: the same
    statements, so Preflight's checks of the PDF/A identification, of the agreement between
    the information dictionary and XMP, and of the property types run on what we wrote."""
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    packet = writer.root_object["/Metadata"].get_object().get_data()
    writer.xmp_metadata = None  # a new, unfiltered stream rather than the compressed one
    writer.xmp_metadata = _namespaces_on_descriptions(packet)
    stream = writer.root_object["/Metadata"].get_object()
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _namespaces_on_descriptions(packet: bytes) -> bytes:
    document = minidom.parseString(packet)
    declared: dict[str, str] = {}
    for element in document.getElementsByTagName("*"):
        for name, value in element.attributes.items():
            if name.startswith("xmlns:"):
                declared[name] = value
    for description in document.getElementsByTagNameNS(RDF, "Description"):
        for name, value in declared.items():
            if not description.hasAttribute(name):
                description.setAttribute(name, value)
    xml = document.toxml(encoding="utf-8")
    # minidom writes an XML declaration first; an XMP packet starts with its xpacket
    return xml[xml.index(b"<?xpacket"):]
