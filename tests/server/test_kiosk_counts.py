"""A kiosk's anonymous day totals: coalesced on the station, carried on a USB stick, reported."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mcdesk.cli.main import main
from mcdesk.keys import PublisherKey, public_file_for
from mcdesk.paths import Paths
from mcdesk.protocol.streams import EventKind
from mcdesk.study.kiosk import KioskDesk
from tests.server.conftest import RunningServer
from tests.server.pulling import publish_and_grant

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def test_day_totals_are_one_coalesced_event_that_the_usb_export_carries_to_the_report(
    server: RunningServer,
    home: Paths,
    tmp_path: Path,
    source: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    capsys: pytest.CaptureFixture[str],
) -> None:
    publish_and_grant(
        server, source=source, publisher_key=publisher_key, trusted=trusted, out=tmp_path / "out"
    )
    db = ["--db", server.engine.url.render_as_string(hide_password=False)]
    provision = tmp_path / "usb" / "hall.mcprovision"
    assert main(["admin", "provision", "--school", "Northside", "--station-name", "Hall",
                 "-o", str(provision), *db]) == 0  # fmt: skip
    assert main(["keys", "trust", str(public_file_for(publisher_key))]) == 0
    assert main(["station", "provision", str(provision)]) == 0
    now = [NOW]
    desk = KioskDesk(home.database, clock=lambda: now[0])
    try:
        desk.record_visit(clusters_viewed=2, tastes=1, points=3.0, out_of=4)
        now[0] += timedelta(minutes=5)
        counts = desk.record_visit(clusters_viewed=1, tastes=1, points=2.0, out_of=4)
        assert (counts.visits, counts.clusters_viewed, counts.tastes) == (2, 3, 2)
        assert counts.average_score == pytest.approx(5 / 8)
        now[0] += timedelta(days=1)
        desk.record_visit(clusters_viewed=1, tastes=0, points=0.0, out_of=0)
        assert desk.day_counts(NOW.date()).visits == 2
    finally:
        desk.close()
    with sqlite3.connect(home.database) as raw:
        rows = raw.execute(
            "SELECT body FROM outbox WHERE kind = ?", (EventKind.KIOSK_DAY,)
        ).fetchall()
    assert len(rows) == 2  # one running total per day, not one row per visitor

    capsys.readouterr()
    export = tmp_path / "usb" / "hall.mcsync"
    assert main(["sync", "export", "-o", str(export)]) == 0
    receipts = tmp_path / "usb" / "hall.receipts"
    assert main(["admin", "import-sync", str(export), "-o", str(receipts), *db]) == 0
    assert "0 refused" in capsys.readouterr().out
    assert main(["admin", "report", *db]) == 0
    report = capsys.readouterr().out
    assert "Career-day kiosks (anonymous):" in report
    assert "2026-11-22: 2 visits, 3 clusters viewed, 2 tastes taken, average score 62%" in report
    assert "2026-11-23: 1 visits, 1 clusters viewed, 0 tastes taken, average score —" in report
