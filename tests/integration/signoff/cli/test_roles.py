"""The Procfile roles (``redis``, ``web``, ``worker``, ``scheduler``) and the ``run`` launcher.

The servers themselves are not started here: each test replaces the call that would block or
replace the process, and checks what the command would run, and with which settings.
"""

from __future__ import annotations

import os
import shutil
import sys
import types
from pathlib import Path

import pytest

from approvals.config import Settings
from signoff import cli as cli_module
from signoff import demo, launcher, webserver
from tests.integration.signoff.cli import Invoke


@pytest.fixture
def redis_answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Redis answers at once; collects the URLs that were waited for."""
    waited: list[str] = []
    monkeypatch.setattr("signoff.embedded_redis.wait_for_redis",
                        lambda url, timeout: waited.append(url))
    return waited


@pytest.fixture
def keys(env: Path, org_keys: Path) -> Path:
    """The organisation's keys in the var folder, as ``signoff keys init`` leaves them."""
    return Path(shutil.copytree(org_keys, env / "var" / "keys"))


def test_redis_runs_the_embedded_server_in_the_var_dir(cli: Invoke, env: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Path] = []
    monkeypatch.setattr("signoff.embedded_redis.run_embedded_redis", started.append)

    assert cli("redis").exit_code == 0
    assert started == [env / "var"]


def test_worker_waits_for_redis_then_execs_dramatiq_on_its_queues(
        cli: Invoke, env: Path, keys: Path, redis_answers: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    execs: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(os, "execv", lambda path, argv: execs.append((path, argv)))

    result = cli("worker")

    assert result.exit_code == 0, result.output
    assert redis_answers == [f"unix://{env / 'var' / 'redis.sock'}"]
    assert execs == [(sys.executable, [
        sys.executable, "-m", "dramatiq", "workers.actors", "mail.work", "approvals.trail.work",
        "--processes", "1",
        "--threads", "4", "--queues", "outbox", "timers", "mail", "trails", "webhooks"])]
    assert "trails are signed by " in result.stderr and str(keys) in result.stderr


def test_worker_uses_redis_url_when_set(cli: Invoke, keys: Path, redis_answers: list[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6399/0")
    monkeypatch.setattr(os, "execv", lambda path, argv: None)

    cli("worker")

    assert redis_answers == ["redis://127.0.0.1:6399/0"]


def test_worker_gives_up_clearly_when_redis_never_answers(
        cli: Invoke, keys: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def never(url: str, timeout: float) -> None:
        raise TimeoutError(f"Redis at {url} did not answer within {timeout:g} s")

    monkeypatch.setattr("signoff.embedded_redis.wait_for_redis", never)
    monkeypatch.setattr(os, "execv", lambda path, argv: pytest.fail("dramatiq was started"))

    result = cli("worker")

    assert result.exit_code == 1
    assert "did not answer within 60 s; is `signoff redis` running?" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("damage, named", [
    ("no keys", "organisation.key.pem"), ("corrupt key", "organisation.key.pem"),
    ("no certificate", "organisation.cert.pem")])
def test_worker_refuses_to_start_without_a_usable_signing_key(
        cli: Invoke, env: Path, org_keys: Path, redis_answers: list[str],
        monkeypatch: pytest.MonkeyPatch, damage: str, named: str) -> None:
    monkeypatch.setattr(os, "execv", lambda path, argv: pytest.fail("dramatiq was started"))
    folder = env / "var" / "keys"
    if damage != "no keys":
        shutil.copytree(org_keys, folder)
    if damage == "corrupt key":
        (folder / "organisation.key.pem").write_text("-----BEGIN PRIVATE KEY-----\nxx\n")
    elif damage == "no certificate":
        (folder / "organisation.cert.pem").unlink()

    result = cli("worker")

    assert result.exit_code == 1
    assert "the worker cannot sign trails, so it does not start" in result.stderr
    assert str(folder / named) in result.stderr
    if damage == "no keys":  # nothing to lose: make them
        assert "signoff keys init" in result.stderr
    else:  # `keys init` would refuse to overwrite: restore or replace
        assert "keys init" not in result.stderr
        assert "Restore it from a backup" in result.stderr
        assert "signoff keys import FILE.p12 --replace" in result.stderr
    assert result.stderr.count("signoff keys import") == 1  # the advice is given once
    assert "Traceback" not in result.output
    assert redis_answers == []  # refused before waiting for anything


def test_scheduler_waits_for_redis_then_sweeps(cli: Invoke, redis_answers: list[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    loops: list[float] = []
    monkeypatch.setattr("workers.scheduler.run_forever", loops.append)

    result = cli("scheduler", "--interval", "2")

    assert result.exit_code == 0, result.output
    assert len(redis_answers) == 1
    assert loops == [2.0]


@pytest.fixture
def served(upgraded: Invoke, monkeypatch: pytest.MonkeyPatch) -> dict:
    """A stand-in ``web`` package and gunicorn on a migrated database; records what would be
    served (the settings, and the app each worker process would build)."""
    seen: dict = {}
    app = object()
    fake_web = types.ModuleType("web")
    fake_web.create_app = lambda: app
    monkeypatch.setitem(sys.modules, "web", fake_web)
    monkeypatch.setattr(webserver.WebServer, "run",
                        lambda server: seen.update(server.settings, app=server.load()))
    monkeypatch.delenv("SIGNOFF_WEB_PROCESSES", raising=False)
    seen["expected_app"] = app
    return seen


def test_web_serves_create_app_with_gunicorn_on_port_5000_by_default(cli: Invoke,
                                                                     served: dict) -> None:
    result = cli("web")

    assert result.exit_code == 0, result.output
    assert served["app"] is served["expected_app"]
    assert served["bind"] == ["127.0.0.1:5000"]
    assert "loaded contract-approval version 1" in result.stdout  # processes load first
    # one process per core, each with 8 threads; the app is built in each, after the fork
    assert served["workers"] == (os.cpu_count() or 1)
    assert (served["worker_class"], served["threads"]) == ("gthread", 8)
    assert served["preload_app"] is False
    assert "signoff web: http://127.0.0.1:5000 (listening on 127.0.0.1:5000" in result.stderr


def test_web_processes_come_from_the_environment_or_the_option(
        cli: Invoke, served: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNOFF_WEB_PROCESSES", "3")
    result = cli("web")
    assert result.exit_code == 0, result.output
    assert served["workers"] == 3
    assert "3 processes x 8 threads" in result.stderr

    cli("web", "--processes", "2", "--threads", "1")
    assert (served["workers"], served["threads"], served["worker_class"]) == (2, 1, "sync")

    assert cli("web", "--processes", "0").exit_code == 2  # refused before anything starts


def test_web_binds_an_ipv6_address_in_brackets(cli: Invoke, served: dict) -> None:
    cli("web", "--host", "::", "--port", "8080")

    assert served["bind"] == ["[::]:8080"]


def test_web_port_comes_from_the_launcher_over_honchos_port(
        cli: Invoke, served: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "5100")  # honcho's per-role port for the second role
    monkeypatch.setenv("SIGNOFF_WEB_PORT", "8080")

    cli("web", "--host", "0.0.0.0")

    assert served["bind"] == ["0.0.0.0:8080"]


def test_web_respects_port(cli: Invoke, served: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "5731")

    cli("web")

    assert served["bind"] == ["127.0.0.1:5731"]


@pytest.fixture
def honcho(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], dict]]:
    """Replaces starting honcho; records its command line and environment."""
    calls: list[tuple[list[str], dict]] = []

    def start(argv: list[str], env: dict) -> int:
        calls.append((argv, dict(env)))
        return 0

    monkeypatch.setattr(launcher, "start", start)
    return calls


def test_run_prints_the_url_and_demo_logins_then_starts_every_role_with_honcho(
        cli: Invoke, env: Path, honcho: list, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "5731")
    assert 'Demo logins' not in cli("run").stdout  # no demo people: no published passwords
    honcho.clear()
    assert cli("db", "upgrade").exit_code == 0
    assert cli("demo", "load").exit_code == 0

    result = cli("run")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Signoff: http://127.0.0.1:5731\n")
    assert 'Demo logins (password "demo")' in result.stdout
    assert all(login.email in result.stdout for login in demo.logins())
    assert "`signoff doctor`" in result.stdout
    [(argv, role_env)] = honcho
    root = Path(cli_module.__file__).resolve().parents[2]
    assert argv == [sys.executable, "-m", "honcho", "start", "-f", str(root / "Procfile"),
                    "-d", str(root)]
    assert role_env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    assert role_env["SIGNOFF_BASE_URL"] == "http://127.0.0.1:5731"
    assert role_env["SIGNOFF_WEB_PORT"] == "5731"
    assert role_env["SIGNOFF_VAR_DIR"] == str(env / "var")


def test_run_keeps_an_explicit_base_url(cli: Invoke, honcho: list,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNOFF_BASE_URL", "https://signoff.example.com/")

    result = cli("run")

    assert result.stdout.startswith("Signoff: https://signoff.example.com\n")
    assert honcho[0][1]["SIGNOFF_BASE_URL"] == "https://signoff.example.com/"


def test_run_fails_clearly_without_a_procfile(cli: Invoke, env: Path, honcho: list,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(launcher, "ROOT", env)

    result = cli("run")

    assert result.exit_code == 1
    assert f"no Procfile at {env / 'Procfile'}" in result.stderr
    assert honcho == []


def test_procfile_names_every_role_the_launcher_starts() -> None:
    roles = dict(line.split(":", 1) for line in launcher.procfile().read_text().splitlines()
                 if line.strip())
    assert {name: command.strip() for name, command in roles.items()} == {
        "redis": "signoff redis", "web": "signoff web", "worker": "signoff worker",
        "scheduler": "signoff scheduler", "smtp": "signoff smtp"}


def test_launcher_environment_puts_this_venv_first_on_path() -> None:
    settings = Settings(var_dir=Path("/srv/var"), database_url="sqlite://", redis_url=None,
                        secret_key="k", port=5000, base_url="http://127.0.0.1:5000")

    env = launcher.environment(settings, {"PATH": "/usr/bin"})

    assert env["PATH"] == f"{Path(sys.executable).parent}{os.pathsep}/usr/bin"
    assert env["PYTHONUNBUFFERED"] == "1"


def test_the_worker_imports_every_package_whose_work_its_actors_carry():
    """The actors look their work up by name (approvals/dispatch.py); the modules `signoff
    worker` hands to Dramatiq register all of it."""
    import importlib

    from approvals import dispatch
    from signoff.cli.roles import WORK

    for module in WORK:
        importlib.import_module(module)
    for name in ("email", "inbound", "trail", "export"):
        assert callable(dispatch.work(name)), name
    assert callable(dispatch.outbox_handler("notify"))
    with pytest.raises(LookupError, match="nothing in this process carries out 'fax' work"):
        dispatch.work("fax")
