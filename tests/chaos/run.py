"""``make chaos``: run every chaos scenario (``SIGNOFF_CHAOS=full``) and print the table.

    python -m tests.chaos.run --results var/chaos-results.jsonl [--jobs 4] [PYTEST ARGS…]

With ``--jobs 1`` (the default) it is one pytest run. With more, each scenario runs in a
pytest process of its own, that many at a time, longest first — each scenario is a separate
installation on its own ports, var folder and database, so they do not meet (the long ones
mostly wait out an outage or a lease); their output goes to ``<results>.logs/``. Either way the
table is printed at the end from the rows the checker appended.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.chaos.report import main as report

#: Scenarios that take longest, started first when running in parallel.
LONG_FIRST = ("test_relay", "test_workers", "redis_down", "test_database", "test_redis")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", required=True, type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    args, pytest_args = parser.parse_known_args()
    results = args.results.resolve()
    results.parent.mkdir(parents=True, exist_ok=True)
    results.unlink(missing_ok=True)
    env = {**os.environ, "SIGNOFF_CHAOS": "full", "SIGNOFF_CHAOS_RESULTS": str(results)}
    base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rxXs"]
    targets = [a for a in pytest_args if not a.startswith("-")] or ["tests/chaos"]
    options = [a for a in pytest_args if a.startswith("-")]
    if args.jobs <= 1:
        status = subprocess.run(base + targets + options, env=env).returncode
    else:
        status = _parallel(base, targets, options, env, args.jobs, results)
    print()
    table = report(str(results))
    return status or table


def _parallel(base, targets, options, env, jobs: int, results: Path) -> int:
    listed = subprocess.run(base + ["--collect-only", *targets, *options], env=env,
                            capture_output=True, text=True)
    nodes = [line for line in listed.stdout.splitlines() if "::" in line]
    if not nodes:
        print(listed.stdout, listed.stderr)
        return 1
    nodes.sort(key=lambda n: next((i for i, k in enumerate(LONG_FIRST) if k in n),
                                  len(LONG_FIRST)))
    logs = results.with_suffix(".logs")
    logs.mkdir(exist_ok=True)
    began = time.monotonic()

    def one(node: str) -> int:
        name = "".join(c if c.isalnum() else "_" for c in node.split("::", 1)[1])
        with (logs / f"{name}.log").open("w") as out:
            code = subprocess.run(base + [node, *options], env=env, stdout=out,
                                  stderr=subprocess.STDOUT).returncode
        print(f"[{time.monotonic() - began:6.0f} s] {'ok  ' if code == 0 else 'FAIL'} {node}"
              f" ({logs / name}.log)", flush=True)
        return code

    print(f"{len(nodes)} scenarios, {jobs} at a time", flush=True)
    with ThreadPoolExecutor(jobs) as pool:
        codes = list(pool.map(one, nodes))
    return 0 if all(code == 0 for code in codes) else 1


if __name__ == "__main__":
    sys.exit(main())
