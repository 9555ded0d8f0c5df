"""The discussion on the instance page (web/discussion.py, _discussion.html): a participant adds
a comment and every reader sees it, escaped and with its line breaks; a bad text is shown again
with the message; a stranger is refused; an ended process shows no form."""

from __future__ import annotations

from tests.integration.web.site import audit_head, instance_row


def test_a_participant_comments_on_the_page_and_every_reader_sees_it(app, browsers,
                                                                     contract: int) -> None:
    page = f"/instances/{contract}"
    anna = browsers("anna")
    shown = anna.get(page).text
    assert 'id="discussion"' in shown and "No comments yet." in shown
    assert '<label for="comment-text">Your comment</label>' in shown
    done = anna.submit(page, f"{page}/comments",
                       {"text": "Is <b>clause 3</b> final?\r\nThe penalty looks high."})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"{page}#discussion")
    for who in ("ivan", "boris", "ada"):
        html = browsers(who).get(page).text
        thread = html.split('id="discussion"', 1)[1].split("</section>", 1)[0]
        assert "Anna Approver" in thread
        assert "Is &lt;b&gt;clause 3&lt;/b&gt; final?\nThe penalty looks high." in thread
        assert "<b>clause 3</b>" not in html
    # Boris reads Russian: the thread's words and the timeline's event in his language
    boris = browsers("boris").get(page).text
    assert "Обсуждение" in boris and "Комментарий" in boris


def test_an_empty_or_too_long_comment_is_shown_again_with_the_message(app, browsers,
                                                                      contract: int) -> None:
    page = f"/instances/{contract}"
    ivan = browsers("ivan")
    head = audit_head(app, contract)
    refused = ivan.submit(page, f"{page}/comments", {"text": "   "})
    assert refused.status_code == 400
    assert 'id="comment-error"' in refused.text and "This field is required." in refused.text
    long = "x" * 4001
    refused = ivan.submit(page, f"{page}/comments", {"text": long})
    assert refused.status_code == 400
    assert "At most 4000 characters." in refused.text
    assert long in refused.text  # nothing the person wrote is lost
    assert audit_head(app, contract) == head


def test_a_stranger_may_not_comment_and_an_ended_process_takes_no_comment(app, browsers,
                                                                         contract: int) -> None:
    page = f"/instances/{contract}"
    ivan, oscar = browsers("ivan"), browsers("oscar")
    head = audit_head(app, contract)
    assert oscar.get(page).status_code == 403
    refused = oscar.submit("/", f"{page}/comments", {"text": "Hi"})  # his inbox's CSRF token
    assert refused.status_code == 403
    assert "participants and administrators may comment on it" in refused.text
    assert audit_head(app, contract) == head
    assert ivan.submit(page, f"{page}/withdraw", {"reason": "Oops", "confirm": "yes"}
                       ).status_code == 303
    html = ivan.get(page).text
    assert instance_row(app, contract).status == "cancelled"
    assert "comments are no longer taken" in html and 'id="comment-text"' not in html
