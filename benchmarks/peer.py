"""The peer of ``make bench``: SpiffWorkflow 3.2 driving a three-stage approval.

    python -m benchmarks.peer --instances 2000

The peer's benchmark lives outside this repository, at ``../shared/peers/spiffworkflow/``
relative to the project's root (``SIGNOFF_PEER_DIR`` points elsewhere). It runs in a venv of
its own, ``.venv-spiff``, made on the first run from ``benchmarks/peer-requirements.txt``
(SpiffWorkflow pinned, hash-checked), on a file SQLite database with Signoff's own durability
settings (``approvals.store.db.SQLITE_PRAGMAS``): compare like for like. ``benchmarks.contract``
runs it right after its ``service-alone`` mode, with the same number of instances, and prints
both figures and the ratio. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER_DIR = Path(os.environ.get("SIGNOFF_PEER_DIR")
                or ROOT / ".." / "shared" / "peers" / "spiffworkflow")
VENV = ROOT / ".venv-spiff"
REQUIREMENTS = ROOT / "benchmarks" / "peer-requirements.txt"


class PeerMissing(RuntimeError):
    """The peer cannot run here: its benchmark is absent, or its venv could not be made."""


def bench_script() -> Path:
    script = PEER_DIR / "spiff_bench.py"
    if not script.is_file():
        raise PeerMissing(
            f"the SpiffWorkflow peer is not there: {script} is missing (it lives outside the "
            "repository, at ../shared/peers/spiffworkflow/ next to the project's directory; "
            "set SIGNOFF_PEER_DIR to its directory; benchmarks.contract --no-peer skips it)")
    return script


def peer_python() -> Path:
    """.venv-spiff's python, the venv made (and SpiffWorkflow installed, hash-checked) once."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".peer-installed"
    if stamp.is_file() and stamp.read_text() == REQUIREMENTS.read_text():
        return python
    print(f"[peer] installing SpiffWorkflow into {VENV.name} (once)", flush=True)
    try:
        subprocess.run([shutil.which("python3") or sys.executable, "-m", "venv", "--clear",
                        str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", "--require-hashes", "--no-deps",
                        "-r", str(REQUIREMENTS)], check=True)
    except subprocess.CalledProcessError as error:
        raise PeerMissing(f"could not install the peer into {VENV} from {REQUIREMENTS.name} "
                          f"({error}); PyPI must be reachable the first time") from None
    stamp.write_text(REQUIREMENTS.read_text())
    return python


def run(instances: int) -> dict:
    """The peer's figures (its RESULT line) at ``instances`` instances, on a throwaway file
    database with Signoff's journal mode and synchronous setting."""
    from approvals.store.db import SQLITE_PRAGMAS

    script = bench_script()
    python = peer_python()
    work = Path(tempfile.mkdtemp(prefix="signoff-peer-"))
    try:
        out = subprocess.run(
            [str(python), str(script), "--n", str(instances), "--mode", "persist",
             "--scenario", "happy", "--journal", SQLITE_PRAGMAS["journal_mode"],
             "--sync", SQLITE_PRAGMAS["synchronous"], "--db", str(work / "spiff.sqlite"),
             "--json"], check=True, capture_output=True, text=True).stdout
    finally:
        shutil.rmtree(work, ignore_errors=True)
    line = next((x for x in out.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"the peer printed no RESULT line:\n{out}")
    return json.loads(line[len("RESULT "):])


def report(peer: dict, signoff: dict | None = None) -> None:
    """The peer's figures; with Signoff's (decisions/s calls only and wall), the ratios."""
    calls, wall = peer["decisions_per_s_excl_start"], peer["decisions_per_s"]
    print(f"[peer] SpiffWorkflow {peer['version']}, {peer['n']} approvals with 3 stages, "
          f"{peer['decisions']} decisions, each one SQLite transaction "
          f"({peer['sqlite']}, as Signoff's)")
    print(f"[peer]   decisions/s (decision calls only): {calls:8.0f}")
    print(f"[peer]   decisions/s (wall, incl. starts):  {wall:8.0f}")
    print(f"[peer]   ms per decision: p50 {peer['decision_p50_ms']:6.2f}  "
          f"p99 {peer['decision_p99_ms']:6.2f}; peak RSS {peer['peak_rss_mb']:.0f} MB")
    if signoff is not None:
        print(f"[peer]   Signoff service-alone / SpiffWorkflow: "
              f"{signoff['calls'] / calls:.2f}x on decision calls "
              f"({signoff['calls']:.0f} / {calls:.0f}), "
              f"{signoff['wall'] / wall:.2f}x on wall time incl. starts "
              f"({signoff['wall']:.0f} / {wall:.0f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=2000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    try:
        report(run(args.instances))
    except PeerMissing as exc:
        sys.exit(f"benchmarks.peer: {exc}")


if __name__ == "__main__":
    main()
