"""Reading the verdict in a reply's own text, strictly.

A reply decides a task only when its first lines say one thing clearly: the answer must open a
line (after at most a greeting), as whole words, and nothing in those lines may say another
verdict. Whatever is unclear is not guessed: the sender is told which words we understand.

Matching works on normalised words (NFKC, case-folded, ``ё`` → ``е``, punctuation dropped), the
longest phrase first, so "не согласовано" and "not approved" are read before the approvals they
contain and "disapproved" is never "approved". Phrases of every verdict are recognised, also
those the task does not accept: "Оплачено" on an approval is not understood, and next to an
accepted answer it makes the reply ambiguous.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from approvals.core.model import FieldSpec
from approvals.texts.answers import ANSWERS

#: a word: letters and digits (with combining marks), hyphens and apostrophes inside
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+(?:['’\-‐](?:[^\W_]|[\u0300-\u036f])+)*")
#: phrases that start with an answer word but are no answer ("no comments", "нет замечаний")
_NEUTRAL = ("no comments", "no comment", "no objections", "no questions", "no remarks",
            "no problem", "no problems", "no worries", "no idea", "no changes",
            "нет замечаний", "нет возражений", "нет вопросов", "нет проблем")
#: a greeting may stand before the answer, on its line or the line above
_GREETINGS = ("hi", "hello", "hey", "dear", "good morning", "good afternoon", "good evening",
              "good day", "greetings", "thanks", "thank you", "many thanks",
              "добрый день", "добрый вечер", "доброе утро", "доброго дня", "доброго времени суток",
              "здравствуйте", "здравствуй", "привет", "приветствую", "коллеги", "уважаемый",
              "уважаемая", "уважаемые", "спасибо", "благодарю")
_NAME_WORDS = 3  # words after a greeting taken as a name ("Здравствуйте, Анна Петровна")
_NEGATIONS = {"не", "not", "ни"}
_EXAMINED_LINES = 3
_LEADING_PUNCTUATION = " \t,.!:;-—–…\u00a0"


def _fold(word: str) -> str:
    folded = unicodedata.normalize("NFKC", word).casefold().replace("ё", "е").replace("’", "'")
    return "".join(ch for ch in folded if ch.isalnum() or ch in "'-")


@dataclass(frozen=True)
class _Token:
    word: str  # normalised
    start: int  # span in the raw line
    end: int


def _tokens(line: str) -> list[_Token]:
    """The words of ``line`` with their places in it; invisible format characters (zero-width
    spaces, soft hyphens) inside a word are ignored."""
    kept = [(index, ch) for index, ch in enumerate(line) if unicodedata.category(ch) != "Cf"]
    visible = "".join(ch for _, ch in kept)
    tokens = []
    for match in _WORD.finditer(visible):
        word = _fold(match.group())
        if word:
            tokens.append(_Token(word, kept[match.start()][0], kept[match.end() - 1][0] + 1))
    return tokens


def normalise(text: str) -> str:
    """NFKC, case-folded, ``ё`` → ``е``, every kind of space one space, punctuation dropped
    except inside words ("e-mail", "don't")."""
    return " ".join(token.word for token in _tokens(text))


def _phrase_table() -> dict[tuple[str, ...], frozenset[str]]:
    table: dict[tuple[str, ...], set[str]] = {}
    for verdict, locales in ANSWERS.items():
        for phrases in locales.values():
            for phrase in phrases:
                table.setdefault(tuple(normalise(phrase).split()), set()).add(verdict)
    for phrase in _NEUTRAL:
        table[tuple(normalise(phrase).split())] = set()
    return {words: frozenset(verdicts) for words, verdicts in table.items() if words}


_PHRASES = _phrase_table()
_LONGEST = max(len(words) for words in _PHRASES)
_GREETING_WORDS = sorted((tuple(normalise(greeting).split()) for greeting in _GREETINGS),
                         key=len, reverse=True)


@dataclass(frozen=True)
class _Match:
    verdicts: frozenset[str]  # empty for a neutral phrase
    first: int  # token indices
    last: int


def _match_at(tokens: list[_Token], index: int, line: str,
              table: dict[tuple[str, ...], frozenset[str]] = _PHRASES) -> _Match | None:
    """The longest phrase starting at token ``index``; a phrase followed by "?" (a question)
    or by a negation ("согласовано не будет") is no answer."""
    longest = _LONGEST if table is _PHRASES else max(len(words) for words in table)
    for length in range(min(longest, len(tokens) - index), 0, -1):
        words = tuple(token.word for token in tokens[index:index + length])
        if words not in table:
            continue
        match = _Match(table[words], index, index + length - 1)
        after = line[tokens[match.last].end:].lstrip()
        following = tokens[match.last + 1].word if match.last + 1 < len(tokens) else ""
        negated = following in _NEGATIONS and not _says(tokens, match.last + 1, line, table)
        if match.verdicts and (after.startswith("?") or negated):
            return _Match(frozenset(), index, match.last)  # read, but says nothing
        return match
    return None


def _says(tokens: list[_Token], index: int, line: str, table=_PHRASES) -> bool:
    match = _match_at(tokens, index, line, table)
    return match is not None and bool(match.verdicts)


def _matches(tokens: list[_Token], line: str, start: int = 0, table=_PHRASES) -> list[_Match]:
    found, index = [], start
    while index < len(tokens):
        match = _match_at(tokens, index, line, table)
        if match is None:
            index += 1
            continue
        if match.verdicts:
            found.append(match)
        index = match.last + 1
    return found


def _greeting_length(tokens: list[_Token]) -> int:
    words = tuple(token.word for token in tokens)
    for greeting in _GREETING_WORDS:
        if words[:len(greeting)] == greeting:
            return len(greeting)
    return 0


def _answer_start(tokens: list[_Token], line: str,
                  table=_PHRASES) -> tuple[int | None, bool]:
    """(token index where the answer starts, whether the line is a greeting only)."""
    first = _match_at(tokens, 0, line, table) if tokens else None
    if first is not None and first.verdicts:
        return 0, False
    greeting = _greeting_length(tokens)
    if not greeting:
        return None, False
    for index in range(greeting, min(greeting + _NAME_WORDS, len(tokens) - 1) + 1):
        match = _match_at(tokens, index, line, table)
        if match is not None and match.verdicts:
            return index, False
    return None, len(tokens) <= greeting + _NAME_WORDS


@dataclass
class Reading:
    verdict: str | None
    ambiguous: bool
    comment: str
    matched: str | None
    #: the verdicts said when ambiguous, or the verdict said that the task does not accept
    candidates: tuple[str, ...]
    #: the comment in two parts: the rest of the answer's own line, and the lines below it
    rest: str = ""
    below: str = ""


def _ordered(verdicts: set[str]) -> tuple[str, ...]:
    order = list(ANSWERS)
    return tuple(sorted(verdicts, key=lambda v: (order.index(v) if v in order else len(order),
                                                 v)))


def _with_own(own: Mapping[str, tuple[str, ...]]) -> dict[tuple[str, ...], frozenset[str]]:
    """The phrase table with a process's own answers: their words choose them alone (a
    process that says "нет" means its own outcome, not the built-in send-back)."""
    table = dict(_PHRASES)
    for verdict, phrases in own.items():
        for phrase in phrases:
            words = tuple(normalise(phrase).split())
            if words:
                table[words] = frozenset({verdict})
    return table


def read_verdict(text: str, accepted: tuple[str, ...],
                 own: Mapping[str, tuple[str, ...]] | None = None) -> Reading:
    """The verdict of a reply's own text (see :func:`mail.quoting.own_text`); ``own`` are the
    stage's own answers and the words that choose them."""
    table = _with_own(own) if own else _PHRASES
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    examined = [index for index, line in enumerate(lines) if line.strip()][:_EXAMINED_LINES]
    for position, line_index in enumerate(examined):
        line = lines[line_index]
        tokens = _tokens(line)
        start, greeting_only = _answer_start(tokens, line, table)
        if start is None:
            if greeting_only:
                continue
            break
        matches = _matches(tokens, line, start, table)
        said = set().union(*(match.verdicts for match in matches))
        for later in examined[position + 1:]:  # an answer opening a following line counts too
            later_tokens = _tokens(lines[later])
            first = _match_at(later_tokens, 0, lines[later], table) if later_tokens else None
            if first is not None:
                said |= first.verdicts
        first = matches[0]
        raw_phrase = line[tokens[first.first].start:tokens[first.last].end]
        rest = line[tokens[first.last].end:].lstrip(_LEADING_PUNCTUATION)
        below = "\n".join(lines[line_index + 1:])
        comment = "\n".join([rest, below]).strip()
        known = said & set(accepted)
        if known and len(said) > 1:
            return Reading(None, True, comment, raw_phrase, _ordered(said), rest, below)
        if known:
            return Reading(known.pop(), False, comment, raw_phrase, (), rest, below)
        return Reading(None, False, comment, raw_phrase, _ordered(said), rest, below)
    return Reading(None, False, text.strip(), None, ())


_FORM_LINE = re.compile(r"^\s*([^:：\n]{1,80}?)\s*[:：]\s*(.*?)\s*$")


def read_form(text: str, asked: Iterable[tuple[str, tuple[str, ...]]]) -> tuple[dict[str, str],
                                                                               str]:
    """The task form's answers in a reply's comment — lines ``name: value`` whose name is a
    field's name or one of its labels (any language, letter case aside) — and the comment
    without them. ``asked`` is (field name, its labels) for each field the answer may fill."""
    names = {normalise(label): field for field, labels in asked
             for label in (field, *labels) if normalise(label)}
    values: dict[str, str] = {}
    rest: list[str] = []
    for line in text.split("\n"):
        match = _FORM_LINE.match(line)
        field = names.get(normalise(match.group(1))) if match else None
        if field is not None and field not in values:
            values[field] = match.group(2)
        else:
            rest.append(line)
    return values, "\n".join(rest).strip()


#: a day as people write it on the answer's line: 27.11.2026, 27.11.26, 27/11/2026, 2026-11-27
_DAY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})$|^(\d{4})-(\d{1,2})-(\d{1,2})$")
#: a group of thousands after an amount's first digits ("1 000,50")
_THOUSANDS = re.compile(r"^\d{3}(?:[.,]\d{1,2})?$")
_AFTER_VALUE = ",;"


def read_inline(line: str, asked: Iterable[FieldSpec]) -> tuple[dict[str, str], str]:
    """The task form's answers written on the answer's own line ("Оплачено 27.11.2026 п/п
    123"): the value after one of a field's ``words`` is that field's ("п/п 123", "№123"), and
    each date left fills the next date field not given so; returns them and the rest of the
    line (the beginning of the comment). Nothing is guessed beyond that: a line without a date
    or a marker word gives nothing, and the form's own check refuses what is missing."""
    specs = list(asked)
    markers = sorted(((word.casefold(), spec) for spec in specs for word in spec.words),
                     key=lambda pair: len(pair[0]), reverse=True)
    pieces = line.split()
    used = [False] * len(pieces)
    values: dict[str, str] = {}
    index = 0
    while index < len(pieces):
        spec, glued = _marker(pieces[index], markers)
        if spec is None or spec.name in values:
            index += 1
            continue
        used[index] = True
        if glued:
            values[spec.name] = _value_of(spec, [glued])
            index += 1
            continue
        after = index + 1
        while after < len(pieces) and (pieces[after] in (":", "-", "—", "=") or (
                _marker(pieces[after], markers)[0] is spec
                and _marker(pieces[after], markers)[1] is None)):
            used[after] = True  # "п/п № 123", "order: 123"
            after += 1
        taken = pieces[after:after + 1]
        again, glued = _marker(taken[0], markers) if taken else (None, None)
        if again is spec and glued:  # "п/п №123"
            used[after] = True
            values[spec.name] = _value_of(spec, [glued])
            index = after + 1
            continue
        if again is not None:  # another field's word follows: this one has no value here
            index = after
            continue
        if spec.type in ("number", "money"):
            while (after + len(taken) < len(pieces) and taken[-1].isdigit()
                   and len(taken[-1]) <= 3 and _THOUSANDS.match(pieces[after + len(taken)])):
                taken.append(pieces[after + len(taken)])
        if taken and taken[0].rstrip(_AFTER_VALUE):
            values[spec.name] = _value_of(spec, taken)
            for k in range(after, after + len(taken)):
                used[k] = True
        index = after + len(taken)
    dates = [spec for spec in specs if spec.type == "date" and spec.name not in values]
    for k, piece in enumerate(pieces):
        day = _day(piece.rstrip(_AFTER_VALUE + "."))
        if dates and not used[k] and day is not None:
            values[dates.pop(0).name] = day
            used[k] = True
    rest = " ".join(piece for piece, taken in zip(pieces, used, strict=True) if not taken)
    return values, rest.strip(" ,;.:-—")


def _marker(piece: str, markers: list[tuple[str, FieldSpec]]
            ) -> tuple[FieldSpec | None, str | None]:
    """Whether ``piece`` is one of the fields' marker words: (the field, a value written
    against it such as "№123", else None)."""
    folded = piece.casefold().rstrip(":")
    for word, spec in markers:
        if folded == word or (folded.rstrip(".") == word.rstrip(".") and word.rstrip(".")):
            return spec, None
        if folded.startswith(word) and folded[len(word):][:1].isdigit():
            return spec, piece[len(word):]
    return None, None


def _value_of(spec: FieldSpec, taken: list[str]) -> str:
    value = " ".join(taken).rstrip(_AFTER_VALUE)
    if spec.type == "date":
        return _day(value.rstrip(".")) or value
    return value


def _day(text: str) -> str | None:
    """``text`` as an ISO date when it is written as one (``27.11.26`` is 2026-11-27); a
    day that does not exist is still returned, for the form's check to refuse by name."""
    match = _DAY.match(text)
    if match is None:
        return None
    if match.group(4):
        year, month, day = match.group(4), match.group(5), match.group(6)
    else:
        day, month, year = match.group(1), match.group(2), match.group(3)
        year = f"20{year}" if len(year) == 2 else year
    return f"{year}-{int(month):02d}-{int(day):02d}"
