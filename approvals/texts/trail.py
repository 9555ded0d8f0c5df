"""What a signed trail says: its title page, summary, participants, fields, documents, stages,
timeline and the signature's note (worded for an auditor reading it years later).
"""

from __future__ import annotations

TRAIL: dict[str, dict[str, str]] = {
    "doc.title": {"en": "Approval trail", "ru": "Лист согласования"},
    "doc.subtitle": {"en": "{process}, instance No. {instance}",
                     "ru": "{process}, процесс № {instance}"},
    "doc.provisional": {"en": "PROVISIONAL — as of {time}, not signed",
                        "ru": "ПРЕДВАРИТЕЛЬНАЯ ВЕРСИЯ — по состоянию на {time}, без подписи"},
    "doc.provisional_mark": {"en": "PROVISIONAL", "ru": "ПРЕДВАРИТЕЛЬНАЯ ВЕРСИЯ"},
    "doc.provisional_note": {
        "en": "The process is still running. This copy shows what happened so far; it is not "
              "signed and is not the final trail.",
        "ru": "Процесс ещё идёт. Эта копия показывает произошедшее на текущий момент; она не "
              "подписана и не является итоговым листом согласования."},
    "doc.page": {"en": "Page ", "ru": "Стр. "},
    "doc.of": {"en": " of ", "ru": " из "},
    "doc.footer": {"en": "Instance No. {instance} · audit chain {head}",
                   "ru": "Процесс № {instance} · цепочка журнала {head}"},
    # ------------------------------------------------------------------ summary
    "summary.title": {"en": "Summary", "ru": "Сводка"},
    "summary.process": {"en": "Process", "ru": "Процесс"},
    "summary.version": {"en": "Process version", "ru": "Версия процесса"},
    "summary.instance": {"en": "Instance No.", "ru": "Номер процесса"},
    "summary.subject": {"en": "Subject", "ru": "Предмет"},
    "summary.initiator": {"en": "Initiator", "ru": "Инициатор"},
    "summary.started": {"en": "Started", "ru": "Начат"},
    "summary.ended": {"en": "Ended", "ru": "Завершён"},
    "summary.not_ended": {"en": "not yet (still running)", "ru": "ещё не завершён"},
    "summary.outcome": {"en": "Outcome", "ru": "Итог"},
    "summary.generated": {"en": "Trail generated", "ru": "Лист сформирован"},
    "summary.reopened": {"en": "Reopened", "ru": "Открыт повторно"},
    "summary.reopened_by": {"en": "{time} by {name}: {reason}",
                            "ru": "{time}, {name}: {reason}"},
    "summary.earlier_trail": {"en": "Earlier trail", "ru": "Прежний лист"},
    "summary.earlier_trail_text": {"en": "No. {trail} of {time}, SHA-256 {sha256}",
                                   "ru": "№ {trail} от {time}, SHA-256 {sha256}"},
    "outcome.ended": {"en": "Ended: {name}", "ru": "Завершён: {name}"},
    "outcome.completed": {"en": "Completed: every stage was passed",
                          "ru": "Завершён: все этапы пройдены"},
    "outcome.cancelled": {"en": "Withdrawn by {name}", "ru": "Отозван: {name}"},
    "outcome.cancelled_reason": {"en": "Withdrawn by {name}: {reason}",
                                 "ru": "Отозван: {name}; причина: {reason}"},
    "outcome.running": {"en": "In progress, at the stage “{stage}”",
                        "ru": "В работе, этап «{stage}»"},
    # ------------------------------------------------------------------ participants
    "participants.title": {"en": "Participants", "ru": "Участники"},
    "participants.name": {"en": "Name", "ru": "Имя"},
    "participants.email": {"en": "Email address", "ru": "Адрес электронной почты"},
    "participants.part": {"en": "Part in this process", "ru": "Роль в процессе"},
    "participants.initiator": {"en": "initiator", "ru": "инициатор"},
    # ------------------------------------------------------------------ fields
    "fields.title": {"en": "Form data", "ru": "Данные формы"},
    "fields.empty": {"en": "No data was entered.", "ru": "Данные не вводились."},
    "fields.file": {"en": "{filename} (version {version}, SHA-256 below)",
                    "ru": "{filename} (версия {version}, SHA-256 ниже)"},
    # ------------------------------------------------------------------ documents
    "docs.title": {"en": "Documents", "ru": "Документы"},
    "docs.intro": {"en": "Every version of every attached file. The final version of each is "
                         "embedded in this PDF as an associated file.",
                   "ru": "Все версии всех приложенных файлов. Итоговая версия каждого "
                         "вложена в этот PDF как связанный файл."},
    "docs.empty": {"en": "No documents were attached.", "ru": "Документы не прикладывались."},
    "docs.field": {"en": "Field", "ru": "Поле"},
    "docs.version": {"en": "Ver.", "ru": "Верс."},
    "docs.file": {"en": "File name and SHA-256", "ru": "Имя файла и SHA-256"},
    "docs.size": {"en": "Size", "ru": "Размер"},
    "docs.uploaded": {"en": "Uploaded", "ru": "Загружен"},
    "docs.final": {"en": "final, embedded", "ru": "итоговая, вложена"},
    "docs.superseded": {"en": "superseded", "ru": "заменена"},
    "docs.problem": {"en": "NOT EMBEDDED: {problem}", "ru": "НЕ ВЛОЖЕН: {problem}"},
    "docs.missing": {"en": "the stored content is missing",
                     "ru": "сохранённое содержимое отсутствует"},
    "docs.mismatch": {"en": "the stored content does not match its recorded SHA-256",
                      "ru": "сохранённое содержимое не совпадает с записанным SHA-256"},
    "docs.description": {"en": "{field}, version {version} (final), SHA-256 {sha256}",
                         "ru": "{field}, версия {version} (итоговая), SHA-256 {sha256}"},
    "size.bytes": {"en": "{n} bytes", "ru": "{n} байт"},
    # ------------------------------------------------------------------ stages
    "stages.title": {"en": "Stages", "ru": "Этапы"},
    "stages.stage": {"en": "Stage", "ru": "Этап"},
    "stages.rule": {"en": "Rule", "ru": "Правило"},
    "stages.assignees": {"en": "Assignees and decisions", "ru": "Исполнители и решения"},
    "stages.duration": {"en": "Duration", "ru": "Длительность"},
    "stages.none": {"en": "nobody (not reached)", "ru": "никто (этап не начинался)"},
    "stages.in_progress": {"en": "in progress since {time}", "ru": "идёт с {time}"},
    "stages.rounds": {"en": "{n} rounds", "ru": "кругов: {n}"},
    "stage_state.pending": {"en": "not reached", "ru": "не начинался"},
    "task.pending": {"en": "no decision", "ru": "решения нет"},
    "task.withdrawn": {"en": "withdrawn", "ru": "снята"},
    # ------------------------------------------------------------------ timeline
    "timeline.title": {"en": "Timeline: every audit event",
                       "ru": "Хронология: все события журнала"},
    "timeline.seq": {"en": "No.", "ru": "№"},
    "timeline.time": {"en": "Time (UTC)", "ru": "Время (UTC)"},
    "timeline.person": {"en": "Person", "ru": "Сотрудник"},
    "timeline.event": {"en": "Event", "ru": "Событие"},
    "timeline.channel": {"en": "Channel", "ru": "Канал"},
    "timeline.on_behalf_of": {"en": "on behalf of {name}", "ru": "от имени: {name}"},
    "timeline.system": {"en": "Signoff", "ru": "Signoff"},
    "timeline.verdict": {"en": "Verdict", "ru": "Решение"},
    "timeline.comment": {"en": "Comment: “{text}”", "ru": "Комментарий: «{text}»"},
    "evidence.message_id": {"en": "Message-ID", "ru": "Message-ID"},
    "evidence.auth": {"en": "Sender authentication", "ru": "Проверка отправителя"},
    "evidence.from": {"en": "From", "ru": "Отправитель"},
    "evidence.received_at": {"en": "Received", "ru": "Получено"},
    "verdict_past.approve": {"en": "approved", "ru": "согласовано"},
    "verdict_past.send_back": {"en": "sent back for revision", "ru": "возвращено на доработку"},
    "verdict_past.done": {"en": "done", "ru": "выполнено"},
    "verdict_past.paid": {"en": "paid", "ru": "оплачено"},
    "verdict_past.acknowledge": {"en": "acknowledged", "ru": "ознакомлен"},
    "verdict_past.resubmit": {"en": "resubmitted", "ru": "отправлено повторно"},
    "event.stage_entered": {"en": "Stage “{stage}” began ({rule}): {assignees}",
                            "ru": "Начат этап «{stage}» ({rule}): {assignees}"},
    "event.task_opened": {"en": "Task opened for {assignee} (stage “{stage}”)",
                          "ru": "Открыта задача: {assignee} (этап «{stage}»)"},
    "event.decided": {"en": "Decision at the stage “{stage}”",
                      "ru": "Решение на этапе «{stage}»"},
    "event.document_version": {"en": "Document “{field}”: version {version}, {filename}",
                               "ru": "Документ «{field}»: версия {version}, {filename}"},
    "event.fields_set": {"en": "Set by the process: {values}",
                         "ru": "Установлено процессом: {values}"},
    # ------------------------------------------------------------------ chain and signature
    "chain.title": {"en": "Audit chain", "ru": "Цепочка журнала"},
    "chain.events": {"en": "Events", "ru": "Событий"},
    "chain.head": {"en": "Head hash (SHA-256)", "ru": "Хеш вершины (SHA-256)"},
    "chain.intact": {"en": "intact when this trail was generated",
                     "ru": "целостна на момент формирования листа"},
    "chain.broken": {"en": "BROKEN when this trail was generated: {problem} (event {at})",
                     "ru": "НАРУШЕНА на момент формирования листа: {problem} (событие {at})"},
    "chain.status": {"en": "State", "ru": "Состояние"},
    "chain.explain": {
        "en": "Each event's hash covers the previous event's hash and the event itself, so the "
              "head hash above fixes every event listed in this trail. Anyone can check this "
              "file: “signoff verify FILE.pdf” checks the signature and, next to Signoff's "
              "database, recomputes the chain; any PAdES validator checks the signature.",
        "ru": "Хеш каждого события покрывает хеш предыдущего события и само событие, поэтому "
              "хеш вершины фиксирует все события этого листа. Проверить файл может любой: "
              "«signoff verify FILE.pdf» проверяет подпись и, рядом с базой данных Signoff, "
              "пересчитывает цепочку; подпись проверяет любой валидатор PAdES."},
    "signature.note": {
        "en": "This trail is sealed with the organisation's electronic signature (PAdES): a "
              "PDF reader's signature panel shows who signed it and whether anything changed "
              "since.",
        "ru": "Лист заверен электронной подписью организации (PAdES): панель подписей "
              "программы просмотра PDF показывает, кто подписал документ и изменялся ли он "
              "после подписания."},
    "problems.title": {"en": "Problems found while generating this trail",
                       "ru": "Проблемы при формировании листа"},
}
