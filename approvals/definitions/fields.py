"""A process file's fields: name, type, label and the checks of each."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from approvals.core import filetypes
from approvals.core.model import (
    FIELD_TYPES,
    Choice,
    FieldSpec,
    Label,
)
from approvals.definitions.reader import Map, Reader, Seq, join


def read(r: Reader, root: Map) -> tuple[FieldSpec, ...]:
    """The start form's fields (``fields:``)."""
    return read_list(r, root, "fields", "")


def read_list(r: Reader, parent: Map, key: str, at: str, stage: str | None = None,
              outcome: str | None = None,
              taken: tuple[FieldSpec, ...] = ()) -> tuple[FieldSpec, ...]:
    """A list of field declarations under ``parent[key]``: the start form's, or a task form's
    (``stage`` and ``outcome`` say who is asked); ``taken`` are names already declared."""
    nodes = parent.get(key) or Seq()
    if not isinstance(nodes, list):
        r.fail(parent, join(at, key), "expected a list of fields", key)
    result: list[FieldSpec] = []
    for i, node in enumerate(nodes):
        where = f"{join(at, key)}[{i}]"
        node = r.mapping(node, where, nodes)
        r.keys(node, where, {"name", "type", "label", "required", "min", "max", "max_length",
                             "pattern", "choices", "currency", "help", "accept"}, {"name", "type"})
        name = r.key_name(node["name"], node, join(where, "name"), "name")
        if any(f.name == name for f in (*taken, *result)):
            r.fail(node, join(where, "name"), f"field {name!r} is declared twice", "name")
        kind = node["type"]
        if kind not in FIELD_TYPES:
            r.fail(node, join(where, "type"),
                   f"unknown type {kind!r} (expected one of {', '.join(FIELD_TYPES)})", "type")
        bounds = {}
        for key in ("min", "max"):
            if key in node:
                value = node[key]
                if isinstance(value, bool) or not isinstance(value, int | float | str):
                    r.fail(node, join(where, key), "expected a number", key)
                try:
                    bounds[key] = Decimal(str(value))
                except ArithmeticError:
                    r.fail(node, join(where, key), "expected a number", key)
        choices = ()
        if kind == "choice":
            raw = node.get("choices")
            if not isinstance(raw, list) or not raw:
                r.fail(node, join(where, "choices"), "a choice field needs a list of choices")
            choices = tuple(_choice(r, c, f"{where}.choices[{j}]", raw) for j, c in
                            enumerate(raw))
        pattern = node.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                r.fail(node, join(where, "pattern"), f"not a valid pattern: {exc}", "pattern")
        accept = _accept(r, node, where, kind)
        result.append(FieldSpec(
            name=name, type=kind, label=r.label(node, "label", where, required=False)
            or Label(name, name), required=bool(node.get("required", False)),
            min=bounds.get("min"), max=bounds.get("max"),
            max_length=r.integer(node, "max_length", where, 1, 1_000_000), pattern=pattern,
            choices=choices, currency=node.get("currency"),
            help=r.label(node, "help", where, required=False), stage=stage, outcome=outcome,
            accept=accept,
        ))
    return tuple(result)


def _accept(r: Reader, node: Any, where: str, kind: str) -> tuple[str, ...]:
    """A file field's ``accept: [pdf, docx]``: extensions from the allow-list."""
    if "accept" not in node:
        return ()
    raw = node["accept"]
    if kind != "file":
        r.fail(node, join(where, "accept"), "only a file field has accept", "accept")
    if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
        r.fail(node, join(where, "accept"), "expected a list of file extensions", "accept")
    names = tuple(dict.fromkeys(x.strip().lower().lstrip(".") for x in raw))
    unknown = [x for x in names if x not in filetypes.TYPES]
    if unknown:
        r.fail(node, join(where, "accept"), f"unknown file type {unknown[0]!r} (expected some "
               f"of {', '.join(filetypes.TYPES)})", "accept")
    return names


def _choice(r: Reader, node: Any, where: str, parent: Any) -> Choice:
    if isinstance(node, str | int) and not isinstance(node, bool):
        return Choice(str(node), Label(str(node), str(node)))
    node = r.mapping(node, where, parent)
    r.keys(node, where, {"value", "label"}, {"value"})
    value = str(node["value"])
    return Choice(value, r.label(node, "label", where, required=False) or Label(value, value))


