"""Validators and effects named in process files: the names are checked when a file is read,
the engine asks for effects on entering a status, and the shipped checks of hr and
accounting."""

from __future__ import annotations

from datetime import datetime

import pytest

import tests.extension_plugins  # noqa: F401 - registers tests.no_drafts and tests.log
from accounting.validators import inn_problem
from approvals import extensions
from approvals.core import engine
from approvals.core.errors import DefinitionError
from approvals.core.model import Named
from approvals.definitions import load_text
from tests.unit.fakes import FakeDirectory

NOW = datetime(2026, 12, 7, 9, 0)
WITH_EXTENSIONS = """\
id: with-extensions
name: With extensions
fields:
  - {name: title, type: text}
  - {name: period, type: date_range}
  - {name: note, type: text}
validate:
  - tests.no_drafts
  - {hr.period_ahead: {field: period}}
stages:
  - key: check
    name: Check
    assignees: [initiator]
    on_enter:
      - {effect: tests.log, with: {note: entered}}
on_complete:
  - effect: tests.log
"""


def test_a_file_names_validators_and_effects_with_their_parameters() -> None:
    process = load_text(WITH_EXTENSIONS, "x.yaml")

    assert process.validators == (Named("tests.no_drafts", (), 8),
                                  Named("hr.period_ahead", (("field", "period"),), 9))
    [entered] = process.status("check").on_enter
    assert (entered.kind, entered.name, entered.values) == ("effect", "tests.log",
                                                             (("note", "entered"),))
    [completed] = process.status("completed").on_enter
    assert (completed.kind, completed.name) == ("effect", "tests.log")


@pytest.mark.parametrize("old, new, line, where, problem", [
    ("  - tests.no_drafts\n", "  - tests.no_such_check\n", 8, "validate[0]",
     "unknown validator 'tests.no_such_check' (known: "),
    ("  - {hr.period_ahead: {field: period}}\n", "  - {hr.holidays: {}}\n", 9, "validate[1]",
     "unknown validator 'hr.holidays'"),
    ("      - {effect: tests.log, with: {note: entered}}\n", "      - {effect: hr.nothing}\n",
     15, "stages[0].on_enter[0].effect", "unknown effect 'hr.nothing' (known: "),
    ("  - effect: tests.log\n", "  - effect: accounting.register_payment\n", 17,
     "on_complete[0].effect", "unknown effect 'accounting.register_payment'"),
    ("  - tests.no_drafts\n", "  - hr.period_ahead\n", 9, "validate[1]",
     "the validator 'hr.period_ahead' is named twice"),
])
def test_an_unknown_or_repeated_name_is_refused_with_its_line(old, new, line, where,
                                                              problem) -> None:
    assert old in WITH_EXTENSIONS
    with pytest.raises(DefinitionError) as refused:
        load_text(WITH_EXTENSIONS.replace(old, new), "x.yaml")
    assert str(refused.value).startswith(f"x.yaml:{line}: {where}: {problem}")


def test_the_known_names_are_listed_in_the_refusal() -> None:
    with pytest.raises(DefinitionError) as refused:
        load_text(WITH_EXTENSIONS.replace("tests.no_drafts", "tests.typo"), "x.yaml")
    assert "accounting.inn" in str(refused.value) and "hr.period_ahead" in str(refused.value)


def test_a_package_registers_only_under_its_own_name() -> None:
    with pytest.raises(ValueError, match="only under its own name"):
        extensions.validator("hr.sneaky")(lambda check: {})  # this module is tests.…
    with pytest.raises(ValueError, match="<package>.<name>"):
        extensions.effect("NoDot")
    with pytest.raises(ValueError, match="registered twice"):
        extensions.effect("tests.log")(lambda entered: None)


def test_the_engine_asks_for_effects_on_entering_a_stage_and_on_completion() -> None:
    people = FakeDirectory()
    ivan = people.add("ivan@example.com")
    process = load_text(WITH_EXTENSIONS, "x.yaml")

    started = engine.start(process, people, ivan, {"title": "T"}, NOW)

    assert [e for e in started.effects if isinstance(e, engine.RunEffect)] == [
        engine.RunEffect("tests.log", "check", {"note": "entered"})]
    assert [e.data for e in started.events if e.kind == "effect_ran"] == [
        {"effect": "tests.log", "stage": "check"}]
    [task] = started.state.tasks
    done = engine.decide(process, people, started.state, task.seq, ivan, "approve", "", NOW)
    assert [e for e in done.effects if isinstance(e, engine.RunEffect)] == [
        engine.RunEffect("tests.log", "completed", {})]
    assert [e.kind for e in done.events][-2:] == ["effect_ran", "completed"]


# ---------------------------------------------------------------------------- shipped checks


@pytest.mark.parametrize("value, problem", [
    ("7707083893", None), ("500100732259", None), (" 7707083893 ", None),
    ("7707083894", "inn_checksum"), ("500100732258", "inn_checksum"),
    ("500100732269", "inn_checksum"), ("77070838", "inn_length"), ("77070838931", "inn_length"),
    ("77O7083893", "inn_length"), ("７７０７０８３８９３", "inn_length")])
def test_an_inn_needs_its_length_and_its_check_digits(value, problem) -> None:
    assert inn_problem(value) == problem


def _check(name: str, fields: dict, params: dict | None = None):
    process = load_text(WITH_EXTENSIONS, "x.yaml")
    return extensions.validators()[name](extensions.Check(
        process, fields, 1, NOW, None, params or {}))


def test_a_period_may_start_today_but_not_yesterday() -> None:
    today = {"period": {"start": "2026-12-07", "end": "2026-12-20"}}
    yesterday = {"period": {"start": "2026-12-06", "end": "2026-12-20"}}
    assert _check("hr.period_ahead", today) == {}
    assert _check("hr.period_ahead", yesterday) == {
        "period": ("period_in_the_past", {"start": "2026-12-06", "today": "2026-12-07"})}
    assert _check("hr.period_ahead", {"dates": yesterday["period"]}, {"field": "dates"}) != {}
    assert _check("hr.period_ahead", {}) == {}  # required-ness is the field's own check


def test_the_inn_validator_reads_the_field_it_is_given() -> None:
    assert _check("accounting.inn", {"inn": "7707083894"}) == {
        "inn": ("inn_checksum", {"value": "7707083894"})}
    assert _check("accounting.inn", {"supplier_inn": "123"}, {"field": "supplier_inn"}) == {
        "supplier_inn": ("inn_length", {"value": "123"})}
    assert _check("accounting.inn", {"inn": ""}) == {}
