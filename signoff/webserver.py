"""``signoff web``'s HTTP server: gunicorn, run in-process, with several worker processes.

The master (this process) binds the address and forks ``processes`` workers; each worker
builds the Flask app *after* the fork (no preload), so every process makes its own database
engine, Redis connections and rate-limit storage, and shares none of them across a fork. With
more than one thread a worker is gunicorn's ``gthread`` worker (a pool of threads per process),
otherwise the ``sync`` one. SIGTERM stops gracefully (the requests in flight finish, within
:data:`GRACEFUL_TIMEOUT_S`); a worker that dies is replaced by the master; a worker whose master
is gone (``kill -9``) exits by itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication

#: A worker whose main loop has not reported for this long is replaced (s). A ``gthread``
#: worker reports while its threads serve, so a slow request (an export, a big upload) is not
#: cut; the ``sync`` worker (one thread) reports between requests only.
TIMEOUT_S = 120
#: How long SIGTERM lets the requests in flight finish (s).
GRACEFUL_TIMEOUT_S = 20


def default_processes() -> int:
    """One web process per CPU core (``SIGNOFF_WEB_PROCESSES`` unset)."""
    return os.cpu_count() or 1


def bind_address(host: str, port: int) -> str:
    """gunicorn's ``bind`` for ``host``:``port`` (an IPv6 address in brackets)."""
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def options(host: str, port: int, processes: int, threads: int) -> dict[str, Any]:
    """The gunicorn settings ``signoff web`` runs with."""
    return {
        "bind": [bind_address(host, port)],
        "workers": processes,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "preload_app": False,  # the app is made in each worker, after the fork
        "timeout": TIMEOUT_S,
        "graceful_timeout": GRACEFUL_TIMEOUT_S,
        "proc_name": "signoff-web",
        "accesslog": None,  # as before: no line per request
        "errorlog": "-",  # gunicorn's own lines (workers booting, exiting) on stderr
        "loglevel": "info",
        # one server on a machine may be several (two ports, the tests): no shared control
        # socket in the home folder
        "control_socket_disable": True,
        # as before: the scheme is the connection's, whatever X-Forwarded-Proto says
        "secure_scheme_headers": {},
    }


class WebServer(BaseApplication):
    """gunicorn driven from code: settings from :func:`options`, the WSGI app from
    ``factory``, called once in each worker process."""

    def __init__(self, factory: Callable[[], Any], settings: dict[str, Any]) -> None:
        self.factory = factory
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.factory()


def serve(factory: Callable[[], Any], *, host: str, port: int, processes: int,
          threads: int) -> None:
    """Serve ``factory()``'s app until SIGTERM or SIGINT (returns then)."""
    WebServer(factory, options(host, port, processes, threads)).run()
