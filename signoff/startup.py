"""What every long-running role does as it starts: log to stderr, and wait for Redis."""

from __future__ import annotations

import logging
import sys

import click

REDIS_WAIT = 60.0  # seconds a role waits for Redis before giving up


def wait_for_redis(role: str) -> None:
    from signoff.embedded_redis import wait_for_redis as wait
    from workers.broker import resolve_redis_url

    url = resolve_redis_url()
    click.echo(f"signoff {role}: waiting for Redis at {url}", err=True)
    try:
        wait(url, timeout=REDIS_WAIT)
    except TimeoutError as error:
        raise click.ClickException(f"{error}; is `signoff redis` running?") from None


def log_to_stderr() -> None:
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # WeasyPrint narrates every step of every trail it renders ("Step 2 - Fetching and
    # parsing CSS"): noise in a worker's log; its warnings still show.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
