"""The Results pages of a class: its assessments, one assessment's results and item
statistics, the Progress grid, their CSV exports, and the printable class report.

Every route takes ``ClassInReach`` (a teacher sees only their own classes); the router
runs ``check_csrf`` like the rest of the Teacher Resource Center.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from mcdesk.content.skill_states import STAGE_LABELS, STAGE_SYMBOLS, score_text
from mcdesk.server.api.deps import SessionDep
from mcdesk.server.web.class_report import class_report
from mcdesk.server.web.deps import ClassInReach, NowDep, check_csrf
from mcdesk.server.web.manage import learner_in
from mcdesk.server.web.pages import PREFIX, render
from mcdesk.server.web.progress import FILTERS, MAX_DAYS, chosen, packs_of, progress_grid
from mcdesk.server.web.results import assessments_of, results_of
from mcdesk.server.web.tables import csv_response, progress_table, results_table
from mcdesk.server.web.timeline import timeline

DEFAULT_DAYS = 7

router = APIRouter(prefix=PREFIX, tags=["teacher"], dependencies=[Depends(check_csrf)])


@router.get("/classes/{class_id}/results", response_class=HTMLResponse)
def assessments_page(
    request: Request, session: SessionDep, school_class: ClassInReach
) -> HTMLResponse:
    found = assessments_of(session, school_class=school_class)
    return render(
        request, "results.html", title=f"Results · {school_class.name}",
        school_class=school_class, assessments=found,
    )  # fmt: skip


@router.get("/classes/{class_id}/results/{pack_id}", response_class=HTMLResponse)
def assessment_page(
    request: Request, session: SessionDep, school_class: ClassInReach, pack_id: str
) -> HTMLResponse:
    found = results_of(session, school_class=school_class, pack_id=pack_id)
    return render(
        request, "assessment.html", title=found.title, school_class=school_class, results=found
    )


@router.get("/classes/{class_id}/results/{pack_id}/results.csv")
def results_csv(session: SessionDep, school_class: ClassInReach, pack_id: str) -> Response:
    found = results_of(session, school_class=school_class, pack_id=pack_id)
    return csv_response(results_table(found), filename=f"results-{pack_id}.csv")


@router.get("/classes/{class_id}/report", response_class=HTMLResponse)
def class_report_page(
    request: Request, session: SessionDep, school_class: ClassInReach, now: NowDep
) -> HTMLResponse:
    report = class_report(session, school_class=school_class, now=now)
    return render(
        request, "report.html", title=f"Class report · {school_class.name}",
        school_class=school_class, report=report,
    )  # fmt: skip


def _days(text: str) -> tuple[int, str]:
    """The "no activity for N days" number, or the default with a message in words."""
    if text.isdigit() and 1 <= int(text) <= MAX_DAYS:
        return int(text), ""
    return (
        DEFAULT_DAYS,
        f"Days must be a whole number from 1 to {MAX_DAYS}; showing {DEFAULT_DAYS}.",
    )


@router.get("/classes/{class_id}/progress", response_class=HTMLResponse)
def progress_packs_page(
    request: Request, session: SessionDep, school_class: ClassInReach
) -> HTMLResponse:
    packs = packs_of(session, school_class=school_class)
    return render(
        request, "progress_packs.html", title=f"Progress · {school_class.name}",
        school_class=school_class, packs=packs,
    )  # fmt: skip


@router.get("/classes/{class_id}/progress/{pack_id}", response_class=HTMLResponse)
def progress_page(
    request: Request,
    session: SessionDep,
    school_class: ClassInReach,
    pack_id: str,
    now: NowDep,
    show: str = "all",
    days: str = str(DEFAULT_DAYS),
) -> HTMLResponse:
    grid = progress_grid(session, school_class=school_class, pack_id=pack_id)
    show = show if show in FILTERS else "all"
    number, problem = _days(days[:6])
    shown = chosen(grid, show=show, days=number, now=now)
    return render(
        request, "progress.html", title=f"{grid.title} · {school_class.name}",
        school_class=school_class, grid=grid, shown=shown, show=show, days=number,
        filters=FILTERS, problem=problem, stage_symbols=STAGE_SYMBOLS, stage_labels=STAGE_LABELS,
        score_text=score_text, skill_titles=dict(grid.skills),
    )  # fmt: skip


@router.get("/classes/{class_id}/progress/{pack_id}/progress.csv")
def progress_csv(session: SessionDep, school_class: ClassInReach, pack_id: str) -> Response:
    grid = progress_grid(session, school_class=school_class, pack_id=pack_id)
    return csv_response(progress_table(grid), filename=f"progress-{pack_id}.csv")


@router.get("/classes/{class_id}/learners/{learner_id}/timeline", response_class=HTMLResponse)
def timeline_page(
    request: Request, session: SessionDep, school_class: ClassInReach, learner_id: str
) -> HTMLResponse:
    learner = learner_in(session, school_class=school_class, learner_id=learner_id)
    grids = [
        progress_grid(session, school_class=school_class, pack_id=pack_id)
        for pack_id, _ in packs_of(session, school_class=school_class)
    ]
    rows = [(grid, row) for grid in grids for row in grid.learners if row.learner_id == learner.id]
    return render(
        request, "timeline.html", title=f"{learner.display_name} · {school_class.name}",
        school_class=school_class, learner=learner, rows=rows,
        moments=timeline(session, school_class=school_class, learner=learner),
        stage_symbols=STAGE_SYMBOLS, stage_labels=STAGE_LABELS, score_text=score_text,
    )  # fmt: skip
