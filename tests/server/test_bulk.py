"""One statement for many rows (the push path's inserts) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mcdesk.server.admin import register_station
from mcdesk.server.bulk import insert_rows, table_of
from mcdesk.server.db import make_engine, migrate
from mcdesk.server.models import Flag, Result

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
KEY = "A" * 43 + "="


def result(n: int, *, points: float | int, server: float | int | None) -> dict[str, object]:
    return {
        "id": f"result-{n}",
        "attempt_id": f"attempt-{n}",
        "learner_id": "learner-1",
        "pack_id": "pack",
        "pack_version": "1.0.0",
        "chain_hash": "0" * 64,
        "station_id": "station-a",
        "event_id": f"event-{n}",
        "station_points": points,
        "max_points": 5,
        "passed": 1 if n % 2 else 0,
        "event_counter": n,
        "received_at": NOW,
        "server_points": server,
        "rescored": server is not None,
        "withheld": None if n % 3 else "unknown_learner",
    }


def test_rows_of_mixed_number_types_are_stored_as_their_columns(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    with Session(engine) as session:
        register_station(session, station_id="station-a", name="A", public_key_b64=KEY, now=NOW)
        # A whole score is an int, a partial one a float; a float column takes both.
        rows = [result(1, points=3, server=3), result(2, points=2.5, server=None)]
        rows.append(result(3, points=4.0, server=4.5))
        insert_rows(session, table_of(Result), rows)
        session.commit()
        stored = session.exec(select(Result).order_by(col(Result.id))).all()
    assert [(r.station_points, r.server_points, r.passed, r.rescored) for r in stored] == [
        (3.0, 3.0, True, True),
        (2.5, None, False, False),
        (4.0, 4.5, True, True),
    ]
    assert [r.withheld for r in stored] == [None, None, "unknown_learner"]
    engine.dispose()


def test_a_clash_writes_nothing_of_the_statement(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    with Session(engine) as session:
        register_station(session, station_id="station-a", name="A", public_key_b64=KEY, now=NOW)
        insert_rows(session, table_of(Result), [result(1, points=1, server=1)])
        session.commit()
        with pytest.raises(IntegrityError), session.begin_nested():
            insert_rows(
                session,
                table_of(Result),
                [result(2, points=1, server=1), result(1, points=1, server=1)],
            )
        flag = {"station_id": "station-a", "event_id": None, "kind": "conflict", "detail": "d"}
        insert_rows(session, table_of(Flag), [{**flag, "created_at": NOW}])
        session.commit()
        assert session.exec(select(Result.id)).all() == ["result-1"]
        assert [f.kind for f in session.exec(select(Flag)).all()] == ["conflict"]
    engine.dispose()
