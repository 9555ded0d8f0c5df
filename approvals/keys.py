"""The organisation's signing key and certificate, kept as a PEM pair under ``var/keys/``.

``organisation.key.pem`` holds the private key (PKCS#8, mode 0600) and ``organisation.cert.pem``
the certificate, followed by its chain when a company certificate was imported (mode 0600 as
well). :func:`init_keys` makes a key and a self-signed certificate on first run and never
overwrites; :func:`import_keys` takes a company PKCS#12 file instead. A replaced pair moves to
``retired/<time>/`` so that trails signed with it still verify as the organisation's.

Every failure to read them is a :class:`approvals.core.errors.KeyProblem` naming the file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from approvals.core.errors import KeyProblem

KEY_FILE = "organisation.key.pem"
CERT_FILE = "organisation.cert.pem"
RETIRED = "retired"
RSA_BITS = 3072
SELF_SIGNED_YEARS = 20


@dataclass(frozen=True, kw_only=True)
class OrgCertificates:
    """The organisation's certificate (and those it retired): what a verifier compares the
    signer with. An auditor's machine needs only these, not the key."""

    cert: asn1_x509.Certificate
    cert_path: Path
    chain: tuple[asn1_x509.Certificate, ...] = ()
    former: tuple[asn1_x509.Certificate, ...] = field(default=())  # retired certificates

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate (DER), in hex: what the organisation publishes."""
        return self.cert.sha256.hex()

    @property
    def subject(self) -> str:
        return self.cert.subject.human_friendly

    @property
    def valid_until(self) -> datetime:
        return self.cert["tbs_certificate"]["validity"]["not_after"].native


@dataclass(frozen=True, kw_only=True)
class OrgKeys(OrgCertificates):
    """What signing needs: the signer (with the private key), and the certificates."""

    signer: SimpleSigner
    key_path: Path


def load_certificates(keys_dir: Path) -> OrgCertificates:
    """The organisation's certificates alone; :class:`KeyProblem` names the certificate file
    that is missing or corrupt."""
    keys_dir = Path(keys_dir)
    cert_path = keys_dir / CERT_FILE
    chain = tuple(certificate_of(c) for c in _load_certs(cert_path))
    return OrgCertificates(cert=chain[0], cert_path=cert_path, chain=chain[1:],
                           former=_former_certs(keys_dir))


def load_keys(keys_dir: Path) -> OrgKeys:
    """Load the organisation's key pair; :class:`KeyProblem` names the file that is missing,
    unreadable or corrupt, or the pair that does not belong together."""
    keys_dir = Path(keys_dir)
    key_path, cert_path = keys_dir / KEY_FILE, keys_dir / CERT_FILE
    key = _load_private_key(key_path)
    certs = _load_certs(cert_path)
    if _public_der(key.public_key()) != _public_der(certs[0].public_key()):
        raise KeyProblem(f"the key in {key_path} does not belong to the certificate in "
                         f"{cert_path}", key_path)
    signing_key = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    chain = tuple(asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
                  for c in certs)
    signer = _LoadedKeySigner(key, signing_cert=chain[0], signing_key=signing_key,
                              cert_registry=SimpleCertificateStore.from_certs(chain))
    return OrgKeys(signer=signer, cert=chain[0], key_path=key_path, cert_path=cert_path,
                   chain=chain[1:], former=_former_certs(keys_dir))


class _LoadedKeySigner(SimpleSigner):
    """pyHanko's signer, signing with the key loaded once instead of parsing it again for
    every signature (for a 3072-bit RSA key that parse, with its checks, costs ~200 ms)."""

    def __init__(self, key, **kwargs) -> None:
        super().__init__(**kwargs)
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        digest = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), digest)
        if mechanism == "ecdsa" and isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(digest))
        return super().sign_raw(data, digest_algorithm)


def init_keys(keys_dir: Path, org_name: str) -> Path:
    """Create a private key and a self-signed certificate for ``org_name``; returns the
    certificate's path. Existing keys are never overwritten (:class:`KeyProblem`)."""
    keys_dir = Path(keys_dir)
    org_name = org_name.strip() or "Signoff"
    _refuse_existing(keys_dir)
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, org_name[:64]),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org_name[:64]),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME,
                                         "Signoff approval trails")])
    now = datetime.now(UTC).replace(microsecond=0)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=365 * SELF_SIGNED_YEARS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return _write_pair(keys_dir, key, [cert])


def import_keys(keys_dir: Path, p12_path: Path, password: str | bytes | None, *,
                replace: bool = False) -> Path:
    """Use a company certificate: the key, certificate and chain of a PKCS#12 file. Existing
    keys are refused unless ``replace``, which moves them to ``retired/``; returns the
    certificate's path."""
    keys_dir, p12_path = Path(keys_dir), Path(p12_path)
    try:
        data = p12_path.read_bytes()
    except OSError as error:
        raise KeyProblem(f"cannot read {p12_path}: {error.strerror or error}", p12_path) \
            from None
    secret = password.encode("utf-8") if isinstance(password, str) else password
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, secret or None)
    except (ValueError, TypeError) as error:
        raise KeyProblem(f"{p12_path} is not a PKCS#12 file or the password is wrong "
                         f"({error})", p12_path) from None
    if key is None or cert is None:
        raise KeyProblem(f"{p12_path} holds no private key and certificate", p12_path)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise KeyProblem(f"{p12_path}: only RSA and ECDSA keys can sign trails", p12_path)
    if replace:
        _retire(keys_dir)
    else:
        _refuse_existing(keys_dir)
    return _write_pair(keys_dir, key, [cert, *extra])


def trusted_fingerprints(keys: OrgCertificates) -> dict[str, str]:
    """SHA-256 fingerprint -> "current" or "former", for every organisation certificate."""
    found = {cert.sha256.hex(): "former" for cert in keys.former}
    found[keys.fingerprint] = "current"
    return found


def certificate_of(value) -> asn1_x509.Certificate:
    """A certificate given as asn1crypto, cryptography, or PEM/DER bytes."""
    if isinstance(value, asn1_x509.Certificate):
        return value
    if isinstance(value, x509.Certificate):
        return asn1_x509.Certificate.load(value.public_bytes(serialization.Encoding.DER))
    if isinstance(value, bytes | bytearray):
        data = bytes(value)
        if data.lstrip().startswith(b"-----BEGIN"):
            data = x509.load_pem_x509_certificate(data).public_bytes(
                serialization.Encoding.DER)
        return asn1_x509.Certificate.load(data)
    raise TypeError(f"not a certificate: {type(value).__name__}")


# ---------------------------------------------------------------------------- files


def _load_private_key(path: Path):
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyProblem(f"the organisation's signing key {path} is missing (run `signoff "
                         "keys init` or `signoff keys import FILE.p12`)", path) from None
    except OSError as error:
        raise KeyProblem(f"cannot read the signing key {path}: {error.strerror or error}",
                         path) from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise KeyProblem(f"the signing key {path} is corrupt or protected by a password "
                         f"({error})", path) from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise KeyProblem(f"the signing key {path} is neither RSA nor ECDSA", path)
    return key


def _load_certs(path: Path) -> list[x509.Certificate]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyProblem(f"the organisation's certificate {path} is missing", path) from None
    except OSError as error:
        raise KeyProblem(f"cannot read the certificate {path}: {error.strerror or error}",
                         path) from None
    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError as error:
        raise KeyProblem(f"the certificate {path} is corrupt ({error})", path) from None
    if not certs:
        raise KeyProblem(f"the certificate {path} holds no certificate", path)
    return certs


def _former_certs(keys_dir: Path) -> tuple[asn1_x509.Certificate, ...]:
    found = []
    for path in sorted((keys_dir / RETIRED).glob(f"*/{CERT_FILE}")):
        try:
            found.append(certificate_of(_load_certs(path)[0]))
        except KeyProblem:
            continue  # a damaged retired certificate only loses its own old trails
    return tuple(found)


def _public_der(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)


def _refuse_existing(keys_dir: Path) -> None:
    for name in (KEY_FILE, CERT_FILE):
        path = keys_dir / name
        if path.exists():
            raise KeyProblem(f"{path} already exists: keys are never overwritten (to use "
                             "another certificate, `signoff keys import FILE.p12 --replace` "
                             "retires the current one)", path)


def _retire(keys_dir: Path) -> None:
    present = [keys_dir / n for n in (KEY_FILE, CERT_FILE) if (keys_dir / n).exists()]
    if not present:
        return
    target = keys_dir / RETIRED / datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    target.mkdir(parents=True, mode=0o700)
    for path in present:
        path.rename(target / path.name)


def _write_pair(keys_dir: Path, key, certs: Sequence[x509.Certificate]) -> Path:
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    cert_pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)
    _write_new(keys_dir / KEY_FILE, key_pem)
    _write_new(keys_dir / CERT_FILE, cert_pem)
    return keys_dir / CERT_FILE


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600; fails if it exists (never overwrites)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyProblem(f"{path} already exists: keys are never overwritten", path) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)  # whatever the umask
