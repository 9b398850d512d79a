"""Many rows into one table in one statement: the push path's inserts without the ORM.

On PostgreSQL the rows go as one array per column, unnested by the server
(``INSERT … SELECT * FROM unnest(…)``): one statement of a fixed shape, prepared once per
connection, however many rows. An ORM bulk insert or an executemany sends one statement
per row and builds a dictionary per row in Python. Elsewhere (SQLite, whose executemany
is a loop in C) it is an executemany. A clash raises SQLAlchemy's IntegrityError either
way, and nothing of the statement is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, cast

from sqlalchemy import Dialect, Table, insert
from sqlmodel import Session, SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """A table model's Core table."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


@cache
def _unnest_sql(table: Table, columns: tuple[str, ...], dialect: Dialect) -> str:
    arrays = ", ".join(f"%b::{table.c[name].type.compile(dialect=dialect)}[]" for name in columns)
    names = ", ".join(dialect.identifier_preparer.quote(name) for name in columns)
    return (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({names}) "
        f"SELECT * FROM unnest({arrays})"
    )


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
    arrays = tuple([row[name] for row in rows] for name in columns)
    connection.exec_driver_sql(_unnest_sql(table, columns, connection.dialect), arrays)
