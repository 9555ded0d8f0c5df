"""The condition language: typed against the process's fields when read, never raising when
evaluated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from approvals.core.conditions import (
    TODAY,
    All,
    AnyOf,
    Compare,
    ConditionError,
    Not,
    Truth,
    fields_of,
    holds,
    parse,
)
from approvals.core.model import Choice, FieldSpec, Label

TODAY_IS = date(2026, 12, 7)


def _field(name: str, kind: str, choices: tuple[str, ...] = ()) -> FieldSpec:
    return FieldSpec(name=name, type=kind, label=Label(name, name),
                     choices=tuple(Choice(c, Label(c, c)) for c in choices))


FIELDS = {spec.name: spec for spec in (
    _field("amount", "money"), _field("count", "number"), _field("due", "date"),
    _field("kind", "choice", ("goods", "works", "services")), _field("title", "text"),
    _field("urgent", "boolean"), _field("approvers", "people"), _field("lawyer", "person"),
    _field("contract", "file"), _field("period", "date_range"))}


def test_and_binds_tighter_than_or_and_parentheses_group() -> None:
    expr = parse("kind == works and amount > 100000 or urgent", FIELDS)
    assert expr == AnyOf((All((Compare("kind", "choice", "==", "works"),
                               Compare("amount", "money", ">", Decimal("100000")))),
                          Truth("urgent")))
    grouped = parse("kind == works and (amount > 100000 or not urgent)", FIELDS)
    assert grouped == All((Compare("kind", "choice", "==", "works"),
                           AnyOf((Compare("amount", "money", ">", Decimal("100000")),
                                  Not(Truth("urgent"))))))
    assert fields_of(grouped) == {"kind", "amount", "urgent"}


def test_values_are_read_as_the_field_stores_them() -> None:
    assert parse("due >= today", FIELDS) == Compare("due", "date", ">=", TODAY)
    assert parse("due < 2027-01-01", FIELDS) == Compare("due", "date", "<", date(2027, 1, 1))
    assert parse("title in ['A B', x]", FIELDS) == Compare("title", "text", "in", ("A B", "x"))
    assert parse("approvers contains anna@example.com", FIELDS) == Compare(
        "approvers", "people", "contains", "anna@example.com")
    assert parse("count != -2.5", FIELDS) == Compare("count", "number", "!=", Decimal("-2.5"))


@pytest.mark.parametrize(("text", "problem"), [
    ("", "the condition is empty"),
    ("amount > 100 000", "unexpected '000' (write numbers without spaces: 100000)"),
    ("amount > 1 and amount < 5 000", "unexpected '000'"),
    ("amount > '100'", "'amount' is a money field: compare it with a number"),
    ("amount > 1e5", "'amount' is a money field: compare it with a number"),
    ("due > tomorrow", "'due' is a date field: compare it with a date such as 2026-12-31"),
    ("due > 2026-02-30", "'2026-02-30' is not a date"),
    ("kind == food", "'food' is not a choice of 'kind' (its choices: goods, works, services)"),
    ("kind > goods", "cannot compare a choice field with >"),
    ("urgent == yes", "'urgent' is a boolean field: compare it with true or false"),
    ("urgent in [true]", "'urgent' is a boolean field"),
    ("approvers == anna@example.com", "'approvers' is a people field: use"),
    ("title contains x", "'contains' is for people fields"),
    ("contract == x", "'contract' is a file field: conditions cannot use it"),
    ("period > 2026-01-01", "'period' is a date_range field: conditions cannot use it"),
    ("total > 5", "unknown field 'total' (the fields: amount, approvers,"),
    ("amount", "'amount' is a money field: compare it with a value"),
    ("amount > ", "the condition ends too early"),
    ("(urgent", "the condition ends too early"),
    ("urgent)", "unexpected ')'"),
    ("urgent urgent", "expected an operator"),
    ("kind in goods", "'in' needs a list such as [a, b], not 'goods'"),
    ("kind == and", "expected a value after 'kind' but found 'and'"),
    ("and urgent", "expected a field name but found 'and'"),
    ("title == 'open", "cannot read"),
])
def test_a_condition_that_cannot_work_is_refused_with_what_to_write(text, problem) -> None:
    with pytest.raises(ConditionError) as refused:
        parse(text, FIELDS)
    assert str(refused.value).startswith(problem), str(refused.value)


@pytest.mark.parametrize(("text", "fields", "expected"), [
    ("amount > 100000", {"amount": "100000.01"}, True),
    ("amount > 100000", {"amount": "100000.00"}, False),
    ("amount > 100000", {"amount": "a lot"}, False),  # never raises on a bad stored value
    ("amount > 100000", {}, False),
    ("amount != 5", {}, True),
    ("due >= today", {"due": "2026-12-07"}, True),
    ("due >= today", {"due": "2026-12-06"}, False),
    ("due >= today", {"due": "06.12.2026"}, False),
    ("kind in [goods, works]", {"kind": "works"}, True),
    ("not urgent", {"urgent": False}, True),
    ("not urgent", {}, True),
    ("urgent", {"urgent": "true"}, False),  # only a real true ticks a boolean
    ("approvers contains Anna@Example.com", {"approvers": ["anna@example.com"]}, True),
    ("approvers contains anna@example.com", {"approvers": "anna@example.com"}, False),
    ("kind == works and (amount > 10 or urgent)", {"kind": "works", "urgent": True}, True),
    ("kind == works and (amount > 10 or urgent)", {"kind": "goods", "urgent": True}, False),
    ("title == 007", {"title": "007"}, True),
    ("title == 007", {"title": 7}, False),
])
def test_a_condition_holds_by_the_fields_type(text, fields, expected) -> None:
    assert holds(parse(text, FIELDS), fields, TODAY_IS) is expected


def test_no_stored_value_makes_a_condition_raise() -> None:
    conditions = [parse(text, FIELDS) for text in (
        "amount > 5", "count in [1, 2]", "due < today", "kind == goods", "title == x",
        "urgent", "approvers contains a@b.c", "lawyer == a@b.c")]
    oddities = [None, "", [], {}, "x", 3, 2.5, True, ["a"], {"start": "x"}, "2026-13-45"]
    for expr in conditions:
        for value in oddities:
            for name in fields_of(expr):
                assert holds(expr, {name: value}, TODAY_IS) in (True, False)
