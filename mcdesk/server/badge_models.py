"""The server's badge tables: each badge it issued (revoked ones keep their row), and the
public base URL its badges point to (mcdesk.server.issuing, revoking, hosting).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from mcdesk.server.models import ServerTable, _when


class Badge(ServerTable, table=True):
    """A badge the server issued for a result it re-scored; revoked ones keep their row."""

    __tablename__ = "badge"

    credential_id: str = Field(primary_key=True)  # urn:uuid:...
    result_id: str = Field(foreign_key="result.id", unique=True)
    station_id: str = Field(foreign_key="station.id")
    school_id: str | None = Field(default=None, index=True)
    learner_id: str = Field(index=True)
    pack_id: str
    status_index: int = Field(unique=True)  # this badge's bit in the status list
    jwt: str  # the OB 3.0 VC-JWT
    assertion_jws: str  # the signed OB 2.0 assertion
    assertion: str  # the OB 2.0 assertion as JSON (hosted when there is a public URL)
    verify_url: str | None = None
    issued_at: datetime = Field(sa_column=_when())
    revoked_at: datetime | None = Field(default=None, sa_column=_when(nullable=True))
    revoked_reason: str | None = None


class BadgeSite(ServerTable, table=True):
    """The server's public base URL for badges (one row), set by ``mcdesk server --public-url``."""

    __tablename__ = "badge_site"

    id: int = Field(default=1, primary_key=True)
    public_url: str
