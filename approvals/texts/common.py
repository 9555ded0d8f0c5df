"""Words of the domain that every reader sees the same way: channels, rules, close reasons,
stage states and the audit events a page and a trail both word alike.
"""

from __future__ import annotations

COMMON: dict[str, dict[str, str]] = {
    "common.yes": {"en": "Yes", "ru": "Да"},
    "common.no": {"en": "No", "ru": "Нет"},
    "stage_state.done": {"en": "done", "ru": "пройден"},
    "stage_state.current": {"en": "current", "ru": "текущий"},
    "stage_state.skipped": {"en": "skipped", "ru": "пропущен"},
    "rule.all": {"en": "everyone must decide", "ru": "решают все"},
    "rule.sequence": {"en": "one after another", "ru": "по очереди"},
    "rule.any": {"en": "first to respond", "ru": "первый ответивший"},
    "rule.quorum": {"en": "by quorum", "ru": "по кворуму"},
    "close_reason.stage_completed": {"en": "the stage completed", "ru": "этап завершён"},
    "close_reason.sent_back": {"en": "sent back for revision",
                               "ru": "процесс возвращён на доработку"},
    "close_reason.process_withdrawn": {"en": "the process was withdrawn",
                                       "ru": "процесс отозван"},
    "close_reason.deadline_passed": {"en": "the deadline passed", "ru": "истёк срок"},
    "close_reason.reassigned": {"en": "handed over to someone else",
                                "ru": "передана другому сотруднику"},
    "channel.web": {"en": "web", "ru": "веб"},
    "channel.email": {"en": "email", "ru": "почта"},
    "channel.api": {"en": "API", "ru": "API"},
    "channel.cli": {"en": "command line", "ru": "командная строка"},
    "channel.system": {"en": "system", "ru": "система"},
    "event.started": {"en": "Process started", "ru": "Процесс запущен"},
    "event.task_withdrawn": {"en": "Task of {assignee} withdrawn: {reason}",
                             "ru": "Задача снята ({assignee}): {reason}"},
    "event.stage_completed": {"en": "Stage “{stage}” completed",
                              "ru": "Этап «{stage}» завершён"},
    "event.stage_skipped": {"en": "Stage “{stage}” skipped (condition {condition} not met)",
                            "ru": "Этап «{stage}» пропущен (условие {condition} не "
                                  "выполнено)"},
    "event.sent_back": {"en": "Sent back for revision from the stage “{stage}”",
                        "ru": "Возвращено на доработку с этапа «{stage}»"},
    "event.resubmitted": {"en": "Sent for approval again", "ru": "Отправлено на согласование "
                                                                 "повторно"},
    "event.completed": {"en": "Process completed", "ru": "Процесс завершён"},
    "event.cancelled": {"en": "Process withdrawn", "ru": "Процесс отозван"},
    "event.reopened": {"en": "Process reopened at the stage “{stage}”",
                       "ru": "Процесс открыт повторно с этапа «{stage}»"},
    "event.reassigned": {"en": "Task handed over from {from_} to {to}",
                         "ru": "Задача передана: {from_} → {to}"},
    "event.deadline_passed": {"en": "Deadline passed at the stage “{stage}”",
                              "ru": "Истёк срок на этапе «{stage}»"},
    "event.trail_issued": {"en": "Signed trail No. {trail} issued (SHA-256 {sha256})",
                           "ru": "Выпущен подписанный лист согласования № {trail} "
                                 "(SHA-256 {sha256})"},
    "event.stage_unassigned": {
        "en": "Stage “{stage}” had nobody to assign ({wanted}): given to the administrators, "
              "{assignees}",
        "ru": "На этапе «{stage}» не нашлось исполнителя ({wanted}): передан администраторам — "
              "{assignees}"},
    "event.decision_disputed": {
        "en": "The assignee reported that the decision by email at the stage “{stage}” "
              "({verdict}) was not theirs",
        "ru": "Исполнитель сообщил, что решение по почте на этапе «{stage}» ({verdict}) "
              "принимал не он"},
    "event.effect_ran": {"en": "Recorded by “{effect}”", "ru": "Записано действием «{effect}»"},
    "duration.days": {"en": "{d} d {h} h {m} min", "ru": "{d} дн. {h} ч {m} мин"},
    "duration.hours": {"en": "{h} h {m} min", "ru": "{h} ч {m} мин"},
    "duration.minutes": {"en": "{m} min {s} s", "ru": "{m} мин {s} с"},
}
