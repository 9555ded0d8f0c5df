"""The catalogue covers every code the domain produces, in both languages, for every audience."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from approvals import texts
from approvals.core import engine, errors
from approvals.core import model as definitions
from approvals.texts import formats

ROOT = Path(__file__).resolve().parents[3]
FORM_CODES = ("required", "unknown_field", "not_text", "too_long", "pattern", "not_a_number",
              "too_many_decimals", "number_format",
              "too_small", "too_large", "not_a_date", "not_a_range", "range_reversed",
              "not_an_email", "unknown_person", "not_a_list", "not_a_choice", "not_a_boolean",
              "bad_base64", "not_a_file", "no_filename", "empty_file", "file_too_large",
              "not_an_object", "file_type", "file_content", "initiator_may_not_decide")
EVENTS = ("started", "stage_entered", "task_opened", "decided", "task_withdrawn",
          "stage_completed", "stage_skipped", "sent_back", "resubmitted", "document_version",
          "completed", "cancelled", "reassigned", "deadline_passed", "fields_set", "reopened",
          "trail_issued", "effect_ran", "stage_unassigned", "decision_disputed", "reminded",
          "stage_fallback")
TEMPLATES = ("task_assigned", "revision_requested", "task_withdrawn", "task_overdue",
             "task_overdue_initiator", "instance_completed", "process_notice",
             "instance_reopened", "trail_issued", "stage_unassigned", "instance_ended",
             "task_overdue_manager", "decision_received", "decision_disputed",
             "task_due_soon", "stage_closed", "stage_fallback")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("section", [texts.COMMON, texts.PAGE, texts.MAIL, texts.TRAIL],
                         ids=["common", "page", "mail", "trail"])
def test_every_entry_has_english_and_russian_with_the_same_placeholders(section) -> None:
    for key, words in section.items():
        assert set(words) == {"en", "ru"}, key
        assert words["en"].strip() and words["ru"].strip(), key
        assert _placeholders(words["en"]) == _placeholders(words["ru"]), key


def test_an_audience_reads_its_own_words_first_then_the_shared_ones() -> None:
    assert texts.t("verdict_past.approve", "en", audience="trail") == "approved"
    assert texts.t("verdict_past.approve", "en") == "Approved"
    assert texts.t("verdict_past.approve", "en", audience="mail") == "Approved"
    assert texts.t("subject.fallback", "ru", audience="mail") == "Ваше письмо в Signoff"
    assert texts.t("subject.fallback", "ru") == "subject.fallback"  # not a page's text
    assert texts.t("channel.email", "ru", audience="trail") == "почта"  # common
    assert texts.t("channel.email", "ru") == "почта"
    assert texts.own("subject.fallback", "mail") and not texts.own("channel.email", "mail")


def test_a_key_shared_by_sections_is_worded_differently_in_each() -> None:
    """A key belongs in a section only where that audience words it its own way."""
    sections = {"page": texts.PAGE, "mail": texts.MAIL, "trail": texts.TRAIL}
    for name, section in sections.items():
        same = [key for key in section if texts.COMMON.get(key) == section[key]]
        assert not same, (name, same)
    same = [key for key in texts.MAIL if texts.PAGE.get(key) == texts.MAIL[key]]
    assert not same


def test_every_code_the_form_validator_produces_has_a_message() -> None:
    source = (ROOT / "approvals" / "core" / "forms.py").read_text(encoding="utf-8")
    produced = set(re.findall(r'Refused\("(\w+)"', source)) | set(
        re.findall(r'errors\[[^\]]+\] = \("(\w+)"', source)) | {"not_an_object"}
    assert produced <= set(FORM_CODES), produced - set(FORM_CODES)
    for code in FORM_CODES:
        for locale in texts.LOCALES:
            text = texts.field_error(code, {"max": 5, "min": 1, "value": "x", "max_mb": 25,
                                           "allowed": ["a", "b"], "type": "PDF"}, locale)
            assert text != texts.t("field_error.unknown", locale), code
            assert "{" not in text, (code, text)


@pytest.mark.parametrize("locale, expected", [
    ("en", "“bob” is not an email address."), ("ru", "«bob» — не адрес электронной почты.")])
def test_a_field_error_fills_in_its_parameters(locale: str, expected: str) -> None:
    assert texts.field_error("not_an_email", {"value": "bob"}, locale) == expected
    assert "{" not in texts.field_error("not_an_email", {}, locale)


def test_verdicts_states_events_templates_and_errors_are_all_named() -> None:
    verdicts = {*definitions.VERDICTS, definitions.RESUBMIT}
    assert texts.verdict("approve", "ru") == "Согласовать"
    assert texts.verdict("send_back", "ru") == "Вернуть на доработку"
    assert texts.verdict("acknowledge", "en") == "Acknowledged"
    domain_errors = {cls.code for cls in vars(errors).values()
                     if isinstance(cls, type) and issubclass(cls, errors.SignoffError)} - {
        "error", "definition_invalid", "import_failed"}  # never shown on a page
    keys = ([f"verdict.{v}" for v in verdicts] + [f"verdict_past.{v}" for v in verdicts]
            + [f"instance_state.{s}" for s in (engine.RUNNING, engine.COMPLETED,
                                               engine.CANCELLED)]
            + [f"task_state.{s}" for s in (engine.WAITING, engine.OPEN, engine.DECIDED,
                                           engine.WITHDRAWN)]
            + [f"stage_state.{s}" for s in ("done", "current", "pending", "skipped")]
            + [f"rule.{r}" for r in definitions.RULES]
            + [f"event.{e}" for e in EVENTS] + [f"notify.{n}" for n in TEMPLATES]
            + [f"error.{c}" for c in domain_errors])
    missing = [key for key in keys if not texts.has(key)]
    assert not missing


def test_engine_events_and_templates_are_all_in_the_catalogue() -> None:
    source = (ROOT / "approvals" / "core" / "engine.py").read_text(encoding="utf-8")
    events = set(re.findall(r'Event\("(\w+)"', source))
    templates = set(re.findall(r'Notify\([^"]*"(\w+)"', source)) | {"revision_requested"}
    assert "sent_back" in events and "reassigned" in events  # the pattern finds them
    assert events <= set(EVENTS), events - set(EVENTS)
    assert templates <= set(TEMPLATES), templates - set(TEMPLATES)


def test_a_process_notice_is_said_in_the_readers_language() -> None:
    params = {"title": "Q3 report", "message": {"en": "Published.", "ru": "Опубликовано."}}
    assert texts.notification_text("process_notice", params, "en") == "“Q3 report”: Published."
    assert texts.notification_text("process_notice", params, "ru") == "«Q3 report»: Опубликовано."


def test_times_read_as_utc_and_money_groups_digits_the_local_way() -> None:
    assert formats.format_time("2026-11-27T14:05:09Z") == "2026-11-27 14:05 UTC"
    assert formats.format_time("2026-11-27T14:05:09Z", "ru") == "27.11.2026 14:05 UTC"
    assert formats.format_number("150000.50", "en", places=2) == "150,000.50"
    assert formats.format_number("150000.50", "ru", places=2) == "150\u00a0000,50"
    assert texts.t("no.such.key", "ru") == "no.such.key"


def test_a_csv_table_is_written_the_readers_way_and_runs_no_formula() -> None:
    import csv
    import io
    from datetime import date
    from decimal import Decimal

    from approvals.texts.formats import csv_table

    rows = [["=HYPERLINK(\"http://x\")", Decimal("1234.50"), date(2026, 11, 27), None],
            ["ООО «Ромашка»", Decimal("0.00"), date(2026, 1, 2), 7]]
    russian = csv_table(["Кому", "Сумма", "Дата", "№"], rows, "ru")
    english = csv_table(["To", "Amount", "Date", "No."], rows, "en")

    assert russian.startswith("\ufeff".encode()) and b"\r\n" in russian
    read = list(csv.reader(io.StringIO(russian.decode("utf-8-sig")), delimiter=";"))
    assert read == [["Кому", "Сумма", "Дата", "№"],
                    ["'=HYPERLINK(\"http://x\")", "1234,50", "27.11.2026", ""],
                    ["ООО «Ромашка»", "0,00", "02.01.2026", "7"]]
    read = list(csv.reader(io.StringIO(english.decode("utf-8-sig"))))
    assert read[1] == ["'=HYPERLINK(\"http://x\")", "1234.50", "2026-11-27", ""]
