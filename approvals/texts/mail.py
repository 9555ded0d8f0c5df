"""What the emails say in their own words: subjects, the lines that lead a message, how to
answer, and why a reply was not accepted. Quotation marks follow the language: “…” in English,
«…» in Russian.
"""

from __future__ import annotations

MAIL: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ subjects
    "subject.tag": {"en": "[Signoff #{instance}]", "ru": "[Signoff #{instance}]"},
    "subject.task_assigned": {"en": "New task: “{title}”", "ru": "Новая задача: «{title}»"},
    "subject.revision_requested": {"en": "Sent back for revision: “{title}”",
                                   "ru": "Возвращено на доработку: «{title}»"},
    "subject.task_overdue": {"en": "Overdue task: “{title}”",
                             "ru": "Просрочена задача: «{title}»"},
    "subject.task_withdrawn": {"en": "Task withdrawn: “{title}”",
                               "ru": "Задача снята: «{title}»"},
    "subject.task_overdue_initiator": {"en": "A task is overdue: “{title}”",
                                       "ru": "Просрочена задача по «{title}»"},
    "subject.instance_ended": {"en": "Ended: “{title}”", "ru": "Процесс завершён: «{title}»"},
    "subject.instance_completed": {"en": "Completed: “{title}”",
                                   "ru": "Процесс завершён: «{title}»"},
    "subject.instance_reopened": {"en": "Reopened: “{title}”",
                                  "ru": "Процесс открыт повторно: «{title}»"},
    "subject.process_notice": {"en": "Notice: “{title}”", "ru": "Уведомление: «{title}»"},
    "subject.trail_issued": {"en": "Signed trail: “{title}”",
                             "ru": "Лист согласования: «{title}»"},
    "subject.decision_received": {"en": "Your decision was recorded: “{title}”",
                                  "ru": "Ваше решение записано: «{title}»"},
    "subject.decision_disputed": {"en": "Reported as not theirs: “{title}”",
                                  "ru": "Сообщение о чужом решении: «{title}»"},
    "subject.other": {"en": "“{title}”", "ru": "«{title}»"},
    "subject.fallback": {"en": "Your email to Signoff", "ru": "Ваше письмо в Signoff"},
    # an explanation's subject is ours alone: it never repeats the subject of the mail it answers
    "subject.explanation": {"en": "Your email to Signoff was not accepted",
                            "ru": "Ваше письмо в Signoff не принято"},
    # ------------------------------------------------------------------ task mails
    "lead.task_assigned": {"en": "You have a new task: “{title}”, stage “{stage}”.",
                           "ru": "У вас новая задача: «{title}», этап «{stage}»."},
    "lead.revision_requested": {"en": "“{title}” was sent back to you for revision.",
                                "ru": "«{title}» возвращено вам на доработку."},
    "lead.task_overdue": {"en": "The deadline of your task on “{title}” (stage “{stage}”) has "
                                "passed; the task is still waiting for you.",
                          "ru": "Истёк срок вашей задачи по «{title}» (этап «{stage}»); "
                                "задача всё ещё ждёт вас."},
    "ask.decide": {"en": "What is needed from you: {verdicts}.",
                   "ru": "Что требуется от вас: {verdicts}."},
    "ask.revision": {"en": "Correct what was asked and send it for approval again.",
                     "ru": "Исправьте то, что просили, и отправьте на согласование повторно."},
    "word.or": {"en": " or ", "ru": " или "},
    "word.quoted": {"en": "“{word}”", "ru": "«{word}»"},
    "summary.process": {"en": "Process", "ru": "Процесс"},
    "summary.process_value": {"en": "{name}, version {version}", "ru": "{name}, версия {version}"},
    "summary.number": {"en": "Number", "ru": "Номер"},
    "summary.number_value": {"en": "No. {id}", "ru": "№ {id}"},
    "summary.title": {"en": "Subject", "ru": "Предмет"},
    "summary.stage": {"en": "Stage", "ru": "Этап"},
    "summary.initiator": {"en": "Requested by", "ru": "Инициатор"},
    "summary.deadline": {"en": "Deadline", "ru": "Срок"},
    "summary.status": {"en": "Status", "ru": "Статус"},
    "sent_back.by": {"en": "Sent back by {name} at {when}:",
                     "ru": "Вернул(а) на доработку {name}, {when}:"},
    "how.title": {"en": "How to answer", "ru": "Как ответить"},
    "how.intro": {"en": "Reply to this email with one word above the line “{marker}”:",
                  "ru": "Ответьте на это письмо одним словом выше строки «{marker}»:"},
    "how.also": {"en": "also accepted: {words}", "ru": "также принимается: {words}"},
    "how.comment": {"en": "Whatever you write on the lines after the word becomes your "
                          "comment.",
                    "ru": "Всё, что вы напишете на следующих строках после слова, станет "
                          "вашим комментарием."},
    "how.send_back": {"en": "When sending back, say in the comment what must change.",
                      "ru": "Возвращая на доработку, напишите в комментарии, что нужно "
                            "изменить."},
    "how.attach": {"en": "To send a new version of a document, attach the file to your reply.",
                   "ru": "Чтобы отправить новую версию документа, приложите файл к ответу."},
    "how.form": {"en": "This task asks for more: write each answer on its own line, "
                       "“name: value”, after the word, for example:",
                 "ru": "Задача просит указать ещё кое-что: каждое значение — отдельной строкой "
                       "«название: значение» после слова, например:"},
    "explain.form": {"en": "Some answers to the task's form were not accepted: {problems}. "
                           "Write each on its own line, “name: value”.",
                     "ru": "Не приняты ответы на вопросы задачи: {problems}. Пишите каждое "
                           "значение отдельной строкой «название: значение»."},
    "how.buttons": {"en": "Or press a button: it opens a reply with the word already in it.",
                    "ru": "Или нажмите кнопку — откроется ответ с уже вписанным словом."},
    "how.web": {"en": "Or decide in the browser (a confirmation page opens first):",
                "ru": "Или примите решение в браузере (сначала откроется страница "
                      "подтверждения):"},
    "how.task_page": {"en": "Open the task", "ru": "Открыть задачу"},
    "how.sender": {"en": "Replies are accepted only from your address, {email}; do not forward "
                         "this email for someone else to answer.",
                   "ru": "Ответ принимается только с вашего адреса {email}; не пересылайте "
                         "это письмо, чтобы за вас ответил кто-то другой."},
    "fields.title": {"en": "Data", "ru": "Данные"},
    "docs.title": {"en": "Documents", "ru": "Документы"},
    "docs.line": {"en": "{filename}, version {version}, {size}, SHA-256 {sha256}…",
                  "ru": "{filename}, версия {version}, {size}, SHA-256 {sha256}…"},
    "docs.attached": {"en": "attached to this email", "ru": "во вложении к письму"},
    "docs.download": {"en": "too large to attach, download it", "ru": "слишком большой для "
                                                                      "вложения, скачайте"},
    "timeline.title": {"en": "History so far", "ru": "История"},
    "timeline.earlier": {"en": "{n} earlier events are on the process page.",
                         "ru": "Более ранние события ({n}) — на странице процесса."},
    # ------------------------------------------------------------------ short mails
    "notice.lead.trail_issued": {"en": "The signed trail of “{title}” is ready.",
                                 "ru": "«{title}»: подписанный лист согласования готов."},
    "notice.decided": {"en": "Decided in the name of {name} at {when}, by email: {verdict}.",
                       "ru": "Решение от имени {name}, {when}, по почте: «{verdict}»."},
    "notice.not_me": {"en": "This was not me", "ru": "Это был не я"},
    "notice.not_me_hint": {"en": "If you did not send that reply, press “This was not me”: "
                                 "the administrators are told at once, and the record shows "
                                 "it.",
                           "ru": "Если вы не отправляли этот ответ, нажмите «Это был не я»: "
                                 "администраторы узнают об этом сразу, и это будет отмечено "
                                 "в истории процесса."},
    "notice.open_instance": {"en": "Open the process", "ru": "Открыть процесс"},
    "notice.overdue": {"en": "Task of {name}, deadline {deadline}.",
                       "ru": "Задача: {name}, срок {deadline}."},
    "notice.task_closed": {"en": "This task is no longer open: {reason}.",
                           "ru": "Эта задача больше не открыта: {reason}."},
    "notice.trail_attached": {"en": "The signed trail is attached: {filename}, SHA-256 "
                                    "{sha256}…",
                              "ru": "Подписанный лист согласования во вложении: {filename}, "
                                    "SHA-256 {sha256}…"},
    "notice.trail_link": {"en": "Download the signed trail (PDF)",
                          "ru": "Скачать подписанный лист согласования (PDF)"},
    "footer.why": {"en": "You receive this email because you take part in “{process}” No. {id}.",
                   "ru": "Вы получили это письмо как участник процесса «{process}» № {id}."},
    "footer.auto": {"en": "Signoff sent this email automatically.",
                    "ru": "Это письмо отправлено автоматически системой Signoff."},
    # ------------------------------------------------------------------ explanations
    "explain.greeting": {"en": "Hello, {name}.", "ru": "Здравствуйте, {name}!"},
    "explain.greeting_plain": {"en": "Hello.", "ru": "Здравствуйте!"},
    "explain.nothing_changed": {"en": "Your email did not change anything in Signoff.",
                                "ru": "Ваше письмо ничего не изменило в Signoff."},
    "explain.already_decided": {"en": "This task was already decided by {by} at {at}: "
                                      "{verdict}.",
                                "ru": "По этой задаче уже принято решение: {by}, {at} — "
                                      "«{verdict}»."},
    "explain.already_closed": {"en": "This task is no longer open: {reason}.",
                               "ru": "Эта задача больше не открыта: {reason}."},
    "explain.already_decided.todo": {"en": "No answer is needed from you any more. Your open "
                                           "tasks are here:",
                                     "ru": "Ваш ответ больше не нужен. Ваши открытые задачи — "
                                           "здесь:"},
    "explain.ambiguous": {"en": "We could not tell which decision you meant: your reply holds "
                                "more than one.",
                          "ru": "Мы не смогли понять, какое решение вы приняли: в ответе их "
                                "несколько."},
    "explain.no_verdict": {"en": "We found no decision in your reply.",
                           "ru": "Мы не нашли в вашем ответе решения."},
    "explain.words.todo": {"en": "Reply to the task email again with one of these words on the "
                                 "first line, above the line “{marker}”: {words}.",
                           "ru": "Ответьте на письмо с задачей ещё раз, написав в первой "
                                 "строке, выше строки «{marker}», одно из слов: {words}."},
    "explain.wrong_sender": {"en": "This task is assigned to another email address, so your "
                                   "reply was not counted.",
                             "ru": "Эта задача назначена на другой адрес электронной почты, "
                                   "поэтому ваш ответ не учтён."},
    "explain.wrong_sender.todo": {"en": "If you answered from another mailbox of yours, reply "
                                        "from the address the task was sent to. If the task "
                                        "should be yours, ask the process's initiator to hand "
                                        "it over to you.",
                                  "ru": "Если вы ответили с другого своего ящика, ответьте с "
                                        "адреса, на который пришла задача. Если задача должна "
                                        "быть вашей, попросите инициатора процесса передать "
                                        "её вам."},
    "explain.expired": {"en": "The reply address you wrote to has expired.",
                        "ru": "Срок действия адреса, на который вы ответили, истёк."},
    "explain.expired.todo": {"en": "Open the task here and decide in the browser:",
                             "ru": "Откройте задачу здесь и примите решение в браузере:"},
    "explain.unknown_token": {"en": "We could not find the task your email answers: the reply "
                                    "address is wrong or incomplete.",
                              "ru": "Мы не нашли задачу, на которую отвечает ваше письмо: "
                                    "адрес для ответа неверен или неполон."},
    "explain.unknown_token.todo": {"en": "Reply to the task email itself without changing the "
                                         "address, or open your tasks in the browser:",
                                   "ru": "Ответьте на само письмо с задачей, не меняя адреса, "
                                         "или откройте свои задачи в браузере:"},
    "explain.too_large": {"en": "Your email is larger than {limit}, so it was not accepted.",
                          "ru": "Ваше письмо больше {limit}, поэтому оно не принято."},
    "explain.too_large.todo": {"en": "Send a smaller file, or upload it on the task page:",
                               "ru": "Отправьте файл меньшего размера или загрузите его на "
                                     "странице задачи:"},
    "explain.refused": {"en": "Your reply could not be applied: {message}",
                        "ru": "Ваш ответ не удалось применить: {message}"},
    "explain.refused.todo": {"en": "Open your tasks in the browser to see where things stand:",
                             "ru": "Откройте свои задачи в браузере, чтобы увидеть текущее "
                                   "состояние:"},
    "explain.unknown": {"en": "Your email could not be processed.",
                        "ru": "Ваше письмо не удалось обработать."},
    "explain.unknown.todo": {"en": "Open your tasks in the browser:",
                             "ru": "Откройте свои задачи в браузере:"},
    "explain.your_tasks": {"en": "My tasks", "ru": "Мои задачи"},
    "explain.once": {"en": "This is an automatic answer; the email you sent is not attached.",
                     "ru": "Это автоматический ответ; отправленное вами письмо к нему не "
                           "приложено."},
}
