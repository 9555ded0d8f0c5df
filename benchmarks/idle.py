"""Benchmark: what an idle Signoff costs, on the embedded defaults.

    make bench-idle                       # 10 minutes
    python -m benchmarks.idle --minutes 2 --settle 20

Does what ``make run`` does in a fresh var folder (migrate, demo organisation, keys, then
``signoff run`` with every Procfile role: embedded Redis, web, worker, scheduler, smtp), waits
``--settle`` seconds for the roles to start, then measures for ``--minutes``, touching
nothing: the CPU time every process of the tree used (``/proc/<pid>/stat``), as a share of one
core, per role and in all; how many commands Redis served; and the sizes of Redis's files
(the append-only file and the snapshot) at the start and the end.

Goals (issue 10): ≤ 1 % of a core across all roles, and no steady growth of Redis's files.
A benchmark, not a test: nothing fails because the machine is slow.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
ROLES = ("redis-server", "signoff web", "dramatiq", "signoff scheduler", "signoff smtp",
         "honcho", "signoff run")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes() -> dict[int, tuple[int, int, str]]:
    """Every process: pid → (parent pid, CPU ticks used so far, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue  # gone meanwhile
        fields = stat[stat.rindex(")") + 2:].split()
        found[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), cmdline)
    return found


def tree(root: int) -> dict[int, tuple[int, str]]:
    """``root`` and its descendants: pid → (CPU ticks, command line)."""
    everything = processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in everything.items():
        children.setdefault(parent, []).append(pid)
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in everything:
            found[pid] = everything[pid][1:]
            todo += children.get(pid, [])
    return found


def role(cmdline: str) -> str:
    for name in ROLES:
        if name in cmdline:
            return name.removeprefix("signoff ")
    return cmdline[:40]


def redis_files(var: Path) -> dict[str, int]:
    files = [path for pattern in ("*.aof", "appendonlydir/*", "*.rdb")
             for path in var.glob(pattern)]
    return {path.name: path.stat().st_size for path in files if path.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--settle", type=float, default=30.0,
                        help="seconds between the start and the first reading")
    parser.add_argument("--keep", action="store_true", help="keep the var folder")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="signoff-idle-"))
    port = free_port()
    env = {**os.environ, "SIGNOFF_VAR_DIR": str(var), "PORT": str(port),
           "INBOUND_SMTP_PORT": str(free_port())}
    for name in ("REDIS_URL", "DATABASE_URL", "SMTP_HOST", "SIGNOFF_BASE_URL",
                 "SIGNOFF_WEB_PORT"):
        env.pop(name, None)
    signoff = [str(Path(sys.executable).parent / "signoff")]
    for step in (["db", "upgrade"], ["demo", "load"], ["keys", "init"]):
        subprocess.run(signoff + step, env=env, cwd=ROOT, check=True, capture_output=True)
    log = (var / "run.log").open("w")
    run = subprocess.Popen(signoff + ["run"], env=env, cwd=ROOT, stdout=log,
                           stderr=subprocess.STDOUT, start_new_session=True)
    try:
        print(f"signoff run (pid {run.pid}) in {var}, web on port {port}; settling "
              f"{args.settle:g} s, then measuring {args.minutes:g} min", flush=True)
        time.sleep(args.settle)
        if run.poll() is not None:
            sys.exit(f"signoff run exited with {run.returncode}; see {var / 'run.log'}")
        client = redis.Redis.from_url(f"unix://{var / 'redis.sock'}")
        commands_before = client.info("stats")["total_commands_processed"]
        files_before = redis_files(var)
        before, started = tree(run.pid), time.monotonic()
        time.sleep(args.minutes * 60)
        after, elapsed = tree(run.pid), time.monotonic() - started
        files_after = redis_files(var)
        commands = client.info("stats")["total_commands_processed"] - commands_before - 1
        client.close()
    finally:
        os.killpg(run.pid, signal.SIGTERM)
        try:
            run.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
        log.close()

    by_role: dict[str, float] = {}
    for pid, (ticks, cmdline) in after.items():
        used = ticks - before.get(pid, (0, ""))[0]
        by_role[role(cmdline)] = by_role.get(role(cmdline), 0.0) + used
    seconds = {name: ticks / TICKS for name, ticks in by_role.items()}
    print(f"\nidle for {elapsed:.0f} s, {len(after)} processes "
          f"({len(set(after) ^ set(before))} started or ended meanwhile)")
    print(f"{'role':<20} {'CPU s':>8} {'% of a core':>12}")
    for name, used in sorted(seconds.items(), key=lambda item: -item[1]):
        print(f"{name:<20} {used:8.2f} {100 * used / elapsed:11.2f}%")
    total = sum(seconds.values())
    print(f"{'all roles':<20} {total:8.2f} {100 * total / elapsed:11.2f}%   (goal ≤ 1 %)")
    print(f"Redis served {commands} commands ({commands / elapsed:.2f}/s)")
    for name in sorted(set(files_before) | set(files_after)):
        start, end = files_before.get(name, 0), files_after.get(name, 0)
        print(f"Redis file {name}: {start} → {end} bytes ({end - start:+d})")
    if args.keep:
        print(f"kept {var}")
    else:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
