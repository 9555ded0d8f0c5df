"""The tests ``make test`` leaves to ``make test-full``: marked ``slow`` here, in one reviewed
list, and deselected by plain ``pytest`` (:func:`tests.conftest.pytest_collection_modifyitems`)
unless ``SIGNOFF_TESTS=full`` (``make test-full``; ``make chaos``'s ``SIGNOFF_CHAOS=full`` too),
``-m`` names ``slow``, or the command line names tests by node id (``path::test``): someone who
asks for one test by name gets it.

What goes here — each entry measured (``--durations``) on the 2-core machine, with the reason:

- a PostgreSQL twin (``[postgres]``) whose SQL path is the SQLite case's own (the same ORM
  queries, no dialect branch, no locking or concurrency that differs). Every area keeps at least
  one PostgreSQL case in ``make test`` — the service and the engine's commands, the store and
  its migrations, delivery (outbox, mail, webhooks), the trails, deputies, access — and the
  ones whose SQL does differ (row locks, ``SKIP LOCKED`` claims, concurrency, the migrations
  themselves) stay;
- a long fault or load scenario whose quick variant stays in ``make test``;
- the full schemathesis run (``make test`` runs it with fewer examples per operation).

An entry is ``"path::test"`` (every case of that test) or ``"path::test[postgres]"`` (only the
cases on PostgreSQL: a ``[postgres…]`` parameter id). An entry that matches nothing fails the
run when the whole suite is collected (a renamed or removed test must leave this list too).
"""

from __future__ import annotations

import pytest

#: (entry, why) — see the module's docstring
SLOW: tuple[tuple[str, str], ...] = (
    ('tests/integration/approvals/test_trails.py::test_a_key_problem_fails_naming_the_file_and_the_outbox_row_keeps_the_error[postgres]',
     "trails: rendering, failures and mailing are the SQLite case's SQL; on PostgreSQL stay "
     'the stored trail, the sweep and two workers racing (row locks)'),
    ('tests/integration/approvals/test_trails.py::test_a_render_failure_is_recorded_on_the_outbox_row_until_it_fails[postgres]',
     "trails: rendering, failures and mailing are the SQLite case's SQL; on PostgreSQL stay "
     'the stored trail, the sweep and two workers racing (row locks)'),
    ('tests/integration/approvals/test_trails.py::test_a_render_stopped_by_the_time_limit_is_counted[postgres]',
     "trails: rendering, failures and mailing are the SQLite case's SQL; on PostgreSQL stay "
     'the stored trail, the sweep and two workers racing (row locks)'),
    ('tests/integration/approvals/test_trails.py::test_a_reopened_and_completed_again_instance_gets_a_second_trail_from_the_worker[postgres]',
     "trails: rendering, failures and mailing are the SQLite case's SQL; on PostgreSQL stay "
     'the stored trail, the sweep and two workers racing (row locks)'),
    ('tests/integration/approvals/test_trails.py::test_every_form_of_watcher_is_resolved_once_each_after_the_initiator[postgres]',
     "trails: rendering, failures and mailing are the SQLite case's SQL; on PostgreSQL stay "
     'the stored trail, the sweep and two workers racing (row locks)'),
    ('tests/integration/approvals/test_trails.py::test_the_signed_trail_is_mailed_to_the_initiator_and_the_contracts_watchers[postgres]',
     "trails: rendering, failures and mailing are the SQLite case's SQL; on PostgreSQL stay "
     'the stored trail, the sweep and two workers racing (row locks)'),
    ('tests/integration/approvals/test_trails.py::test_the_trail_message_delivered_twice_still_makes_one_trail[postgres]',
     "trails: rendering, failures and mailing are the SQLite case's SQL; on PostgreSQL stay "
     'the stored trail, the sweep and two workers racing (row locks)'),
    ('tests/integration/approvals/test_deputies.py::test_a_cancelled_absence_routes_nothing[postgres]',
     'deputies: refusals and hand-overs are plain ORM reads and writes; on PostgreSQL stay '
     'the chain of deputies and a task routed to a deputy'),
    ('tests/integration/approvals/test_deputies.py::test_a_deputy_away_for_the_whole_range_and_an_overlap_are_refused[postgres]',
     'deputies: refusals and hand-overs are plain ORM reads and writes; on PostgreSQL stay '
     'the chain of deputies and a task routed to a deputy'),
    ('tests/integration/approvals/test_deputies.py::test_a_manager_on_leave_has_the_deputy_decide_by_email_on_their_behalf[postgres]',
     'deputies: refusals and hand-overs are plain ORM reads and writes; on PostgreSQL stay '
     'the chain of deputies and a task routed to a deputy'),
    ('tests/integration/approvals/test_deputies.py::test_an_administrator_reassigns_any_task_and_a_stranger_none[postgres]',
     'deputies: refusals and hand-overs are plain ORM reads and writes; on PostgreSQL stay '
     'the chain of deputies and a task routed to a deputy'),
    ('tests/integration/approvals/test_deputies.py::test_an_assignee_hands_a_task_to_a_colleague_whose_mail_says_who_and_why[postgres]',
     'deputies: refusals and hand-overs are plain ORM reads and writes; on PostgreSQL stay '
     'the chain of deputies and a task routed to a deputy'),
    ('tests/integration/approvals/test_deputies.py::test_an_unknown_person_or_absence_is_not_found[postgres]',
     'deputies: refusals and hand-overs are plain ORM reads and writes; on PostgreSQL stay '
     'the chain of deputies and a task routed to a deputy'),
    ('tests/integration/approvals/test_deputies.py::test_handing_over_moves_every_open_task_each_with_its_own_event_and_refuses_one[postgres]',
     'deputies: refusals and hand-overs are plain ORM reads and writes; on PostgreSQL stay '
     'the chain of deputies and a task routed to a deputy'),
    ('tests/integration/approvals/test_deputies.py::test_hr_records_an_absence_with_the_manager_as_the_default_deputy[postgres]',
     'deputies: refusals and hand-overs are plain ORM reads and writes; on PostgreSQL stay '
     'the chain of deputies and a task routed to a deputy'),
    ('tests/integration/approvals/test_deputies.py::test_only_the_person_away_or_an_administrator_hands_over[postgres]',
     'deputies: refusals and hand-overs are plain ORM reads and writes; on PostgreSQL stay '
     'the chain of deputies and a task routed to a deputy'),
    ('tests/integration/approvals/test_deputies.py::test_setting_days_away_refuses_bad_input_and_stores_nothing[postgres]',
     'deputies: refusals and hand-overs are plain ORM reads and writes; on PostgreSQL stay '
     'the chain of deputies and a task routed to a deputy'),
    ('tests/integration/approvals/test_deputies.py::test_the_person_away_no_longer_holds_the_task_routed_to_their_deputy[postgres]',
     'deputies: refusals and hand-overs are plain ORM reads and writes; on PostgreSQL stay '
     'the chain of deputies and a task routed to a deputy'),
    ('tests/integration/webhooks/test_delivery.py::test_410_gone_fails_the_message_and_disables_the_endpoint[postgres]',
     'webhook delivery: HTTP outcomes over the same row updates; on PostgreSQL stay a '
     "contract's life delivered in order and the sweep (SKIP LOCKED)"),
    ('tests/integration/webhooks/test_delivery.py::test_a_500_is_tried_again_after_the_backoff_with_the_same_webhook_id[postgres]',
     'webhook delivery: HTTP outcomes over the same row updates; on PostgreSQL stay a '
     "contract's life delivered in order and the sweep (SKIP LOCKED)"),
    ('tests/integration/webhooks/test_delivery.py::test_a_message_that_keeps_failing_is_given_up_a_day_after_it_was_made[postgres]',
     'webhook delivery: HTTP outcomes over the same row updates; on PostgreSQL stay a '
     "contract's life delivered in order and the sweep (SKIP LOCKED)"),
    ('tests/integration/webhooks/test_delivery.py::test_a_redirect_is_not_followed_and_a_refused_connection_is_tried_again[postgres]',
     'webhook delivery: HTTP outcomes over the same row updates; on PostgreSQL stay a '
     "contract's life delivered in order and the sweep (SKIP LOCKED)"),
    ('tests/integration/webhooks/test_delivery.py::test_a_rotated_secret_signs_beside_the_new_one_for_a_day[postgres]',
     'webhook delivery: HTTP outcomes over the same row updates; on PostgreSQL stay a '
     "contract's life delivered in order and the sweep (SKIP LOCKED)"),
    ('tests/integration/webhooks/test_delivery.py::test_resend_and_a_test_event_from_the_admin_page_reach_the_receiver[postgres]',
     'webhook delivery: HTTP outcomes over the same row updates; on PostgreSQL stay a '
     "contract's life delivered in order and the sweep (SKIP LOCKED)"),
    ('tests/integration/webhooks/test_delivery.py::test_the_address_is_checked_again_at_every_try[postgres]',
     'webhook delivery: HTTP outcomes over the same row updates; on PostgreSQL stay a '
     "contract's life delivered in order and the sweep (SKIP LOCKED)"),
    ('tests/integration/webhooks/test_delivery.py::test_the_waiting_messages_of_a_disabled_or_deleted_endpoint_fail_untried[postgres]',
     'webhook delivery: HTTP outcomes over the same row updates; on PostgreSQL stay a '
     "contract's life delivered in order and the sweep (SKIP LOCKED)"),
    ('tests/integration/webhooks/test_events.py::test_a_payment_whose_command_is_refused_is_never_sent[postgres]',
     'webhook events: which messages are written; on PostgreSQL stays the payment leaving '
     'with its command (one transaction)'),
    ('tests/integration/webhooks/test_events.py::test_an_ending_is_rejected_a_withdrawal_withdrawn_and_each_message_has_its_own_id[postgres]',
     'webhook events: which messages are written; on PostgreSQL stays the payment leaving '
     'with its command (one transaction)'),
    ('tests/integration/webhooks/test_events.py::test_emit_refuses_an_event_nobody_can_subscribe_to[postgres]',
     'webhook events: which messages are written; on PostgreSQL stays the payment leaving '
     'with its command (one transaction)'),
    ('tests/integration/webhooks/test_events.py::test_no_endpoint_no_message_and_only_what_an_endpoint_subscribed_to[postgres]',
     'webhook events: which messages are written; on PostgreSQL stays the payment leaving '
     'with its command (one transaction)'),
    ('tests/integration/webhooks/test_admin_page.py::test_adding_an_endpoint_shows_its_secret_this_once[postgres]',
     'the webhooks page: form checks and plain writes'),
    ('tests/integration/webhooks/test_admin_page.py::test_an_address_signoff_may_not_post_to_is_refused_and_nothing_stored[postgres]',
     'the webhooks page: form checks and plain writes'),
    ('tests/integration/webhooks/test_admin_page.py::test_disable_rotate_and_delete[postgres]',
     'the webhooks page: form checks and plain writes'),
    ('tests/integration/webhooks/test_admin_page.py::test_no_events_and_a_long_description_are_refused_together[postgres]',
     'the webhooks page: form checks and plain writes'),
    ('tests/integration/mail/test_poison.py::test_a_huge_html_reply_decides_and_the_reply_behind_it_is_read_too[postgres]',
     'poison mail: parsing, the same stored-reply rows; on PostgreSQL stays the refusal at '
     'RCPT'),
    ('tests/integration/mail/test_poison.py::test_a_reply_longer_than_a_comment_decides_with_the_comment_cut_and_the_mail_kept[postgres]',
     'poison mail: parsing, the same stored-reply rows; on PostgreSQL stays the refusal at '
     'RCPT'),
    ('tests/integration/mail/test_poison.py::test_an_explanation_to_a_person_of_the_directory_repeats_nothing_of_their_mail[postgres]',
     'poison mail: parsing, the same stored-reply rows; on PostgreSQL stays the refusal at '
     'RCPT'),
    ('tests/integration/mail/test_poison.py::test_broken_mime_ends_in_a_recorded_outcome_once[postgres]',
     'poison mail: parsing, the same stored-reply rows; on PostgreSQL stays the refusal at '
     'RCPT'),
    ('tests/integration/mail/test_poison.py::test_no_explanation_goes_to_a_sender_outside_the_directory[postgres]',
     'poison mail: parsing, the same stored-reply rows; on PostgreSQL stays the refusal at '
     'RCPT'),
    ('tests/integration/mail/test_outage.py::test_a_database_failure_while_composing_is_a_temporary_failure_not_a_bad_mail[postgres]',
     'mail outages: relay and time-limit faults over the same row updates; on PostgreSQL '
     'stay the claims and leases (row locks) and two tries of one row at once'),
    ('tests/integration/mail/test_outage.py::test_a_mail_the_relay_took_is_not_sent_again_when_the_database_hiccups_after_the_250[postgres]',
     'mail outages: relay and time-limit faults over the same row updates; on PostgreSQL '
     'stay the claims and leases (row locks) and two tries of one row at once'),
    ('tests/integration/mail/test_outage.py::test_a_relay_down_for_hours_delays_the_mail_and_loses_none[postgres]',
     'mail outages: relay and time-limit faults over the same row updates; on PostgreSQL '
     'stay the claims and leases (row locks) and two tries of one row at once'),
    ('tests/integration/mail/test_outage.py::test_a_row_sent_twice_after_a_stop_past_the_250_carries_the_same_message_id[postgres]',
     'mail outages: relay and time-limit faults over the same row updates; on PostgreSQL '
     'stay the claims and leases (row locks) and two tries of one row at once'),
    ('tests/integration/mail/test_outage.py::test_a_try_stopped_by_the_time_limit_is_counted_and_the_row_let_go[postgres]',
     'mail outages: relay and time-limit faults over the same row updates; on PostgreSQL '
     'stay the claims and leases (row locks) and two tries of one row at once'),
    ('tests/integration/mail/test_outage.py::test_an_administrator_sends_failed_mail_again_from_the_command_line[postgres]',
     'mail outages: relay and time-limit faults over the same row updates; on PostgreSQL '
     'stay the claims and leases (row locks) and two tries of one row at once'),
    ('tests/integration/mail/test_outage.py::test_an_administrator_sends_failed_mail_again_from_the_mail_page[postgres]',
     'mail outages: relay and time-limit faults over the same row updates; on PostgreSQL '
     'stay the claims and leases (row locks) and two tries of one row at once'),
    ('tests/integration/mail/test_delivery.py::test_a_recipient_refused_with_550_fails_the_row_and_the_admin_page_lists_it[postgres]',
     'mail delivery: SMTP outcomes; on PostgreSQL stay the relay down (same Message-ID on '
     'the retry) and 451 at DATA'),
    ('tests/integration/mail/test_delivery.py::test_a_revision_by_email_resubmits_and_the_attached_pdf_becomes_version_2[postgres]',
     'mail delivery: SMTP outcomes; on PostgreSQL stay the relay down (same Message-ID on '
     'the retry) and 451 at DATA'),
    ('tests/integration/mail/test_delivery.py::test_explanations_are_rate_limited_per_address_and_reason_and_never_answer_automatic_mail[postgres]',
     'mail delivery: SMTP outcomes; on PostgreSQL stay the relay down (same Message-ID on '
     'the retry) and 451 at DATA'),
    ('tests/integration/mail/test_delivery.py::test_smtp_auth_logs_in_refuses_a_wrong_password_and_requires_starttls_when_asked[postgres]',
     'mail delivery: SMTP outcomes; on PostgreSQL stay the relay down (same Message-ID on '
     'the retry) and 451 at DATA'),
    ('tests/integration/mail/test_delivery.py::test_the_sweep_enqueues_a_reply_stored_while_redis_was_away[postgres]',
     'mail delivery: SMTP outcomes; on PostgreSQL stay the relay down (same Message-ID on '
     'the retry) and 451 at DATA'),
    ('tests/integration/mail/test_loop.py::test_the_inbound_server_refuses_strangers_and_oversize_mail_and_stores_the_rest[postgres]',
     "the inbound server's refusals; on PostgreSQL stays a reply deciding and the next "
     'approver mailed'),
    ('tests/integration/mail/test_receipt.py::test_a_decision_on_the_page_gets_no_receipt[postgres]',
     'receipts: mail composed over the same rows the email loop writes'),
    ('tests/integration/mail/test_receipt.py::test_an_email_decision_is_acknowledged_and_can_be_reported_as_not_theirs[postgres]',
     'receipts: mail composed over the same rows the email loop writes'),
    ('tests/integration/workers/test_workers.py::test_a_failing_outbox_row_records_each_attempt_and_ends_failed[postgres]',
     'the workers: outcomes over the same rows; on PostgreSQL stay every sweep (SKIP '
     "LOCKED), a real worker's notifications, a timer fired twice, one render at a time"),
    ('tests/integration/workers/test_workers.py::test_a_timer_of_a_task_decided_in_time_reminds_nobody[postgres]',
     'the workers: outcomes over the same rows; on PostgreSQL stay every sweep (SKIP '
     "LOCKED), a real worker's notifications, a timer fired twice, one render at a time"),
    ('tests/integration/workers/test_workers.py::test_delivering_directly_twice_has_one_effect[postgres]',
     'the workers: outcomes over the same rows; on PostgreSQL stay every sweep (SKIP '
     "LOCKED), a real worker's notifications, a timer fired twice, one render at a time"),
    ('tests/integration/workers/test_workers.py::test_due_timer_fires_a_reminder_once[postgres]',
     'the workers: outcomes over the same rows; on PostgreSQL stay every sweep (SKIP '
     "LOCKED), a real worker's notifications, a timer fired twice, one render at a time"),
    ('tests/integration/workers/test_workers.py::test_sweep_waits_a_grace_period_before_resending_a_row_it_sent[postgres]',
     'the workers: outcomes over the same rows; on PostgreSQL stay every sweep (SKIP '
     "LOCKED), a real worker's notifications, a timer fired twice, one render at a time"),
    ('tests/integration/approvals/records/test_access.py::test_a_completed_instance_serves_its_stored_signed_trail[postgres]',
     "trail access: reads by id; on PostgreSQL stay the auditor's search (its text matching) "
     'and its pages'),
    ('tests/integration/approvals/records/test_access.py::test_a_damaged_stored_trail_is_never_served[postgres]',
     "trail access: reads by id; on PostgreSQL stay the auditor's search (its text matching) "
     'and its pages'),
    ('tests/integration/approvals/records/test_access.py::test_a_participant_downloads_a_provisional_trail_of_a_running_instance[postgres]',
     "trail access: reads by id; on PostgreSQL stay the auditor's search (its text matching) "
     'and its pages'),
    ('tests/integration/approvals/records/test_access.py::test_administrators_see_the_trails_that_need_attention[postgres]',
     "trail access: reads by id; on PostgreSQL stay the auditor's search (its text matching) "
     'and its pages'),
    ('tests/integration/approvals/records/test_access.py::test_an_outsider_is_refused_a_trail_and_the_attempt_is_logged[postgres]',
     "trail access: reads by id; on PostgreSQL stay the auditor's search (its text matching) "
     'and its pages'),
    ('tests/integration/approvals/records/test_access.py::test_the_audit_page_publishes_the_signing_certificate_that_verify_accepts[postgres]',
     "trail access: reads by id; on PostgreSQL stay the auditor's search (its text matching) "
     'and its pages'),
    ('tests/integration/approvals/records/test_access.py::test_the_audit_pages_refuse_everyone_but_auditors_and_administrators[postgres]',
     "trail access: reads by id; on PostgreSQL stay the auditor's search (its text matching) "
     'and its pages'),
    ('tests/integration/approvals/records/test_exports.py::test_a_pending_export_page_refreshes_itself_without_script[postgres]',
     'exports: the 200-instance load (the longest twin) and form checks; on PostgreSQL stays '
     "an export's progress and download"),
    ('tests/integration/approvals/records/test_exports.py::test_an_export_of_200_instances_holds_every_trail_and_an_index[postgres]',
     'exports: the 200-instance load (the longest twin) and form checks; on PostgreSQL stays '
     "an export's progress and download"),
    ('tests/integration/approvals/records/test_exports.py::test_an_export_request_is_checked_field_by_field[postgres]',
     'exports: the 200-instance load (the longest twin) and form checks; on PostgreSQL stays '
     "an export's progress and download"),
    ('tests/integration/campaigns/test_campaign.py::test_a_campaign_to_500_people_closes_at_its_deadline_with_a_summary[postgres]',
     'a load scenario (500 people) whose SQLite case stays'),
    ('tests/integration/campaigns/test_checks.py::test_a_campaign_needs_a_document_or_a_link_and_someone_to_read_it[postgres]',
     'campaign checks: form refusals; on PostgreSQL stays the department matched in any '
     'letter case (lower() differs)'),
    ('tests/integration/campaigns/test_checks.py::test_a_deadline_must_be_at_least_tomorrow[postgres]',
     'campaign checks: form refusals; on PostgreSQL stays the department matched in any '
     'letter case (lower() differs)'),
    ('tests/integration/campaigns/test_checks.py::test_a_link_must_be_a_web_address[postgres]',
     'campaign checks: form refusals; on PostgreSQL stays the department matched in any '
     'letter case (lower() differs)'),
    ('tests/integration/campaigns/test_checks.py::test_an_unknown_department_is_refused_naming_the_known_ones[postgres]',
     'campaign checks: form refusals; on PostgreSQL stays the department matched in any '
     'letter case (lower() differs)'),
    ('tests/integration/campaigns/test_checks.py::test_the_start_page_shows_the_refusals_in_the_readers_language[postgres]',
     'campaign checks: form refusals; on PostgreSQL stays the department matched in any '
     'letter case (lower() differs)'),
    ('tests/integration/approvals/test_extensions.py::test_a_field_that_fails_its_own_check_is_reported_before_any_validator_runs[postgres]',
     'validators: refused before anything is written; on PostgreSQL stay the effects in the '
     "command's transaction and their rollback"),
    ('tests/integration/approvals/test_extensions.py::test_a_resubmit_is_checked_with_the_stored_values_and_the_revised_ones[postgres]',
     'validators: refused before anything is written; on PostgreSQL stay the effects in the '
     "command's transaction and their rollback"),
    ('tests/integration/approvals/test_extensions.py::test_every_validators_problem_refuses_the_start_together_and_nothing_is_written[postgres]',
     'validators: refused before anything is written; on PostgreSQL stay the effects in the '
     "command's transaction and their rollback"),
    ('tests/integration/approvals/test_reopen.py::test_a_reopened_and_completed_contract_gets_a_second_trail[postgres]',
     'reopening: on PostgreSQL stays waiting for the trail and the refusals'),
    ('tests/integration/approvals/test_reopen.py::test_a_withdrawn_process_is_reopened_without_a_trail[postgres]',
     'reopening: on PostgreSQL stays waiting for the trail and the refusals'),
    ('tests/integration/approvals/test_outcomes.py::test_a_reply_with_a_bad_form_answer_is_explained_and_decides_nothing[postgres]',
     "outcomes by email: parsing over the loop's SQL; on PostgreSQL stays a loop then an "
     'ending'),
    ('tests/integration/approvals/test_outcomes.py::test_an_email_reply_chooses_an_outcome_by_its_own_words_and_fills_its_form[postgres]',
     "outcomes by email: parsing over the loop's SQL; on PostgreSQL stays a loop then an "
     'ending'),
    ('tests/integration/approvals/test_titles_and_notices.py::test_a_notice_is_worded_over_the_fields_and_sent_only_when_its_condition_holds[postgres]',
     'titles and notices: wording; on PostgreSQL stays the title stored in each language'),
    ('tests/integration/approvals/test_titles_and_notices.py::test_without_a_title_an_instance_is_named_in_its_initiators_language[postgres]',
     'titles and notices: wording; on PostgreSQL stays the title stored in each language'),
    ('tests/integration/accounting/test_invoice_email.py::test_approved_and_paid_by_email_replies[postgres]',
     "invoices by email: the email loop's SQL; on PostgreSQL stay the duplicates, the bank "
     'statements and the payment webhook'),
    ('tests/integration/accounting/test_invoice_email.py::test_paid_without_a_date_is_explained_naming_both_fields[postgres]',
     "invoices by email: the email loop's SQL; on PostgreSQL stay the duplicates, the bank "
     'statements and the payment webhook'),
    ('tests/integration/accounting/test_duplicates.py::test_a_paid_invoice_is_refused_with_its_payment[postgres]',
     'duplicate invoices: one lookup, kept on PostgreSQL by its first case'),
    ('tests/integration/accounting/test_duplicates.py::test_a_rejected_or_withdrawn_invoice_may_be_entered_again[postgres]',
     'duplicate invoices: one lookup, kept on PostgreSQL by its first case'),
    ('tests/integration/accounting/test_duplicates.py::test_a_resubmission_updates_the_invoice_row_and_is_checked_again[postgres]',
     'duplicate invoices: one lookup, kept on PostgreSQL by its first case'),
    ('tests/integration/web/api/test_api.py::test_a_hostile_file_name_and_type_are_stored_so_the_download_still_works[postgresql]',
     'a file name stored as given; on PostgreSQL stays the contract end to end through the '
     'API'),
    ('tests/integration/web/api/test_bulk_decisions.py::test_a_manager_decides_thirty_requests_in_one_call_and_the_two_decided_before_fail[postgresql]',
     "thirty decisions, each the engine's one command as the SQLite case runs it"),
    ('tests/chaos/test_entry_points.py::test_kill_web_with_decisions_in_flight',
     'chaos: kill -9 of the web role under 8 clients (25-125 s); `make test` keeps the same '
     'reply twice and the email racing the page; `make chaos` runs every scenario at full '
     'length'),
    ('tests/chaos/test_entry_points.py::test_kill_smtp_after_its_250',
     'chaos: kill -9 of the smtp role after its 250 (25-90 s)'),
    ('tests/chaos/test_redis.py::test_redis_killed_queue_lost',
     "chaos: Redis killed with its queue lost, waiting out the sweep's grace period (60-105 "
     's)'),
    ('tests/integration/web/api/test_openapi.py::test_the_api_keeps_to_its_description[full]',
     'the full schemathesis run (25 examples per operation and mode); `make test` runs 5'),
)


def _key(item: pytest.Item) -> tuple[str, str, str]:
    """(path::test, the parameter id, the whole node id) of ``item``."""
    nodeid = item.nodeid
    base, _, params = nodeid.partition("[")
    return base, params.rstrip("]"), nodeid


def matches(entry: str, item: pytest.Item) -> bool:
    base, params, _ = _key(item)
    name, _, wanted = entry.partition("[")
    if base != name:
        return False
    if not wanted:
        return True
    wanted = wanted.rstrip("]")
    return params == wanted or params.startswith(f"{wanted}-") or params.endswith(
        f"-{wanted}") or f"-{wanted}-" in params


def mark(items: list[pytest.Item]) -> list[str]:
    """Mark every item an entry of :data:`SLOW` names ``slow``; the entries that named
    nothing."""
    by_test: dict[str, list[str]] = {}
    for entry, _why in SLOW:
        by_test.setdefault(entry.partition("[")[0], []).append(entry)
    used: set[str] = set()
    for item in items:
        for entry in by_test.get(_key(item)[0], ()):
            if matches(entry, item):
                item.add_marker(pytest.mark.slow)
                used.add(entry)
    return [entry for entry, _why in SLOW if entry not in used]
