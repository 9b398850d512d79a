"""Study screens: open a skill, next self-check item, sign-in → home, on the real catalog.

Runs offscreen in one process on a store set up like a first run (bundled catalog, demo
class). Each figure includes the store work the screen needs (done on a worker thread in
the app, timed here on one thread) plus the widget update and a synchronous repaint.
Floors, measured in the same run: the same lesson set into a bare QTextBrowser and
repainted; a QLabel's text changed and repainted; the home's store read alone.
Targets (issue 3): lesson p95 ≤ 50 ms, next item p95 ≤ 16 ms, home p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime

from measure import percentile, table


def timed(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
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

    from PySide6.QtWidgets import (
        QAbstractButton,
        QApplication,
        QComboBox,
        QLineEdit,
        QTextBrowser,
    )
    from qt_floor import QuestionSwap

    from mcdesk.paths import resolve_paths
    from mcdesk.settings import Settings
    from mcdesk.startup import run_setup, setup_needs
    from mcdesk.store.bootstrap import open_store
    from mcdesk.store.connection import opened
    from mcdesk.study.desk import StudyDesk
    from mcdesk.ui.home_view import HomeView
    from mcdesk.ui.skill_view import SkillView
    from mcdesk.ui.theme import apply_theme

    app = QApplication([])
    apply_theme(app)
    paths = resolve_paths()
    open_store(paths, now=datetime.now(UTC))
    settings = Settings()
    with opened(paths.database) as connection:
        needs = setup_needs(connection, settings=settings)
    run_setup(paths, settings, needs, now=datetime.now(UTC))
    desk = StudyDesk(paths.database)
    learner = desk.roster()[0].learner_id

    # The largest lesson in the catalog.
    with opened(paths.database, read_only=True) as connection:
        pack_id, path, size = connection.execute(
            "SELECT pack_id, path, size FROM pack_file WHERE path LIKE '%lesson.md' "
            "ORDER BY size DESC LIMIT 1"
        ).fetchone()
    skill_id = path.split("/")[1]
    view = SkillView()
    view.resize(1280, 760)
    view.show()

    def open_skill() -> None:
        page = desk.open_skill(learner, pack_id, skill_id)
        view.show_skill(
            pack_title=page.pack_title,
            skill=page.skill,
            lesson_markdown=page.lesson_markdown,
            images=page.images,
            state=page.state,
        )
        view.repaint()

    page = desk.open_skill(learner, pack_id, skill_id)
    bare = QTextBrowser()
    bare.resize(900, 700)
    bare.show()

    def bare_lesson() -> None:
        bare.setMarkdown(page.lesson_markdown)
        bare.repaint()

    open_skill()
    lesson = timed(open_skill, args.runs)
    lesson_floor = timed(bare_lesson, args.runs)

    # Self-check: answer, check, next item shown.
    runner = view.selfcheck
    view.show_selfcheck_page()
    items = list(page.skill["self_check"])

    def next_item() -> None:
        if runner.run.finished:
            runner.start(items)
        widget = runner.current_input()
        choices = [b for b in widget.findChildren(QAbstractButton) if b.isCheckable()]
        if choices:
            choices[0].click()
        for field in widget.findChildren(QLineEdit):
            field.setText("12")
        for box in widget.findChildren(QComboBox):
            box.setCurrentIndex(1)
        runner.check()
        runner.advance()
        runner.repaint()

    runner.start(items)
    label_floor = QuestionSwap(1280, 400)

    item_times = timed(next_item, args.runs)
    item_floor = timed(label_floor, args.runs)

    # Sign-in accepted → home painted with every micro-credential.
    home = HomeView()
    home.resize(1280, 760)
    home.show()

    def show_home() -> None:
        data = desk.home(learner)
        home.show_home(
            learner_name=data.learner.display_name, home=data.home, skill_titles=data.skill_titles
        )
        home.repaint()

    show_home()
    home_times = timed(show_home, args.runs)
    home_floor = timed(lambda: desk.home(learner), args.runs)
    pin = timed(lambda: desk.sign_in_learner(learner_id=learner, pin="1234"), 10)
    count = len(desk.home(learner).home.mine)
    desk.close()
    label_floor.close()
    for widget in (view, bare, home):
        widget.close()
        widget.deleteLater()
    app.processEvents()

    def row(
        name: str, ours: list[float], floor: list[float], target: str
    ) -> tuple[str, str, str, str, str]:
        p95, f95 = percentile(ours, 0.95), percentile(floor, 0.95)
        return (name, f"{p95:.1f} ms", f"{f95:.1f} ms", f"{p95 / f95:.1f}", target)

    table(
        f"Study screens, p95 of {args.runs} (offscreen; largest lesson {size} bytes; "
        f"home with {count} micro-credentials)",
        [
            row("open skill → lesson painted", lesson, lesson_floor, "p95 ≤ 50 ms"),
            row("answer → next item shown", item_times, item_floor, "p95 ≤ 16 ms"),
            row("sign-in → home painted", home_times, home_floor, "p95 ≤ 100 ms"),
            (
                "PIN check (scrypt, on purpose)",
                f"{percentile(pin, 0.5):.0f} ms p50",
                "",
                "",
                "(not in the above)",
            ),
        ],
    )


if __name__ == "__main__":
    main()
