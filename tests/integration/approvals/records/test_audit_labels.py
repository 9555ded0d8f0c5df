"""The audit and export pages' labels say what the fields do (issue 17 found "Даты относятся к"
and "Сотрудник" on them: the period is chosen by the date of start or of end, and the person
searched for is any participant, not an employee record), in Russian and in English."""

from __future__ import annotations

import pytest
from sqlmodel import select

from approvals.records import exports
from approvals.store.db import write_session
from approvals.store.models import Person
from tests.integration.trails import add_person, load_one_step, make_app, signed_in

LABELS = {
    "ru": {"audit": ["<legend>Период по дате</legend>", "> запуска</label>",
                     "> окончания (завершён или отменён)</label>",
                     '<label for="s-person">Участник (адрес или имя)</label>',
                     "Инициатор, согласующий или любой другой участник",
                     '<label for="s-outcome">Статус</label>', "Любой статус",
                     '<label for="s-q">Текст в предмете или в полях формы</label>'],
           "export": ["<dt>Период</dt>", "<dd>Листы согласования процессов, завершённых с "
                      "01.01.2026 по 31.01.2026</dd>", "<dt>Процесс</dt>",
                      "<dt>Запрошена</dt><dd>Audrey Auditor, "],
           "gone": ["Даты относятся к", "Сотрудник", "Итог"]},
    "en": {"audit": ["<legend>Period by the date of</legend>", "> start</label>",
                     "> end (completed or cancelled)</label>",
                     '<label for="s-person">Participant (email or name)</label>',
                     '<label for="s-outcome">Status</label>', "Any status",
                     '<label for="s-q">Text in the subject or the form&#39;s fields</label>'],
           "export": ["<dt>Period</dt>", "<dd>Trails of the processes completed from "
                      "2026-01-01 to 2026-01-31</dd>", "<dt>Process</dt>",
                      "<dt>Requested</dt><dd>Audrey Auditor, "],
           "gone": ["Dates apply to", "Person (email", "Outcome"]},
}


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_the_audit_and_export_pages_say_what_their_fields_do(db, org, now, signing_var,
                                                             broker, locale):
    load_one_step(db, now)
    auditor = add_person(db, "audrey@example.com", "Audrey Auditor", role="auditor")
    with write_session(db) as session:
        person = session.exec(select(Person).where(Person.id == auditor)).one()
        person.locale = locale
        session.add(person)
    made = exports.create(db, auditor, {"from": "2026-01-01", "to": "2026-01-31",
                                        "process": "one-step"}, now)
    client = signed_in(make_app(db), auditor)

    audit = client.get("/audit").text
    export = client.get(f"/audit/exports/{made.id}").text

    for label in LABELS[locale]["audit"]:
        assert label in audit
    for label in LABELS[locale]["export"]:
        assert label in export
    for wrong in LABELS[locale]["gone"]:
        assert wrong not in audit and wrong not in export
