"""Benchmark: render and sign one approval trail, warm.

    make bench-trail                  # 5 runs
    python -m benchmarks.trail --runs 3 --iterations 30 --locale ru

Builds, through ``approvals.service`` on a fresh SQLite database, a completed contract
approval with 40 audit events and 3 documents (three versions of a 150 KB contract, two
send-backs, a task handed over), creates an organisation key, renders and signs the trail
once to warm up, then ``--iterations`` times. Prints p50/p95/min milliseconds for render,
sign, both, the CPU time of both and the part of it the cyclic garbage collector took, and the
peak memory (RSS) of this process. The machine's noise moves p50 and p95; min shows the cost
of the work itself, and so ``--runs N`` (default 5) repeats the whole in N fresh processes, one
after another: the first run's breakdown, each run's p50/p95/peak RSS, then the min/median/max
of the runs' figures against the goals (judged on the median). Goal on a 2-core machine: p50
<= 300 ms, p95 <= 600 ms, <= 300 MB. ``--record FILE`` appends the summary row for
``make bench``'s table (``benchmarks/summary.py``). A benchmark, not a test: nothing fails
because the machine is slow.
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = """email,name,locale,manager_email,department,roles,aliases
director@bench.test,Дмитрий Директоров,ru,,Board,,
author@bench.test,Анна Автор,ru,director@bench.test,Sales,,
lawyer1@bench.test,Lawyer One,en,director@bench.test,Legal,,
lawyer2@bench.test,Юрист Второй,ru,director@bench.test,Legal,,
accountant@bench.test,Accountant,en,director@bench.test,Finance,,
"""
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EVIDENCE = {"message_id": "<bench-reply@mail.bench.test>",
            "auth": "dkim=pass header.d=bench.test; spf=pass; dmarc=pass"}
DOCUMENT_BYTES = 150_000
P50_MS, P95_MS, PEAK_MB = 300, 600, 300  # the goals
RESULT = "RESULT "  # a run's figures for the parent, as the last line of its output


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


class CollectorClock:
    """Time spent in the cyclic garbage collector, read through ``gc.callbacks``."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __call__(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def contract(version: int) -> dict[str, str]:
    body = random.Random(version).randbytes(DOCUMENT_BYTES)  # incompressible, the worst case
    content = b"%PDF-1.4\n% contract version " + str(version).encode() + b"\n" + body
    return {"filename": f"supply-contract-v{version}.pdf",
            "content_base64": base64.b64encode(content).decode("ascii"),
            "content_type": "application/pdf"}


def build(db) -> int:
    """A completed contract approval of exactly 40 audit events and 3 document versions."""
    from sqlmodel import select

    from approvals import service
    from approvals.store import registry
    from approvals.store.db import read_session, write_session
    from approvals.store.directory import import_people
    from approvals.store.models import Person, Task

    with write_session(db) as session:
        import_people(session, PEOPLE)
        processes, errors = registry.load_all()
        assert not errors, errors
        registry.sync(session, processes, T0)
        ids = {p.email.split("@")[0]: p.id for p in session.exec(select(Person)).all()}
    author, director = ids["author"], ids["director"]
    approvers = [ids["lawyer1"], ids["lawyer2"], ids["accountant"]]
    fields = {"title": "Договор поставки № 42", "counterparty": "ООО «Ромашка»",
              "amount": "1500000,00", "contract": contract(1),
              "approvers": [f"{n}@bench.test" for n in ("lawyer1", "lawyer2", "accountant")]}
    iid = service.start(db, "contract-approval", author, fields, T0).instance_id
    clock = iter(T0 + timedelta(minutes=37 * n) for n in range(1, 100))

    def open_tasks() -> dict[int, int]:
        with read_session(db) as session:
            rows = session.exec(select(Task).where(Task.instance_id == iid,
                                                   Task.state == "open")).all()
            return {t.assignee_id: t.id for t in rows}

    for version in (2, 3):  # two rounds sent back by the second lawyer, by email
        tasks = open_tasks()
        service.decide(db, tasks[approvers[0]], approvers[0], "approve", "Согласовано",
                       next(clock))
        service.decide(db, tasks[approvers[2]], approvers[2], "approve", "", next(clock),
                       channel="api")
        service.decide(db, tasks[approvers[1]], approvers[1], "send_back",
                       "Пункт 7.2: неустойка слишком высока", next(clock), channel="email",
                       evidence=EVIDENCE)
        service.resubmit(db, iid, author, {"contract": contract(version)},
                         "Исправлен пункт 7.2", next(clock))
    tasks = open_tasks()
    service.reassign(db, tasks[approvers[0]], director, approvers[0], next(clock))
    tasks = open_tasks()
    for person in (director, approvers[1], approvers[2]):
        service.decide(db, tasks[person], person, "approve", "", next(clock), channel="email",
                       evidence=EVIDENCE)
    tasks = open_tasks()
    result = service.decide(db, tasks[author], author, "done", "Отправлено клиенту",
                            next(clock))
    assert result.status == "completed", result
    return iid


def one_run(args) -> dict:
    """One set of warm iterations in this process; prints the breakdown, returns the
    render+sign p50/p95 ms, the peak RSS MB and the load average."""
    from approvals.keys import init_keys, load_keys
    from approvals.store import audit
    from approvals.store.db import make_engine, read_session, upgrade
    from approvals.trail import render_trail, sign_trail, verify_trail

    with tempfile.TemporaryDirectory(prefix="signoff-bench-trail-") as tmp:
        var = Path(tmp)
        url = f"sqlite:///{var / 'signoff.db'}"
        upgrade(url)
        db = make_engine(url)
        iid = build(db)
        init_keys(var / "keys", "ООО «Бенчмарк»")
        keys = load_keys(var / "keys")
        with read_session(db) as session:
            events = audit.verify(session, iid).count
            generated = T0 + timedelta(days=2)

            collector = CollectorClock()
            gc.callbacks.append(collector)

            def once() -> tuple[float, float, float, float, bytes]:
                collector.seconds = 0.0
                started, cpu = time.perf_counter(), time.process_time()
                pdf = render_trail(session, iid, locale=args.locale, generated_at=generated)
                rendered = time.perf_counter()
                signed = sign_trail(pdf, keys, reason="Approval trail", location="Signoff")
                return (rendered - started, time.perf_counter() - rendered,
                        time.process_time() - cpu, collector.seconds, signed)

            *_, signed = once()  # warm: imports, fonts, templates, the key
            report = verify_trail(signed, cert=keys, session=session)
            assert report.ok, report
            render_ms, sign_ms, total_ms, cpu_ms, gc_ms = [], [], [], [], []
            for _ in range(args.iterations):
                render, sign, cpu, collecting, signed = once()
                render_ms.append(render * 1000)
                sign_ms.append(sign * 1000)
                total_ms.append((render + sign) * 1000)
                cpu_ms.append(cpu * 1000)
                gc_ms.append(collecting * 1000)
            gc.callbacks.remove(collector)
        db.dispose()
    print(f"trail of {events} events, 3 documents ({DOCUMENT_BYTES // 1000} KB each, the final "
          f"one embedded), {args.locale}, {len(signed) // 1024} KB signed PDF; "
          f"{args.iterations} iterations, warm")
    for name, values in (("render", render_ms), ("sign", sign_ms), ("render+sign", total_ms),
                         ("CPU time", cpu_ms), ("of it in GC", gc_ms)):
        print(f"  {name:12} p50 {percentile(values, 50):7.1f} ms   p95 "
              f"{percentile(values, 95):7.1f} ms   mean {statistics.fmean(values):7.1f} ms   "
              f"min {min(values):7.1f} ms")
    print(f"  peak memory (RSS) {peak_rss_mb():.0f} MB")
    print(f"  load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other work on the "
          "machine slows the wall-clock figures, less the CPU time)")
    print(f"  goal: render+sign p50 <= {P50_MS} ms, p95 <= {P95_MS} ms, <= {PEAK_MB} MB")
    return {"p50": percentile(total_ms, 50), "p95": percentile(total_ms, 95),
            "min": min(total_ms), "mb": peak_rss_mb(), "load": os.getloadavg()[0]}


def runs(args) -> list[dict]:
    """``--runs`` fresh processes one after another: each builds, warms and measures anew."""
    results = []
    for number in range(1, args.runs + 1):
        out = subprocess.run([sys.executable, "-m", "benchmarks.trail", "--one",
                              "--iterations", str(args.iterations), "--locale", args.locale],
                             cwd=ROOT, check=True, capture_output=True, text=True).stdout
        lines = out.splitlines()
        if number == 1:
            print("\n".join(line for line in lines if not line.startswith(RESULT)))
        result = json.loads(next(x for x in lines if x.startswith(RESULT))[len(RESULT):])
        results.append(result)
        print(f"[trail] run {number}/{args.runs}: render+sign p50 {result['p50']:6.1f} ms  "
              f"p95 {result['p95']:6.1f} ms  min {result['min']:6.1f} ms  peak RSS "
              f"{result['mb']:.0f} MB  (load {result['load']:.2f})", flush=True)
    return results


def summarise(results: list[dict], args) -> dict:
    """Min/median/max of the runs' figures against the goals; the summary row."""
    from benchmarks.summary import goal, verdict

    row_goals, parts = [], []
    for key, name, limit, unit in (("p50", "p50", P50_MS, "ms"), ("p95", "p95", P95_MS, "ms"),
                                   ("mb", "peak RSS", PEAK_MB, "MB")):
        values = [r[key] for r in results]
        median = statistics.median(values)
        met_in = sum(v <= limit for v in values)
        print(f"[trail] {name:8} min {min(values):6.0f}  median {median:6.0f}  max "
              f"{max(values):6.0f} {unit}   goal <= {limit} {unit}: {verdict(median <= limit)} "
              f"(on the median; met in {met_in} of {len(values)} runs)")
        parts.append(f"{name} {min(values):.0f} / {median:.0f} / {max(values):.0f} {unit}")
        row_goals.append(goal(f"{name} ≤ {limit} {unit} (median; {met_in} of {len(values)} "
                              "runs)", median <= limit))
    return {"bench": "trail (render+sign)", "db": "sqlite", "workers": "",
            "figures": f"{len(results)} runs of {args.iterations} iterations, min / median / "
                       f"max: " + ", ".join(parts),
            "goals": row_goals}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--locale", default="ru", choices=("en", "ru"))
    parser.add_argument("--runs", type=int, default=5,
                        help="runs of --iterations each, in fresh processes one after another")
    from benchmarks.summary import add_options

    add_options(parser)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a run's child
    args = parser.parse_args(argv)
    if args.one:
        print(RESULT + json.dumps(one_run(args)))
        return 0
    sys.path.insert(0, str(ROOT))
    from benchmarks.summary import publish, record

    row = summarise(runs(args), args)
    rows: list[dict] = []
    record(args.record, rows, row)
    if args.record is None:
        publish(rows, args.summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
