"""What Signoff says about the accountants' queue, invoices, payments and bank files: each section
(``PAGE``, ``MAIL``, ``COMMON``, ``TRAIL``) joins the catalogue's section of that name
(:mod:`approvals.texts`); a key may be worded in one place only."""

from __future__ import annotations

PAGE: dict[str, dict[str, str]] = {
    # invoice-payment: what the start form's checks say next to a field (approvals.extensions;
    # accounting/validators.py)
    "field_error.inn_length": {
        "en": "“{value}” is not a taxpayer number (INN): it has 10 digits for an organisation, "
              "12 for an individual.",
        "ru": "«{value}» — не ИНН: у организации он из 10 цифр, у физического лица — из 12."},
    "field_error.inn_checksum": {
        "en": "The taxpayer number (INN) “{value}” fails its checksum: a check digit does not "
              "match the digits before it, so one of them is probably mistyped.",
        "ru": "ИНН «{value}» не проходит проверку контрольной суммы: контрольная цифра не "
              "сходится с остальными — вероятно, опечатка."},
    "field_error.kpp_format": {
        "en": "“{value}” is not a KPP: 9 characters — 4 digits, 2 digits or capital Latin "
              "letters, 3 digits (e.g. 773601001).",
        "ru": "«{value}» — не КПП: 9 знаков — 4 цифры, 2 цифры или заглавные латинские буквы, "
              "3 цифры (например, 773601001)."},
    "field_error.bik_format": {
        "en": "“{value}” is not a bank identification code (BIC): it has 9 digits.",
        "ru": "«{value}» — не БИК: он состоит из 9 цифр."},
    "field_error.account_format": {
        "en": "“{value}” is not a bank account number: it has 20 digits, without spaces.",
        "ru": "«{value}» — не номер счёта: в нём 20 цифр, без пробелов."},
    "field_error.account_key": {
        "en": "The account “{value}” does not belong to the bank with the BIC {bik}: its "
              "control key does not match. Check the account and the BIC.",
        "ru": "Счёт «{value}» не сходится с БИК {bik}: не совпадает контрольный ключ. "
              "Проверьте номер счёта и БИК."},
    "field_error.corr_account_key": {
        "en": "The correspondent account “{value}” is not the account of the bank with the "
              "BIC {bik}: its control key does not match.",
        "ru": "Корреспондентский счёт «{value}» не принадлежит банку с БИК {bik}: не "
              "совпадает контрольный ключ."},
    "field_error.duplicate_invoice_approval": {
        "en": "The same invoice (supplier INN, number and amount) is already in approval: "
              "#{instance}. If this really is another invoice, tick “This is not a "
              "duplicate”.",
        "ru": "Такой же счёт (ИНН поставщика, номер и сумма) уже на согласовании: "
              "№{instance}. Если это действительно другой счёт, отметьте «Это не дубликат»."},
    "field_error.duplicate_invoice_revision": {
        "en": "The same invoice (supplier INN, number and amount) is already in process, sent "
              "back for revision: #{instance}. If this really is another invoice, tick “This "
              "is not a duplicate”.",
        "ru": "Такой же счёт (ИНН поставщика, номер и сумма) уже в работе, на доработке: "
              "№{instance}. Если это действительно другой счёт, отметьте «Это не дубликат»."},
    "field_error.duplicate_invoice_payment": {
        "en": "The same invoice (supplier INN, number and amount) is already approved and "
              "waiting for payment: #{instance}. If this really is another invoice, tick "
              "“This is not a duplicate”.",
        "ru": "Такой же счёт (ИНН поставщика, номер и сумма) уже согласован и ждёт оплаты: "
              "№{instance}. Если это действительно другой счёт, отметьте «Это не дубликат»."},
    "field_error.duplicate_invoice_paid": {
        "en": "The same invoice (supplier INN, number and amount) was already paid: "
              "#{instance}, on {paid_on}, payment order No. {order_no}. If this really is "
              "another invoice, tick “This is not a duplicate”.",
        "ru": "Такой же счёт (ИНН поставщика, номер и сумма) уже оплачен: №{instance}, "
              "{paid_on}, платёжное поручение № {order_no}. Если это действительно другой "
              "счёт, отметьте «Это не дубликат»."},
    # end invoice-payment
    # payments queue and bank files (web/payments.py, accounting/orders.py,
    # accounting/statements.py, accounting/sheets.py)
    "nav.payments": {"en": "Payments", "ru": "Платежи"},
    "payments.title": {"en": "Payments", "ru": "Платежи"},
    "payments.intro": {
        "en": "Invoices approved for payment, the earliest due first. Pay one on its task "
              "page, or tick several and export them as payment orders for the bank client; "
              "then import the bank statement to mark them paid.",
        "ru": "Счета, согласованные к оплате, — сначала с ближайшим сроком. Оплатите счёт на "
              "странице его задачи или отметьте несколько и выгрузите платёжные поручения "
              "в банк-клиент; затем загрузите выписку банка, чтобы отметить их оплаченными."},
    "payments.filters": {"en": "Filter", "ru": "Отбор"},
    "payments.due_between": {"en": "Due between", "ru": "Срок оплаты в периоде"},
    "payments.from": {"en": "From", "ru": "С"},
    "payments.to": {"en": "To", "ru": "По"},
    "payments.status": {"en": "Status", "ru": "Состояние"},
    "payments.status.open": {"en": "All unpaid", "ru": "Все неоплаченные"},
    "payments.status.overdue": {"en": "Overdue", "ru": "Просроченные"},
    "payments.status.week": {"en": "Due this week", "ru": "Срок на этой неделе"},
    "payments.status.paid": {"en": "Paid", "ru": "Оплаченные"},
    "payments.state.open": {"en": "waiting for payment", "ru": "ожидает оплаты"},
    "payments.state.overdue": {"en": "overdue", "ru": "просрочен"},
    "payments.state.week": {"en": "due this week", "ru": "срок на этой неделе"},
    "payments.state.paid": {"en": "paid", "ru": "оплачен"},
    "payments.show": {"en": "Show", "ru": "Показать"},
    "payments.reset": {"en": "Reset", "ru": "Сбросить"},
    "payments.found": {"en": "Invoices: {n}", "ru": "Счетов: {n}"},
    "payments.showing": {"en": "showing {first}–{last}", "ru": "показаны {first}–{last}"},
    "payments.totals": {"en": "Totals per currency", "ru": "Итоги по валютам"},
    "payments.invoices": {"en": "invoices: {n}", "ru": "счетов: {n}"},
    "payments.total_line": {"en": "Total, {currency} ({n})", "ru": "Итого, {currency} ({n})"},
    "payments.empty": {"en": "No invoices here.", "ru": "Счетов нет."},
    "payments.choose": {"en": "Choose", "ru": "Выбрать"},
    "payments.choose_one": {"en": "Choose invoice No. {number} of {supplier}",
                            "ru": "Выбрать счёт № {number} от {supplier}"},
    "payments.not_rouble": {
        "en": "Paid by a currency transfer, not by a rouble payment order",
        "ru": "Оплачивается валютным переводом, а не рублёвым платёжным поручением"},
    "payments.dated": {"en": "dated {day}", "ru": "от {day}"},
    "payments.vat.none": {"en": "No VAT", "ru": "Без НДС"},
    "payments.order_no": {"en": "order No. {number}", "ru": "п/п № {number}"},
    "payments.pay": {"en": "Pay", "ru": "Оплатить"},
    "payments.back": {"en": "Payments", "ru": "Платежи"},
    "payments.col.due": {"en": "Due", "ru": "Срок оплаты"},
    "payments.col.state": {"en": "State", "ru": "Состояние"},
    "payments.col.supplier": {"en": "Supplier", "ru": "Поставщик"},
    "payments.col.inn": {"en": "INN", "ru": "ИНН"},
    "payments.col.number": {"en": "Invoice", "ru": "Счёт"},
    "payments.col.invoice_date": {"en": "Invoice date", "ru": "Дата счёта"},
    "payments.col.amount": {"en": "Amount", "ru": "Сумма"},
    "payments.col.currency": {"en": "Currency", "ru": "Валюта"},
    "payments.col.vat": {"en": "VAT", "ru": "НДС"},
    "payments.col.purpose": {"en": "Purpose of payment", "ru": "Назначение платежа"},
    "payments.col.file": {"en": "Invoice file", "ru": "Файл счёта"},
    "payments.col.task": {"en": "Task", "ru": "Задача"},
    "payments.col.paid": {"en": "Payment", "ru": "Оплата"},
    "payments.col.bank_order": {"en": "Payment order in a bank file",
                                "ru": "Платёжка в файле для банка"},
    "payments.col.instance": {"en": "Process No.", "ru": "№ процесса"},
    "payments.col.paid_on": {"en": "Paid on", "ru": "Дата оплаты"},
    "payments.col.order_no": {"en": "Payment order No.", "ru": "№ п/п"},
    "payments.col.amount_paid": {"en": "Amount paid", "ru": "Оплачено"},
    "payments.col.paid_by": {"en": "Paid by", "ru": "Оплатил"},
    "payments.sheet.queue": {"en": "Payments queue", "ru": "Очередь оплаты"},
    "payments.sheet.paid": {"en": "Paid {start} - {end}", "ru": "Оплачено {start} - {end}"},
    "payments.paid.title": {"en": "What was paid in a period", "ru": "Оплаченное за период"},
    "payments.bank.title": {"en": "Export for the bank", "ru": "Выгрузка в банк"},
    "payments.bank.help": {
        "en": "The invoices ticked above, as payment orders in the 1C “Client-Bank” format "
              "(windows-1251): import the file in the bank client, check and sign.",
        "ru": "Отмеченные выше счета — платёжными поручениями в формате 1С «Клиент-Банк» "
              "(windows-1251): загрузите файл в банк-клиент, проверьте и подпишите."},
    "payments.bank.first_number": {"en": "First payment order No.",
                                   "ru": "Номер первого платёжного поручения"},
    "payments.bank.counter": {
        "en": "The next number of this year's payment orders is {n}. Change it to continue "
              "the bank client's numbering; an invoice exported before keeps its number.",
        "ru": "Следующий номер платёжного поручения в этом году — {n}. Измените его, чтобы "
              "продолжить нумерацию банк-клиента; счёт, выгруженный раньше, сохраняет свой "
              "номер."},
    "payments.bank.submit": {"en": "Download the file for the bank",
                             "ru": "Скачать файл для банка"},
    "payments.bank.refused": {"en": "Nothing was exported:", "ru": "Ничего не выгружено:"},
    "payments.bank.none_chosen": {"en": "Tick the invoices to export first.",
                                  "ru": "Сначала отметьте счета для выгрузки."},
    "payments.bank.bad_number": {
        "en": "A payment order number is a whole number from 1 to {max}.",
        "ru": "Номер платёжного поручения — целое число от 1 до {max}."},
    "payments.problem.company_missing": {
        "en": "The company's bank details are not set: {names}. Ask an administrator to set "
              "them (they are the payer of every payment order).",
        "ru": "Не заданы банковские реквизиты организации: {names}. Попросите администратора "
              "задать их (это плательщик во всех платёжных поручениях)."},
    "payments.problem.company_malformed": {
        "en": "The company's bank details are wrong: {names}. Ask an administrator to correct "
              "them.",
        "ru": "Банковские реквизиты организации заданы с ошибкой: {names}. Попросите "
              "администратора исправить их."},
    "payments.problem.company_account_key": {
        "en": "The company's account {account} does not belong to the bank with the BIC "
              "{bik} (its control key does not match). Ask an administrator to correct "
              "SIGNOFF_COMPANY_ACCOUNT or SIGNOFF_COMPANY_BIK.",
        "ru": "Счёт организации {account} не сходится с БИК {bik} (не совпадает контрольный "
              "ключ). Попросите администратора исправить SIGNOFF_COMPANY_ACCOUNT или "
              "SIGNOFF_COMPANY_BIK."},
    "payments.problem.not_open": {
        "en": "no longer waiting for payment (paid, sent back or withdrawn meanwhile)",
        "ru": "уже не ожидает оплаты (оплачен, возвращён или отозван)"},
    "payments.problem.currency": {
        "en": "in {currency}: paid by a currency transfer, not by a rouble payment order",
        "ru": "в валюте {currency}: оплачивается валютным переводом, а не рублёвым "
              "платёжным поручением"},
    "payments.problem.inn": {"en": "the supplier's INN “{value}” is not valid",
                             "ru": "ИНН поставщика «{value}» неверен"},
    "payments.problem.account_key": {
        "en": "the supplier's account {account} does not belong to the bank with the BIC "
              "{bik}",
        "ru": "счёт поставщика {account} не сходится с БИК {bik}"},
    "payments.problem.corr_account_key": {
        "en": "the correspondent account {account} is not that of the bank with the BIC "
              "{bik}",
        "ru": "корреспондентский счёт {account} не принадлежит банку с БИК {bik}"},
    "payments.problem.amount": {"en": "the amount is not positive",
                                "ru": "сумма не больше нуля"},
    "payments.problem.text": {
        "en": "the supplier's name, bank or purpose holds characters a payment order cannot "
              "carry",
        "ru": "в наименовании поставщика, банка или в назначении платежа есть символы, "
              "недопустимые в платёжном поручении"},
    "payments.problem.number_taken": {
        "en": "payment order No. {number} of this year is this invoice's already: start at "
              "another number",
        "ru": "платёжное поручение № {number} в этом году уже выдано этому счёту: начните с "
              "другого номера"},
    "payments.problem.number_too_large": {
        "en": "the numbers would pass {max}, the largest a payment order takes",
        "ru": "номера превысили бы {max} — наибольший номер платёжного поручения"},
    "payments.statement.title": {"en": "Import a bank statement",
                                 "ru": "Загрузить выписку банка"},
    "payments.statement.file": {"en": "Statement file", "ru": "Файл выписки"},
    "payments.statement.help": {
        "en": "The statement exported from the bank client for 1C (1CClientBankExchange, "
              "windows-1251, usually kl_to_1c.txt). Its debit lines are matched to the "
              "invoices by the payee's INN, the amount and the invoice number in the "
              "purpose; you confirm the matches on the next page.",
        "ru": "Выписка, выгруженная из банк-клиента для 1С (1CClientBankExchange, "
              "windows-1251, обычно kl_to_1c.txt). Её списания сопоставляются со счетами по "
              "ИНН получателя, сумме и номеру счёта в назначении платежа; сопоставления вы "
              "подтверждаете на следующей странице."},
    "payments.statement.submit": {"en": "Import", "ru": "Загрузить"},
    "payments.statement.refused_at": {
        "en": "The statement was not imported, nothing was changed. Line {line}: {why}",
        "ru": "Выписка не загружена, ничего не изменено. Строка {line}: {why}"},
    "payments.statement.empty": {
        "en": "Choose the statement file to import; nothing was changed.",
        "ru": "Выберите файл выписки; ничего не изменено."},
    "payments.statement.too_large": {
        "en": "The file is larger than {max_mb} MB, more than a statement; nothing was changed.",
        "ru": "Файл больше {max_mb} МБ — это не выписка; ничего не изменено."},
    "payments.statement.imported": {
        "en": "The statement is imported. Check the matches and confirm them.",
        "ru": "Выписка загружена. Проверьте сопоставления и подтвердите их."},
    "payments.statement.known": {
        "en": "This statement was imported before: here it is as it was.",
        "ru": "Эта выписка уже загружалась — вот она."},
    "payments.statement.page_title": {"en": "Bank statement {name}",
                                      "ru": "Выписка банка {name}"},
    "payments.statement.account": {"en": "Account", "ru": "Счёт"},
    "payments.statement.period": {"en": "Period", "ru": "Период"},
    "payments.statement.uploaded": {"en": "Imported", "ru": "Загружена"},
    "payments.statement.intro": {
        "en": "Each debit line and the invoice it pays. Tick the matches to confirm: each "
              "ticked invoice is marked paid with the line's date and payment order number. "
              "Lines that match no invoice, or several, are listed with why — mark those by "
              "hand on their task pages.",
        "ru": "Каждое списание и счёт, который им оплачен. Отметьте сопоставления, которые "
              "подтверждаете: каждый отмеченный счёт будет отмечен оплаченным с датой и "
              "номером платёжного поручения из выписки. Списания без счёта или с несколькими "
              "подходящими счетами перечислены с причиной — отметьте их вручную на страницах "
              "задач."},
    "payments.statement.confirm": {"en": "Mark the ticked invoices paid",
                                   "ru": "Отметить отмеченные счета оплаченными"},
    "payments.statement.no_debits": {"en": "The statement has no debit lines.",
                                     "ru": "В выписке нет списаний."},
    "payments.statement.incoming": {"en": "Incoming payments (not matched): {n}",
                                    "ru": "Поступлений (не сопоставляются): {n}"},
    "payments.line.line": {"en": "Line", "ru": "Строка"},
    "payments.line.document": {"en": "Payment order", "ru": "Платёжное поручение"},
    "payments.line.payee": {"en": "Payee", "ru": "Получатель"},
    "payments.line.outcome": {"en": "Invoice", "ru": "Счёт"},
    "payments.line.choose": {"en": "Confirm line {line}", "ru": "Подтвердить строку {line}"},
    "payments.line.debited": {"en": "debited {day}", "ru": "списано {day}"},
    "payments.line.paid": {"en": "Paid", "ru": "Оплачен"},
    "payments.line.matches": {"en": "Pays", "ru": "Оплата счёта"},
    "payments.line.not_yours": {
        "en": "You hold no payment task of this invoice: its accountant confirms it.",
        "ru": "У вас нет задачи на оплату этого счёта: подтвердит его бухгалтер, у которого "
              "она есть."},
    "payments.line.failed": {"en": "Not marked paid: {why}", "ru": "Не отмечен оплаченным: {why}"},
    "payments.reason.no_inn": {"en": "The line names no payee INN.",
                               "ru": "В строке не указан ИНН получателя."},
    "payments.reason.no_invoice_for_inn": {
        "en": "No invoice waiting for payment has this payee INN.",
        "ru": "Нет счёта к оплате с таким ИНН получателя."},
    "payments.reason.amount_differs": {
        "en": "The payee has invoices waiting for payment, none of this amount:",
        "ru": "У получателя есть счета к оплате, но ни одного на эту сумму:"},
    "payments.reason.number_not_in_purpose": {
        "en": "An invoice of this payee and amount waits, but the purpose does not name its "
              "number:",
        "ru": "Счёт этого получателя на эту сумму есть, но в назначении платежа нет его "
              "номера:"},
    "payments.reason.several_invoices": {
        "en": "Several invoices fit; choose by hand:",
        "ru": "Подходят несколько счетов — выберите вручную:"},
    "payments.reason.same_invoice_twice": {
        "en": "Another line of this statement (line {lines}) pays the same invoice — a double "
              "payment?",
        "ru": "Другая строка этой выписки (строка {lines}) оплачивает тот же счёт — двойная "
              "оплата?"},
    "payments.reason.already_paid": {"en": "Recorded as paid already:",
                                     "ru": "Уже отмечен оплаченным:"},
    "payments.confirm.none_chosen": {"en": "Tick the lines to confirm first.",
                                     "ru": "Сначала отметьте строки для подтверждения."},
    "payments.confirm.paid": {"en": "Invoices marked paid: {n}.",
                              "ru": "Отмечено оплаченными счетов: {n}."},
    "payments.confirm.already": {"en": "Lines paid before, left as they were: {n}.",
                                 "ru": "Строк, оплаченных ранее, оставлено без изменений: {n}."},
    "payments.confirm.failed": {"en": "Line {line} not marked paid: {why}",
                                "ru": "Строка {line} не отмечена оплаченной: {why}"},
    "payments.line_error.not_matched": {"en": "it matches no single invoice",
                                        "ru": "она не сопоставлена с одним счётом"},
    "payments.line_error.no_task": {
        "en": "you hold no open payment task of this invoice (paid, sent back or handed over "
              "meanwhile, or another accountant's)",
        "ru": "у вас нет открытой задачи на оплату этого счёта (он оплачен, возвращён или "
              "передан, либо это задача другого бухгалтера)"},
    "payments.line_error.already_decided": {"en": "the payment task was decided meanwhile",
                                            "ru": "задача на оплату уже решена"},
    "payments.line_error.task_closed": {"en": "the payment task was closed meanwhile",
                                        "ru": "задача на оплату закрыта"},
    "payments.line_error.instance_closed": {"en": "the process has ended",
                                            "ru": "процесс завершён"},
    "payments.line_error.concurrent_update": {
        "en": "the invoice changed at the same moment; try again",
        "ru": "счёт изменился в этот же момент; попробуйте ещё раз"},
    "payments.line_error.form_invalid": {
        "en": "the payment task does not take the line's date, number or amount",
        "ru": "задача на оплату не принимает дату, номер или сумму из строки"},
    "payments.line_error.other": {"en": "refused ({code})", "ru": "отказ ({code})"},
    "payments.format.not_exchange": {
        "en": "the file does not begin with 1CClientBankExchange: it is not a 1C “Client-Bank” "
              "file.",
        "ru": "файл не начинается с 1CClientBankExchange — это не файл 1С «Клиент-Банк»."},
    "payments.format.utf8": {
        "en": "the file is in UTF-8, not windows-1251: export it from the bank client again "
              "in the Windows encoding.",
        "ru": "файл в кодировке UTF-8, а не windows-1251: выгрузите его из банк-клиента "
              "заново в кодировке Windows."},
    "payments.format.encoding": {
        "en": "a character that windows-1251 does not have: the file is damaged or in "
              "another encoding.",
        "ru": "символ, которого нет в windows-1251: файл повреждён или в другой кодировке."},
    "payments.format.declared_encoding": {
        "en": "the file says Кодировка={value}; only Windows (windows-1251) is read.",
        "ru": "в файле указано Кодировка={value}; читается только Windows (windows-1251)."},
    "payments.format.version": {"en": "format version {value} is not 1.xx.",
                                "ru": "версия формата {value} — не 1.xx."},
    "payments.format.missing_header": {"en": "the header lacks {key}.",
                                       "ru": "в заголовке файла нет {key}."},
    "payments.format.section_not_closed": {
        "en": "the section that begins here is not closed by {end} (line {next} comes "
              "first).",
        "ru": "секция, которая начинается здесь, не закрыта строкой {end} (раньше идёт "
              "строка {next})."},
    "payments.format.unexpected_end": {"en": "{key} closes no section opened before it.",
                                       "ru": "{key} не закрывает никакой открытой секции."},
    "payments.format.no_end": {"en": "the file ends without КонецФайла: it is cut short.",
                               "ru": "файл кончается без КонецФайла — он обрезан."},
    "payments.format.bad_line": {"en": "not a line of the format (Key=Value).",
                                 "ru": "строка не в формате Ключ=Значение."},
    "payments.format.outside_section": {"en": "{key} stands outside any section.",
                                        "ru": "{key} стоит вне секции."},
    "payments.format.missing_key": {"en": "the document that begins here has no {key}.",
                                    "ru": "в документе, который начинается здесь, нет {key}."},
    "payments.format.bad_amount": {
        "en": "the amount “{value}” is not an amount (digits, a point, two decimals).",
        "ru": "сумма «{value}» — не сумма (цифры, точка, две цифры копеек)."},
    "payments.format.bad_date": {"en": "{key}: “{value}” is not a date dd.mm.yyyy.",
                                 "ru": "{key}: «{value}» — не дата дд.мм.гггг."},
    "payments.format.not_a_statement": {
        "en": "the file has no account section (СекцияРасчСчет): it is payment orders, not "
              "a bank statement.",
        "ru": "в файле нет секции счёта (СекцияРасчСчет): это платёжные поручения, а не "
              "выписка банка."},
    # end payments queue and bank files
}
MAIL: dict[str, dict[str, str]] = {
    # invoice-payment: a task form answered on the answer's own line (mail/verdicts.py)
    "how.form_inline": {"en": "Or on one line, after the word:",
                        "ru": "Или одной строкой после слова:"},
    "explain.form_needs": {"en": "This answer needs {fields}; for example: {example}",
                           "ru": "Для этого ответа нужно указать: {fields}; например: "
                                 "{example}"},
    # end invoice-payment
}
COMMON: dict[str, dict[str, str]] = {
    # payments queue and bank files: a payment confirmed from a bank statement's line
    "channel.bank": {"en": "bank statement", "ru": "выписка банка"},
    # end payments queue and bank files
}
TRAIL: dict[str, dict[str, str]] = {
    # the evidence of a payment confirmed from a bank statement (accounting.statements)
    "evidence.statement": {"en": "Bank statement No. (as imported)",
                           "ru": "Выписка банка № (при загрузке)"},
    "evidence.file": {"en": "Statement file", "ru": "Файл выписки"},
    "evidence.sha256": {"en": "Statement file SHA-256", "ru": "SHA-256 файла выписки"},
    "evidence.line": {"en": "Line of the file", "ru": "Строка файла"},
    "evidence.document": {"en": "Bank document", "ru": "Документ банка"},}
