"""Approvals: the core (``core/``), the process files, the service and the store (``store/``).

The signed trail (``trail/``) is an adapter that lives here too; see docs/architecture.md.
"""

from pathlib import Path

#: Process files this package ships (the entry point ``signoff.processes`` names it).
PROCESSES = Path(__file__).with_name("processes")
