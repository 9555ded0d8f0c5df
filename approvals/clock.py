"""The clock of the adapters: an aware UTC time (the database stores and returns UTC).

The engine and the service never read it: every command takes ``now``, so tests move time.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
