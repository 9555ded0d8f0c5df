"""Configuration from the environment, with embedded defaults for one machine.

| variable               | default                                  |
|------------------------|------------------------------------------|
| SIGNOFF_VAR_DIR        | ./var                                    |
| DATABASE_URL           | sqlite:///<var>/signoff.db (WAL)         |
| REDIS_URL              | unix://<var>/redis.sock (embedded Redis) |
| SIGNOFF_SECRET_KEY     | a random key kept in <var>/secret_key    |
| SIGNOFF_TRAILS_DIR     | <var>/trails (signed trails, exports)    |
| SIGNOFF_TSA_URL        | (none) time-stamping authority for trails|
| SIGNOFF_PROCESS_DIRS   | (none) extra folders of process files    |
| SIGNOFF_LOCALE         | en: the organisation's language (ru): of |
|                        | the trails of a process that says        |
|                        | ``trail: {language: organisation}``      |
| SIGNOFF_TIME_ZONE      | UTC: the organisation's time zone (IANA, |
|                        | e.g. Europe/Moscow) for people without   |
|                        | their own (:mod:`.zones`; an unknown one |
|                        | counts as UTC, ``signoff doctor`` says)  |
| SIGNOFF_BASE_URL       | http://127.0.0.1:<PORT>                  |
| PORT                   | 5000                                     |
| SIGNOFF_WEB_PORT       | PORT (what ``signoff web`` listens on;   |
|                        | ``signoff run`` pins it, because honcho  |
|                        | gives every role a different PORT)       |
| SIGNOFF_SECURE_COOKIES | on when SIGNOFF_BASE_URL is https: the   |
|                        | session cookie is sent only over HTTPS   |
|                        | (1 forces it on, 0 off, e.g. behind a    |
|                        | proxy that ends TLS on an http base URL) |
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from approvals.texts import normalize


def var_dir() -> Path:
    """The folder holding local state: ``SIGNOFF_VAR_DIR``, else ``./var``, made absolute."""
    return Path(os.environ.get("SIGNOFF_VAR_DIR") or "var").resolve()


def keys_dir() -> Path:
    """The organisation's signing key and certificate: ``<var>/keys`` (``signoff keys init``
    creates them)."""
    return var_dir() / "keys"


def trails_dir() -> Path:
    """Where signed trails (``ab/cd/<sha256>.pdf``) and exports are stored:
    ``SIGNOFF_TRAILS_DIR``, else ``<var>/trails``."""
    return Path(os.environ.get("SIGNOFF_TRAILS_DIR") or var_dir() / "trails").resolve()


def organisation_locale() -> str:
    """The organisation's language: ``SIGNOFF_LOCALE`` (``en`` unless ``ru``) — of a trail
    whose process says ``trail: {language: organisation}``, and of an export's index."""
    return normalize(os.environ.get("SIGNOFF_LOCALE"))


def redis_url() -> str:
    """The Redis that carries work (and counts failed logins): ``REDIS_URL``, else the embedded
    server's socket, ``unix://<var>/redis.sock`` (what ``signoff redis`` listens on)."""
    return os.environ.get("REDIS_URL") or f"unix://{var_dir() / 'redis.sock'}"


def base_url() -> str:
    """Where people reach the web pages: ``SIGNOFF_BASE_URL``, else ``http://127.0.0.1:PORT``."""
    port = int(os.environ.get("PORT") or 5000)
    return (os.environ.get("SIGNOFF_BASE_URL") or f"http://127.0.0.1:{port}").rstrip("/")


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    redis_url: str | None
    secret_key: str
    port: int
    base_url: str
    secure_cookies: bool = False  # the session cookie carries Secure

    @classmethod
    def from_env(cls) -> Settings:
        var = var_dir()
        port = int(os.environ.get("PORT") or 5000)
        return cls(
            var_dir=var,
            database_url=os.environ.get("DATABASE_URL") or f"sqlite:///{var / 'signoff.db'}",
            redis_url=os.environ.get("REDIS_URL") or None,
            secret_key=os.environ.get("SIGNOFF_SECRET_KEY") or _local_secret(var),
            port=port,
            base_url=base_url(),
            secure_cookies=_secure_cookies(base_url()),
        )


def _secure_cookies(url: str) -> bool:
    """``SIGNOFF_SECURE_COOKIES`` when set (1 or 0), else whether the base URL is https."""
    value = (os.environ.get("SIGNOFF_SECURE_COOKIES") or "").strip().lower()
    if value:
        return value in ("1", "yes", "true", "on")
    return url.lower().startswith("https://")


def _local_secret(var: Path) -> str:
    """A random secret kept under var/ so sessions (and reply tokens) survive restarts on one
    machine. Written whole under another name and linked into place, so two processes (or
    threads) starting at once agree on one key and never read a half-written file."""
    path = var / "secret_key"
    if not path.exists():
        var.mkdir(parents=True, exist_ok=True)
        draft = var / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process was first: its key is the key
        finally:
            draft.unlink()
    return path.read_text().strip()
