"""What Signoff says about webhooks: the administrator's endpoints and delivery log: each section
(``PAGE``, ``MAIL``, ``COMMON``, ``TRAIL``) joins the catalogue's section of that name
(:mod:`approvals.texts`); a key may be worded in one place only."""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {
    "nav.webhooks": {"en": "Webhooks", "ru": "Вебхуки"},
    "webhooks.title": {"en": "Webhooks", "ru": "Вебхуки"},
    "webhooks.intro": {
        "en": "Addresses of other systems (a CRM, 1C) that Signoff tells of what happens, by an "
              "HTTP POST signed as Standard Webhooks describes (webhook-id, webhook-timestamp, "
              "webhook-signature). A message that does not get through is tried again for a "
              "day; every attempt is listed on the endpoint's page.",
        "ru": "Адреса других систем (CRM, 1С), которым Signoff сообщает о событиях — "
              "HTTP-запросом POST с подписью по Standard Webhooks (webhook-id, "
              "webhook-timestamp, webhook-signature). Недоставленное сообщение отправляется "
              "повторно в течение суток; каждая попытка видна на странице адреса."},
    "webhooks.endpoints": {"en": "Endpoints", "ru": "Адреса"},
    "webhooks.none": {"en": "No endpoint is registered.", "ru": "Адресов пока нет."},
    "webhooks.col_url": {"en": "Address", "ru": "Адрес"},
    "webhooks.col_events": {"en": "Events", "ru": "События"},
    "webhooks.col_state": {"en": "State", "ru": "Состояние"},
    "webhooks.col_last": {"en": "Last attempt", "ru": "Последняя попытка"},
    "webhooks.col_messages": {"en": "Messages", "ru": "Сообщения"},
    "webhooks.counts": {"en": "{done} delivered, {pending} waiting, {failed} failed",
                        "ru": "доставлено: {done}, ожидают: {pending}, не доставлено: {failed}"},
    "webhooks.never": {"en": "none yet", "ru": "ещё не было"},
    "webhooks.active": {"en": "Active", "ru": "Включён"},
    "webhooks.inactive.admin": {"en": "Disabled", "ru": "Выключен"},
    "webhooks.inactive.gone": {"en": "Disabled: the receiver answered 410 Gone",
                               "ru": "Выключен: получатель ответил 410 Gone"},
    "webhooks.private_allowed": {"en": "private addresses allowed",
                                 "ru": "внутренние адреса разрешены"},
    "webhooks.badge_http": {"en": "not encrypted (http)", "ru": "без шифрования (http)"},
    "webhooks.add": {"en": "Add an endpoint", "ru": "Добавить адрес"},
    "webhooks.url": {"en": "URL", "ru": "URL"},
    "webhooks.url_hint": {
        "en": "https:// (or http:// inside the company network); no user name or password in "
              "it.",
        "ru": "https:// (или http:// во внутренней сети компании); без имени пользователя и "
              "пароля."},
    "webhooks.description": {"en": "Description", "ru": "Описание"},
    "webhooks.events": {"en": "Events to send", "ru": "Какие события отправлять"},
    "webhooks.event.instance.started": {"en": "a process was started",
                                        "ru": "процесс запущен"},
    "webhooks.event.instance.completed": {"en": "a process completed successfully",
                                          "ru": "процесс успешно завершён"},
    "webhooks.event.instance.rejected": {"en": "a process ended otherwise (an ending such as "
                                               "“refused”)",
                                         "ru": "процесс завершён иначе (например, отказом)"},
    "webhooks.event.instance.withdrawn": {"en": "a process was withdrawn",
                                          "ru": "процесс отозван"},
    "webhooks.event.task.created": {"en": "a task was given to someone",
                                    "ru": "кому-то поставлена задача"},
    "webhooks.event.task.decided": {"en": "a task was decided (with the verdict and comment)",
                                    "ru": "по задаче принято решение (с ответом и "
                                          "комментарием)"},
    "webhooks.event.payment.recorded": {"en": "a payment was recorded",
                                        "ru": "зарегистрирована оплата"},
    "webhooks.allow_private": {"en": "Allow a private address",
                               "ru": "Разрешить внутренний адрес"},
    "webhooks.allow_private_hint": {
        "en": " — only for a receiver inside the company network (10.x, 192.168.x, this "
              "machine). Without it such addresses are refused, so that a webhook cannot reach "
              "internal services.",
        "ru": " — только для получателя во внутренней сети компании (10.x, 192.168.x, эта "
              "машина). Без отметки такие адреса запрещены, чтобы вебхук не мог обратиться к "
              "внутренним службам."},
    "webhooks.add_submit": {"en": "Add the endpoint", "ru": "Добавить адрес"},
    "webhooks.added": {"en": "Endpoint No. {id} was added.", "ru": "Адрес № {id} добавлен."},
    "webhooks.plain_http": {
        "en": "This address uses http: messages are signed, so they cannot be forged, but "
              "anyone on the way can read them. Prefer https outside the company network.",
        "ru": "Этот адрес использует http: сообщения подписаны и не могут быть подделаны, "
              "но их может прочитать любой по пути. За пределами внутренней сети используйте "
              "https."},
    "webhooks.endpoint": {"en": "Webhook endpoint No. {id}", "ru": "Адрес вебхуков № {id}"},
    "webhooks.back": {"en": "Back to the webhooks", "ru": "Вернуться к вебхукам"},
    "webhooks.secret_title": {"en": "The signing secret", "ru": "Секрет для подписи"},
    "webhooks.secret_once": {
        "en": "Give it to the receiving system now: it is shown only this once. The receiver "
              "checks webhook-signature with it (HMAC-SHA256 over “webhook-id.webhook-"
              "timestamp.body”).",
        "ru": "Передайте его принимающей системе сейчас: он показывается только один раз. "
              "Получатель проверяет им webhook-signature (HMAC-SHA256 от "
              "«webhook-id.webhook-timestamp.тело»)."},
    "webhooks.created": {"en": "Added", "ru": "Добавлен"},
    "webhooks.previous_secret": {"en": "Previous secret", "ru": "Прежний секрет"},
    "webhooks.previous_until": {"en": "still signs beside the new one until {when}",
                                "ru": "подписывает вместе с новым до {when}"},
    "webhooks.ping": {"en": "Send a test event", "ru": "Отправить тестовое событие"},
    "webhooks.ping_sent": {"en": "A test event (ping) is on its way; its attempt appears below.",
                           "ru": "Тестовое событие (ping) отправляется; попытка появится "
                                 "ниже."},
    "webhooks.ping_disabled": {"en": "The endpoint is disabled: enable it to test it.",
                               "ru": "Адрес выключен: включите его, чтобы проверить."},
    "webhooks.disable": {"en": "Disable", "ru": "Выключить"},
    "webhooks.enable": {"en": "Enable", "ru": "Включить"},
    "webhooks.disabled": {"en": "The endpoint is disabled: it gets no new messages.",
                          "ru": "Адрес выключен: новые сообщения ему не отправляются."},
    "webhooks.enabled": {"en": "The endpoint is enabled.", "ru": "Адрес включён."},
    "webhooks.rotate": {"en": "New secret", "ru": "Новый секрет"},
    "webhooks.rotated": {
        "en": "A new secret was made. For {hours} hours messages carry a signature with the "
              "old one too, so the receiver can switch without losing any.",
        "ru": "Создан новый секрет. Ещё {hours} ч сообщения подписываются и прежним, чтобы "
              "получатель успел перейти, ничего не потеряв."},
    "webhooks.messages": {"en": "Messages", "ru": "Сообщения"},
    "webhooks.messages_intro": {
        "en": "Newest first. Sending again keeps the message's webhook-id and body, so the "
              "receiver recognises a message it already has.",
        "ru": "Сначала новые. Повторная отправка сохраняет webhook-id и тело сообщения, "
              "чтобы получатель распознал уже полученное."},
    "webhooks.no_messages": {"en": "No message yet.", "ru": "Сообщений пока нет."},
    "webhooks.col_created": {"en": "Created", "ru": "Создано"},
    "webhooks.col_event": {"en": "Event", "ru": "Событие"},
    "webhooks.col_message_id": {"en": "webhook-id", "ru": "webhook-id"},
    "webhooks.col_attempts": {"en": "Attempts", "ru": "Попытки"},
    "webhooks.col_error": {"en": "Last error", "ru": "Последняя ошибка"},
    "webhooks.col_action": {"en": "Action", "ru": "Действие"},
    "webhooks.state.pending": {"en": "Waiting", "ru": "Ожидает"},
    "webhooks.state.done": {"en": "Delivered", "ru": "Доставлено"},
    "webhooks.state.failed": {"en": "Failed", "ru": "Не доставлено"},
    "webhooks.next_try": {"en": "next try {when}", "ru": "следующая попытка {when}"},
    "webhooks.resend": {"en": "Send again", "ru": "Отправить снова"},
    "webhooks.resent": {"en": "Message No. {id} goes to the endpoint again, with the same "
                              "webhook-id.",
                        "ru": "Сообщение № {id} отправляется снова, с тем же webhook-id."},
    "webhooks.not_resent": {"en": "Message No. {id} was left alone: it is being sent right "
                                  "now.",
                            "ru": "Сообщение № {id} не тронуто: оно отправляется прямо "
                                  "сейчас."},
    "webhooks.attempts": {"en": "Delivery log", "ru": "Журнал доставки"},
    "webhooks.no_attempts": {"en": "No attempt yet.", "ru": "Попыток пока не было."},
    "webhooks.col_at": {"en": "When", "ru": "Когда"},
    "webhooks.col_result": {"en": "Result", "ru": "Результат"},
    "webhooks.col_duration": {"en": "Took", "ru": "Длительность"},
    "webhooks.col_response": {"en": "Answer", "ru": "Ответ"},
    "webhooks.ms": {"en": "{ms} ms", "ru": "{ms} мс"},
    "webhooks.delete": {"en": "Delete this endpoint", "ru": "Удалить этот адрес"},
    "webhooks.delete_intro": {
        "en": "Its delivery log goes with it, and its messages not yet delivered fail.",
        "ru": "Журнал доставки удаляется вместе с ним, а недоставленные сообщения "
              "отменяются."},
    "webhooks.delete_confirm": {"en": "Yes, delete it", "ru": "Да, удалить"},
    "webhooks.delete_submit": {"en": "Delete", "ru": "Удалить"},
    "webhooks.delete_unconfirmed": {"en": "Tick “Yes, delete it” to delete the endpoint.",
                                    "ru": "Отметьте «Да, удалить», чтобы удалить адрес."},
    "webhooks.deleted": {"en": "Endpoint No. {id} was deleted.", "ru": "Адрес № {id} удалён."},
    # what the form refuses (approvals.core.webhooks, approvals.records.webhooks)
    "field_error.webhook_url_invalid": {
        "en": "Enter a full URL with a host, such as https://crm.example.com/hooks/signoff.",
        "ru": "Введите полный URL с адресом сервера, например "
              "https://crm.example.com/hooks/signoff."},
    "field_error.webhook_url_scheme": {
        "en": "Only https:// and http:// addresses are allowed, not “{scheme}”.",
        "ru": "Разрешены только адреса https:// и http://, а не «{scheme}»."},
    "field_error.webhook_url_credentials": {
        "en": "Remove the user name and password from the URL: the signature proves who sends.",
        "ru": "Уберите из URL имя пользователя и пароль: отправителя подтверждает подпись."},
    "field_error.webhook_url_fragment": {
        "en": "Remove the part after “#”: it is never sent to the server.",
        "ru": "Уберите часть после «#»: она не передаётся серверу."},
    "field_error.webhook_host_unknown": {
        "en": "The host “{host}” cannot be found (DNS).",
        "ru": "Сервер «{host}» не найден (DNS)."},
    "field_error.webhook_address_loopback": {
        "en": "“{host}” is this machine ({address}); tick “Allow a private address” if the "
              "receiver really runs here.",
        "ru": "«{host}» — это сама эта машина ({address}); отметьте «Разрешить внутренний "
              "адрес», если получатель действительно работает здесь."},
    "field_error.webhook_address_private": {
        "en": "“{host}” is in a private network ({address}); tick “Allow a private address” if "
              "the receiver is inside the company network.",
        "ru": "«{host}» находится во внутренней сети ({address}); отметьте «Разрешить "
              "внутренний адрес», если получатель во внутренней сети компании."},
    "field_error.webhook_address_link_local": {
        "en": "“{host}” is a link-local address ({address}), such as a cloud's metadata "
              "service: never allowed.",
        "ru": "«{host}» — адрес локального канала ({address}), как у службы метаданных "
              "облака: запрещён всегда."},
    "field_error.webhook_address_multicast": {
        "en": "“{host}” is a multicast address ({address}): never allowed.",
        "ru": "«{host}» — групповой адрес ({address}): запрещён всегда."},
    "field_error.webhook_address_reserved": {
        "en": "“{host}” is a reserved address ({address}): never allowed.",
        "ru": "«{host}» — зарезервированный адрес ({address}): запрещён всегда."},
    "field_error.webhook_address_unspecified": {
        "en": "“{host}” is not a real address ({address}).",
        "ru": "«{host}» — ненастоящий адрес ({address})."},
    "field_error.webhook_description_long": {
        "en": "At most {max} characters.", "ru": "Не более {max} символов."},
    "field_error.webhook_events": {
        "en": "Choose at least one of the events listed.",
        "ru": "Выберите хотя бы одно из перечисленных событий."},
}
MAIL: dict[str, dict[str, str]] = {}
COMMON: dict[str, dict[str, str]] = {}
TRAIL: dict[str, dict[str, str]] = {}
