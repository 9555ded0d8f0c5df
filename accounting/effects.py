"""Accounting's effects, named in its process files (``on_enter: [{effect: …}]``)."""

from __future__ import annotations
