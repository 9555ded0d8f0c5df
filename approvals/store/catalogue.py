"""The process catalogue as one person sees it: the processes they may start, by area.

Who may start what is :func:`approvals.core.policy.refusal_to_start`'s answer; this module
reads what it needs (the person's roles and department) and applies it the same way to the
page, to ``GET /api/processes`` and to the start itself (:func:`require_starter`, which
:func:`approvals.service.start` calls inside its transaction), so that hiding a process and
refusing to start it can never disagree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection
from sqlmodel import Session

from approvals.core.errors import ExampleProcess, NotAStarter
from approvals.core.model import AREAS, Process
from approvals.core.policy import Actor, refusal_to_start
from approvals.store import registry
from approvals.store.directory import DbDirectory, roles_of

OTHER = "other"  # the heading of the processes whose file names no area
_REFUSALS = {"example_process": ExampleProcess, "not_a_starter": NotAStarter}


def refusal(connection: Session | Connection, process: Process, person_id: int) -> str | None:
    """Why the person may not start ``process`` (a code of :func:`refusal_to_start`), or None.
    Reads nothing for a process everyone may start."""
    if not process.example and process.starters is None:
        return None
    return _refusal(connection, process, person_id)


def _refusal(connection: Session | Connection, process: Process, person_id: int,
             seen: dict[str, Any] | None = None) -> str | None:
    seen = seen if seen is not None else {}
    if "actor" not in seen:
        seen["actor"] = Actor.of(person_id, roles_of(connection, person_id))
        seen["department"] = DbDirectory(connection).department_of(person_id)
    return refusal_to_start(seen["actor"], process, department=seen["department"])


def require_starter(connection: Session | Connection, process: Process,
                    person_id: int) -> None:
    """Refuse (403) a person who may not start ``process``."""
    code = refusal(connection, process, person_id)
    if code is not None:
        raise _REFUSALS[code](
            f"you may not start the process {process.id!r}: " + (
                "it is an example of the process language" if code == "example_process"
                else "it is started only by the roles or departments its file names"),
            process=process.id)


def startable(session: Session, person_id: int, locale: str, query: str = ""
              ) -> list[dict[str, Any]]:
    """The latest version of each process the person may start (administrators: every
    process, examples marked), in the order of their names in ``locale``; ``query`` keeps
    those whose name or description in ``locale`` holds it (letter case and ё aside)."""
    seen: dict[str, Any] = {}
    wanted = _folded(query)
    items = []
    for row in registry.latest_versions(session):
        process = registry.definition(row)
        if (process.example or process.starters is not None) and _refusal(
                session, process, person_id, seen) is not None:
            continue
        name = process.name.get(locale)
        description = process.description.get(locale) if process.description else ""
        if wanted and wanted not in _folded(name) and wanted not in _folded(description):
            continue
        items.append({"id": process.id, "version": row.version, "name": name,
                      "description": description, "area": process.area or OTHER,
                      "example": process.example})
    return sorted(items, key=lambda item: (_folded(item["name"]), item["id"]))


def by_area(items: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """``items`` grouped by area, in the order of :data:`AREAS` and "other" last; empty areas
    left out."""
    return [(area, group) for area in (*AREAS, OTHER)
            if (group := [item for item in items if item["area"] == area])]


def _folded(text: str) -> str:
    return " ".join((text or "").casefold().replace("ё", "е").split())
