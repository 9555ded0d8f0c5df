"""One summary table for a benchmark run, in Markdown, for the README's history.

    make bench                                    # writes var/bench/summary-<date>.md
    python -m benchmarks.summary RECORD [--summary PATH]

Each benchmark (``contract``, ``mail``, ``trail``) given ``--record FILE`` appends one JSON line
per figure set to FILE: what ran (benchmark, mode, database, worker processes), its figures as
text and each goal with "met" or "NOT met". This module renders those lines as one table
headed by the date and the commit (``+ uncommitted changes`` when the tree is dirty), prints it
and writes it to a file, so a run's figures can be pasted into the README's performance table
as they are. Without ``--record`` a benchmark prints and writes its own rows the same way.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def goal(text: str, met: bool | None) -> str:
    """A goal as the table shows it: ``≥ 300/s: met``; None when the figure is missing."""
    return f"{text}: {'n/a' if met is None else verdict(met)}"


def commit() -> str:
    """``git rev-parse --short HEAD``, and whether the tree differs from it."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{head} + uncommitted changes" if dirty else head


def add_options(parser: argparse.ArgumentParser) -> None:
    """``--record`` and ``--summary``, as every benchmark of ``make bench`` takes them."""
    parser.add_argument("--record", type=Path, default=None,
                        help="append the summary rows to this file (make bench) instead of "
                             "printing the summary table")
    parser.add_argument("--summary", type=Path, default=None,
                        help="where to write the summary table (default "
                             "var/bench/summary-<date>.md)")


def record(path: Path | None, rows: list[dict], row: dict) -> None:
    """Keep ``row`` for this benchmark's own summary and, with ``--record``, append it to the
    run's file."""
    rows.append(row)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def render(rows: list[dict], when: datetime | None = None) -> str:
    when = when or datetime.now(UTC)
    head = commit()
    lines = [f"Benchmark run {when:%Y-%m-%d %H:%M} UTC, commit {head}", "",
             "| date | commit | benchmark | database | worker processes | figures | goals |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        cells = [f"{when:%Y-%m-%d}", head, row["bench"], row.get("db", ""),
                 str(row.get("workers", "")), row["figures"],
                 "; ".join(row.get("goals", [])) or "—"]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def default_path(when: datetime | None = None) -> Path:
    when = when or datetime.now(UTC)
    return BENCH_DIR / f"summary-{when:%Y-%m-%d-%H%M}.md"


def publish(rows: list[dict], path: Path | None = None) -> Path:
    """Print the table and write it to ``path`` (default ``var/bench/summary-<date>.md``)."""
    when = datetime.now(UTC)
    text = render(rows, when)
    path = path or default_path(when)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print()
    print(text, end="")
    print(f"(written to {path})")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("record", type=Path, help="the JSON lines the benchmarks appended")
    parser.add_argument("--summary", type=Path, default=None,
                        help="where to write the table (default var/bench/summary-<date>.md)")
    args = parser.parse_args()
    publish(read(args.record), args.summary)


if __name__ == "__main__":
    main()
