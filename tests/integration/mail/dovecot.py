"""A throwaway Dovecot IMAP server for the tests of the IMAP door (``mail/imap.py``).

:func:`dovecot_server` writes a config of its own into a temporary directory and runs
``dovecot -F -c CONF`` in the foreground: IMAP only, on 127.0.0.1 at a free port, no TLS and
plain-text logins, a passwd-file with the test users (plain passwords), Maildirs, runtime
files, state and log all inside that directory. It waits until the port answers with an IMAP
greeting and stops the server afterwards. ``tests/conftest.py`` wraps it as the session
fixture ``imap_server``; :class:`~tests.support.ServiceUnavailable` says why it could not start.

Started as root (CI containers run the suite as root), Dovecot's master stays root and runs its
login processes, internal services and mail sessions as other accounts (mail access as UID 0
is refused): here all of them run as ``nobody``/``nogroup``, who own the Maildirs. Started as
an ordinary user, everything runs as that user (Dovecot's "rootless" setup). Chroots, which
need root, are switched off in both cases: this server guards nothing.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support import ServiceUnavailable, _chown_tree, _tail, free_port

DOVECOT_CANDIDATES = ("/usr/sbin/dovecot",)
UNPRIVILEGED_USER = "nobody"  # who runs the login/mail processes when the suite runs as root
UNPRIVILEGED_GROUP = "nogroup"
TEST_USERS = {"signoff": "signoff-secret", "other": "other-secret"}

# Services whose default is a chroot (Dovecot 2.3); chroot() needs root and the test server
# has nothing to guard, so they all run unchrooted.
CHROOTED_SERVICES = ("anvil", "ipc", "old-stats", "imap-login")

CONFIG = """\
# Written by tests/mail/dovecot.py for one test session; deleted afterwards.
protocols = imap
listen = 127.0.0.1
base_dir = {workdir}/run
state_dir = {workdir}/state
instance_name = signoff-test-{port}
log_path = {workdir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{workdir}/mail/%u
mail_fsync = never
# IDLE learns of new mail by inotify; when the machine runs out of inotify instances (a busy
# test run starts many servers) Dovecot falls back to looking every 30 s, as long as the IDLE
# tests wait. Looking every second keeps them about the reader, not the fallback.
mailbox_idle_check_interval = 1 secs
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {workdir}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {workdir}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
{chroots}
"""


@dataclass(frozen=True)
class Dovecot:
    """A running test server: where it listens and who may log in (name → password)."""

    host: str
    port: int
    users: Mapping[str, str]
    workdir: Path
    binary: str

    def log(self) -> str:
        return (self.workdir / "dovecot.log").read_text(errors="replace")

    def kick(self, user: str) -> None:
        """Make the server end every session of ``user`` (``doveadm kick``: ``* BYE``, then
        the connection closes), as a restart or a network failure would."""
        doveadm = shutil.which("doveadm") or str(Path(self.binary).parent.parent / "bin/doveadm")
        result = subprocess.run([doveadm, "-c", str(self.workdir / "dovecot.conf"), "kick", user],
                                capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise RuntimeError(f"doveadm kick {user} failed ({result.returncode}): "
                               f"{result.stdout}{result.stderr}")


def find_dovecot() -> str:
    """The ``dovecot`` binary: PATH first, then Debian's ``/usr/sbin``."""
    found = shutil.which("dovecot")
    if found:
        return found
    for candidate in DOVECOT_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    raise ServiceUnavailable(
        "Dovecot (/usr/sbin/dovecot) is not installed. Install it with `make system-deps` "
        "(as root; Debian package `dovecot-imapd`)."
    )


def _run_as() -> tuple[str, str, int, int]:
    """The account that runs Dovecot's unprivileged processes and owns the mail."""
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam(UNPRIVILEGED_USER)
            group = grp.getgrnam(UNPRIVILEGED_GROUP)
        except KeyError as error:
            raise ServiceUnavailable(
                f"running as root, but the account {UNPRIVILEGED_USER}:{UNPRIVILEGED_GROUP} "
                f"that should run Dovecot's processes is missing ({error})"
            ) from None
        return account.pw_name, group.gr_name, account.pw_uid, group.gr_gid
    account = pwd.getpwuid(os.geteuid())
    return account.pw_name, grp.getgrgid(os.getegid()).gr_name, account.pw_uid, os.getegid()


def imap_answers(host: str, port: int) -> bool:
    """True once the server greets IMAP clients (``* OK``) on the port."""
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            if not sock.recv(64).startswith(b"* OK"):
                return False
            sock.sendall(b"a LOGOUT\r\n")  # keeps the log free of "connection reset"
            return True
    except OSError:
        return False


def _write_config(workdir: Path, port: int, users: Mapping[str, str]) -> Path:
    for stale in workdir.iterdir():  # left by an attempt that lost its port
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    user, group, uid, gid = _run_as()
    chroots = "\n".join(f"service {name} {{\n  chroot =\n}}" for name in CHROOTED_SERVICES)
    conf = workdir / "dovecot.conf"
    conf.write_text(CONFIG.format(workdir=workdir, port=port, user=user, group=group,
                                  uid=min(uid, 500), gid=min(gid, 1),
                                  chroots=chroots))
    lines = [f"{name}:{{PLAIN}}{password}:{uid}:{gid}::{workdir}/home/{name}::"
             for name, password in users.items()]
    (workdir / "users").write_text("\n".join(lines) + "\n")
    for name in ("mail", "home"):
        (workdir / name).mkdir()
    if os.geteuid() == 0:  # the mail processes run as that account and write here
        _chown_tree(workdir / "mail", uid, gid)
        _chown_tree(workdir / "home", uid, gid)
    return conf


@contextmanager
def dovecot_server(users: Mapping[str, str] = TEST_USERS,
                   timeout: float = 30.0) -> Iterator[Dovecot]:
    """Start a throwaway Dovecot (see the module docstring); yield where it listens."""
    binary = find_dovecot()
    # Not under pytest's tmp dir: that one is private to root, and `nobody` must reach it.
    workdir = Path(tempfile.mkdtemp(prefix="signoff-dovecot-"))
    workdir.chmod(0o755)
    try:
        for attempt in range(3):  # another process may grab the port between probe and bind
            port = free_port()
            conf = _write_config(workdir, port, users)
            proc = subprocess.Popen([binary, "-F", "-c", str(conf)], cwd=workdir,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT)
            try:
                if _wait_until_answering(proc, port, workdir, timeout, retry=attempt < 2):
                    yield Dovecot("127.0.0.1", port, dict(users), workdir, binary)
                    return
            finally:
                _stop(proc)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_until_answering(proc: subprocess.Popen, port: int, workdir: Path, timeout: float,
                          retry: bool) -> bool:
    """True once Dovecot greets on the port; False when it lost the port and ``retry`` allows
    another; raises :class:`ServiceUnavailable` otherwise."""
    deadline = time.monotonic() + timeout
    while not imap_answers("127.0.0.1", port):
        if proc.poll() is not None:
            output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            log = _tail(workdir / "dovecot.log")
            if retry and "Address already in use" in output + log:
                return False
            raise ServiceUnavailable(f"dovecot exited with {proc.returncode}:\n{output}{log}")
        if time.monotonic() >= deadline:
            raise ServiceUnavailable(f"dovecot did not answer on 127.0.0.1:{port} in "
                                     f"{timeout:g} s:\n{_tail(workdir / 'dovecot.log')}")
        time.sleep(0.05)
    return True


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout:
        proc.stdout.close()
