"""Throwaway services for the test suite: a free TCP port, Redis, and a PostgreSQL cluster.

The context managers here hold the mechanics; ``tests/conftest.py`` wraps them as session
fixtures. They raise :class:`ServiceUnavailable` with a readable explanation when a service
cannot be started, and the fixtures turn that into a test failure (never a silent skip).

PostgreSQL refuses to run as root. When the suite runs as root (CI containers do), ``initdb``
and ``pg_ctl`` run as the ``postgres`` system user through ``runuser``; the user is created if
missing and owns the cluster's temporary directory.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from signoff.embedded_redis import redis_answers, redis_server_executable

PG_USER = "signoff"
PG_DATABASE = "signoff_test"
PG_OS_USER = "postgres"  # the OS account that runs PostgreSQL when we are root


class ServiceUnavailable(RuntimeError):
    """A service the tests need could not be started; the message says why and what to do."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- Redis ---------------------------------------------------------------------------------


@contextmanager
def redis_server(timeout: float = 15.0) -> Iterator[str]:
    """Run a throwaway, non-persistent Redis on a unix socket; yield its ``unix://`` URL."""
    workdir = Path(tempfile.mkdtemp(prefix="signoff-redis-"))
    sock = workdir / "redis.sock"
    log = workdir / "redis.log"
    args = [
        redis_server_executable(),
        "--port", "0",
        "--unixsocket", str(sock),
        "--unixsocketperm", "700",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(workdir),
        "--logfile", str(log),
    ]  # fmt: skip
    url = f"unix://{sock}"
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, cwd=workdir)
    try:
        deadline = time.monotonic() + timeout
        while not redis_answers(url):
            if proc.poll() is not None:
                raise ServiceUnavailable(
                    f"redis-server exited with {proc.returncode}:\n{_tail(log)}"
                )
            if time.monotonic() >= deadline:
                raise ServiceUnavailable(f"redis-server did not answer in {timeout:g} s")
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)


# --- PostgreSQL ----------------------------------------------------------------------------


def find_pg_bindir() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``: PATH first, then Debian's layout."""
    on_path = shutil.which("initdb")
    if on_path:
        bindir = Path(on_path).resolve().parent  # follow /usr/local/bin symlinks
        if (bindir / "pg_ctl").exists():
            return bindir
    candidates = glob.glob("/usr/lib/postgresql/*/bin/initdb")

    def major(path: str) -> tuple[int, ...]:
        version = Path(path).parent.parent.name
        return tuple(int(p) for p in version.split(".") if p.isdigit())

    for initdb in sorted(candidates, key=major, reverse=True):
        bindir = Path(initdb).parent
        if (bindir / "pg_ctl").exists():
            return bindir
    raise ServiceUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) were found neither on PATH nor under "
        "/usr/lib/postgresql/*/bin. Install them with `make system-deps` "
        "(as root; Debian package `postgresql`)."
    )


def _ensure_os_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True,
        )
        return pwd.getpwnam(name)


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    os.chown(root, uid, gid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, gid)


@contextmanager
def postgres_server(timeout: float = 60.0) -> Iterator[str]:
    """Create and start a throwaway PostgreSQL cluster; yield a SQLAlchemy URL to its test DB.

    The cluster trusts local connections, listens on 127.0.0.1 at a free port, skips fsync
    (speed over durability) and is deleted afterwards.
    """
    bindir = find_pg_bindir()
    # Not under pytest's tmp dir: that one is private to root, and `postgres` must reach it.
    workdir = Path(tempfile.mkdtemp(prefix="signoff-pg-"))
    datadir = workdir / "data"
    log = workdir / "postgres.log"
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            raise ServiceUnavailable("running as root, but `runuser` is missing (util-linux)")
        account = _ensure_os_user(PG_OS_USER)
        _chown_tree(workdir, account.pw_uid, account.pw_gid)
        prefix = ["runuser", "-u", PG_OS_USER, "--"]

    def pg(*args: str) -> None:
        result = subprocess.run(
            [*prefix, *args], cwd=workdir, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if result.returncode != 0:
            raise ServiceUnavailable(
                f"{' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout}{result.stderr}\n{_tail(log)}"
            )

    started = False
    try:
        pg(
            str(bindir / "initdb"), "-D", str(datadir), "-U", PG_USER, "--auth=trust",
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        for attempt in range(3):  # another process may grab the port between probe and bind
            port = free_port()
            options = (
                f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            try:
                pg(
                    str(bindir / "pg_ctl"), "-D", str(datadir), "-o", options,
                    "-l", str(log), "-w", "-t", str(int(timeout)), "start",
                )  # fmt: skip
            except ServiceUnavailable:
                if attempt == 2:
                    raise
                continue
            started = True
            break
        _create_database(port)
        yield f"postgresql+psycopg://{PG_USER}@127.0.0.1:{port}/{PG_DATABASE}"
    finally:
        if started:
            try:
                pg(str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "-w", "stop")
            except ServiceUnavailable:
                pass  # best effort; the directory goes away regardless
        shutil.rmtree(workdir, ignore_errors=True)


def _create_database(port: int) -> None:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=port, user=PG_USER, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
