"""The language of a signed trail (issue 17): the initiator's by default, or what the process
file says in ``trail: {language: …}`` — ``organisation`` (``SIGNOFF_LOCALE``), ``en``, ``ru``.
The trail is rendered as the worker renders it (no language passed in) and read back with
``pdftotext``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from approvals import service
from approvals.store.db import read_session
from approvals.trail import read_facts, render_trail
from tests.integration.approvals.trail.conftest import T0
from tests.integration.approvals.trail.pdftools import pdftotext
from tests.integration.conftest import Org
from tests.integration.flows import load_process, open_tasks

PROCESS = """\
id: memo-{language}
name: {{en: Memo, ru: Служебная записка}}
trail: {{language: {language}}}
fields:
  - {{name: title, type: text, required: true, label: {{en: Title, ru: Название}}}}
stages:
  - key: read
    name: {{en: Reading, ru: Ознакомление}}
    assignees: [{{person: anna@example.com}}]
    verdicts: [approve, send_back]
"""


def completed_memo(db: Engine, org: Org, tmp_path: Path, language: str) -> int:
    """A one-stage memo Ivan (who reads Russian) started and Anna approved."""
    process_id = load_process(db, tmp_path, PROCESS.format(language=language), T0)
    started = service.start(db, process_id, org.initiator, {"title": "Q3"}, T0)
    anna = org.approvers[0]
    task = open_tasks(db, started.instance_id)[anna]
    assert service.decide(db, task.id, anna, "approve", "", T0).status == "completed"
    return started.instance_id


def trail_text(db: Engine, instance_id: int) -> tuple[str, str]:
    with read_session(db) as session:
        pdf = render_trail(session, instance_id, generated_at=T0)
    return pdftotext(pdf), read_facts(pdf).locale


@pytest.mark.parametrize(("language", "organisation", "expected"), [
    ("initiator", "en", "ru"),  # Ivan's own language, whatever the organisation's
    ("organisation", "en", "en"),
    ("organisation", "ru", "ru"),
    ("en", "ru", "en"),
    ("ru", "en", "ru"),
])
def test_a_process_file_chooses_its_trails_language(
        db: Engine, org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        language: str, organisation: str, expected: str) -> None:
    monkeypatch.setenv("SIGNOFF_LOCALE", organisation)
    instance_id = completed_memo(db, org, tmp_path, language)

    text, locale = trail_text(db, instance_id)

    assert locale == expected
    if expected == "ru":
        assert "Лист согласования" in text and "Служебная записка" in text
        assert "Approval trail" not in text
    else:
        assert "Approval trail" in text and "Memo" in text
        assert "Лист согласования" not in text
    assert "UTC" in text  # a record keeps UTC, named, whatever the readers' zones
