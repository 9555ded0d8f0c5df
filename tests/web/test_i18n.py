"""The catalogue covers every code the domain produces, in both languages."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from approvals.core import engine, errors
from approvals.core import model as definitions
from web import i18n

ROOT = Path(__file__).resolve().parents[2]
FORM_CODES = ("required", "unknown_field", "not_text", "too_long", "pattern", "not_a_number",
              "too_small", "too_large", "not_a_date", "not_a_range", "range_reversed",
              "not_an_email", "unknown_person", "not_a_list", "not_a_choice", "not_a_boolean",
              "bad_base64", "not_a_file", "no_filename", "empty_file", "file_too_large",
              "not_an_object")
EVENTS = ("started", "stage_entered", "task_opened", "decided", "task_withdrawn",
          "stage_completed", "stage_skipped", "sent_back", "resubmitted", "document_version",
          "completed", "cancelled", "reassigned", "deadline_passed", "fields_set", "reopened",
          "trail_issued")
TEMPLATES = ("task_assigned", "revision_requested", "task_withdrawn", "task_overdue",
             "task_overdue_initiator", "instance_completed", "process_notice",
             "instance_reopened", "trail_issued")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_entry_has_english_and_russian_with_the_same_placeholders() -> None:
    for key, texts in i18n.CATALOGUE.items():
        assert set(texts) == {"en", "ru"}, key
        assert texts["en"].strip() and texts["ru"].strip(), key
        assert _placeholders(texts["en"]) == _placeholders(texts["ru"]), key


def test_every_code_the_form_validator_produces_has_a_message() -> None:
    source = (ROOT / "approvals" / "core" / "forms.py").read_text(encoding="utf-8")
    produced = set(re.findall(r'_Refused\("(\w+)"', source)) | set(
        re.findall(r'errors\[[^\]]+\] = \("(\w+)"', source)) | {"not_an_object"}
    assert produced <= set(FORM_CODES), produced - set(FORM_CODES)
    for code in FORM_CODES:
        for locale in i18n.LOCALES:
            text = i18n.field_error(code, {"max": 5, "min": 1, "value": "x", "max_mb": 25,
                                           "allowed": ["a", "b"]}, locale)
            assert text != i18n.t("field_error.unknown", locale), code
            assert "{" not in text, (code, text)


@pytest.mark.parametrize("locale, expected", [
    ("en", "“bob” is not an email address."), ("ru", "«bob» — не адрес электронной почты.")])
def test_a_field_error_fills_in_its_parameters(locale: str, expected: str) -> None:
    assert i18n.field_error("not_an_email", {"value": "bob"}, locale) == expected
    assert "{" not in i18n.field_error("not_an_email", {}, locale)


def test_verdicts_states_events_templates_and_errors_are_all_named() -> None:
    verdicts = {*definitions.VERDICTS, definitions.RESUBMIT}
    assert i18n.verdict("approve", "ru") == "Согласовать"
    assert i18n.verdict("send_back", "ru") == "Вернуть на доработку"
    assert i18n.verdict("acknowledge", "en") == "Acknowledged"
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
    missing = [key for key in keys if not i18n.has(key)]
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
    assert i18n.notification_text("process_notice", params, "en") == "“Q3 report”: Published."
    assert i18n.notification_text("process_notice", params, "ru") == "«Q3 report»: Опубликовано."


def test_times_read_as_utc_and_money_groups_digits_the_local_way() -> None:
    assert i18n.format_time("2026-11-27T14:05:09Z") == "2026-11-27 14:05 UTC"
    assert i18n.format_number("150000.50", "en", places=2) == "150,000.50"
    assert i18n.format_number("150000.50", "ru", places=2) == "150\u00a0000,50"
    assert i18n.t("no.such.key", "ru") == "no.such.key"
