"""Change notices between server workers: PostgreSQL LISTEN/NOTIFY, and SQLite in-process.

Two ``LiveNotices`` on one database stand for two worker processes (or hosts): a report
committed through one wakes the boards waiting on the other, through the database only.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from sqlmodel import Session

from mcdesk.server.db import make_engine, migrate
from mcdesk.server.live.notices import LiveNotices
from tests.server.postgres import create_database

WAIT_S = 20.0  # a bound for a lost notice, not a speed requirement (bench/board.py)


async def _one_change_crosses(writer_engine_url: str, *, expect: bool) -> bool:
    """Whether a board waiting on worker B hears a commit made through worker A."""
    engine_a, engine_b = make_engine(writer_engine_url), make_engine(writer_engine_url)
    worker_a, worker_b = LiveNotices(engine_a), LiveNotices(engine_b)
    loop = asyncio.get_running_loop()
    for worker in (worker_a, worker_b):
        await asyncio.to_thread(worker.start, loop)
    try:
        waiting = asyncio.create_task(worker_b.wait(WAIT_S if expect else 0.5))
        await asyncio.sleep(0.1)  # the board is waiting before the report commits

        def report() -> None:
            with Session(engine_a) as session:
                worker_a.changed(session)
                session.commit()
            worker_a.committed()

        await asyncio.to_thread(report)
        return await waiting
    finally:
        for worker in (worker_a, worker_b):
            worker.stop()
        engine_a.dispose()
        engine_b.dispose()


def test_a_report_through_one_worker_wakes_a_board_on_another(postgres_port: int) -> None:
    url = create_database(postgres_port, f"t_{uuid.uuid4().hex}")
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    assert asyncio.run(_one_change_crosses(url, expect=True)) is True


def test_sqlite_wakes_only_its_own_process(tmp_path: Path) -> None:
    """The embedded server is one process: another process's notices never arrive (and
    none is needed), which is why a server with several workers must use PostgreSQL."""
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    assert asyncio.run(_one_change_crosses(url, expect=False)) is False


def test_on_sqlite_a_commit_wakes_the_boards_of_its_own_process(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")

    async def run() -> bool:
        notices = LiveNotices(engine)
        notices.start(asyncio.get_running_loop())
        waiting = asyncio.create_task(notices.wait(WAIT_S))
        await asyncio.sleep(0.05)
        await asyncio.to_thread(notices.committed)
        return await waiting

    assert asyncio.run(run()) is True
    engine.dispose()
