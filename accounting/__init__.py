"""Finance on top of the approval engine: invoices, payment tasks and the accountants' queue.

What is accounting-specific — checking a supplier's tax number, registering a payment — lives
here as validators and effects that process files name (``accounting.inn``), registered with
:mod:`approvals.extensions`; its process files live in ``accounting/processes/``
(``invoice-payment.yaml``: the manager, the CFO above a threshold per currency, the payment).
"""

from pathlib import Path

#: Process files this package ships (the ``signoff.processes`` entry point names it).
PROCESSES = Path(__file__).with_name("processes")
