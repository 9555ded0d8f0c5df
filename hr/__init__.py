"""The HR domain on top of the approval engine.

HR processes (vacation, sick leave, business trip, dismissal, hiring) are ordinary process
files in ``hr/processes/``. What is HR-specific — leave types and balances, the working-day
calendar, the absence schedule and deputies — will live in this package as validations and
effects, not as a second engine (see DESIGN.md).
"""

from pathlib import Path

#: Process files this package ships (named in pyproject.toml under the entry points
#: ``signoff.processes``, which is how the registry finds them).
PROCESSES = Path(__file__).with_name("processes")
