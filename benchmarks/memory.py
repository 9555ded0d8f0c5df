"""Peak resident memory (RSS) of each process of each role a benchmark starts.

The issue's memory goals are per process and per role (web ≤ 200 MB a process, worker ≤ 250 MB),
and ``getrusage(RUSAGE_CHILDREN)`` only gives the largest child that has already exited — not
gunicorn's workers or Dramatiq's processes, which are grandchildren, nor which role is which.
So a thread reads each watched process tree from ``/proc`` every half second: a process's
``VmHWM`` is its own peak since it started, so the sampling only has to see each process once
while it lives (the trees here live for the whole mode). Linux only; elsewhere the figures are
missing, not wrong.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


def _status_kb(pid: int | str, key: str) -> int | None:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def own_peak_mb() -> float | None:
    """This process's peak RSS since the last :func:`reset_own_peak`."""
    kb = _status_kb("self", "VmHWM")
    return None if kb is None else kb / 1024


def reset_own_peak() -> None:
    """Start this process's peak RSS afresh (Linux: ``5`` in ``clear_refs``), so each mode
    reports its own peak, not the largest of the modes before it."""
    try:
        (PROC / "self" / "clear_refs").write_text("5")
    except OSError:
        pass  # the peak then covers the run so far: reported as it is


def _parents() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command name) of every process (``/proc/<pid>/task/*/children``
    is not always there; the ``stat`` files are)."""
    parents = {}
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            stat = (PROC / entry.name / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may hold spaces and brackets: split after the last ")"
        name, rest = stat.split("(", 1)[1].rsplit(")", 1)
        parents[int(entry.name)] = (int(rest.split()[1]), name)
    return parents


@dataclass
class RoleMemory:
    """Peak RSS in MB of every process under each watched root, by role."""

    roots: dict[str, int] = field(default_factory=dict)  # role -> pid
    peaks: dict[int, tuple[str, float]] = field(default_factory=dict)  # pid -> (role, MB)
    interval: float = 0.5

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True, name="role-memory")

    def watch(self, role: str, pid: int) -> None:
        with self._lock:
            self.roots[role] = pid
        self.sample()

    def start(self) -> RoleMemory:
        self._thread.start()
        return self

    def stop(self) -> None:
        """The last sample, then no more: call before the roles are terminated."""
        self.sample()
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        with self._lock:
            roots = dict(self.roots)
        if not roots or not PROC.is_dir():
            return
        children: dict[int, list[int]] = {}
        processes = _parents()
        for pid, (parent, _name) in processes.items():
            children.setdefault(parent, []).append(pid)
        for role, root in roots.items():
            if root not in processes:
                continue
            # The role's own processes run the root's program (forks of it); a short-lived
            # helper a library spawns (ldconfig, sh) is not one of the role's processes.
            program = processes[root][1]
            stack = [root]
            while stack:
                pid = stack.pop()
                stack.extend(c for c in children.get(pid, ()) if processes[c][1] == program)
                kb = _status_kb(pid, "VmHWM")
                if kb is None:
                    continue
                with self._lock:
                    before = self.peaks.get(pid, (role, 0.0))[1]
                    self.peaks[pid] = (role, max(before, kb / 1024))

    def by_role(self) -> dict[str, list[float]]:
        """Each role's processes' peaks in MB, the root (gunicorn's or Dramatiq's master)
        first, then its children in the order they started."""
        out: dict[str, list[float]] = {}
        with self._lock:
            for _pid, (role, mb) in sorted(self.peaks.items(),
                                          key=lambda item: (item[0] != self.roots.get(
                                              item[1][0]), item[0])):
                out.setdefault(role, []).append(mb)
        return out
