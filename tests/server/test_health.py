"""Health, readiness, migrations on both databases, and the settings."""

from __future__ import annotations

from pathlib import Path

import requests
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from mcdesk.server.config import ServerSettings, load_server_settings
from mcdesk.server.db import make_engine, migrate
from mcdesk.server.models import ServerTable
from tests.server.conftest import RunningServer, serving


def test_health_and_ready_on_a_migrated_server(server: RunningServer) -> None:
    for path in ("/health", "/api/v1/health"):
        assert requests.get(server.url(path), timeout=10).status_code == 200
    assert requests.get(server.url("/api/v1/ready"), timeout=10).status_code == 200


def test_ready_is_503_when_the_database_is_not_migrated(database_url: str) -> None:
    settings = ServerSettings(database_url=database_url, migrate_on_start=False)
    with serving(settings) as base_url:
        assert requests.get(base_url + "/api/v1/health", timeout=10).status_code == 200
        assert requests.get(base_url + "/api/v1/ready", timeout=10).status_code == 503


def test_the_migrations_make_exactly_the_models_tables(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate(engine)
        migrate(engine)  # a second start finds nothing to do
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            assert compare_metadata(context, ServerTable.metadata) == []
    finally:
        engine.dispose()


def test_settings_default_to_sqlite_under_mcdesk_home(tmp_path: Path) -> None:
    env = {"MCDESK_HOME": str(tmp_path)}
    settings = load_server_settings(environ=env)
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'server' / 'server.sqlite3'}"
    assert (settings.host, settings.port) == ("127.0.0.1", 8765)
    assert not (tmp_path / "data").exists()  # nothing is made until the server starts
    url = "postgresql+psycopg://u@h/db"
    assert load_server_settings(environ={**env, "MCDESK_SERVER_DB": url}).database_url == url
    assert load_server_settings(database_url="sqlite:///x", environ=env).database_url == (
        "sqlite:///x"
    )
