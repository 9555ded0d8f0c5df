"""Where a process stands in the catalogue, and who may start it: ``area``, ``example`` and
``starters`` of a process file.

They change nothing of what an instance does, only who sees the process on ``/processes`` (and
in ``GET /api/processes``) and who may start it — :func:`approvals.core.policy.may_start`
answers that, from what is read here.
"""

from __future__ import annotations

from approvals.core.model import AREAS, Starters
from approvals.definitions.reader import Map, Reader, join

KEYS = {"area", "example", "starters"}


def area(r: Reader, root: Map) -> str:
    """The catalogue's area; a file without one is listed under "Other"."""
    value = root.get("area")
    if value is None:
        return ""
    if not isinstance(value, str) or value not in AREAS:
        r.fail(root, "area", f"{value!r} is not an area (expected one of "
               f"{', '.join(AREAS)})", "area")
    return value


def example(r: Reader, root: Map) -> bool:
    """A notation example: shown to administrators (marked so), started by nobody else."""
    value = root.get("example", False)
    if not isinstance(value, bool):
        r.fail(root, "example", "expected true or false", "example")
    return value


def starters(r: Reader, root: Map) -> Starters | None:
    """``starters: {roles: [...], departments: [...]}``; None when the file names none."""
    if "starters" not in root:
        return None
    node = r.mapping(root["starters"], "starters", root, "starters")
    r.keys(node, "starters", {"roles", "departments"})
    lists = {key: _names(r, node, key) for key in ("roles", "departments")}
    if not any(lists.values()):
        r.fail(root, "starters", "names nobody: give roles, departments or both (or leave "
               "starters out so that everyone may start it)", "starters")
    return Starters(roles=lists["roles"], departments=lists["departments"])


def _names(r: Reader, node: Map, key: str) -> tuple[str, ...]:
    value = node.get(key)
    if value is None:
        return ()
    where = join("starters", key)
    if not isinstance(value, list):
        r.fail(node, where, "expected a list of names", key)
    names = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            r.fail(value, f"{where}[{i}]", "expected a non-empty name", i)
        names.append(item.strip())
    return tuple(names)
