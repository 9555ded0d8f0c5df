"""A validator and an effect the tests register under their own name (``tests.…``), the way
``hr`` and ``accounting`` register theirs: the extension points exercised end to end."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table

from approvals import extensions
from approvals.core.errors import TransitionNotAllowed

#: The effect's own table, as a package's would be (tests create it on their database).
LOG = Table("test_effect_log", MetaData(),
            Column("id", Integer, primary_key=True),
            Column("instance_id", Integer, nullable=False),
            Column("status", String(50), nullable=False),
            Column("note", String(200), nullable=False))


@extensions.validator("tests.no_drafts")
def no_drafts(check: extensions.Check) -> extensions.Problems:
    """Refuses a title containing the word in ``word`` (default ``draft``)."""
    word = check.params.get("word", "draft")
    title = str(check.fields.get("title") or "")
    return {"title": ("still_a_draft", {"word": word})} if word in title.lower() else {}


@extensions.effect("tests.log")
def log(entered: extensions.Entered) -> None:
    """Writes a row of its own; refuses the command when the instance's note says ``refuse``."""
    if entered.fields.get("note") == "refuse":
        raise TransitionNotAllowed("the effect refused")
    entered.conn.execute(LOG.insert().values(
        instance_id=entered.instance_id, status=entered.status,
        note=str(entered.params.get("note", ""))))
