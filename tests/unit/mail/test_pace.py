"""``SMTP_MAX_PER_MINUTE``: a worker process spaces its mails evenly, whichever of its threads
sends them; without a limit nothing waits."""

from __future__ import annotations

import threading
import time

from approvals.config.mail import MailSettings
from mail.outgoing import Pace


def test_mails_are_spaced_evenly_across_threads() -> None:
    pace, started, waited = Pace(), time.monotonic(), []
    threads = [threading.Thread(target=lambda: waited.append(pace.wait(1200)))
               for _ in range(5)]  # one every 50 ms
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert time.monotonic() - started >= 0.19
    assert sorted(round(w, 2) for w in waited)[-1] >= 0.19
    assert min(waited) < 0.05


def test_no_limit_means_no_wait(monkeypatch) -> None:
    pace = Pace()
    assert [pace.wait(0) for _ in range(100)] == [0.0] * 100
    monkeypatch.setenv("SMTP_MAX_PER_MINUTE", "30")
    assert MailSettings.from_env().max_per_minute == 30
    monkeypatch.delenv("SMTP_MAX_PER_MINUTE")
    assert MailSettings.from_env().max_per_minute == 0
