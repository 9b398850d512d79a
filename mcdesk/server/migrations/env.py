"""Alembic environment for the server: always handed an open connection by mcdesk.server.db."""

from __future__ import annotations

from alembic import context

from mcdesk.server.models import ServerTable

target_metadata = ServerTable.metadata


def run_migrations() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
