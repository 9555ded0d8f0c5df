"""The words of notifications: counts in their plural form, and the one completion notice that
carries the process's message and the signed trail (approvals/store/notices.py)."""

from __future__ import annotations

import pytest

from approvals import texts
from approvals.store.notices import fold_completion


@pytest.mark.parametrize("n, russian", [
    (1, "1 непрочитанное"), (21, "21 непрочитанное"), (101, "101 непрочитанное"),
    (2, "2 непрочитанных"), (4, "4 непрочитанных"), (22, "22 непрочитанных"),
    (5, "5 непрочитанных"), (11, "11 непрочитанных"), (12, "12 непрочитанных"),
    (14, "14 непрочитанных"), (111, "111 непрочитанных"), (0, "0 непрочитанных")])
def test_an_unread_count_takes_the_plural_form_of_its_number(n: int, russian: str) -> None:
    assert texts.count_text("notices.unread", n, "ru") == russian
    assert texts.count_text("notices.unread", n, "en") == f"{n} unread"


@pytest.mark.parametrize("n, form", [(1, "one"), (21, "one"), (3, "few"), (24, "few"),
                                     (13, "many"), (5, "many"), (0, "many"), (1000, "many")])
def test_russian_plural_forms_follow_cldr(n: int, form: str) -> None:
    assert texts.plural_form(n, "ru") == form


def _notice(template: str, **params) -> dict:
    return {"person": 7, "template": template, "params": {"title": "Supply", **params}}


def test_the_completion_notice_folds_in_the_processs_messages() -> None:
    folded = fold_completion([
        _notice("process_notice", message={"en": "Approved.", "ru": "Согласовано."}),
        _notice("instance_completed"),
        _notice("process_notice", message={"en": "Sent.", "ru": "Отправлено."})])
    assert folded["template"] == "instance_completed"
    assert folded["params"]["message"] == {"en": "Approved. Sent.",
                                           "ru": "Согласовано. Отправлено."}
    assert fold_completion([_notice("instance_completed")])["params"] == {"title": "Supply"}
    assert fold_completion([]) is None


def test_a_completion_notice_says_what_it_carries() -> None:
    plain = {"title": "Supply"}
    said = {"en": "Sent to the client.", "ru": "Отправлен клиенту."}
    assert texts.notification_text("instance_completed", plain, "en") == "“Supply” is completed"
    assert texts.notification_text("instance_completed", dict(plain, trail=3), "ru") == \
        "«Supply»: процесс завершён, подписанный лист согласования готов"
    assert texts.notification_text("instance_completed", dict(plain, trail=3, message=said),
                                   "en") == ("“Supply” is completed: Sent to the client. Its "
                                             "signed trail is ready.")
    assert texts.notification_text("instance_completed", dict(plain, message=said), "ru") == \
        "«Supply»: процесс завершён. Отправлен клиенту."
