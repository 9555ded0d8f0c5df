"""Benchmark: contract approvals with three stages on the embedded defaults.

    make bench                       # every mode, 2,000 instances each
    python -m benchmarks.contract --instances 500 --mode service

``service``: this process calls ``approvals.service`` directly (SQLite in WAL mode), hands
every outbox row to a real ``signoff worker`` process through the embedded Redis, and waits
until the worker has delivered them all. ``service-alone``: the same, but the worker starts
only after the last decision (the service layer's own speed, then the worker's catch-up).
``api``: the same approvals driven over HTTP through the JSON API served by ``signoff web``
(gunicorn; ``--web-processes N`` sets its SIGNOFF_WEB_PROCESSES), by 8 client threads, with
the worker running. Each instance takes 4 decisions (two lawyers, the accountant, the
manager); a decision answers the decision and the instance's status, not the view, so the
accountant and the manager find their task in their inbox (``GET /api/tasks?assignee=me``),
as a client would (not timed as a decision).
Right after ``service-alone``, the peer (``benchmarks/peer.py``: SpiffWorkflow 3.2 on SQLite
with Signoff's durability settings, in ``.venv-spiff``) runs the same number of approvals, and
both figures and their ratio are printed (``--no-peer`` skips it).

Prints decisions per second, p50/p99 milliseconds per decision and peak memory (RSS). A
benchmark, not a test: nothing fails because the machine is slow.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = """email,name,locale,manager_email,department,roles,aliases
director@bench.test,Director,en,,Board,,
author@bench.test,Author,ru,director@bench.test,Sales,,
lawyer1@bench.test,Lawyer One,en,director@bench.test,Legal,lawyer,
lawyer2@bench.test,Lawyer Two,ru,director@bench.test,Legal,lawyer,
accountant@bench.test,Accountant,en,director@bench.test,Finance,accountant,
"""
CONTRACT = base64.b64encode(b"%PDF-1.4 benchmark contract\n" * 40).decode()
FIELDS = {"title": "Supply contract", "amount": "150000.00",
          "contract": {"filename": "contract.pdf", "content_base64": CONTRACT},
          "approvers": ["lawyer1@bench.test", "lawyer2@bench.test"]}


MODES = ("service-alone", "service", "api")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


@contextmanager
def environment(var: Path, worker_now: bool = True):
    """A fresh embedded installation: SQLite under var/, the embedded Redis, a worker."""
    from approvals.store import registry
    from approvals.store.db import make_engine, upgrade, write_session
    from approvals.store.directory import import_people
    from signoff.embedded_redis import server_args, wait_for_redis

    os.environ.update(SIGNOFF_VAR_DIR=str(var),
                      SIGNOFF_PROCESS_DIRS=str(ROOT / "benchmarks" / "processes"))
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    url = f"sqlite:///{var / 'signoff.db'}"
    upgrade(url)
    db = make_engine(url)
    from approvals.clock import utcnow

    with write_session(db) as session:
        import_people(session, PEOPLE)
        processes, errors = registry.load_all()
        assert not errors, errors
        registry.sync(session, processes, utcnow())
    redis = subprocess.Popen(server_args(var), stdout=subprocess.DEVNULL)
    wait_for_redis(f"unix://{var / 'redis.sock'}")
    from workers.actors import bind
    from workers.broker import make_broker

    bind(make_broker(f"unix://{var / 'redis.sock'}"))  # this run's Redis, for every mode
    signoff = str(Path(sys.executable).with_name("signoff"))
    procs = [redis]

    def start_worker() -> None:
        # Notifications and timers; signed trails (a render each) are `make bench-trail`'s.
        procs.insert(0, subprocess.Popen([signoff, "worker", "--queues", "outbox",
                                          "--queues", "timers"],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    if worker_now:
        start_worker()
    try:
        yield db, signoff, start_worker
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)


def wait_for_outbox(db, timeout: float = 600) -> float:
    """Seconds until the worker has delivered every notification (trails are not rendered
    here: their worker is not running)."""
    from sqlmodel import func, select

    from approvals.store.db import read_session
    from approvals.store.models import OutboxItem

    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        with read_session(db) as session:
            pending = session.exec(select(func.count()).select_from(OutboxItem)
                                   .where(OutboxItem.state == "pending",
                                          OutboxItem.kind == "notify")).one()
        if not pending:
            return time.perf_counter() - began
        time.sleep(0.2)
    raise TimeoutError(f"{pending} outbox rows still pending after {timeout} s")


def person_ids(db) -> dict[str, int]:
    from sqlmodel import select

    from approvals.store.db import read_session
    from approvals.store.models import Person

    with read_session(db) as session:
        return {p.email.split("@")[0]: p.id for p in session.exec(select(Person))}


def run_service(db, instances: int, start_worker=None) -> dict:
    from approvals import service
    from approvals.clock import utcnow
    from approvals.dispatch import kick

    ids = person_ids(db)
    order = [ids["lawyer1"], ids["lawyer2"], ids["accountant"], ids["director"]]
    latencies: list[float] = []
    began = time.perf_counter()
    for _ in range(instances):
        result = service.start(db, "bench-contract", ids["author"], FIELDS, utcnow())
        kick(result.outbox_ids)
        tasks = dict(result.task_ids)
        for position, person in enumerate(order):
            task_id = tasks[position + 1]  # seq 1, 2: lawyers; 3: accountant; 4: manager
            t0 = time.perf_counter()
            result = service.decide(db, task_id, person, "approve", "", utcnow())
            latencies.append(time.perf_counter() - t0)
            kick(result.outbox_ids)
            tasks.update(result.task_ids)
        assert result.status == "completed", result
    elapsed = time.perf_counter() - began
    if start_worker is not None:
        start_worker()
    drain = wait_for_outbox(db)
    return {"elapsed": elapsed, "latencies": latencies, "drain": drain}


def run_api(db, signoff: str, instances: int, clients: int = 8,
            web_processes: int | None = None) -> dict:
    from approvals.clock import utcnow
    from approvals.store.db import write_session
    from approvals.store.directory import find_person, issue_token
    from tests.support import free_port

    tokens = {}
    with write_session(db) as session:
        for name in ("author", "lawyer1", "lawyer2", "accountant", "director"):
            tokens[name] = issue_token(session, find_person(session, f"{name}@bench.test"),
                                       utcnow())
    port = free_port()
    web_env = dict(os.environ, PORT=str(port))
    if web_processes:  # else the role's default: one per core
        web_env["SIGNOFF_WEB_PROCESSES"] = str(web_processes)
    print(f"[api]   signoff web with {web_processes or os.cpu_count()} process(es)")
    web = subprocess.Popen([signoff, "web"], env=web_env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    latencies: list[float] = []
    lock = threading.Lock()
    errors: list[str] = []

    def call(conn, method, path, token, body=None):
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"Authorization": f"Bearer {token}",
                              "Content-Type": "application/json"})
        response = conn.getresponse()
        data = json.loads(response.read())
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {data}")
        return data

    requests = [0]

    def client(count: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            for _ in range(count):
                view = call(conn, "POST", "/api/instances", tokens["author"],
                            {"process": "bench-contract", "fields": FIELDS})
                reads = 0
                for name in ("lawyer1", "lawyer2", "accountant", "director"):
                    if name.startswith("lawyer"):  # open from the start: in the start's view
                        task = next(t for t in view["tasks"] if t["state"] == "open"
                                    and t["assignee"]["email"] == f"{name}@bench.test")
                    else:  # a decision answers no one else's tasks: the inbox, as a client
                        reads += 1
                        task = next(t for t in call(conn, "GET", "/api/tasks?assignee=me",
                                                    tokens[name])["tasks"]
                                    if t["instance_id"] == view["id"])
                    t0 = time.perf_counter()
                    answer = call(conn, "POST", f"/api/tasks/{task['id']}/decision",
                                  tokens[name], {"verdict": "approve", "comment": ""})
                    with lock:
                        latencies.append(time.perf_counter() - t0)
                assert answer["status"] == "completed", answer["status"]
                with lock:
                    requests[0] += 5 + reads
        except Exception as exc:  # noqa: BLE001 - reported below, the run is invalid
            errors.append(repr(exc))
        finally:
            conn.close()

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        share = [instances // clients + (1 if i < instances % clients else 0)
                 for i in range(clients)]
        threads = [threading.Thread(target=client, args=(n,)) for n in share]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        drain = wait_for_outbox(db)
    finally:
        web.terminate()
        web.wait(timeout=30)
    if errors:
        raise RuntimeError(f"{len(errors)} clients failed; first: {errors[0]}")
    return {"elapsed": elapsed, "latencies": latencies, "drain": drain,
            "requests": requests[0]}


def report(mode: str, instances: int, figures: dict) -> dict:
    lat = figures["latencies"]
    decisions = len(lat)
    worker = ("1 worker process started after the last decision" if mode == "service-alone"
              else "1 worker process running")
    print(f"[{mode}] {instances} contract approvals, {decisions} decisions, "
          f"3 stages, SQLite (WAL) + embedded Redis, {worker}")
    if mode != "api":  # one caller: the calls' own time is the service's speed
        print(f"[{mode}]   decisions/s (decision calls only): {decisions / sum(lat):8.0f}")
    print(f"[{mode}]   decisions/s (wall, incl. starts):  "
          f"{decisions / figures['elapsed']:8.0f}")
    if mode == "api":
        print(f"[{mode}]   HTTP requests/s (wall, 8 clients):  "
              f"{figures['requests'] / figures['elapsed']:8.0f} ({figures['requests']} "
              f"requests: starts, decisions, the next assignees' inbox reads)")
    print(f"[{mode}]   ms per decision: p50 {statistics.median(lat) * 1000:6.2f}  "
          f"p99 {percentile(lat, 99) * 1000:6.2f}")
    print(f"[{mode}]   the worker had delivered every outbox row {figures['drain']:.1f} s "
          "after the last decision")
    print(f"[{mode}]   peak RSS of this process: {peak_rss_mb():.0f} MB; of the children: "
          f"{peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB")
    return {"calls": decisions / sum(lat), "wall": decisions / figures["elapsed"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=2000)
    parser.add_argument("--mode", choices=(*MODES, "all"), default="all")
    parser.add_argument("--no-peer", action="store_true",
                        help="skip the SpiffWorkflow peer after service-alone")
    parser.add_argument("--web-processes", type=int, default=None,
                        help="api mode: SIGNOFF_WEB_PROCESSES of the `signoff web` it starts "
                             "(default: the role's own, one per core)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    for mode in (MODES if args.mode == "all" else (args.mode,)):
        var = Path(tempfile.mkdtemp(prefix="signoff-bench-"))
        try:
            alone = mode == "service-alone"
            with environment(var, worker_now=not alone) as (db, signoff, start_worker):
                if mode == "api":
                    figures = run_api(db, signoff, args.instances,
                                      web_processes=args.web_processes)
                else:
                    figures = run_service(db, args.instances, start_worker if alone else None)
            ours = report(mode, args.instances, figures)
        finally:
            shutil.rmtree(var, ignore_errors=True)
        if mode == "service-alone" and not args.no_peer:
            from benchmarks import peer

            try:
                peer.report(peer.run(args.instances), ours)
            except peer.PeerMissing as exc:
                sys.exit(f"benchmarks.contract: {exc}")


if __name__ == "__main__":
    main()
