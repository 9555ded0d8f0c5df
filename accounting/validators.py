"""Accounting's checks on a request's values, named in its process files (``validate:``)."""

from __future__ import annotations

from approvals import extensions

# The check digits of a Russian taxpayer number (ИНН): a legal entity's has 10 digits and one
# check digit, an individual's 12 digits and two. Each is the weighted sum of the digits before
# it, modulo 11, modulo 10 (Federal Tax Service order of 29.06.2012 No. ММВ-7-6/435@).
_WEIGHTS_10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_problem(value: str) -> str | None:
    """Why ``value`` is not a valid INN (``inn_length``, ``inn_checksum``), or None."""
    text = value.strip()
    if not text.isdigit() or len(text) not in (10, 12) or not text.isascii():
        return "inn_length"
    digits = [int(c) for c in text]
    if len(digits) == 10:
        valid = _check_digit(digits, _WEIGHTS_10) == digits[9]
    else:
        valid = (_check_digit(digits, _WEIGHTS_11) == digits[10]
                 and _check_digit(digits, _WEIGHTS_12) == digits[11])
    return None if valid else "inn_checksum"


@extensions.validator("accounting.inn")
def inn(check: extensions.Check) -> extensions.Problems:
    """The field ``field`` (default ``inn``), when filled in, holds a valid INN: 10 digits for
    an organisation, 12 for an individual, with correct check digits."""
    name = check.params.get("field", "inn")
    value = check.fields.get(name)
    if value is None or str(value).strip() == "":
        return {}
    problem = inn_problem(str(value))
    return {name: (problem, {"value": str(value).strip()})} if problem else {}
