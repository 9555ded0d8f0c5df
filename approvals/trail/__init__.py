"""The trail: a PDF that proves what happened in one instance, signed by the organisation.

An adapter (it speaks PDF): it reads the database and never writes process state.

- :func:`render_trail` — the unsigned PDF/A-3b document (``render.py``, ``content.py``,
  ``templates/``, the bundled ``fonts/``);
- :func:`sign_trail` — the PAdES signature, applied last (``sign.py``);
- the organisation's key pair under ``var/keys/`` is :mod:`approvals.keys` (below the
  adapters: the audit page shows the certificate, the command line makes and imports keys);
- :func:`verify_trail` — signature, signer and stored audit chain (``verify.py``).
"""

from approvals.core.errors import KeyProblem, TrailNotFinal
from approvals.trail.facts import TrailFacts, read_facts
from approvals.trail.render import render_trail
from approvals.trail.sign import sign_trail, tsa_url_from_env
from approvals.trail.verify import VerifyReport, verify_trail

__all__ = [
    "KeyProblem",
    "TrailFacts",
    "TrailNotFinal",
    "VerifyReport",
    "read_facts",
    "render_trail",
    "sign_trail",
    "tsa_url_from_env",
    "verify_trail",
]
