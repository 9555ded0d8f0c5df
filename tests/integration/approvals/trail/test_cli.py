"""``signoff keys init``, ``signoff keys import`` and ``signoff verify``."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import update
from sqlalchemy.engine import Engine

from approvals.keys import load_keys
from approvals.store.db import read_session, write_session
from approvals.store.models import AuditEvent
from approvals.trail import render_trail, sign_trail
from signoff.cli import main
from tests.integration.approvals.trail.conftest import T0
from tests.integration.approvals.trail.test_keys import company_p12


@pytest.fixture
def signoff(tmp_path: Path, db: Engine, monkeypatch: pytest.MonkeyPatch):
    """Runs ``signoff ARGS…`` with var/ under ``tmp_path`` and the test database."""
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", str(db.url))
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def signed(tmp_path: Path, signoff, db: Engine, completed: int) -> Path:
    assert signoff("keys", "init", "--org", "ООО «Ромашка»").exit_code == 0
    keys = load_keys(tmp_path / "var" / "keys")
    with read_session(db) as session:
        pdf = render_trail(session, completed, generated_at=T0 + timedelta(days=2))
    path = tmp_path / "trail.pdf"
    path.write_bytes(sign_trail(pdf, keys, reason="Approval trail", location="Signoff"))
    return path


def test_keys_init_creates_the_pair_once_and_prints_the_fingerprint(tmp_path: Path,
                                                                   signoff) -> None:
    first = signoff("keys", "init", "--org", "ООО «Ромашка»")

    assert first.exit_code == 0, first.output
    keys_dir = tmp_path / "var" / "keys"
    for name in ("organisation.key.pem", "organisation.cert.pem"):
        assert stat.S_IMODE((keys_dir / name).stat().st_mode) == 0o600
    assert load_keys(keys_dir).fingerprint in first.output
    again = signoff("keys", "init")
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_keys_import_asks_for_the_password_and_names_the_file_when_it_is_wrong(
        tmp_path: Path, signoff) -> None:
    p12 = company_p12(tmp_path / "company.p12", b"pw")

    wrong = signoff("keys", "import", str(p12), input="nope\n")
    assert wrong.exit_code == 1
    assert str(p12) in wrong.output
    right = signoff("keys", "import", str(p12), "--password", "pw")
    assert right.exit_code == 0, right.output
    assert "Romashka LLC" in right.output


def test_verify_accepts_an_intact_trail_next_to_its_database(signoff, signed: Path) -> None:
    result = signoff("verify", str(signed))

    assert result.exit_code == 0, result.output
    assert "the stored audit chain matches" in result.output
    assert "signed by the organisation's certificate" in result.output
    assert result.output.rstrip().endswith("VERDICT: VALID")


def test_verify_rejects_a_changed_byte_and_a_changed_audit_row(
        signoff, signed: Path, db: Engine, completed: int) -> None:
    pdf = signed.read_bytes()
    at = pdf.index(b"stream\n", len(pdf) // 3) + 40
    tampered = signed.with_name("tampered.pdf")
    tampered.write_bytes(pdf[:at] + bytes([pdf[at] ^ 1]) + pdf[at + 1:])

    assert signoff("verify", str(tampered)).exit_code == 1
    with write_session(db) as session:
        session.execute(update(AuditEvent).where(AuditEvent.instance_id == completed,
                                                 AuditEvent.seq == 3).values(channel="web"))
    result = signoff("verify", str(signed))
    assert result.exit_code == 1
    assert "broken at event 3" in result.output


def test_verify_without_a_reachable_database_checks_the_signature_alone(
        signoff, signed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/signoff")

    result = signoff("verify", str(signed))

    assert result.exit_code == 0, result.output
    assert "cannot be reached" in result.output
    assert "the signature alone is verified" in result.output


def test_verify_says_plainly_what_is_wrong_with_a_non_pdf(tmp_path: Path, signoff) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a trail")

    result = signoff("verify", str(path))

    assert result.exit_code == 1
    assert "FAIL  this is not a PDF file" in result.output


def test_verify_with_a_corrupt_certificate_names_the_file(tmp_path: Path, signoff,
                                                           signed: Path) -> None:
    cert = tmp_path / "var" / "keys" / "organisation.cert.pem"
    cert.write_text("garbage")

    result = signoff("verify", str(signed))

    assert result.exit_code == 1
    assert str(cert) in result.output


def test_verify_compares_with_a_certificate_given_on_the_command_line(
        tmp_path: Path, signoff, signed: Path) -> None:
    published = tmp_path / "published.pem"
    published.write_bytes((tmp_path / "var" / "keys" / "organisation.cert.pem").read_bytes())
    (tmp_path / "var" / "keys" / "organisation.cert.pem").unlink()

    result = signoff("verify", "--cert", str(published), str(signed))

    assert result.exit_code == 0, result.output
    assert "signed by the organisation's certificate" in result.output
