"""Many rows into one table in one statement: the push path's inserts without the ORM.

On PostgreSQL the rows go as one array per column, unnested by the server
(``INSERT … SELECT * FROM unnest(…)``): one statement of a fixed shape, prepared once per
connection, however many rows. An ORM bulk insert or an executemany sends one statement
per row and builds a dictionary per row in Python. Elsewhere (SQLite, whose executemany
is a loop in C) it is an executemany. A clash raises SQLAlchemy's IntegrityError either
way, and nothing of the statement is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any, cast

from sqlalchemy import Column, Dialect, Table, insert
from sqlmodel import Session, SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """A table model's Core table."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


# An array holds one type: a float column's values may come as int and float (a score of
# 3 and one of 2.5), so numbers are made the column's type first, as the ORM would.
_NUMBERS: dict[type, Callable[[Any], Any]] = {float: float, int: int, bool: bool}


def _same(value: Any) -> Any:
    return value


def _converter(column: Column[Any]) -> Callable[[Any], Any]:
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return _same
    made = _NUMBERS.get(python_type)
    if made is None:
        return _same
    return lambda value: None if value is None else made(value)


@cache
def _unnest(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[str, tuple[Callable[[Any], Any], ...]]:
    """The statement for these columns, and how each column's values are made its type."""
    arrays = ", ".join(f"%b::{table.c[name].type.compile(dialect=dialect)}[]" for name in columns)
    names = ", ".join(dialect.identifier_preparer.quote(name) for name in columns)
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({names}) "
        f"SELECT * FROM unnest({arrays})"
    )
    return sql, tuple(_converter(table.c[name]) for name in columns)


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (each with the same keys, columns of ``table``) in the session's
    transaction; IntegrityError on a clash."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return
    columns = tuple(rows[0])
    sql, converters = _unnest(table, columns, connection.dialect)
    arrays = tuple(
        [row[name] for row in rows] if made is _same else [made(row[name]) for row in rows]
        for name, made in zip(columns, converters, strict=True)
    )
    connection.exec_driver_sql(sql, arrays)
