"""POST /api/v1/live: a station's live state in, its proctor commands out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status

from mcdesk.jsonread import JsonRefused, read_json
from mcdesk.protocol.live import MAX_REPORT_BYTES, ReportRefused, check_report
from mcdesk.server.api.deps import RawBodyDep, SessionDep, StationDep
from mcdesk.server.live.notices import LiveNotices
from mcdesk.server.live.reports import record_report

router = APIRouter(tags=["live"])


@router.post("/live")
def live(
    request: Request, station: StationDep, body: RawBodyDep, session: SessionDep
) -> dict[str, Any]:
    """Store the report (the board hears of it at once); answer the commands waiting."""
    try:
        report = check_report(read_json(body, what="the live report", max_bytes=MAX_REPORT_BYTES))
    except (JsonRefused, ReportRefused) as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(exc)) from None
    notices: LiveNotices = request.app.state.live_notices
    recorded = record_report(session, station=station, report=report, now=datetime.now(UTC))
    if recorded.changed:
        notices.changed(session)
    session.commit()
    if recorded.changed:
        notices.committed()
    return {"commands": recorded.commands}
