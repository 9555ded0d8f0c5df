"""Templates of titles and notices: checked against the process when read, filled in without
ever failing."""

from __future__ import annotations

import pytest

from approvals.core import templates
from approvals.core.errors import DefinitionError
from approvals.definitions import load_text

FIELDS = ("period", "kind")


@pytest.mark.parametrize(("text", "problem"), [
    ("Leave: {{ fields.perod }}", "unknown field in {{ fields.perod }} (the fields: kind, "
                                  "period)"),
    ("{{ initiator.email }}", "unknown placeholder {{ initiator.email }} (use fields.NAME, "
                              "initiator.name, process.name, instance.id)"),
    ("Leave {{ fields.period }", "a placeholder is not closed"),
    ("Leave fields.period }}", "a placeholder is not closed"),
])
def test_a_template_naming_what_is_not_there_is_refused(text, problem) -> None:
    with pytest.raises(templates.TemplateError, match=problem.replace("{", "\\{")
                       .replace("}", "\\}").replace("(", "\\(").replace(")", "\\)")):
        templates.check(text, FIELDS)


def test_a_template_is_filled_in_and_a_failing_lookup_leaves_a_blank() -> None:
    def value_of(name: str) -> str:
        if name == "fields.kind":
            raise KeyError(name)
        return {"initiator.name": "Ivan", "fields.period": "2026-12-01 – 2026-12-14"}[name]

    text = "Отпуск: {{ initiator.name }}, {{fields.period}} {{ fields.kind }}"
    templates.check(text, FIELDS)
    assert templates.render(text, value_of) == "Отпуск: Ivan, 2026-12-01 – 2026-12-14"


def test_the_file_is_refused_with_the_line_of_a_broken_title_or_message() -> None:
    base = """\
id: leave
name: Leave
title: {en: "Leave: {{ fields.period }}", ru: "Отпуск: {{ fields.perod }}"}
fields: [{name: period, type: date_range}, {name: variant, type: text}]
stages:
  - {key: hr, name: HR, assignees: [initiator]}
on_complete:
  - notify: initiator
    message: {en: "Variant {{ fields.variant }}", ru: "Вариант {{ fields.variant }}"}
    when: "variant == b"
"""
    with pytest.raises(DefinitionError) as refused:
        load_text(base, "leave.yaml")
    assert str(refused.value).startswith("leave.yaml:3: title: unknown field in "
                                         "{{ fields.perod }}")
    fixed = base.replace("perod", "period")
    process = load_text(fixed, "leave.yaml")
    assert process.title.ru == "Отпуск: {{ fields.period }}"
    [notice] = process.status("completed").on_enter
    assert notice.when.text == "variant == b"
    with pytest.raises(DefinitionError) as refused:
        load_text(fixed.replace("Вариант {{ fields.variant }}", "Вариант {{ variant }}"),
                  "leave.yaml")
    assert str(refused.value).startswith("leave.yaml:9: on_complete[0].message: unknown "
                                         "placeholder {{ variant }}")
