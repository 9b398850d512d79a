"""Liveness and readiness, for load balancers and operators."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from mcdesk.server.api.deps import EngineDep
from mcdesk.server.db import is_ready

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict[str, str]:
    """The process answers (says nothing about the database)."""
    return {"status": "ok"}


@router.get("/ready")
def ready(engine: EngineDep) -> JSONResponse:
    """200 when the database answers and is migrated to head, else 503."""
    if is_ready(engine):
        return JSONResponse({"status": "ready"})
    return JSONResponse({"status": "not ready"}, status_code=503)
