"""Kiosk screens: idle reset → attract screen painted, attract → explorer painted.

Runs offscreen in one process on a store set up like a first run (the bundled catalog),
the kiosk window 1920×1080 at the kiosk's text size. Before each reset a visitor has
viewed a cluster and is on a taste's first question. The visit's day total is written on
the worker queue in the app; here the queue is drained between runs, outside the timing.
Floor, in the same run: a bare QStackedWidget of two labels, the same size, switching
page and repainting.
Targets (issue 15): reset p95 ≤ 200 ms, attract → explorer p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime

from measure import percentile, table

SIZE = (1920, 1080)


def timed(prepare: Callable[[], object], action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        prepare()
        t0 = time.perf_counter()
        action()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["MCDESK_HOME"] = tempfile.mkdtemp(prefix="mcdesk-bench-")

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication, QLabel, QStackedWidget

    from mcdesk.exam.unlock import UnlockDesk
    from mcdesk.paths import resolve_paths
    from mcdesk.settings import Settings
    from mcdesk.startup import run_setup, setup_needs
    from mcdesk.store.bootstrap import open_store
    from mcdesk.store.connection import opened
    from mcdesk.study.kiosk import KioskDesk, KioskSettings
    from mcdesk.ui.kiosk_app import KIOSK_TEXT_SCALE
    from mcdesk.ui.kiosk_flow import KioskFlow
    from mcdesk.ui.kiosk_screen import KioskScreen
    from mcdesk.ui.lockdown import LockdownWindow
    from mcdesk.ui.theme import apply_theme

    app = QApplication([])
    apply_theme(app, text_scale=KIOSK_TEXT_SCALE)
    paths = resolve_paths()
    open_store(paths, now=datetime.now(UTC))
    settings = Settings()
    with opened(paths.database) as connection:
        needs = setup_needs(connection, settings=settings)
    run_setup(paths, settings, needs, now=datetime.now(UTC))

    desk = KioskDesk(paths.database)
    queue = QThreadPool()
    queue.setMaxThreadCount(1)
    screen = KioskScreen()
    shell = LockdownWindow(screen, policy="log")
    flow = KioskFlow(
        screen=screen,
        shell=shell,
        desk=desk,
        unlock=UnlockDesk(paths.database),
        settings_file=paths.config_dir / "kiosk.json",
        pool=queue,
        finish=lambda _code: None,
    )
    clusters = desk.clusters()
    flow._apply((KioskSettings(), clusters, None))
    shell.resize(*SIZE)
    shell.show()
    app.processEvents()
    biggest = max(clusters, key=lambda c: len(c.packs))
    taste = desk.taste(biggest.packs[0].id, seed=1)

    def visitor_on_a_question() -> None:
        queue.waitForDone()
        app.processEvents()  # the last reset's deleteLater()s
        flow.begin_visit()
        screen.explorer.show_cluster(biggest.name)
        flow._show_taste(taste)
        screen.taste.start_questions()
        shell.repaint()

    def reset() -> None:
        flow.forget_visitor()
        shell.repaint()

    def on_attract() -> None:
        queue.waitForDone()
        app.processEvents()
        flow.forget_visitor()
        shell.repaint()

    def explore() -> None:
        flow.begin_visit()
        shell.repaint()

    resets = timed(visitor_on_a_question, reset, args.runs)
    explores = timed(on_attract, explore, args.runs)

    bare = QStackedWidget()
    bare.addWidget(QLabel("attract"))
    bare.addWidget(QLabel("explorer"))
    bare.resize(*SIZE)
    bare.show()
    app.processEvents()

    def flip() -> None:
        bare.setCurrentIndex(1 - bare.currentIndex())
        bare.repaint()

    floor = timed(lambda: None, flip, args.runs)
    queue.waitForDone()
    desk.close()

    def row(name: str, ours: list[float], target: str) -> tuple[str, str, str, str, str]:
        p95, f95 = percentile(ours, 0.95), percentile(floor, 0.95)
        return (name, f"{p95:.1f} ms", f"{f95:.1f} ms", f"{p95 / f95:.1f}", target)

    table(
        f"Kiosk screens, p95 of {args.runs} (offscreen, {SIZE[0]}×{SIZE[1]}, "
        f"{len(clusters)} clusters, largest with {len(biggest.packs)} micro-credentials)",
        [
            row("idle reset → attract painted", resets, "p95 ≤ 200 ms"),
            row("attract → explorer painted", explores, "p95 ≤ 100 ms"),
        ],
    )


if __name__ == "__main__":
    main()
