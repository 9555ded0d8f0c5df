"""People as HR knows them, imported: the people CSV with its optional columns (hire date,
position, employment status, time zone) and each bad value refused on its line with nothing
stored; the departments CSV naming heads and parents; and the directory the engine reads
naming the head from the Department table before the role ``head``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.core.errors import ImportFailed
from approvals.store import departments
from approvals.store.db import read_session, write_session
from approvals.store.directory import HEADER, DbDirectory, import_people
from approvals.store.models import Department, Person
from signoff.cli import main

SQLITE = pytest.mark.parametrize("db", ["sqlite"], indirect=True)
OLD = ",".join(HEADER) + "\n"
PEOPLE = OLD + (
    "boss@example.com,Ирина Волкова,ru,,Management,,\n"
    "olga@example.com,Ольга Смирнова,ru,boss@example.com,Sales,head,\n"
    "ivan@example.com,Иван Орлов,ru,olga@example.com,Sales,,\n"
    "vera@example.com,Вера Зайцева,ru,olga@example.com,sales,,\n")
EXTENDED = OLD.strip() + ",time_zone,employment,position,hire_date\n"


def _people(db: Engine) -> dict[str, Person]:
    with read_session(db) as session:
        return {p.email: p for p in session.exec(select(Person))}


def _import(db: Engine, text: str, what=import_people):
    with write_session(db) as session:
        return what(session, text)


@SQLITE
def test_the_optional_columns_are_read_in_any_order_and_old_files_keep_them(db: Engine):
    _import(db, PEOPLE)
    _import(db, EXTENDED + "ivan@example.com,Иван Орлов,ru,olga@example.com,Sales,,,"
                           "Asia/Yekaterinburg,on_leave,Менеджер,01.03.2024\n"
                           "vera@example.com,Вера Зайцева,ru,olga@example.com,Sales,,,"
                           ",starting,Стажёр,2027-01-11\n")
    ivan, vera = _people(db)["ivan@example.com"], _people(db)["vera@example.com"]
    assert (ivan.hire_date, ivan.position, ivan.employment, ivan.time_zone, ivan.active) == (
        date(2024, 3, 1), "Менеджер", "on_leave", "Asia/Yekaterinburg", True)
    assert (vera.hire_date, vera.employment, vera.time_zone, vera.active) == (
        date(2027, 1, 11), "starting", "", False)  # not at work yet: takes no tasks

    _import(db, PEOPLE)  # the old header: the new values stay, as import always did
    ivan, vera = _people(db)["ivan@example.com"], _people(db)["vera@example.com"]
    assert (ivan.position, ivan.time_zone, ivan.employment) == (
        "Менеджер", "Asia/Yekaterinburg", "on_leave")
    assert (vera.employment, vera.active) == ("active", True)  # re-imported: at work


@SQLITE
@pytest.mark.parametrize(("cells", "problem"), [
    ("Europe/Moskva,active,,", "line 2: time_zone 'Europe/Moskva' is not an IANA time zone"),
    ("Europe/Moscow,fired,,", "line 2: employment 'fired' must be one of starting, active, "
                              "on_leave, dismissed"),
    ("Europe/Moscow,active,,31.02.2024", "line 2: hire_date '31.02.2024' is not a date "
                                         "(YYYY-MM-DD or DD.MM.YYYY)"),
    ("Europe/Moscow,active,,2024/03/01", "line 2: hire_date '2024/03/01' is not a date"),
])
def test_each_bad_value_is_refused_on_its_line_and_nothing_is_stored(db: Engine, cells,
                                                                      problem):
    text = EXTENDED + f"ivan@example.com,Иван Орлов,ru,,Sales,,,{cells}\n" \
        "vera@example.com,Вера Зайцева,ru,,Sales,,,Europe/Moscow,active,,\n"
    with pytest.raises(ImportFailed) as refused:
        _import(db, text)
    assert problem in str(refused.value)
    assert str(refused.value).count("line ") == 1  # Vera's line is fine
    assert _people(db) == {}


@SQLITE
@pytest.mark.parametrize(("header", "problem"), [
    (OLD.strip() + ",salary", "line 1: unknown column 'salary'"),
    (OLD.strip() + ",position,position", "line 1: column 'position' appears twice"),
    ("name,email,locale,manager_email,department,roles,aliases", "line 1: the header must "
                                                                 "begin with exactly"),
])
def test_a_header_that_is_not_the_directory_s_is_refused(db: Engine, header, problem):
    with pytest.raises(ImportFailed) as refused:
        _import(db, header + "\n")
    assert problem in str(refused.value)


def test_the_department_table_names_the_head_before_the_role(db: Engine):
    _import(db, PEOPLE)
    people = _people(db)
    with read_session(db) as session:  # no row: the role's holder in the department
        assert DbDirectory(session).head_of("Sales") is None
    report = _import(db, "department,head_email,parent\nSALES,vera@example.com,Management\n"
                         "Management,boss@example.com,\n", departments.import_departments)
    assert (report.created, report.updated) == (2, 0)
    with read_session(db) as session:
        directory = DbDirectory(session)
        assert directory.head_of("sales") == people["vera@example.com"].id
        assert directory.head_of("Management") == people["boss@example.com"].id
        assert directory.head_of("Legal") is None
        rows = {row.name: row.parent for row in session.exec(select(Department))}
    assert rows == {"Sales": "Management", "Management": ""}  # spelled as the people have it


@SQLITE
@pytest.mark.parametrize(("lines", "problem"), [
    ("Sales,nobody@example.com,", "line 2: head_email nobody@example.com is not in the "
                                  "directory"),
    ("Sales,,Nowhere", "line 2: parent Nowhere is neither in this file nor a known department"),
    ("Sales,,Sales", "line 2: a department cannot be its own parent"),
    ("Sales,,\nsales,,", "line 3: sales already appears on line 2"),
    (",olga@example.com,", "line 2: department is empty"),
    ("Sales,,Management\nManagement,,Sales", "form a circle"),
])
def test_a_bad_departments_line_is_named_and_nothing_is_stored(db: Engine, lines, problem):
    _import(db, PEOPLE)
    with pytest.raises(ImportFailed) as refused:
        _import(db, "department,head_email,parent\n" + lines + "\n",
                departments.import_departments)
    assert problem in str(refused.value)
    with read_session(db) as session:
        assert session.exec(select(Department)).all() == []


@SQLITE
def test_signoff_people_departments_names_heads_or_says_which_line_is_wrong(
        db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATABASE_URL", db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SIGNOFF_VAR_DIR", str(tmp_path / "var"))
    _import(db, PEOPLE)
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("department,head_email,parent\nSales,vera@example.com,\n", encoding="utf-8")
    bad.write_text("department,head_email,parent\nSales,nobody@example.com,\n",
                   encoding="utf-8")
    runner = CliRunner()

    refused = runner.invoke(main, ["people", "departments", str(bad)])
    assert refused.exit_code == 1
    assert "line 2: head_email nobody@example.com is not in the directory" in refused.stderr
    done = runner.invoke(main, ["people", "departments", str(good)])
    assert (done.exit_code, done.stdout) == (0, "created 1, updated 0\n")
    with read_session(db) as session:
        assert DbDirectory(session).head_of("Sales") == _people(db)["vera@example.com"].id
