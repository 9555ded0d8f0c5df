"""The chaos suite's processes: one Signoff installation per scenario, every role a real
process started with the installed ``signoff`` command in a process group of its own (so
``kill -9`` hits exactly that role and its children), configured by environment as in
production: SQLite or PostgreSQL (``DATABASE_URL``), Redis on a unix socket (``REDIS_URL``),
the test relay (``SMTP_HOST``/``SMTP_PORT``, :mod:`tests.chaos.relay`), the inbound SMTP
port, the web port, and the scheduler sweeping every second.

The load goes in through the real front doors: the JSON API (tokens made by
``signoff people token``), the inbound SMTP server (replies to the task mails the relay
caught) and the pages (a logged-in session posting the decision form).
"""

from __future__ import annotations

import email
import hashlib
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import signal
import smtplib
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.policy import SMTP as SMTP_POLICY
from email.policy import default
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.clock import utcnow
from approvals.store import db as store
from approvals.store import directory, registry
from approvals.store.models import Person, ReplyToken
from mail import tokens
from tests.chaos.relay import Relay
from tests.integration.mailflow import reply as reply_to
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
SIGNOFF = str(Path(sys.executable).parent / "signoff")
PROCESSES = Path(__file__).with_name("processes")
DOMAIN = "chaos.test"
PROCESS = "chaos-approval"
PASSWORD = "chaos-password-1"  # the people's web password (set in-process at setup)
PEOPLE = """\
email,name,locale,manager_email,department,roles,aliases
maria@chaos.test,Maria Manager,en,,Sales,,
ivan@chaos.test,Ivan Initiator,en,maria@chaos.test,Sales,,
anna@chaos.test,Anna Reviewer,en,maria@chaos.test,Legal,,
boris@chaos.test,Boris Reviewer,en,maria@chaos.test,Finance,,
ada@chaos.test,Ada Admin,en,,IT,admin,
"""
INITIATOR, MANAGER = "ivan@chaos.test", "maria@chaos.test"
REVIEWERS = ("anna@chaos.test", "boris@chaos.test")
READY = {  # what a role writes once it serves
    "web": "signoff web:",
    "worker": "Worker process is ready for action.",
    "scheduler": "sweeping every",
    "smtp": "inbound SMTP on",
}


# ---------------------------------------------------------------------------- one process


class Role:
    """One role's process (and its children) in a process group of its own."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.proc: subprocess.Popen | None = None
        self.started_at = 0  # log offset of the current run

    def start(self) -> Role:
        self.started_at = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as out:
            out.write(f"\n===== chaos: start {' '.join(self.argv)} =====\n".encode())
            out.flush()
            self.proc = subprocess.Popen(self.argv, env=self.env, cwd=ROOT, stdout=out,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        return self

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout: float = 60.0) -> None:
        if self.name == "redis":
            from signoff.embedded_redis import redis_answers

            url = self.env["REDIS_URL"]
            deadline = time.monotonic() + timeout
            while not redis_answers(url):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"redis did not start:\n{self.tail()}")
                time.sleep(0.05)
            return
        marker = READY[self.name]
        deadline = time.monotonic() + timeout
        while marker not in self.output():
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.proc.returncode}:\n"
                                     f"{self.tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} not ready in {timeout:g} s:\n{self.tail()}")
            time.sleep(0.1)

    def output(self) -> str:
        with self.log.open("rb") as handle:
            handle.seek(self.started_at)
            return handle.read().decode("utf-8", "replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def kill9(self) -> None:
        """``kill -9`` the role's whole process group, at once."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)
        with self.log.open("ab") as out:
            out.write(b"\n===== chaos: kill -9 =====\n")

    def stop(self, timeout: float = 15.0) -> None:
        if not self.alive:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=timeout)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill9()


# ---------------------------------------------------------------------------- acks


@dataclass
class Ack:
    """A decision a client was told about: ``channel`` api/web (``task_id`` decided) or email
    (``inbound_id`` stored: the reply's ``message_id``, for ``task_id``)."""

    channel: str
    task_id: int
    inbound_id: int | None = None
    message_id: str | None = None


@dataclass
class Answer:
    status: int | None  # None: no HTTP answer (connection refused or dropped)
    body: dict | None = None
    error: str = ""


# ---------------------------------------------------------------------------- the installation


@dataclass
class Stack:
    """One Signoff installation for one scenario; see the module docstring."""

    var: Path
    database_url: str
    redis_persistent: bool = True
    secret: str = "chaos-secret-" + "0" * 40
    roles: dict[str, Role] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    acks: list[Ack] = field(default_factory=list)
    # every answer each task's API decision got, in order (None: no answer)
    attempts: dict[int, list[int | None]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.var.mkdir(parents=True, exist_ok=True)
        self.logs = self.var / "logs"
        self.logs.mkdir(exist_ok=True)
        self.web_port, self.inbound_port = free_port(), free_port()
        self.relay = Relay(free_port())
        self.redis_url = f"unix://{self.var / 'redis.sock'}"
        self.env = {
            **{k: v for k, v in os.environ.items()
               if not k.startswith(("SMTP_", "IMAP_", "MAIL_", "INBOUND_", "SIGNOFF_"))},
            "SIGNOFF_VAR_DIR": str(self.var), "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url, "SIGNOFF_SECRET_KEY": self.secret,
            "SIGNOFF_PROCESS_DIRS": str(PROCESSES), "MAIL_DOMAIN": DOMAIN,
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.relay.port), "SMTP_STARTTLS": "0",
            "INBOUND_SMTP_HOST": "127.0.0.1", "INBOUND_SMTP_PORT": str(self.inbound_port),
            "PORT": str(self.web_port), "SIGNOFF_WEB_PORT": str(self.web_port),
            "SIGNOFF_BASE_URL": f"http://127.0.0.1:{self.web_port}",
            "PYTHONUNBUFFERED": "1",
        }
        self.engine: Engine | None = None
        self.lock = threading.Lock()
        self.started = time.monotonic()

    # ------------------------------------------------------------------ set-up

    def setup(self, keys: Path) -> None:
        """Migrate, import the people (with a web password), sync the chaos process, copy the
        organisation's keys, start the relay, and make API tokens with ``signoff people
        token``."""
        shutil.copytree(keys, self.var / "keys")
        store.upgrade(self.database_url)
        self.engine = store.make_engine(self.database_url)
        processes, errors = registry.load_all([PROCESSES])
        assert not errors, errors
        with store.write_session(self.engine) as session:
            directory.import_people(session, PEOPLE)
            registry.sync(session, processes, utcnow())
            for person in session.exec(select(Person)).all():
                directory.set_password(person, PASSWORD)
                session.add(person)
        self.relay.start()
        people = [INITIATOR, MANAGER, *REVIEWERS]
        with ThreadPoolExecutor(len(people)) as pool:
            made = pool.map(lambda who: subprocess.run(
                [SIGNOFF, "people", "token", who, "--label", "chaos"], env=self.env, cwd=ROOT,
                capture_output=True, text=True, check=True, timeout=60).stdout.split()[-1],
                people)
            self.tokens = dict(zip(people, made, strict=True))

    def role(self, name: str) -> Role:
        if name not in self.roles:
            argv = {"web": [SIGNOFF, "web", "--threads", "8"],
                    "worker": [SIGNOFF, "worker", "--processes", "1", "--threads", "4"],
                    "scheduler": [SIGNOFF, "scheduler", "--interval", "1"],
                    "smtp": [SIGNOFF, "smtp"],
                    "redis": self._redis_argv()}[name]
            self.roles[name] = Role(name, argv, self.env, self.logs / f"{name}.log")
        return self.roles[name]

    def _redis_argv(self) -> list[str]:
        from signoff.embedded_redis import redis_server_executable

        persistence = (["--appendonly", "yes"] if self.redis_persistent
                       else ["--appendonly", "no", "--save", ""])
        return [redis_server_executable(), "--port", "0", "--unixsocket",
                str(self.var / "redis.sock"), "--unixsocketperm", "700", "--dir",
                str(self.var), "--dbfilename", "redis.rdb", *persistence]

    def start(self, *names: str) -> None:
        """Start roles (all by default: Redis first, then the rest at once) and wait until
        each serves."""
        names = names or ("redis", "web", "worker", "scheduler", "smtp")
        if "redis" in names:
            self.role("redis").start().wait_ready()
        others = [self.role(n).start() for n in names if n != "redis"]
        for role in others:
            role.wait_ready(90)
        if "web" in names:
            self._wait_web()

    def _wait_web(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.get("/login").status != 200:
            if time.monotonic() > deadline:
                raise AssertionError("web does not answer:\n" + self.role("web").tail())
            time.sleep(0.2)

    def restart(self, name: str) -> None:
        self.role(name).start().wait_ready(90)
        if name == "web":
            self._wait_web()

    def close(self) -> None:
        for name in ("web", "smtp", "scheduler", "worker", "redis"):
            if name in self.roles:
                self.roles[name].stop()
        self.relay.stop()
        if self.engine is not None:
            self.engine.dispose()

    def log_tails(self, lines: int = 30) -> str:
        return "\n".join(f"--- {name} ---\n{role.tail(lines)}"
                         for name, role in self.roles.items())

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    # ------------------------------------------------------------------ the JSON API

    def request(self, method: str, path: str, body: dict | None = None,
                token: str | None = None, timeout: float = 75) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.web_port, timeout=timeout)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None,
                         headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            return Answer(None, None, f"{type(error).__name__}: {error}")
        finally:
            conn.close()
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = None
        return Answer(response.status, parsed if isinstance(parsed, dict) else None)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def start_instances(self, count: int, reviewers: tuple[str, ...] = REVIEWERS) -> list[int]:
        """Start ``count`` instances through the API, a few clients at once."""
        def one(n: int) -> int:
            for _ in range(20):
                answer = self.request("POST", "/api/instances", {
                    "process": PROCESS,
                    "fields": {"title": f"Chaos {n}", "reviewers": list(reviewers)}},
                    token=self.tokens[INITIATOR])
                if answer.status == 201:
                    return answer.body["id"]
                time.sleep(0.5)
            raise AssertionError(f"could not start an instance: {answer}")
        with ThreadPoolExecutor(4) as pool:
            return list(pool.map(one, range(count)))

    def open_tasks(self, person: str) -> list[dict]:
        """All the person's open tasks: every page, following ``next``."""
        tasks, path = [], "/api/tasks?assignee=me&limit=100"
        while path:
            answer = self.request("GET", path, token=self.tokens[person])
            assert answer.status == 200, answer
            tasks.extend(answer.body["tasks"])
            path = answer.body["next"]
        return tasks

    def decide_api(self, person: str, task_id: int, verdict: str = "approve",
                   retry: bool = True) -> Answer:
        """POST a decision; an answer 200 is an acknowledged decision (a 303 would be too:
        recorded, to be read at the Location, as web/api.py ``_done`` answers the commands
        that answer with the view; a decision reads nothing after its commit, so it answers
        200). With ``retry``, a 503 or no answer is tried again like a client would (a 409
        after a lost answer means the first attempt got through: it is not acknowledged by
        us, the checker still requires exactly one transition)."""
        for attempt in range(40):
            answer = self.request("POST", f"/api/tasks/{task_id}/decision",
                                  {"verdict": verdict, "comment": ""}, token=self.tokens[person])
            with self.lock:
                self.attempts.setdefault(task_id, []).append(answer.status)
            if answer.status in (200, 303):
                with self.lock:
                    self.acks.append(Ack("api", task_id))
                return answer
            if not retry or answer.status not in (None, 503):
                return answer
            time.sleep(min(0.5 * (attempt + 1), 3))
        return answer

    def burst(self, decisions: list[tuple[str, int]], clients: int = 8,
              retry: bool = True) -> list[Answer]:
        with ThreadPoolExecutor(clients) as pool:
            return list(pool.map(lambda d: self.decide_api(*d, retry=retry), decisions))

    def review_tasks(self) -> list[tuple[str, int]]:
        """(reviewer, task id) of every open review task."""
        return [(who, task["id"]) for who in REVIEWERS for task in self.open_tasks(who)]

    # ------------------------------------------------------------------ the pages

    def page_session(self, person: str) -> PageSession:
        return PageSession(self, person)

    # ------------------------------------------------------------------ mail

    def task_mails(self, person: str) -> list[Message]:
        """Task mails (with a reply token) the relay caught for ``person``."""
        return [d.message for d in self.relay.to(person)
                if d.message_id.startswith("<t.") and d.message.get("Reply-To")]

    def wait_task_mails(self, person: str, count: int, timeout: float = 90) -> list[Message]:
        self.relay.wait_for(lambda _: len(self.task_mails(person)) >= count, timeout,
                            f"{count} task mails for {person}")
        return self.task_mails(person)

    def task_of_mail(self, message: Message) -> int:
        token = tokens.from_address(str(message["Reply-To"]), DOMAIN)
        with store.read_session(self.engine) as session:
            return session.exec(select(ReplyToken.task_id).where(
                ReplyToken.token_hash == tokens.token_hash(token))).one()

    def reply(self, original: Message, sender: str, text: str = "Approved") -> EmailMessage:
        return reply_to(original, sender, text)

    def send_reply(self, message: Message | bytes, sender: str, to: str, task_id: int,
                   retry: bool = True) -> tuple[int | None, str]:
        """Deliver a reply to the inbound SMTP server as a sending MTA would (a 4xx or a
        dropped connection is tried again with ``retry``); a 250 is an acknowledged reply."""
        raw = message if isinstance(message, bytes) else message.as_bytes(policy=SMTP_POLICY)
        message_id = email.message_from_bytes(raw[:20000], policy=default).get("Message-ID")
        for attempt in range(40):
            code, text = self._smtp(raw, sender, to)
            if code == 250:
                stored = re.search(r"stored as message (\d+)", text)
                with self.lock:
                    self.acks.append(Ack("email", task_id,
                                         int(stored[1]) if stored else None,
                                         str(message_id) if message_id else None))
                return code, text
            if not retry or (code is not None and code < 400) or (code and code >= 500):
                return code, text
            time.sleep(min(0.5 * (attempt + 1), 3))
        return code, text

    def _smtp(self, raw: bytes, sender: str, to: str) -> tuple[int | None, str]:
        try:
            with smtplib.SMTP("127.0.0.1", self.inbound_port, timeout=90) as smtp:
                smtp.ehlo("mta.example.com")
                code, text = smtp.mail(sender)
                if code != 250:
                    return code, text.decode(errors="replace")
                code, text = smtp.rcpt(to)
                if code not in (250, 251):
                    return code, text.decode(errors="replace")
                code, text = smtp.data(raw)
                return code, text.decode(errors="replace")
        except smtplib.SMTPResponseException as error:
            return error.smtp_code, str(error.smtp_error)
        except (OSError, smtplib.SMTPException) as error:
            return None, f"{type(error).__name__}: {error}"

    # ------------------------------------------------------------------ waiting

    def wait_settled(self, timeout: float, quiet: float = 3.0) -> float:
        """Wait until nothing is pending in the database (outbox rows, stored replies) and the
        relay has been quiet for ``quiet`` seconds; returns the seconds waited. Does not
        fail: the checker says what is left."""
        from tests.chaos.checker import pending_work

        began = time.monotonic()
        deadline = began + timeout
        last_count, last_change = -1, time.monotonic()
        while time.monotonic() < deadline:
            try:
                left = pending_work(self.engine)
            except Exception:  # noqa: BLE001 - a database locked by the scenario, say
                left = -1
            count = len(self.relay.snapshot())
            if count != last_count:
                last_count, last_change = count, time.monotonic()
            if left == 0 and time.monotonic() - last_change >= quiet:
                break
            time.sleep(0.5)
        return time.monotonic() - began


class PageSession:
    """A person logged in on the pages (cookies, CSRF token), deciding with the task form."""

    def __init__(self, stack: Stack, person: str) -> None:
        self.stack, self.person = stack, person
        self.base = f"http://127.0.0.1:{stack.web_port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
        page = self._open("/login").read().decode()
        status, _ = self._post("/login", {"csrf_token": _csrf(page), "email": person,
                                          "password": PASSWORD})
        assert status in (302, 303), f"login of {person} answered {status}"

    def _open(self, path: str):
        return self.opener.open(self.base + path, timeout=75)

    def _post(self, path: str, form: dict) -> tuple[int | None, str]:
        data = urllib.parse.urlencode(form).encode()
        try:
            response = self.opener.open(urllib.request.Request(self.base + path, data=data),
                                        timeout=75)
            return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except OSError as error:
            return None, str(error)

    def form(self, task_id: int) -> str:
        """The task page's CSRF token (read before the race, so both sides post at once)."""
        return _csrf(self._open(f"/tasks/{task_id}").read().decode())

    def decide(self, task_id: int, csrf: str, verdict: str = "approve") -> int | None:
        """Post the decision form; a 303 to the instance is an acknowledged decision."""
        status, _ = self._post(f"/tasks/{task_id}/decide",
                               {"csrf_token": csrf, "verdict": verdict, "comment": ""})
        if status == 303:
            with self.stack.lock:
                self.stack.acks.append(Ack("web", task_id))
        return status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp

    http_error_303 = http_error_301 = http_error_307 = http_error_302


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert match, "no CSRF token on the page"
    return match[1]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
