"""The Results pages of a class: its assessments, one assessment's results and item
statistics, their CSV export, and the printable class report.

Every route takes ``ClassInReach`` (a teacher sees only their own classes); the router
runs ``check_csrf`` like the rest of the Teacher Resource Center.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from mcdesk.server.api.deps import SessionDep
from mcdesk.server.web.class_report import class_report
from mcdesk.server.web.deps import ClassInReach, NowDep, check_csrf
from mcdesk.server.web.pages import PREFIX, render
from mcdesk.server.web.results import assessments_of, results_of
from mcdesk.server.web.tables import csv_response, results_table

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
