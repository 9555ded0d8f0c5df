"""HTML bodies as plain text, for replies that come without a text/plain part.

The text must keep what the rule chain reads: line breaks where the reader sees them and ``> ``
before the lines of a ``<blockquote>``, so that quoted text stays recognisable as quoted.
:class:`HtmlText` lets ``mail.quoting`` drop or cut at the elements that hold the quoted
original, which the HTML structure shows more reliably than the text does.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "tr", "li", "ul", "ol", "table", "blockquote", "pre", "hr", "dl", "dt",
           "dd", "section", "article", "header", "footer", "address", "center", "form",
           "fieldset", "h1", "h2", "h3", "h4", "h5", "h6", "body", "caption", "tbody", "thead"}
_HIDDEN = {"script", "style", "head", "title", "noscript", "template", "xml", "svg"}


class HtmlText(HTMLParser):
    """HTML as plain text: line breaks at ``<br>`` and block elements, ``> `` before lines of a
    ``<blockquote>`` so quoted text stays recognisable. Subclasses decide, per element, to
    ``"drop"`` it with its content or ``"cut"`` the text there (see ``mail.quoting``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line = ""
        self.depth = 0  # blockquote depth
        self.pre = 0
        self.hidden: list[str] = []
        self.dropping: tuple[str, int] | None = None  # tag, nesting
        self.stopped = False
        self.structure = False  # True once classify() recognised something

    def classify(self, tag: str, attrs: dict[str, str]) -> str | None:
        return None

    def text(self) -> str:
        self.newline()
        joined = "\n".join(line.rstrip() for line in self.lines)
        return re.sub(r"\n{3,}", "\n\n", joined).strip("\n")

    def newline(self, force: bool = False) -> None:
        """End the current line; ``force`` keeps an empty one (``<br>`` on an empty line)."""
        if self.line.strip():
            line = self.line if self.pre else self.line.strip(" ")
            self.lines.append("> " * self.depth + line)
        elif force:
            self.lines.append(">" * self.depth)
        self.line = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stopped:
            return
        if self.dropping is not None:
            if tag == self.dropping[0]:
                self.dropping = (tag, self.dropping[1] + 1)
            return
        if tag in _HIDDEN:
            self.hidden.append(tag)
            return
        if tag == "body" and "head" in self.hidden:  # a <head> never closed
            self.hidden.clear()
        verdict = self.classify(tag, {key: value or "" for key, value in attrs})
        if verdict is not None:
            self.structure = True
            if verdict == "cut":
                self.stopped = True
                return
            if tag not in ("br", "hr", "img", "meta", "link", "input", "wbr"):
                self.dropping = (tag, 1)
            return
        if tag == "br":
            self.newline(force=True)
        elif tag in _BLOCKS:
            self.newline()
            if tag == "blockquote":
                self.depth += 1
            elif tag == "pre":
                self.pre += 1
            elif tag == "li":
                self.line = "- "
        elif tag in ("td", "th") and self.line.strip():
            self.line += " "

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr", "img", "meta", "link", "input", "wbr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stopped:
            return
        if self.dropping is not None:
            if tag == self.dropping[0]:
                nesting = self.dropping[1] - 1
                self.dropping = (tag, nesting) if nesting else None
            return
        if self.hidden:
            if tag in self.hidden:
                del self.hidden[self.hidden.index(tag):]
            return
        if tag in _BLOCKS:
            self.newline()
            if tag == "blockquote" and self.depth:
                self.depth -= 1
            elif tag == "pre" and self.pre:
                self.pre -= 1

    def handle_data(self, data: str) -> None:
        if self.stopped or self.dropping is not None or self.hidden:
            return
        data = data.replace("\xa0", " ")
        if self.pre:
            chunks = data.split("\n")
            for chunk in chunks[:-1]:
                self.line += chunk
                self.newline()
            self.line += chunks[-1]
            return
        data = re.sub(r"[ \t\r\n\f]+", " ", data)
        if not self.line.strip():
            data = data.lstrip()
        elif self.line.endswith(" ") and data.startswith(" "):
            data = data[1:]
        self.line += data


def convert_html(html: str, converter: HtmlText) -> HtmlText:
    """Feed ``html`` to ``converter``; broken HTML gives whatever was read before the break."""
    try:
        converter.feed(html)
        converter.close()
    except Exception:  # noqa: BLE001, S110 - HTMLParser is lenient; this is the last resort
        pass
    return converter


def html_to_text(html: str) -> str:
    return convert_html(html, HtmlText()).text()
