"""A process file's fields: name, type, label and the checks of each."""

from __future__ import annotations

import re
from datetime import date
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

_CODE = re.compile(r"^[A-Z]{3}$")  # ISO 4217: RUB, USD, EUR, CNY


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
                             "pattern", "choices", "currency", "help", "accept", "default",
                             "words", "computed"}, {"name", "type"})
        name = r.key_name(node["name"], node, join(where, "name"), "name")
        if any(f.name == name for f in (*taken, *result)):
            r.fail(node, join(where, "name"), f"field {name!r} is declared twice", "name")
        kind = node["type"]
        if kind not in FIELD_TYPES:
            r.fail(node, join(where, "type"),
                   f"unknown type {kind!r} (expected one of {', '.join(FIELD_TYPES)})", "type")
        bounds = {}
        for bound in ("min", "max"):  # (not `key`: that names the list being read)
            if bound in node:
                value = node[bound]
                if isinstance(value, bool) or not isinstance(value, int | float | str):
                    r.fail(node, join(where, bound), "expected a number", bound)
                try:
                    bounds[bound] = Decimal(str(value))
                except ArithmeticError:
                    r.fail(node, join(where, bound), "expected a number", bound)
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
        currency, currency_field = _currency(r, node, where, kind)
        result.append(FieldSpec(
            name=name, type=kind, label=r.label(node, "label", where, required=False)
            or Label(name, name), required=bool(node.get("required", False)),
            min=bounds.get("min"), max=bounds.get("max"),
            max_length=r.integer(node, "max_length", where, 1, 1_000_000), pattern=pattern,
            choices=choices, currency=currency, currency_field=currency_field,
            help=r.label(node, "help", where, required=False), stage=stage, outcome=outcome,
            accept=accept, default=_default(r, node, where, kind, choices),
            words=_words(r, node, where, stage), computed=_computed(r, node, where, stage),
        ))
    _currency_fields(r, nodes, at, key, (*taken, *result), result)
    return tuple(result)


def _currency(r: Reader, node: Any, where: str, kind: str) -> tuple[str | None, str | None]:
    """A money field's ``currency``: a code (``RUB``), or ``{field: currency}`` — the choice
    field whose value names it, so one form takes amounts in several currencies."""
    if "currency" not in node:
        return None, None
    raw = node["currency"]
    if kind != "money":
        r.fail(node, join(where, "currency"), "only a money field has a currency", "currency")
    if isinstance(raw, str) and _CODE.match(raw):
        return raw, None
    if isinstance(raw, dict) and set(raw) == {"field"} and isinstance(raw["field"], str):
        return None, raw["field"]
    r.fail(node, join(where, "currency"), "expected a currency code such as RUB, or {field: "
           "NAME} naming the choice field that holds it", "currency")
    raise AssertionError("unreachable")


def _currency_fields(r: Reader, nodes: Any, at: str, key: str, known: tuple[FieldSpec, ...],
                     read: list[FieldSpec]) -> None:
    """Each ``currency: {field: NAME}`` names a choice field of the process."""
    for i, spec in enumerate(read):
        if spec.currency_field is None:
            continue
        named = next((f for f in known if f.name == spec.currency_field), None)
        if named is None or named.type != "choice":
            choices = ", ".join(f.name for f in known if f.type == "choice") or "none"
            r.fail(nodes[i], join(f"{join(at, key)}[{i}]", "currency"),
                   f"{spec.currency_field!r} is not a choice field of this process (its "
                   f"choice fields: {choices})", "currency")


def _default(r: Reader, node: Any, where: str, kind: str, choices: tuple[Choice, ...]) -> Any:
    """``default:`` — what the form starts from and takes when the field is left empty: a
    choice's value, a number, a date (``2026-12-31``), text, or true/false."""
    if "default" not in node:
        return None
    raw = node["default"]
    problem = None
    if kind in ("file", "person", "people", "date_range"):
        problem = f"a {kind} field has no default"
    elif kind == "choice" and str(raw) not in [c.value for c in choices]:
        problem = (f"{raw!r} is not one of the choices "
                   f"({', '.join(c.value for c in choices)})")
    elif kind == "boolean" and not isinstance(raw, bool):
        problem = "expected true or false"
    elif kind in ("number", "money"):
        try:
            Decimal(str(raw))
        except ArithmeticError:
            problem = "expected a number"
        if isinstance(raw, bool):
            problem = "expected a number"
    elif kind == "date":
        try:
            date.fromisoformat(str(raw))
        except ValueError:
            problem = "expected a date such as 2026-12-31"
    elif kind == "text" and not isinstance(raw, str | int | float):
        problem = "expected text"
    if problem:
        r.fail(node, join(where, "default"), problem, "default")
    return raw if kind == "boolean" else str(raw)


def _computed(r: Reader, node: Any, where: str, stage: str | None) -> bool:
    """``computed: true`` — a field the process's calculators set (``compute:``) on start and
    resubmit: nobody types it, so it is not on a form, required or defaulted."""
    raw = node.get("computed", False)
    if not isinstance(raw, bool):
        r.fail(node, join(where, "computed"), "expected true or false", "computed")
    if raw and stage is not None:
        r.fail(node, join(where, "computed"), "a computed field is set by the process's "
               "calculators, not asked on a task form", "computed")
    for key in ("required", "default") if raw else ():
        if key in node:
            r.fail(node, join(where, key), f"a computed field has no {key} (its calculator "
                   "sets it)", key)
    if raw and node["type"] == "file":
        r.fail(node, join(where, "computed"), "a file field cannot be computed", "computed")
    return raw


def _words(r: Reader, node: Any, where: str, stage: str | None) -> tuple[str, ...]:
    """A task form's field: ``words: [п/п, order]`` — in an email reply, the value follows one
    of them on the answer's own line ("Оплачено 27.11.2026 п/п 123")."""
    if "words" not in node:
        return ()
    raw = node["words"]
    if stage is None:
        r.fail(node, join(where, "words"), "only a task form's field has words (they are read "
               "in an email answer)", "words")
    if not isinstance(raw, list) or not raw or not all(
            isinstance(w, str | int) and not isinstance(w, bool) and str(w).strip()
            and len(str(w).split()) == 1 for w in raw):
        r.fail(node, join(where, "words"), "expected a list of single words, e.g. [п/п, "
               "order]", "words")
    return tuple(dict.fromkeys(str(w).strip() for w in raw))


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


