"""The trail as an unsigned PDF/A-3b: HTML and CSS rendered by WeasyPrint.

The fonts are the bundled DejaVu files (``fonts/``), so Cyrillic looks the same on every
machine. The final version of each document is embedded as an associated file
(``AFRelationship /Source``). The instance, the chain head and the event count go into the
document information dictionary under the keys of :mod:`approvals.trail.facts`, where
:func:`approvals.trail.verify.verify_trail` reads them back.
"""

from __future__ import annotations

import gc
import io
import logging
import re
import threading
import zlib
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from xml.etree import ElementTree  # nosec B405  # reads only the HTML Signoff's template wrote

import cssselect2
import pydyf
import tinycss2
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlmodel import Session
from weasyprint import CSS, HTML, Attachment
from weasyprint.css.counters import CounterStyle
from weasyprint.html import UA as WEASYPRINT_UA
from weasyprint.text.fonts import FontConfiguration

from approvals import texts
from approvals.config import organisation_locale
from approvals.core.errors import TrailNotFinal
from approvals.store import queries
from approvals.store.models import Instance, Person
from approvals.trail import facts
from approvals.trail.content import Embedded, collect, t

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
FONTS = HERE / "fonts"
PDF_VARIANT = "pdf/a-3b"
log = logging.getLogger("signoff.trail")

_FONT_FACES = (("Signoff Sans", "normal", "DejaVuSans.ttf"),
               ("Signoff Sans", "bold", "DejaVuSans-Bold.ttf"),
               ("Signoff Mono", "normal", "DejaVuSansMono.ttf"))


def trail_locale(session: Session, instance_id: int) -> str:
    """The language of ``instance_id``'s signed trail, as its process file says
    (``trail: {language: …}``): by default the initiator's, else the organisation's
    (``SIGNOFF_LOCALE``) or the one named."""
    instance = session.get(Instance, instance_id)
    if instance is None:
        return organisation_locale()
    choice = queries.process_of(session, instance).trail_language
    if choice in texts.LOCALES:
        return choice
    initiator = session.get(Person, instance.initiator_id) if choice == "initiator" else None
    return texts.normalize(initiator.locale) if initiator is not None else organisation_locale()


def render_trail(session: Session, instance_id: int, *, provisional: bool = False,
                 locale: str | None = None, generated_at: datetime) -> bytes:
    """The unsigned PDF/A-3b trail of ``instance_id`` in ``locale``, else in the language its
    process chooses (:func:`trail_locale`).

    A final trail (``provisional=False``) is for an instance that has ended; a provisional
    one, for any instance, is marked as such on every page and in its metadata, and
    :func:`approvals.trail.sign.sign_trail` refuses it.
    """
    locale = texts.normalize(locale) if locale else trail_locale(session, instance_id)
    generated_at = generated_at.astimezone(UTC) if generated_at.tzinfo \
        else generated_at.replace(tzinfo=UTC)
    content, embedded = collect(session, instance_id, locale, provisional, generated_at)
    if not provisional and content["status"] == "running":
        raise TrailNotFinal(f"instance {instance_id} is still running: only a provisional "
                            "trail can be made of it", instance=instance_id)
    for problem in content["problems"]:
        log.warning("trail of instance %s: %s", instance_id, problem)
    html = _compact(_template().render(c=content, t=lambda key, **p: t(key, locale, **p),
                                       created=generated_at.strftime("%Y-%m-%dT%H:%M:%SZ")))
    info = {facts.INSTANCE: str(instance_id), facts.CHAIN_HEAD: content["chain"]["head"],
            facts.EVENT_COUNT: str(content["chain"]["count"]),
            facts.KIND: facts.PROVISIONAL if provisional else facts.FINAL,
            facts.GENERATED_AT: generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            facts.LOCALE: locale}
    if content["problems"]:
        info[facts.PROBLEMS] = " | ".join(content["problems"])
    fonts, base_css = _resources()
    with _collector_paused:
        document = _TrailHTML(html, base_url=str(TEMPLATES)).render(
            stylesheets=[base_css, CSS(string=_page_css(content, locale))], font_config=fonts)
        return document.write_pdf(pdf_variant=PDF_VARIANT,
                                  attachments=[_attachment(e) for e in embedded],
                                  finisher=lambda _doc, pdf: _finish(pdf, info))


def _attachment(item: Embedded) -> Attachment:
    moment = item.uploaded_at if item.uploaded_at.tzinfo \
        else item.uploaded_at.replace(tzinfo=UTC)
    return Attachment(file_obj=io.BytesIO(item.content), name=item.filename,
                      description=item.description, created=moment, modified=moment,
                      relationship="Source")


def _finish(pdf: pydyf.PDF, info: dict[str, str]) -> None:
    """Last touches before WeasyPrint writes the file.

    - our keys go into the document information dictionary;
    - ``/Producer`` is left out: the signer (pyHanko) writes its own name in both the
      information dictionary and the XMP packet, and PDF/A wants the two to agree;
    - WeasyPrint lists each associated file twice in the catalogue's ``/AF``: once is enough;
    - the streams are compressed here, once (:func:`_compress_streams`).
    """
    for key, value in info.items():
        pdf.info[key] = pydyf.String(value)
    pdf.info.pop("Producer", None)
    if "AF" in pdf.catalog:
        unique = list(dict.fromkeys(pdf.catalog["AF"]))
        pdf.catalog["AF"] = pydyf.Array(unique)
    _compress_streams(pdf)


# zlib's default level: a tenth larger than pydyf's 9 on the page contents, at half the time.
_COMPRESSION_LEVEL = 6
_SAMPLE = 16 * 1024


def _compress_streams(pdf: pydyf.PDF) -> None:
    """Compress every stream WeasyPrint marked for compression, once, and leave pydyf only
    the bytes to copy.

    pydyf would compress each stream (the pages, the font subsets, the embedded document)
    at its highest level, and twice: once to write it and once more to compute the file
    identifier PDF/A requires (some 25 ms a trail, against 4 ms here). An embedded file
    whose first bytes do not shrink (a PDF's or an office file's contents are compressed
    already) is stored as it is: compressing it again would cost time for nothing. The
    document is the same, byte for byte once decoded. Without pydyf's ``_to_bytes`` (a
    later pydyf), pydyf compresses as before."""
    to_bytes = getattr(pydyf, "_to_bytes", None)
    if to_bytes is None:
        return
    for stream in pdf.objects:
        if not isinstance(stream, pydyf.Stream) or not stream.compress:
            continue
        raw = b"\n".join(to_bytes(item) for item in stream.stream)
        stream.compress = False
        if stream.extra.get("Type") == "/EmbeddedFile" and not _shrinks(raw[:_SAMPLE]):
            stream.stream = [raw]
            continue
        compressor = zlib.compressobj(level=_COMPRESSION_LEVEL)
        stream.stream = [compressor.compress(raw) + compressor.flush()]
        stream.extra["Filter"] = "/FlateDecode"


def _shrinks(sample: bytes) -> bool:
    """Whether compression makes ``sample`` at least a twentieth smaller."""
    return len(zlib.compress(sample, 1)) < 0.95 * len(sample)


# ---------------------------------------------------------------------------- resources


@cache
def _template():
    """The trail's template. Lines holding only a ``{% ... %}`` tag leave nothing behind
    (``trim_blocks``, ``lstrip_blocks``): white space between blocks and table cells is not
    rendered, but WeasyPrint would still parse it and make boxes of it."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES),
                              autoescape=select_autoescape(["html"]),
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters["figures"] = _figures
    return environment.get_template("trail.html")


def _figures(number: int, digits: int) -> str:
    """``number`` right-aligned in ``digits`` digits, padded with figure spaces (U+2007,
    exactly as wide as a digit in every font that has it, the bundled ones included)."""
    text = str(number)
    return "\u2007" * (digits - len(text)) + text


_WHITE_SPACE = re.compile(r"[ \t\r\n]+")
# White space on either side of a tag that starts or ends a block (or a table's part):
# never shown, since a line drops its leading and trailing spaces.
_AROUND_BLOCK_TAGS = re.compile(
    r" ?(</?(?:html|head|meta|title|body|div|h1|h2|p|ul|li|table|colgroup|col|thead|tbody|tr|th"
    r"|td)\b"
    r"[^>]*>) ?")


def _compact(html: str) -> str:
    """The rendered template as WeasyPrint lays it out fastest, and exactly as it would
    have: every run of white space made one space (no element of the trail keeps white
    space, so that is how it is shown anyway; a line feed in a comment too), none left
    beside the tags of blocks and table cells, then every ``<br>`` made a line feed, which
    the body's ``white-space: pre-line`` (trail.css) breaks the line at. A ``<br>`` costs
    WeasyPrint three boxes and a text layout (the element, its ``::before`` and the line
    feed in it); a line feed costs nothing, and the trail has dozens of them: a tenth of the
    render. White space between tags is a text box WeasyPrint makes and then drops; and a
    space closing a table cell can make WeasyPrint break the line after its first word
    when the text just fits. (So the template must hold no ``<pre>``, and the cells that
    keep their white space, ``.when``, hold single spaces and a tab written ``&#9;``.)"""
    return _AROUND_BLOCK_TAGS.sub(r"\1", _WHITE_SPACE.sub(" ", html)).replace("<br>", "\n")


# Pseudo-elements that WeasyPrint's user-agent stylesheet gives to every element. Each rule
# makes WeasyPrint compute one more style per element: six per element, about 3,000 per
# trail, a tenth of the render time or more. The trail has no footnotes and no notes; only its list
# items have markers.
_EVERY_ELEMENT_PSEUDO = {"::footnote-call", "::footnote-marker", "::note-call",
                         "::note-marker", "::note-callback"}
_MARKER_SELECTOR = {"::marker": "li::marker"}


@cache
def _user_agent_stylesheet() -> CSS:
    """WeasyPrint's own user-agent stylesheet (the default look of HTML elements), less its
    rules for the pseudo-elements of every element (:data:`_EVERY_ELEMENT_PSEUDO`), with
    ``::marker`` kept for list items. Derived from the installed WeasyPrint, so that it
    follows its upgrades; it renders the trail exactly as the full one does."""
    kept = []
    for rule in tinycss2.parse_stylesheet(WEASYPRINT_UA, skip_comments=True,
                                          skip_whitespace=True):
        if rule.type == "qualified-rule":
            selector = tinycss2.serialize(rule.prelude).strip()
            if selector in _EVERY_ELEMENT_PSEUDO:
                continue
            if selector in _MARKER_SELECTOR:
                declarations = tinycss2.serialize(rule.content)
                kept.append(f"{_MARKER_SELECTOR[selector]} {{{declarations}}}")
                continue
        kept.append(rule.serialize())
    # Its @counter-style rules are already known to every document (WeasyPrint registers
    # them once); a counter-style registry of its own keeps the shared one untouched.
    return CSS(string="\n".join(kept), counter_style=CounterStyle())


class _TrailHTML(HTML):
    """The trail's HTML, read by :func:`_element_tree` and laid out with
    :func:`_user_agent_stylesheet`.

    ``_ua_stylesheets`` is the hook through which WeasyPrint takes its user-agent stylesheet
    (its own test suite replaces it the same way). Were a later WeasyPrint to drop it, the
    trail would be rendered with the full stylesheet: the same document, only slower.
    WeasyPrint keeps the parsed document as ``wrapper_element`` and ``etree_element``."""

    def __init__(self, html: str, base_url: str) -> None:
        tree = _element_tree(html)
        if tree is not None:
            super().__init__(string=_EMPTY_HTML, base_url=base_url)
            if hasattr(self, "wrapper_element") and hasattr(self, "etree_element"):
                self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                    tree, content_language=None)
                self.etree_element = self.wrapper_element.etree_element
                return
        # Not well-formed XML, or a WeasyPrint that keeps its tree elsewhere: its own parser.
        super().__init__(string=html, base_url=base_url)

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [_user_agent_stylesheet()]


_EMPTY_HTML = "<html><head></head><body></body></html>"


def _element_tree(html: str) -> ElementTree.Element | None:
    """The trail's HTML as the tree WeasyPrint's HTML5 parser (tinyhtml5) would build, in
    half a millisecond instead of twenty: the template writes well-formed XML (``<meta/>``, every
    ``<tbody>``, no entity but XML's), which Python's C XML parser reads to the same
    elements, attributes and texts. None when it cannot (a character XML forbids, such as
    a control character in a comment): the HTML5 parser then reads it."""
    try:
        # the template's own output, every value escaped: no DOCTYPE or entity declaration
        # can reach it (and expat refuses external entities regardless)
        return ElementTree.fromstring(html)  # nosec B314
    except ElementTree.ParseError:
        return None


class _CollectorPause:
    """No automatic cyclic garbage collection while WeasyPrint lays out and writes a trail.

    A trail makes some hundred thousand short-lived objects; each time their count passes
    the collector's threshold it walks the young objects, and about once a trail every object
    of the worker (hundreds of thousands: SQLAlchemy, pyHanko, fonts…), which costs a fifth of
    the render. Reference counting still frees the trail's objects as they go; the few
    cycles wait for the next collection after the render. Threads that render together share
    one pause, and the collector is turned back on only if it was on before the first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._renders = 0
        self._was_enabled = False

    def __enter__(self) -> None:
        with self._lock:
            if self._renders == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._renders += 1

    def __exit__(self, *_exc: object) -> None:
        with self._lock:
            self._renders -= 1
            if self._renders == 0 and self._was_enabled:
                gc.enable()


_collector_paused = _CollectorPause()


_local = threading.local()


def _resources() -> tuple[FontConfiguration, CSS]:
    """The font configuration and the base stylesheet with the bundled font faces, made once
    per thread (WeasyPrint's font configuration wraps Pango objects that threads must not
    share)."""
    if not hasattr(_local, "resources"):
        fonts = FontConfiguration()
        faces = "\n".join(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
            f'src: url("{(FONTS / filename).as_uri()}"); }}'
            for family, weight, filename in _FONT_FACES)
        css = (TEMPLATES / "trail.css").read_text(encoding="utf-8")
        _local.resources = fonts, CSS(string=faces + "\n" + css, base_url=str(TEMPLATES),
                                      font_config=fonts)
    return _local.resources


# The width of "2026-03-02 09:00:00 UTC" in the bundled sans-serif face, in digit widths
# (``ch``), and the room kept after it. With an em space (1.57 ch) after an event's number,
# the timeline's first column holds the number's digits and 24 ch.
_TIME_WIDTH_CH = 20.4
_AFTER_NUMBER_CH = 1.6
_GAP_CH = 2


def _page_css(content: dict, locale: str) -> str:
    """The running header and footer texts (margin boxes take their text from CSS), and the
    width of the timeline's first column: the largest event number's digits, then the time
    (trail.css, ``.when``)."""
    title = t("doc.title", locale) + " · " + t("doc.subtitle", locale,
                                               process=content["process_name"],
                                               instance=content["instance_id"])
    if content["provisional"]:  # every page says so, in words a text extractor finds too
        title = t("doc.provisional", locale, time=content["generated_at"]) + " · " + title
    footer = t("doc.footer", locale, instance=content["instance_id"],
               head=content["chain"]["head"][:16] + "…")
    page, of = t("doc.page", locale), t("doc.of", locale)
    digits = max([1] + [len(str(event["seq"])) for event in content["timeline"]])
    first = round(digits + _AFTER_NUMBER_CH + _TIME_WIDTH_CH + _GAP_CH)
    return (f"@page {{ @top-left {{ content: {css_string(title)}; }}\n"
            f"  @bottom-left {{ content: {css_string(footer)}; }}\n"
            f"  @bottom-right {{ content: {css_string(page)} counter(page) {css_string(of)} "
            f"counter(pages); }} }}\n"
            f"table.timeline col.when {{ width: {first}ch; }}\n"
            f"table.timeline .when {{ tab-size: {first}ch; text-indent: -{first}ch; "
            f"padding-left: calc(1.5mm + {first}ch); }}")


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\A ").replace("\r", ""))
    return f'"{escaped}"'
