"""A real RFC 3161 time-stamping authority on 127.0.0.1, for the B-T tests.

No public authority is reachable from the test machines, so the tests run their own: an HTTP
server in a thread that takes ``application/timestamp-query`` POSTs and answers
``application/timestamp-reply`` with a token signed by its own certificate. The signing code
talks HTTP to it exactly as it would to a commercial authority; only the token is built by
pyHanko's :class:`DummyTimeStamper` (its own, complete token builder).

The authority has its own little PKI: a root and a time-stamping certificate issued by it,
whose extendedKeyUsage is id-kp-timeStamping alone, marked critical (RFC 3161, 2.3). It can
also misbehave on demand (``answer``), and it counts and remembers what it served, so a test
can tell that it was really asked.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

from asn1crypto import core, tsp
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper

QUERY = "application/timestamp-query"
REPLY = "application/timestamp-reply"

Answer = Literal["token", "server error", "garbage", "refusal", "no token"]


@dataclass(frozen=True)
class TsaIdentity:
    """The authority's root, its time-stamping certificate and that certificate's key."""

    root: asn1_x509.Certificate
    cert: asn1_x509.Certificate
    key: asn1_keys.PrivateKeyInfo


def make_tsa_identity(name: str = "Signoff Test TSA") -> TsaIdentity:
    """A root valid for ten years and a time-stamping certificate it issued."""
    now = datetime.now(UTC) - timedelta(minutes=5)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} Root")])
    tsa_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    root = (_certificate(root_name, root_name, root_key.public_key(), now)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(cert_sign=True), critical=True)
            .sign(root_key, hashes.SHA256()))
    tsa = (_certificate(tsa_name, root_name, tsa_key.public_key(), now)
           .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
           .add_extension(_key_usage(cert_sign=False), critical=True)
           .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                          critical=True)
           .sign(root_key, hashes.SHA256()))
    key_der = tsa_key.private_bytes(serialization.Encoding.DER,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    return TsaIdentity(root=_asn1(root), cert=_asn1(tsa),
                       key=asn1_keys.PrivateKeyInfo.load(key_der))


def _certificate(subject: x509.Name, issuer: x509.Name, public_key,
                 start: datetime) -> x509.CertificateBuilder:
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(public_key).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + timedelta(days=3650)))


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=not cert_sign, content_commitment=False,
                         key_encipherment=False, data_encipherment=False,
                         key_agreement=False, key_cert_sign=cert_sign, crl_sign=cert_sign,
                         encipher_only=False, decipher_only=False)


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@dataclass
class TimeStampingAuthority:
    """A running authority: where it listens, what it answers, what it served.

    ``answer`` says how it answers the next request: ``"token"`` (a granted token), ``"server
    error"`` (HTTP 500), ``"garbage"`` (200 with the right content type and bytes that are
    not DER), ``"refusal"`` (a well-formed reply whose status is *rejection*) or ``"no
    token"`` (status *granted*, but no token)."""

    url: str
    identity: TsaIdentity
    answer: Answer = "token"
    requests: int = 0  # POSTs received, whatever was answered
    issued: list[datetime] = field(default_factory=list)  # genTime of every token served
    crashes: list[BaseException] = field(default_factory=list)  # the server's own bugs
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reply_to(self, body: bytes) -> tuple[int, str, bytes]:
        """(HTTP status, content type, body) for one request's body."""
        with self._lock:
            self.requests += 1
            answer = self.answer
        if answer == "server error":
            return 500, "text/plain", b"the time-stamping service is down"
        if answer == "garbage":
            return 200, REPLY, b"<html>not a time-stamp reply</html>"
        try:
            request = tsp.TimeStampReq.load(body)
            request.native  # noqa: B018 - parses the whole request, or raises
        except ValueError:
            return 200, REPLY, _reply("rejection", "not a TimeStampReq", "bad_data_format")
        if answer == "refusal":
            return 200, REPLY, _reply("rejection", "refused for the test", "system_failure")
        if answer == "no token":
            return 200, REPLY, _reply("granted")
        moment = datetime.now(UTC).replace(microsecond=0)
        stamper = DummyTimeStamper(self.identity.cert, self.identity.key,
                                   certs_to_embed=[self.identity.root], fixed_dt=moment)
        reply = stamper.request_tsa_response(request)
        with self._lock:
            self.issued.append(moment)
        return 200, REPLY, reply.dump()


class StatusOnlyReply(core.Sequence):
    """A TimeStampResp without its (OPTIONAL) token, as RFC 3161 has an authority refuse;
    asn1crypto's own class insists on a token."""

    _fields = [("status", tsp.PKIStatusInfo)]


def _reply(status: str, text: str | None = None, fail_info: str | None = None) -> bytes:
    info = {"status": status}
    if text is not None:
        info["status_string"] = [text]
    if fail_info is not None:
        info["fail_info"] = tsp.PKIFailureInfo({fail_info})
    return StatusOnlyReply({"status": tsp.PKIStatusInfo(info)}).dump()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:  # noqa: N802 - the name http.server dispatches to
        if self.headers.get("Content-Type") != QUERY:
            self._send(415, "text/plain", f"expected {QUERY}".encode())
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._send(*self.server.authority.reply_to(body))

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base's signature
        """Quiet: the tests assert on what was served, not on a log."""


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every request thread: nothing leaks
    authority: TimeStampingAuthority

    def handle_error(self, request, client_address) -> None:
        """Kept for :func:`running_tsa` to raise: a crash of the test authority would
        otherwise pass for a network failure that the code under test handled."""
        self.authority.crashes.append(sys.exc_info()[1])


@contextmanager
def running_tsa(identity: TsaIdentity) -> Iterator[TimeStampingAuthority]:
    """Serve ``identity`` on 127.0.0.1 (a free port) until the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    host, port = server.server_address[:2]
    server.authority = TimeStampingAuthority(f"http://{host}:{port}/tsa", identity)
    thread = threading.Thread(target=server.serve_forever, name="test-tsa",
                              kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server.authority
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
    if server.authority.crashes:
        raise AssertionError(f"the test authority crashed: {server.authority.crashes!r}")
