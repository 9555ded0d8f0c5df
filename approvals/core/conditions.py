"""Conditions in process files: a small typed expression language.

``when: "kind == works and (amount > 100000 or urgent)"`` — comparisons of a field with a
value (``== != > >= < <=``), ``in [a, b]``, ``contains`` (a people field holds an address),
a boolean field alone, joined by ``and``, ``or``, ``not`` and parentheses. :func:`parse` reads
one against the process's fields and refuses what cannot work — an unknown field, a value of
the wrong type (``amount > 100 000``, ``due > tomorrow``), an unknown choice, an operator the
field's type has no meaning for — so a file that passes ``signoff processes check`` never fails
at run time. :func:`holds` evaluates a parsed condition and never raises: a value it cannot
read makes its comparison false.

Values: numbers (``100000``, ``99.50``); dates (``2026-12-31``, ``today``); ``true`` /
``false``; text in quotes (``'A B'``) or as one bare word (``goods``, ``anna@example.com``).
A money value may name its currency (``amount > 10000 USD``): the comparison then holds only
for an amount in that currency, so a form that takes several currencies (``currency: {field:
currency}``) has a threshold for each (``amount > 1000000 RUB or amount > 10000 USD``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from approvals.core.model import FieldSpec

ORDERING = ("<", "<=", ">", ">=")
EQUALITY = ("==", "!=")
KEYWORDS = {"and", "or", "not", "in", "contains", "true", "false", "today"}
TODAY = "today"  # a date value read when the condition is evaluated
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_TOKEN = re.compile(r"""
    \s*(?:
      (?P<op>==|!=|>=|<=|>|<)
    | (?P<punct>[()\[\],])
    | '(?P<sq>[^']*)' | "(?P<dq>[^"]*)"
    | (?P<date>\d{4}-\d{2}-\d{2})(?![\w.@-])
    | (?P<number>-?\d+(?:\.\d+)?)(?![\w.@-])
    | (?P<word>[^\s()\[\],=!<>'"]+)
    )""", re.VERBOSE)


class ConditionError(ValueError):
    """A condition that cannot be read or cannot work; the message says what to write."""


@dataclass(frozen=True)
class Compare:
    field: str
    kind: str  # the field's type
    op: str  # == != < <= > >= in contains
    value: Any  # typed: Decimal, date or TODAY, bool, str; a tuple for ``in``
    currency: str | None = None  # money: the comparison holds only for this currency…
    currency_field: str | None = None  # …read from this field (None: the field's own)


@dataclass(frozen=True)
class Truth:
    """A boolean field alone: true when it is ticked."""

    field: str


@dataclass(frozen=True)
class Not:
    item: Expr


@dataclass(frozen=True)
class All:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Expr, ...]


Expr = Compare | Truth | Not | All | AnyOf


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Token:
    kind: str  # op punct string date number word
    text: str


def _tokens(text: str) -> list[_Token]:
    result, at = [], 0
    while at < len(text):
        if text[at:].strip() == "":
            break
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise ConditionError(f"cannot read {text[at:].strip()!r}")
        kind = match.lastgroup
        value = match.group(kind)
        if kind in ("sq", "dq"):
            kind = "string"
        result.append(_Token(kind, value))
        at = match.end()
    return result


class _Parser:
    def __init__(self, text: str, fields: Mapping[str, FieldSpec]) -> None:
        self.tokens = _tokens(text)
        self.at = 0
        self.fields = fields

    def peek(self, ahead: int = 0) -> _Token | None:
        i = self.at + ahead
        return self.tokens[i] if i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise ConditionError("the condition ends too early")
        self.at += 1
        return token

    def is_word(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.text == word

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            raise ConditionError(f"expected {text!r} but found {token.text!r}")

    def parse(self) -> Expr:
        if not self.tokens:
            raise ConditionError("the condition is empty")
        expr = self.either()
        extra = self.peek()
        if extra is not None:
            hint = ""
            previous = self.tokens[self.at - 1]
            if extra.kind == "number" and previous.kind == "number":
                hint = f" (write numbers without spaces: {previous.text}{extra.text})"
            raise ConditionError(f"unexpected {extra.text!r}{hint}; join conditions with "
                                 "'and' or 'or'")
        return expr

    def either(self) -> Expr:
        items = [self.both()]
        while self.is_word("or"):
            self.take()
            items.append(self.both())
        return items[0] if len(items) == 1 else AnyOf(tuple(items))

    def both(self) -> Expr:
        items = [self.unary()]
        while self.is_word("and"):
            self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else All(tuple(items))

    def unary(self) -> Expr:
        if self.is_word("not"):
            self.take()
            return Not(self.unary())
        token = self.peek()
        if token is not None and token.text == "(":
            self.take()
            expr = self.either()
            self.expect(")")
            return expr
        return self.comparison()

    def comparison(self) -> Expr:
        token = self.take()
        if token.kind != "word" or token.text in KEYWORDS:
            raise ConditionError(f"expected a field name but found {token.text!r}")
        spec = self.fields.get(token.text)
        if spec is None:
            known = ", ".join(sorted(self.fields)) or "none"
            raise ConditionError(f"unknown field {token.text!r} (the fields: {known})")
        following = self.peek()
        if following is None or following.text in (")",) or self.is_word("and") \
                or self.is_word("or"):
            if spec.type != "boolean":
                raise ConditionError(f"{spec.name!r} is a {spec.type} field: compare it with "
                                     "a value (only a boolean field stands alone)")
            return Truth(spec.name)
        op_token = self.take()
        op = op_token.text
        if op_token.kind != "op" and op not in ("in", "contains"):
            raise ConditionError(f"expected an operator (== != > >= < <= in contains) after "
                                 f"{spec.name!r} but found {op!r}")
        _check_operator(spec, op)
        if op == "in":
            return Compare(spec.name, spec.type, op, self.values(spec))
        value = _value(spec, self.take())
        if spec.type == "money":
            return self.in_currency(Compare(spec.name, spec.type, op, value))
        return Compare(spec.name, spec.type, op, value)

    def in_currency(self, compare: Compare) -> Compare:
        """``amount > 10000 USD``: a currency code after a money value (checked against the
        field's own currency, or the choices of the field that names it)."""
        token = self.peek()
        if token is None or token.kind != "word" or not _CURRENCY.match(token.text):
            return compare
        self.take()
        spec = self.fields[compare.field]
        if spec.currency_field is None:
            if spec.currency is not None and token.text != spec.currency:
                raise ConditionError(f"{spec.name!r} is in {spec.currency}: compare it with "
                                     f"an amount in {spec.currency}, not {token.text}")
            return compare  # in its own currency: the code only says so
        currencies = self.fields.get(spec.currency_field)
        allowed = [c.value for c in currencies.choices] if currencies is not None else []
        if token.text not in allowed:
            raise ConditionError(f"{token.text!r} is not a choice of {spec.currency_field!r} "
                                 f"(its choices: {', '.join(allowed)})")
        return Compare(compare.field, compare.kind, compare.op, compare.value, token.text,
                       spec.currency_field)

    def values(self, spec: FieldSpec) -> tuple[Any, ...]:
        token = self.take()
        if token.text != "[":
            raise ConditionError(f"'in' needs a list such as [a, b], not {token.text!r}")
        values = [_value(spec, self.take())]
        while self.peek() is not None and self.peek().text == ",":
            self.take()
            values.append(_value(spec, self.take()))
        self.expect("]")
        return tuple(values)


def _check_operator(spec: FieldSpec, op: str) -> None:
    kind = spec.type
    if kind in ("file", "date_range"):
        raise ConditionError(f"{spec.name!r} is a {kind} field: conditions cannot use it")
    if kind == "people":
        if op != "contains":
            raise ConditionError(f"{spec.name!r} is a people field: use "
                                 f"'{spec.name} contains someone@example.com'")
        return
    if op == "contains":
        raise ConditionError(f"'contains' is for people fields; {spec.name!r} is a {kind} "
                             "field")
    if op in ORDERING and kind not in ("number", "money", "date"):
        raise ConditionError(f"cannot compare a {kind} field with {op}")
    if op == "in" and kind == "boolean":
        raise ConditionError(f"{spec.name!r} is a boolean field: write "
                             f"'{spec.name} == true' or just '{spec.name}'")


def _value(spec: FieldSpec, token: _Token) -> Any:
    kind, text = spec.type, token.text
    if token.kind in ("op", "punct") or (token.kind == "word" and text in
                                         ("and", "or", "not", "in", "contains")):
        raise ConditionError(f"expected a value after {spec.name!r} but found {text!r}")
    if kind in ("number", "money"):
        if token.kind != "number":
            raise ConditionError(f"{spec.name!r} is a {kind} field: compare it with a number "
                                 f"such as 100000, not {text!r}")
        return Decimal(text)
    if kind == "date":
        if token.kind == "date":
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise ConditionError(f"{text!r} is not a date") from None
        if token.kind == "word" and text == TODAY:
            return TODAY
        raise ConditionError(f"{spec.name!r} is a date field: compare it with a date such as "
                             f"2026-12-31 or with today, not {text!r}")
    if kind == "boolean":
        if token.kind == "word" and text in ("true", "false"):
            return text == "true"
        raise ConditionError(f"{spec.name!r} is a boolean field: compare it with true or "
                             f"false, not {text!r}")
    if kind == "choice":
        allowed = [c.value for c in spec.choices]
        if text not in allowed:
            raise ConditionError(f"{text!r} is not a choice of {spec.name!r} (its choices: "
                                 f"{', '.join(allowed)})")
        return text
    return text  # text, person, people: compared as the form stores them, as text


def parse(text: str, fields: Mapping[str, FieldSpec]) -> Expr:
    """The condition ``text`` read against the process's ``fields`` (name → spec)."""
    if not isinstance(text, str):
        raise ConditionError("expected the condition as text, e.g. \"amount > 100000\"")
    return _Parser(text, fields).parse()


def fields_of(expr: Expr) -> set[str]:
    """The fields a condition reads."""
    if isinstance(expr, Compare):
        return {expr.field} | ({expr.currency_field} if expr.currency_field else set())
    if isinstance(expr, Truth):
        return {expr.field}
    if isinstance(expr, Not):
        return fields_of(expr.item)
    return set().union(*(fields_of(item) for item in expr.items))


# ---------------------------------------------------------------------------- evaluating


def holds(expr: Expr, fields: Mapping[str, Any], today: date) -> bool:
    """Whether the condition holds for the instance's ``fields`` on ``today``."""
    if isinstance(expr, All):
        return all(holds(item, fields, today) for item in expr.items)
    if isinstance(expr, AnyOf):
        return any(holds(item, fields, today) for item in expr.items)
    if isinstance(expr, Not):
        return not holds(expr.item, fields, today)
    if isinstance(expr, Truth):
        return fields.get(expr.field) is True
    if expr.currency_field is not None and fields.get(expr.currency_field) != expr.currency:
        return False  # an amount in another currency
    return _compare(expr, fields.get(expr.field), today)


def _compare(c: Compare, actual: Any, today: date) -> bool:
    if actual is None or actual == "" or actual == []:
        return c.op == "!="
    if c.op == "contains":
        return isinstance(actual, list) and str(c.value).lower() in \
            {str(v).lower() for v in actual}
    actual = _stored(c.kind, actual)
    if actual is None:
        return False
    if c.op == "in":
        return actual in tuple(_expected(c.kind, v, today) for v in c.value)
    expected = _expected(c.kind, c.value, today)
    try:
        return {"==": actual == expected, "!=": actual != expected}[c.op] \
            if c.op in EQUALITY else _ordered(c.op, actual, expected)
    except TypeError:
        return False


def _ordered(op: str, actual: Any, expected: Any) -> bool:
    if op == "<":
        return actual < expected
    if op == "<=":
        return actual <= expected
    if op == ">":
        return actual > expected
    return actual >= expected


def _stored(kind: str, value: Any) -> Any:
    """A stored value as the condition compares it; None when it cannot be read."""
    try:
        if kind in ("number", "money"):
            return Decimal(str(value))
        if kind == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
    except (InvalidOperation, ValueError):
        return None
    if kind == "boolean":
        return value if isinstance(value, bool) else None
    return str(value)


def _expected(kind: str, value: Any, today: date) -> Any:
    return today if kind == "date" and value == TODAY else value
