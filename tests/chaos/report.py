"""Print the chaos suite's table from the results file the checker appends to.

    python -m tests.chaos.report chaos-results.jsonl

One row per scenario run: acknowledged decisions (API 200, page 303, SMTP 250), the
transitions recorded (``decided`` audit events), the mails (distinct Message-IDs the relay
received, and further copies: duplicates, with how many the scenario's fault explains), and
the verdict (pass; xfail: a known defect, the scenario marked xfail(strict=True); FAIL).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def main(path: str) -> int:
    file = Path(path)
    if not file.exists():
        print(f"no chaos results in {file}")
        return 1
    rows = [json.loads(line) for line in file.read_text().splitlines() if line.strip()]
    header = ("scenario", "db", "acknowledged", "transitions", "mails", "duplicates",
              "undispatched", "seconds", "verdict")
    table = [header]
    for r in rows:
        dup = str(r["duplicates"]) + (f" ({r['explained_duplicates']} explained)"
                                      if r["explained_duplicates"] else "")
        table.append((r["scenario"], r["database"], str(r["acknowledged"]),
                      str(r["transitions"]), str(r["mails"]), dup, str(r["undispatched"]),
                      f"{r['seconds']:.0f}", r["verdict"]))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for n, row in enumerate(table):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for r in rows:
        if r["problems"]:
            print(f"\n{r['scenario']} [{r['database']}] — {r['verdict']}"
                  + (f": {r['expected_failure']}" if r["expected_failure"] else ""))
            for problem in r["problems"][:15]:
                print(f"  {problem}")
    verdicts = Counter(r["verdict"] for r in rows)
    print("\n" + ", ".join(f"{n} {k}" for k, n in sorted(verdicts.items())))
    return 0 if all(r["verdict"] in ("pass", "xfail") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "chaos-results.jsonl"))
