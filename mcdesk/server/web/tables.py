"""CSV exports: UTF-8 with a BOM, one header row, ISO dates, formula cells neutralised.

A cell a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage
return that some spreadsheets skip before one) gets a leading apostrophe, so a learner
named ``=HYPERLINK(…)`` is shown as text. Numbers are written by us and never neutralised.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import datetime

from fastapi.responses import Response

from mcdesk.content.skill_states import score_text
from mcdesk.server.web.progress import ProgressGrid
from mcdesk.server.web.results import AssessmentResults

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
Cell = str | int | float | bool | datetime | None
SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]")


def neutral(cell: Cell) -> str:
    """A cell as text: ISO dates, plain numbers, and text that can never run as a formula."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, datetime):
        return cell.isoformat(timespec="seconds")
    if isinstance(cell, int | float):
        return f"{cell:g}"
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """The whole file: BOM, one header row, then the rows (CRLF line ends, as RFC 4180)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutral(h) for h in header])
    writer.writerows([neutral(cell) for cell in row] for row in rows)
    return BOM + out.getvalue()


def csv_response(table: tuple[list[str], list[list[Cell]]], *, filename: str) -> Response:
    header, rows = table
    safe = SAFE_FILENAME.sub("_", filename)
    return Response(
        csv_text(header, rows).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


def results_table(found: AssessmentResults) -> tuple[list[str], list[list[Cell]]]:
    """One row per attempt: the server's score, and the station's when they differ."""
    header = [
        "learner", "assessment", "received_at", "points", "max_points", "percent", "result",
        "rescored_by_server", "station_points", "score_mismatch", "counts",
    ]  # fmt: skip
    rows: list[list[Cell]] = [
        [
            line.learner,
            found.title,
            line.received_at,
            round(line.points, 4),
            line.max_points,
            round(100 * line.ratio, 1),
            "pass" if line.passed else "not yet",
            line.rescored,
            round(line.station_points, 4),
            line.mismatch,
            line.counts,
        ]
        for line in found.lines
    ]
    return header, rows


def progress_table(grid: ProgressGrid) -> tuple[list[str], list[list[Cell]]]:
    """One row per learner and targeted skill, with the learner's assessment columns."""
    header = [
        "learner", "skill", "studied", "active_minutes", "self_check", "self_check_mastered",
        "attempts", "best_percent", "result", "links_opened", "review_before_retake",
        "last_activity",
    ]  # fmt: skip
    rows: list[list[Cell]] = []
    for learner in grid.learners:
        best = None if learner.best is None else round(100 * learner.best.ratio, 1)
        outcome = "pass" if learner.passed else "not yet" if learner.attempts else ""
        titles = dict(grid.skills)
        review = ", ".join(titles.get(skill, skill) for skill in learner.review)
        for (_, title), cell in zip(grid.skills, learner.cells, strict=True):
            score = None if cell.last_score is None else score_text(*cell.last_score)
            rows.append([
                learner.name, title, cell.studied, round(cell.active_seconds / 60, 1), score,
                cell.mastered, learner.attempts, best, outcome, learner.links, review,
                learner.last_activity,
            ])  # fmt: skip
    return header, rows
