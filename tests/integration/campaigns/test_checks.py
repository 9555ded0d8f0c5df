"""The acknowledgement process file and what its form refuses: ``signoff processes check`` takes
the shipped file and names the line of a check or reminder that could not work; a campaign
without a document or link, without anyone to read it, with a deadline not ahead or naming a
department nobody is in is refused field by field, in the reader's language, and nothing is
written."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

import approvals
from approvals import service
from approvals.core.errors import FormInvalid
from approvals.store.models import AuditEvent, Instance, Task
from approvals.texts import field_error
from signoff.cli import main
from tests.integration.campaigns.conftest import browser
from tests.integration.flows import rows

SHIPPED = approvals.PROCESSES / "acknowledgement.yaml"
LINK = "https://intranet.example.com/policies/leave"


@pytest.fixture(autouse=True)
def _own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``signoff processes check`` looks at a database of its own, not the checkout's."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "cli-var"))
    monkeypatch.delenv("SIGNOFF_PROCESS_DIRS", raising=False)


def _check(path: Path):
    return CliRunner().invoke(main, ["processes", "check", str(path)], catch_exceptions=False)


def test_processes_check_takes_the_shipped_acknowledgement_file() -> None:
    result = _check(SHIPPED)
    assert result.exit_code == 0, result.output
    assert f"OK {SHIPPED} (acknowledgement)" in result.stdout


@pytest.mark.parametrize(("written", "wrong", "problem"), [
    ("[[document, link], [departments, people]]", "[[document, url], [departments, people]]",
     "validate[0]: approvals.one_of: 'url' is not a field of this process"),
    ("{field: deadline, days: 1}", "{field: title, days: 1}",
     "validate[1]: approvals.date_ahead: 'title' is not a date field of this process"),
    ("{approvals.departments: {field: departments}}", "{approvals.departments: {field: people}}",
     "validate[2]: approvals.departments: 'people' is not a text or choice field"),
    ("remind_before: {days: 1}", "remind_before: {hours: 1}",
     "stages[0].deadline.remind_before.hours: unknown key"),
    ("remind_before: {days: 1}", "remind_before: {days: 0}",
     "stages[0].deadline.remind_before.days: expected a whole number from 1 to 365"),
])
def test_processes_check_names_the_line_of_a_check_or_reminder_that_could_not_work(
        tmp_path: Path, written: str, wrong: str, problem: str) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    assert written in text
    line = next(n for n, content in enumerate(text.splitlines(), start=1) if written in content)
    broken = tmp_path / "acknowledgement.yaml"
    broken.write_text(text.replace(written, wrong), encoding="utf-8")

    result = _check(broken)

    assert result.exit_code == 1
    assert f"{broken}:{line}: {problem}" in result.output, result.output


def _refusal(db, org, now, **fields) -> dict[str, tuple[str, dict]]:
    with pytest.raises(FormInvalid) as refused:
        service.start(db, "acknowledgement", org.initiator, {
            "title": "Leave policy", "deadline": (now + timedelta(days=3)).date().isoformat(),
            **fields}, now)
    assert rows(db, Instance) == [] and rows(db, Task) == [] and rows(db, AuditEvent) == []
    return refused.value.errors


def test_a_campaign_needs_a_document_or_a_link_and_someone_to_read_it(db, org, now):
    errors = _refusal(db, org, now)
    assert {name: code for name, (code, _params) in errors.items()} == {
        "document": "one_of_required", "link": "one_of_required",
        "departments": "one_of_required", "people": "one_of_required"}
    assert field_error(*errors["document"], "en") == "Fill in this field or “Link to the " \
                                                     "document”."
    assert field_error(*errors["link"], "ru") == "Заполните это поле или «Файл»."
    assert field_error(*errors["departments"], "ru") == "Заполните это поле или «Сотрудники»."


@pytest.mark.parametrize("days", [-1, 0])
def test_a_deadline_must_be_at_least_tomorrow(db, org, now, days):
    deadline = (now + timedelta(days=days)).date()
    errors = _refusal(db, org, now, link=LINK, departments="Legal",
                      deadline=deadline.isoformat())
    tomorrow = (now + timedelta(days=1)).date().isoformat()
    assert errors == {"deadline": ("date_too_early", {"earliest": tomorrow})}
    assert field_error(*errors["deadline"], "en") == f"Choose {tomorrow} or a later day."


def test_an_unknown_department_is_refused_naming_the_known_ones(db, org, now):
    errors = _refusal(db, org, now, link=LINK, departments="legal, Marketing; Склад")
    assert errors == {"departments": ("unknown_department", {
        "value": "Marketing, Склад", "known": "Finance, IT, Legal, Sales, Security"})}
    assert field_error(*errors["departments"], "ru") == (
        "В списке сотрудников нет подразделения «Marketing, Склад»; есть: Finance, IT, Legal, "
        "Sales, Security.")


def test_a_link_must_be_a_web_address(db, org, now):
    errors = _refusal(db, org, now, link="intranet/policies", departments="Legal")
    assert errors == {"link": ("pattern", {})}


def test_a_department_in_any_letter_case_reaches_its_people_once(db, org, now):
    anna, boris = org.approvers[:2]
    started = service.start(db, "acknowledgement", org.initiator, {
        "title": "Leave policy", "link": LINK, "departments": "LEGAL, finance",
        "people": [org.email(anna)], "deadline": (now + timedelta(days=3)).date().isoformat()},
        now)
    assert sorted(t.assignee_id for t in rows(db, Task, Task.instance_id
                                              == started.instance_id)) == sorted([anna, boris])


def test_the_start_page_shows_the_refusals_in_the_readers_language(db, org, now, pages):
    ivan = browser(pages, org.email(org.initiator))  # reads Russian
    page = "/processes/acknowledgement/start"
    refused = ivan.submit(page, page, {"title": "Отпуска", "link": "", "departments": "Склад",
                                       "deadline": now.date().isoformat()})
    assert refused.status_code == 400
    assert "Заполните это поле или «Ссылка на документ»." in refused.text
    assert "В списке сотрудников нет подразделения «Склад»" in refused.text
    assert "или более поздний день." in refused.text
    assert rows(db, Instance) == []
