"""Starting a process from the generated form."""

from __future__ import annotations

import re

import redis

from approvals.store.models import AuditEvent, Document, Instance, OutboxItem
from tests.integration.web.site import count, csrf_token, instance_row
from workers.actors import handoff

CONTRACT = "/processes/contract-approval/start"
EVERY = "/processes/every-field/start"


def contract_form(**changes):
    data = {"title": "Supply contract 42", "counterparty": "Acme LLC", "amount": "150,000.50",
            "approvers": "anna@example.com\nboris@example.com"}
    data.update(changes)
    return data


def upload(name: str = "contract.pdf", content: bytes = b"%PDF-1.4 the contract"):
    import io

    return (io.BytesIO(content), name, "application/pdf")


def test_the_start_form_has_an_input_for_every_field_type(browsers) -> None:
    page = browsers("ivan").get(EVERY)
    assert page.status_code == 200
    html = page.text
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<input id="f-title" name="title" type="text"[^>]*required', html)
    assert '<textarea id="f-notes" name="notes"' in html
    assert re.search(r'name="quantity" type="text" inputmode="decimal"', html)
    assert re.search(r'name="price" type="text" inputmode="decimal"', html)
    assert '<span class="unit">EUR</span>' in html
    assert 'name="due" type="date"' in html
    assert 'type="date" name="period.start"' in html and 'type="date" name="period.end"' in html
    assert re.search(r'name="reviewer" type="email" list="people-list"', html)
    assert '<datalist id="people-list">' in html and 'value="anna@example.com"' in html
    assert '<textarea id="f-watchers" name="watchers"' in html
    assert '<select id="f-priority" name="priority"' in html
    assert '<option value="high">High</option>' in html
    assert 'type="checkbox" id="f-urgent" name="urgent"' in html
    assert 'name="attachment" type="file"' in html
    assert "Anything the reviewer should know." in html  # help text
    assert html.count('name="csrf_token"') == 3  # the form, the language switch, log-out


def test_a_russian_person_sees_the_start_form_in_russian(browsers) -> None:
    html = browsers("olga").get(EVERY).text
    assert '<html lang="ru">' in html
    for label in ("Все поля", "Название", "Примечания", "Количество", "Цена", "Срок", "Период",
                  "Проверяющий", "Наблюдатели", "Приоритет", "Срочно", "Вложение",
                  "Всё, что стоит знать проверяющему.", "— выберите —", "Запустить"):
        assert label in html, label
    assert '<option value="high">Высокий</option>' in html
    assert "Priority" not in html and "Anything the reviewer" not in html


def test_starting_a_contract_stores_it_enqueues_its_notices_and_redirects(
        app, browsers, redis_url: str) -> None:
    queue = redis.Redis.from_url(redis_url)
    before = queue.hlen("dramatiq:outbox.msgs")
    ivan = browsers("ivan")
    response = ivan.submit(CONTRACT, CONTRACT, {**contract_form(), "contract": upload()},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    instance_id = int(response.headers["Location"].rsplit("/", 1)[1])
    instance = instance_row(app, instance_id)
    assert instance.title == "Supply contract 42"
    assert instance.fields["amount"] == "150000.50"
    assert instance.fields["approvers"] == ["anna@example.com", "boris@example.com"]
    assert instance.fields["contract"]["filename"] == "contract.pdf"
    # one message carries the command's notices, one per approver
    assert handoff.flush()  # sent by the hand-off thread, right after the commit
    assert queue.hlen("dramatiq:outbox.msgs") >= before + 1
    queue.close()
    page = ivan.get(response.headers["Location"])
    assert page.status_code == 200
    assert "The process has started." in page.text
    assert "150,000.50 RUB" in page.text
    assert "contract.pdf" in page.text


def test_an_invalid_start_form_answers_400_with_a_message_per_field_and_writes_nothing(
        app, browsers) -> None:
    before = {model: count(app, model) for model in (Instance, AuditEvent, OutboxItem,
                                                     Document)}
    ivan = browsers("ivan")
    response = ivan.submit(EVERY, EVERY, {
        "title": "Bad <title>!", "notes": "kept as typed", "quantity": "500", "price": "abc",
        "due": "31.02.2026", "period.start": "2026-05-10", "period.end": "2026-05-01",
        "reviewer": "nobody@example.com", "watchers": "not-an-address", "priority": "urgent",
        "urgent": "on"}, content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.text
    assert "Please correct the fields marked below." in html
    expected = {"title": "The value does not have the expected format.",
                "quantity": "Must be at most 100.",
                "price": "Enter a number, such as 1500.50.",
                "due": "Enter a date, such as 2026-12-31.",
                "period": "The last day is before the first.",
                "reviewer": "Nobody with the address “nobody@example.com” can take part",
                "watchers": "“not-an-address” is not an email address.",
                "priority": "Choose one of: low, high."}
    for field, message in expected.items():
        shown = re.search(rf'id="f-{field}-error">([^<]*)<', html)
        assert shown, field
        assert message in shown.group(1), (field, shown.group(1))
    assert 'data-field="notes"' in html and 'id="f-notes-error"' not in html
    assert "kept as typed</textarea>" in html  # the person's values are kept
    assert 'value="2026-05-10"' in html and 'value="nobody@example.com"' in html
    assert re.search(r'name="urgent" value="on" checked', html)
    assert {model: count(app, model) for model in before} == before
    assert csrf_token(html)


def test_a_refused_form_speaks_russian_to_a_russian_person(browsers) -> None:
    olga = browsers("olga")
    response = olga.submit(CONTRACT, CONTRACT, contract_form(title="", amount="-5",
                                                            approvers="кто-то"),
                           content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.text
    for text in ("Исправьте отмеченные ниже поля.", "Обязательное поле.", "Не меньше 0.",
                 "«кто-то» — не адрес электронной почты.", "выберите файл ещё раз"):
        assert text in html, text


def test_an_unknown_process_is_a_localized_404(browsers) -> None:
    assert browsers("ivan").get("/processes/no-such/start").status_code == 404
    page = browsers("olga").get("/processes/no-such/start")
    assert page.status_code == 404
    assert "Не найдено" in page.text


def test_the_process_list_links_to_each_start_form(browsers) -> None:
    html = browsers("ivan").get("/processes").text
    assert 'href="/processes/contract-approval/start"' in html
    assert "Enter the contract&#39;s data" in html
    assert 'href="/processes/every-field/start"' in html
