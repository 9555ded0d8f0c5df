"""A webhook receiver for the tests: a real HTTP server (the standard library's) on 127.0.0.1,
in a thread, that keeps every request it gets and answers with the statuses it is told to,
and a Standard Webhooks verifier written here, apart from Signoff's own code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def type(self) -> str:
        return self.json["type"]

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]


class Receiver:
    """``answers`` are the statuses of the next requests, in order; then 200."""

    def __init__(self, answers: list[int] | None = None) -> None:
        self.answers = list(answers or [])
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/signoff"

    def _answer(self, received: Received) -> int:
        with self._lock:
            self.received.append(received)
            return self.answers.pop(0) if self.answers else 200

    def types(self) -> list[str]:
        return [r.type for r in self.received]


@contextmanager
def receiving(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            status = receiver._answer(Received(
                self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            answer = json.dumps({"status": status}).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def verify(secret: str, received: Received) -> bool:
    """Whether one of the ``v1`` signatures in ``webhook-signature`` is the HMAC-SHA256 of
    ``{webhook-id}.{webhook-timestamp}.{body}`` keyed with the secret's base64 after
    ``whsec_`` (Standard Webhooks), compared in constant time."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = (f"{received.headers['webhook-id']}.{received.headers['webhook-timestamp']}."
              .encode() + received.body)
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for signature in received.headers["webhook-signature"].split(" "):
        version, _, value = signature.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False
