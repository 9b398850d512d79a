"""The teacher page's record: "Older" / "Newer" pressed → the next page of 50 shown.

A store with a year's record (1,284 attempts by 30 learners, made through the real exam
engine) and the real teacher page, offscreen at 1280×800. Each figure is one press: the
page read from the store (on a worker thread in the app, here on this one), the section
re-built and a synchronous repaint, walking Older to the oldest page and Newer back.
Floors, measured in the same run: the page's store read alone, and 50 bare framed blocks
of three wrapped labels (a page's lines, no card) replaced in the same scrolled column
and repainted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.exam.record_seed

from bench.measure import percentile, table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=1284)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from PySide6.QtWidgets import QApplication, QFrame, QLabel, QVBoxLayout, QWidget

    from mcdesk.exam.record_pages import RecordPage, RecordQuery, station_page
    from mcdesk.ui.cards import ReadingColumn
    from mcdesk.ui.teacher_page import TeacherPage
    from mcdesk.ui.theme import apply_theme
    from tests.exam.record_seed import record_store

    app = QApplication([])
    apply_theme(app)
    root = Path(tempfile.mkdtemp(prefix="mcdesk-bench-record-"))
    start = datetime(2026, 1, 12, 8, 0, tzinfo=UTC)
    t0 = time.perf_counter()
    database = record_store(
        root, key=Ed25519PrivateKey.generate(), count=args.attempts, start=start
    )
    print(f"{args.attempts} attempts made in {time.perf_counter() - t0:.1f} s")

    page = TeacherPage()
    page.resize(1280, 800)
    page.show_teacher(name="Ms Teacher", roster=[])
    page.show()
    record = page.record
    reads: list[float] = []

    def read(serial: int, query: RecordQuery) -> None:
        began = time.perf_counter()
        answer = station_page(database, teacher_username="teach", query=query)
        reads.append((time.perf_counter() - began) * 1000)
        record.show_page(serial, answer)

    record.wanted.connect(read)
    record.begin()
    app.processEvents()

    def press(button_name: str) -> float:
        before = record.page
        began = time.perf_counter()
        getattr(record, button_name).click()
        app.processEvents()  # the queued shows of the new cards
        page.repaint()
        assert record.page is not before
        return (time.perf_counter() - began) * 1000

    turns: list[float] = []
    for _ in range(3):
        while record.older_button.isEnabled():
            turns.append(press("older_button"))
        while record.newer_button.isEnabled():
            turns.append(press("newer_button"))
    shown: RecordPage | None = record.page
    assert shown is not None
    assert shown.first == 1

    # The floor: the same scrolled column, 50 framed blocks of three wrapped labels.
    column = ReadingColumn()
    column.resize(1280, 800)
    column.show()
    holder = QWidget()
    box = QVBoxLayout(holder)
    column.add(holder)
    column.finish()
    floor: list[float] = []
    for n in range(len(turns)):
        began = time.perf_counter()
        while box.count():
            item = box.takeAt(0)
            old = None if item is None else item.widget()
            if old is not None:
                old.hide()
                old.deleteLater()
        for line in range(50):
            frame = QFrame()
            lines = QVBoxLayout(frame)
            for text in (f"Learner {line % 30:02d} — page {n}", "Started · Submitted", "None"):
                label = QLabel(text)
                label.setWordWrap(True)
                lines.addWidget(label)
            box.addWidget(frame)
        app.processEvents()
        column.repaint()
        floor.append((time.perf_counter() - began) * 1000)

    def ms(samples: list[float], fraction: float) -> str:
        return f"{percentile(samples, fraction):.1f} ms"

    rows = []
    for name, fraction in (("p50", 0.5), ("p95", 0.95)):
        turn, read_ms, qt_ms = (percentile(s, fraction) for s in (turns, reads, floor))
        rows.append(
            (
                f"Older/Newer → page shown, {name} ({len(turns)} presses)",
                ms(turns, fraction),
                f"read {read_ms:.1f} ms; 50 bare blocks {qt_ms:.1f} ms",
                f"{turn / read_ms:.1f}× read; {turn / qt_ms:.1f}× blocks",
                "reported",
            )
        )
    table(f"Teacher page record, {args.attempts} attempts", rows)


if __name__ == "__main__":
    main()
