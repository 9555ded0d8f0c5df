"""The facts a trail carries about itself, in its document information dictionary.

:func:`approvals.trail.render.render_trail` writes them; :func:`read_facts` reads them back
(the verifier compares them with the stored audit chain; storage can index by them). They are
also printed on the pages, so a reader without tools sees the same values.
"""

from __future__ import annotations

from dataclasses import dataclass

INSTANCE = "SignoffInstance"
CHAIN_HEAD = "SignoffChainHead"
EVENT_COUNT = "SignoffEventCount"
KIND = "SignoffTrail"  # "final" or "provisional"
GENERATED_AT = "SignoffGeneratedAt"  # ISO 8601 UTC
LOCALE = "SignoffLocale"
PROBLEMS = "SignoffProblems"  # present only when something could not be shown as it should

FINAL = "final"
PROVISIONAL = "provisional"


@dataclass(frozen=True)
class TrailFacts:
    instance_id: int
    chain_head: str
    event_count: int
    kind: str
    generated_at: str
    locale: str
    problems: str = ""

    @property
    def provisional(self) -> bool:
        return self.kind != FINAL


def facts_from_info(info: dict[str, str]) -> TrailFacts | None:
    """The facts from an information dictionary (keys without the leading slash); None when
    it is not a Signoff trail's."""
    try:
        return TrailFacts(instance_id=int(info[INSTANCE]), chain_head=str(info[CHAIN_HEAD]),
                          event_count=int(info[EVENT_COUNT]), kind=str(info[KIND]),
                          generated_at=str(info.get(GENERATED_AT, "")),
                          locale=str(info.get(LOCALE, "")),
                          problems=str(info.get(PROBLEMS, "")))
    except (KeyError, ValueError, TypeError):
        return None


def read_facts(pdf: bytes) -> TrailFacts | None:
    """The facts of a trail's bytes; None for a PDF that is not a Signoff trail.

    Raises whatever the PDF reader raises for bytes that are not a readable PDF."""
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(pdf), strict=False)
    return facts_of_reader(reader)


def facts_of_reader(reader) -> TrailFacts | None:
    try:
        info = reader.trailer["/Info"].get_object()
    except KeyError:
        return None
    return facts_from_info({str(key).lstrip("/"): str(value) for key, value in info.items()})
