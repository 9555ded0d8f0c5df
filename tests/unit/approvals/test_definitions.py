"""Process files: the shipped ones load; a broken one is refused naming file, line and field."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from textwrap import dedent

import pytest

import approvals
from approvals.core.conditions import Compare, Truth
from approvals.core.errors import DefinitionError
from approvals.core.forms import Upload
from approvals.core.model import Assignee, Label, Process, Revision, Rule
from approvals.definitions import load_file, load_text
from approvals.service import _attached

PROCESSES = Path(approvals.__file__).parent / "processes"


def define(text: str) -> Process:
    return load_text(dedent(text), "test.yaml")


def refusal(text: str) -> DefinitionError:
    with pytest.raises(DefinitionError) as refused:
        load_text(dedent(text), "test.yaml")
    return refused.value


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``needle``."""
    lines = [i for i, line in enumerate(dedent(text).splitlines(), 1) if needle in line]
    return lines[occurrence - 1]


def assert_refused(text: str, where: str, needle: str, problem: str, occurrence: int = 1):
    error = refusal(text)
    line = line_of(text, needle, occurrence)
    assert (error.path, error.line, error.where) == ("test.yaml", line, where)
    assert problem in error.problem
    assert str(error).startswith(f"test.yaml:{line}: {where}: " if where else
                                 f"test.yaml:{line}: ")


# ---------------------------------------------------------------------------- shipped files


@pytest.mark.parametrize("path", sorted(PROCESSES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_process_file_loads(path):
    process = load_file(path)
    assert process.id == path.stem
    assert process.source_path == str(path)
    assert process.digest and process.stages
    assert any(s.final for s in process.statuses)


def test_the_shipped_contract_approval_reads_as_written():
    process = load_file(PROCESSES / "contract-approval.yaml")
    assert (process.notation, process.initial) == ("sequential", "approval")
    assert process.name == Label("Contract approval", "Согласование договора")
    assert [f.name for f in process.fields] == [
        "title", "counterparty", "amount", "contract", "approvers"]
    amount = process.field("amount")
    assert (amount.type, amount.currency, amount.min, amount.required) == ("money", "RUB", 0, True)
    approval = process.status("approval")
    assert (approval.assignees, approval.rule, approval.deadline_days) == (
        (Assignee("field", "approvers"),), Rule("all"), 3)
    assert approval.transitions == (("approve", "send_to_client"), ("send_back", "revision"))
    assert process.status("send_to_client").transitions == (("done", "completed"),)
    assert process.revision == Revision(Assignee("initiator"), "first")
    (notify,) = process.status("completed").on_enter
    assert (notify.kind, notify.assignee) == ("notify", Assignee("initiator"))
    assert process.watchers == (Assignee("role", "lawyer"),)


def test_both_document_approval_notations_define_the_same_machine():
    sequential = load_file(PROCESSES / "document-approval.yaml")
    statuses = load_file(PROCESSES / "document-approval-statuses.yaml")
    assert (sequential.notation, statuses.notation) == ("sequential", "statuses")
    assert sequential.initial == statuses.initial == "review"
    assert sequential.revision == statuses.revision == Revision(Assignee("initiator"), "same")
    assert sequential.fields == statuses.fields

    def shape(process: Process) -> list:
        return [(s.key, s.final, s.assignees, s.rule, s.transitions, s.on_enter)
                for s in process.statuses]

    assert shape(sequential) == shape(statuses)


# ---------------------------------------------------------------------------- compiled shape


def test_the_sequential_notation_compiles_to_a_linear_status_machine():
    process = define("""
        id: linear
        name: Linear
        stages:
          - {key: check, name: Check, assignees: [initiator]}
          - {key: pay, name: Pay, assignees: [{role: accounting}], verdicts: [paid]}
          - {key: archive, name: Archive, assignees: [manager],
             verdicts: [acknowledge, send_back]}
        """)
    assert process.initial == "check"
    assert [(s.key, s.final, s.transitions) for s in process.statuses] == [
        ("check", False, (("approve", "pay"), ("send_back", "revision"))),
        ("pay", False, (("paid", "archive"),)),
        ("archive", False, (("acknowledge", "completed"), ("send_back", "revision"))),
        ("completed", True, ()),
        ("revision", False, (("resubmit", "check"),)),
    ]
    assert process.onward(process.status("pay")) == "archive"


def test_a_stage_takes_the_defaults_when_it_says_nothing():
    process = define("""
        id: defaults
        name: Defaults
        stages: [{key: only, name: Only, assignees: initiator}]
        """)
    only = process.status("only")
    assert (only.rule, only.verdicts, only.when, only.deadline_days, only.restart) == (
        Rule("all"), ("approve", "send_back"), None, None, None)
    assert process.revision == Revision(Assignee("initiator"), "first")
    assert process.name == Label("Defaults", "Defaults")


def test_the_status_notation_keeps_each_verdicts_own_target():
    process = define("""
        id: invoice
        name: {en: Invoice, ru: Счёт}
        notation: statuses
        initial: check
        statuses:
          check:
            name: Check
            assignees: [{person: Anna@Example.com}]
            rule: {quorum: '50%'}
            transitions: {approve: pay, done: archived, send_back: revision}
          pay: {name: Pay, assignees: [{role: accounting}], transitions: {paid: archived}}
          archived: {name: Archived, final: true}
        """)
    check = process.status("check")
    assert check.transitions == (("approve", "pay"), ("done", "archived"),
                                 ("send_back", "revision"))
    assert (check.rule, check.assignees) == (Rule("quorum", percent=50),
                                             (Assignee("person", "anna@example.com"),))
    assert process.name.get("ru") == "Счёт"


@pytest.mark.parametrize(("rule", "expected"), [
    ("{quorum: 2}", Rule("quorum", count=2)),
    ("{quorum: '50%'}", Rule("quorum", percent=50)),
    ("{quorum: '100%'}", Rule("quorum", percent=100)),
    ("any", Rule("any")),
    ("sequence", Rule("sequence")),
])
def test_rules_are_read_as_written(rule, expected):
    process = define(f"""
        id: rules
        name: Rules
        stages:
          - key: only
            name: Only
            assignees: [initiator]
            rule: {rule}
        """)
    assert process.status("only").rule == expected


@pytest.mark.parametrize(("rule", "total", "required"), [
    (Rule("all"), 3, 3), (Rule("sequence"), 3, 3), (Rule("any"), 3, 1),
    (Rule("quorum", count=2), 3, 2), (Rule("quorum", count=5), 3, 3),
    (Rule("quorum", percent=50), 3, 2), (Rule("quorum", percent=100), 3, 3),
    (Rule("quorum", percent=1), 3, 1), (Rule("quorum", percent=50), 4, 2),
])
def test_a_rule_says_how_many_positive_verdicts_complete_a_stage(rule, total, required):
    assert rule.required(total) == required


def test_a_process_and_its_parts_cannot_be_changed_after_loading():
    process = define("""
        id: frozen
        name: Frozen
        stages: [{key: only, name: Only, assignees: [initiator]}]
        """)
    with pytest.raises(dataclasses.FrozenInstanceError):
        process.initial = "elsewhere"
    with pytest.raises(dataclasses.FrozenInstanceError):
        process.status("only").rule = Rule("any")
    with pytest.raises(dataclasses.FrozenInstanceError):
        process.status("only").assignees[0].kind = "role"
    with pytest.raises(AttributeError):
        process.statuses.append(process.statuses[0])  # a tuple


def test_watchers_take_every_assignee_form_in_both_notations():
    fields = """
        fields: [{name: title, type: text}, {name: board, type: people}]
        watchers:
          - {role: lawyer}
          - {person: Legal@Example.com}
          - {field: board}
          - manager
          - initiator
        """
    sequential = define(fields + """
        id: watched
        name: Watched
        stages: [{key: only, name: Only, assignees: [initiator]}]
        """)
    statuses = define(fields + """
        id: watched
        name: Watched
        notation: statuses
        initial: review
        statuses:
          review: {name: Review, assignees: [initiator], transitions: {approve: done}}
          done: {name: Done, final: true}
        """)
    expected = (Assignee("role", "lawyer"), Assignee("person", "legal@example.com"),
                Assignee("field", "board"), Assignee("manager"), Assignee("initiator"))
    assert sequential.watchers == statuses.watchers == expected
    with pytest.raises(dataclasses.FrozenInstanceError):
        sequential.watchers = ()
    with pytest.raises(AttributeError):
        sequential.watchers.append(Assignee("role", "auditor"))  # a tuple


def test_a_process_without_watchers_has_none():
    for watchers in ("", "watchers: []", "watchers:"):
        process = define(f"""
            id: quiet
            name: Quiet
            {watchers}
            stages: [{{key: only, name: Only, assignees: [initiator]}}]
            """)
        assert process.watchers == ()


def test_the_digest_changes_with_the_text():
    text = """
        id: digest
        name: Digest
        stages: [{key: only, name: Only, assignees: [initiator]}]
        """
    assert define(text).digest == define(text).digest
    assert define(text).digest != define(text + "# a comment\n").digest


# ---------------------------------------------------------------------------- refusals


def test_an_unknown_top_level_key_is_refused_with_its_line():
    assert_refused("""
        id: x
        name: X
        colour: red
        stages: [{key: only, name: Only, assignees: [initiator]}]
        """, "colour", "colour:", "unknown key")


def test_an_unknown_stage_key_is_refused_with_its_path_and_line():
    assert_refused("""
        id: x
        name: X
        stages:
          - key: first
            name: First
            assignees: [initiator]
          - key: second
            name: Second
            assignee: [manager]
        """, "stages[1].assignee", "assignee: [manager]", "unknown key")


def test_an_unknown_status_key_is_refused_with_its_path_and_line():
    assert_refused("""
        id: x
        name: X
        notation: statuses
        initial: review
        statuses:
          review:
            name: Review
            assignees: [initiator]
            transitions: {approve: done}
            verdicts: [approve]
          done: {name: Done, final: true}
        """, "statuses.review.verdicts", "verdicts:", "unknown key")


def test_a_missing_required_key_is_refused():
    assert_refused("""
        id: x
        stages: [{key: only, name: Only, assignees: [initiator]}]
        """, "name", "id: x", "is required")


@pytest.mark.parametrize("rule", ["majority", "quorum", "'ALL'"])
def test_an_unknown_rule_is_refused(rule):
    assert_refused(f"""
        id: x
        name: X
        stages:
          - key: only
            name: Only
            assignees: [initiator]
            rule: {rule}
        """, "stages[0].rule", "rule:", "unknown rule")


@pytest.mark.parametrize("quorum", [
    "{quorum: 0}", "{quorum: -1}", "{quorum: '0%'}", "{quorum: '150%'}", "{quorum: half}",
    "{quorum: true}", "{quorum: 2.5}", "{quorum: 2, of: 3}", "[quorum, 2]"])
def test_a_bad_quorum_is_refused(quorum):
    assert_refused(f"""
        id: x
        name: X
        stages:
          - key: only
            name: Only
            assignees: [initiator]
            rule: {quorum}
        """, "stages[0].rule", "rule:", "quorum must be")


def test_an_unknown_verdict_in_a_stage_is_refused():
    assert_refused("""
        id: x
        name: X
        stages:
          - key: only
            name: Only
            assignees: [initiator]
            verdicts: [approve, reject]
        """, "stages[0].verdicts", "verdicts:", "unknown verdict 'reject'")


def test_an_unknown_verdict_in_a_transition_is_refused():
    assert_refused("""
        id: x
        name: X
        notation: statuses
        initial: review
        statuses:
          review:
            name: Review
            assignees: [initiator]
            transitions:
              approve: done
              reject: done
          done: {name: Done, final: true}
        """, "statuses.review.transitions.reject", "reject: done", "unknown verdict")


def test_a_stage_with_only_send_back_is_refused():
    assert_refused("""
        id: x
        name: X
        stages:
          - key: only
            name: Only
            assignees: [initiator]
            verdicts: [send_back]
        """, "stages[0].verdicts", "verdicts:", "at least one verdict")


@pytest.mark.parametrize("field", ["title", "missing"])
def test_a_field_assignee_must_name_a_person_or_people_field(field):
    assert_refused(f"""
        id: x
        name: X
        fields:
          - {{name: title, type: text}}
          - {{name: reviewer, type: person}}
        stages:
          - key: only
            name: Only
            assignees:
              - initiator
              - field: {field}
        """, "stages[0].assignees[1]", f"field: {field}", "is not a person or people field")


def test_a_field_assignee_may_name_a_person_or_people_field():
    process = define("""
        id: x
        name: X
        fields: [{name: reviewer, type: person}, {name: board, type: people}]
        stages: [{key: only, name: Only, assignees: [{field: reviewer}, {field: board}]}]
        """)
    assert process.status("only").assignees == (Assignee("field", "reviewer"),
                                                 Assignee("field", "board"))


def test_an_unknown_kind_of_assignee_is_refused():
    assert_refused("""
        id: x
        name: X
        stages:
          - key: only
            name: Only
            assignees: [{group: sales}]
        """, "stages[0].assignees[0]", "group: sales", "expected initiator, manager")


def test_a_transition_to_an_unknown_status_is_refused():
    assert_refused("""
        id: x
        name: X
        notation: statuses
        initial: review
        statuses:
          review:
            name: Review
            assignees: [initiator]
            transitions:
              approve: aproval
          approval: {name: Approval, assignees: [manager], transitions: {approve: done}}
          done: {name: Done, final: true}
        """, "statuses.review.transitions.approve", "approve: aproval", "unknown status 'aproval'")


def test_send_back_to_anywhere_but_revision_is_refused():
    assert_refused("""
        id: x
        name: X
        notation: statuses
        initial: review
        statuses:
          review:
            name: Review
            assignees: [initiator]
            transitions:
              approve: done
              send_back: review
          done: {name: Done, final: true}
        """, "statuses.review.transitions.send_back", "send_back: review", "leads to 'revision'")


def test_a_yaml_syntax_error_is_refused_with_its_line():
    text = """
        id: x
        name: X
        stages:
          - key: only
           name: Only
        """
    error = refusal(text)
    assert (error.line, error.where) == (line_of(text, "name: Only"), "")
    assert error.problem.startswith("not valid YAML")


def test_an_unhashable_key_is_refused_as_invalid_yaml_with_its_line():
    text = """
        id: x
        name: X
        [a, b]: c
        """
    error = refusal(text)
    assert (error.line, error.where) == (line_of(text, "[a, b]"), "")
    assert "unhashable" in error.problem


def test_a_duplicate_stage_key_is_refused_at_the_second_one():
    assert_refused("""
        id: x
        name: X
        stages:
          - {key: check, name: Check, assignees: [initiator]}
          - {key: check, name: Check again, assignees: [manager]}
        """, "stages[1].key", "Check again", "used twice")


def test_a_duplicate_status_is_refused_at_the_second_one():
    assert_refused("""
        id: x
        name: X
        notation: statuses
        initial: review
        statuses:
          review: {name: Review, assignees: [initiator], transitions: {approve: done}}
          review: {name: Review again, assignees: [manager], transitions: {approve: done}}
          done: {name: Done, final: true}
        """, "statuses.review", "Review again", "is given twice")


def test_a_key_given_twice_anywhere_is_refused():
    assert_refused("""
        id: x
        name: X
        stages:
          - key: only
            name: Only
            assignees: [initiator]
            rule: all
            rule: any
        """, "stages[0].rule", "rule: any", "is given twice")


def test_a_merge_key_may_be_overridden_without_counting_as_a_duplicate():
    process = define("""
        id: x
        name: X
        stages:
          - &check {key: check, name: Check, assignees: [initiator]}
          - <<: *check
            key: recheck
            name: Recheck
        """)
    recheck = process.status("recheck")
    assert (recheck.name.en, recheck.assignees) == ("Recheck", (Assignee("initiator"),))


@pytest.mark.parametrize("key", ["completed", "revision"])
def test_a_reserved_stage_key_is_refused(key):
    assert_refused(f"""
        id: x
        name: X
        stages:
          - {{key: {key}, name: Reserved, assignees: [initiator]}}
        """, "stages[0].key", f"key: {key}", "reserved")


def test_a_status_machine_without_a_final_status_is_refused():
    assert_refused("""
        id: x
        name: X
        notation: statuses
        initial: review
        statuses:
          review: {name: Review, assignees: [initiator], transitions: {approve: approval}}
          approval: {name: Approval, assignees: [manager], transitions: {approve: review}}
        """, "statuses", "statuses:", "no status is final")


def test_an_initial_status_that_is_not_a_working_status_is_refused():
    assert_refused("""
        id: x
        name: X
        notation: statuses
        initial: done
        statuses:
          review: {name: Review, assignees: [initiator], transitions: {approve: done}}
          done: {name: Done, final: true}
        """, "initial", "initial: done", "not a working status")


def test_a_condition_on_an_unknown_field_is_refused():
    assert_refused("""
        id: x
        name: X
        fields: [{name: amount, type: money}]
        stages:
          - {key: check, name: Check, assignees: [initiator]}
          - key: director
            name: Director
            assignees: [manager]
            when: "total > 100000"
        """, "stages[1].when", "when:", "unknown field 'total'")


@pytest.mark.parametrize(("condition", "expr"), [
    ("amount > 100000", Compare("amount", "money", ">", Decimal("100000"))),
    ("amount in [1, 2.5]", Compare("amount", "money", "in", (Decimal("1"), Decimal("2.5")))),
    ("priority == 1", Compare("priority", "choice", "==", "1")),
    ("priority in [1, 2]", Compare("priority", "choice", "in", ("1", "2"))),
    ("code == 007", Compare("code", "text", "==", "007")),
    ("code == 'A B'", Compare("code", "text", "==", "A B")),
    ("urgent == true", Compare("urgent", "boolean", "==", True)),
    ("urgent", Truth("urgent")),
])
def test_a_condition_reads_its_value_as_the_field_stores_it(condition, expr):
    process = define(f"""
        id: x
        name: X
        fields:
          - {{name: amount, type: money}}
          - {{name: priority, type: choice, choices: [1, 2]}}
          - {{name: code, type: text}}
          - {{name: urgent, type: boolean}}
        stages: [{{key: only, name: Only, assignees: [initiator], when: "{condition}"}}]
        """)
    when = process.status("only").when
    assert (when.text, when.expr) == (condition, expr)


@pytest.mark.parametrize(("condition", "problem"), [
    ("amount is large", "expected an operator (== != > >= < <= in contains) after 'amount'"),
    ("title > 5", "cannot compare a text field"),
    ("title in abc", "'in' needs a list"),
    ("amount > 100 000", "unexpected '000' (write numbers without spaces: 100000)"),
    ("amount > 1 and amount < 5 000", "unexpected '000'"),
])
def test_a_malformed_condition_is_refused(condition, problem):
    assert_refused(f"""
        id: x
        name: X
        fields: [{{name: amount, type: money}}, {{name: title, type: text}}]
        stages:
          - key: check
            name: Check
            assignees: [initiator]
            when: "{condition}"
        """, "stages[0].when", "when:", problem)


def test_an_unknown_field_type_is_refused():
    assert_refused("""
        id: x
        name: X
        fields:
          - name: amount
            type: currency
        stages: [{key: only, name: Only, assignees: [initiator]}]
        """, "fields[0].type", "type: currency", "unknown type")


def test_an_unknown_notation_is_refused():
    assert_refused("""
        id: x
        name: X
        notation: bpmn
        """, "notation", "notation:", "expected 'sequential' or 'statuses'")



@pytest.mark.parametrize(("watcher", "where", "needle", "problem"), [
    ("- {group: legal}", "watchers[1]", "group: legal", "expected initiator, manager"),
    ("- {role: lawyer, person: a@example.com}", "watchers[1]", "person: a@example.com",
     "expected initiator, manager"),
    ("- {field: title}", "watchers[1]", "field: title", "is not a person or people field"),
    ("- {role: accountant}", "watchers[1]", "role: accountant", "listed twice"),
])
def test_a_bad_watcher_is_refused_with_its_line(watcher, where, needle, problem):
    assert_refused(f"""
        id: x
        name: X
        fields: [{{name: title, type: text}}]
        watchers:
          - {{role: accountant}}
          {watcher}
          - initiator
        stages: [{{key: only, name: Only, assignees: [initiator]}}]
        """, where, needle, problem, occurrence=2 if "accountant" in needle else 1)


def test_a_watcher_that_is_not_a_spec_is_refused_at_the_watchers_line():
    assert_refused("""
        id: x
        name: X
        notation: statuses
        initial: review
        watchers: [everyone]
        statuses:
          review: {name: Review, assignees: [initiator], transitions: {approve: done}}
          done: {name: Done, final: true}
        """, "watchers[0]", "watchers:", "expected initiator, manager")


def test_watchers_in_a_status_file_are_a_top_level_key_only():
    assert_refused("""
        id: x
        name: X
        notation: statuses
        initial: review
        statuses:
          review:
            name: Review
            assignees: [initiator]
            transitions: {approve: done}
            watchers: [{role: lawyer}]
          done: {name: Done, final: true}
        """, "statuses.review.watchers", "watchers:", "unknown key")


TWO_FILES = """\
id: two-files
name: Two files
fields:
  - {name: contract, type: file}
  - {name: annex, type: file}
  - {name: note, type: text}
revision: {attachments: annex}
stages:
  - {key: check, name: Check, assignees: [initiator]}
"""


def test_a_revision_by_email_fills_the_file_field_the_process_names() -> None:
    named = load_text(TWO_FILES, "two.yaml")
    unnamed = load_text(TWO_FILES.replace("revision: {attachments: annex}\n", ""), "two.yaml")
    one = load_text(TWO_FILES.replace("  - {name: annex, type: file}\n", "")
                    .replace("revision: {attachments: annex}\n", ""), "one.yaml")
    pdf = Upload("v2.pdf", b"%PDF-1.7", "application/pdf")

    assert named.revision.attachments == "annex"
    assert _attached(named, [pdf]) == {"annex": pdf}
    assert _attached(unnamed, [pdf]) == {}  # two file fields, none named: none filled
    assert _attached(one, [pdf]) == {"contract": pdf}
    assert _attached(named, []) == {}


@pytest.mark.parametrize("value", ["note", "nothing"])
def test_revision_attachments_must_name_a_file_field(value: str) -> None:
    with pytest.raises(DefinitionError) as refused:
        load_text(TWO_FILES.replace("attachments: annex", f"attachments: {value}"), "two.yaml")
    assert str(refused.value).startswith(
        f"two.yaml:7: revision.attachments: {value!r} is not a file field of this process "
        "(its file fields: contract, annex)")
