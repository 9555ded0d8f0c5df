"""Reading an inbound email into what the rule chain needs, whatever state the email is in.

Replies come from every kind of client, and many are broken: no charset or a wrong one (Russian
mail in windows-1251 or koi8-r declared as us-ascii, or not declared at all), truncated base64,
multiparts without a boundary, 8-bit headers. A reply that cannot be read must still be stored,
marked and answered, so :func:`parse` never raises: it returns what it could read and lists
what it repaired in ``defects``.

The structure is parsed with the ``compat32`` policy (it keeps broken headers as they came,
where the default policy may raise on access); headers and bodies are decoded here, so that a
wrong or missing charset can be repaired (``mail.charsets`` does the decoding; ``mail.html_text``
turns an HTML-only reply into text).

Bounded: only the start of a body is read — :data:`approvals.core.limits.MAIL_TEXT` characters
of text, :data:`~approvals.core.limits.MAIL_HTML` bytes of HTML — and every step is linear in
what it reads, so a reply of many megabytes costs no more than one of the limits' size. What
was not read stays in the stored raw message; ``cut`` says what was cut.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32

from approvals.core import limits
from mail.charsets import decode_bytes, decode_header_value, decode_raw_header, unfold_header
from mail.html_text import html_to_text


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
    #: what was longer than Signoff reads and was read only in part (also in ``defects``)
    cut: list[str] = field(default_factory=list)



# --- headers ----------------------------------------------------------------------------------

def header_values(part: Message, name: str) -> list[str]:
    """Every raw value of header ``name`` (8-bit text as surrogate escapes), unfolded."""
    wanted = name.lower()
    return [unfold_header(value if isinstance(value, str) else str(value))
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
    tokens = _tokens(unfold_header(value))
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
#: bytes of a text/plain part decoded at all: MAIL_TEXT characters in any charset
_TEXT_BYTES = 4 * limits.MAIL_TEXT


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
                    copy[name] = decode_raw_header(value)
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
    except Exception:  # noqa: BLE001  # nosec B110  # a malformed charset: guessed from the bytes
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


def _head(data: bytes, size: int, boundary: bytes) -> bytes:
    """The first ``size`` bytes of ``data``, ended before its last ``boundary`` (a line break,
    the start of a tag) when there is one in their second half."""
    if len(data) <= size:
        return data
    end = data.rfind(boundary, size // 2, size)
    return data[:end] if end >= 0 else data[:size]


def _note_cut(parsed: Parsed, note: str) -> None:
    note += "; the rest is in the stored message"
    parsed.cut.append(note)
    parsed.defects.insert(0, note)  # first: the list is itself cut at _MAX_DEFECTS


def _plain_text(part: Message, data: bytes, parsed: Parsed) -> str:
    text = _part_text(part, _head(data, _TEXT_BYTES, b"\n"), parsed.defects)
    if len(data) > _TEXT_BYTES or len(text) > limits.MAIL_TEXT:
        _note_cut(parsed, f"text/plain of {len(data):,} bytes: the first "
                          f"{limits.MAIL_TEXT:,} characters read")
    return text[:limits.MAIL_TEXT]


def _html_markup(part: Message, data: bytes, parsed: Parsed) -> str:
    if len(data) > limits.MAIL_HTML:
        _note_cut(parsed, f"text/html of {len(data):,} bytes: the first "
                          f"{limits.MAIL_HTML:,} bytes read")
    return _part_text(part, _head(data, limits.MAIL_HTML, b"<"), parsed.defects)


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
                    plain = _plain_text(part, data, parsed)
                elif body_type == "text/html" and parsed.html is None:
                    parsed.html = _html_markup(part, data, parsed)
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
        if len(parsed.text) > limits.MAIL_TEXT:
            _note_cut(parsed, f"text from HTML of {len(parsed.text):,} characters: the first "
                              f"{limits.MAIL_TEXT:,} read")
            parsed.text = parsed.text[:limits.MAIL_TEXT]


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


def parse(raw: bytes, *, body: bool = True) -> Parsed:
    """Everything the rule chain reads from one inbound email. Never raises: what cannot be
    read is left empty and said in ``defects`` (or ``from_problem`` for the sender).

    With ``body=False`` only the headers, the sender and the MIME structure are read (linear
    and cheap: nothing is decoded); :func:`read_body` reads the bodies later, once the message
    has been found to answer a task of ours."""
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
    _run(parsed, (_read_headers, _read_sender, _read_body) if body
         else (_read_headers, _read_sender))
    return parsed


def read_body(parsed: Parsed) -> Parsed:
    """The text, the HTML and the attachments of a message :func:`parse` read without them."""
    _run(parsed, (_read_body,))
    return parsed


def _run(parsed: Parsed, steps) -> None:
    for step in steps:
        try:
            step(parsed)
        except Exception as error:  # noqa: BLE001 - keep what the other steps could read
            parsed.defects.append(f"{step.__name__.removeprefix('_read_')}: "
                                  f"{type(error).__name__}: {error}")
    if len(parsed.defects) > _MAX_DEFECTS:
        more = len(parsed.defects) - _MAX_DEFECTS
        parsed.defects[_MAX_DEFECTS:] = [f"... and {more} more"]
