"""Benchmark: contract approvals with three stages, on SQLite and on PostgreSQL.

    make bench                       # every mode, both databases, 1 and 2 worker processes
    python -m benchmarks.contract --instances 500 --mode service --db sqlite --worker-processes 1

``service``: this process calls ``approvals.service`` directly, hands every outbox row to a
real ``signoff worker`` (``--processes N``) through the embedded Redis, and waits until the
worker has delivered them all. ``service-alone``: the same, but the worker (one process) starts
only after the last decision (the service layer's own speed, then the worker's catch-up).
``api``: the same approvals driven over HTTP through the JSON API served by ``signoff web``
(gunicorn; ``--web-processes N`` sets its SIGNOFF_WEB_PROCESSES), by 8 client threads, with
the worker running. Each instance takes 4 decisions (two lawyers, the accountant, the
manager); a decision answers the decision and the instance's status, not the view, so the
accountant and the manager find their task in their inbox (``GET /api/tasks?assignee=me``),
as a client would (not timed as a decision).

``--db sqlite|postgres|both``: each mode runs on a fresh SQLite file (WAL) in a fresh var
folder and on a fresh database of one throwaway PostgreSQL cluster
(``tests.support.postgres_server``; the web and worker processes get it as DATABASE_URL).
``--worker-processes 1 2``: ``service`` and ``api`` run once per count, to show the scaling.
Right after ``service-alone`` on SQLite, the peer (``benchmarks/peer.py``: SpiffWorkflow 3.2
on SQLite with Signoff's durability settings, in ``.venv-spiff``) runs the same number of
approvals, and both figures and their ratio are printed (``--no-peer`` skips it).

Prints decisions per second, p50/p95/p99 milliseconds per decision and the peak memory (RSS)
of each role's processes (``benchmarks/memory.py``) against the goals, then one Markdown
table of the run (``benchmarks/summary.py``; ``--record FILE`` appends the rows to FILE for
``make bench``'s summary instead). Defaults are ``make bench``'s: 1,000 instances a mode, 300
in ``api`` (HTTP is 10x slower), both databases, 1 and 2 worker processes. A benchmark, not a
test: nothing fails because the machine is slow.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from benchmarks.memory import RoleMemory, own_peak_mb, reset_own_peak
from benchmarks.summary import add_options, goal, publish, record, verdict

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
#: The issue's goals (2-core machine): the API end to end, the service layer on SQLite, memory.
API_PER_S, API_P99_MS, SERVICE_PER_S, PEER_RATIO = 300, 100, 1000, 2.5
WEB_MB, WORKER_MB = 200, 250


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


@contextmanager
def environment(var: Path, worker_now: bool = True, url: str | None = None,
                worker_processes: int = 1, memory: RoleMemory | None = None):
    """A fresh installation: SQLite under var/ (or the empty database at ``url``, given to
    the worker and web processes as DATABASE_URL), the embedded Redis, a worker of
    ``worker_processes`` processes; ``memory`` watches the processes started here."""
    from approvals.store import registry
    from approvals.store.db import make_engine, upgrade, write_session
    from approvals.store.directory import import_people
    from signoff.embedded_redis import server_args, wait_for_redis

    os.environ.update(SIGNOFF_VAR_DIR=str(var),
                      SIGNOFF_PROCESS_DIRS=str(ROOT / "benchmarks" / "processes"))
    os.environ.pop("REDIS_URL", None)
    if url is None:
        os.environ.pop("DATABASE_URL", None)
        url = f"sqlite:///{var / 'signoff.db'}"
    else:
        os.environ["DATABASE_URL"] = url
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
    memory = memory or RoleMemory()
    memory.watch("redis", redis.pid)
    from workers.actors import bind
    from workers.broker import make_broker

    bind(make_broker(f"unix://{var / 'redis.sock'}"))  # this run's Redis, for every mode
    signoff = str(Path(sys.executable).with_name("signoff"))
    procs = [redis]

    def start_worker() -> None:
        # Notifications and timers; signed trails (a render each) are `make bench-trail`'s.
        procs.insert(0, subprocess.Popen([signoff, "worker", "--processes",
                                          str(worker_processes), "--queues", "outbox",
                                          "--queues", "timers"],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        memory.watch("worker", procs[0].pid)

    if worker_now:
        start_worker()
    try:
        yield db, signoff, start_worker
    finally:
        memory.sample()  # the last look before the roles stop
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
        db.dispose()
        os.environ.pop("DATABASE_URL", None)


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


def warm_up(db, work) -> None:
    """One approval (per client), delivered, before the clock starts: the worker's (and
    gunicorn's) processes take seconds to boot on a busy 2-core machine, which would
    otherwise count as the first decisions' time or the drain."""
    work()
    wait_for_outbox(db, timeout=120)


def run_service(db, instances: int, start_worker=None) -> dict:
    from approvals import service
    from approvals.clock import utcnow
    from approvals.dispatch import kick

    ids = person_ids(db)
    order = [ids["lawyer1"], ids["lawyer2"], ids["accountant"], ids["director"]]
    latencies: list[float] = []

    def approve(count: int) -> None:
        for _ in range(count):
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

    if start_worker is None:  # `service`: the worker is up and delivering before the clock
        warm_up(db, lambda: approve(1))
        latencies.clear()
    began = time.perf_counter()
    approve(instances)
    elapsed = time.perf_counter() - began
    if start_worker is not None:
        start_worker()
    drain = wait_for_outbox(db)
    return {"elapsed": elapsed, "latencies": latencies, "drain": drain}


def run_api(db, signoff: str, instances: int, clients: int = 8,
            web_processes: int | None = None, memory: RoleMemory | None = None) -> dict:
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
    log = Path(os.environ["SIGNOFF_VAR_DIR"]) / "web.log"  # its tail is shown on a failure
    with log.open("wb") as out:
        web = subprocess.Popen([signoff, "web"], env=web_env, stdout=out, stderr=out)
    if memory is not None:
        memory.watch("web", web.pid)
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

        def run_clients(share: list[int]) -> None:
            threads = [threading.Thread(target=client, args=(n,)) for n in share]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if errors:
                tail = log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{len(errors)} clients failed; first: {errors[0]}\n"
                                   f"the end of signoff web's log:\n{tail}")

        warm_up(db, lambda: run_clients([1] * clients))
        latencies.clear()
        requests[0] = 0
        share = [instances // clients + (1 if i < instances % clients else 0)
                 for i in range(clients)]
        began = time.perf_counter()
        run_clients(share)
        elapsed = time.perf_counter() - began
        drain = wait_for_outbox(db)
    finally:
        if memory is not None:
            memory.sample()  # gunicorn's workers, before they stop
        web.terminate()
        web.wait(timeout=30)
    return {"elapsed": elapsed, "latencies": latencies, "drain": drain,
            "requests": requests[0]}


def memory_lines(tag: str, mode: str, memory: RoleMemory, own: float | None
                 ) -> tuple[list[str], str]:
    """Print each role's processes' peak RSS against the goals; return the goals and the
    figures as the summary shows them."""
    roles = memory.by_role()
    goals, parts = [], []
    own_text = "n/a" if own is None else f"{own:.0f} MB"
    who = "this process (the HTTP clients)" if mode == "api" else "this process (the service)"
    print(f"{tag}   peak RSS of {who}: {own_text}")
    parts.append(f"{'client' if mode == 'api' else 'service'} {own_text}")
    for role, limit in (("web", WEB_MB), ("worker", WORKER_MB), ("redis", None)):
        peaks = roles.get(role)
        if not peaks:
            continue
        each = " / ".join(f"{mb:.0f}" for mb in peaks)
        note = {"web": "gunicorn master, then its workers",
                "worker": "Dramatiq's master, then its worker processes",
                "redis": "the embedded Redis"}[role]
        line = f"{tag}   peak RSS of {role}: {each} MB ({note})"
        parts.append(f"{role} {each} MB")
        if limit is not None:
            met = max(peaks) <= limit
            goals.append(goal(f"{role} ≤ {limit} MB a process", met))
            line += f"; goal ≤ {limit} MB a process: {verdict(met)}"
        print(line)
    return goals, ", ".join(parts)


def report(mode: str, kind: str, workers: int, instances: int, figures: dict,
           memory: RoleMemory, own: float | None, web_processes: int | None) -> dict:
    """Print one mode's figures and goals; return its summary row (with the decisions/s)."""
    lat = figures["latencies"]
    decisions = len(lat)
    calls, wall = decisions / sum(lat), decisions / figures["elapsed"]
    p50, p95, p99 = (percentile(lat, q) * 1000 for q in (50, 95, 99))
    tag = f"[{mode} {kind} w{workers}]"
    database = "SQLite (WAL)" if kind == "sqlite" else "PostgreSQL"
    worker = (f"{workers} worker process(es) started after the last decision"
              if mode == "service-alone" else f"{workers} worker process(es) running")
    print(f"{tag} {instances} contract approvals, {decisions} decisions, 3 stages, "
          f"{database} + embedded Redis, {worker}")
    goals: list[str] = []
    if mode != "api":  # one caller: the calls' own time is the service's speed
        line = f"{tag}   decisions/s (decision calls only): {calls:8.0f}"
        if mode == "service-alone" and kind == "sqlite":
            goals.append(goal(f"≥ {SERVICE_PER_S}/s calls only", calls >= SERVICE_PER_S))
            line += f"   goal ≥ {SERVICE_PER_S}/s: {verdict(calls >= SERVICE_PER_S)}"
        print(line)
    line = f"{tag}   decisions/s (wall, incl. starts):  {wall:8.0f}"
    if mode == "api":
        goals.append(goal(f"≥ {API_PER_S}/s", wall >= API_PER_S))
        line += f"   goal ≥ {API_PER_S}/s: {verdict(wall >= API_PER_S)}"
    print(line)
    web = ""
    if mode == "api":
        web = f"{web_processes or os.cpu_count()} web processes, "
        print(f"{tag}   HTTP requests/s (wall, 8 clients):  "
              f"{figures['requests'] / figures['elapsed']:8.0f} ({figures['requests']} "
              f"requests: starts, decisions, the next assignees' inbox reads; {web[:-2]})")
    line = f"{tag}   ms per decision: p50 {p50:6.2f}  p95 {p95:6.2f}  p99 {p99:6.2f}"
    if mode == "api":
        goals.append(goal(f"p99 ≤ {API_P99_MS} ms", p99 <= API_P99_MS))
        line += f"   goal p99 ≤ {API_P99_MS} ms: {verdict(p99 <= API_P99_MS)}"
    print(line)
    print(f"{tag}   the worker had delivered every outbox row {figures['drain']:.1f} s "
          "after the last decision")
    memory_goals, rss = memory_lines(tag, mode, memory, own)
    speed = (f"{wall:.0f}/s wall" if mode == "api"
             else f"{calls:.0f}/s calls only, {wall:.0f}/s wall")
    return {"bench": f"contract `{mode}`", "db": kind, "workers": workers,
            "figures": f"{instances} instances, {web}{speed}, p50/p95/p99 {p50:.1f} / "
                       f"{p95:.1f} / {p99:.1f} ms, drain {figures['drain']:.1f} s; "
                       f"peak RSS: {rss}",
            "goals": goals + memory_goals, "calls": calls, "wall": wall}


def peer_row(instances: int, ours: dict) -> dict | None:
    """The SpiffWorkflow peer right after ``service-alone`` on SQLite, and the ratios."""
    from benchmarks import peer

    try:
        figures = peer.run(instances)
    except peer.PeerMissing as exc:
        sys.exit(f"benchmarks.contract: {exc}")
    peer.report(figures, ours)
    calls = ours["calls"] / figures["decisions_per_s_excl_start"]
    wall = ours["wall"] / figures["decisions_per_s"]
    print(f"[peer]   goal ≥ {PEER_RATIO}x on both: calls {verdict(calls >= PEER_RATIO)}, "
          f"wall {verdict(wall >= PEER_RATIO)}")
    return {"bench": f"peer SpiffWorkflow {figures['version']}", "db": "sqlite",
            "workers": "", "figures": f"{figures['n']} instances, "
                                      f"{figures['decisions_per_s_excl_start']:.0f}/s calls "
                                      f"only, {figures['decisions_per_s']:.0f}/s wall; Signoff "
                                      f"`service-alone` / peer: {calls:.2f}x calls, "
                                      f"{wall:.2f}x wall",
            "goals": [goal(f"≥ {PEER_RATIO}x the peer, calls", calls >= PEER_RATIO),
                      goal(f"≥ {PEER_RATIO}x the peer, wall", wall >= PEER_RATIO)]}


@contextmanager
def databases():
    """Yield ``fresh(kind, name) -> url or None``: None for a new SQLite file in the mode's
    var folder, else a new database on one throwaway PostgreSQL cluster, started for the
    first PostgreSQL mode and removed at the end of the run."""
    from sqlalchemy import create_engine, make_url, text

    from tests.support import postgres_server

    with ExitStack() as stack:
        server: list[str] = []

        def fresh(kind: str, name: str) -> str | None:
            if kind == "sqlite":
                return None
            if not server:
                server.append(stack.enter_context(postgres_server()))
            admin = create_engine(make_url(server[0]).set(database="postgres"),
                                  isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
            finally:
                admin.dispose()
            return make_url(server[0]).set(database=name).render_as_string(hide_password=False)

        yield fresh


def plan(args) -> list[tuple[str, str, int]]:
    """(database, mode, worker processes) in the order they run: SQLite first (the peer
    right after its ``service-alone``), then PostgreSQL; ``service-alone`` with one worker
    (it only catches up after the decisions)."""
    modes = MODES if args.mode == "all" else (args.mode,)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    return [(kind, mode, workers) for kind in kinds for mode in modes
            for workers in ([args.worker_processes[0]] if mode == "service-alone"
                            else args.worker_processes)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=1000)
    parser.add_argument("--api-instances", type=int, default=300,
                        help="instances in the api mode (HTTP is about ten times slower)")
    parser.add_argument("--mode", choices=(*MODES, "all"), default="all")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--worker-processes", type=int, nargs="+", default=[1, 2],
                        help="the service and api modes run once with each count")
    parser.add_argument("--no-peer", action="store_true",
                        help="skip the SpiffWorkflow peer after service-alone")
    parser.add_argument("--web-processes", type=int, default=None,
                        help="api mode: SIGNOFF_WEB_PROCESSES of the `signoff web` it starts "
                             "(default: the role's own, one per core)")
    add_options(parser)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    runs = plan(args)
    rows: list[dict] = []
    with databases() as fresh:
        for number, (kind, mode, workers) in enumerate(runs, start=1):
            instances = args.api_instances if mode == "api" else args.instances
            var = Path(tempfile.mkdtemp(prefix="signoff-bench-"))
            memory = RoleMemory().start()
            reset_own_peak()
            try:
                alone = mode == "service-alone"
                url = fresh(kind, f"bench_{number}")
                with environment(var, worker_now=not alone, url=url, worker_processes=workers,
                                 memory=memory) as (db, signoff, start_worker):
                    if mode == "api":
                        figures = run_api(db, signoff, instances,
                                          web_processes=args.web_processes, memory=memory)
                    else:
                        figures = run_service(db, instances, start_worker if alone else None)
                    own = own_peak_mb()
                    memory.stop()
            finally:
                shutil.rmtree(var, ignore_errors=True)
            ours = report(mode, kind, workers, instances, figures, memory, own,
                          args.web_processes)
            record(args.record, rows, {k: v for k, v in ours.items()
                                       if k not in ("calls", "wall")})
            if alone and kind == "sqlite" and not args.no_peer:
                row = peer_row(instances, ours)
                record(args.record, rows, row)
    if args.record is None:
        publish(rows, args.summary)


if __name__ == "__main__":
    main()
