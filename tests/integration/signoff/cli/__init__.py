"""Tests of the ``signoff`` command line (``signoff/cli.py``), run in-process."""

from collections.abc import Callable

from click.testing import Result

#: The ``cli`` fixture: ``cli("people", "import", path, input=None)`` runs ``signoff …``.
Invoke = Callable[..., Result]
