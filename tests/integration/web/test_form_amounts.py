"""Amounts on the forms (issue 17): a form that shows a stored amount writes it the reader's
way, as the start form took it and as the page shows it (``480 000,00`` in Russian,
``480,000.00`` in English, never the stored ``480000.00``), and reads it back unchanged; an
amount with more decimals than kopecks is refused with a message, never rounded."""

from __future__ import annotations

import io

import pytest

from approvals.store.models import Instance
from tests.integration.web.site import audit_head, count, instance_row, open_task

CONTRACT = "/processes/contract-approval/start"


def start_contract(browser, amount: str):
    return browser.submit(CONTRACT, CONTRACT, {
        "title": "Поставка кабеля", "counterparty": "ООО «Ромашка»", "amount": amount,
        "approvers": "anna@example.com",
        "contract": (io.BytesIO(b"%PDF-1.4 version one"), "contract-v1.pdf",
                     "application/pdf")}, content_type="multipart/form-data")


@pytest.mark.parametrize(("who", "typed", "shown", "page_text"), [
    ("olga", "480 000,00", "480\u00a0000,00", "480\u00a0000,00 RUB"),  # Russian
    ("ivan", "480000", "480,000.00", "480,000.00 RUB"),  # English
])
def test_the_revision_form_shows_the_amount_the_readers_way_and_reads_it_back(
        app, browsers, who: str, typed: str, shown: str, page_text: str) -> None:
    initiator = browsers(who)
    started = start_contract(initiator, typed)
    assert started.status_code == 303
    contract = int(started.headers["Location"].rsplit("/", 1)[1])
    anna = browsers("anna")
    task = open_task(app, contract, "anna")
    assert anna.submit(f"/tasks/{task}", f"/tasks/{task}/decide",
                       {"verdict": "send_back", "comment": "Check the amount"}
                       ).status_code == 303
    assert page_text in initiator.get(f"/instances/{contract}").text

    revision = open_task(app, contract, who)
    page = initiator.get(f"/tasks/{revision}").text

    assert f'name="amount" type="text" inputmode="decimal" autocomplete="off" ' \
           f'value="{shown}"' in page
    assert "480000.00" not in page
    resubmitted = initiator.submit(f"/tasks/{revision}", f"/instances/{contract}/resubmit", {
        "title": "Поставка кабеля", "counterparty": "ООО «Ромашка»", "amount": shown,
        "approvers": "anna@example.com", "_comment": "Checked"},
        content_type="multipart/form-data")
    assert resubmitted.status_code == 303
    assert instance_row(app, contract).fields["amount"] == "480000.00"


@pytest.mark.parametrize(("who", "amount", "message"), [
    ("olga", "0,005", "В сумме не больше двух знаков после запятой."),
    ("ivan", "150000.255", "An amount has at most 2 digits after the decimal point."),
])
def test_an_amount_finer_than_kopecks_is_refused_on_the_start_form_not_rounded(
        app, browsers, who: str, amount: str, message: str) -> None:
    response = start_contract(browsers(who), amount)

    assert response.status_code == 400
    assert f'id="f-amount-error">{message}</p>' in response.text
    assert f'value="{amount}"' in response.text  # what was typed is kept
    assert 'value="ООО «Ромашка»"' in response.text or \
        'value="ООО &laquo;Ромашка&raquo;"' in response.text
    assert count(app, Instance) == 0


def test_an_amount_finer_than_kopecks_is_refused_on_the_revision_form(app, browsers) -> None:
    ivan = browsers("ivan")
    contract = int(start_contract(ivan, "1000").headers["Location"].rsplit("/", 1)[1])
    task = open_task(app, contract, "anna")
    browsers("anna").submit(f"/tasks/{task}", f"/tasks/{task}/decide",
                            {"verdict": "send_back", "comment": "Check the amount"})
    revision = open_task(app, contract, "ivan")
    head = audit_head(app, contract)

    response = ivan.submit(f"/tasks/{revision}", f"/instances/{contract}/resubmit", {
        "title": "Поставка кабеля", "counterparty": "ООО «Ромашка»", "amount": "999.999",
        "approvers": "anna@example.com", "_comment": "try"},
        content_type="multipart/form-data")

    assert response.status_code == 400
    assert "An amount has at most 2 digits after the decimal point." in response.text
    assert audit_head(app, contract) == head
    assert instance_row(app, contract).fields["amount"] == "1000.00"
