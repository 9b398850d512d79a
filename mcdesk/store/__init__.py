"""The station's local store: one SQLite file (WAL), SQLModel tables, Alembic migrations."""
