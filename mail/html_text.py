"""HTML bodies as plain text, for replies that come without a text/plain part.

The text must keep what the rule chain reads: line breaks where the reader sees them and ``> ``
before the lines of a ``<blockquote>``, so that quoted text stays recognisable as quoted.
:class:`HtmlText` lets ``mail.quoting`` drop or cut at the elements that hold the quoted
original, which the HTML structure shows more reliably than the text does.

Linear in the input, whatever it holds: the current line is a list of pieces joined once when
it ends, and :func:`tame` first takes out what makes the standard library's parser scan to the
end of the input again and again (comments, declarations and a ``<`` that opens no tag).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "tr", "li", "ul", "ol", "table", "blockquote", "pre", "hr", "dl", "dt",
           "dd", "section", "article", "header", "footer", "address", "center", "form",
           "fieldset", "h1", "h2", "h3", "h4", "h5", "h6", "body", "caption", "tbody", "thead"}
_HIDDEN = {"script", "style", "head", "title", "noscript", "template", "xml", "svg"}
#: ``> `` marks written before a line at most: deeper quotes read as this deep
_MAX_DEPTH = 20
_SPACES = re.compile(r"[ \t\r\n\f]+")
#: ``<!…>``: a declaration or a marked section (``<![if !vml]>``), read as nothing
_DECLARATION = re.compile(r"<![^<>]*>")
#: a ``<`` that no ``>`` closes before the next ``<``: text, not the start of a tag
_OPEN_ANGLE = re.compile(r"<(?=[^<>]*(?:<|\Z))")


def tame(html: str) -> str:
    """``html`` as a browser shows it, in a form ``HTMLParser`` reads in linear time.

    The parser looks for the end of a comment, a marked section or a tag from where it starts
    to the end of the input, and does that again at the next start when there is none: a few
    megabytes of ``<!--`` or ``<a `` take hours. So comments go (an unclosed one hides the
    rest, as in a browser), declarations and marked sections go, and a ``<`` that is not
    closed before the next ``<`` becomes ``&lt;`` (text)."""
    pieces, position = [], 0
    while True:
        start = html.find("<!--", position)
        if start < 0:
            pieces.append(html[position:])
            break
        pieces.append(html[position:start])
        end = html.find("-->", start + 2)
        if end < 0:
            break
        position = end + 3
    return _OPEN_ANGLE.sub("&lt;", _DECLARATION.sub("", "".join(pieces)))


class HtmlText(HTMLParser):
    """HTML as plain text: line breaks at ``<br>`` and block elements, ``> `` before lines of a
    ``<blockquote>`` so quoted text stays recognisable. Subclasses decide, per element, to
    ``"drop"`` it with its content or ``"cut"`` the text there (see ``mail.quoting``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []  # the pieces of the current line
        self.line_has_text = False  # something but spaces in it
        self.depth = 0  # blockquote depth
        self.pre = 0
        self.hidden: list[str] = []
        self.hidden_first: dict[str, int] = {}  # tag → its outermost place in ``hidden``
        self.dropping: tuple[str, int] | None = None  # tag, nesting
        self.stopped = False
        self.structure = False  # True once classify() recognised something

    def classify(self, tag: str, attrs: dict[str, str]) -> str | None:
        return None

    def text(self) -> str:
        self.newline()
        joined = "\n".join(line.rstrip() for line in self.lines)
        return re.sub(r"\n{3,}", "\n\n", joined).strip("\n")

    def add(self, piece: str) -> None:
        if piece:
            self.line.append(piece)
            self.line_has_text = self.line_has_text or not piece.isspace()

    def newline(self, force: bool = False) -> None:
        """End the current line; ``force`` keeps an empty one (``<br>`` on an empty line)."""
        depth = min(self.depth, _MAX_DEPTH)
        if self.line_has_text:
            line = "".join(self.line)
            self.lines.append("> " * depth + (line if self.pre else line.strip(" ")))
        elif force:
            self.lines.append(">" * depth)
        self.line, self.line_has_text = [], False

    def _hide(self, tag: str) -> None:
        self.hidden_first.setdefault(tag, len(self.hidden))
        self.hidden.append(tag)

    def _unhide(self, tag: str) -> None:
        """Close ``tag`` and every hidden element opened inside it."""
        first = self.hidden_first[tag]
        for inner in self.hidden[first:]:
            if self.hidden_first.get(inner, -1) >= first:
                del self.hidden_first[inner]
        del self.hidden[first:]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stopped:
            return
        if self.dropping is not None:
            if tag == self.dropping[0]:
                self.dropping = (tag, self.dropping[1] + 1)
            return
        if tag in _HIDDEN:
            self._hide(tag)
            return
        if tag == "body" and "head" in self.hidden_first:  # a <head> never closed
            self.hidden.clear()
            self.hidden_first.clear()
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
                self.add("- ")
        elif tag in ("td", "th") and self.line_has_text:
            self.add(" ")

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
            if tag in self.hidden_first:
                self._unhide(tag)
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
                self.add(chunk)
                self.newline()
            self.add(chunks[-1])
            return
        data = _SPACES.sub(" ", data)
        if not self.line_has_text:
            data = data.lstrip()
        elif self.line[-1].endswith(" ") and data.startswith(" "):
            data = data[1:]
        self.add(data)


def convert_html(html: str, converter: HtmlText) -> HtmlText:
    """Feed ``html`` to ``converter``; broken HTML gives whatever was read before the break."""
    try:
        converter.feed(tame(html))
        converter.close()
    except Exception:  # noqa: BLE001, S110  # nosec B110  # HTMLParser is lenient; last resort
        pass
    return converter


def html_to_text(html: str) -> str:
    return convert_html(html, HtmlText()).text()
