"""Benchmark: replies by email, on the embedded defaults.

    make bench-mail
    python -m benchmarks.mail --replies 1000 --latency-replies 200 --worker-processes 1 2

A real ``signoff worker`` process (queues outbox, timers, mail) and, in this process, the
inbound SMTP server and a mail catcher that notes when each mail arrives. SQLite (WAL) and the
embedded Redis.

1. Throughput: ``--replies`` contract approvals are started and their task mails caught; one
   lawyer of each answers "Approved" by SMTP (all stored first), then every stored reply is
   handed to the worker at once: replies processed per second is the count over the time until
   the last one is decided (rule chain, decision, outbox) — the follow-on mails are sent after.
2. Latency: ``--latency-replies`` approvals whose other lawyer has already approved, so each
   reply completes the legal stage and the accountant gets a task mail. Replies are sent at
   ``--rate`` per second; the latency is from the reply's SMTP 250 to the accountant's mail
   reaching the catcher (p50/p99).

``--worker-processes 1 2`` runs both measurements once per count, each on a fresh installation,
to show the scaling; ``--record FILE`` appends a summary row per count for ``make bench``'s
table (``benchmarks/summary.py``), else the table is printed at the end.

A benchmark, not a test: nothing fails because the machine is slow.
"""

from __future__ import annotations

import argparse
import email
import os
import shutil
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email.policy import SMTP, default
from email.utils import getaddresses
from pathlib import Path

from benchmarks.contract import FIELDS, WORKER_MB, environment, percentile, person_ids
from benchmarks.memory import RoleMemory
from benchmarks.summary import add_options, goal, publish, record, verdict

ROOT = Path(__file__).resolve().parent.parent
REPLIES_PER_S, LATENCY_P50_MS, LATENCY_P99_MS = 200, 100, 500  # the goals


class Catcher:
    """Catches mail like the built-in catcher, noting arrival times by thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.arrivals: dict[tuple[str, str], float] = {}  # (thread, To) -> time
        self.mails: dict[tuple[str, str], bytes] = {}

    async def handle_DATA(self, server, session, envelope) -> str:
        now = time.time()
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=default)
        to = getaddresses([str(message["To"])])[0][1].lower()
        key = (str(message["In-Reply-To"]), to)
        with self.lock:
            self.arrivals.setdefault(key, now)
            self.mails.setdefault(key, raw)
        return "250 OK"

    def wait(self, keys: list[tuple[str, str]], timeout: float = 120) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                missing = [k for k in keys if k not in self.arrivals]
            if not missing:
                return
            time.sleep(0.05)
        raise TimeoutError(f"{len(missing)} mails never arrived, e.g. {missing[0]}")


def thread_of(instance_id: int) -> str:
    from approvals.config.mail import MailSettings
    from mail.tokens import thread_id

    return thread_id(MailSettings.from_env().domain, instance_id)


def start(db, count: int, pre_approve: bool) -> list[int]:
    from approvals import service
    from approvals.clock import utcnow
    from approvals.dispatch import kick

    ids = person_ids(db)
    instances = []
    for _ in range(count):
        result = service.start(db, "bench-contract", ids["author"], FIELDS, utcnow())
        kick(result.outbox_ids)
        if pre_approve:
            decided = service.decide(db, result.task_ids[2], ids["lawyer2"], "approve", "",
                                     utcnow())
            kick(decided.outbox_ids)
        instances.append(result.instance_id)
    return instances


def reply_to(raw: bytes, sender: str) -> bytes:
    from tests.integration.mailflow import reply

    original = email.message_from_bytes(raw, policy=default)
    return reply(original, sender, "Approved").as_bytes(policy=SMTP)  # CRLF, as on the wire


def stored_done(db) -> int:
    from sqlmodel import func, select

    from approvals.store.db import read_session
    from approvals.store.models import InboundMessage

    with read_session(db) as session:
        return session.exec(select(func.count()).select_from(InboundMessage)
                            .where(InboundMessage.state == "done")).one()


def run(replies: int, latency_replies: int, rate: float, processes: int) -> dict:
    """Both measurements with a worker of ``processes`` processes; their summary row."""
    from aiosmtpd.controller import Controller

    from approvals.clock import utcnow
    from approvals.config.mail import MailSettings
    from mail.receive import inbound_controller
    from tests.support import free_port

    var = Path(tempfile.mkdtemp(prefix="signoff-bench-mail-"))
    catcher, catcher_port, inbound_port = Catcher(), free_port(), free_port()
    os.environ.update(MAIL_CATCHER_PORT=str(catcher_port), INBOUND_SMTP_PORT=str(inbound_port))
    os.environ.pop("SMTP_HOST", None)
    caught = Controller(catcher, hostname="127.0.0.1", port=catcher_port)
    caught.start()
    try:
        memory = RoleMemory().start()
        with environment(var, worker_now=False, memory=memory) as (db, signoff, _start_worker):
            from workers.actors import handle_inbound

            worker = subprocess.Popen([signoff, "worker", "--processes", str(processes),
                                       "--queues", "outbox", "--queues", "timers",
                                       "--queues", "mail"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            memory.watch("worker", worker.pid)
            settings = MailSettings.from_env()
            stored: list[int] = []
            live = threading.Event()  # the latency run enqueues each reply as it is stored

            def on_stored(inbound_id: int) -> None:
                stored.append(inbound_id)
                if live.is_set():
                    handle_inbound.send(inbound_id)

            inbound = inbound_controller(settings, db, on_stored, utcnow)
            inbound.start()
            try:
                per_s = throughput(db, settings, catcher, stored, handle_inbound, replies,
                                   processes)
                live.set()
                p50, p99 = latency(db, settings, catcher, latency_replies, rate)
            finally:
                inbound.stop()
                memory.stop()
                worker.terminate()
                worker.wait(timeout=30)
    finally:
        caught.stop()
        shutil.rmtree(var, ignore_errors=True)
    peaks = memory.by_role().get("worker", [])
    worker_mb = " / ".join(f"{mb:.0f}" for mb in peaks) or "n/a"
    met = bool(peaks) and max(peaks) <= WORKER_MB
    print(f"[mail] peak RSS of the worker: {worker_mb} MB (Dramatiq's master, then its worker "
          f"processes); goal ≤ {WORKER_MB} MB a process: {verdict(met)}")
    row = summary_row(processes, replies, per_s, latency_replies, rate, p50, p99)
    row["figures"] += f"; peak RSS worker {worker_mb} MB"
    row["goals"].append(goal(f"worker ≤ {WORKER_MB} MB a process", met if peaks else None))
    return row


def summary_row(processes: int, replies: int, per_s: float, latency_replies: int,
                rate: float, p50: float, p99: float) -> dict:
    return {"bench": "mail (replies by email)", "db": "sqlite", "workers": processes,
            "figures": f"{per_s:.0f} replies processed/s ({replies} at once); at {rate:g}/s "
                       f"({latency_replies}), reply → next mail p50 {p50:.0f} / p99 {p99:.0f} "
                       "ms",
            "goals": [goal(f"≥ {REPLIES_PER_S}/s", per_s >= REPLIES_PER_S),
                      goal(f"p50 ≤ {LATENCY_P50_MS} ms, p99 ≤ {LATENCY_P99_MS} ms",
                           p50 <= LATENCY_P50_MS and p99 <= LATENCY_P99_MS)]}


def _lawyer_mails(catcher: Catcher, instances: list[int]) -> list[bytes]:
    keys = [(thread_of(i), "lawyer1@bench.test") for i in instances]
    catcher.wait(keys)
    return [catcher.mails[k] for k in keys]


def throughput(db, settings, catcher, stored, handle_inbound, count: int,
               processes: int) -> float:
    instances = start(db, count, pre_approve=False)
    replies = [(_reply_address(raw), reply_to(raw, "lawyer1@bench.test"))
               for raw in _lawyer_mails(catcher, instances)]
    began = time.perf_counter()
    with smtplib.SMTP(settings.inbound_host, settings.inbound_port) as smtp:
        for to, raw in replies:
            smtp.sendmail("lawyer1@bench.test", [to], raw)
    smtp_seconds = time.perf_counter() - began
    began = time.perf_counter()
    for inbound_id in list(stored):
        handle_inbound.send(inbound_id)
    while stored_done(db) < count:
        time.sleep(0.02)
    seconds = time.perf_counter() - began
    print(f"[throughput] {count} replies by SMTP, stored in {smtp_seconds:.1f} s "
          f"({count / smtp_seconds:.0f}/s over one connection)")
    print(f"[throughput] replies processed per second (chain + decision, {processes} worker "
          f"process(es) of 4 threads): {count / seconds:.0f}   goal ≥ {REPLIES_PER_S}/s: "
          f"{verdict(count / seconds >= REPLIES_PER_S)}")
    return count / seconds


def _reply_address(raw: bytes) -> str:
    return str(email.message_from_bytes(raw, policy=default)["Reply-To"])


def latency(db, settings, catcher, count: int, rate: float) -> tuple[float, float]:
    instances = start(db, count, pre_approve=True)
    mails = _lawyer_mails(catcher, instances)
    replies = [(i, reply_to(raw, "lawyer1@bench.test"), _reply_address(raw))
               for i, raw in zip(instances, mails, strict=True)]
    time.sleep(2)  # let the start-up mail settle
    sent: dict[int, float] = {}
    with smtplib.SMTP(settings.inbound_host, settings.inbound_port) as smtp:
        began = time.time()
        for n, (instance, raw, to) in enumerate(replies):
            pause = began + n / rate - time.time()
            if pause > 0:
                time.sleep(pause)
            smtp.sendmail("lawyer1@bench.test", [to], raw)
            sent[instance] = time.time()
    keys = {i: (thread_of(i), "accountant@bench.test") for i in instances}
    catcher.wait(list(keys.values()))
    lat = [catcher.arrivals[keys[i]] - sent[i] for i in instances]
    print(f"[latency] {count} replies at {rate:g}/s: from the reply's SMTP 250 to the next "
          f"approver's mail in the catcher, ms p50 {statistics.median(lat) * 1000:.0f}  "
          f"p99 {percentile(lat, 99) * 1000:.0f}  max {max(lat) * 1000:.0f}")
    p50, p99 = statistics.median(lat) * 1000, percentile(lat, 99) * 1000
    print(f"[latency] goal p50 ≤ {LATENCY_P50_MS} ms, p99 ≤ {LATENCY_P99_MS} ms: "
          f"{verdict(p50 <= LATENCY_P50_MS and p99 <= LATENCY_P99_MS)}")
    return p50, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--latency-replies", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--worker-processes", type=int, nargs="+", default=[1],
                        help="run once per count of worker processes, e.g. 1 2")
    add_options(parser)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    rows: list[dict] = []
    for processes in args.worker_processes:
        print(f"[mail] {processes} worker process(es)", flush=True)
        record(args.record, rows, run(args.replies, args.latency_replies, args.rate,
                                      processes))
    if args.record is None:
        publish(rows, args.summary)


if __name__ == "__main__":
    main()
