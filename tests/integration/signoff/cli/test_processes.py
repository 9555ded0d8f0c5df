"""``signoff processes check | load``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

import accounting
import approvals
import hr
from approvals.definitions import load_file
from approvals.store.db import read_session
from approvals.store.models import ProcessVersion
from approvals.store.registry import process_files, shipped
from tests.integration.signoff.cli import Invoke

CONTRACT = approvals.PROCESSES / "contract-approval.yaml"
INVOICE = accounting.PROCESSES / "invoice-payment.yaml"
PURCHASE = """\
id: purchase
name: Purchase
stages:
  - key: approval
    name: Approval
    assignees: [manager]
"""


@pytest.fixture
def process_dir(env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An extra folder of process files (``SIGNOFF_PROCESS_DIRS``)."""
    folder = env / "processes"
    folder.mkdir()
    monkeypatch.setenv("SIGNOFF_PROCESS_DIRS", str(folder))
    return folder


def test_processes_check_passes_shipped_files(cli: Invoke) -> None:
    result = cli("processes", "check")

    assert result.exit_code == 0, result.output
    for path in process_files():
        assert f"OK {path} (" in result.stdout
    assert f"OK {CONTRACT} (contract-approval)" in result.stdout
    assert f"OK {INVOICE} (invoice-payment)" in result.stdout
    assert result.stderr == ""


def test_processes_check_names_file_line_and_field_of_a_broken_file(cli: Invoke,
                                                                    env: Path) -> None:
    lines = CONTRACT.read_text(encoding="utf-8").splitlines()
    line = lines.index("    rule: all") + 1  # the approval stage's rule, the file's only one
    lines[line - 1] = "    rule: everyone"
    broken = env / "contract.yaml"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = cli("processes", "check", str(broken))

    assert result.exit_code == 1
    assert result.stderr.startswith(f"{broken}:{line}: stages[0].rule: unknown rule 'everyone'")
    assert result.stdout == ""


def test_processes_check_reports_yaml_syntax_error_with_line(cli: Invoke, env: Path) -> None:
    broken = env / "broken.yaml"
    broken.write_text("id: broken\nname: Broken\nstages: x: y\n", encoding="utf-8")

    result = cli("processes", "check", str(broken))

    assert result.exit_code == 1
    assert f"{broken}:3: not valid YAML: mapping values are not allowed here" in result.stderr


def test_processes_check_reports_each_file_and_fails_if_any_failed(cli: Invoke,
                                                                   process_dir: Path) -> None:
    (process_dir / "purchase.yaml").write_text(PURCHASE, encoding="utf-8")
    (process_dir / "copy.yaml").write_text(CONTRACT.read_text(encoding="utf-8"),
                                           encoding="utf-8")

    result = cli("processes", "check")

    assert result.exit_code == 1
    assert f"OK {process_dir / 'purchase.yaml'} (purchase)" in result.stdout
    assert f"OK {CONTRACT} (contract-approval)" in result.stdout
    assert (f"{process_dir / 'copy.yaml'}: id: process id 'contract-approval' is already "
            f"defined in {CONTRACT}") in result.stderr
    shipped_count = len(process_files(shipped()))
    assert f"1 of {shipped_count + 2} process files failed" in result.stderr


def test_processes_check_of_a_missing_file_says_it_cannot_be_read(cli: Invoke,
                                                                  env: Path) -> None:
    result = cli("processes", "check", str(env / "nope.yaml"))

    assert result.exit_code == 1
    assert f"{env / 'nope.yaml'}: cannot read the file" in result.stderr


def test_processes_load_keeps_old_version_when_file_changes(upgraded: Invoke, process_dir: Path,
                                                            engine: Engine) -> None:
    path = process_dir / "purchase.yaml"
    path.write_text(PURCHASE, encoding="utf-8")
    first = upgraded("processes", "load")
    path.write_text(PURCHASE.replace("name: Purchase", "name: Purchase request"),
                    encoding="utf-8")
    second = upgraded("processes", "load")
    third = upgraded("processes", "load")

    assert first.exit_code == 0, first.output
    assert f"loaded purchase version 1 from {path}" in first.stdout
    assert f"loaded contract-approval version 1 from {CONTRACT}" in first.stdout
    shipped_count = len(process_files(shipped()))
    assert second.stdout == (f"loaded purchase version 2 from {path}\n"
                             f"{shipped_count} processes unchanged\n")
    assert third.stdout == f"{shipped_count + 1} processes unchanged\n"
    with read_session(engine) as session:
        versions = session.exec(select(ProcessVersion).where(
            ProcessVersion.process_id == "purchase").order_by(ProcessVersion.version)).all()
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].source == PURCHASE
    assert "name: Purchase request" in versions[1].source


def test_processes_load_loads_good_files_and_fails_on_a_broken_one(
        upgraded: Invoke, process_dir: Path, engine: Engine) -> None:
    (process_dir / "purchase.yaml").write_text(PURCHASE, encoding="utf-8")
    (process_dir / "broken.yaml").write_text(PURCHASE.replace("[manager]", "[nobody]"),
                                             encoding="utf-8")

    result = upgraded("processes", "load")

    assert result.exit_code == 1
    assert f"loaded purchase version 1 from {process_dir / 'purchase.yaml'}" in result.stdout
    assert f"{process_dir / 'broken.yaml'}:6: stages[0].assignees[0]: expected" in result.stderr
    assert "1 process file not loaded; the others were" in result.stderr
    with read_session(engine) as session:
        loaded = set(session.exec(select(ProcessVersion.process_id)))
    assert loaded == {"purchase"} | {load_file(path).id for path in process_files(shipped())}
    assert {"contract-approval", "vacation", "invoice-payment"} <= loaded


def test_packages_name_their_process_folders_by_entry_point_and_none_is_hard_coded():
    from approvals.store import registry

    assert shipped() == [accounting.PROCESSES, approvals.PROCESSES, hr.PROCESSES]
    code = Path(registry.__file__).read_text(encoding="utf-8").split('"""', 2)[2]
    assert "hr" not in code and "accounting" not in code  # no domain package named in code


def test_processes_check_refuses_a_validator_or_effect_nobody_registered(cli: Invoke,
                                                                         env: Path) -> None:
    broken = env / "purchase.yaml"
    broken.write_text(PURCHASE.replace("stages:", "validate: [accounting.inn, hr.balance]\n"
                                                  "stages:") +
                      "    on_enter:\n      - effect: accounting.pay\n", encoding="utf-8")

    result = cli("processes", "check", str(broken))

    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{broken}:3: validate[1]: unknown validator 'hr.balance' (known: accounting.")
    assert "accounting.inn, " in result.stderr and "hr.period_ahead" in result.stderr
    assert result.stdout == ""

    broken.write_text(broken.read_text().replace(", hr.balance", ""), encoding="utf-8")
    result = cli("processes", "check", str(broken))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{broken}:9: stages[0].on_enter[0].effect: unknown effect 'accounting.pay'")


@pytest.mark.parametrize(("condition", "problem"), [
    ("amount > 100 000", "unexpected '000' (write numbers without spaces: 100000)"),
    ("due > tomorrow", "'due' is a date field: compare it with a date such as 2026-12-31 or "
                       "with today, not 'tomorrow'"),
])
def test_processes_check_refuses_a_condition_that_could_not_work_with_its_line(
        cli: Invoke, env: Path, condition: str, problem: str) -> None:
    broken = env / "purchase.yaml"
    broken.write_text(PURCHASE.replace("name: Purchase\n", "name: Purchase\nfields:\n"
                                       "  - {name: amount, type: money}\n"
                                       "  - {name: due, type: date}\n")
                      + f"    when: \"{condition}\"\n", encoding="utf-8")

    result = cli("processes", "check", str(broken))

    assert result.exit_code == 1
    assert result.stderr.startswith(f"{broken}:10: stages[0].when: {problem}")


def test_processes_check_warns_about_a_role_nobody_holds_once_people_are_there(
        upgraded: Invoke, env: Path, people_csv) -> None:
    lawyers = env / "purchase.yaml"
    lawyers.write_text(PURCHASE.replace("assignees: [manager]", "assignees: [{role: lawyer}]"),
                       encoding="utf-8")

    result = upgraded("processes", "check", str(lawyers))

    assert result.exit_code == 0, result.output
    assert result.stderr == (f"warning: {lawyers}:4: approval.assignees: nobody holds the role "
                             "'lawyer'; its tasks will go to the administrators\n")

    upgraded("people", "import", str(people_csv("lena@example.com,Lena,en,,Legal,lawyer,")))
    result = upgraded("processes", "check", str(lawyers))
    assert result.exit_code == 0 and result.stderr == ""


def test_processes_check_needs_no_database_and_makes_none(cli: Invoke, env: Path) -> None:
    lawyers = env / "purchase.yaml"
    lawyers.write_text(PURCHASE.replace("assignees: [manager]", "assignees: [{role: lawyer}]"),
                       encoding="utf-8")
    result = cli("processes", "check", str(lawyers))
    assert result.exit_code == 0 and result.stderr == ""
    assert list(env.rglob("*.db")) == []
