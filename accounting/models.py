"""Accounting's own tables (their migration is ``0008_accounting``)."""

from __future__ import annotations
