"""One error tree for Signoff.

Every refusal the domain can make is a subclass of :class:`SignoffError`. The web layer maps
the classes to HTTP status codes in one place (``web/errors.py``); the CLI prints ``str(err)``.
Each error carries a stable ``code`` and the ``params`` a translated message needs.
"""

from __future__ import annotations


class SignoffError(Exception):
    """Base of every domain error."""

    code = "error"
    status = 400

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return self.message


class DefinitionError(SignoffError):
    """A process file is invalid: names the file, the line and the field."""

    code = "definition_invalid"

    def __init__(self, path: str, line: int | None, where: str, problem: str) -> None:
        location = f"{path}:{line}" if line else path
        field = f" {where}:" if where else ""
        super().__init__(f"{location}:{field} {problem}", path=path, line=line, where=where)
        self.path, self.line, self.where, self.problem = path, line, where, problem


class FormInvalid(SignoffError):
    """Form values were refused; ``errors`` maps each field to (code, params)."""

    code = "form_invalid"

    def __init__(self, errors: dict[str, tuple[str, dict]]) -> None:
        names = ", ".join(sorted(errors))
        super().__init__(f"invalid fields: {names}")
        self.errors = errors


class NotFound(SignoffError):
    code = "not_found"
    status = 404


class NotAnAssignee(SignoffError):
    code = "not_an_assignee"
    status = 403


class Forbidden(SignoffError):
    code = "forbidden"
    status = 403


class NotAStarter(Forbidden):
    """The process names who may start it (``starters:``), and the person is none of them."""

    code = "not_a_starter"


class ExampleProcess(Forbidden):
    """The process is a notation example (``example: true``): only administrators start it."""

    code = "example_process"


class AlreadyDecided(SignoffError):
    code = "already_decided"
    status = 409


class TaskClosed(SignoffError):
    """The task was withdrawn, or is not yet open (a later turn in an ordered stage)."""

    code = "task_closed"
    status = 409


class InstanceClosed(SignoffError):
    code = "instance_closed"
    status = 409


class TransitionNotAllowed(SignoffError):
    code = "transition_not_allowed"
    status = 409


class VerdictNotAllowed(SignoffError):
    code = "verdict_not_allowed"
    status = 400


class CommentRequired(SignoffError):
    code = "comment_required"
    status = 400


class NotInBulk(SignoffError):
    """This task cannot be answered in a bulk decision (:mod:`approvals.core.bulk`): ``why``
    is ``form`` (the answer asks for a task form), ``comment`` (it needs a comment of its
    own), ``answer`` (not an answer given to many at once) or ``revision``; it is answered
    on its own."""

    code = "not_in_bulk"
    status = 400


class TextTooLong(SignoffError):
    """A text a person sent is longer than Signoff takes (:mod:`approvals.core.limits`)."""

    code = "text_too_long"
    status = 400

    def __init__(self, what: str, length: int, limit: int) -> None:
        super().__init__(f"{what} is {length} characters long; at most {limit} are taken",
                         what=what, length=length, limit=limit)
        self.what, self.length, self.limit = what, length, limit


class NoAssignee(SignoffError):
    """A stage resolved to nobody (an empty role, a manager chain with no one in it)."""

    code = "no_assignee"
    status = 422


class ConcurrentUpdate(SignoffError):
    """Another command changed the instance first; the caller retries on fresh state."""

    code = "concurrent_update"
    status = 409


class StoreUnavailable(SignoffError):
    code = "store_unavailable"
    status = 503


class ImportFailed(SignoffError):
    """A people import was refused; nothing was written."""

    code = "import_failed"


class KeyProblem(SignoffError):
    """The organisation's signing key or certificate is missing, unreadable or corrupt; the
    message names the file. A trail is never passed off as signed without them."""

    code = "key_problem"
    status = 503

    def __init__(self, message: str, path: object = None) -> None:
        super().__init__(message, path=str(path) if path is not None else None)
        self.path = path


class TrailNotFinal(SignoffError):
    """A final (signable) trail was asked for an instance that is still running, or a
    provisional trail was handed to the signer."""

    code = "trail_not_final"
    status = 409


class TrailPending(SignoffError):
    """The instance is completed but its signed trail is not stored yet (a worker makes it)."""

    code = "trail_pending"
    status = 409


class StoredFileProblem(SignoffError):
    """A stored trail or export is missing on disk, or its content no longer matches the
    SHA-256 the database recorded for it."""

    code = "stored_file_problem"
    status = 500


class ExportNotReady(SignoffError):
    """An export's ZIP was asked for before the worker finished it (or after it failed)."""

    code = "export_not_ready"
    status = 409


class ExportPeriodInvalid(SignoffError):
    """An export stored with a period no export may name (one asked for before requests were
    checked, or written by hand): the worker marks it failed once, saying why, since building
    it again would fail again."""

    code = "export_period_invalid"


class NotAParticipant(SignoffError):
    """Only an instance's participants and administrators may comment on it
    (:mod:`approvals.core.discussion`)."""

    code = "not_a_participant"
    status = 403


class DiscussionClosed(SignoffError):
    """The instance has ended and its record is closed: no comment is taken any more."""

    code = "discussion_closed"
    status = 409
