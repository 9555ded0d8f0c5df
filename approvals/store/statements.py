"""The hot path's prebuilt statements, run on the driver's own cursor.

A command runs a handful of statements that are built once at import (:mod:`.instances`,
:mod:`.audit`). Through SQLAlchemy's execution layer each costs about 75 µs on SQLite —
the cache lookup, the execution context, the result object — against about 18 µs for the
same SQL on the ``sqlite3`` cursor. So a :class:`Prepared` statement is compiled once per
set of parameter names with the connection's dialect, keeping the SQL text, the order of its
parameters and the bind and result processors of its columns' types; it then runs on the
DBAPI cursor of the Core connection, inside the transaction that connection began (``BEGIN
IMMEDIATE``, :func:`approvals.store.db.write_connection`).

What is written and read is exactly what SQLAlchemy writes and reads: the same SQL, the same
values through the same type processors (on SQLite a datetime is stored as SQLAlchemy's
string, JSON as text), so a row written on either path reads back the same on the other.
A driver error is raised as SQLAlchemy raises it (:class:`sqlalchemy.exc.IntegrityError`
for a lost race on the audit chain, which the service retries).

Only SQLite runs this way. Any other dialect — and a statement this module cannot reproduce
exactly (Python-side column defaults, parameters expanded at execution), a connection
outside a transaction, a connection someone listens to (``before_cursor_execute``: tests
counting statements) or an ORM session — runs the statement through Core as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Connection

_FAST_DIALECTS = frozenset({"sqlite"})
_MISSING = object()


class Prepared:
    """A Core statement with its compiled forms, by dialect and parameter names."""

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._plans: dict[tuple[str, frozenset[str]], _Plan | None] = {}

    def execute(self, connection: Any, params: Mapping[str, Any] | None = None):
        """Run once with ``params``; returns a result with Core's ``all``, ``first``,
        ``one``, ``scalar``, ``scalar_one``, ``scalars`` and ``rowcount``."""
        plan = self._plan(connection, params or {})
        if plan is None:
            return connection.execute(self.statement, params or {})
        return plan.run(connection, params or {})

    def execute_many(self, connection: Any, rows: Sequence[Mapping[str, Any]]) -> list[tuple]:
        """Run for each of ``rows`` (all with the same names); returns what a ``RETURNING``
        statement returns, row after row in the order given, else nothing."""
        if not rows:
            return []
        plan = self._plan(connection, rows[0])
        if plan is None:
            result = connection.execute(self.statement, list(rows))
            return [tuple(row) for row in result] if result.returns_rows else []
        return plan.run_many(connection, rows)

    def _plan(self, connection: Any, params: Mapping[str, Any]) -> _Plan | None:
        if not isinstance(connection, Connection):  # an ORM session: its own flush rules
            return None
        dialect = connection.dialect
        if dialect.name not in _FAST_DIALECTS or not connection.in_transaction() \
                or connection.dispatch.before_cursor_execute:
            return None
        key = (dialect.name, frozenset(params))  # the type processors are the dialect's
        try:
            return self._plans[key]
        except KeyError:
            plan = self._plans[key] = _Plan.compile(self.statement, dialect, params)
            return plan


class _Plan:
    """One compiled form: SQL text, (name, default, processor) per positional parameter, and
    a result processor per returned column."""

    __slots__ = ("sql", "binds", "results", "returns_rows")

    def __init__(self, sql: str, binds: list, results: list | None) -> None:
        self.sql, self.binds, self.results = sql, binds, results
        self.returns_rows = results is not None

    @classmethod
    def compile(cls, statement: Any, dialect: Any, params: Mapping[str, Any]) -> _Plan | None:
        is_dml = getattr(statement, "is_dml", False)
        compiled = statement.compile(dialect=dialect,
                                     column_keys=list(params) if is_dml else None)
        if (dialect.paramstyle != "qmark" or compiled.positiontup is None
                or "POSTCOMPILE" in compiled.string
                or any(getattr(compiled, name, None) for name in (
                    "insert_prefetch", "update_prefetch", "postfetch"))):
            return None  # Core computes something at execution: leave it to Core
        defaults = compiled.construct_params(_check=False)
        processors = compiled._bind_processors
        binds = []
        for name in compiled.positiontup:
            if name in params:
                default = _MISSING  # given at each run
            elif name in compiled.binds and compiled.binds[name].required:
                return None  # not given: Core says so
            else:
                default = defaults.get(name)
            binds.append((name, default, processors.get(name)))
        results = None
        if compiled._result_columns:
            results = [column.type._cached_result_processor(dialect, None)
                       for column in compiled._result_columns]
        return cls(compiled.string, binds, results)

    def _values(self, params: Mapping[str, Any]) -> tuple:
        values = []
        for name, default, processor in self.binds:
            value = params[name] if default is _MISSING else default
            values.append(processor(value) if processor is not None else value)
        return tuple(values)

    def _rows(self, cursor: Any) -> list[tuple]:
        return self._processed(cursor.fetchall())

    def _processed(self, rows: list[tuple]) -> list[tuple]:
        if any(self.results):
            processors = self.results
            return [tuple(value if process is None else process(value)
                          for process, value in zip(processors, row, strict=True))
                    for row in rows]
        return rows

    def run(self, connection: Connection, params: Mapping[str, Any]) -> Fetched:
        cursor = connection.connection.driver_connection.cursor()
        values: Any = params
        try:
            try:
                values = self._values(params)
                cursor.execute(self.sql, values)
            except Exception as error:  # noqa: BLE001 - raised again, as Core raises it
                raise _wrapped(self.sql, values, error, connection) from error
            rows = self._rows(cursor) if self.returns_rows else []
            return Fetched(rows, cursor.rowcount)
        finally:
            cursor.close()

    def run_many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> list[tuple]:
        cursor = connection.connection.driver_connection.cursor()
        values: Any = list(rows)
        try:
            values = [self._values(row) for row in rows]
            if not self.returns_rows:
                cursor.executemany(self.sql, values)
                return []
            returned: list[tuple] = []
            for one in values:  # the driver's executemany returns no rows: one by one, in order
                cursor.execute(self.sql, one)
                returned.extend(cursor.fetchall())
        except Exception as error:  # noqa: BLE001 - raised again, as Core raises it
            raise _wrapped(self.sql, values, error, connection) from error
        finally:
            cursor.close()
        return self._processed(returned)


def _wrapped(sql: str, values: Any, error: Exception, connection: Connection) -> Exception:
    """The error as Core raises it: the driver's as IntegrityError, OperationalError…, and one
    of a type's processor (a naive datetime) as :class:`sqlalchemy.exc.StatementError`."""
    dialect = connection.dialect
    return exc.DBAPIError.instance(sql, values, error, dialect.loaded_dbapi.Error,
                                   dialect=dialect, ismulti=isinstance(values, list))


class Fetched:
    """What a statement run on the cursor gave: its rows (tuples) and its row count, read
    the way Core's result is read."""

    __slots__ = ("rows", "rowcount")

    def __init__(self, rows: list[tuple], rowcount: int) -> None:
        self.rows, self.rowcount = rows, rowcount

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.rows)

    def all(self) -> list[tuple]:
        return self.rows

    def first(self) -> tuple | None:
        return self.rows[0] if self.rows else None

    def one(self) -> tuple:
        if len(self.rows) != 1:
            raise exc.NoResultFound("no row") if not self.rows else \
                exc.MultipleResultsFound("more than one row")
        return self.rows[0]

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalars(self) -> list[Any]:
        return [row[0] for row in self.rows]
