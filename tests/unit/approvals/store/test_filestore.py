"""Trails on disk: named by their SHA-256, written whole or not at all, checked when read."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from approvals.core.errors import StoredFileProblem
from approvals.store import filestore

PDF = b"%PDF-1.7\n% a signed trail\n"
SHA = hashlib.sha256(PDF).hexdigest()


def test_a_trail_is_stored_under_its_sha256_in_two_levels_of_folders(tmp_path: Path) -> None:
    stored = filestore.put(tmp_path, PDF)

    assert stored == filestore.Stored(SHA, len(PDF), f"{SHA[:2]}/{SHA[2:4]}/{SHA}.pdf")
    assert (tmp_path / stored.path).read_bytes() == PDF
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{SHA}.pdf"]  # no temp
    assert (tmp_path / stored.path).stat().st_mode & 0o777 == 0o640


def test_storing_the_same_trail_twice_keeps_one_file(tmp_path: Path) -> None:
    assert filestore.put(tmp_path, PDF) == filestore.put(tmp_path, PDF)
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


def test_a_damaged_file_is_refused_when_read_and_replaced_when_stored_again(
        tmp_path: Path) -> None:
    stored = filestore.put(tmp_path, PDF)
    (tmp_path / stored.path).write_bytes(PDF.replace(b"signed", b"forged"))

    with pytest.raises(StoredFileProblem, match="does not match its SHA-256"):
        filestore.read(tmp_path, stored.path, SHA)
    filestore.put(tmp_path, PDF)
    assert filestore.read(tmp_path, stored.path, SHA) == PDF


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(StoredFileProblem, match="cannot be read") as problem:
        filestore.read(tmp_path, f"{SHA[:2]}/{SHA[2:4]}/{SHA}.pdf", SHA)
    assert SHA in str(problem.value)


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    def no_space(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(filestore.os, "replace", no_space)
    with pytest.raises(OSError):
        filestore.put(tmp_path, PDF)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
