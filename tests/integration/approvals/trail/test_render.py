"""The renderer's shortcuts change nothing a reader or a verifier sees.

``render.py`` reads the template's output with Python's XML parser instead of WeasyPrint's
HTML5 parser (twenty times faster), and falls back to the HTML5 parser when the text is not
well-formed XML. Both paths must give the same document, byte for byte.
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from approvals.trail import render
from tests.integration.approvals.trail.test_content import render as render_pdf


@pytest.mark.parametrize("options", [{"locale": "ru"}, {"locale": "en"},
                                     {"locale": "en", "provisional": True}])
def test_the_fast_parse_and_weasyprints_own_give_the_same_pdf(
        db: Engine, completed: int, options: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = []
    real = render._element_tree
    monkeypatch.setattr(render, "_element_tree", lambda html: parsed.append(real(html)) or
                        parsed[-1])
    fast = render_pdf(db, completed, **options)
    assert parsed and parsed[-1] is not None  # the template's output is read as XML
    monkeypatch.setattr(render, "_element_tree", lambda html: None)
    assert render_pdf(db, completed, **options) == fast


def test_text_that_is_not_well_formed_xml_goes_to_the_html5_parser() -> None:
    assert render._element_tree("<html><body><p>a &nbsp; b</p></body></html>") is None
    assert render._element_tree("<html><body><p>\x01</p></body></html>") is None
    tree = render._element_tree("<html><body><p class='x'>a &amp; b</p></body></html>")
    assert tree is not None and tree.find("body/p").text == "a & b"
