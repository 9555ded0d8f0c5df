"""Benchmark: a read-and-acknowledge campaign to 500 people, on the embedded defaults.

    make bench-campaign
    python -m benchmarks.campaign --people 500 --rate 20

A real ``signoff worker`` process (queues outbox, timers, mail), a real ``signoff web``
(gunicorn), and, in this process, the inbound SMTP server and a mail catcher that notes when
each mail arrives; SQLite (WAL) and the embedded Redis, as ``make bench-mail`` runs them.

1. Mails: the initiator starts an ``acknowledgement`` to ten departments of ``--people``
   people (the service, as the page does, and the outbox handed to the worker): the time from
   the start until every one of the task mails is in the catcher.
2. The live page: every person answers their mail by email ("Ознакомлен" / "Acknowledged")
   through the inbound SMTP server, at ``--rate`` replies a second, and the worker decides each
   (and mails its receipt); meanwhile a reader logged in as the initiator loads the campaign's
   page (``/instances/<id>/acknowledgements``, as a browser does) back to back: its p50/p95
   while the acknowledgements arrive, and the time until the last one is recorded.

A benchmark, not a test: nothing fails because the machine is slow.
"""

from __future__ import annotations

import argparse
import email
import http.cookiejar
import os
import re
import shutil
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from email.policy import SMTP, default
from pathlib import Path

from benchmarks.contract import environment, percentile
from benchmarks.mail import Catcher, thread_of

ROOT = Path(__file__).resolve().parent.parent
DEPARTMENTS = ("Warehouse", "Logistics", "Marketing", "Support", "Production", "Quality",
               "Procurement", "Бухгалтерия", "Юридический отдел", "Отдел кадров")
PASSWORD = "benchmark campaign"
INITIATOR = "author@bench.test"  # of benchmarks.contract.PEOPLE


def staff(db, count: int) -> list[str]:
    """``count`` people in ten departments, imported as a people file is; their addresses."""
    from approvals.store.db import write_session
    from approvals.store.directory import find_person, import_people, set_password

    emails = [f"reader{n:04d}@bench.test" for n in range(count)]
    lines = ["email,name,locale,manager_email,department,roles,aliases"]
    lines += [f"{address},Reader {n:04d},{'ru' if n % 2 else 'en'},director@bench.test,"
              f"{DEPARTMENTS[n * len(DEPARTMENTS) // count]},," for n, address in
              enumerate(emails)]
    with write_session(db) as session:
        import_people(session, "\n".join(lines) + "\n")
        author = find_person(session, INITIATOR)
        set_password(author, PASSWORD)
        session.add(author)
    return emails


def start_campaign(db) -> int:
    from datetime import timedelta

    from approvals import service
    from approvals.clock import utcnow
    from approvals.dispatch import kick
    from benchmarks.contract import person_ids

    now = utcnow()
    result = service.start(db, "acknowledgement", person_ids(db)["author"], {
        "title": "Information security policy", "link": "https://intranet.example/policy",
        "departments": ", ".join(DEPARTMENTS),
        "deadline": (now + timedelta(days=7)).date().isoformat()}, now)
    kick(result.outbox_ids)
    return result.instance_id


def acknowledged(db, instance_id: int) -> int:
    from sqlmodel import func, select

    from approvals.store.db import read_session
    from approvals.store.models import Task

    with read_session(db) as session:
        return session.exec(select(func.count()).select_from(Task).where(
            Task.instance_id == instance_id, Task.state == "decided")).one()


class Reader:
    """A browser logged in as the initiator (cookies, the login form's CSRF token)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        login = self.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
        body = urllib.parse.urlencode({"email": INITIATOR, "password": PASSWORD,
                                       "csrf_token": token}).encode()
        with self.opener.open(f"{base}/login", data=body, timeout=60) as response:
            assert "/login" not in response.geturl(), "could not log in"

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode("utf-8")


def serve(signoff: str) -> tuple[subprocess.Popen, str]:
    from tests.support import free_port

    port = free_port()
    web = subprocess.Popen([signoff, "web"], env=dict(os.environ, PORT=str(port)),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/login", timeout=1).close()
            return web, base
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def run(people: int, rate: float, processes: int) -> None:
    from aiosmtpd.controller import Controller

    from approvals.clock import utcnow
    from approvals.config.mail import MailSettings
    from mail.receive import inbound_controller
    from tests.integration.mailflow import reply
    from tests.support import free_port

    var = Path(tempfile.mkdtemp(prefix="signoff-bench-campaign-"))
    catcher, catcher_port, inbound_port = Catcher(), free_port(), free_port()
    os.environ.update(MAIL_CATCHER_PORT=str(catcher_port), INBOUND_SMTP_PORT=str(inbound_port))
    for name in ("SMTP_HOST", "SMTP_MAX_PER_MINUTE"):
        os.environ.pop(name, None)
    caught = Controller(catcher, hostname="127.0.0.1", port=catcher_port)
    caught.start()
    try:
        with environment(var, worker_now=False) as (db, signoff, _start_worker):
            from workers.actors import handle_inbound

            emails = staff(db, people)
            worker = subprocess.Popen([signoff, "worker", "--processes", str(processes),
                                       "--queues", "outbox", "--queues", "timers",
                                       "--queues", "mail"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            web, base = serve(signoff)
            settings = MailSettings.from_env()
            inbound = inbound_controller(settings, db, handle_inbound.send, utcnow)
            inbound.start()
            try:
                time.sleep(2)  # the worker's start-up is not the campaign's
                began = time.time()  # the catcher notes arrivals on the same clock
                instance_id = start_campaign(db)
                keys = [(thread_of(instance_id), address) for address in emails]
                catcher.wait(keys, timeout=1800)
                mails_in = max(catcher.arrivals[key] for key in keys) - began
                print(f"[campaign] {people} people in {len(DEPARTMENTS)} departments, SQLite "
                      f"(WAL) + embedded Redis, {processes} worker process(es) of 4 threads")
                print(f"[campaign] from the start to the last of {people} task mails in the "
                      f"catcher: {mails_in:.1f} s ({people / mails_in:.0f} mails/s)")
                answer(db, base, settings, catcher, keys, instance_id, people, rate, reply)
            finally:
                inbound.stop()
                for proc in (web, worker):
                    proc.terminate()
                    proc.wait(timeout=30)
    finally:
        caught.stop()
        shutil.rmtree(var, ignore_errors=True)


def answer(db, base: str, settings, catcher: Catcher, keys, instance_id: int, people: int,
           rate: float, reply) -> None:
    """Everyone answers by email at ``rate``; a reader loads the page meanwhile."""
    page = f"/instances/{instance_id}/acknowledgements"
    reader = Reader(base)
    assert f"0 of {people}" in reader.get(page) or f"0 из {people}" in reader.get(page)
    replies = []
    for n, key in enumerate(keys):
        original = email.message_from_bytes(catcher.mails[key], policy=default)
        text = "Ознакомлен" if n % 2 else "Acknowledged"
        replies.append((str(original["Reply-To"]), key[1],
                        reply(original, key[1], text).as_bytes(policy=SMTP)))
    loads: list[float] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            started = time.perf_counter()
            reader.get(page)
            loads.append(time.perf_counter() - started)
            time.sleep(0.2)

    polling = threading.Thread(target=read)
    began = time.perf_counter()
    polling.start()
    try:
        with smtplib.SMTP(settings.inbound_host, settings.inbound_port) as smtp:
            for n, (to, sender, raw) in enumerate(replies):
                pause = began + n / rate - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                smtp.sendmail(sender, [to], raw)
        sent = time.perf_counter() - began
        while acknowledged(db, instance_id) < people:
            if time.perf_counter() - began > 1800:
                raise TimeoutError("the acknowledgements were not all recorded in 30 minutes")
            time.sleep(0.2)
        recorded = time.perf_counter() - began
    finally:
        done.set()
        polling.join()
    print(f"[campaign] {people} acknowledgements by email reply at {rate:g}/s: sent in "
          f"{sent:.1f} s, all recorded {recorded:.1f} s after the first")
    print(f"[campaign] the live page meanwhile ({len(loads)} loads, one reader back to back): "
          f"ms p50 {statistics.median(loads) * 1000:.0f}  p95 {percentile(loads, 95) * 1000:.0f}"
          f"  max {max(loads) * 1000:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--rate", type=float, default=20.0,
                        help="acknowledgements (email replies) a second")
    parser.add_argument("--worker-processes", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    run(args.people, args.rate, args.worker_processes)


if __name__ == "__main__":
    main()
