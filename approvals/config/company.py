"""The company's own bank details: the payer of every payment order the accountants export.

| variable                      | what                                            |
|-------------------------------|-------------------------------------------------|
| SIGNOFF_COMPANY_NAME          | the payer's name as the bank knows it (required) |
| SIGNOFF_COMPANY_INN           | its INN, 10 or 12 digits (required)             |
| SIGNOFF_COMPANY_KPP           | its KPP, 9 characters (an organisation's)       |
| SIGNOFF_COMPANY_ACCOUNT       | the settlement account, 20 digits (required)    |
| SIGNOFF_COMPANY_BANK          | the bank's name (required)                      |
| SIGNOFF_COMPANY_BIK           | the bank's BIC, 9 digits (required)             |
| SIGNOFF_COMPANY_CORR_ACCOUNT  | the bank's correspondent account, 20 digits     |

Nothing has a default: a bank file with made-up payer details would be refused by the bank at
best. ``make run`` sets a demo company's (see the Makefile).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields

PREFIX = "SIGNOFF_COMPANY_"
REQUIRED = ("name", "inn", "account", "bank", "bik")
_SHAPES = {"inn": r"\d{10}|\d{12}", "kpp": r"\d{4}[0-9A-Z]{2}\d{3}", "account": r"\d{20}",
           "bik": r"\d{9}", "corr_account": r"\d{20}"}


@dataclass(frozen=True)
class Company:
    name: str = ""
    inn: str = ""
    kpp: str = ""
    account: str = ""
    bank: str = ""
    bik: str = ""
    corr_account: str = ""

    @classmethod
    def from_env(cls) -> Company:
        return cls(**{f.name: (os.environ.get(variable(f.name)) or "").strip()
                      for f in fields(cls)})

    def missing(self) -> list[str]:
        """The variables that must be set and are not."""
        return [variable(name) for name in REQUIRED if not getattr(self, name)]

    def malformed(self) -> list[str]:
        """The variables that are set but cannot be what they name (an INN of 11 digits)."""
        return [variable(name) for name, shape in _SHAPES.items()
                if getattr(self, name) and not re.fullmatch(shape, getattr(self, name))]


def variable(name: str) -> str:
    """``SIGNOFF_COMPANY_INN`` for ``inn``."""
    return PREFIX + name.upper()
