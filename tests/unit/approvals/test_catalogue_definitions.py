"""A process file's place in the catalogue — ``area``, ``example``, ``starters`` — read, refused
when wrong (naming the file, the line and what is allowed), set on every shipped process, and
applied by :func:`approvals.core.policy.refusal_to_start`."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

import accounting
import approvals
import hr
from approvals.core.errors import DefinitionError
from approvals.core.model import AREAS, Starters
from approvals.core.policy import Actor, refusal_to_start
from approvals.definitions import load_file, load_text

HEAD = """\
id: catalogued
name: {en: Catalogued, ru: В каталоге}
stages:
  - key: check
    name: {en: Check, ru: Проверка}
    assignees: [{person: anna@example.com}]
"""
SHIPPED = sorted([*(Path(approvals.__file__).parent / "processes").glob("*.yaml"),
                  *(Path(hr.__file__).parent / "processes").glob("*.yaml"),
                  *(Path(accounting.__file__).parent / "processes").glob("*.yaml")])


def define(extra: str):
    return load_text(HEAD + dedent(extra), "test.yaml")


def refused(extra: str) -> DefinitionError:
    with pytest.raises(DefinitionError) as refusal:
        define(extra)
    return refusal.value


def test_area_example_and_starters_are_read() -> None:
    process = define("""\
        area: finance
        example: false
        starters:
          roles: [accounting]
          departments: [Бухгалтерия, " Finance "]
        """)
    assert (process.area, process.example) == ("finance", False)
    assert process.starters == Starters(roles=("accounting",),
                                        departments=("Бухгалтерия", "Finance"))


def test_a_file_without_them_is_under_other_not_an_example_and_open_to_everyone() -> None:
    process = define("")
    assert (process.area, process.example, process.starters) == ("", False, None)


def test_an_unknown_area_is_refused_naming_the_line_and_the_allowed_ones() -> None:
    error = refused("area: Finance\n")
    assert (error.line, error.where) == (7, "area")
    assert "'Finance' is not an area (expected one of documents, finance, hr, sales)" \
        in str(error)


@pytest.mark.parametrize("value", ["да", "1", "'true'"])
def test_example_must_be_true_or_false(value: str) -> None:
    error = refused(f"example: {value}\n")
    assert (error.line, error.where, error.problem) == (7, "example", "expected true or false")


@pytest.mark.parametrize(("extra", "where", "problem"), [
    ("starters: [hr]\n", "starters", "expected a mapping"),
    ("starters: {people: [anna@example.com]}\n", "starters.people", "unknown key"),
    ("starters: {roles: hr}\n", "starters.roles", "expected a list of names"),
    ("starters: {roles: [hr, '']}\n", "starters.roles[1]", "expected a non-empty name"),
    ("starters: {departments: [12]}\n", "starters.departments[0]", "expected a non-empty name"),
    ("starters: {}\n", "starters", "names nobody"),
    ("starters: {roles: [], departments: []}\n", "starters", "names nobody"),
])
def test_wrong_starters_are_refused(extra: str, where: str, problem: str) -> None:
    error = refused(extra)
    assert error.where == where and problem in error.problem, str(error)
    assert error.line == 7


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_process_names_its_area(path: Path) -> None:
    process = load_file(path)
    assert process.area in AREAS
    assert process.description is not None, "the catalogue shows each process's description"
    assert process.example == (process.id == "document-approval-statuses")


def test_the_shipped_areas_are_the_ones_users_look_under() -> None:
    areas = {load_file(path).id: load_file(path).area for path in SHIPPED}
    assert areas == {
        "acknowledgement": "documents", "contract-approval": "documents",
        "document-approval": "documents", "document-approval-statuses": "documents",
        "invoice-payment": "finance", "lead-handling": "sales",
        "business-trip": "hr", "dismissal": "hr", "hiring": "hr", "sick-leave": "hr",
        "time-off": "hr", "vacation": "hr"}


# ---------------------------------------------------------------------------- the policy

RESTRICTED = define("starters: {roles: [accounting], departments: [Юридический отдел]}\n")
EXAMPLE = define("example: true\n")
OPEN = define("")


@pytest.mark.parametrize(("roles", "department", "process", "expected"), [
    ((), "Sales", OPEN, None),
    ((), "Sales", RESTRICTED, "not_a_starter"),
    ((), "", RESTRICTED, "not_a_starter"),
    (("accounting",), "Sales", RESTRICTED, None),
    (("hr",), "Sales", RESTRICTED, "not_a_starter"),
    ((), "ЮРИДИЧЕСКИЙ ОТДЕЛ ", RESTRICTED, None),  # letter case and spaces aside, in Russian
    ((), "Юридический", RESTRICTED, "not_a_starter"),  # a department, not a part of its name
    (("admin",), "IT", RESTRICTED, None),
    ((), "Sales", EXAMPLE, "example_process"),
    (("accounting",), "Sales", EXAMPLE, "example_process"),
    (("admin",), "IT", EXAMPLE, None),
])
def test_who_may_start(roles, department, process, expected) -> None:
    assert refusal_to_start(Actor.of(7, roles), process, department=department) == expected
