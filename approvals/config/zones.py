"""The time zone a reader sees times in: the person's own (``Person.time_zone``), else the
organisation's (``SIGNOFF_TIME_ZONE``), else UTC. A name the tz database does not know is
never an error here: it counts as unset (``signoff doctor`` reports it), so a mistyped
setting shows times in UTC rather than breaking a page or a mail.

Signed trails and the JSON API keep UTC whatever the reader's zone.
"""

from __future__ import annotations

import os
from datetime import UTC, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from approvals.store.directory import is_time_zone
from approvals.store.models import Person

#: The zones a form lists first (where the organisation's people mostly live), the rest after.
COMMON = (
    "Europe/Moscow", "Europe/Kaliningrad", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
    "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok",
    "Asia/Magadan", "Asia/Kamchatka", "Europe/Minsk", "Asia/Almaty", "Asia/Tashkent",
    "Asia/Tbilisi", "Asia/Yerevan", "Asia/Baku", "Europe/Istanbul", "Asia/Dubai",
    "Europe/London", "Europe/Berlin", "UTC",
)


def known(name: str | None) -> ZoneInfo | None:
    """The zone called ``name`` in the tz database, or None (nothing, or an unknown name)."""
    name = (name or "").strip()
    return _zone(name) if name else None


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo | None:
    return ZoneInfo(name) if is_time_zone(name) else None


def choices() -> list[str]:
    """The zones a person may pick: :data:`COMMON` first, then the rest alphabetically."""
    names = available_timezones()
    first = [name for name in COMMON if name in names]
    return first + sorted(names - set(first))


def organisation_zone_setting() -> str:
    """``SIGNOFF_TIME_ZONE`` as given (``""`` when unset)."""
    return (os.environ.get("SIGNOFF_TIME_ZONE") or "").strip()


def organisation_zone() -> tzinfo:
    """The organisation's zone: ``SIGNOFF_TIME_ZONE`` when the tz database knows it, else UTC."""
    return known(organisation_zone_setting()) or UTC


def reader_zone(person: Person | None) -> tzinfo:
    """The zone ``person`` reads times in: their own, else the organisation's, else UTC."""
    own = known(person.time_zone) if person is not None else None
    return own or organisation_zone()
