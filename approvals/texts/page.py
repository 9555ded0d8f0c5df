"""What the pages say: navigation, forms, the inbox, the instance page, audit, the mail log,
errors and notifications. The mail reads these too where it says the same thing.
"""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ frame and navigation
    "app.name": {"en": "Signoff", "ru": "Signoff"},
    "nav.inbox": {"en": "Inbox", "ru": "Входящие"},
    "nav.start": {"en": "Start", "ru": "Запустить"},
    "nav.logout": {"en": "Log out", "ru": "Выйти"},
    "nav.audit": {"en": "Audit", "ru": "Аудит"},
    "nav.menu": {"en": "Main menu", "ru": "Главное меню"},
    "nav.skip": {"en": "Skip to content", "ru": "Перейти к содержанию"},
    "lang.label": {"en": "Language", "ru": "Язык"},
    "lang.en": {"en": "English", "ru": "English"},
    "lang.ru": {"en": "Русский", "ru": "Русский"},
    "common.none": {"en": "—", "ru": "—"},
    "common.back_inbox": {"en": "Back to the inbox", "ru": "Вернуться во входящие"},
    "common.required": {"en": "required", "ru": "обязательно"},
    # ------------------------------------------------------------------ login
    "login.title": {"en": "Log in", "ru": "Вход"},
    "login.intro": {"en": "Approvals and HR requests of your company.",
                    "ru": "Согласования и кадровые заявки вашей компании."},
    "login.email": {"en": "Email", "ru": "Электронная почта"},
    "login.password": {"en": "Password", "ru": "Пароль"},
    "login.submit": {"en": "Log in", "ru": "Войти"},
    "login.failed": {"en": "The email or the password is wrong.",
                     "ru": "Неверный адрес электронной почты или пароль."},
    "login.required": {"en": "Please log in to continue.",
                       "ru": "Войдите, чтобы продолжить."},
    "logout.done": {"en": "You have logged out.", "ru": "Вы вышли из системы."},
    "login.locked": {"en": "Too many failed attempts to log in. Try again in {minutes} min, "
                           "after {when}.",
                     "ru": "Слишком много неудачных попыток входа. Повторите через {minutes} "
                           "мин., после {when}."},
    # ------------------------------------------------------------------ login lockouts (admin)
    "nav.logins": {"en": "Logins", "ru": "Входы"},
    "logins.title": {"en": "Login lockouts", "ru": "Блокировки входа"},
    "logins.intro": {"en": "Logins refused after too many wrong passwords, newest first: an "
                           "account (the address typed) or a client address waits until the "
                           "time shown.",
                     "ru": "Входы, отклонённые после слишком многих неверных паролей, новые "
                           "сверху: учётная запись (введённый адрес) или адрес клиента ждёт "
                           "до указанного времени."},
    "logins.none": {"en": "No login has been locked out.",
                    "ru": "Блокировок входа не было."},
    "logins.col_at": {"en": "Locked at", "ru": "Заблокировано"},
    "logins.col_scope": {"en": "Counted by", "ru": "По"},
    "logins.col_email": {"en": "Address typed", "ru": "Введённый адрес"},
    "logins.col_address": {"en": "Client address", "ru": "Адрес клиента"},
    "logins.col_until": {"en": "Until", "ru": "До"},
    "logins.scope.account": {"en": "account", "ru": "учётной записи"},
    "logins.scope.address": {"en": "client address", "ru": "адресу клиента"},
    "logins.active": {"en": "still locked", "ru": "ещё действует"},
    # ------------------------------------------------------------------ inbox
    "inbox.title": {"en": "My tasks", "ru": "Мои задачи"},
    "inbox.empty": {"en": "Nothing is waiting for you.", "ru": "Вас ничего не ждёт."},
    "inbox.showing": {"en": "Showing {first}–{last} of {total}",
                      "ru": "Показаны {first}–{last} из {total}"},
    "inbox.back_to_first": {"en": "No tasks on this page: back to the first one",
                            "ru": "На этой странице задач нет: к первой странице"},
    "inbox.start": {"en": "Start a process", "ru": "Запустить процесс"},
    "inbox.from": {"en": "from {name}", "ru": "от {name}"},
    "inbox.due": {"en": "due {when}", "ru": "срок {when}"},
    # ------------------------------------------------------------------ processes and start
    "processes.title": {"en": "Start a process", "ru": "Запуск процесса"},
    "processes.empty": {"en": "No processes are available.", "ru": "Нет доступных процессов."},
    "start.submit": {"en": "Start", "ru": "Запустить"},
    "start.invalid": {"en": "Please correct the fields marked below.",
                      "ru": "Исправьте отмеченные ниже поля."},
    "start.file_again": {"en": "Files are not kept when a form is refused: choose the file "
                               "again.",
                         "ru": "Файлы не сохраняются, если форма не принята: выберите файл "
                               "ещё раз."},
    "field.people_hint": {"en": "Email addresses, one per line or separated by commas.",
                          "ru": "Адреса электронной почты, по одному в строке или через "
                                "запятую."},
    "field.person_hint": {"en": "A colleague's email address.",
                          "ru": "Адрес электронной почты сотрудника."},
    "field.from": {"en": "From", "ru": "С"},
    "field.to": {"en": "To", "ru": "По"},
    "field.choose": {"en": "— choose —", "ru": "— выберите —"},
    "field.current_file": {"en": "Current file: {name}", "ru": "Текущий файл: {name}"},
    "field.new_version": {"en": "Upload a new version (optional)",
                          "ru": "Загрузить новую версию (необязательно)"},
    # ------------------------------------------------------------------ task page
    "task.stage": {"en": "Stage", "ru": "Этап"},
    "task.assignee": {"en": "Assignee", "ru": "Исполнитель"},
    "task.state": {"en": "State", "ru": "Состояние"},
    "task.opened": {"en": "Opened", "ru": "Открыта"},
    "task.deadline": {"en": "Deadline", "ru": "Срок"},
    "task.decision": {"en": "Your decision", "ru": "Ваше решение"},
    "task.comment": {"en": "Comment", "ru": "Комментарий"},
    "task.form_for": {"en": "When you answer “{answer}”:", "ru": "Если отвечаете «{answer}»:"},
    "task.comment_why": {"en": "Say why: the initiator reads it.",
                         "ru": "Напишите причину: её прочитает инициатор."},
    "task.comment_hint": {"en": "Required when sending back: say what must change.",
                          "ru": "Обязателен при возврате на доработку: укажите, что нужно "
                                "изменить."},
    "task.already_decided": {"en": "Already decided by {name} at {when}: {verdict}.",
                             "ru": "Решение уже принято: {name}, {when} — «{verdict}»."},
    "task.assigned_to": {"en": "This task is assigned to {name}.",
                         "ru": "Эта задача назначена: {name}."},
    "task.closed": {"en": "This task is closed ({reason}); no decision is needed.",
                    "ru": "Эта задача закрыта ({reason}); решение не требуется."},
    "task.waiting": {"en": "It is not yet this task's turn.",
                     "ru": "Очередь этой задачи ещё не наступила."},
    "task.revision_intro": {"en": "The process was sent back to you for revision. Correct "
                                  "the data and send it for approval again.",
                            "ru": "Процесс возвращён вам на доработку. Исправьте данные и "
                                  "отправьте на согласование повторно."},
    "task.sent_back_by": {"en": "Sent back by {name}:", "ru": "Вернул(а) на доработку "
                                                            "{name}:"},
    "task.resubmit_comment": {"en": "What did you change?", "ru": "Что изменено?"},
    "task.open_instance": {"en": "The whole process", "ru": "Весь процесс"},
    "task.document": {"en": "Document", "ru": "Документ"},
    "flash.started": {"en": "The process has started.", "ru": "Процесс запущен."},
    "flash.decided": {"en": "Your decision is recorded: {verdict}.",
                      "ru": "Ваше решение записано: «{verdict}»."},
    "flash.resubmitted": {"en": "Sent for approval again.",
                          "ru": "Отправлено на согласование повторно."},
    "flash.withdrawn": {"en": "The process was withdrawn.", "ru": "Процесс отозван."},
    "flash.reopened": {"en": "The process was reopened at the stage “{stage}”.",
                       "ru": "Процесс открыт повторно с этапа «{stage}»."},
    # ------------------------------------------------------------------ instance page
    "instance.status": {"en": "Status", "ru": "Статус"},
    "instance.process": {"en": "Process", "ru": "Процесс"},
    "instance.initiator": {"en": "Initiator", "ru": "Инициатор"},
    "instance.started": {"en": "Started", "ru": "Запущен"},
    "instance.ended": {"en": "Ended", "ru": "Завершён"},
    "instance.data": {"en": "Data", "ru": "Данные"},
    "instance.documents": {"en": "Documents", "ru": "Документы"},
    "instance.no_documents": {"en": "No documents.", "ru": "Документов нет."},
    "instance.stages": {"en": "Stages", "ru": "Этапы"},
    "instance.tasks": {"en": "Tasks", "ru": "Задачи"},
    "instance.timeline": {"en": "History", "ru": "История"},
    "instance.your_task": {"en": "A task here is waiting for you.",
                           "ru": "Здесь вас ждёт задача."},
    "instance.open_task": {"en": "Open my task", "ru": "Открыть мою задачу"},
    "instance.withdraw": {"en": "Withdraw the process…", "ru": "Отозвать процесс…"},
    "instance.withdraw_reason": {"en": "Reason (optional)", "ru": "Причина (необязательно)"},
    "instance.withdraw_confirm": {"en": "Yes, withdraw it: every open task will be closed.",
                                  "ru": "Да, отозвать: все открытые задачи будут закрыты."},
    "instance.withdraw_submit": {"en": "Withdraw", "ru": "Отозвать"},
    "instance.withdraw_unconfirmed": {"en": "Tick the confirmation to withdraw the process.",
                                      "ru": "Отметьте подтверждение, чтобы отозвать процесс."},
    "instance.reopen": {"en": "Reopen the process…", "ru": "Открыть процесс повторно…"},
    "instance.reopen_intro": {
        "en": "The process runs again from the stage you choose, in a new round: earlier "
              "decisions stay in the history as they were. When it completes again, a new "
              "signed trail is issued; the earlier one stays valid.",
        "ru": "Процесс снова пойдёт с выбранного этапа, новым кругом: прежние решения "
              "остаются в истории как были. После повторного завершения будет выпущен новый "
              "подписанный лист согласования; прежний остаётся действительным."},
    "instance.reopen_stage": {"en": "Start again at the stage", "ru": "Начать заново с этапа"},
    "instance.reopen_reason": {"en": "Reason (required: it goes into the audit trail)",
                               "ru": "Причина (обязательно: она попадёт в журнал)"},
    "instance.reopen_confirm": {"en": "Yes, reopen it: the stage's approvers get new tasks.",
                                "ru": "Да, открыть повторно: согласующие этапа получат новые "
                                      "задачи."},
    "instance.reopen_reason_required": {"en": "Say why the process is reopened.",
                                        "ru": "Укажите, почему процесс открывается повторно."},
    "instance.reopen_trail_pending": {
        "en": "The signed trail of this completion is still being made. Reopen the process "
              "once it is issued (see “Trail” above).",
        "ru": "Подписанный лист согласования этого завершения ещё формируется. Откройте "
              "процесс повторно, когда он будет выпущен (см. «Лист согласования» выше)."},
    "instance.reopen_submit": {"en": "Reopen", "ru": "Открыть повторно"},
    "instance.reopen_unconfirmed": {"en": "Tick the confirmation to reopen the process.",
                                    "ru": "Отметьте подтверждение, чтобы открыть процесс "
                                          "повторно."},
    "col.assignee": {"en": "Assignee", "ru": "Исполнитель"},
    "col.stage": {"en": "Stage", "ru": "Этап"},
    "col.state": {"en": "State", "ru": "Состояние"},
    "col.verdict": {"en": "Decision", "ru": "Решение"},
    "col.comment": {"en": "Comment", "ru": "Комментарий"},
    "col.when": {"en": "When", "ru": "Когда"},
    "col.file": {"en": "File", "ru": "Файл"},
    "col.size": {"en": "Size", "ru": "Размер"},
    "col.by": {"en": "Uploaded by", "ru": "Загрузил(а)"},
    "doc.version": {"en": "version {n}", "ru": "версия {n}"},
    "doc.via": {"en": "via {channel}", "ru": "через: {channel}"},
    "size.b": {"en": "{n} B", "ru": "{n} Б"},
    "size.kb": {"en": "{n} KB", "ru": "{n} КБ"},
    "size.mb": {"en": "{n} MB", "ru": "{n} МБ"},
    "instance.trail": {"en": "Trail", "ru": "Лист согласования"},
    "instance.trail_signed": {"en": "Download the signed trail (PDF)",
                              "ru": "Скачать подписанный лист согласования (PDF)"},
    "instance.trail_signed_note": {"en": "Trail No. {trail}, SHA-256 {sha256}",
                                   "ru": "Лист № {trail}, SHA-256 {sha256}"},
    "instance.trail_provisional": {"en": "Download a provisional trail (PDF, as of now, "
                                         "unsigned)",
                                   "ru": "Скачать предварительный лист согласования (PDF, на "
                                         "текущий момент, без подписи)"},
    "instance.trail_earlier": {"en": "Earlier signed trails (the process was reopened after "
                                     "each):",
                               "ru": "Прежние подписанные листы согласования (после каждого "
                                     "процесс открывался повторно):"},
    "instance.trail_earlier_item": {"en": "Trail No. {trail} of {when}",
                                    "ru": "Лист № {trail} от {when}"},
    "instance.trail_pending": {"en": "The signed trail is being made; it will be here in a "
                                     "minute.",
                               "ru": "Подписанный лист согласования формируется и скоро "
                                     "появится здесь."},
    # ------------------------------------------------------------------ audit page
    "audit.title": {"en": "Audit", "ru": "Аудит"},
    "audit.intro": {"en": "Find processes, download their trails, export the trails of a "
                          "period.",
                    "ru": "Поиск процессов, скачивание листов согласования, выгрузка листов "
                          "за период."},
    "audit.search": {"en": "Search processes", "ru": "Поиск процессов"},
    "audit.certificate": {"en": "The certificate trails are signed with",
                          "ru": "Сертификат, которым подписаны листы согласования"},
    "audit.certificate_subject": {"en": "Organisation", "ru": "Организация"},
    "audit.certificate_until": {"en": "Valid until", "ru": "Действителен до"},
    "audit.certificate_former": {"en": "Retired (still verifies older trails)",
                                 "ru": "Выведен из работы (подтверждает прежние листы)"},
    "audit.certificate_how": {
        "en": "A trail is genuine when its signature is intact, covers the whole file and was "
              "made by a certificate with this SHA-256 fingerprint. Check it with Signoff's "
              "verifier, with poppler's pdfsig or with any PAdES-aware PDF reader, and compare "
              "the fingerprint with the one published by the organisation.",
        "ru": "Лист подлинный, если подпись цела, охватывает весь файл и сделана "
              "сертификатом с этим отпечатком SHA-256. Проверьте его программой проверки "
              "Signoff, утилитой pdfsig из poppler или любой программой просмотра PDF, "
              "понимающей PAdES, и сравните отпечаток с опубликованным организацией."},
    "audit.certificate_download": {"en": "Download the certificate (PEM)",
                                   "ru": "Скачать сертификат (PEM)"},
    "audit.certificate_none": {"en": "No signing certificate yet: the administrator creates "
                                     "one with “signoff keys init”.",
                               "ru": "Сертификата подписи ещё нет: администратор создаёт его "
                                     "командой «signoff keys init»."},
    "audit.process": {"en": "Process", "ru": "Процесс"},
    "audit.any_process": {"en": "Any process", "ru": "Любой процесс"},
    "audit.period": {"en": "Period by the date of", "ru": "Период по дате"},
    "audit.period_started": {"en": "start", "ru": "запуска"},
    "audit.period_ended": {"en": "end (completed or cancelled)",
                           "ru": "окончания (завершён или отменён)"},
    "audit.from": {"en": "From", "ru": "С"},
    "audit.to": {"en": "To", "ru": "По"},
    "audit.person": {"en": "Participant (email or name)",
                     "ru": "Участник (адрес или имя)"},
    "audit.person_hint": {"en": "The initiator, an approver or anyone else who took part; "
                                "part of a name or an address is enough.",
                          "ru": "Инициатор, согласующий или любой другой участник; достаточно "
                                "части имени или адреса."},
    "audit.outcome": {"en": "Status", "ru": "Статус"},
    "audit.any_outcome": {"en": "Any status", "ru": "Любой статус"},
    "audit.text": {"en": "Text in the subject or the form's fields",
                   "ru": "Текст в предмете или в полях формы"},
    "audit.submit": {"en": "Search", "ru": "Найти"},
    "audit.reset": {"en": "Clear", "ru": "Сбросить"},
    "audit.found": {"en": "Found: {n}", "ru": "Найдено: {n}"},
    "audit.none": {"en": "No process matches.", "ru": "Подходящих процессов нет."},
    "audit.col_number": {"en": "No.", "ru": "№"},
    "audit.col_process": {"en": "Process", "ru": "Процесс"},
    "audit.col_title": {"en": "Subject", "ru": "Предмет"},
    "audit.col_initiator": {"en": "Initiator", "ru": "Инициатор"},
    "audit.col_started": {"en": "Started", "ru": "Запущен"},
    "audit.col_ended": {"en": "Ended", "ru": "Завершён"},
    "audit.col_outcome": {"en": "Status", "ru": "Статус"},
    "audit.col_trail": {"en": "Trail", "ru": "Лист согласования"},
    "audit.trail_signed": {"en": "No. {trail} (signed)", "ru": "№ {trail} (подписан)"},
    "audit.trail_provisional": {"en": "provisional", "ru": "предварительный"},
    "audit.trail_pending": {"en": "being made", "ru": "формируется"},
    "audit.page": {"en": "Page {page} of {pages}", "ru": "Страница {page} из {pages}"},
    "audit.previous": {"en": "Previous", "ru": "Назад"},
    "audit.next": {"en": "Next", "ru": "Вперёд"},
    "audit.bad_date": {"en": "Enter a date, such as 2026-12-31.",
                       "ru": "Введите дату, например 2026-12-31."},
    "audit.export_title": {"en": "Export the trails of a period",
                           "ru": "Выгрузка листов согласования за период"},
    "audit.export_help": {"en": "One ZIP with every signed trail of the processes completed "
                                "in the period (both days included, UTC) and an index "
                                "(index.csv). It is built in the background; you can watch "
                                "it and download it when it is ready.",
                          "ru": "Один ZIP-архив со всеми подписанными листами согласования "
                                "процессов, завершённых за период (включая обе даты, UTC), и "
                                "оглавлением (index.csv). Архив собирается в фоне; за ходом "
                                "можно следить и скачать архив, когда он готов."},
    "audit.export_submit": {"en": "Export", "ru": "Выгрузить"},
    "audit.export_invalid": {"en": "The export was not started: correct the marked fields.",
                             "ru": "Выгрузка не запущена: исправьте отмеченные поля."},
    "audit.exports": {"en": "Recent exports", "ru": "Последние выгрузки"},
    "audit.exports_none": {"en": "No exports yet.", "ru": "Выгрузок ещё не было."},
    "audit.denials": {"en": "Refused attempts to read trails",
                      "ru": "Отклонённые попытки доступа к листам согласования"},
    "audit.denials_none": {"en": "None so far.", "ru": "Пока нет."},
    "audit.attention": {"en": "Trails that need attention",
                        "ru": "Листы согласования, требующие внимания"},
    "audit.attention_none": {"en": "Every trail owed has been made.",
                             "ru": "Все положенные листы согласования сформированы."},
    "audit.attention_owed": {"en": "the signed trail is not made yet (attempt {attempts}): "
                                   "{problem}",
                             "ru": "подписанный лист ещё не сформирован (попытка "
                                   "{attempts}): {problem}"},
    "audit.attention_failed": {"en": "the signed trail could not be made after {attempts} "
                                     "attempts: {problem}",
                               "ru": "подписанный лист не удалось сформировать за {attempts} "
                                     "попыток: {problem}"},
    "audit.attention_marked": {"en": "trail No. {trail} shows a problem marked: {problem}",
                               "ru": "в листе № {trail} отмечена проблема: {problem}"},
    "audit.col_when": {"en": "When", "ru": "Когда"},
    "audit.col_person": {"en": "Who", "ru": "Кто"},
    "audit.col_what": {"en": "What", "ru": "Что"},
    "audit.col_instance": {"en": "Process No.", "ru": "Процесс №"},
    "audit.col_channel": {"en": "Channel", "ru": "Канал"},
    "audit.what.trail": {"en": "a trail", "ru": "лист согласования"},
    "audit.what.audit": {"en": "the audit pages", "ru": "страницы аудита"},
    "audit.what.export": {"en": "an export", "ru": "выгрузку"},
    # ------------------------------------------------------------------ export page
    "export.title": {"en": "Export No. {id}", "ru": "Выгрузка № {id}"},
    "export.period": {"en": "Trails of the processes completed from {start} to {end}",
                      "ru": "Листы согласования процессов, завершённых с {start} по {end}"},
    "export.process": {"en": "Process: {name}", "ru": "Процесс: {name}"},
    "export.period_label": {"en": "Period", "ru": "Период"},
    "export.process_label": {"en": "Process", "ru": "Процесс"},
    "export.requested_label": {"en": "Requested", "ru": "Запрошена"},
    "export.requested": {"en": "{name}, {when}", "ru": "{name}, {when}"},
    "export.state.pending": {"en": "Waiting for a worker", "ru": "Ожидает обработчика"},
    "export.state.running": {"en": "Being built", "ru": "Собирается"},
    "export.state.done": {"en": "Ready", "ru": "Готово"},
    "export.state.failed": {"en": "Failed", "ru": "Ошибка"},
    "export.progress": {"en": "{done} of {total} trails", "ru": "{done} из {total} листов"},
    "export.download": {"en": "Download the ZIP ({size})", "ru": "Скачать ZIP ({size})"},
    "export.sha256": {"en": "SHA-256 of the ZIP: {sha256}", "ru": "SHA-256 архива: {sha256}"},
    "export.failed": {"en": "The export failed: {error}", "ru": "Выгрузка не удалась: {error}"},
    "export.reload": {"en": "This page shows the progress when it is reloaded.",
                      "ru": "Обновите страницу, чтобы увидеть ход выгрузки."},
    "export.back": {"en": "Back to the audit page", "ru": "Вернуться на страницу аудита"},
    # ------------------------------------------------------------------ API tokens
    "nav.tokens": {"en": "API tokens", "ru": "API-токены"},
    "tokens.title": {"en": "API tokens", "ru": "API-токены"},
    "tokens.intro": {"en": "A token lets a program use the JSON API in your name (the header "
                           "Authorization: Bearer and the token). It is shown once, when it is "
                           "made: Signoff keeps only its fingerprint. It stops working when it "
                           "expires or when it is revoked.",
                     "ru": "Токен позволяет программе работать с JSON API от вашего имени "
                           "(заголовок Authorization: Bearer и токен). Он показывается один "
                           "раз, при создании: Signoff хранит только его отпечаток. Токен "
                           "перестаёт действовать, когда истекает его срок или когда его "
                           "отзывают."},
    "tokens.mine": {"en": "Your tokens", "ru": "Ваши токены"},
    "tokens.none": {"en": "You have no API tokens.", "ru": "У вас нет API-токенов."},
    "tokens.col_id": {"en": "No.", "ru": "№"},
    "tokens.col_holder": {"en": "Holder", "ru": "Владелец"},
    "tokens.col_label": {"en": "For", "ru": "Назначение"},
    "tokens.col_created": {"en": "Made", "ru": "Создан"},
    "tokens.col_last_used": {"en": "Last used", "ru": "Последнее использование"},
    "tokens.col_expires": {"en": "Expires", "ru": "Действует до"},
    "tokens.col_state": {"en": "State", "ru": "Состояние"},
    "tokens.never": {"en": "never", "ru": "не использовался"},
    "tokens.state.active": {"en": "Works", "ru": "Действует"},
    "tokens.state.expired": {"en": "Expired", "ru": "Срок истёк"},
    "tokens.revoked_at": {"en": "Revoked {when}", "ru": "Отозван {when}"},
    "tokens.revoke": {"en": "Revoke", "ru": "Отозвать"},
    "tokens.revoked": {"en": "Token No. {id} is revoked: it no longer works.",
                       "ru": "Токен № {id} отозван и больше не действует."},
    "tokens.create": {"en": "Make a token", "ru": "Создать токен"},
    "tokens.create_submit": {"en": "Make the token", "ru": "Создать токен"},
    "tokens.label": {"en": "What it is for (optional)", "ru": "Для чего он (необязательно)"},
    "tokens.label_too_long": {"en": "At most {max} characters.",
                              "ru": "Не более {max} знаков."},
    "tokens.days": {"en": "Works for, days", "ru": "Срок действия, дней"},
    "tokens.days_hint": {"en": "From 1 to {max} days.", "ru": "От 1 до {max} дней."},
    "tokens.days_invalid": {"en": "A whole number of days from 1 to {max}.",
                            "ru": "Целое число дней от 1 до {max}."},
    "tokens.created": {"en": "Your new token. Copy it now: it is not shown again.",
                       "ru": "Ваш новый токен. Скопируйте его сейчас: больше он показан не "
                             "будет."},
    "tokens.created_expires": {"en": "It works until {when}.", "ru": "Он действует до {when}."},
    "tokens.everyone": {"en": "Everyone's tokens in force", "ru": "Действующие токены всех"},
    "tokens.everyone_intro": {"en": "As an administrator you may revoke any of them.",
                              "ru": "Как администратор вы можете отозвать любой из них."},
    "tokens.everyone_none": {"en": "No token is in force.", "ru": "Действующих токенов нет."},
    # ------------------------------------------------------------------ the check-up
    "nav.doctor": {"en": "Check-up", "ru": "Проверка"},
    "doctor.title": {"en": "Installation check-up", "ru": "Проверка установки"},
    "doctor.intro": {"en": "What signoff doctor reports about this installation, warnings "
                           "first. Each warning says what to do.",
                     "ru": "То же, что сообщает signoff doctor об этой установке; сначала "
                           "предупреждения. В каждом сказано, что сделать."},
    "doctor.summary_warnings": {"en": "Warnings: {n}", "ru": "Предупреждений: {n}"},
    "doctor.summary_ok": {"en": "No warnings.", "ru": "Предупреждений нет."},
    "doctor.col_level": {"en": "Result", "ru": "Итог"},
    "doctor.col_check": {"en": "Check", "ru": "Проверка"},
    "doctor.col_finding": {"en": "Finding", "ru": "Что найдено"},
    "doctor.level.warning": {"en": "Warning", "ru": "Предупреждение"},
    "doctor.level.ok": {"en": "OK", "ru": "В порядке"},
    "doctor.check.demo_accounts": {"en": "Demo accounts", "ru": "Демо-учётные записи"},
    "doctor.check.default_passwords": {"en": "Default passwords", "ru": "Пароли по умолчанию"},
    "doctor.check.secret_key": {"en": "Secret key", "ru": "Секретный ключ"},
    "doctor.check.dev_mail": {"en": "Dev mail", "ru": "Тестовая почта"},
    "doctor.check.dmarc": {"en": "Sender authentication", "ru": "Проверка отправителя"},
    "doctor.demo_accounts.present": {
        "en": "Demo accounts are active: {emails}. They share the published password "
              "\"demo\" and hold real roles (administrator, auditor, HR…). Deactivate them: "
              "signoff people deactivate {command}",
        "ru": "Активны демо-учётные записи: {emails}. У них общий опубликованный пароль "
              "«demo» и настоящие роли (администратор, аудитор, кадры…). Отключите их: "
              "signoff people deactivate {command}"},
    "doctor.demo_accounts.absent": {"en": "No demo account is active.",
                                    "ru": "Активных демо-учётных записей нет."},
    "doctor.default_passwords.present": {
        "en": "These active people still have a default password (\"demo\" or their own "
              "address): {emails}. Set new ones: signoff people password EMAIL",
        "ru": "У этих активных сотрудников всё ещё пароль по умолчанию («demo» или их "
              "собственный адрес): {emails}. Задайте новые: signoff people password EMAIL"},
    "doctor.default_passwords.absent": {"en": "No active person has a default password.",
                                        "ru": "Ни у кого из активных сотрудников нет пароля "
                                              "по умолчанию."},
    "doctor.secret_key.missing": {
        "en": "SIGNOFF_SECRET_KEY is not set: session cookies are signed with a key generated "
              "into {path} on this host only. Set SIGNOFF_SECRET_KEY to a long random value, "
              "the same on every web host, and keep it secret.",
        "ru": "SIGNOFF_SECRET_KEY не задан: cookie сеансов подписываются ключом, созданным в "
              "{path} только на этом сервере. Задайте SIGNOFF_SECRET_KEY — длинное случайное "
              "значение, одинаковое на всех веб-серверах, — и храните его в секрете."},
    "doctor.secret_key.set": {"en": "SIGNOFF_SECRET_KEY is set.",
                              "ru": "SIGNOFF_SECRET_KEY задан."},
    "doctor.dev_mail.on_with_relay_settings": {
        "en": "/dev/mail is on: SMTP_HOST is not set, so every mail stays in the built-in "
              "catcher, where it can be read and answered, although settings of a real mail "
              "setup are present ({settings}). Set SMTP_HOST to your relay; that turns "
              "/dev/mail off.",
        "ru": "/dev/mail включена: SMTP_HOST не задан, поэтому все письма остаются во "
              "встроенном перехватчике, где их можно читать и отвечать на них, хотя заданы "
              "настройки настоящей почты ({settings}). Укажите в SMTP_HOST ваш почтовый "
              "сервер — это выключит /dev/mail."},
    "doctor.dev_mail.relay": {"en": "/dev/mail is off: mail leaves through the relay {host}.",
                              "ru": "/dev/mail выключена: письма уходят через сервер {host}."},
    "doctor.dev_mail.catcher": {
        "en": "No mail relay is configured: mail stays in the built-in catcher and is shown "
              "on /dev/mail. That suits a trial; set SMTP_HOST for real mail.",
        "ru": "Почтовый сервер не настроен: письма остаются во встроенном перехватчике и "
              "видны на /dev/mail. Это подходит для пробы; для настоящей почты задайте "
              "SMTP_HOST."},
    "doctor.dev_mail.unreadable": {"en": "The mail settings cannot be read: {error}",
                                   "ru": "Не удаётся прочитать настройки почты: {error}"},
    "doctor.dmarc.unreadable": {"en": "The mail settings cannot be read: {error}",
                                "ru": "Не удаётся прочитать настройки почты: {error}"},
    "doctor.dmarc.off_with_authserv": {
        "en": "MAIL_REQUIRE_DMARC is off although MAIL_AUTHSERV_ID names your mail server "
              "({authserv_id}), which stamps Authentication-Results: a reply with a forged "
              "From: and a task's reply address decides the task. Set MAIL_REQUIRE_DMARC=1.",
        "ru": "MAIL_REQUIRE_DMARC выключен, хотя MAIL_AUTHSERV_ID называет ваш почтовый "
              "сервер ({authserv_id}), который ставит Authentication-Results: ответ с "
              "поддельным From: и адресом ответа задачи решает задачу. Задайте "
              "MAIL_REQUIRE_DMARC=1."},
    "doctor.dmarc.off_with_stamped_replies": {
        "en": "MAIL_REQUIRE_DMARC is off although {count} of the last {total} stored replies "
              "carry Authentication-Results stamped by the server in front of Signoff "
              "({servers}). Set MAIL_AUTHSERV_ID to it and MAIL_REQUIRE_DMARC=1, so that a "
              "forged From: no longer decides a task.",
        "ru": "MAIL_REQUIRE_DMARC выключен, хотя {count} из {total} последних сохранённых "
              "ответов несут Authentication-Results от сервера перед Signoff ({servers}). "
              "Укажите его в MAIL_AUTHSERV_ID и задайте MAIL_REQUIRE_DMARC=1, чтобы поддельный "
              "From: больше не решал задачу."},
    "doctor.dmarc.required_without_authserv": {
        "en": "MAIL_REQUIRE_DMARC is on but MAIL_AUTHSERV_ID is not set, so no reply can "
              "pass and every email answer is refused. Set MAIL_AUTHSERV_ID to your MX's "
              "authserv-id.",
        "ru": "MAIL_REQUIRE_DMARC включён, но MAIL_AUTHSERV_ID не задан, поэтому ни один "
              "ответ не проходит проверку и все ответы по почте отклоняются. Укажите в "
              "MAIL_AUTHSERV_ID authserv-id вашего MX."},
    "doctor.dmarc.required": {
        "en": "MAIL_REQUIRE_DMARC is on: a reply counts only when {authserv_id} vouched for "
              "its sender.",
        "ru": "MAIL_REQUIRE_DMARC включён: ответ засчитывается, только если {authserv_id} "
              "подтвердил отправителя."},
    "doctor.dmarc.off_unstamped": {
        "en": "MAIL_REQUIRE_DMARC is off, and no server in front of Signoff stamps "
              "Authentication-Results (none configured, none on the last {total} stored "
              "replies).",
        "ru": "MAIL_REQUIRE_DMARC выключен, и ни один сервер перед Signoff не ставит "
              "Authentication-Results (не настроен и не встречается в {total} последних "
              "сохранённых ответах)."},
    # ------------------------------------------------------------------ email interface pages
    "nav.mail": {"en": "Mail", "ru": "Почта"},
    "nav.dev_mail": {"en": "Dev mail", "ru": "Тестовая почта"},
    "answer.title": {"en": "Confirm your decision", "ru": "Подтвердите решение"},
    "answer.intro": {"en": "You followed a link in an email. Nothing is recorded until you "
                           "confirm below.",
                     "ru": "Вы перешли по ссылке из письма. Решение будет записано только "
                           "после подтверждения."},
    "answer.task": {"en": "Task", "ru": "Задача"},
    "answer.verdict": {"en": "Decision", "ru": "Решение"},
    "answer.comment": {"en": "Comment (optional)", "ru": "Комментарий (необязательно)"},
    "answer.confirm": {"en": "Confirm: {verdict}", "ru": "Подтвердить: «{verdict}»"},
    "answer.open_task": {"en": "Open the task page", "ru": "Открыть страницу задачи"},
    "answer.revision": {"en": "A revision may need corrected data or new files: continue on "
                              "the task page.",
                        "ru": "Для доработки могут понадобиться исправленные данные или новые "
                              "файлы: продолжите на странице задачи."},
    "devmail.title": {"en": "Caught mail", "ru": "Перехваченная почта"},
    "devmail.intro": {"en": "A developer tool. No mail relay is configured (SMTP_HOST is not "
                            "set), so every email Signoff sends is kept here instead of being "
                            "delivered (folder {folder}).",
                      "ru": "Инструмент разработчика. Почтовый сервер для отправки не настроен "
                            "(SMTP_HOST не задан), поэтому все письма Signoff не доставляются, "
                            "а сохраняются здесь (папка {folder})."},
    "devmail.intro_own": {"en": "You see the mail addressed to you and answer it as yourself.",
                          "ru": "Здесь видны письма, адресованные вам; отвечаете вы от своего "
                                "имени."},
    "devmail.intro_all": {"en": "As an administrator you see all the mail; you still answer "
                                "only as yourself.",
                          "ru": "Как администратор вы видите все письма, но отвечаете только "
                                "от своего имени."},
    "devmail.count": {"en": "Messages: {n}", "ru": "Писем: {n}"},
    "devmail.none": {"en": "No mail has been caught yet.", "ru": "Писем пока нет."},
    "devmail.col_when": {"en": "Received", "ru": "Получено"},
    "devmail.col_to": {"en": "To", "ru": "Кому"},
    "devmail.col_subject": {"en": "Subject", "ru": "Тема"},
    "devmail.no_subject": {"en": "(no subject)", "ru": "(без темы)"},
    "devmail.back": {"en": "Back to the caught mail", "ru": "Вернуться к перехваченной почте"},
    "devmail.envelope_to": {"en": "Delivered to", "ru": "Доставлено"},
    "devmail.text_part": {"en": "Text part", "ru": "Текстовая часть"},
    "devmail.no_text": {"en": "This message has no text part.",
                        "ru": "В этом письме нет текстовой части."},
    "devmail.html_part": {"en": "HTML part (shown with its scripts disabled)",
                          "ru": "HTML-часть (показана с отключёнными скриптами)"},
    "devmail.attachments": {"en": "Attachments", "ru": "Вложения"},
    "devmail.answer_title": {"en": "Answer this email", "ru": "Ответить на это письмо"},
    "devmail.answer_help": {"en": "The reply is sent as a real email to the inbound mail "
                                  "server (signoff smtp), addressed to {to}, with the original "
                                  "quoted below your text, as a mail client does.",
                            "ru": "Ответ уходит настоящим письмом на сервер входящей почты "
                                  "(signoff smtp), на адрес {to}, с цитатой исходного письма "
                                  "под вашим текстом, как в почтовой программе."},
    "devmail.text": {"en": "Your reply (the first line is the answer, the rest a comment)",
                     "ru": "Ваш ответ (первая строка — решение, остальное — комментарий)"},
    "devmail.sent_from": {"en": "Sent from your address, {sender}. A reply counts only from "
                                "the task's assignee.",
                          "ru": "Отправляется с вашего адреса, {sender}. Ответ засчитывается "
                                "только от исполнителя задачи."},
    "devmail.quick": {"en": "Or answer with one word (what you typed becomes the comment):",
                      "ru": "Или ответьте одним словом (набранный текст станет "
                            "комментарием):"},
    "devmail.send": {"en": "Send the reply", "ru": "Отправить ответ"},
    "devmail.sent": {"en": "Reply sent; the worker will process it.",
                     "ru": "Ответ отправлен; его обработает фоновый обработчик."},
    "devmail.not_running": {"en": "The inbound mail server (signoff smtp) is not running on "
                                  "{where}. Start it (make run does) and send again.",
                            "ru": "Сервер входящей почты (signoff smtp) не запущен на {where}. "
                                  "Запустите его (make run запускает) и отправьте ещё раз."},
    "devmail.refused": {"en": "The inbound mail server refused the reply: {answer}",
                        "ru": "Сервер входящей почты отклонил ответ: {answer}"},
    "devmail.send_failed": {"en": "The reply could not be sent to the inbound mail server on "
                                  "{where}: {error}",
                            "ru": "Не удалось отправить ответ на сервер входящей почты "
                                  "{where}: {error}"},
    "devmail.empty": {"en": "Type a reply or choose a word.",
                      "ru": "Введите ответ или выберите слово."},
    "adminmail.title": {"en": "Mail", "ru": "Почта"},
    "adminmail.intro": {"en": "Every email that reached Signoff and what came of it, and the "
                              "outgoing mail that could not be delivered.",
                        "ru": "Все письма, пришедшие в Signoff, и чем закончилась их "
                              "обработка, а также исходящие письма, которые не удалось "
                              "доставить."},
    "adminmail.inbound": {"en": "Inbound messages", "ru": "Входящие письма"},
    "adminmail.outcome": {"en": "Outcome", "ru": "Итог"},
    "adminmail.any_outcome": {"en": "Any outcome", "ru": "Любой итог"},
    "adminmail.filter": {"en": "Show", "ru": "Показать"},
    "adminmail.found": {"en": "Messages: {n}", "ru": "Писем: {n}"},
    "adminmail.none": {"en": "No inbound messages.", "ru": "Входящих писем нет."},
    "adminmail.col_received": {"en": "Received", "ru": "Получено"},
    "adminmail.col_channel": {"en": "Channel", "ru": "Канал"},
    "adminmail.col_sender": {"en": "Sender", "ru": "Отправитель"},
    "adminmail.col_subject": {"en": "Subject", "ru": "Тема"},
    "adminmail.col_state": {"en": "State", "ru": "Состояние"},
    "adminmail.col_reason": {"en": "Reason", "ru": "Причина"},
    "adminmail.col_link": {"en": "Task / process", "ru": "Задача / процесс"},
    "adminmail.task": {"en": "task {id}", "ru": "задача {id}"},
    "adminmail.instance": {"en": "process {id}", "ru": "процесс {id}"},
    "adminmail.failed": {"en": "Outgoing mail that failed", "ru": "Недоставленные письма"},
    "adminmail.failed_none": {"en": "No outgoing mail has failed.",
                              "ru": "Недоставленных исходящих писем нет."},
    "adminmail.col_outbox": {"en": "No.", "ru": "№"},
    "adminmail.col_created": {"en": "Created", "ru": "Создано"},
    "adminmail.col_to": {"en": "To", "ru": "Кому"},
    "adminmail.col_attempts": {"en": "Attempts", "ru": "Попытки"},
    "adminmail.col_error": {"en": "Last error", "ru": "Последняя ошибка"},
    "adminmail.col_payload": {"en": "What to send", "ru": "Что отправить"},
    "adminmail.col_action": {"en": "Action", "ru": "Действие"},
    "adminmail.resend": {"en": "Send again", "ru": "Отправить снова"},
    "adminmail.resent": {"en": "Mail No. {id} goes to the workers again, as the same mail "
                               "(the same Message-ID).",
                         "ru": "Письмо № {id} снова передано на отправку — то же письмо, с тем "
                               "же Message-ID."},
    "adminmail.not_resent": {"en": "Mail No. {id} was left alone: it has been sent already or "
                                   "is being sent right now.",
                             "ru": "Письмо № {id} не тронуто: оно уже отправлено или "
                                   "отправляется прямо сейчас."},
    "adminmail.message": {"en": "Inbound message No. {id}", "ru": "Входящее письмо № {id}"},
    "adminmail.back": {"en": "Back to the mail log", "ru": "Вернуться к журналу почты"},
    "adminmail.envelope": {"en": "Envelope", "ru": "Конверт"},
    "adminmail.envelope_text": {"en": "from {sender} to {to}", "ru": "от {sender} к {to}"},
    "adminmail.message_id": {"en": "Message-ID", "ru": "Message-ID"},
    "adminmail.size": {"en": "Size", "ru": "Размер"},
    "adminmail.processed": {"en": "Processed", "ru": "Обработано"},
    "adminmail.headers": {"en": "Headers", "ru": "Заголовки"},
    "adminmail.details": {"en": "Details", "ru": "Подробности"},
    "adminmail.download": {"en": "Download the raw message (.eml)",
                           "ru": "Скачать исходное письмо (.eml)"},
    "inbound_state.received": {"en": "Waiting to be processed", "ru": "Ожидает обработки"},
    "inbound_state.done": {"en": "Processed", "ru": "Обработано"},
    "inbound_state.failed": {"en": "Processing failed", "ru": "Ошибка обработки"},
    "outbox_state.pending": {"en": "Being retried", "ru": "Повторные попытки"},
    "outbox_state.failed": {"en": "Failed for good", "ru": "Не доставлено"},
    "inbound_outcome.decided": {"en": "decided", "ru": "решение принято"},
    "inbound_outcome.duplicate": {"en": "duplicate", "ru": "повтор"},
    "inbound_outcome.unreadable": {"en": "unreadable", "ru": "не прочитано"},
    "inbound_outcome.automatic": {"en": "automatic mail", "ru": "автоответ"},
    "inbound_outcome.loop": {"en": "from our own address", "ru": "с нашего адреса"},
    "inbound_outcome.unknown_token": {"en": "unknown token", "ru": "неизвестный токен"},
    "inbound_outcome.wrong_sender": {"en": "wrong sender", "ru": "чужой отправитель"},
    "inbound_outcome.not_authenticated": {"en": "not authenticated (DMARC)",
                                          "ru": "не подтверждён (DMARC)"},
    "inbound_outcome.already_decided": {"en": "already decided", "ru": "решение уже принято"},
    "inbound_outcome.expired": {"en": "token expired", "ru": "токен истёк"},
    "inbound_outcome.ambiguous": {"en": "ambiguous", "ru": "неоднозначно"},
    "inbound_outcome.no_verdict": {"en": "no answer word", "ru": "нет слова-ответа"},
    "inbound_outcome.refused": {"en": "refused", "ru": "отклонено"},
    "inbound_outcome.too_large": {"en": "too large", "ru": "слишком большое"},
    "inbound_outcome.error": {"en": "processing error", "ru": "ошибка обработки"},
    # ------------------------------------------------------------------ verdicts
    "verdict.approve": {"en": "Approve", "ru": "Согласовать"},
    "verdict.send_back": {"en": "Send back", "ru": "Вернуть на доработку"},
    "verdict.done": {"en": "Done", "ru": "Выполнено"},
    "verdict.paid": {"en": "Paid", "ru": "Оплачено"},
    "verdict.acknowledge": {"en": "Acknowledged", "ru": "Ознакомлен"},
    "verdict.resubmit": {"en": "Resubmit", "ru": "Отправить повторно"},
    "verdict_past.approve": {"en": "Approved", "ru": "Согласовано"},
    "verdict_past.send_back": {"en": "Sent back", "ru": "Возвращено на доработку"},
    "verdict_past.done": {"en": "Done", "ru": "Выполнено"},
    "verdict_past.paid": {"en": "Paid", "ru": "Оплачено"},
    "verdict_past.acknowledge": {"en": "Acknowledged", "ru": "Ознакомлен"},
    "verdict_past.resubmit": {"en": "Resubmitted", "ru": "Отправлено повторно"},
    # ------------------------------------------------------------------ states
    "instance_state.running": {"en": "In progress", "ru": "В работе"},
    "instance_state.completed": {"en": "Completed", "ru": "Завершено"},
    "instance_state.cancelled": {"en": "Cancelled", "ru": "Отменено"},
    "task_state.waiting": {"en": "Waiting for its turn", "ru": "Ожидает очереди"},
    "task_state.open": {"en": "Open", "ru": "Открыта"},
    "task_state.decided": {"en": "Decided", "ru": "Решение принято"},
    "task_state.withdrawn": {"en": "Withdrawn", "ru": "Снята"},
    "task_kind.approval": {"en": "Approval", "ru": "Согласование"},
    "task_kind.revision": {"en": "Revision", "ru": "Доработка"},
    "stage_state.pending": {"en": "pending", "ru": "предстоит"},
    # ------------------------------------------------------------------ timeline events
    "event.stage_entered": {"en": "Stage “{stage}” began: {assignees}",
                            "ru": "Начат этап «{stage}»: {assignees}"},
    "event.task_opened": {"en": "Task opened for {assignee}",
                          "ru": "Открыта задача: {assignee}"},
    "event.decided": {"en": "Decision: {verdict}", "ru": "Решение: «{verdict}»"},
    "event.document_version": {"en": "{field}: version {version}, {filename}",
                               "ru": "{field}: версия {version}, {filename}"},
    "event.fields_set": {"en": "Set: {values}", "ru": "Установлено: {values}"},
    # ------------------------------------------------------------------ notifications
    "notify.stage_unassigned": {
        "en": "“{title}”: nobody could take the stage “{stage}” ({wanted}); the administrators "
              "were asked to assign it.",
        "ru": "«{title}»: для этапа «{stage}» не нашлось исполнителя ({wanted}); "
              "администраторы назначат его."},
    "trail_pending.title": {"en": "The provisional trail is being made",
                            "ru": "Предварительный лист согласования формируется"},
    "trail_pending.text": {"en": "It takes a few seconds; the download starts on its own when "
                                 "it is ready. You can leave this page and come back.",
                           "ru": "Это займёт несколько секунд; скачивание начнётся само, когда "
                                 "лист будет готов. Можно уйти со страницы и вернуться позже."},
    "not_me.title": {"en": "A decision by email in your name", "ru": "Решение по почте от "
                                                                   "вашего имени"},
    "not_me.intro": {"en": "If you did not send the reply that took this decision, report it: "
                           "the process's history will show it, and the administrators are "
                           "told at once to look into it.",
                     "ru": "Если вы не отправляли ответ, которым принято это решение, сообщите "
                           "об этом: это будет отмечено в истории процесса, и администраторы "
                           "сразу получат уведомление."},
    "not_me.confirm": {"en": "This was not me", "ru": "Это был не я"},
    "not_me.not_by_email": {"en": "This task was not decided by an email reply.",
                            "ru": "Решение по этой задаче принято не ответом по почте."},
    "not_me.open_instance": {"en": "Open the process", "ru": "Открыть процесс"},
    "not_me.reported": {"en": "Reported: the administrators have been told.",
                        "ru": "Сообщение отправлено администраторам."},
    "notify.decision_received": {
        "en": "Your email reply was recorded as your decision on “{title}”, stage “{stage}”",
        "ru": "Ваш ответ по почте записан как ваше решение по «{title}», этап «{stage}»"},
    "notify.decision_disputed": {
        "en": "Reported as not theirs: a decision by email on “{title}”, stage “{stage}”",
        "ru": "Сотрудник сообщил, что не принимал решение по почте: «{title}», этап "
              "«{stage}»"},
    "notify.task_assigned": {"en": "New task: “{title}”, stage “{stage}”",
                             "ru": "Новая задача: «{title}», этап «{stage}»"},
    "notify.revision_requested": {"en": "“{title}” was sent back to you for revision",
                                  "ru": "«{title}»: возвращено вам на доработку"},
    "notify.task_withdrawn": {"en": "Your task on “{title}” was withdrawn: {reason}",
                              "ru": "Ваша задача по «{title}» снята: {reason}"},
    "notify.task_overdue": {"en": "Overdue: your task on “{title}” (stage “{stage}”)",
                            "ru": "Просрочено: ваша задача по «{title}» (этап «{stage}»)"},
    "notify.task_overdue_initiator": {"en": "A task in “{title}” is overdue (stage “{stage}”)",
                                      "ru": "В процессе «{title}» просрочена задача (этап "
                                            "«{stage}»)"},
    "notify.task_overdue_manager": {
        "en": "Overdue: a task of your report on “{title}” (stage “{stage}”)",
        "ru": "Просрочена задача вашего сотрудника по «{title}» (этап «{stage}»)"},
    "notify.instance_reopened": {"en": "“{title}” was reopened: {message}",
                                 "ru": "«{title}» открыт повторно: {message}"},
    "notify.instance_completed": {"en": "“{title}” is completed",
                                  "ru": "«{title}»: процесс завершён"},
    "notify.instance_ended": {"en": "“{title}” has ended: {stage}. {comment}",
                              "ru": "«{title}» завершён: {stage}. {comment}"},
    "notify.process_notice": {"en": "“{title}”: {message}", "ru": "«{title}»: {message}"},
    "notify.trail_issued": {"en": "The signed trail of “{title}” is ready: download it",
                            "ru": "«{title}»: подписанный лист согласования готов — скачать"},
    # ------------------------------------------------------------------ field errors
    "field_error.required": {"en": "This field is required.", "ru": "Обязательное поле."},
    "field_error.unknown_field": {"en": "This form has no such field.",
                                  "ru": "В этой форме нет такого поля."},
    "field_error.not_text": {"en": "Enter text.", "ru": "Введите текст."},
    "field_error.too_long": {"en": "At most {max} characters.",
                             "ru": "Не более {max} символов."},
    "field_error.pattern": {"en": "The value does not have the expected format.",
                            "ru": "Значение не соответствует требуемому формату."},
    "field_error.not_a_number": {"en": "Enter a number, such as 1500.50.",
                                 "ru": "Введите число, например 1500,50."},
    "field_error.too_small": {"en": "Must be at least {min}.", "ru": "Не меньше {min}."},
    "field_error.too_large": {"en": "Must be at most {max}.", "ru": "Не больше {max}."},
    "field_error.too_many_decimals": {
        "en": "An amount has at most 2 digits after the decimal point.",
        "ru": "В сумме не больше двух знаков после запятой."},
    "field_error.not_a_date": {"en": "Enter a date, such as 2026-12-31.",
                               "ru": "Введите дату, например 31.12.2026."},
    "field_error.not_a_range": {"en": "Enter both the first and the last day.",
                                "ru": "Укажите и первый, и последний день."},
    "field_error.range_reversed": {"en": "The last day is before the first.",
                                   "ru": "Последний день раньше первого."},
    "field_error.not_an_email": {"en": "“{value}” is not an email address.",
                                 "ru": "«{value}» — не адрес электронной почты."},
    "field_error.not_an_email.plain": {"en": "Enter an email address.",
                                       "ru": "Введите адрес электронной почты."},
    # the checks of the validators packages register (approvals/extensions.py)
    "field_error.period_in_the_past": {
        "en": "The period cannot begin in the past ({start}); the earliest start is {today}.",
        "ru": "Период не может начинаться в прошлом ({start}); самое раннее начало — {today}."},
    # (accounting's checks — the INN, KPP, account and BIC — are worded in texts/accounting.py)
    "field_error.unknown_person": {"en": "Nobody with the address “{value}” can take part "
                                         "(unknown or inactive).",
                                   "ru": "Сотрудник с адресом «{value}» не найден или "
                                         "отключён."},
    "field_error.not_a_list": {"en": "Enter a list of email addresses.",
                               "ru": "Введите список адресов электронной почты."},
    "field_error.not_a_choice": {"en": "Choose one of: {allowed}.",
                                 "ru": "Выберите один из вариантов: {allowed}."},
    "field_error.not_a_boolean": {"en": "Choose yes or no.", "ru": "Выберите «да» или «нет»."},
    "field_error.bad_base64": {"en": "The file content is not valid base64.",
                               "ru": "Содержимое файла — не корректный base64."},
    "field_error.not_a_file": {"en": "Attach a file.", "ru": "Приложите файл."},
    "field_error.no_filename": {"en": "The file has no name.", "ru": "У файла нет имени."},
    "field_error.empty_file": {"en": "The file is empty.", "ru": "Файл пустой."},
    "field_error.file_too_large": {"en": "The file is larger than {max_mb} MB.",
                                   "ru": "Файл больше {max_mb} МБ."},
    "field_error.not_an_object": {"en": "The form must be an object of named fields.",
                                  "ru": "Форма должна быть объектом с именованными полями."},
    "field_error.date_out_of_range": {"en": "Give a date from {min} to {max}.",
                                      "ru": "Укажите дату с {min} по {max}."},
    "field_error.file_type": {"en": "This type of file is not taken here; send one of: "
                                    "{allowed}.",
                              "ru": "Файлы такого типа здесь не принимаются; приложите один "
                                    "из: {allowed}."},
    "field_error.file_content": {"en": "The file's content is not a {type} file, as its name "
                                       "says.",
                                 "ru": "Содержимое файла не соответствует его имени: это не "
                                       "файл {type}."},
    "field_error.initiator_may_not_decide": {
        "en": "You cannot name yourself here: in this process a request is decided by someone "
              "other than the person who made it.",
        "ru": "Здесь нельзя указать себя: в этом процессе решение по заявке принимает не тот, "
              "кто её подал."},
    "field_error.unknown": {"en": "This value is not accepted.", "ru": "Значение не принято."},
    "field_error.unknown_process": {"en": "There is no process “{value}”.",
                                    "ru": "Процесса «{value}» нет."},
    # ------------------------------------------------------------------ domain errors
    "error.already_decided": {"en": "This task has already been decided.",
                              "ru": "По этой задаче решение уже принято."},
    "error.not_an_assignee": {"en": "This task is assigned to someone else.",
                              "ru": "Эта задача назначена другому сотруднику."},
    "error.forbidden": {"en": "You do not have access to this page.",
                        "ru": "У вас нет доступа к этой странице."},
    "error.not_found": {"en": "Not found: the link may be wrong or out of date.",
                        "ru": "Не найдено: возможно, ссылка неверна или устарела."},
    "error.task_closed": {"en": "This task is closed: it was withdrawn, or it is not yet its "
                                "turn.",
                          "ru": "Задача закрыта: она снята или её очередь ещё не наступила."},
    "error.instance_closed": {"en": "This process has already ended.",
                              "ru": "Этот процесс уже завершён."},
    "error.verdict_not_allowed": {"en": "This decision is not available for this task.",
                                  "ru": "Это решение недоступно для этой задачи."},
    "error.comment_required": {"en": "Sending back needs a comment that says what to change.",
                               "ru": "Для возврата на доработку нужен комментарий: что "
                                     "нужно изменить."},
    "error.text_too_long": {"en": "The text is too long: {length} characters, and at most "
                                  "{limit} are taken. Shorten it, or attach a file.",
                            "ru": "Текст слишком длинный: {length} знаков, а принимается не "
                                  "более {limit}. Сократите его или приложите файл."},
    "error.transition_not_allowed": {"en": "This action is not possible in the process's "
                                           "current state.",
                                     "ru": "Это действие невозможно в текущем состоянии "
                                           "процесса."},
    "error.no_assignee": {"en": "Nobody can take the next stage (an empty role or a missing "
                                "manager). Please tell an administrator.",
                          "ru": "Следующий этап некому назначить (пустая роль или нет "
                                "руководителя). Сообщите администратору."},
    "error.concurrent_update": {"en": "The process changed while your decision was being "
                                      "saved. Please try again.",
                                "ru": "Процесс изменился, пока сохранялось ваше решение. "
                                      "Попробуйте ещё раз."},
    "error.store_unavailable": {"en": "The database is unavailable; nothing was changed. "
                                      "Please try again in a few minutes.",
                                "ru": "База данных недоступна; ничего не изменено. Повторите "
                                      "через несколько минут."},
    "error.form_invalid": {"en": "Some fields are filled in wrongly.",
                           "ru": "Некоторые поля заполнены неверно."},
    "error.trail_pending": {"en": "The signed trail of this process is being made. Try again "
                                  "in a minute.",
                            "ru": "Подписанный лист согласования этого процесса формируется. "
                                  "Повторите через минуту."},
    "error.trail_not_final": {"en": "A signed trail can only be made of a process that has "
                                    "ended.",
                              "ru": "Подписанный лист согласования формируется только для "
                                    "завершённого процесса."},
    "error.key_problem": {"en": "The organisation's signing key cannot be used. Please tell "
                                "an administrator.",
                          "ru": "Ключ подписи организации недоступен. Сообщите "
                                "администратору."},
    "error.stored_file_problem": {"en": "A stored file is missing or damaged. Please tell an "
                                        "administrator.",
                                  "ru": "Сохранённый файл отсутствует или повреждён. Сообщите "
                                        "администратору."},
    "error.export_not_ready": {"en": "This export is not ready to download.",
                               "ru": "Эта выгрузка ещё не готова к скачиванию."},
    "error.export_period_invalid": {
        "en": "The period {start} – {end} cannot be exported: an export covers days from {min} "
              "to {max}, the first not after the last. Ask for a new export.",
        "ru": "Период {start} – {end} выгрузить нельзя: выгрузка охватывает дни с {min} по "
              "{max}, и первый день не позже последнего. Запросите новую выгрузку."},
    "error.csrf": {"en": "The form has expired. Go back, reload the page and try again.",
                   "ru": "Срок действия формы истёк. Вернитесь, обновите страницу и "
                         "попробуйте ещё раз."},
    "http.title": {"en": "Error {status}", "ru": "Ошибка {status}"},
    "http.400": {"en": "The request could not be understood.", "ru": "Неверный запрос."},
    "http.401": {"en": "Please log in.", "ru": "Войдите в систему."},
    "http.403": {"en": "You do not have access to this page.",
                 "ru": "У вас нет доступа к этой странице."},
    "http.404": {"en": "This page does not exist.", "ru": "Такой страницы нет."},
    "http.405": {"en": "This action is not available here.",
                 "ru": "Это действие здесь недоступно."},
    "http.409": {"en": "The request conflicts with the current state.",
                 "ru": "Запрос противоречит текущему состоянию."},
    "http.413": {"en": "The upload is too large.", "ru": "Загружаемый файл слишком большой."},
    "http.500": {"en": "Something went wrong on our side.", "ru": "Что-то пошло не так."},
    "http.503": {"en": "The service is temporarily unavailable.",
                 "ru": "Сервис временно недоступен."},
}
