"""The trail as an unsigned PDF/A-3b: HTML and CSS rendered by WeasyPrint.

The fonts are the bundled DejaVu files (``fonts/``), so Cyrillic looks the same on every
machine. The final version of each document is embedded as an associated file
(``AFRelationship /Source``). The instance, the chain head and the event count go into the
document information dictionary under the keys of :mod:`approvals.trail.facts`, where
:func:`approvals.trail.verify.verify_trail` reads them back.
"""

from __future__ import annotations

import io
import logging
import threading
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pydyf
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlmodel import Session
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration

from approvals.errors import TrailNotFinal
from approvals.trail import facts
from approvals.trail.content import Embedded, collect
from approvals.trail.i18n import normalize, organisation_locale, t

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
FONTS = HERE / "fonts"
PDF_VARIANT = "pdf/a-3b"
log = logging.getLogger("signoff.trail")

_FONT_FACES = (("Signoff Sans", "normal", "DejaVuSans.ttf"),
               ("Signoff Sans", "bold", "DejaVuSans-Bold.ttf"),
               ("Signoff Mono", "normal", "DejaVuSansMono.ttf"))


def render_trail(session: Session, instance_id: int, *, provisional: bool = False,
                 locale: str | None = None, generated_at: datetime) -> bytes:
    """The unsigned PDF/A-3b trail of ``instance_id`` in the organisation's language.

    A final trail (``provisional=False``) is for an instance that has ended; a provisional
    one, for any instance, is marked as such on every page and in its metadata, and
    :func:`approvals.trail.sign.sign_trail` refuses it.
    """
    locale = normalize(locale) if locale else organisation_locale()
    generated_at = generated_at.astimezone(UTC) if generated_at.tzinfo \
        else generated_at.replace(tzinfo=UTC)
    content, embedded = collect(session, instance_id, locale, provisional, generated_at)
    if not provisional and content["status"] == "running":
        raise TrailNotFinal(f"instance {instance_id} is still running: only a provisional "
                            "trail can be made of it", instance=instance_id)
    for problem in content["problems"]:
        log.warning("trail of instance %s: %s", instance_id, problem)
    html = _template().render(c=content, t=lambda key, **p: t(key, locale, **p),
                              created=generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    fonts, base_css = _resources()
    document = HTML(string=html, base_url=str(TEMPLATES)).render(
        stylesheets=[base_css, CSS(string=_page_css(content, locale))], font_config=fonts)
    info = {facts.INSTANCE: str(instance_id), facts.CHAIN_HEAD: content["chain"]["head"],
            facts.EVENT_COUNT: str(content["chain"]["count"]),
            facts.KIND: facts.PROVISIONAL if provisional else facts.FINAL,
            facts.GENERATED_AT: generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            facts.LOCALE: locale}
    if content["problems"]:
        info[facts.PROBLEMS] = " | ".join(content["problems"])
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
    - WeasyPrint lists each associated file twice in the catalogue's ``/AF``: once is enough.
    """
    for key, value in info.items():
        pdf.info[key] = pydyf.String(value)
    pdf.info.pop("Producer", None)
    if "AF" in pdf.catalog:
        unique = list(dict.fromkeys(pdf.catalog["AF"]))
        pdf.catalog["AF"] = pydyf.Array(unique)


# ---------------------------------------------------------------------------- resources


@cache
def _template():
    environment = Environment(loader=FileSystemLoader(TEMPLATES),
                              autoescape=select_autoescape(["html"]))
    return environment.get_template("trail.html")


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


def _page_css(content: dict, locale: str) -> str:
    """The running header and footer texts (margin boxes take their text from CSS)."""
    title = t("doc.title", locale) + " · " + t("doc.subtitle", locale,
                                               process=content["process_name"],
                                               instance=content["instance_id"])
    if content["provisional"]:  # every page says so, in words a text extractor finds too
        title = t("doc.provisional", locale, time=content["generated_at"]) + " · " + title
    footer = t("doc.footer", locale, instance=content["instance_id"],
               head=content["chain"]["head"][:16] + "…")
    page, of = t("doc.page", locale), t("doc.of", locale)
    return (f"@page {{ @top-left {{ content: {css_string(title)}; }}\n"
            f"  @bottom-left {{ content: {css_string(footer)}; }}\n"
            f"  @bottom-right {{ content: {css_string(page)} counter(page) {css_string(of)} "
            f"counter(pages); }} }}")


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\A ").replace("\r", ""))
    return f'"{escaped}"'
