"""Times, numbers and trails in the reader's language and time zone (issue 17): times printed
in a zone and naming it, numbers read the way a reader of each language types them (an
ambiguous one refused, never guessed), and the trail language a process file chooses."""

from __future__ import annotations

from datetime import UTC, datetime
from textwrap import dedent

import pytest

from approvals import texts
from approvals.core import forms
from approvals.core.errors import DefinitionError, FormInvalid
from approvals.core.forms import read_number
from approvals.definitions import load_text
from approvals.texts import formats

MOMENT = datetime(2026, 11, 27, 14, 5, 9, tzinfo=UTC)
HEAD = """\
id: memo
name: {en: Memo, ru: Записка}
stages:
  - key: read
    name: {en: Reading, ru: Чтение}
    assignees: [{person: anna@example.com}]
"""
FIELDS = """\
fields:
  - {name: amount, type: money, currency: RUB, label: {en: Amount, ru: Сумма}}
  - {name: count, type: number, label: {en: Count, ru: Количество}}
"""


@pytest.mark.parametrize(("locale", "zone", "shown"), [
    ("en", None, "2026-11-27 14:05 UTC"),
    ("ru", None, "27.11.2026 14:05 UTC"),
    ("en", "Europe/Moscow", "2026-11-27 17:05 MSK"),
    ("ru", "Europe/Moscow", "27.11.2026 17:05 MSK"),
    ("en", "Asia/Yekaterinburg", "2026-11-27 19:05 UTC+05:00"),  # tzdata says only "+05"
    ("en", "Asia/Kolkata", "2026-11-27 19:35 IST"),
    ("en", "America/New_York", "2026-11-27 09:05 EST"),
    ("ru", "Asia/Kamchatka", "28.11.2026 02:05 UTC+12:00"),  # the next day there
    ("en", "No/Such_Zone", "2026-11-27 14:05 UTC"),  # unknown: UTC, never an error
])
def test_a_time_is_shown_in_the_readers_zone_and_names_it(
        locale: str, zone: str | None, shown: str) -> None:
    assert formats.format_time(MOMENT, locale, zone) == shown
    assert formats.format_time(MOMENT.isoformat(), locale, zone) == shown


def test_a_record_keeps_utc_to_the_second_and_says_so() -> None:
    assert formats.format_moment(MOMENT) == "2026-11-27 14:05:09 UTC"


@pytest.mark.parametrize(("zone", "label"), [
    ("Europe/Moscow", "Europe/Moscow (UTC+03:00)"),
    ("Asia/Kolkata", "Asia/Kolkata (UTC+05:30)"),
    ("America/St_Johns", "America/St_Johns (UTC-03:30)"),
    (None, "UTC"),
    ("UTC", "UTC"),
])
def test_a_mail_names_the_zone_by_name_and_offset(zone: str | None, label: str) -> None:
    assert formats.zone_label(zone, MOMENT) == label


@pytest.mark.parametrize(("typed", "locale", "read"), [
    ("100,000", "en", "100000"),
    ("100,000.50", "en", "100000.50"),
    ("1,000,000", "en", "1000000"),
    ("100 000.50", "en", "100000.50"),
    ("100.5", "en", "100.5"),
    ("-1,234.5", "en", "-1234.5"),
    ("100 000,50", "ru", "100000.50"),
    ("100\u00a0000,50", "ru", "100000.50"),  # as a form shows it back
    ("480\u202f000,00", "ru", "480000.00"),
    ("1.000.000,5", "ru", "1000000.5"),
    ("1500", "ru", "1500"),
    ("0,005", "ru", "0.005"),  # read; the money check refuses it (too_many_decimals)
])
def test_a_number_is_read_the_way_its_reader_writes_it(typed: str, locale: str,
                                                       read: str) -> None:
    assert read_number(typed, locale) == read


@pytest.mark.parametrize(("typed", "locale"), [
    ("100,5", "en"),  # a Russian decimal comma, or a thousand badly grouped?
    ("1,00,000", "en"),
    ("1,5.3", "en"),
    ("100.000.5", "en"),
    ("1,000.5.5", "en"),
    (",5", "en"),
    ("100.000", "ru"),  # a thousand, or a hundred?
    ("1500.50", "ru"),
    ("1 00,5", "ru"),
    ("1,5,3", "ru"),
])
def test_an_ambiguous_or_malformed_number_is_refused_not_guessed(typed: str,
                                                                  locale: str) -> None:
    process = load_text(HEAD + FIELDS, "memo.yaml")
    with pytest.raises(FormInvalid) as refusal:
        forms.validate(process, {"amount": typed}, None, locale=locale)
    code, params = refusal.value.errors["amount"]
    assert code == "number_format"
    message = texts.field_error(code, params, locale)
    assert ("100,000.50" if locale == "en" else "100 000,50") in message


def test_english_100_000_is_a_hundred_thousand_and_the_api_keeps_its_reading() -> None:
    process = load_text(HEAD + FIELDS, "memo.yaml")
    assert forms.validate(process, {"amount": "100,000", "count": "1,500"}, None,
                          locale="en") == {"amount": "100000.00", "count": "1500"}
    assert forms.validate(process, {"amount": "100 000,50", "count": "1,5"}, None,
                          locale="ru") == {"amount": "100000.50", "count": "1.5"}
    # no reader's language (the JSON API): a JSON number, or the lone comma read as before
    assert forms.validate(process, {"amount": 100000, "count": "1,5"}, None) == \
        {"amount": "100000.00", "count": "1.5"}


@pytest.mark.parametrize(("extra", "language"), [
    ("", "initiator"),
    ("trail: {language: initiator}\n", "initiator"),
    ("trail: {language: organisation}\n", "organisation"),
    ("trail: {language: ru}\n", "ru"),
    ("trail: {}\n", "initiator"),
])
def test_a_process_file_may_choose_its_trails_language(extra: str, language: str) -> None:
    assert load_text(HEAD + extra, "memo.yaml").trail_language == language


@pytest.mark.parametrize(("extra", "where", "problem"), [
    ("trail: {language: de}\n", "trail.language",
     "'de' is not a trail language (expected one of initiator, organisation, en, ru)"),
    ("trail: {language: [en]}\n", "trail.language", "is not a trail language"),
    ("trail: ru\n", "trail", "expected a mapping"),
    ("trail: {lang: ru}\n", "trail.lang", "unknown key"),
])
def test_a_wrong_trail_language_is_a_clear_definition_error(extra: str, where: str,
                                                            problem: str) -> None:
    with pytest.raises(DefinitionError) as refusal:
        load_text(HEAD + dedent(extra), "memo.yaml")
    assert refusal.value.where == where
    assert refusal.value.line == 7
    assert problem in str(refusal.value)
