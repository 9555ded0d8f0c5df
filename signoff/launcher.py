"""``signoff run``: every Procfile role on one machine, under honcho.

The Procfile at the root of the source tree names the roles (redis, web, worker, scheduler);
honcho starts them all, prefixes their output with the role's name, and stops them all when one
exits or when it is told to stop (Ctrl-C, SIGTERM).

honcho gives each role its own ``PORT`` (the base port plus 100 per role), which would move the
web page off the port the launcher announced and give the workers a base URL on a port nobody
serves. So the launcher pins both for every role: ``SIGNOFF_BASE_URL`` (the URL it prints) and
``SIGNOFF_WEB_PORT`` (the port ``signoff web`` listens on). ``SIGNOFF_VAR_DIR`` is made absolute
so that every role finds the same database and Redis socket whatever its working directory.
"""

from __future__ import annotations

import os
import signal
import subprocess  # nosec B404  # starts honcho with a fixed argument list, never a shell
import sys
from collections.abc import Mapping
from pathlib import Path

from approvals.config import Settings

#: The root of the source tree: the Procfile lives there, next to the packages.
ROOT = Path(__file__).resolve().parent.parent


class LauncherError(Exception):
    """The launcher cannot start (no Procfile, honcho missing)."""


def procfile(root: Path | None = None) -> Path:
    """The Procfile at ``root`` (the source tree); refuses clearly when it is not there."""
    path = (root or ROOT) / "Procfile"
    if not path.is_file():
        raise LauncherError(
            f"no Procfile at {path}: `signoff run` works in a source checkout (`make run`). "
            "Elsewhere start each role yourself: signoff redis, signoff web, signoff worker, "
            "signoff scheduler.")
    return path


def bin_dir() -> Path:
    """The folder of this interpreter's scripts (the venv's ``bin``), where ``signoff`` is."""
    return Path(sys.executable).parent  # not resolved: the venv's python is a symlink


def environment(settings: Settings, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every role runs with (see the module docstring)."""
    env = dict(os.environ if base is None else base)
    path = env.get("PATH", "")
    env["PATH"] = str(bin_dir()) + (os.pathsep + path if path else "")
    env["SIGNOFF_VAR_DIR"] = str(settings.var_dir)
    env.setdefault("SIGNOFF_BASE_URL", settings.base_url)
    env.setdefault("SIGNOFF_WEB_PORT", str(settings.port))
    env["PYTHONUNBUFFERED"] = "1"  # lines reach honcho as they are written
    return env


def command(procfile_path: Path) -> list[str]:
    """The honcho command line starting every role of ``procfile_path`` in its folder."""
    return [sys.executable, "-m", "honcho", "start", "-f", str(procfile_path),
            "-d", str(procfile_path.parent)]


def start(argv: list[str], env: Mapping[str, str]) -> int:
    """Run honcho in the foreground; SIGINT and SIGTERM reach it, and it stops every role.

    Returns honcho's exit status. A Ctrl-C in the terminal reaches honcho directly as well; it
    ignores the second copy.
    """
    try:
        child = subprocess.Popen(argv, env=dict(env))  # nosec  # argv built here, no shell
    except FileNotFoundError as error:
        raise LauncherError(f"cannot start honcho: {error}") from error

    def forward(signum: int, _frame: object) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
