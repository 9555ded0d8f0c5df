"""The process model: what a process file means, as immutable objects.

Two notations, one mechanism. A *status-based* process lists statuses, each with its
assignees, its rule and the transition every verdict takes. A *sequential* one lists stages in
order and compiles to a linear status machine (each stage's positive verdicts lead to the next
stage, the last to the final status ``completed``). The engine only ever sees
:class:`Process`; ``approvals/definitions/`` reads and checks the YAML files that make one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

REVISION = "revision"  # the built-in status a send-back leads to
SEND_BACK = "send_back"
RESUBMIT = "resubmit"
POSITIVE_VERDICTS = ("approve", "done", "paid", "acknowledge")
VERDICTS = (*POSITIVE_VERDICTS, SEND_BACK)
RULES = ("all", "sequence", "any", "quorum")
FIELD_TYPES = ("text", "number", "money", "date", "date_range", "person", "people", "choice",
               "file", "boolean")
ASSIGNEE_KINDS = ("person", "role", "manager", "field", "initiator", "department", "manager_of",
                  "managers", "decided", "department_head")
#: A department's head is its active member holding this role (until the HR directory names
#: heads itself).
HEAD_ROLE = "head"
RESTART_MODES = ("first", "same")
#: The languages people read Signoff in; a :class:`Label` has a text for each.
LOCALES = ("en", "ru")
DEFAULT_LOCALE = "en"


@dataclass(frozen=True)
class Label:
    """A text shown to people, in English and Russian."""

    en: str
    ru: str

    def get(self, locale: str) -> str:
        return self.ru if locale == "ru" else self.en


@dataclass(frozen=True)
class Choice:
    value: str
    label: Label


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    label: Label
    required: bool = False
    min: Decimal | None = None
    max: Decimal | None = None
    max_length: int | None = None
    pattern: str | None = None
    choices: tuple[Choice, ...] = ()
    currency: str | None = None
    help: Label | None = None
    stage: str | None = None  # a task form's field: asked at this stage, not on the start form
    outcome: str | None = None  # …and only of whoever gives this answer (None: any answer)
    accept: tuple[str, ...] = ()  # a file field's extensions (approvals.core.filetypes); all
    default: Any = None  # the value a form starts from, and takes when it is left empty
    currency_field: str | None = None  # money: the choice field that names its currency
    words: tuple[str, ...] = ()  # a task form's field: words after which a reply gives it
    computed: bool = False  # set by the process's calculators (``compute:``), never by a form


@dataclass(frozen=True)
class Assignee:
    """Who a stage goes to: a named person, a role, the initiator's manager, people picked in
    a form field, the initiator; everyone in a department (named, or read from a field); the
    manager of the person in a field; the initiator's managers up to ``levels`` levels; whoever
    decided a named stage."""

    kind: str
    value: str | None = None  # an email, a role, a field, a department or a stage key
    field: str | None = None  # department, manager_of: the field the value is read from
    levels: int | None = None  # managers: how many levels up the chain (value "all": every one)


@dataclass(frozen=True)
class Rule:
    kind: str = "all"  # all | sequence | any | quorum
    count: int | None = None  # quorum as a count
    percent: int | None = None  # quorum as a percentage

    def required(self, total: int) -> int:
        """How many positive verdicts complete a stage of ``total`` tasks."""
        if self.kind == "any":
            return 1
        if self.kind == "quorum":
            if self.count is not None:
                return min(self.count, total)
            return max(1, min(total, -(-total * (self.percent or 0) // 100)))
        return total


@dataclass(frozen=True)
class Condition:
    """A stage's ``when``: ``text`` as written, ``expr`` as :mod:`approvals.core.conditions`
    read it; a stage whose condition is false is skipped."""

    text: str
    expr: Any  # a conditions.Expr (the model does not import the language it is read in)


@dataclass(frozen=True)
class Action:
    """What happens on entering a status: notify someone, set a field (``published: true``),
    or run an effect a package registered (``{effect: hr.record_absence}``; ``values`` are the
    parameters the file gives it)."""

    kind: str  # notify | set | effect
    assignee: Assignee | None = None
    message: Label | None = None  # a template over the fields (approvals.core.templates)
    values: tuple[tuple[str, Any], ...] = ()
    name: str = ""  # the effect's registered name
    when: Condition | None = None  # the action runs only when this holds


@dataclass(frozen=True)
class Named:
    """A validator a process file names (``validate: [accounting.inn]``), with the parameters
    it gives it and the line it is named on."""

    name: str
    params: tuple[tuple[str, Any], ...] = ()
    line: int | None = None


DEADLINE_ACTIONS = ("remind_manager", "reassign", "decide", "close")


@dataclass(frozen=True)
class Deadline:
    """When a stage's task is due, and what happens when it passes.

    ``days`` calendar days (or, ``working``, working days of the calendar the engine is
    given) after the task opens — or after (``before``: before) the date in ``field``. The
    assignee is reminded (and the initiator told) when it passes, again every
    ``remind_every`` days, and ``then`` may also: ``remind_manager``, ``reassign`` (to ``to``,
    by default the assignee's manager), ``decide`` (with ``outcome``) or ``close`` (the stage
    completes without the answers still missing). ``remind_before`` days (working days when
    ``remind_working``) before it falls due, the assignees still open are reminded, once."""

    days: int
    working: bool = False
    field: str | None = None  # a date field, or a date range's end: ``period.start``
    before: bool = False
    remind_every: int | None = None
    then: str | None = None
    to: Assignee | None = None
    outcome: str | None = None
    remind_before: int | None = None
    remind_working: bool = False


@dataclass(frozen=True)
class OutcomeSpec:
    """An answer a stage takes, beyond a built-in verdict's defaults: its label, the words that
    choose it in an email reply (any language; the first is suggested), and whether it needs
    a comment. Where it leads is in :attr:`Status.transitions`."""

    key: str
    label: Label | None = None  # None: a built-in verdict, worded by the catalogue
    words: tuple[str, ...] = ()
    comment_required: bool = False


@dataclass(frozen=True)
class Status:
    key: str
    name: Label
    final: bool = False
    ending: bool = False  # a final status that is not success: rejected, refused…
    assignees: tuple[Assignee, ...] = ()
    rule: Rule = Rule()
    transitions: tuple[tuple[str, str], ...] = ()  # (verdict, target status)
    when: Condition | None = None
    deadline_days: int | None = None  # the short form of ``deadline``
    deadline: Deadline | None = None
    restart: str | None = None  # overrides the process's revision restart mode
    on_enter: tuple[Action, ...] = ()
    outcomes: tuple[OutcomeSpec, ...] = ()  # the process's own answers and their words
    branches: tuple[str, ...] = ()  # a parallel stage: the statuses of its branches
    join: tuple[str, ...] = ()  # …the branches it waits for (none named: all of them)
    branch_of: str | None = None  # a branch: the parallel stage it belongs to
    line: int | None = None
    # who takes the stage when its assignees name nobody active (the director has no
    # manager): used before the administrators, who are told
    fallback: tuple[Assignee, ...] = ()

    @property
    def verdicts(self) -> tuple[str, ...]:
        return tuple(v for v, _ in self.transitions)

    def outcome(self, verdict: str) -> OutcomeSpec | None:
        return next((o for o in self.outcomes if o.key == verdict), None)

    def comment_required(self, verdict: str) -> bool:
        spec = self.outcome(verdict)
        return verdict == SEND_BACK or (spec is not None and spec.comment_required)

    def target(self, verdict: str) -> str:
        return dict(self.transitions)[verdict]


@dataclass(frozen=True)
class Revision:
    """Who revises a sent-back process, where resubmission restarts, and which file field a
    document attached to a revision sent by email replaces (``attachments``; by default the
    process's only file field, none when it has several)."""

    assignee: Assignee = Assignee("initiator")
    restart: str = "first"
    attachments: str | None = None


#: The catalogue's areas a process file may name (``area:``); a file without one is listed
#: under "Other".
AREAS = ("documents", "finance", "hr", "sales")
#: The language a process's signed trail is written in (``trail: {language: …}``): the
#: initiator's, the organisation's (``SIGNOFF_LOCALE``), or one named.
TRAIL_LANGUAGES = ("initiator", "organisation", *LOCALES)


@dataclass(frozen=True)
class Starters:
    """Who may start a process (``starters:``): a person holding one of ``roles`` or in one of
    ``departments`` (letter case aside); administrators always may. No ``starters`` at all:
    everyone may."""

    roles: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Process:
    id: str
    name: Label
    notation: str
    fields: tuple[FieldSpec, ...]
    statuses: tuple[Status, ...]
    initial: str
    revision: Revision
    description: Label | None = None
    watchers: tuple[Assignee, ...] = ()  # get the signed trail by email, with the initiator
    validators: tuple[Named, ...] = ()  # run on start and resubmit, after the fields' checks
    calculators: tuple[Named, ...] = ()  # …then these set the computed fields (``compute:``)
    title: Label | None = None  # a template over the fields: each reader's language
    asks: tuple[tuple[str, str | None, str], ...] = ()  # (stage, outcome, field) of task forms
    # separation of duties: the initiator gets no task unless a stage names ``initiator``
    # itself (or the process file allows it with ``initiator_may_decide: true``)
    initiator_may_decide: bool = False
    area: str = ""  # one of AREAS; "" lists it under "Other"
    example: bool = False  # a notation example: administrators see it, nobody else starts it
    starters: Starters | None = None
    trail_language: str = "initiator"  # one of TRAIL_LANGUAGES
    digest: str = ""
    source_path: str = ""
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({s.key: s for s in self.statuses})

    def status(self, key: str) -> Status:
        return self._index[key]

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def start_fields(self) -> tuple[FieldSpec, ...]:
        """The fields of the start form (and of a revision); task forms' fields and computed
        ones are not."""
        return tuple(f for f in self.fields if f.stage is None and not f.computed)

    def asked(self, stage: str, verdict: str | None = None) -> tuple[FieldSpec, ...]:
        """The task form at ``stage``: every field asked there, or — given the answer — the
        ones that answer fills: the stage's own form for an answer that leads onward, and the
        answer's own form (a send-back, a repeat or an ending fills only its own)."""
        asks = [(outcome, name) for at, outcome, name in self.asks if at == stage]
        if verdict is not None:
            onward = self.advances(self.status(stage), verdict)
            asks = [(outcome, name) for outcome, name in asks
                    if outcome == verdict or (outcome is None and onward)]
        names = list(dict.fromkeys(name for _, name in asks))
        return tuple(spec for name in names if (spec := self.field(name)) is not None)

    def asked_for(self, stage: str, name: str) -> str | None:
        """Which answer at ``stage`` asks for field ``name`` (None: the stage's own form)."""
        return next((outcome for at, outcome, n in self.asks if at == stage and n == name),
                    None)

    def onward(self, status: Status) -> str | None:
        """Where ``status`` leads when it is simply done: the target of its first answer that
        is not a send-back, a repeat or an ending (also where a skipped stage leads)."""
        return next((target for _, target in status.transitions
                     if target not in (REVISION, status.key) and not self.status(target).ending),
                    None)

    def advances(self, status: Status, verdict: str | None) -> bool:
        """Whether ``verdict`` leads onward (and so counts toward the stage's rule)."""
        return verdict in status.verdicts and status.target(verdict) == self.onward(status)

    @property
    def stages(self) -> tuple[Status, ...]:
        """The working statuses in declaration order, without the built-in revision."""
        return tuple(s for s in self.statuses
                     if not s.final and s.key != REVISION and s.branch_of is None)
