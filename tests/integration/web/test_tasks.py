"""Task and instance pages: deciding, sending back, resubmitting, withdrawing, reading."""

from __future__ import annotations

import io
import re

from flask import Flask
from sqlmodel import select

from approvals import service
from approvals.store.db import read_session
from approvals.store.models import Document, OutboxItem
from tests.integration.web.site import (
    NOW,
    Browser,
    audit_head,
    count,
    csrf_token,
    ids,
    instance_row,
    open_task,
)
from workers import outbox


def decide(browser: Browser, task_id: int, verdict: str, comment: str = ""):
    return browser.submit(f"/tasks/{task_id}", f"/tasks/{task_id}/decide",
                          {"verdict": verdict, "comment": comment})


def test_an_approver_opens_the_task_from_the_inbox_and_approves_it(app, browsers,
                                                                   contract: int) -> None:
    anna = browsers("anna")
    inbox = anna.get("/").text
    task_id = open_task(app, contract, "anna")
    assert f'href="/tasks/{task_id}"' in inbox
    assert "Supply contract 42" in inbox and "from Ivan Initiator" in inbox
    page = anna.get(f"/tasks/{task_id}").text
    assert '<button type="submit" name="verdict" value="approve"' in page
    assert '<button type="submit" name="verdict" value="send_back"' in page
    assert "Acme LLC" in page and "contract-v1.pdf" in page
    response = decide(anna, task_id, "approve", "Looks fine")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/instances/{contract}"
    shown = anna.get(response.headers["Location"]).text
    assert "Your decision is recorded: Approve." in shown
    assert "Looks fine" in shown
    assert instance_row(app, contract).stage == "approval"  # Boris has not decided yet
    assert f'href="/tasks/{task_id}"' not in anna.get("/").text


def test_sending_back_without_a_comment_shows_the_error_and_changes_nothing(
        app, browsers, contract: int) -> None:
    boris = browsers("boris")
    task_id = open_task(app, contract, "boris")
    head = audit_head(app, contract)
    response = decide(boris, task_id, "send_back", "   ")
    assert response.status_code == 400
    assert "Для возврата на доработку нужен комментарий" in response.text  # Boris reads Russian
    assert 'id="comment-error"' in response.text
    assert audit_head(app, contract) == head


def test_a_task_decided_already_says_by_whom_and_when_with_409(app, browsers,
                                                               contract: int) -> None:
    anna = browsers("anna")
    task_id = open_task(app, contract, "anna")
    page = f"/tasks/{task_id}"
    shown = anna.get(page)  # the form as Anna saw it before she decided by email
    service.decide(app.extensions["signoff.db"], task_id, ids(app)["anna"], "approve", "",
                   NOW, channel="email")
    late = anna.client.post(f"{page}/decide", data={
        "verdict": "send_back", "comment": "too late", "csrf_token": csrf_token(shown.text)})
    assert late.status_code == 409
    assert "Already decided by Anna Approver at 2026-03-02 09:00 UTC: Approved." in late.text
    assert "Already decided by Anna Approver" in anna.get(page).text


def test_someone_else_cannot_decide_a_task(app, browsers, contract: int) -> None:
    task_id = open_task(app, contract, "anna")
    boris = browsers("boris")
    page = boris.get(f"/tasks/{task_id}")
    assert page.status_code == 200  # a participant may read it, without the decision form
    assert 'name="verdict"' not in page.text
    response = decide(boris, task_id, "approve")
    assert response.status_code == 403
    assert "Эта задача назначена другому сотруднику." in response.text
    assert open_task(app, contract, "anna") == task_id


def test_a_non_participant_gets_403_on_every_page_of_the_instance(app, browsers,
                                                                  contract: int) -> None:
    oscar = browsers("oscar")
    task_id = open_task(app, contract, "anna")
    doc_id = _document_ids(app, contract)[0]
    for path in (f"/instances/{contract}", f"/tasks/{task_id}", f"/documents/{doc_id}"):
        response = oscar.get(path)
        assert response.status_code == 403, path
        assert "You do not have access to this page." in response.text
    admin = browsers("ada")  # administrators and auditors may read
    assert admin.get(f"/instances/{contract}").status_code == 200


def test_a_get_of_a_task_page_changes_nothing(app, browsers, contract: int) -> None:
    task_id = open_task(app, contract, "anna")
    anna = browsers("anna")
    before = (audit_head(app, contract), instance_row(app, contract).version,
              count(app, OutboxItem))
    for path in (f"/tasks/{task_id}", f"/instances/{contract}", "/",
                 f"/documents/{_document_ids(app, contract)[0]}"):
        assert anna.get(path).status_code == 200
    assert (audit_head(app, contract), instance_row(app, contract).version,
            count(app, OutboxItem)) == before


def test_the_instance_page_shows_stages_tasks_documents_and_history(app, browsers,
                                                                    contract: int) -> None:
    html = browsers("ivan").get(f"/instances/{contract}").text
    assert re.search(r'class="stage stage-current" aria-current="step">.*?Approval', html, re.S)
    assert re.search(r'class="stage stage-pending">.*?Send the contract to the client', html,
                     re.S)
    assert html.count('class="task-item is-open"') == 2
    assert "Anna Approver" in html and "Борис Согласующий" in html
    assert re.search(r"SHA-256</abbr> <code>[0-9a-f]{64}</code>", html)
    for line in ("Process started", "Stage “Approval” began: Anna Approver, Борис Согласующий",
                 "Task opened for Anna Approver", "Contract: version 1, contract-v1.pdf"):
        assert line in html, line
    assert "Withdraw the process" in html  # Ivan started it


def test_a_send_back_then_a_resubmission_with_a_new_file(app, browsers, contract: int) -> None:
    anna = browsers("anna")
    assert decide(anna, open_task(app, contract, "anna"), "send_back",
                  "Fix the amount").status_code == 303
    ivan = browsers("ivan")
    revision = open_task(app, contract, "ivan")
    page = ivan.get(f"/tasks/{revision}").text
    assert f'action="/instances/{contract}/resubmit"' in page
    assert "Fix the amount" in page
    assert 'value="Acme LLC"' in page and "anna@example.com\nboris@example.com" in page
    assert "Current file: contract-v1.pdf" in page
    stages = ivan.get(f"/instances/{contract}").text
    assert re.search(r'class="stage stage-pending">.*?Approval', stages, re.S)
    assert re.search(r'class="stage stage-current" aria-current="step">.*?Revision', stages,
                     re.S)
    response = ivan.submit(f"/tasks/{revision}", f"/instances/{contract}/resubmit", {
        "title": "Supply contract 42", "counterparty": "Acme LLC", "amount": "120000",
        "approvers": "anna@example.com\nboris@example.com", "_comment": "Amount fixed",
        "contract": (io.BytesIO(b"%PDF-1.4 version two"), "contract-v2.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    instance = instance_row(app, contract)
    assert (instance.stage, instance.fields["amount"]) == ("approval", "120000.00")
    assert instance.fields["contract"]["version"] == 2
    html = ivan.get(f"/instances/{contract}").text
    assert "contract-v1.pdf" in html and "contract-v2.pdf" in html
    assert "Amount fixed" in html and "Sent for approval again" in html


def test_a_resubmission_with_a_bad_field_is_shown_again_with_400(app, browsers,
                                                                 contract: int) -> None:
    decide(browsers("anna"), open_task(app, contract, "anna"), "send_back", "Wrong amount")
    ivan = browsers("ivan")
    revision = open_task(app, contract, "ivan")
    head = audit_head(app, contract)
    response = ivan.submit(f"/tasks/{revision}", f"/instances/{contract}/resubmit", {
        "title": "Supply contract 42", "counterparty": "Acme LLC", "amount": "lots",
        "approvers": "anna@example.com", "_comment": "try"},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert re.search(r'id="f-amount-error">Enter a number', response.text)
    assert 'value="lots"' in response.text
    assert audit_head(app, contract) == head


def test_withdrawing_needs_the_confirmation_and_then_cancels(app, browsers,
                                                             contract: int) -> None:
    ivan = browsers("ivan")
    page = f"/instances/{contract}"
    refused = ivan.submit(page, f"{page}/withdraw", {"reason": "No longer needed"})
    assert refused.status_code == 400
    assert "Tick the confirmation" in refused.text
    assert instance_row(app, contract).status == "running"
    anna = browsers("anna")
    assert anna.submit(page, f"{page}/withdraw", {"confirm": "yes"}).status_code == 403
    done = ivan.submit(page, f"{page}/withdraw", {"reason": "No longer needed",
                                                  "confirm": "yes"})
    assert done.status_code == 303
    assert instance_row(app, contract).status == "cancelled"
    html = ivan.get(page).text
    assert "Cancelled" in html and "No longer needed" in html
    assert "Withdraw the process" not in html
    assert 'class="stage stage-done"' not in html  # nothing was approved


def test_the_whole_contract_completes_on_the_pages(app, browsers, contract: int) -> None:
    for who in ("anna", "boris"):
        assert decide(browsers(who), open_task(app, contract, who), "approve").status_code == 303
    ivan = browsers("ivan")
    assert decide(ivan, open_task(app, contract, "ivan"), "done").status_code == 303
    html = ivan.get(f"/instances/{contract}").text
    assert 'class="badge status-completed">Completed<' in html
    assert html.count('class="stage stage-done"') == 2
    assert browsers("olga").get(f"/instances/{contract}").status_code == 403
    boris_view = browsers("boris").get(f"/instances/{contract}").text
    assert ">Завершено<" in boris_view


def test_notifications_show_in_the_inbox_in_each_persons_language(app, browsers,
                                                                  contract: int) -> None:
    engine = app.extensions["signoff.db"]
    for item_id in range(1, count(app, OutboxItem) + 1):
        outbox.deliver(engine, item_id, NOW)
    assert "New task: “Supply contract 42”, stage “Approval”" in browsers("anna").get("/").text
    boris = browsers("boris").get("/").text
    assert "Новая задача: «Supply contract 42», этап «Согласование»" in boris


def test_a_document_downloads_as_an_attachment(app, browsers, contract: int) -> None:
    response = browsers("anna").get(f"/documents/{_document_ids(app, contract)[0]}")
    assert response.status_code == 200
    assert response.data == b"%PDF-1.4 version one"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_that_do_not_exist_are_404_in_the_persons_language(browsers) -> None:
    olga = browsers("olga")
    for path in ("/instances/999", "/tasks/999", "/documents/999", "/instances/99999999999",
                 "/nowhere"):
        response = olga.get(path)
        assert response.status_code == 404, path
        assert "Ошибка 404" in response.text


def _document_ids(app: Flask, instance_id: int) -> list[int]:
    with read_session(app.extensions["signoff.db"]) as session:
        return list(session.exec(select(Document.id).where(
            Document.instance_id == instance_id).order_by(Document.id)).all())


def test_an_administrator_reopens_a_withdrawn_process_on_its_page(app, browsers,
                                                                  contract: int) -> None:
    page = f"/instances/{contract}"
    ivan, ada = browsers("ivan"), browsers("ada")
    assert ivan.submit(page, f"{page}/withdraw", {"reason": "Oops", "confirm": "yes"}
                       ).status_code == 303
    assert "Reopen the process" not in ivan.get(page).text  # only administrators see it
    html = ada.get(page).text
    assert "Reopen the process" in html and '<option value="approval"' in html
    head = audit_head(app, contract)
    unconfirmed = ada.submit(page, f"{page}/reopen", {"reason": "Withdrawn by mistake"})
    assert unconfirmed.status_code == 400 and "Tick the confirmation" in unconfirmed.text
    assert "Withdrawn by mistake" in unconfirmed.text  # what was typed is kept
    no_reason = ada.submit(page, f"{page}/reopen", {"reason": " ", "confirm": "yes"})
    assert no_reason.status_code == 400 and "Say why the process is reopened" in no_reason.text
    assert audit_head(app, contract) == head and instance_row(app, contract).status == \
        "cancelled"
    done = ada.submit(page, f"{page}/reopen", {"reason": "Withdrawn by mistake",
                                               "stage": "approval", "confirm": "yes"})
    assert done.status_code == 303
    assert instance_row(app, contract).status == "running"
    html = ada.get(page).text
    assert "The process was reopened at the stage “Approval”." in html
    assert "Process reopened at the stage “Approval”" in html and "Withdrawn by mistake" in html
    assert open_task(app, contract, "anna") and open_task(app, contract, "boris")
    russian = browsers("boris").get(page).text
    assert "Процесс открыт повторно с этапа «Согласование»" in russian


def test_someone_not_an_administrator_cannot_reopen(app, browsers, contract: int) -> None:
    page = f"/instances/{contract}"
    ivan = browsers("ivan")
    ivan.submit(page, f"{page}/withdraw", {"confirm": "yes"})
    refused = ivan.submit(page, f"{page}/reopen", {"reason": "Again", "confirm": "yes"})
    assert refused.status_code == 403
    assert instance_row(app, contract).status == "cancelled"


def test_a_completed_process_is_reopened_only_once_its_trail_is_issued(app, browsers,
                                                                       contract: int) -> None:
    for who in ("anna", "boris"):
        decide(browsers(who), open_task(app, contract, who), "approve")
    decide(browsers("ivan"), open_task(app, contract, "ivan"), "done")
    page = f"/instances/{contract}"
    ada = browsers("ada")
    refused = ada.submit(page, f"{page}/reopen", {"reason": "Again", "confirm": "yes"})
    assert refused.status_code == 409
    assert "The signed trail of this completion is still being made" in refused.text
    assert instance_row(app, contract).status == "completed"
