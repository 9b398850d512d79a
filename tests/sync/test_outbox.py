"""The outbox's numbering: coalescing never reuses a number or drops an acknowledged event."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mcdesk.paths import Paths
from mcdesk.store.bootstrap import open_store
from mcdesk.store.engine import make_engine
from mcdesk.store.outbox import add_event
from mcdesk.store.tables import OutboxEvent, SyncReceipt
from tests.conftest import NOW


@pytest.fixture
def engine(home: Paths) -> Iterator[Engine]:
    open_store(home, now=NOW)
    engine = make_engine(home.database)
    yield engine
    engine.dispose()


def _add(engine: Engine, total: int) -> OutboxEvent:
    with Session(engine) as session:
        event = add_event(
            session,
            kind="active_time",
            body={"active_seconds": total},
            now=NOW,
            coalesce_key="active_time:ada:pack:skill",
        )
        session.commit()
        session.refresh(event)
        return event


def _rows(engine: Engine) -> list[tuple[int, bytes]]:
    with Session(engine) as session:
        events = session.exec(select(OutboxEvent).order_by(col(OutboxEvent.seq))).all()
        return [(e.seq, e.body) for e in events]


def test_a_replaced_total_gets_a_new_number_never_a_reused_one(engine: Engine) -> None:
    _add(engine, 15)
    _add(engine, 30)  # replaces the unsent 15
    rows = _rows(engine)
    assert [seq for seq, _ in rows] == [2]
    assert b'"active_seconds":30' in rows[0][1]


def test_an_acknowledged_event_is_never_coalesced_away(engine: Engine) -> None:
    sent = _add(engine, 15)
    with Session(engine) as session:
        session.add(SyncReceipt(event_id=sent.id, body=b"{}", signature=b"sig", received_at="now"))
        session.commit()
    _add(engine, 30)
    assert [seq for seq, _ in _rows(engine)] == [1, 2]
