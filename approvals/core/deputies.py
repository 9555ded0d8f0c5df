"""Who takes a task meant for someone away: deputies, resolved without I/O.

A person away names a deputy for a range of days; the directory answers
:meth:`~approvals.core.directory.Directory.deputy_of` for one person and one day, and this
module follows the chain. A task meant for ``person`` on ``day`` goes to:

- ``person``, when they are not away that day (nothing is routed);
- the end of their chain of deputies — the first one not away that day (Anna → Boris, Boris
  away too → Clara) — when that person is active and may take it (not in ``excluded``: the
  initiator, where the process separates duties);
- otherwise (a loop: someone met twice; an inactive end; an excluded end) the absent person's
  manager: the nearest active one up the chain who is not excluded, as the ``manager``
  assignee walks (or, when that manager is away too, the end of their own chain if it may
  take it);
- nobody at all: ``person`` after all, and the stage's own fallbacks still apply.

A routed task records ``on_behalf_of``: the person away it was meant for.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from approvals.core.directory import Directory, managers_above


@dataclass(frozen=True)
class Routed:
    """Who takes the task, and the person away it was meant for (None: not routed)."""

    assignee: int
    on_behalf_of: int | None = None


def route(directory: Directory, person: int, day: date,
          excluded: Collection[int] = ()) -> Routed:
    """Who takes a task meant for ``person`` on ``day`` (see the module's docstring)."""
    if directory.deputy_of(person, day) is None:
        return Routed(person)
    end = chain_end(directory, person, day)
    if _may_take(directory, end, excluded):
        return Routed(end, person)
    for manager in managers_above(directory, person):
        if manager in excluded:
            continue
        if directory.deputy_of(manager, day) is not None:
            end = chain_end(directory, manager, day)
            if end != person and _may_take(directory, end, excluded):
                return Routed(end, person)
        return Routed(manager, person)
    return Routed(person)


def chain_end(directory: Directory, person: int, day: date) -> int | None:
    """The first of ``person``'s chain of deputies who is not away on ``day`` (``person``
    when they are not away); None when the chain comes back to someone already in it."""
    seen = {person}
    current = person
    while (deputy := directory.deputy_of(current, day)) is not None:
        if deputy in seen:
            return None
        seen.add(deputy)
        current = deputy
    return current


def _may_take(directory: Directory, person: int | None, excluded: Collection[int]) -> bool:
    return person is not None and person not in excluded and directory.is_active(person)
