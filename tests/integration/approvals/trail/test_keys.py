"""The organisation's key pair: created once, never overwritten, imported from PKCS#12, and
every problem reading it named by its file."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sqlalchemy.engine import Engine

from approvals.core.errors import KeyProblem, SignoffError
from approvals.keys import CERT_FILE, KEY_FILE, import_keys, init_keys, load_certificates, load_keys
from approvals.store.db import read_session
from approvals.trail import render_trail, sign_trail, verify_trail
from tests.integration.approvals.trail.conftest import T0


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def company_p12(path: Path, password: bytes, name: str = "Romashka LLC",
                not_after: datetime | None = None) -> Path:
    """A PKCS#12 file as a company's IT department would hand it over (an ECDSA key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(not_after or now + timedelta(days=365))
            .sign(key, hashes.SHA256()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"signoff", key, cert, None, serialization.BestAvailableEncryption(password)))
    return path


def trail_pdf(db: Engine, instance_id: int) -> bytes:
    with read_session(db) as session:
        return render_trail(session, instance_id, generated_at=T0 + timedelta(days=2))


def test_keys_init_creates_a_key_and_certificate_readable_only_by_their_owner(
        tmp_path: Path) -> None:
    keys_dir = tmp_path / "var" / "keys"

    cert_path = init_keys(keys_dir, "ООО «Ромашка»")

    assert cert_path == keys_dir / CERT_FILE
    assert mode(keys_dir / KEY_FILE) == 0o600
    assert mode(keys_dir / CERT_FILE) == 0o600
    assert mode(keys_dir) == 0o700
    keys = load_keys(keys_dir)
    assert "ООО «Ромашка»" in keys.subject
    assert keys.valid_until > datetime.now(UTC) + timedelta(days=365 * 19)


def test_keys_init_refuses_to_overwrite_existing_keys(tmp_path: Path) -> None:
    init_keys(tmp_path, "First")
    before = (tmp_path / KEY_FILE).read_bytes(), (tmp_path / CERT_FILE).read_bytes()

    with pytest.raises(KeyProblem) as refused:
        init_keys(tmp_path, "Second")

    assert str(tmp_path / KEY_FILE) in str(refused.value)
    assert "never overwritten" in str(refused.value)
    assert ((tmp_path / KEY_FILE).read_bytes(), (tmp_path / CERT_FILE).read_bytes()) == before


def test_a_missing_key_is_a_key_problem_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(KeyProblem) as missing:
        load_keys(tmp_path / "nowhere")

    assert str(tmp_path / "nowhere" / KEY_FILE) in str(missing.value)
    assert missing.value.path == tmp_path / "nowhere" / KEY_FILE
    assert isinstance(missing.value, SignoffError)


@pytest.mark.parametrize("broken", [KEY_FILE, CERT_FILE])
def test_a_corrupt_key_or_certificate_is_a_key_problem_naming_the_file(
        tmp_path: Path, broken: str) -> None:
    init_keys(tmp_path, "Org")
    path = tmp_path / broken
    path.write_bytes(path.read_bytes()[:200])

    with pytest.raises(KeyProblem) as corrupt:
        load_keys(tmp_path)

    assert str(path) in str(corrupt.value)
    assert "corrupt" in str(corrupt.value)


def test_an_unreadable_key_is_a_key_problem_naming_the_file(tmp_path: Path) -> None:
    init_keys(tmp_path, "Org")
    (tmp_path / KEY_FILE).unlink()
    (tmp_path / KEY_FILE).mkdir()  # even root cannot read a directory as a file

    with pytest.raises(KeyProblem) as unreadable:
        load_keys(tmp_path)

    assert f"cannot read the signing key {tmp_path / KEY_FILE}" in str(unreadable.value)


def test_a_key_that_does_not_belong_to_the_certificate_is_refused(tmp_path: Path) -> None:
    init_keys(tmp_path / "a", "A")
    init_keys(tmp_path / "b", "B")
    (tmp_path / "a" / CERT_FILE).write_bytes((tmp_path / "b" / CERT_FILE).read_bytes())

    with pytest.raises(KeyProblem, match="does not belong to the certificate"):
        load_keys(tmp_path / "a")


def test_a_company_certificate_is_imported_from_pkcs12_and_signs_trails(
        tmp_path: Path, db: Engine, completed: int) -> None:
    p12 = company_p12(tmp_path / "company.p12", b"s3cret")

    cert_path = import_keys(tmp_path / "keys", p12, "s3cret")

    keys = load_keys(tmp_path / "keys")
    assert cert_path == tmp_path / "keys" / CERT_FILE
    assert mode(tmp_path / "keys" / KEY_FILE) == 0o600
    assert keys.subject == "Common Name: Romashka LLC"
    signed = sign_trail(trail_pdf(db, completed), keys, reason="r", location="l")
    assert verify_trail(signed, cert=load_certificates(tmp_path / "keys")).ok


def test_a_wrong_pkcs12_password_is_a_key_problem_naming_the_file(tmp_path: Path) -> None:
    p12 = company_p12(tmp_path / "company.p12", b"s3cret")

    with pytest.raises(KeyProblem) as wrong:
        import_keys(tmp_path / "keys", p12, "guess")

    assert str(p12) in str(wrong.value)
    assert not (tmp_path / "keys" / KEY_FILE).exists()


def test_importing_over_existing_keys_needs_replace_and_old_trails_still_verify(
        tmp_path: Path, db: Engine, completed: int) -> None:
    keys_dir = tmp_path / "keys"
    init_keys(keys_dir, "Self-signed")
    old = sign_trail(trail_pdf(db, completed), load_keys(keys_dir), reason="r", location="l")
    p12 = company_p12(tmp_path / "company.p12", b"pw")

    with pytest.raises(KeyProblem, match="never overwritten"):
        import_keys(keys_dir, p12, "pw")
    import_keys(keys_dir, p12, "pw", replace=True)

    keys = load_keys(keys_dir)
    assert keys.subject == "Common Name: Romashka LLC"
    assert len(keys.former) == 1
    report = verify_trail(old, cert=keys)
    assert report.ok, report
    assert any("a former certificate of the organisation" in line for line in report.lines)


def test_an_expired_certificate_does_not_sign(tmp_path: Path, db: Engine,
                                              completed: int) -> None:
    p12 = company_p12(tmp_path / "old.p12", b"pw",
                      not_after=datetime.now(UTC) - timedelta(minutes=1))
    import_keys(tmp_path / "keys", p12, "pw")

    with pytest.raises(KeyProblem, match="not now"):
        sign_trail(trail_pdf(db, completed), load_keys(tmp_path / "keys"), reason="r",
                   location="l")
