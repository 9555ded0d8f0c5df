"""The language's computed fields (``computed: true`` set by a calculator named in
``compute:``), as HR's business trip uses them: refused on a form, without a calculator, or
with a calculator and nothing to compute; kept off the start form; the per diem's arithmetic."""

from __future__ import annotations

import pytest

from approvals.core.errors import DefinitionError
from approvals.definitions import load_text
from hr.trips import trip_days

HEAD = """\
id: trip
name: Trip
fields:
  - {name: period, type: date_range, required: true}
"""
STAGE = """\
stages:
  - {key: manager, name: Manager, assignees: [manager]}
"""


def test_a_computed_field_is_not_on_the_start_form() -> None:
    process = load_text(HEAD + "  - {name: per_diem, type: money, computed: true}\n"
                        "compute: [hr.per_diem]\n" + STAGE)
    assert [f.name for f in process.start_fields] == ["period"]
    assert [c.name for c in process.calculators] == ["hr.per_diem"]


@pytest.mark.parametrize("text, problem", [
    (HEAD + "  - {name: per_diem, type: money, computed: true}\n" + STAGE,
     "'per_diem' is computed, but the process names no calculator"),
    (HEAD + "compute: [hr.per_diem]\n" + STAGE, "no field is declared computed: true"),
    (HEAD + "  - {name: per_diem, type: money, computed: true}\ncompute: [hr.nothing]\n"
     + STAGE, "unknown calculator 'hr.nothing'"),
    (HEAD + "  - {name: per_diem, type: money, computed: true, required: true}\n"
     "compute: [hr.per_diem]\n" + STAGE, "a computed field has no required"),
    (HEAD + "  - {name: per_diem, type: money, computed: true}\ncompute: [hr.per_diem]\n"
     "stages:\n  - {key: manager, name: Manager, assignees: [manager], form: [per_diem]}\n",
     "'per_diem' is computed: its calculator sets it, no form asks for it"),
    (HEAD + "compute: [hr.per_diem]\nstages:\n  - {key: manager, name: Manager, assignees: "
     "[manager], form: [{name: x, type: number, computed: true}]}\n",
     "not asked on a task form"),
])
def test_a_computed_field_out_of_place_is_refused(text: str, problem: str) -> None:
    with pytest.raises(DefinitionError) as refused:
        load_text(text, "trip.yaml")
    assert problem in str(refused.value)


def test_a_trip_counts_both_ends() -> None:
    assert trip_days({"start": "2026-03-02", "end": "2026-03-08"}) == 7
    assert trip_days({"start": "2026-03-02", "end": "2026-03-02"}) == 1
    assert trip_days({"start": "2026-03-08", "end": "2026-03-02"}) is None
    assert trip_days(None) is None
