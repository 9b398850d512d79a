"""Alembic environment: always handed an open connection by mcdesk.store.migrate."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from mcdesk.store import tables  # noqa: F401  (registers the tables)
from mcdesk.store.migrate import include_object

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
