"""Process files: YAML read and checked into the immutable :mod:`approvals.core.model`.

Two notations, one mechanism (see the model); a sequential file is compiled into a linear
status machine. The package reads in three steps a newcomer can follow:

- :mod:`.reader` — the YAML, with the line of every key, and the reader that refuses a value
  naming the file, the line and the field: ``contract.yaml:14: stages[1].rule: ...``;
- :mod:`.fields` — the form's fields;
- :mod:`.flow` — what happens: stages or statuses, who is assigned, rules, conditions,
  deadlines, actions and effects, the revision, and the validators a file names;
- :mod:`.catalogue` — where the process is listed (its area, whether it is a notation
  example) and who may start it;
- :mod:`.options` — what it leaves behind: the language of its signed trail.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from approvals.core.errors import DefinitionError
from approvals.core.model import RESUBMIT, REVISION, Label, Process, Status
from approvals.definitions import catalogue, fields, flow, options
from approvals.definitions.reader import PROCESS_ID, Reader, no_duplicates, parse


def load_file(path: str | Path) -> Process:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(str(path), None, "", f"cannot read the file: {exc}") from exc
    return load_text(text, str(path))


def load_text(text: str, path: str = "<process>") -> Process:
    tree = parse(text, path)
    r = Reader(path)
    root = r.mapping(tree, "")
    no_duplicates(r, root, "")
    notation = root.get("notation", "sequential")
    common = {"id", "name", "description", "notation", "fields", "revision", "watchers",
              "validate", "title", "initiator_may_decide", "compute", *catalogue.KEYS,
              *options.KEYS}
    if notation == "sequential":
        r.keys(root, "", common | {"stages", "on_complete", "endings"}, {"id", "name", "stages"})
    elif notation == "statuses":
        r.keys(root, "", common | {"statuses", "initial"}, {"id", "name", "statuses", "initial"})
    else:
        r.fail(root, "notation", "expected 'sequential' or 'statuses'", "notation")
    process_id = root["id"]
    if not isinstance(process_id, str) or not PROCESS_ID.match(process_id):
        r.fail(root, "id", f"{process_id!r} is not a valid process id (lowercase letters, "
               "digits, - and _)", "id")
    declared = fields.read(r, root)
    asked, asks = flow.task_forms(r, root, declared)
    declared = (*declared, *asked)
    field_names = {f.name: f for f in declared}
    revision = flow.revision(r, root, field_names)
    watchers = flow.watchers(r, root, field_names)
    validators = flow.validators(r, root, field_names)
    calculators = flow.calculators(r, root, field_names)
    if notation == "sequential":
        statuses, initial = flow.sequential(r, root, field_names)
    else:
        statuses, initial = flow.status_machine(r, root, field_names)
    flow.check_decided(r, statuses)
    statuses = (*statuses, Status(REVISION, Label("Revision", "Доработка"),
                                  transitions=((RESUBMIT, initial),)))
    may_decide = root.get("initiator_may_decide", False)
    if not isinstance(may_decide, bool):
        r.fail(root, "initiator_may_decide", "expected true or false", "initiator_may_decide")
    return Process(
        id=process_id,
        name=r.label(root, "name", ""),
        notation=notation,
        fields=declared,
        statuses=statuses,
        initial=initial,
        revision=revision,
        description=r.label(root, "description", "", required=False),
        watchers=watchers,
        validators=validators,
        calculators=calculators,
        title=flow.title(r, root, field_names),
        asks=asks,
        initiator_may_decide=may_decide,
        area=catalogue.area(r, root),
        example=catalogue.example(r, root),
        starters=catalogue.starters(r, root),
        trail_language=options.trail_language(r, root),
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source_path=path,
    )


