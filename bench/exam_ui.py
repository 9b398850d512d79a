"""A 100-item assessment: next / previous question shown, p95, offscreen.

Items cycle through the seven types with realistic prompts and four options. The figure
is ``ExamView.go_to`` plus a synchronous repaint; the floor, in the same run, replaces a
prompt and four radio buttons in a plain widget and repaints it.
Target (issue 4): next/previous item shown p95 ≤ 16 ms (one frame at 60 Hz).
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from measure import percentile, table

TYPES = (
    "single_choice",
    "multiple_response",
    "true_false",
    "numeric",
    "short_text",
    "ordering",
    "matching",
)


def item(number: int) -> dict[str, Any]:
    kind = TYPES[number % len(TYPES)]
    options = [
        {"id": c, "text": f"Option {c} for question {number}: {c * 8} sq ft"} for c in "abcd"
    ]
    shown: dict[str, Any] = {
        "id": f"q{number}",
        "type": kind,
        "prompt": f"**Question {number}.** A floor is {number + 8} ft by 10 ft. "
        "Which is its area? Show your working on scrap paper first.",
    }
    if kind in ("single_choice", "multiple_response", "ordering"):
        shown["options"] = options
    if kind == "matching":
        shown["prompts"] = [{"id": "p1", "text": "Length"}, {"id": "p2", "text": "Area"}]
        shown["options"] = options[:3]
    if kind == "numeric":
        shown["unit"] = "sq ft"
    return shown


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    from qt_floor import QuestionSwap

    from mcdesk.ui.exam_view import ExamView
    from mcdesk.ui.theme import apply_theme

    app = QApplication([])
    apply_theme(app)
    view = ExamView()
    view.resize(1280, 800)
    view.show()
    items = [item(n) for n in range(1, args.items + 1)]
    view.show_paper(title="Benchmark", items=items, answers={}, flagged=set(), remaining_s=1800)
    app.processEvents()

    forward, back = [], []
    for index in range(1, args.items):
        t0 = time.perf_counter()
        view.go_to(index, focus=False)
        view.repaint()
        forward.append((time.perf_counter() - t0) * 1000)
    for index in range(args.items - 2, -1, -1):
        t0 = time.perf_counter()
        view.go_to(index, focus=False)
        view.repaint()
        back.append((time.perf_counter() - t0) * 1000)

    swap = QuestionSwap()
    floor = []
    for _ in range(args.items):
        t0 = time.perf_counter()
        swap()
        floor.append((time.perf_counter() - t0) * 1000)
    f95 = percentile(floor, 0.95)
    table(
        f"Assessment navigation, {args.items} items (offscreen)",
        [
            (
                "next item shown p95",
                f"{percentile(forward, 0.95):.1f} ms",
                f"{f95:.1f} ms",
                f"{percentile(forward, 0.95) / f95:.1f}",
                "p95 ≤ 16 ms",
            ),
            (
                "previous item shown p95",
                f"{percentile(back, 0.95):.1f} ms",
                f"{f95:.1f} ms",
                f"{percentile(back, 0.95) / f95:.1f}",
                "p95 ≤ 16 ms",
            ),
        ],
    )
    swap.close()
    view.close()
    view.deleteLater()
    app.processEvents()


if __name__ == "__main__":
    main()
