"""``signoff doctor``: one line per finding (level, check, what was found), exit status 1 when
any is a warning; each check's cases are in :mod:`tests.integration.doctor_cases`."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from approvals import texts
from approvals.config.doctor import CHECKS
from tests.integration.doctor_cases import CASES, Case, clean_environment
from tests.integration.signoff.cli import Invoke


def _findings(stdout: str) -> dict[str, tuple[str, str]]:
    lines = [line.split(maxsplit=2) for line in stdout.splitlines()]
    return {check: (level, text) for level, check, text in lines}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_doctor_reports_each_finding(upgraded: Invoke, engine: Engine, case: Case,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)
    case.setup(engine, monkeypatch)

    result = upgraded("doctor")

    findings = _findings(result.stdout)
    assert list(findings) == list(CHECKS)
    level, text = findings[case.check]
    assert level == case.level, text
    worded = texts.t(f"doctor.{case.check}.{case.outcome}", "en")
    assert text.startswith(worded.split("{")[0]), (text, worded)
    warned = any(level == "warning" for level, _ in findings.values())
    assert result.exit_code == (1 if warned else 0)
    assert "{" not in text and "doctor." not in text


def test_doctor_names_who_to_deactivate_and_whose_password_is_weak(
        upgraded: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)
    upgraded("demo", "load")

    findings = _findings(upgraded("doctor").stdout)

    assert "signoff people deactivate admin@example.com anna@example.com" \
        in findings["demo_accounts"][1]
    assert "olga@example.com" in findings["default_passwords"][1]


def test_doctor_exits_0_when_nothing_needs_attention(upgraded: Invoke, people_csv,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)
    monkeypatch.setenv("SIGNOFF_SECRET_KEY", "k" * 64)
    upgraded("people", "import", str(people_csv("lena@corp.example,Lena,en,,HR,admin,")))
    upgraded("people", "password", "lena@corp.example", "--password", "x7-unguessable")

    result = upgraded("doctor")

    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["ok"] * len(CHECKS)


def test_doctor_after_a_fresh_make_run_warns_and_a_cleaned_up_one_does_not(
        upgraded: Invoke, monkeypatch: pytest.MonkeyPatch, people_csv) -> None:
    clean_environment(monkeypatch)
    upgraded("demo", "load")
    before = _findings(upgraded("doctor").stdout)
    monkeypatch.setenv("SIGNOFF_SECRET_KEY", "k" * 64)
    upgraded("people", "import", str(people_csv("lena@corp.example,Lena,en,,HR,admin,")))
    upgraded("people", "deactivate", *[line.split(",")[0] for line in
                                       _demo_csv_lines()])
    after = upgraded("doctor")

    assert before["demo_accounts"][0] == before["default_passwords"][0] == "warning"
    assert after.exit_code == 0, after.output


def _demo_csv_lines() -> list[str]:
    from approvals.config import demo

    return demo.people_csv().splitlines()[1:]
