"""Form validation: what each field type accepts, what it refuses, and how refusals add up."""

from __future__ import annotations

import base64
from datetime import date
from textwrap import dedent
from typing import Any

import pytest

from approvals.core import forms
from approvals.core.errors import FormInvalid
from approvals.core.forms import Upload, validate
from approvals.core.model import Process
from approvals.definitions import load_text
from tests.unit.fakes import FakeDirectory

PROCESS = load_text(dedent("""
    id: every-field
    name: Every field
    fields:
      - {name: title, type: text, required: true, max_length: 10}
      - {name: note, type: text}
      - {name: code, type: text, pattern: '[A-Z]{2}-\\d{3}'}
      - {name: quantity, type: number, min: 1, max: 1000}
      - {name: ratio, type: number}
      - {name: amount, type: money, min: 0, max: 1000000}
      - {name: budget, type: money}
      - {name: due, type: date}
      - {name: trip, type: date_range}
      - {name: reviewer, type: person}
      - {name: reviewers, type: people}
      - {name: kind, type: choice, choices: [goods, works, {value: 3, label: Three}]}
      - {name: urgent, type: boolean}
      - {name: attachment, type: file}
    stages: [{key: only, name: Only, assignees: [initiator]}]
    """), "test.yaml")


@pytest.fixture
def people() -> FakeDirectory:
    d = FakeDirectory()
    d.add("anna@example.com")
    d.add("boris@example.com")
    d.add("gleb@example.com", active=False)
    return d


def clean(people: FakeDirectory, name: str, value: Any, process: Process = PROCESS) -> Any:
    result = validate(process, {"title": "Title", name: value}, people)
    return result.get(name)


def refused(people: FakeDirectory, name: str, value: Any) -> tuple[str, dict]:
    with pytest.raises(FormInvalid) as refusal:
        validate(PROCESS, {"title": "Title", name: value}, people)
    assert set(refusal.value.errors) == {name}
    return refusal.value.errors[name]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# ---------------------------------------------------------------------------- text


def test_text_is_kept_without_surrounding_spaces(people):
    assert clean(people, "title", "  Laptops ") == "Laptops"


def test_text_longer_than_its_max_length_is_refused(people):
    assert clean(people, "title", "x" * 10) == "x" * 10
    assert refused(people, "title", "x" * 11) == ("too_long", {"max": 10})


def test_text_without_a_max_length_is_limited_to_five_thousand_characters(people):
    assert clean(people, "note", "x" * forms.MAX_TEXT) == "x" * forms.MAX_TEXT
    assert refused(people, "note", "x" * (forms.MAX_TEXT + 1)) == ("too_long", {"max": 5000})


def test_text_must_match_its_whole_pattern(people):
    assert clean(people, "code", "AB-123") == "AB-123"
    assert refused(people, "code", "AB-1234") == ("pattern", {})
    assert refused(people, "code", "ab-123") == ("pattern", {})


def test_text_that_is_not_a_string_is_refused(people):
    assert refused(people, "note", 42) == ("not_text", {})


# ---------------------------------------------------------------------------- number and money


@pytest.mark.parametrize(("value", "expected"), [
    ("42", "42"), (42, "42"), ("1500", "1500"), ("1000", "1000"), ("100.00", "100"),
    ("1e2", "100"), ("2.5", "2.5"), (2.5, "2.5"), ("1500,50", "1500.50"), (" 7 ", "7"),
    ("-3,25", "-3.25"), ("1\u00a0000\u00a0000", "1000000")])
def test_a_number_is_read_as_people_write_it(people, value, expected):
    assert clean(people, "ratio", value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("1500,50", "1500.50"), ("1500.5", "1500.50"), (1500, "1500.00"), ("0", "0.00"),
    ("1\u00a0500\u00a0000", "1500000.00"), ("1\u00a0500\u00a0000,5", "1500000.50"),
    ("1 500 000,50", "1500000.50"), ("480000.000", "480000.00"), ("0,10", "0.10"),
    ("480\u00a0000,00", "480000.00"), ("480,000.00", "480000.00"), ("1,500,000", "1500000.00"),
    ("1.500.000,5", "1500000.50"), ("-1,000.25", "-1000.25"), ("1\u202f000", "1000.00"),
    ("1,500.50", "1500.50"), ("1.500,50", "1500.50")])
def test_money_is_read_with_russian_decimals_and_thousands_and_kept_to_kopecks(people, value,
                                                                              expected):
    assert clean(people, "budget", value) == expected


@pytest.mark.parametrize("value", ["0.005", "0,004", "480000.001", "1e-3", "0.0050",
                                   "1,000.505", 0.005])
def test_money_with_more_decimals_than_kopecks_is_refused_never_rounded(people, value):
    assert refused(people, "budget", value) == ("too_many_decimals", {"places": 2})


def test_the_refusal_of_too_many_decimals_is_said_in_both_languages():
    from approvals.texts import field_error

    params = {"places": 2}
    assert field_error("too_many_decimals", params, "en") == \
        "An amount has at most 2 digits after the decimal point."
    assert field_error("too_many_decimals", params, "ru") == \
        "В сумме не больше двух знаков после запятой."


@pytest.mark.parametrize("value", ["1,5.3", "1,00,000.5", "1.000,000,5", "12,34.56"])
def test_a_number_with_its_digits_grouped_wrongly_is_refused(people, value):
    assert refused(people, "ratio", value) == ("not_a_number", {})


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("quantity", "0", ("too_small", {"min": "1"})),
    ("quantity", "1001", ("too_large", {"max": "1000"})),
    ("quantity", "1000,01", ("too_large", {"max": "1000"})),
    ("amount", "-0,01", ("too_small", {"min": "0"})),
    ("amount", "1\u00a0000\u00a0000,01", ("too_large", {"max": "1000000"})),
])
def test_a_number_outside_its_bounds_is_refused(people, name, value, expected):
    assert refused(people, name, value) == expected


def test_a_number_on_its_bounds_is_accepted(people):
    assert clean(people, "quantity", "1") == "1"
    assert clean(people, "quantity", "1000") == "1000"
    assert clean(people, "amount", "1000000") == "1000000.00"


@pytest.mark.parametrize("value", [
    "abc", "12abc", "1,50.50", "1.5,50", "1,2,3", "NaN", "Infinity", "-inf", True, [1],
    {"value": 1}])
def test_what_is_not_a_number_is_refused(people, value):
    assert refused(people, "budget", value) == ("not_a_number", {})


@pytest.mark.parametrize("value", ["1e40", "1e999999", "-1e18"])
def test_an_absurdly_large_number_is_refused_rather_than_crashing(people, value):
    assert refused(people, "budget", value) == ("too_large", {"max": "999999999999999999"})
    assert refused(people, "ratio", value)[0] == "too_large"


# ---------------------------------------------------------------------------- dates


@pytest.mark.parametrize("value", ["2026-03-15", "15.03.2026", " 15.03.2026 ", date(2026, 3, 15)])
def test_a_date_is_accepted_in_iso_or_russian_form(people, value):
    assert clean(people, "due", value) == "2026-03-15"


@pytest.mark.parametrize("value", [
    "31.02.2026", "2026-02-30", "15/03/2026", "15.3.2026", "tomorrow", 20260315])
def test_what_is_not_a_date_is_refused(people, value):
    assert refused(people, "due", value) == ("not_a_date", {})


@pytest.mark.parametrize("value", [
    {"start": "01.07.2026", "end": "14.07.2026"}, {"start": "2026-07-01", "end": "2026-07-14"},
    "2026-07-01/2026-07-14", "01.07.2026/14.07.2026"])
def test_a_date_range_is_accepted_as_a_pair_or_a_slashed_string(people, value):
    assert clean(people, "trip", value) == {"start": "2026-07-01", "end": "2026-07-14"}


def test_a_one_day_range_is_accepted(people):
    assert clean(people, "trip", {"start": "01.07.2026", "end": "01.07.2026"}) == {
        "start": "2026-07-01", "end": "2026-07-01"}


def test_a_reversed_date_range_is_refused(people):
    assert refused(people, "trip", {"start": "14.07.2026", "end": "01.07.2026"}) == (
        "range_reversed", {})


@pytest.mark.parametrize(("value", "code"), [
    ({"start": "2026-07-01"}, "not_a_range"), ("2026-07-01", "not_a_range"),
    (["2026-07-01", "2026-07-14"], "not_a_range"),
    ({"start": "2026-07-01", "end": "soon"}, "not_a_date")])
def test_an_incomplete_or_unreadable_range_is_refused(people, value, code):
    assert refused(people, "trip", value) == (code, {})


# ---------------------------------------------------------------------------- people


def test_a_person_is_kept_as_a_lowercase_address(people):
    assert clean(people, "reviewer", " Anna@Example.COM ") == "anna@example.com"


@pytest.mark.parametrize(("value", "expected"), [
    ("zoe@example.com", ("unknown_person", {"value": "zoe@example.com"})),
    ("gleb@example.com", ("unknown_person", {"value": "gleb@example.com"})),
    ("anna", ("not_an_email", {"value": "anna"})),
    (7, ("not_an_email", {})),
])
def test_an_unknown_inactive_or_malformed_person_is_refused(people, value, expected):
    assert refused(people, "reviewer", value) == expected


@pytest.mark.parametrize("value", [
    ["anna@example.com", "boris@example.com"],
    "anna@example.com, boris@example.com",
    "anna@example.com;boris@example.com",
    "Anna@example.com\nboris@example.com anna@example.com",
])
def test_people_are_accepted_as_a_list_or_a_separated_string_without_repeats(people, value):
    assert clean(people, "reviewers", value) == ["anna@example.com", "boris@example.com"]


@pytest.mark.parametrize(("value", "expected"), [
    ("anna@example.com, zoe@example.com", ("unknown_person", {"value": "zoe@example.com"})),
    (["anna@example.com", 5], ("not_an_email", {})),
    ({"anna@example.com": True}, ("not_a_list", {})),
    (", ;", ("required", {})),
])
def test_people_with_an_unknown_or_malformed_entry_are_refused(people, value, expected):
    assert refused(people, "reviewers", value) == expected


# ---------------------------------------------------------------------------- choice and boolean


@pytest.mark.parametrize(("value", "expected"), [("goods", "goods"), ("3", "3"), (3, "3")])
def test_a_choice_is_one_of_its_values(people, value, expected):
    assert clean(people, "kind", value) == expected


def test_a_value_outside_the_choices_is_refused_naming_them(people):
    assert refused(people, "kind", "food") == (
        "not_a_choice", {"allowed": ["goods", "works", "3"]})


@pytest.mark.parametrize(("value", "expected"), [
    (True, True), (False, False), ("on", True), ("yes", True), ("1", True), ("TRUE", True),
    ("off", False), ("no", False), ("0", False), ("false", False), (1, True), (0, False)])
def test_a_boolean_accepts_what_forms_and_json_send(people, value, expected):
    assert clean(people, "urgent", value) is expected


def test_a_boolean_refuses_anything_else(people):
    assert refused(people, "urgent", "maybe") == ("not_a_boolean", {})


# ---------------------------------------------------------------------------- files


def test_a_file_is_decoded_from_base64_keeping_only_its_name(people):
    upload = clean(people, "attachment", {"filename": "C:\\Users\\ivan\\contract.pdf",
                                          "content_base64": b64(b"%PDF-1.7"),
                                          "content_type": "application/pdf"})
    assert upload == Upload("contract.pdf", b"%PDF-1.7", "application/pdf")


def test_the_stored_content_type_is_the_extensions_not_the_senders(people):
    upload = clean(people, "attachment", {"filename": "a/b/notes.txt", "content_type":
                                          "text/html", "content_base64": b64(b"hello")})
    assert upload == Upload("notes.txt", b"hello", "text/plain")


def test_an_upload_object_is_accepted_as_it_is(people):
    png = b"\x89PNG\r\n\x1a\n...."
    assert clean(people, "attachment", Upload("scan.png", png)) == Upload(
        "scan.png", png, "image/png")


@pytest.mark.parametrize(("filename", "content", "code"), [
    ("run.exe", b"MZ\x90\x00", "file_type"),
    ("page.html", b"<html><script>alert(1)</script></html>", "file_type"),
    ("image.svg", b"<svg onload=alert(1)>", "file_type"),
    ("no-extension", b"%PDF-1.7", "file_type"),
    ("fake.pdf", b"<html><script>alert(1)</script>", "file_content"),
    ("notes.txt", b"<!DOCTYPE html><script>alert(1)</script>", "file_content"),
    ("contract.docx", b"%PDF-1.7", "file_content"),
    ("photo.jpg", b"\x89PNG\r\n\x1a\n", "file_content"),
    ("binary.txt", b"text\x00\x01\x02", "file_content"),
])
def test_a_file_that_is_not_an_accepted_document_is_refused(people, filename, content, code):
    with pytest.raises(FormInvalid) as refused:
        clean(people, "attachment", {"filename": filename, "content_base64": b64(content)})
    assert refused.value.errors["attachment"][0] == code


@pytest.mark.parametrize(("filename", "content"), [
    ("Договор.PDF", b"%PDF-1.7\n..."), ("акт.docx", b"PK\x03\x04..."),
    ("счёт.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1..."),
    ("выписка.txt", "Остаток на счёте".encode("cp1251")), ("1c.xml", b"<?xml version='1.0'?><a/>"),
    ("scan.tiff", b"II*\x00...."),
])
def test_the_documents_a_company_exchanges_are_taken(people, filename, content):
    upload = clean(people, "attachment", {"filename": filename,
                                          "content_base64": b64(content)})
    assert upload.content == content


@pytest.mark.parametrize(("value", "code"), [
    ({"filename": "a.pdf", "content_base64": "not base64!"}, "bad_base64"),
    ({"filename": "a.pdf", "content_base64": "QUJ"}, "bad_base64"),
    ({"filename": "a.pdf", "content_base64": ""}, "empty_file"),
    ({"filename": "", "content_base64": b64(b"x")}, "no_filename"),
    ({"filename": "dir/", "content_base64": b64(b"x")}, "no_filename"),
    ({"filename": "a.pdf"}, "not_a_file"),
    ("a.pdf", "not_a_file"),
])
def test_a_bad_file_is_refused(people, value, code):
    assert refused(people, "attachment", value) == (code, {})


def test_a_file_over_the_size_limit_is_refused(people, monkeypatch):
    monkeypatch.setattr(forms, "MAX_FILE_BYTES", 4 * 1024 * 1024)
    big = {"filename": "big.bin", "content_base64": b64(b"x" * (4 * 1024 * 1024 + 1))}
    assert refused(people, "attachment", big) == ("file_too_large", {"max_mb": 4})


# ---------------------------------------------------------------------------- the whole form


@pytest.mark.parametrize("value", [None, "", "   ", [], {}])
def test_a_required_field_left_empty_is_refused(people, value):
    assert refused(people, "title", value) == ("required", {})


def test_a_missing_required_field_is_refused(people):
    with pytest.raises(FormInvalid) as refusal:
        validate(PROCESS, {}, people)
    assert refusal.value.errors == {"title": ("required", {})}


def test_empty_optional_fields_are_left_out(people):
    assert validate(PROCESS, {"title": "T", "note": "", "reviewers": [], "due": None},
                    people) == {"title": "T"}


def test_an_unknown_field_is_refused(people):
    with pytest.raises(FormInvalid) as refusal:
        validate(PROCESS, {"title": "T", "colour": "red"}, people)
    assert refusal.value.errors == {"colour": ("unknown_field", {})}


def test_every_refusal_is_reported_together(people):
    with pytest.raises(FormInvalid) as refusal:
        validate(PROCESS, {"colour": "red", "quantity": "0", "due": "soon",
                           "reviewer": "zoe@example.com", "kind": "food", "amount": "12"},
                 people)
    assert {name: code for name, (code, _) in refusal.value.errors.items()} == {
        "colour": "unknown_field", "title": "required", "quantity": "too_small",
        "due": "not_a_date", "reviewer": "unknown_person", "kind": "not_a_choice"}
    assert str(refusal.value) == "invalid fields: colour, due, kind, quantity, reviewer, title"


def test_a_form_that_is_not_an_object_is_refused(people):
    with pytest.raises(FormInvalid) as refusal:
        validate(PROCESS, ["title", "T"], people)
    assert refusal.value.errors == {"fields": ("not_an_object", {})}


def test_a_complete_form_comes_back_clean(people):
    assert validate(PROCESS, {
        "title": "Laptops", "code": "IT-042", "quantity": "12", "amount": "1 500,5",
        "due": "31.12.2026", "trip": "01.07.2026/14.07.2026", "reviewer": "anna@example.com",
        "reviewers": "anna@example.com, boris@example.com", "kind": "goods", "urgent": "on",
    }, people) == {
        "title": "Laptops", "code": "IT-042", "quantity": "12", "amount": "1500.50",
        "due": "2026-12-31", "trip": {"start": "2026-07-01", "end": "2026-07-14"},
        "reviewer": "anna@example.com", "reviewers": ["anna@example.com", "boris@example.com"],
        "kind": "goods", "urgent": True}


# ---------------------------------------------------------------------------- resubmission


def test_a_partial_form_checks_only_the_fields_it_carries(people):
    assert validate(PROCESS, {"amount": "2000,00"}, people, partial=True) == {
        "amount": "2000.00"}
    assert validate(PROCESS, {}, people, partial=True) == {}


def test_a_partial_form_still_refuses_emptying_a_required_field(people):
    with pytest.raises(FormInvalid) as refusal:
        validate(PROCESS, {"title": " "}, people, partial=True)
    assert refusal.value.errors == {"title": ("required", {})}


def test_a_partial_form_still_refuses_bad_and_unknown_fields(people):
    with pytest.raises(FormInvalid) as refusal:
        validate(PROCESS, {"quantity": "lots", "colour": "red"}, people, partial=True)
    assert refusal.value.errors == {"quantity": ("not_a_number", {}),
                                    "colour": ("unknown_field", {})}
