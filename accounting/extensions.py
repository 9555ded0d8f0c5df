"""What the accounting package registers when Signoff looks it up (the ``signoff.extensions``
entry point): its validators and effects, and its own tables on the shared metadata."""

from accounting import effects, models, validators  # noqa: F401 - each registers on import
