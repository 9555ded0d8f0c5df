"""Reading an inbound email into what the rule chain needs, whatever state the email is in.

Replies come from every kind of client, and many are broken: no charset or a wrong one (Russian
mail in windows-1251 or koi8-r declared as us-ascii, or not declared at all), truncated base64,
multiparts without a boundary, 8-bit headers. A reply that cannot be read must still be stored,
marked and answered, so :func:`parse` never raises: it returns what it could read and lists
what it repaired in ``defects``.

The structure is parsed with the ``compat32`` policy (it keeps broken headers as they came,
where the default policy may raise on access); headers and bodies are decoded here, so that a
wrong or missing charset can be repaired: the declared charset first, then detection with
``charset_normalizer`` checked against the letter statistics of Russian text (on a few words it
cannot tell windows-1251 from koi8-r alone).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import functools
import math
import mimetypes
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from html.parser import HTMLParser

import charset_normalizer


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Parsed:
    message: Message
    message_id: str | None = None
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_address: str | None = None
    from_name: str = ""
    from_problem: str | None = None
    text: str = ""
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    #: True when there was no text/plain body and ``text`` was converted from ``html``
    text_from_html: bool = False


# --- charsets ---------------------------------------------------------------------------------

_ALIASES = {"win-1251": "cp1251", "win1251": "cp1251", "cp-1251": "cp1251",
            "windows1251": "cp1251", "x-cp1251": "cp1251", "koi8r": "koi8-r",
            "koi-8-r": "koi8-r", "koi8": "koi8-r", "utf8": "utf-8",
            "x-mac-cyrillic": "mac-cyrillic", "unicode-1-1-utf-8": "utf-8",
            "iso-8859-8-i": "iso8859-8",
            # as browsers do: mail declared latin-1 is written in windows-1252
            "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252",
            "latin1": "cp1252", "l1": "cp1252"}
_CYRILLIC_CODECS = ("cp1251", "koi8-r", "koi8-u", "iso8859-5", "cp866", "mac-cyrillic")
#: letter frequencies of Russian text, per cent
_RU_FREQ = {"о": 10.97, "е": 8.45, "а": 8.01, "и": 7.35, "н": 6.70, "т": 6.26, "с": 5.47,
            "р": 4.73, "в": 4.54, "л": 4.40, "к": 3.49, "м": 3.21, "д": 2.98, "п": 2.81,
            "у": 2.62, "я": 2.01, "ы": 1.90, "ь": 1.74, "г": 1.70, "з": 1.65, "б": 1.59,
            "ч": 1.44, "й": 1.21, "х": 0.97, "ж": 0.94, "ш": 0.73, "ю": 0.64, "ц": 0.48,
            "щ": 0.36, "э": 0.32, "ф": 0.26, "ъ": 0.04, "ё": 0.04}
_RU_LOG = {letter: math.log(share) for letter, share in _RU_FREQ.items()}
_RU_RARE = math.log(0.02)
#: the most frequent letter pairs of Russian business mail
_RU_PAIRS = frozenset("""
ен ов пр по на но ни ро от ст та го ра ла ер со ва то ог ит ть ом ре ат ле те об ан ос ав ме тр
ка ве же ед до де од ор не ру ак ко ди пл вл ес ия ри ие уд ас ви во оп ет бо ей мо нт тв ут ую
ел за ло ож сл ки ис ал ты ет ту ля дн ол лу че су он ем пе си вс ду бр гл вк ег му ек кт ок че
аб оч чи уч нн тс из ин вы зн ик ию ма да мы ше дл ющ ще чт ый нь ош шу ап дп пи сь ге ль ир ср
сч ся ят пу ой йс ти им ку ум ем ву ют ли ца аз ии еж ае ус ск сп ая яв ое лн ил па се жа щи см
""".split())
_RU_PAIR_FINDER = re.compile("(?=" + "|".join(
    first + "[" + "".join(sorted(pair[1] for pair in _RU_PAIRS if pair[0] == first)) + "]"
    for first in sorted({pair[0] for pair in _RU_PAIRS})) + ")")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
_LATIN = re.compile("[A-Za-z]")
_WORD = re.compile(r"[^\W\d_]+")
_SAMPLE = 2000  # bytes (or characters) enough to tell a charset; the reply's own text is first


def codec_name(charset: str | None) -> str | None:
    """Python's text codec for a declared charset, or None when it is unknown."""
    if not charset:
        return None
    name = str(charset).strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        b"".decode(name)  # LookupError for unknown names and for non-text codecs (base64...)
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


@functools.lru_cache(maxsize=64)
def _single_byte(codec: str) -> bool:
    return len(bytes(range(256)).decode(codec, "replace")) == 256


def _mostly_utf8(data: bytes) -> bool:
    """Valid UTF-8 with non-ASCII text; a character cut off at the end and the odd broken one
    are forgiven (text in a single-byte Cyrillic charset almost never forms valid UTF-8)."""
    try:
        data.decode("utf-8")
        return not data.isascii()
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.start >= len(data) - 3:
            head = data[:error.start]
            return not head.isascii()  # the rest decoded cleanly: the error was the cut
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f" and ch != "\ufffd")
    return good > 0 and good >= 3 * bad


def _russian_score(text: str) -> float:
    """How much ``text`` looks like Russian: higher is better. Mis-decoded Cyrillic has rare
    letters and letter pairs, capitals inside lower-case words, Cyrillic and Latin letters in
    one word, box-drawing and control characters."""
    sample = text[:_SAMPLE]
    lower = sample.lower()
    total = 0.0
    for ch, count in Counter(lower).items():
        if "\u0400" <= ch <= "\u04ff":
            total += count * _RU_LOG.get(ch, _RU_RARE)
        elif not ch.isascii() and ch.isalpha():
            total -= 3 * count
        elif "\x80" <= ch <= "\xbf" or "\u2500" <= ch <= "\u259f" or ch == "\ufffd":
            total -= 8 * count
    total += 1.5 * len(_RU_PAIR_FINDER.findall(lower.replace("ё", "е")))
    for word in _WORD.findall(sample):
        if not (word.islower() or word.isupper() or word.istitle()):
            total -= 3 * len(word)  # "яНЦКЮЯНБЮМН": koi8-r read as windows-1251
        if not word.isascii() and _LATIN.search(word):
            total -= 6 * min(len(_LATIN.findall(word)), len(word) - len(_LATIN.findall(word)))
    return total


def _reads_russian(text: str) -> bool:
    sample = text[:_SAMPLE]
    letters = sum(1 for ch in sample if not ch.isascii())
    return letters > 0 and _russian_score(sample) / letters >= 2


def _cyrillic_share(text: str) -> float:
    """The share of Cyrillic among the non-ASCII letters (a Russian file name in an ASCII
    header is Cyrillic text)."""
    sample = text[:_SAMPLE]
    return len(_CYRILLIC.findall(sample)) / max(len(_NON_ASCII_LETTER.findall(sample)), 1)


def _normalizer_guess(data: bytes) -> str | None:
    try:
        best = charset_normalizer.from_bytes(data[:65536]).best()
    except Exception:  # noqa: BLE001 - detection is a best effort
        return None
    return codec_name(best.encoding) if best is not None else None


def detect_charset(data: bytes) -> str:
    """The codec ``data`` is most likely in: UTF-8 when it is valid, else windows-1251 or
    koi8-r when that reads as Russian, else charset_normalizer's guess (asked only then: it is
    slow, and on a few words it cannot tell windows-1251 from koi8-r)."""
    if data.isascii():
        return "ascii"
    if _mostly_utf8(data):
        return "utf-8"
    sample = data[:_SAMPLE]
    high = sum(1 for byte in sample if byte > 0x7F)
    options = ["cp1251", "koi8-r"]
    scores = {codec: _russian_score(sample.decode(codec, "replace")) / high
              for codec in options if _cyrillic_share(sample.decode(codec, "replace")) >= 0.5}
    best = max(scores, key=lambda codec: (scores[codec], -options.index(codec)), default=None)
    if best is not None and scores[best] > 0:
        return best
    guess = _normalizer_guess(data)
    if guess and _single_byte(guess) and guess not in options:
        text = sample.decode(guess, "replace")
        if _cyrillic_share(text) >= 0.5:
            scores[guess] = _russian_score(text) / high
            best = max(scores, key=lambda codec: scores[codec])
    if best is not None and (guess is None or scores[best] > -2):
        return best
    return guess or "cp1252"


def _latin_mojibake(text: str) -> bool:
    """Words made of accented Latin letters: Cyrillic or UTF-8 read as latin-1/cp1252."""
    letters = [ch for ch in text[:_SAMPLE] if ch.isalpha()]
    accented = sum(1 for ch in letters if "\xc0" <= ch <= "\xff")
    return accented > 0 and accented / len(letters) > 0.4


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """``data`` as text, and a note when the declared charset was missing or wrong.

    The declared charset is trusted when it decodes cleanly and the result looks like text;
    8-bit bytes declared as us-ascii or not declared, an unknown charset, undecodable bytes
    and mojibake (valid UTF-8 declared as a single-byte charset, koi8-r declared as
    windows-1251...) go to detection."""
    codec = codec_name(declared)
    if data.isascii() and (codec is None or _single_byte(codec) or codec == "utf-8"):
        return data.decode("ascii"), None
    if codec is not None and codec != "ascii":
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            text = None
        if text is not None:
            if codec == "utf-8" or not _single_byte(codec):
                return text, None
            if codec in _CYRILLIC_CODECS and not _mostly_utf8(data) and _reads_russian(text):
                return text, None  # the common case, decided without the slower detection
            found = detect_charset(data)
            if found == "utf-8":
                return _repaired(data, declared, found)
            if codec in _CYRILLIC_CODECS and found in _CYRILLIC_CODECS and found != codec:
                sample = data[:_SAMPLE]
                high = sum(1 for byte in sample if byte > 0x7F)
                gain = (_russian_score(sample.decode(found, "replace"))
                        - _russian_score(sample.decode(codec, "replace"))) / high
                if gain > 1.0:  # the declared one is given the benefit of the doubt
                    return _repaired(data, declared, found)
            elif (codec not in _CYRILLIC_CODECS and found != codec and _latin_mojibake(text)
                  and not _latin_mojibake(data.decode(found, "replace"))):
                return _repaired(data, declared, found)
            return text, None
    return _repaired(data, declared, detect_charset(data))


def _repaired(data: bytes, declared: str | None, found: str) -> tuple[str, str]:
    if codec_name(declared) == found:
        return data.decode(found, "replace"), f"{declared}: undecodable bytes replaced"
    said = f"declared {declared}" if declared else "no charset declared"
    return data.decode(found, "replace"), f"{said}, read as {found}"


# --- headers ----------------------------------------------------------------------------------

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", value).replace("\r", "").replace("\n", "")


def _raw_to_text(segment: str) -> str:
    """A header segment as read from bytes: 8-bit characters arrive as surrogate escapes."""
    if not any("\udc80" <= ch <= "\udcff" for ch in segment):
        return segment
    return decode_bytes(segment.encode("utf-8", "surrogateescape"), None)[0]


def _word_bytes(encoding: str, payload: str) -> bytes | None:
    raw = payload.encode("ascii", "surrogateescape")
    try:
        if encoding in "qQ":
            return binascii.a2b_qp(raw, header=True)
        raw = re.sub(rb"[^A-Za-z0-9+/]", b"", raw)
        raw = raw[:len(raw) - len(raw) % 4 if len(raw) % 4 == 1 else len(raw)]
        return base64.b64decode(raw + b"=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        return None


def decode_header_value(value: object) -> str:
    """A header's text: RFC 2047 encoded words decoded (adjacent words of one charset joined
    before decoding, as clients split multi-byte characters between them), raw 8-bit text
    decoded with detection, folding undone. Never raises."""
    text = _unfold(value if isinstance(value, str) else str(value))
    out: list[str] = []
    pending: tuple[str, bytes] | None = None  # charset, bytes of adjacent encoded words
    position = 0

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            out.append(decode_bytes(pending[1], pending[0])[0])
            pending = None

    for match in _ENCODED_WORD.finditer(text):
        gap = text[position:match.start()]
        charset = match[1].split("*", 1)[0]
        data = _word_bytes(match[2], match[3])
        position = match.end()
        after_word = pending is not None and not gap.strip()  # RFC 2047: that space goes
        if data is None:
            flush()
            out.append(("" if after_word else _raw_to_text(gap)) + match[0])
        elif after_word and pending is not None and pending[0].lower() == charset.lower():
            pending = (pending[0], pending[1] + data)
        else:
            flush()
            if not after_word:
                out.append(_raw_to_text(gap))
            pending = (charset, data)
    flush()
    out.append(_raw_to_text(text[position:]))
    return "".join(out)


def header_values(part: Message, name: str) -> list[str]:
    """Every raw value of header ``name`` (8-bit text as surrogate escapes), unfolded."""
    wanted = name.lower()
    return [_unfold(value if isinstance(value, str) else str(value))
            for key, value in part.raw_items() if key.lower() == wanted]


def _angle_ids(values: list[str]) -> list[str]:
    ids = []
    for value in values:
        found = ["<" + "".join(inner.split()) + ">" for inner in re.findall(r"<([^<>]*)>", value)]
        if not found:  # a client that forgot the brackets
            found = [f"<{word}>" for word in value.split() if "@" in word]
        ids.extend(item for item in found if item != "<>")
    return ids


# --- the sender -------------------------------------------------------------------------------

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\ud7ff\ue000-\U0010ffff-]+"
_DOT_ATOM = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
_LABEL = re.compile(r"[A-Za-z0-9\u00a0-\ud7ff\ue000-\U0010ffff]"
                    r"(?:[A-Za-z0-9\u00a0-\ud7ff\ue000-\U0010ffff-]*"
                    r"[A-Za-z0-9\u00a0-\ud7ff\ue000-\U0010ffff])?")


def _tokens(value: str) -> list[tuple[str, str, bool]]:
    """RFC 5322 lexical tokens of an address header: (kind, text, follows whitespace), kind
    being atom, quoted, comment, angle or special."""
    tokens, i, n = [], 0, len(value)

    def spaced(at: int) -> bool:
        return at > 0 and value[at - 1] in " \t"

    while i < n:
        ch = value[i]
        if ch in " \t":
            i += 1
        elif ch in "\"(":
            closing, depth, j, buf = ('"' if ch == '"' else ")"), 1, i + 1, []
            while j < n and depth:
                if value[j] == "\\" and j + 1 < n:
                    buf.append(value[j + 1])
                    j += 2
                    continue
                if ch == "(" and value[j] == "(":
                    depth += 1
                elif value[j] == closing:
                    depth -= 1
                    if not depth:
                        break
                buf.append(value[j])
                j += 1
            if depth:
                raise ValueError("unterminated quoted string or comment")
            tokens.append(("quoted" if ch == '"' else "comment", "".join(buf), spaced(i)))
            i = j + 1
        elif ch == "<":
            j = value.find(">", i)
            if j < 0 or "<" in value[i + 1:j]:
                raise ValueError("unbalanced angle brackets")
            tokens.append(("angle", value[i + 1:j], spaced(i)))
            i = j + 1
        elif ch in ",;:@>":
            if ch == ">":
                raise ValueError("unbalanced angle brackets")
            tokens.append(("special", ch, spaced(i)))
            i += 1
        else:
            j = i
            while j < n and value[j] not in " \t\"(),;:<>@":
                j += 1
            tokens.append(("atom", value[i:j], spaced(i)))
            i = j
    return tokens


def _addr_spec(text: str) -> str:
    local, at, domain = text.strip().rpartition("@")
    if not at or not local or not domain:
        raise ValueError("the address has no local part and domain")
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise ValueError("the address has undecodable 8-bit characters")
    quoted = len(local) >= 2 and local[0] == local[-1] == '"' and '"' not in local[1:-1]
    if not quoted and not _DOT_ATOM.fullmatch(local):
        raise ValueError("the local part is not valid")
    labels = domain.split(".")
    if not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError("the domain is not valid")
    if len(labels) < 2 and domain.lower() != "localhost":
        raise ValueError("the domain has no dot")
    return f"{local}@{domain}".lower()


def parse_mailbox(value: str) -> tuple[str, str]:
    """(address, display name) of a header that must hold exactly one mailbox.

    Strict on purpose: authentication compares this address with the assignee's, so two
    addresses, group syntax, a display name followed by more text, or anything malformed
    raises ValueError with the reason. The address is always the one in angle brackets when
    there are any, whatever the display name says (``"anna@example.com" <evil@x.org>``)."""
    tokens = _tokens(_unfold(value))
    if not tokens:
        raise ValueError("the From header is empty")
    specials = {text for kind, text, _ in tokens if kind == "special"}
    if "," in specials:
        raise ValueError("more than one address")
    if ":" in specials or ";" in specials:
        raise ValueError("group syntax")
    comments = [text for kind, text, _ in tokens if kind == "comment"]
    words = [token for token in tokens if token[0] != "comment"]
    kinds = [kind for kind, _, _ in words]
    if kinds.count("angle") > 1:
        raise ValueError("more than one address")
    if "angle" in kinds:
        index = kinds.index("angle")
        if index != len(words) - 1:
            raise ValueError("text after the address")
        inner = words[index][1].strip()
        if inner.startswith("@"):
            raise ValueError("source route")
        name = "".join((" " if spaced and n else "") + text
                       for n, (_, text, spaced) in enumerate(words[:index]))
        return _addr_spec(inner), decode_header_value(name).strip()
    if kinds == ["atom", "special", "atom"] or kinds == ["quoted", "special", "atom"]:
        if words[1][1] == "@":
            local = f'"{words[0][1]}"' if kinds[0] == "quoted" else words[0][1]
            name = decode_header_value(" ".join(comments)).strip()
            return _addr_spec(f"{local}@{words[2][1]}"), name
    if "@" not in specials:
        raise ValueError("no @ in the address")
    raise ValueError("not an address")


# --- HTML -------------------------------------------------------------------------------------

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


# --- structure --------------------------------------------------------------------------------

_DEFECT_NOTES = {
    "NoBoundaryInMultipartDefect": "a multipart without a boundary",
    "StartBoundaryNotFoundDefect": "a multipart whose boundary never appears",
    "CloseBoundaryNotFoundDefect": "a multipart that is not closed (truncated?)",
    "FirstHeaderLineIsContinuationDefect": "the first header line is a continuation",
    "MisplacedEnvelopeHeaderDefect": "an envelope header among the headers",
    "MissingHeaderBodySeparatorDefect": "no blank line between the headers and the body",
    "MultipartInvariantViolationDefect": "a multipart that holds no parts",
    "InvalidMultipartContentTransferEncodingDefect": "a multipart with a transfer encoding",
    "InvalidBase64PaddingDefect": "base64 with wrong padding",
    "InvalidBase64CharactersDefect": "base64 with invalid characters",
    "InvalidBase64LengthDefect": "truncated base64",
}
_VOID_BOUNDARY = re.compile(rb"^--([0-9A-Za-z'()+_,\-./:=?]{1,70})[ \t]*\r?\n[A-Za-z-]+:", re.M)
_NOT_ATTACHMENT_TEXT = ("text/plain", "text/html")
_MAX_PARTS = 1000
_MAX_DEFECTS = 30


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # noqa: BLE001 - a header the stdlib cannot read
        return "application/octet-stream"


def _param(part: Message, name: str, header: str = "content-type") -> str | None:
    try:
        value = part.get_param(name, header=header)
    except Exception:  # noqa: BLE001
        return None
    if isinstance(value, tuple):  # RFC 2231: (charset, language, value)
        value = value[2]
    return str(value) if value is not None else None


def _filename(part: Message) -> str:
    raw = header_values(part, "content-disposition") + header_values(part, "content-type")
    try:
        if any(any("\udc80" <= ch <= "\udcff" for ch in value) for value in raw):
            copy = Message()  # 8-bit parameter values: decode the headers first
            for name in ("content-disposition", "content-type"):
                for value in header_values(part, name):
                    copy[name] = _raw_to_text(value)
            name = copy.get_filename()
        else:
            name = part.get_filename()
    except Exception:  # noqa: BLE001
        name = None
    return " ".join(decode_header_value(name).split()) if name else ""


def _disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:  # noqa: BLE001
        return None


def _recover_multipart(part: Message) -> Message | None:
    """A multipart without a (correct) boundary: find the boundary its body really uses."""
    body = part.get_payload(decode=True)  # the raw bytes (get_payload() decodes 8-bit text)
    if not isinstance(body, bytes):
        return None
    match = _VOID_BOUNDARY.search(body)
    if match is None:
        return None
    boundary = match[1].removesuffix(b"--")
    head = b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n'
    recovered = message_from_bytes(head + body, policy=compat32)
    return recovered if recovered.is_multipart() else None


def leaf_parts(message: Message, defects: list[str] | None = None) -> Iterator[Message]:
    """The parts that hold content, in order. Multiparts are entered (and one without a usable
    boundary is repaired when its body shows the real one); ``message/*`` parts are leaves:
    the text of a forwarded or bounced mail is not the reply's."""
    stack, seen = [message], 0
    while stack and seen < _MAX_PARTS:
        part = stack.pop()
        seen += 1
        ctype = _content_type(part)
        if defects is not None:
            defects.extend(f"{ctype}: {_DEFECT_NOTES.get(type(d).__name__, type(d).__name__)}"
                           for d in part.defects)
        if ctype.startswith("message/"):
            yield part
        elif part.is_multipart():
            stack.extend(reversed(part.get_payload()))
        elif ctype.startswith("multipart/"):
            recovered = _recover_multipart(part)
            if recovered is not None:
                if defects is not None:
                    defects.append(f"{ctype}: parts found by their boundary lines")
                stack.extend(reversed(recovered.get_payload()))
            else:
                yield part
        else:
            yield part


def _payload_bytes(part: Message, defects: list[str]) -> bytes:
    """The part's content with its transfer encoding undone (base64 cut short included)."""
    cte = str(part.get("content-transfer-encoding", "")).strip().lower()
    if cte == "base64":  # by hand: the stdlib returns the base64 text when it is cut short
        text = re.sub(rb"[^A-Za-z0-9+/=]", b"", str(part.get_payload()).encode("ascii", "ignore"))
        chunks = [chunk for chunk in re.split(rb"=+", text) if chunk]  # some clients pad chunks
        if chunks and len(chunks[-1]) % 4 and not text.endswith(b"="):
            defects.append(f"{_content_type(part)}: truncated base64")
        data = []
        for chunk in chunks:
            chunk = chunk[:len(chunk) - 1] if len(chunk) % 4 == 1 else chunk
            try:
                data.append(base64.b64decode(chunk + b"=" * (-len(chunk) % 4)))
            except (binascii.Error, ValueError):
                defects.append(f"{_content_type(part)}: base64 could not be decoded")
        return b"".join(data)
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        data = None
    return data if isinstance(data, bytes) else b""


def _message_bytes(part: Message) -> bytes:
    payload = part.get_payload()
    blocks = payload if isinstance(payload, list) else [payload]
    chunks = []
    for block in blocks:
        try:
            chunks.append(block.as_bytes() if isinstance(block, Message)
                          else str(block).encode("utf-8", "surrogateescape"))
        except Exception:  # noqa: BLE001
            chunks.append(str(block).encode("utf-8", "replace"))
    return b"\n".join(chunks)


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: soft line breaks (a trailing space) joined again."""
    out: list[str] = []
    buffer: str | None = None
    buffer_depth = 0
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        body = line[depth:]
        body = body[1:] if body.startswith(" ") else body
        flowed = body.endswith(" ") and body != "-- "
        if flowed and delsp:
            body = body[:-1]
        if buffer is not None and depth == buffer_depth:
            buffer += body
        else:
            if buffer is not None:
                out.append(">" * buffer_depth + (" " if buffer_depth else "") + buffer)
            buffer, buffer_depth = body, depth
        if not flowed:
            out.append(">" * depth + (" " if depth else "") + buffer)
            buffer = None
    if buffer is not None:
        out.append(">" * buffer_depth + (" " if buffer_depth else "") + buffer)
    return "\n".join(out)


def _part_text(part: Message, data: bytes, defects: list[str]) -> str:
    ctype = _content_type(part)
    declared = None
    try:
        declared = part.get_content_charset()
    except Exception:  # noqa: BLE001
        pass
    if declared is None and ctype == "text/html":
        meta = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_.:-]+)", data[:4096], re.I)
        declared = meta[1].decode("ascii") if meta else None
    text, note = decode_bytes(data, declared)
    if note:
        defects.append(f"{ctype}: {note}")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if ctype == "text/plain" and (_param(part, "format") or "").lower() == "flowed":
        text = _unflow(text, (_param(part, "delsp") or "").lower() == "yes")
    return text


def _default_name(ctype: str, index: int) -> str:
    if ctype.startswith("message/"):
        extension = ".eml" if ctype == "message/rfc822" else ".txt"
    else:
        extension = mimetypes.guess_extension(ctype) or ".bin"
    return f"part-{index}{extension}"


def _read_headers(parsed: Parsed) -> None:
    message = parsed.message
    values = header_values(message, "message-id")
    if values:  # as sent, like mail.inbox.header_message_id, but only the <...> when there is one
        found = re.search(r"<[^<>]+>", values[0])
        parsed.message_id = (found[0] if found else " ".join(values[0].split())) or None
    parsed.in_reply_to = _angle_ids(header_values(message, "in-reply-to"))
    parsed.references = _angle_ids(header_values(message, "references"))
    subjects = header_values(message, "subject")
    parsed.subject = " ".join(decode_header_value(subjects[0]).split()) if subjects else ""


def _read_sender(parsed: Parsed) -> None:
    values = header_values(parsed.message, "from")
    if not values:
        parsed.from_problem = "no From header"
    elif len(values) > 1:
        parsed.from_problem = "more than one From header"
    else:
        try:
            parsed.from_address, parsed.from_name = parse_mailbox(values[0])
        except ValueError as error:
            parsed.from_problem = str(error)


def _read_body(parsed: Parsed) -> None:
    plain: str | None = None
    for index, part in enumerate(leaf_parts(parsed.message, parsed.defects), start=1):
        ctype = _content_type(part)
        try:
            filename = _filename(part)
            if ctype.startswith("message/"):
                parsed.attachments.append(Attachment(filename or _default_name(ctype, index),
                                                     ctype, _message_bytes(part)))
                continue
            data = _payload_bytes(part, parsed.defects)
            body_type = "text/plain" if ctype.startswith("multipart/") else ctype
            if (body_type in _NOT_ATTACHMENT_TEXT and not filename
                    and _disposition(part) != "attachment"):
                if body_type == "text/plain" and plain is None:
                    plain = _part_text(part, data, parsed.defects)
                elif body_type == "text/html" and parsed.html is None:
                    parsed.html = _part_text(part, data, parsed.defects)
                continue  # further inline bodies (Apple Mail splits text around images)
            parsed.attachments.append(Attachment(filename or _default_name(ctype, index),
                                                 ctype, data))
        except Exception as error:  # noqa: BLE001 - one unreadable part spoils no other
            parsed.defects.append(f"{ctype}: unreadable ({type(error).__name__})")
    if plain is not None:
        parsed.text = plain.strip("\n")
    elif parsed.html is not None:
        parsed.text = html_to_text(parsed.html)
        parsed.text_from_html = True


def _fallback_message(raw: bytes) -> Message:
    try:
        message = BytesHeaderParser(policy=compat32).parsebytes(raw)
    except Exception:  # noqa: BLE001
        message = Message()
    head_end = re.search(rb"\r?\n\r?\n", raw)
    body = raw[head_end.end():] if head_end else raw
    message.set_payload(body.decode("utf-8", "surrogateescape"))
    del message["content-type"]
    del message["content-transfer-encoding"]
    return message


def parse(raw: bytes) -> Parsed:
    """Everything the rule chain reads from one inbound email. Never raises: what cannot be
    read is left empty and said in ``defects`` (or ``from_problem`` for the sender)."""
    if not isinstance(raw, bytes):
        raw = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else bytes(raw)
    defects = []
    try:
        message = message_from_bytes(raw, policy=compat32)
    except Exception as error:  # noqa: BLE001 - e.g. RecursionError on absurd nesting
        defects.append(f"the MIME structure could not be read ({type(error).__name__}); "
                       "the body is read as plain text")
        message = _fallback_message(raw)
    parsed = Parsed(message=message, defects=defects)
    for step in (_read_headers, _read_sender, _read_body):
        try:
            step(parsed)
        except Exception as error:  # noqa: BLE001 - keep what the other steps could read
            parsed.defects.append(f"{step.__name__.removeprefix('_read_')}: "
                                  f"{type(error).__name__}: {error}")
    if len(parsed.defects) > _MAX_DEFECTS:
        more = len(parsed.defects) - _MAX_DEFECTS
        parsed.defects[_MAX_DEFECTS:] = [f"... and {more} more"]
    return parsed
