"""Text from bytes whose charset is missing or wrong: mail bodies and header values.

Russian replies arrive in windows-1251 or koi8-r declared as us-ascii, latin-1 or nothing at
all, as valid UTF-8 declared as a single-byte charset, and with 8-bit bytes right in the
headers. The declared charset is tried first; when it is missing, fails or gives mojibake, the
charset is detected: UTF-8 when the bytes are valid UTF-8, else windows-1251 or koi8-r scored
against the letter statistics of Russian text (on a few words ``charset_normalizer`` cannot
tell them apart), and ``charset_normalizer``'s guess only when that fails (it is slow). Nothing
here raises on bad input: undecodable bytes are replaced and the repair is reported.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import functools
import math
import re
from collections import Counter

import charset_normalizer

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


def unfold_header(value: str) -> str:
    """A header value on one line: folding undone and stray line breaks dropped."""
    return re.sub(r"\r?\n(?=[ \t])", "", value).replace("\r", "").replace("\n", "")


def decode_raw_header(segment: str) -> str:
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
    text = unfold_header(value if isinstance(value, str) else str(value))
    out: list[str] = []
    #: charset, bytes of adjacent encoded words (a list: joined once, so that a subject of
    #: thousands of encoded words is not copied once per word)
    pending: tuple[str, list[bytes]] | None = None
    position = 0

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            out.append(decode_bytes(b"".join(pending[1]), pending[0])[0])
            pending = None

    for match in _ENCODED_WORD.finditer(text):
        gap = text[position:match.start()]
        charset = match[1].split("*", 1)[0]
        data = _word_bytes(match[2], match[3])
        position = match.end()
        after_word = pending is not None and not gap.strip()  # RFC 2047: that space goes
        if data is None:
            flush()
            out.append(("" if after_word else decode_raw_header(gap)) + match[0])
        elif after_word and pending is not None and pending[0].lower() == charset.lower():
            pending[1].append(data)
        else:
            flush()
            if not after_word:
                out.append(decode_raw_header(gap))
            pending = (charset, [data])
    flush()
    out.append(decode_raw_header(text[position:]))
    return "".join(out)
