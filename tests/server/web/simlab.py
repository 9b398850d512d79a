"""Simulated stations: registered with the server, posting signed live reports as stations do.

The board and the benchmark need many stations without many station stores; each one here
has a real key, registered for the school, and speaks the real live channel (LiveLink).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mcdesk.keys import public_key_b64
from mcdesk.server.admin import register_station
from mcdesk.server.issuer import ensure_issuer
from mcdesk.server.models import Learner
from mcdesk.server.signer import ensure_signer
from mcdesk.sync.live_link import LiveLink

TITLE = "Measuring tools"


@dataclass
class SimStation:
    name: str
    link: LiveLink


def sim_stations(engine: Engine, base_url: str, *, school_id: str, count: int) -> list[SimStation]:
    """``count`` stations of the school, named "Bench 01"…, each with its own key."""
    made = []
    with Session(engine) as session:
        server_key = ensure_signer(session, now=datetime.now(UTC)).public_key
        for number in range(1, count + 1):
            key = Ed25519PrivateKey.generate()
            station_id = str(uuid.uuid4())
            name = f"Bench {number:02d}"
            register_station(
                session, station_id=station_id, name=name,
                public_key_b64=public_key_b64(key.public_key()), now=datetime.now(UTC),
                school_id=school_id,
            )  # fmt: skip
            # The server issues its codes (no slots sealed: nothing here types them).
            ensure_issuer(session, station_id=station_id, now=datetime.now(UTC))
            made.append(SimStation(name, LiveLink(base_url, station_id, key, server_key)))
        session.commit()
    return made


def learners_of(engine: Engine, class_id: str) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(Learner.id, Learner.display_name)
            .where(col(Learner.class_id) == class_id)
            .order_by(col(Learner.display_name))
        ).all()
    return [(str(i), str(n)) for i, n in rows]


def report(
    learner: tuple[str, str] | None,
    *,
    state: str = "running",
    remaining_s: int = 1500,
    answered: int = 4,
    total: int = 12,
    waiting: dict[str, Any] | None = None,
    incidents: tuple[str, ...] = (),
    studying: str | None = None,
    attempt_id: str | None = None,
) -> dict[str, Any]:
    """A live report as a station builds it (mcdesk.sync.live_report)."""
    if learner is None:
        return {"learner": None, "doing": {"kind": "idle", "title": "", "skill": None},
                "attempt": None, "acks": []}  # fmt: skip
    who = {"id": learner[0], "name": learner[1]}
    if studying is not None:
        return {"learner": who, "doing": {"kind": "studying", "title": TITLE, "skill": studying},
                "attempt": None, "acks": []}  # fmt: skip
    attempt = {
        "id": attempt_id or str(uuid.uuid4()), "title": TITLE, "state": state,
        "remaining_s": remaining_s, "answered": answered, "total": total,
        "incident_count": len(incidents), "incidents": list(incidents), "waiting": waiting,
        "next_counter": 3,
    }  # fmt: skip
    return {"learner": who, "doing": {"kind": "assessment", "title": TITLE, "skill": None},
            "attempt": attempt, "acks": []}  # fmt: skip
