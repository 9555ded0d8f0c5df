"""``signoff people import | token | password``."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from approvals.clock import utcnow
from approvals.store.db import read_session
from approvals.store.directory import check_password, find_person, person_for_token, roles_of
from approvals.store.models import Person
from tests.integration.signoff.cli import Invoke

ANNA = "anna@example.com,Анна Петрова,ru,boss@example.com,Sales,,a.petrova@example.com"
BOSS = "boss@example.com,Boss Person,en,,Management,approver;admin,"


def _people(engine: Engine) -> dict[str, Person]:
    with read_session(engine) as session:
        return {p.email: p for p in session.exec(select(Person)).all()}


def test_people_import_creates_then_updates_on_second_run(upgraded: Invoke, people_csv,
                                                           engine: Engine) -> None:
    first = upgraded("people", "import", str(people_csv(ANNA, BOSS)))
    renamed = people_csv(ANNA.replace("Анна Петрова", "Анна Сидорова"), BOSS, name="v2.csv")
    second = upgraded("people", "import", str(renamed))

    assert (first.exit_code, first.stdout) == (0, "created 2, updated 0\n")
    assert (second.exit_code, second.stdout) == (0, "created 0, updated 2\n")
    people = _people(engine)
    assert sorted(people) == ["anna@example.com", "boss@example.com"]
    assert people["anna@example.com"].name == "Анна Сидорова"
    assert people["anna@example.com"].manager_id == people["boss@example.com"].id
    with read_session(engine) as session:
        assert roles_of(session, people["boss@example.com"].id) == {"approver", "admin"}
        assert find_person(session, "a.petrova@example.com").email == "anna@example.com"


def test_people_import_reports_bad_row_with_its_line_and_writes_nothing(
        upgraded: Invoke, people_csv, engine: Engine) -> None:
    path = people_csv(BOSS, "bad@example.com,Bad Locale,de,,,,")

    result = upgraded("people", "import", str(path))

    assert result.exit_code == 1
    assert "line 3: locale 'de' must be one of en, ru" in result.stderr
    assert "nothing was imported" in result.stderr
    assert result.stdout == ""
    assert _people(engine) == {}


def test_people_import_lists_every_bad_row(upgraded: Invoke, people_csv) -> None:
    path = people_csv("not-an-address,X,en,,,,", BOSS, "c@example.com,,ru,,,,")

    result = upgraded("people", "import", str(path))

    assert result.exit_code == 1
    assert "line 2: email 'not-an-address' is not an email address" in result.stderr
    assert "line 4: name is empty" in result.stderr


def test_people_import_rejects_unknown_manager(upgraded: Invoke, people_csv,
                                               engine: Engine) -> None:
    result = upgraded("people", "import", str(people_csv(ANNA)))

    assert result.exit_code == 1
    assert ("line 2: manager_email boss@example.com is neither in this file nor in the "
            "directory") in result.stderr
    assert _people(engine) == {}


def test_people_import_refuses_manager_cycle(upgraded: Invoke, people_csv,
                                             engine: Engine) -> None:
    path = people_csv("a@example.com,A,en,b@example.com,,,", "b@example.com,B,en,a@example.com,,,")

    result = upgraded("people", "import", str(path))

    assert result.exit_code == 1
    assert "form a circle" in result.stderr
    assert _people(engine) == {}


def test_people_import_refuses_a_file_that_is_not_utf8(upgraded: Invoke, env) -> None:
    path = env / "cp1251.csv"
    path.write_bytes("email,name,locale,manager_email,department,roles,aliases\n"
                     "a@example.com,Анна,ru,,,,\n".encode("cp1251"))

    result = upgraded("people", "import", str(path))

    assert result.exit_code == 1
    assert "is not UTF-8 text" in result.stderr
    assert "Traceback" not in result.output


def test_people_token_prints_only_the_token(upgraded: Invoke, people_csv,
                                            engine: Engine) -> None:
    upgraded("people", "import", str(people_csv(BOSS)))

    result = upgraded("people", "token", "Boss@Example.com")

    assert result.exit_code == 0
    token = result.stdout.removesuffix("\n")
    assert token.startswith("so_") and "\n" not in token and " " not in token
    with read_session(engine) as session:
        assert person_for_token(session, token, utcnow()).person.email == "boss@example.com"


def test_people_token_for_unknown_email_exits_1(upgraded: Invoke) -> None:
    result = upgraded("people", "token", "nobody@example.com")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no person with the address nobody@example.com" in result.stderr


def test_people_password_from_option_lets_the_person_sign_in(upgraded: Invoke, people_csv,
                                                             engine: Engine) -> None:
    upgraded("people", "import", str(people_csv(BOSS)))

    result = upgraded("people", "password", "boss@example.com", "--password", "s3cret pass")

    assert result.exit_code == 0
    person = _people(engine)["boss@example.com"]
    assert person.password_hash.startswith("$argon2")
    assert check_password(person, "s3cret pass")
    assert not check_password(person, "wrong")


def test_people_password_is_prompted_twice(upgraded: Invoke, people_csv,
                                           engine: Engine) -> None:
    upgraded("people", "import", str(people_csv(BOSS)))

    result = upgraded("people", "password", "boss@example.com", input="hunter22\nhunter22\n")

    assert result.exit_code == 0, result.output
    assert "hunter22" not in result.output  # hidden input
    assert check_password(_people(engine)["boss@example.com"], "hunter22")


def test_people_password_for_unknown_email_does_not_prompt(upgraded: Invoke) -> None:
    result = upgraded("people", "password", "nobody@example.com")

    assert result.exit_code == 1
    assert "New password" not in result.output
    assert "no person with the address nobody@example.com" in result.stderr
