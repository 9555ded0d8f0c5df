"""What happens in a process file: its stages (or statuses and transitions), who is assigned,
the rule that completes a stage, conditions, deadlines, actions and effects on entering a status,
the revision, the watchers, and the validators it names."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from approvals import extensions
from approvals.core import conditions, templates
from approvals.core.errors import DefinitionError
from approvals.core.model import (
    DEADLINE_ACTIONS,
    RESTART_MODES,
    RESUBMIT,
    REVISION,
    RULES,
    SEND_BACK,
    VERDICTS,
    Action,
    Assignee,
    Condition,
    Deadline,
    FieldSpec,
    Label,
    Named,
    OutcomeSpec,
    Revision,
    Rule,
    Status,
)
from approvals.definitions.fields import read_list
from approvals.definitions.reader import Map, Reader, Seq, join


def _assignees(r: Reader, node: Map, where: str, fields: dict, key: str = "assignees"):
    raw = node.get(key)
    if raw is None:
        r.fail(node, join(where, key), "is required")
    items = raw if isinstance(raw, list) else [raw]
    return tuple(_assignee(r, item, f"{join(where, key)}[{i}]", node, fields, key)
                 for i, item in enumerate(items))


def watchers(r: Reader, root: Map, fields: dict) -> tuple[Assignee, ...]:
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


def validators(r: Reader, root: Map, fields: dict | None = None) -> tuple[Named, ...]:
    """``validate: [accounting.inn, {hr.period_ahead: {field: dates}}]``: checks a package
    registered (:mod:`approvals.extensions`), run on start and resubmit; the parameters are
    checked against ``fields`` when the package says how."""
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
        problem = extensions.params_problem(name, params, fields or {})
        if problem:
            r.fail(raw, at, problem, i)
        result.append(Named(name, tuple(sorted(params.items())), raw.item_lines[i]))
    return tuple(result)


def calculators(r: Reader, root: Map, fields: dict) -> tuple[Named, ...]:
    """``compute: [hr.per_diem]``: calculators a package registered
    (:func:`approvals.extensions.calculator`), run on start and resubmit after the validators
    to set the fields declared ``computed: true``. A computed field needs a calculator, and a
    calculator something to compute."""
    raw = root.get("compute")
    computed = [name for name, spec in fields.items() if spec.computed]
    if raw is None:
        if computed:
            r.fail(root, "fields", f"{computed[0]!r} is computed, but the process names no "
                   "calculator (compute: [NAME])", "fields")
        return ()
    if not isinstance(raw, list) or not raw:
        r.fail(root, "compute", "expected a list of calculator names", "compute")
    if not computed:
        r.fail(root, "compute", "no field is declared computed: true", "compute")
    result = []
    for i, name in enumerate(raw):
        at = f"compute[{i}]"
        _registered(r, extensions.calculators(), "calculator", name, raw, at, i)
        if name in (c.name for c in result):
            r.fail(raw, at, f"the calculator {name!r} is named twice", i)
        result.append(Named(name, (), raw.item_lines[i]))
    return tuple(result)


def _registered(r: Reader, known, kind: str, name: Any, node: Any, where: str,
                key: str | int) -> None:
    if name not in known:
        names = ", ".join(sorted(known)) or "none is registered"
        r.fail(node, where, f"unknown {kind} {name!r} (known: {names})", key)


ASSIGNEE_FORMS = ("initiator, manager, department_head, {person: EMAIL}, {role: NAME}, "
                  "{field: NAME}, {department: NAME}, {department: {field: NAME}}, "
                  "{department_head: NAME}, {department_head: {field: NAME}}, "
                  "{manager_of: {field: NAME}}, {managers: LEVELS}, {managers: all}, "
                  "{decided: STAGE}")


def _assignee(r: Reader, item: Any, where: str, parent: Map, fields: dict, key: str):
    if item in ("initiator", "manager", "department_head"):
        return Assignee(item)
    if isinstance(item, dict) and len(item) == 1:
        kind, value = next(iter(item.items()))
        if kind in ("person", "role", "field", "decided") and isinstance(value, str) and value:
            if kind == "field":  # or a text field of addresses (its pattern asks for an @):
                # one the directory may not have yet, the newcomer a hiring creates
                spec = fields.get(value)
                address = spec is not None and spec.type == "text" and "@" in (spec.pattern
                                                                              or "")
                if not address:
                    _field_of(r, item, where, fields, value, ("person", "people"))
            return Assignee(kind, value.strip().lower() if kind == "person" else value)
        if kind in ("department", "department_head") and isinstance(value, str) \
                and value.strip():
            return Assignee(kind, value.strip())
        if kind in ("department", "manager_of", "department_head") and isinstance(value, dict) \
                and set(value) == {"field"} and isinstance(value["field"], str):
            types = ("choice", "text") if kind == "department" else ("person",)
            _field_of(r, item, where, fields, value["field"], types)
            return Assignee(kind, field=value["field"])
        if kind == "managers" and value == "all":  # every active manager up the chain
            return Assignee(kind, value="all")
        if kind == "managers":
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10:
                r.fail(item, where, "managers: expected how many levels up, 1 to 10, or all")
            return Assignee(kind, levels=value)
    r.fail(item if isinstance(item, dict) else parent, where, f"expected {ASSIGNEE_FORMS}", key)
    return Assignee("initiator")


def _field_of(r: Reader, item: Any, where: str, fields: dict, name: str,
              types: tuple[str, ...]) -> None:
    spec = fields.get(name)
    if spec is None or spec.type not in types:
        r.fail(item, where, f"{name!r} is not a {' or '.join(types)} field of this process")


def check_decided(r: Reader, statuses: list[Status]) -> None:
    """``{decided: STAGE}`` must name a working stage of the same process."""
    working = {s.key for s in statuses if not s.final}
    for status in statuses:
        for spec in (*status.assignees, *status.fallback):
            if spec.kind == "decided" and spec.value not in working:
                raise DefinitionError(r.path, status.line, f"{status.key}.assignees",
                                      f"decided: {spec.value!r} is not a stage of this "
                                      f"process (its stages: {', '.join(sorted(working))})")


def _rule(r: Reader, node: Map, where: str) -> Rule:
    raw = node.get("rule", "all")
    if isinstance(raw, str):
        if raw not in RULES or raw == "quorum":
            r.fail(node, join(where, "rule"), f"unknown rule {raw!r} (expected all, sequence, "
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
    r.fail(node, join(where, "rule"), "quorum must be a count (>= 1) or a percentage such as "
           "'50%'", "rule")
    return Rule()


def _condition(r: Reader, node: Map, where: str, fields: dict) -> Condition | None:
    text = node.get("when")
    if text is None:
        return None
    try:
        return Condition(text, conditions.parse(text, fields))
    except conditions.ConditionError as problem:
        r.fail(node, join(where, "when"), str(problem), "when")
        raise  # r.fail always raises


def _actions(r: Reader, node: Map, key: str, where: str, fields: dict) -> tuple[Action, ...]:
    raw = node.get(key) or []
    if not isinstance(raw, list):
        r.fail(node, join(where, key), "expected a list of actions", key)
    result = []
    for i, item in enumerate(raw):
        at = f"{where}.{key}[{i}]" if where else f"{key}[{i}]"
        item = r.mapping(item, at, raw)
        if "notify" in item:
            r.keys(item, at, {"notify", "message", "when"})
            who = _assignee(r, item["notify"], join(at, "notify"), item, fields, "notify")
            message = r.label(item, "message", at, required=False)
            if message is not None:
                template(r, item, "message", at, message, fields)
            result.append(Action("notify", assignee=who, message=message,
                                 when=_condition(r, item, at, fields)))
        elif "set" in item:
            r.keys(item, at, {"set", "when"})
            values = r.mapping(item["set"], join(at, "set"), item, "set")
            result.append(Action("set", values=tuple(sorted(values.items())),
                                 when=_condition(r, item, at, fields)))
        elif "effect" in item:
            r.keys(item, at, {"effect", "with", "when"})
            _registered(r, extensions.effects(), "effect", item["effect"], item,
                        join(at, "effect"), "effect")
            params = r.mapping(item.get("with") or {}, join(at, "with"), item, "with")
            result.append(Action("effect", values=tuple(sorted(params.items())),
                                 name=item["effect"], when=_condition(r, item, at, fields)))
        else:
            r.fail(item, at, "expected {notify: ...}, {set: {...}} or {effect: NAME}")
    return tuple(result)


def template(r: Reader, node: Map, key: str, where: str, label: Label, fields: dict) -> None:
    """Refuse a template (a title, a message) naming what the process does not have."""
    for text in dict.fromkeys((label.en, label.ru)):
        try:
            templates.check(text, fields)
        except templates.TemplateError as problem:
            r.fail(node, join(where, key), str(problem), key)


def title(r: Reader, root: Map, fields: dict) -> Label | None:
    """``title: {en: "Leave: {{ initiator.name }}, {{ fields.period }}", ru: ...}``."""
    label = r.label(root, "title", "", required=False)
    if label is not None:
        template(r, root, "title", "", label, fields)
    return label


def _restart(r: Reader, node: Map, where: str) -> str | None:
    value = node.get("restart")
    if value is not None and value not in RESTART_MODES:
        r.fail(node, join(where, "restart"), "expected 'first' or 'same'", "restart")
    return value


def revision(r: Reader, root: Map, fields: dict) -> Revision:
    node = root.get("revision")
    if node is None:
        return Revision()
    node = r.mapping(node, "revision", root, "revision")
    r.keys(node, "revision", {"assignee", "restart", "attachments"})
    assignee = Assignee("initiator")
    if "assignee" in node:
        assignee = _assignee(r, node["assignee"], "revision.assignee", node, fields, "assignee")
    attachments = node.get("attachments")
    if attachments is not None and (attachments not in fields
                                    or fields[attachments].type != "file"):
        files = ", ".join(name for name, spec in fields.items() if spec.type == "file")
        r.fail(node, "revision.attachments", f"{attachments!r} is not a file field of this "
               f"process (its file fields: {files or 'none'})", "attachments")
    return Revision(assignee, _restart(r, node, "revision") or "first", attachments)


def _verdicts(r: Reader, node: Map, where: str) -> tuple[str, ...]:
    raw = node.get("verdicts", ["approve", SEND_BACK])
    if not isinstance(raw, list) or not raw:
        r.fail(node, join(where, "verdicts"), "expected a list of verdicts", "verdicts")
    for verdict in raw:
        if verdict not in VERDICTS:
            r.fail(node, join(where, "verdicts"),
                   f"unknown verdict {verdict!r} (expected {', '.join(VERDICTS)})", "verdicts")
    if all(v == SEND_BACK for v in raw):
        r.fail(node, join(where, "verdicts"), "a stage needs at least one verdict that "
               "completes it", "verdicts")
    return tuple(raw)


_STAGE_KEYS = {"key", "name", "assignees", "rule", "verdicts", "outcomes", "when",
               "deadline_days", "deadline", "restart", "on_enter", "form", "branches", "join",
               "fallback"}
_BRANCH_KEYS = {"key", "name", "assignees", "rule", "verdicts", "when", "deadline_days",
                "deadline", "form", "fallback"}
_OUTCOME_KEYS = {"label", "words", "comment", "to", "form"}
MAX_OUTCOME, MAX_OUTCOMES_TEXT = 40, 199  # what a task's verdict columns hold
SAME, NEXT = "same", "next"  # where an outcome may lead besides a stage, an ending, revision


def _outcomes(r: Reader, node: Map, where: str, own: str, following: str | None,
              targets: set[str]) -> tuple[tuple[tuple[str, str], ...], tuple[OutcomeSpec, ...]]:
    """A stage's ``outcomes:``: each a built-in verdict (``approve: {}``) or the process's own
    (``callback: {label: ..., words: [...], comment: required, to: same}``), and where it
    leads: ``next`` (a sequential file's default), ``same`` (the stage again), ``revision``, a
    stage or status, or an ending."""
    raw = r.mapping(node["outcomes"], join(where, "outcomes"), node, "outcomes")
    if not raw:
        r.fail(node, join(where, "outcomes"), "expected at least one outcome", "outcomes")
    transitions, specs = [], []
    for key, spec in raw.items():
        at = f"{where}.outcomes.{key}"
        r.key_name(key, raw, at, key)
        if key == RESUBMIT:
            r.fail(raw, at, "'resubmit' is the revision's own answer", key)
        if len(key) > MAX_OUTCOME:
            r.fail(raw, at, f"an outcome's name has at most {MAX_OUTCOME} characters", key)
        if spec is None:  # `approve:` with nothing after it: the built-in as it is
            spec = Map()
            spec.line, spec.key_lines, spec.duplicates = raw.key_lines.get(key), {}, {}
        spec = r.mapping(spec, at, raw, key)
        r.keys(spec, at, _OUTCOME_KEYS)
        builtin = key in VERDICTS
        label = r.label(spec, "label", at, required=not builtin)
        words = spec.get("words", [])
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip()
                                                  for w in words):
            r.fail(spec, join(at, "words"), "expected a list of words or phrases", "words")
        comment = spec.get("comment", "required" if key == SEND_BACK else "optional")
        if comment not in ("required", "optional") or (key == SEND_BACK and
                                                       comment != "required"):
            r.fail(spec, join(at, "comment"), "expected required or optional (sending back "
                   "always needs a comment)", "comment")
        default = REVISION if key == SEND_BACK else following
        to = spec.get("to", NEXT if default == following and following else None)
        if to is None and default is None:
            r.fail(spec, at, "needs 'to': where this outcome leads", key)
        target = {SAME: own, REVISION: REVISION, NEXT: following}.get(to, to) \
            if to is not None else default
        if key == SEND_BACK and target != REVISION:
            r.fail(spec, join(at, "to"), "send_back always leads to 'revision'", "to")
        if target is None or (target != REVISION and target not in targets):
            places = ", ".join(sorted(targets | {SAME, REVISION} |
                                      ({NEXT} if following else set())))
            r.fail(spec, join(at, "to"), f"unknown place {to!r} (one of: {places})", "to")
        transitions.append((key, target))
        if label is not None or words or comment == "required" and key != SEND_BACK:
            specs.append(OutcomeSpec(key, label, tuple(w.strip() for w in words),
                                     comment == "required"))
    if all(target == REVISION for _, target in transitions):
        r.fail(node, join(where, "outcomes"), "a stage needs at least one outcome that does "
               "not send it back", "outcomes")
    if len(",".join(key for key, _ in transitions)) > MAX_OUTCOMES_TEXT:
        r.fail(node, join(where, "outcomes"), "too many outcomes: their names together have "
               f"at most {MAX_OUTCOMES_TEXT} characters", "outcomes")
    return tuple(transitions), tuple(specs)


def task_forms(r: Reader, root: Map, declared: tuple[FieldSpec, ...]
               ) -> tuple[tuple[FieldSpec, ...], tuple[tuple[str, str | None, str], ...]]:
    """The fields stages ask their assignees for (``form:`` on a stage, or on one of its
    outcomes) and where each is asked: (stage, outcome or None, field name). A form item is a
    field declared there, or the name of a field declared elsewhere (asked again: "the date to
    call back" at every call). Read before the stages so that conditions, assignees and
    templates may name them; malformed stages are left for the stage readers to refuse."""
    if root.get("notation", "sequential") == "statuses":
        raw = root.get("statuses")
        places = [(f"statuses.{k}", k, n) for k, n in raw.items()] \
            if isinstance(raw, dict) else []
    else:
        raw = root.get("stages")
        places = [(f"stages[{i}]", n.get("key"), n) for i, n in enumerate(raw)
                  if isinstance(n, dict)] if isinstance(raw, list) else []
    forms = []  # (node holding the form, where, stage, outcome)
    for where, key, node in list(places):
        branches = node.get("branches") if isinstance(node, dict) else None
        for j, item in enumerate(branches if isinstance(branches, list) else ()):
            if isinstance(item, dict) and isinstance(item.get("key"), str):
                places.append((f"{where}.branches[{j}]", f"{key}.{item['key']}", item))
    for where, key, node in places:
        if not isinstance(node, dict) or not isinstance(key, str):
            continue
        forms.append((node, where, key, None))
        outcomes = node.get("outcomes")
        for name, spec in (outcomes.items() if isinstance(outcomes, dict) else ()):
            if isinstance(spec, dict) and "form" in spec:
                forms.append((spec, f"{where}.outcomes.{name}", key, str(name)))
    new: list[FieldSpec] = []
    asks: list[tuple[str, str | None, str]] = []
    named: list[tuple[Map, str, str, str | None, str]] = []
    for node, where, stage, outcome in forms:
        items = node.get("form")
        if isinstance(items, list):
            own = Seq(i for i in items if not isinstance(i, str))
            own.line = getattr(items, "line", node.line)
            own.item_lines = [line for i, line in zip(items, getattr(items, "item_lines", []),
                                                      strict=False) if not isinstance(i, str)]
            named += [(node, f"{join(where, 'form')}[{i}]", stage, outcome, item)
                      for i, item in enumerate(items) if isinstance(item, str)]
            holder = Map(node)
            holder.line, holder.key_lines, holder.duplicates = node.line, node.key_lines, {}
            holder["form"] = own
        else:
            holder = node
        found = read_list(r, holder, "form", where, stage=stage, outcome=outcome,
                          taken=(*declared, *new))
        new += found
        asks += [(stage, outcome, spec.name) for spec in found]
    known = {spec.name: spec for spec in (*declared, *new)}
    for node, where, stage, outcome, name in named:
        if name not in known:
            r.fail(node, where, f"{name!r} is not a field of this process (a form item is a "
                   "field declared here, or the name of one declared elsewhere)", "form")
        if (stage, outcome, name) in asks:
            r.fail(node, where, f"{name!r} is asked twice here", "form")
        if known[name].computed:
            r.fail(node, where, f"{name!r} is computed: its calculator sets it, no form asks "
                   "for it", "form")
        asks.append((stage, outcome, name))
    for stage, _outcome, name in asks:
        if known[name].type == "file":
            raise DefinitionError(r.path, None, f"{stage}.form.{name}",
                                  "a task form cannot ask for a file (attach it to the "
                                  "start form or a revision)")
    return tuple(new), tuple(asks)


def endings(r: Reader, root: Map, fields: dict, taken: set[str]) -> list[Status]:
    """A sequential file's ``endings:``: the ways an instance ends other than success, each
    a final status an outcome may lead to (``to: rejected``)."""
    raw = root.get("endings")
    if raw is None:
        return []
    raw = r.mapping(raw, "endings", root, "endings")
    result = []
    for key, node in raw.items():
        at = f"endings.{key}"
        r.key_name(key, raw, at, key)
        if key in taken or key in (REVISION, SAME, NEXT):
            r.fail(raw, at, f"{key!r} is already a stage or a reserved name", key)
        node = r.mapping(node, at, raw, key)
        r.keys(node, at, {"name", "on_enter"}, {"name"})
        result.append(Status(key, r.label(node, "name", at), final=True, ending=True,
                             on_enter=_actions(r, node, "on_enter", at, fields),
                             line=node.line))
    return result


def sequential(r: Reader, root: Map, fields: dict) -> tuple[list[Status], str]:
    nodes = root["stages"]
    if not isinstance(nodes, list) or not nodes:
        r.fail(root, "stages", "expected a non-empty list of stages", "stages")
    keys = []
    for i, node in enumerate(nodes):
        node = r.mapping(node, f"stages[{i}]", nodes)
        r.keys(node, f"stages[{i}]", _STAGE_KEYS,
               {"key", "name"} | (set() if "branches" in node else {"assignees"}))
        key = r.key_name(node["key"], node, f"stages[{i}].key", "key")
        if key in keys or key in (REVISION, "completed", SAME, NEXT):
            r.fail(node, f"stages[{i}].key", f"stage key {key!r} is used twice or reserved",
                   "key")
        keys.append(key)
    ends = endings(r, root, fields, set(keys))
    targets = {*keys, "completed", *(e.key for e in ends)}
    statuses = []
    for i, node in enumerate(nodes):
        where = f"stages[{i}]"
        following = keys[i + 1] if i + 1 < len(keys) else "completed"
        specs: tuple[OutcomeSpec, ...] = ()
        if "branches" in node:
            statuses += _parallel(r, node, where, keys[i], following, fields)
            continue
        if "outcomes" in node:
            if "verdicts" in node:
                r.fail(node, join(where, "verdicts"), "give either verdicts or outcomes",
                       "verdicts")
            transitions, specs = _outcomes(r, node, where, keys[i], following, targets)
        else:
            verdicts = _verdicts(r, node, where)
            transitions = tuple((v, REVISION if v == SEND_BACK else following)
                                for v in verdicts)
        statuses.append(_status(r, node, where, keys[i], transitions, fields, specs))
    final = Status("completed", Label("Completed", "Завершено"), final=True,
                   on_enter=_actions(r, root, "on_complete", "", fields))
    return [*statuses, final, *ends], keys[0]


def _deadline(r: Reader, node: Map, where: str, fields: dict,
              transitions: tuple[tuple[str, str], ...]) -> Deadline | None:
    """``deadline_days: 2``, or ``deadline: {days | working_days, from, before, remind_every,
    remind_before, then}``."""
    short = r.integer(node, "deadline_days", where, 1, 365)
    raw = node.get("deadline")
    if raw is None:
        return Deadline(short) if short else None
    at = join(where, "deadline")
    if short:
        r.fail(node, at, "give either deadline_days or deadline", "deadline")
    raw = r.mapping(raw, at, node, "deadline")
    r.keys(raw, at, {"days", "working_days", "from", "before", "remind_every", "remind_before",
                     "then"})
    if ("days" in raw) == ("working_days" in raw):
        r.fail(raw, at, "give either days or working_days")
    working = "working_days" in raw
    days = r.integer(raw, "working_days" if working else "days", at, 0, 365)
    field = raw.get("from")
    if field is not None and not _date_of(fields, field):
        r.fail(raw, join(at, "from"), f"{field!r} is not a date field of this process (or a "
               "date range's start or end: PERIOD.start, PERIOD.end)", "from")
    before = raw.get("before", False)
    if not isinstance(before, bool) or (before and field is None):
        r.fail(raw, join(at, "before"), "before: true counts back from the date in 'from'",
               "before")
    every = r.integer(raw, "remind_every", at, 1, 365)
    ahead, ahead_working = _remind_before(r, raw, at)
    then, to, outcome = raw.get("then"), None, None
    if isinstance(then, dict) and len(then) == 1:
        then, value = next(iter(then.items()))
        if then == "reassign":
            to = _assignee(r, value, join(at, "then.reassign"), raw, fields, "then")
        elif then == "decide" and value in {v for v, _ in transitions}:
            outcome = value
        else:
            r.fail(raw, join(at, "then"), "decide: expected one of this stage's answers "
                   f"({', '.join(v for v, _ in transitions)})", "then")
    if then is not None and then not in DEADLINE_ACTIONS:
        r.fail(raw, join(at, "then"), "expected remind_manager, close, {reassign: ASSIGNEE} "
               "or {decide: ANSWER}", "then")
    if then == "decide" and outcome is None:
        r.fail(raw, join(at, "then"), "decide needs the answer: {decide: ANSWER}", "then")
    return Deadline(days or 0, working, field, before, every, then, to, outcome, ahead,
                    ahead_working)


def _date_of(fields: dict, name: Any) -> bool:
    """Whether ``name`` names a date a deadline may count from: a date field, or the start or
    the end of a date range (``period.start``, ``period.end``)."""
    if not isinstance(name, str):
        return False
    base, _, part = name.partition(".")
    spec = fields.get(base)
    if spec is None:
        return False
    return spec.type == "date" and not part or spec.type == "date_range" \
        and part in ("start", "end")


def _remind_before(r: Reader, raw: Map, at: str) -> tuple[int | None, bool]:
    """``remind_before: {days: 1}`` (or ``{working_days: 2}``): when, before the deadline, the
    assignees still open are reminded, once."""
    node = raw.get("remind_before")
    if node is None:
        return None, False
    where = join(at, "remind_before")
    node = r.mapping(node, where, raw, "remind_before")
    r.keys(node, where, {"days", "working_days"})
    if ("days" in node) == ("working_days" in node):
        r.fail(node, where, "give either days or working_days")
    working = "working_days" in node
    return r.integer(node, "working_days" if working else "days", where, 1, 365), working


def _parallel(r: Reader, node: Map, where: str, key: str, following: str,
              fields: dict) -> list[Status]:
    """A stage of parallel ``branches`` — each with its own assignees, rule, answers,
    condition, deadline and form — that moves on when all of them (or those it ``join``s)
    are done. A branch that sends back sends the whole stage back."""
    for extra in ("assignees", "rule", "verdicts", "outcomes", "form", "deadline",
                  "deadline_days", "fallback"):
        if extra in node:
            r.fail(node, join(where, extra), "a stage of branches gives this per branch",
                   extra)
    raw = node["branches"]
    if not isinstance(raw, list) or len(raw) < 2:
        r.fail(node, join(where, "branches"), "expected a list of at least two branches",
               "branches")
    branches, names = [], []
    for j, item in enumerate(raw):
        at = f"{where}.branches[{j}]"
        item = r.mapping(item, at, raw)
        r.keys(item, at, _BRANCH_KEYS, {"key", "name", "assignees"})
        name = r.key_name(item["key"], item, join(at, "key"), "key")
        if name in names:
            r.fail(item, join(at, "key"), f"branch {name!r} is given twice", "key")
        names.append(name)
        verdicts = _verdicts(r, item, at)
        transitions = tuple((v, REVISION if v == SEND_BACK else following) for v in verdicts)
        branch = _status(r, item, at, f"{key}.{name}", transitions, fields)
        branches.append(dataclasses.replace(branch, branch_of=key))
    wanted = node.get("join", [])
    if not isinstance(wanted, list) or any(w not in names for w in wanted):
        r.fail(node, join(where, "join"), f"expected a list of this stage's branches "
               f"({', '.join(names)})", "join")
    stage = Status(key, r.label(node, "name", where), transitions=(("approve", following),),
                   when=_condition(r, node, where, fields),
                   on_enter=_actions(r, node, "on_enter", where, fields),
                   restart=_restart(r, node, where),
                   branches=tuple(b.key for b in branches),
                   join=tuple(f"{key}.{w}" for w in wanted), line=node.line)
    return [stage, *branches]


def _status(r, node, where, key, transitions, fields, outcomes=()) -> Status:
    return Status(
        key=key, name=r.label(node, "name", where), assignees=_assignees(r, node, where, fields),
        rule=_rule(r, node, where), transitions=transitions,
        when=_condition(r, node, where, fields),
        deadline_days=r.integer(node, "deadline_days", where, 1, 365),
        deadline=_deadline(r, node, where, fields, transitions),
        restart=_restart(r, node, where),
        on_enter=_actions(r, node, "on_enter", where, fields), outcomes=outcomes,
        line=node.line, fallback=_fallback(r, node, where, fields),
    )


def _fallback(r: Reader, node: Map, where: str, fields: dict) -> tuple[Assignee, ...]:
    """``fallback: [{role: leave_approver}]``: who takes the stage when its assignees name
    nobody active (the director has no manager, a department has no head) — the same forms as
    ``assignees``; the administrators are told. Without it (or when it names nobody either)
    the stage goes to the administrators."""
    if node.get("fallback") is None:
        return ()
    found = _assignees(r, node, where, fields, "fallback")
    if not found:
        r.fail(node, join(where, "fallback"), "expected a list of assignees", "fallback")
    return found


def status_machine(r: Reader, root: Map, fields: dict) -> tuple[list[Status], str]:
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
            r.keys(node, where, {"name", "final", "ending", "on_enter"}, {"name"})
            if node.get("ending") not in (None, True, False):
                r.fail(node, join(where, "ending"), "expected true or false", "ending")
            statuses.append(Status(key, r.label(node, "name", where), final=True,
                                   ending=bool(node.get("ending")),
                                   on_enter=_actions(r, node, "on_enter", where, fields),
                                   line=node.line))
            continue
        r.keys(node, where, (_STAGE_KEYS - {"key", "verdicts"}) | {"transitions"},
               {"name", "assignees"})
        if "branches" in node or "join" in node:
            r.fail(node, join(where, "branches"), "parallel branches are written in a "
                   "sequential file's stages", "branches" if "branches" in node else "join")
        if ("transitions" in node) == ("outcomes" in node):
            r.fail(node, where, "give either transitions or outcomes")
        if "outcomes" in node:
            transitions, specs = _outcomes(r, node, where, key, None, set(nodes))
            statuses.append(_status(r, node, where, key, transitions, fields, specs))
            continue
        raw = r.mapping(node["transitions"], join(where, "transitions"), node, "transitions")
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
            r.fail(node, join(where, "transitions"), "a status needs at least one verdict that "
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
