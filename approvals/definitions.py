"""Process files: YAML read and checked into the immutable :mod:`approvals.core.model`.

Two notations, one mechanism (see the model). A sequential file is compiled here into a linear
status machine.

Every error names the file, the line and the field: ``contract.yaml:14: stages[1].rule: ...``.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from approvals import extensions
from approvals.core.errors import DefinitionError
from approvals.core.model import (
    FIELD_TYPES,
    RESTART_MODES,
    RESUBMIT,
    REVISION,
    RULES,
    SEND_BACK,
    VERDICTS,
    Action,
    Assignee,
    Choice,
    Condition,
    FieldSpec,
    Label,
    Named,
    Process,
    Revision,
    Rule,
    Status,
)

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_PROCESS_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
_CONDITION = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(==|!=|>=|<=|>|<|in)\s*(.+?)\s*$")


# ---------------------------------------------------------------------------- YAML with lines


class _Map(dict):
    line: int = 0
    key_lines: dict
    duplicates: dict


class _Seq(list):
    line: int = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    pass


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    result = _Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.duplicates = {}  # key -> line of its second occurrence (a merged << key may repeat)
    own = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
    seen = set()
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "found an unhashable key",
                key_node.start_mark) from None
        if id(key_node) in own:
            if key in seen:
                result.duplicates.setdefault(key, key_node.start_mark.line + 1)
            seen.add(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    result = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


class _Reader:
    """Reads a parsed YAML tree, raising :class:`DefinitionError` with file and line."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, node: Any, where: str, problem: str, key: str | int | None = None) -> None:
        line = getattr(node, "line", None)
        if key is not None and isinstance(node, _Map):
            line = node.key_lines.get(key, line)
        elif isinstance(key, int) and isinstance(node, _Seq) and key < len(node.item_lines):
            line = node.item_lines[key]
        raise DefinitionError(self.path, line, where, problem)

    def mapping(self, node: Any, where: str, parent: Any = None, key: str | None = None) -> _Map:
        if not isinstance(node, dict):
            self.fail(parent if parent is not None else node, where, "expected a mapping", key)
        return node

    def keys(self, node: _Map, where: str, allowed: set[str], required: set[str] = frozenset()):
        for key in node:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.fail(node, _join(where, str(key)), f"unknown key (expected one of {known})",
                          key)
        for key in sorted(required - set(node)):
            self.fail(node, _join(where, key), "is required")

    def label(self, node: _Map, key: str, where: str, required: bool = True) -> Label | None:
        value = node.get(key)
        if value is None:
            if required:
                self.fail(node, _join(where, key), "is required")
            return None
        if isinstance(value, str) and value.strip():
            return Label(value, value)
        if isinstance(value, dict) and set(value) <= {"en", "ru"} and value:
            en, ru = value.get("en") or value.get("ru"), value.get("ru") or value.get("en")
            if isinstance(en, str) and isinstance(ru, str):
                return Label(en, ru)
        self.fail(node, _join(where, key), "expected a text or {en: ..., ru: ...}", key)
        return None

    def key_name(self, value: Any, node: Any, where: str, key: str | None = None) -> str:
        if not isinstance(value, str) or not _KEY.match(value):
            self.fail(node, where, f"{value!r} is not a valid name (lowercase letters, digits "
                      "and _ , starting with a letter)", key)
        return value

    def integer(self, node: _Map, key: str, where: str, low: int, high: int) -> int | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(node, _join(where, key), f"expected a whole number from {low} to {high}",
                      key)
        return value


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _no_duplicates(r: _Reader, node: Any, where: str) -> None:
    """Refuse a key given twice in one mapping: YAML would silently keep only the last."""
    if isinstance(node, _Map):
        for key, line in node.duplicates.items():
            raise DefinitionError(r.path, line, _join(where, str(key)), "is given twice")
        for key, value in node.items():
            _no_duplicates(r, value, _join(where, str(key)))
    elif isinstance(node, _Seq):
        for i, item in enumerate(node):
            _no_duplicates(r, item, f"{where}[{i}]")


# ---------------------------------------------------------------------------- parsing


def load_file(path: str | Path) -> Process:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(str(path), None, "", f"cannot read the file: {exc}") from exc
    return load_text(text, str(path))


def load_text(text: str, path: str = "<process>") -> Process:
    try:
        tree = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise DefinitionError(path, mark.line + 1 if mark else None, "",
                              f"not valid YAML: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise DefinitionError(path, None, "", f"not valid YAML: {exc}") from exc
    r = _Reader(path)
    root = r.mapping(tree, "")
    _no_duplicates(r, root, "")
    notation = root.get("notation", "sequential")
    common = {"id", "name", "description", "notation", "fields", "revision", "watchers",
              "validate"}
    if notation == "sequential":
        r.keys(root, "", common | {"stages", "on_complete"}, {"id", "name", "stages"})
    elif notation == "statuses":
        r.keys(root, "", common | {"statuses", "initial"}, {"id", "name", "statuses", "initial"})
    else:
        r.fail(root, "notation", "expected 'sequential' or 'statuses'", "notation")
    process_id = root["id"]
    if not isinstance(process_id, str) or not _PROCESS_ID.match(process_id):
        r.fail(root, "id", f"{process_id!r} is not a valid process id (lowercase letters, "
               "digits, - and _)", "id")
    fields = _fields(r, root)
    field_names = {f.name: f for f in fields}
    revision = _revision(r, root, field_names)
    watchers = _watchers(r, root, field_names)
    validators = _validators(r, root)
    if notation == "sequential":
        statuses, initial = _sequential(r, root, field_names)
    else:
        statuses, initial = _status_machine(r, root, field_names)
    statuses = (*statuses, Status(REVISION, Label("Revision", "Доработка"),
                                  transitions=((RESUBMIT, initial),)))
    return Process(
        id=process_id,
        name=r.label(root, "name", ""),
        notation=notation,
        fields=fields,
        statuses=statuses,
        initial=initial,
        revision=revision,
        description=r.label(root, "description", "", required=False),
        watchers=watchers,
        validators=validators,
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source_path=path,
    )


def _fields(r: _Reader, root: _Map) -> tuple[FieldSpec, ...]:
    nodes = root.get("fields") or _Seq()
    if not isinstance(nodes, list):
        r.fail(root, "fields", "expected a list of fields", "fields")
    result: list[FieldSpec] = []
    for i, node in enumerate(nodes):
        where = f"fields[{i}]"
        node = r.mapping(node, where, nodes)
        r.keys(node, where, {"name", "type", "label", "required", "min", "max", "max_length",
                             "pattern", "choices", "currency", "help"}, {"name", "type"})
        name = r.key_name(node["name"], node, _join(where, "name"), "name")
        if any(f.name == name for f in result):
            r.fail(node, _join(where, "name"), f"field {name!r} is declared twice", "name")
        kind = node["type"]
        if kind not in FIELD_TYPES:
            r.fail(node, _join(where, "type"),
                   f"unknown type {kind!r} (expected one of {', '.join(FIELD_TYPES)})", "type")
        bounds = {}
        for key in ("min", "max"):
            if key in node:
                value = node[key]
                if isinstance(value, bool) or not isinstance(value, int | float | str):
                    r.fail(node, _join(where, key), "expected a number", key)
                try:
                    bounds[key] = Decimal(str(value))
                except ArithmeticError:
                    r.fail(node, _join(where, key), "expected a number", key)
        choices = ()
        if kind == "choice":
            raw = node.get("choices")
            if not isinstance(raw, list) or not raw:
                r.fail(node, _join(where, "choices"), "a choice field needs a list of choices")
            choices = tuple(_choice(r, c, f"{where}.choices[{j}]", raw) for j, c in
                            enumerate(raw))
        pattern = node.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                r.fail(node, _join(where, "pattern"), f"not a valid pattern: {exc}", "pattern")
        result.append(FieldSpec(
            name=name, type=kind, label=r.label(node, "label", where, required=False)
            or Label(name, name), required=bool(node.get("required", False)),
            min=bounds.get("min"), max=bounds.get("max"),
            max_length=r.integer(node, "max_length", where, 1, 1_000_000), pattern=pattern,
            choices=choices, currency=node.get("currency"),
            help=r.label(node, "help", where, required=False),
        ))
    return tuple(result)


def _choice(r: _Reader, node: Any, where: str, parent: Any) -> Choice:
    if isinstance(node, str | int) and not isinstance(node, bool):
        return Choice(str(node), Label(str(node), str(node)))
    node = r.mapping(node, where, parent)
    r.keys(node, where, {"value", "label"}, {"value"})
    value = str(node["value"])
    return Choice(value, r.label(node, "label", where, required=False) or Label(value, value))


def _assignees(r: _Reader, node: _Map, where: str, fields: dict, key: str = "assignees"):
    raw = node.get(key)
    if raw is None:
        r.fail(node, _join(where, key), "is required")
    items = raw if isinstance(raw, list) else [raw]
    return tuple(_assignee(r, item, f"{_join(where, key)}[{i}]", node, fields, key)
                 for i, item in enumerate(items))


def _watchers(r: _Reader, root: _Map, fields: dict) -> tuple[Assignee, ...]:
    """Who receives the signed trail besides the initiator (a company lawyer, say): the same
    forms as a stage's assignees, resolved when the trail is issued. Optional; a watcher listed
    twice is refused, since it is almost always a copy-paste slip."""
    if root.get("watchers") is None:
        return ()
    watchers = _assignees(r, root, "", fields, "watchers")
    raw = root["watchers"]
    items = raw if isinstance(raw, list) else [raw]
    for i, (watcher, item) in enumerate(zip(watchers, items, strict=True)):
        if watcher in watchers[:i]:
            r.fail(item if isinstance(item, dict) else root, f"watchers[{i}]",
                   "this watcher is listed twice", "watchers")
    return watchers


def _validators(r: _Reader, root: _Map) -> tuple[Named, ...]:
    """``validate: [accounting.inn, {hr.period_ahead: {field: dates}}]``: checks a package
    registered (:mod:`approvals.extensions`), run on start and resubmit."""
    raw = root.get("validate")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        r.fail(root, "validate", "expected a list of validator names", "validate")
    result = []
    for i, item in enumerate(raw):
        at = f"validate[{i}]"
        params: dict = {}
        if isinstance(item, dict):
            if len(item) != 1:
                r.fail(item, at, "expected one validator name with its parameters")
            name, params = next(iter(item.items()))
            params = r.mapping(params if params is not None else {}, at, item, name)
        else:
            name = item
        _registered(r, extensions.validators(), "validator", name, raw, at, i)
        if name in (v.name for v in result):
            r.fail(raw, at, f"the validator {name!r} is named twice", i)
        result.append(Named(name, tuple(sorted(params.items())), raw.item_lines[i]))
    return tuple(result)


def _registered(r: _Reader, known, kind: str, name: Any, node: Any, where: str,
                key: str | int) -> None:
    if name not in known:
        names = ", ".join(sorted(known)) or "none is registered"
        r.fail(node, where, f"unknown {kind} {name!r} (known: {names})", key)


def _assignee(r: _Reader, item: Any, where: str, parent: _Map, fields: dict, key: str):
    if item in ("initiator", "manager"):
        return Assignee(item)
    if isinstance(item, dict) and len(item) == 1:
        kind, value = next(iter(item.items()))
        if kind in ("person", "role", "field") and isinstance(value, str) and value:
            if kind == "field":
                spec = fields.get(value)
                if spec is None or spec.type not in ("person", "people"):
                    r.fail(item, where, f"{value!r} is not a person or people field of this "
                           "process")
            return Assignee(kind, value.strip().lower() if kind == "person" else value)
    r.fail(item if isinstance(item, dict) else parent, where,
           "expected initiator, manager, {person: EMAIL}, {role: NAME} or {field: NAME}", key)
    return Assignee("initiator")


def _rule(r: _Reader, node: _Map, where: str) -> Rule:
    raw = node.get("rule", "all")
    if isinstance(raw, str):
        if raw not in RULES or raw == "quorum":
            r.fail(node, _join(where, "rule"), f"unknown rule {raw!r} (expected all, sequence, "
                   "any, or {quorum: COUNT} / {quorum: 'PERCENT%'})", "rule")
        return Rule(raw)
    if isinstance(raw, dict) and set(raw) == {"quorum"}:
        value = raw["quorum"]
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return Rule("quorum", count=value)
        if isinstance(value, str) and re.fullmatch(r"\d{1,3}%", value.strip()):
            percent = int(value.strip()[:-1])
            if 1 <= percent <= 100:
                return Rule("quorum", percent=percent)
    r.fail(node, _join(where, "rule"), "quorum must be a count (>= 1) or a percentage such as "
           "'50%'", "rule")
    return Rule()


def _condition(r: _Reader, node: _Map, where: str, fields: dict) -> Condition | None:
    text = node.get("when")
    if text is None:
        return None
    match = _CONDITION.match(text) if isinstance(text, str) else None
    if not match:
        r.fail(node, _join(where, "when"), "expected 'FIELD OP VALUE' with OP one of "
               "== != > >= < <= in", "when")
    name, op, literal = match.groups()
    spec = fields.get(name)
    if spec is None:
        r.fail(node, _join(where, "when"), f"unknown field {name!r}", "when")
    # A form stores text, choice and person values as text: read the literal as text too, so
    # that `priority == 1` or `code == 007` compare with "1" and "007".
    textual = spec.type in ("text", "choice", "person")
    value = yaml.load(literal, Loader=yaml.BaseLoader if textual else yaml.SafeLoader)  # noqa: S506
    if op == "in" and not isinstance(value, list):
        r.fail(node, _join(where, "when"), "'in' needs a list such as [a, b]", "when")
    if op in (">", ">=", "<", "<=") and spec.type not in ("number", "money", "date"):
        r.fail(node, _join(where, "when"), f"cannot compare a {spec.type} field with {op}",
               "when")
    return Condition(name, op, value, text)


def _actions(r: _Reader, node: _Map, key: str, where: str, fields: dict) -> tuple[Action, ...]:
    raw = node.get(key) or []
    if not isinstance(raw, list):
        r.fail(node, _join(where, key), "expected a list of actions", key)
    result = []
    for i, item in enumerate(raw):
        at = f"{where}.{key}[{i}]" if where else f"{key}[{i}]"
        item = r.mapping(item, at, raw)
        if "notify" in item:
            r.keys(item, at, {"notify", "message"})
            who = _assignee(r, item["notify"], _join(at, "notify"), item, fields, "notify")
            result.append(Action("notify", assignee=who,
                                 message=r.label(item, "message", at, required=False)))
        elif "set" in item:
            r.keys(item, at, {"set"})
            values = r.mapping(item["set"], _join(at, "set"), item, "set")
            result.append(Action("set", values=tuple(sorted(values.items()))))
        elif "effect" in item:
            r.keys(item, at, {"effect", "with"})
            _registered(r, extensions.effects(), "effect", item["effect"], item,
                        _join(at, "effect"), "effect")
            params = r.mapping(item.get("with") or {}, _join(at, "with"), item, "with")
            result.append(Action("effect", values=tuple(sorted(params.items())),
                                 name=item["effect"]))
        else:
            r.fail(item, at, "expected {notify: ...}, {set: {...}} or {effect: NAME}")
    return tuple(result)


def _restart(r: _Reader, node: _Map, where: str) -> str | None:
    value = node.get("restart")
    if value is not None and value not in RESTART_MODES:
        r.fail(node, _join(where, "restart"), "expected 'first' or 'same'", "restart")
    return value


def _revision(r: _Reader, root: _Map, fields: dict) -> Revision:
    node = root.get("revision")
    if node is None:
        return Revision()
    node = r.mapping(node, "revision", root, "revision")
    r.keys(node, "revision", {"assignee", "restart"})
    assignee = Assignee("initiator")
    if "assignee" in node:
        assignee = _assignee(r, node["assignee"], "revision.assignee", node, fields, "assignee")
    return Revision(assignee, _restart(r, node, "revision") or "first")


def _verdicts(r: _Reader, node: _Map, where: str) -> tuple[str, ...]:
    raw = node.get("verdicts", ["approve", SEND_BACK])
    if not isinstance(raw, list) or not raw:
        r.fail(node, _join(where, "verdicts"), "expected a list of verdicts", "verdicts")
    for verdict in raw:
        if verdict not in VERDICTS:
            r.fail(node, _join(where, "verdicts"),
                   f"unknown verdict {verdict!r} (expected {', '.join(VERDICTS)})", "verdicts")
    if all(v == SEND_BACK for v in raw):
        r.fail(node, _join(where, "verdicts"), "a stage needs at least one verdict that "
               "completes it", "verdicts")
    return tuple(raw)


_STAGE_KEYS = {"key", "name", "assignees", "rule", "verdicts", "when", "deadline_days",
               "restart", "on_enter"}


def _sequential(r: _Reader, root: _Map, fields: dict) -> tuple[list[Status], str]:
    nodes = root["stages"]
    if not isinstance(nodes, list) or not nodes:
        r.fail(root, "stages", "expected a non-empty list of stages", "stages")
    keys = []
    for i, node in enumerate(nodes):
        node = r.mapping(node, f"stages[{i}]", nodes)
        r.keys(node, f"stages[{i}]", _STAGE_KEYS, {"key", "name", "assignees"})
        key = r.key_name(node["key"], node, f"stages[{i}].key", "key")
        if key in keys or key in (REVISION, "completed"):
            r.fail(node, f"stages[{i}].key", f"stage key {key!r} is used twice or reserved",
                   "key")
        keys.append(key)
    statuses = []
    for i, node in enumerate(nodes):
        where = f"stages[{i}]"
        following = keys[i + 1] if i + 1 < len(keys) else "completed"
        verdicts = _verdicts(r, node, where)
        transitions = tuple((v, REVISION if v == SEND_BACK else following) for v in verdicts)
        statuses.append(_status(r, node, where, keys[i], transitions, fields))
    final = Status("completed", Label("Completed", "Завершено"), final=True,
                   on_enter=_actions(r, root, "on_complete", "", fields))
    return [*statuses, final], keys[0]


def _status(r, node, where, key, transitions, fields) -> Status:
    return Status(
        key=key, name=r.label(node, "name", where), assignees=_assignees(r, node, where, fields),
        rule=_rule(r, node, where), transitions=transitions,
        when=_condition(r, node, where, fields),
        deadline_days=r.integer(node, "deadline_days", where, 1, 365),
        restart=_restart(r, node, where),
        on_enter=_actions(r, node, "on_enter", where, fields), line=node.line,
    )


def _status_machine(r: _Reader, root: _Map, fields: dict) -> tuple[list[Status], str]:
    nodes = r.mapping(root["statuses"], "statuses", root, "statuses")
    if not nodes:
        r.fail(root, "statuses", "expected at least one status", "statuses")
    for key in nodes:
        r.key_name(key, nodes, f"statuses.{key}", key)
        if key == REVISION:
            r.fail(nodes, f"statuses.{key}", "'revision' is built in; send_back leads there",
                   key)
    statuses = []
    for key, node in nodes.items():
        where = f"statuses.{key}"
        node = r.mapping(node, where, nodes, key)
        if node.get("final"):
            r.keys(node, where, {"name", "final", "on_enter"}, {"name"})
            statuses.append(Status(key, r.label(node, "name", where), final=True,
                                   on_enter=_actions(r, node, "on_enter", where, fields),
                                   line=node.line))
            continue
        r.keys(node, where, (_STAGE_KEYS - {"key", "verdicts"}) | {"transitions"},
               {"name", "assignees", "transitions"})
        raw = r.mapping(node["transitions"], _join(where, "transitions"), node, "transitions")
        transitions = []
        for verdict, target in raw.items():
            at = f"{where}.transitions.{verdict}"
            if verdict not in VERDICTS:
                r.fail(raw, at, f"unknown verdict {verdict!r} (expected {', '.join(VERDICTS)})",
                       verdict)
            if verdict == SEND_BACK and target != REVISION:
                r.fail(raw, at, "send_back always leads to 'revision'", verdict)
            if target != REVISION and target not in nodes:
                r.fail(raw, at, f"unknown status {target!r}", verdict)
            transitions.append((verdict, target))
        if all(v == SEND_BACK for v, _ in transitions):
            r.fail(node, _join(where, "transitions"), "a status needs at least one verdict that "
                   "completes it", "transitions")
        statuses.append(_status(r, node, where, key, tuple(transitions), fields))
    initial = root["initial"]
    if initial not in nodes or nodes[initial].get("final"):
        r.fail(root, "initial", f"{initial!r} is not a working status of this process",
               "initial")
    if not any(s.final for s in statuses):
        r.fail(root, "statuses", "no status is final: the process could never complete",
               "statuses")
    return statuses, initial
