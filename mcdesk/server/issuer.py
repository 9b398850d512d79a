"""The server as code issuer: per station, a code secret and the station's exam key.

Codes are ``code_for(secret, station_id, counter)`` (mcdesk.protocol.codes); the station
holds, per counter, only the exam key sealed under that code (a slot, mcdesk.protocol.slots).
Slots travel in the station's own ``code_slots`` stream (key ``slot:<counter>``); pack
keys travel in ``pack_keys``, wrapped under the pulling station's exam key at pull time.

Top-up rule: a station keeps at least ``SLOTS_AHEAD`` unused slots beyond the highest
counter it has used. It reports each code it uses in a ``code_used`` outbox event; the
sync round pushes before it pulls, so when the station pulls ``code_slots`` the server
already knows, owes the missing slots and has them sealed (mcdesk.server.sealer).
A used counter is believed only up to the slots the server made, so a forged event
cannot make the server seal more than ``SLOTS_AHEAD`` slots in one request.

Cost: one slot is one scrypt run (``SLOT_PARAMS``; 0.15 s and 64 MiB at DEFAULT_PARAMS).
A request never runs one: enrolment and pulls only record what a station is owed
(``owe_slots``), and a fixed number of sealer threads per worker seal it
(mcdesk.server.sealer), so memory does not grow with requests. Provisioning files, made
by an operator's command, seal in that command (``top_up``). scrypt always runs outside
a database transaction (on SQLite a transaction holds the write lock).
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mcdesk.content.sealing import PackKey
from mcdesk.protocol.codes import code_for
from mcdesk.protocol.exam_keys import new_exam_key, seal_pack_key
from mcdesk.protocol.slots import DEFAULT_PARAMS, ScryptParams, make_slot
from mcdesk.protocol.streams import EventKind, Stream
from mcdesk.server import changes
from mcdesk.server.models import Event, ServerPackKey, Station, StationIssuer

# Tests swap in FAST_TEST_PARAMS (tests/conftest.py); read at call time, not import time.
SLOT_PARAMS: ScryptParams = DEFAULT_PARAMS
SLOTS_AHEAD = 40
SECRET_BYTES = 32
_RECENT_USES = 200  # code_used events read per top-up; counters only grow


class IssuerError(Exception):
    """Codes cannot be listed or made as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class IssuerKeys:
    """A new issuer before it is stored: the secret codes come from, and the exam key."""

    issuer_id: str
    secret: bytes = field(repr=False)
    exam_key: bytes = field(repr=False)


def new_issuer_keys() -> IssuerKeys:
    return IssuerKeys(
        issuer_id=str(uuid.uuid4()), secret=os.urandom(SECRET_BYTES), exam_key=new_exam_key()
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def seal_slots(
    keys: IssuerKeys,
    *,
    station_id: str,
    counters: Iterable[int],
    params: ScryptParams | None = None,
) -> list[dict[str, Any]]:
    """Slot documents for ``counters`` (one scrypt run each; call outside a transaction)."""
    cost = params or SLOT_PARAMS
    documents = []
    for counter in counters:
        code = code_for(keys.secret, station_id=station_id, counter=counter)
        slot = make_slot(code, keys.exam_key, counter=counter, params=cost)
        documents.append(
            {
                "counter": counter,
                "issuer_id": keys.issuer_id,
                "salt": _b64(slot.salt),
                "nonce": _b64(slot.nonce),
                "sealed_key": _b64(slot.sealed_key),
                "n": slot.n,
                "r": slot.r,
                "p": slot.p,
            }
        )
    return documents


def record_slots(
    session: Session, *, station_id: str, slots: list[dict[str, Any]], now: datetime
) -> None:
    changes.record_many(
        session,
        stream=Stream.CODE_SLOTS,
        entries=[(f"slot:{document['counter']}", document) for document in slots],
        now=now,
        station_id=station_id,
    )


def save_issuer(
    session: Session,
    keys: IssuerKeys,
    *,
    station_id: str,
    slots: list[dict[str, Any]],
    now: datetime,
) -> StationIssuer:
    """Store a new issuer and put its first slots in the station's stream (caller commits)."""
    row = StationIssuer(
        station_id=station_id,
        issuer_id=keys.issuer_id,
        secret=keys.secret,
        exam_key=keys.exam_key,
        slots_through=max((int(d["counter"]) for d in slots), default=0),
        slots_wanted=SLOTS_AHEAD,
        created_at=now,
    )
    session.add(row)
    session.flush()
    record_slots(session, station_id=station_id, slots=slots, now=now)
    return row


def ensure_issuer(session: Session, *, station_id: str, now: datetime) -> StationIssuer:
    """The station's issuer, made (without slots) if it has none yet (caller commits)."""
    row = session.get(StationIssuer, station_id)
    if row is not None:
        return row
    keys = new_issuer_keys()
    try:
        with session.begin_nested():
            row = save_issuer(session, keys, station_id=station_id, slots=[], now=now)
    except IntegrityError:  # another request made it a moment ago; theirs is as good
        row = session.get(StationIssuer, station_id)
        assert row is not None
    return row


def used_through(session: Session, *, station_id: str, issuer_id: str) -> int:
    """The highest counter of this issuer the station reported using (0 for none)."""
    bodies = session.exec(
        select(Event.body)
        .where(Event.station_id == station_id, Event.kind == EventKind.CODE_USED)
        .order_by(col(Event.seq).desc())
        .limit(_RECENT_USES)
    )
    highest = 0
    for body in bodies:
        try:
            document = json.loads(body)
        except ValueError:
            continue
        if not isinstance(document, dict):
            continue
        counter = document.get("counter")
        if document.get("issuer_id") == issuer_id and isinstance(counter, int):
            highest = max(highest, counter)
    return highest


def owe_slots(session: Session, *, station_id: str, now: datetime) -> StationIssuer:
    """Raise the station's ``slots_wanted`` to ``SLOTS_AHEAD`` past its highest used code.

    Cheap (no scrypt): a sealer seals what is owed (mcdesk.server.sealer). Caller commits.
    """
    issuer = ensure_issuer(session, station_id=station_id, now=now)
    reported = used_through(session, station_id=station_id, issuer_id=issuer.issuer_id)
    used = min(reported, issuer.slots_through)
    session.execute(
        update(StationIssuer)
        .where(
            col(StationIssuer.station_id) == station_id,
            col(StationIssuer.slots_wanted) < used + SLOTS_AHEAD,
        )
        .values(slots_wanted=used + SLOTS_AHEAD)
    )
    return issuer


def seal_owed(session: Session, *, station_id: str, now: datetime, most: int | None = None) -> int:
    """Seal up to ``most`` of the slots owed to the station, in this thread; how many.

    Commits. scrypt runs with no transaction open (on SQLite a transaction holds the
    write lock, and pushes would queue behind it). Of two sealers of one station at
    once, one stores its slots and the other's are dropped (the conditional update
    below), so counters never repeat.
    """
    issuer = session.get(StationIssuer, station_id)
    if issuer is None:
        session.commit()
        return 0
    through = issuer.slots_through
    last = issuer.slots_wanted if most is None else min(issuer.slots_wanted, through + most)
    keys = IssuerKeys(issuer.issuer_id, issuer.secret, issuer.exam_key)
    session.commit()  # end the read: scrypt below must not hold a lock
    if last <= through:
        return 0
    slots = seal_slots(keys, station_id=station_id, counters=range(through + 1, last + 1))
    claimed = session.execute(
        update(StationIssuer)
        .where(
            col(StationIssuer.station_id) == station_id,
            col(StationIssuer.slots_through) == through,
        )
        .values(slots_through=last)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        return 0
    record_slots(session, station_id=station_id, slots=slots, now=now)
    session.commit()
    return len(slots)


def top_up(session: Session, station: Station, now: datetime) -> int:
    """Owe and seal, here and now, what the station lacks (provisioning files); how many."""
    station_id = station.id  # read now: attributes expire at the commits below
    owe_slots(session, station_id=station_id, now=now)
    session.commit()
    return seal_owed(session, station_id=station_id, now=now)


def render_pack_key(
    session: Session, station: Station, document: dict[str, Any]
) -> dict[str, Any] | None:
    """A ``pack_keys`` change as this station receives it: the key wrapped under its exam key."""
    pack_id, key_id = str(document.get("pack_id")), str(document.get("key_id"))
    row = session.get(ServerPackKey, (pack_id, key_id))
    if row is None:
        return None
    pack_key = PackKey(pack_id=pack_id, key=row.key)
    if pack_key.key_id != key_id:
        return None  # a damaged row: sending it would only fail on the station
    issuer = ensure_issuer(session, station_id=station.id, now=datetime.now(UTC))
    nonce, wrapped = seal_pack_key(pack_key=pack_key, exam_key=issuer.exam_key)
    return {
        "pack_id": pack_id,
        "key_id": key_id,
        "issuer_id": issuer.issuer_id,
        "nonce": _b64(nonce),
        "wrapped": _b64(wrapped),
    }


@dataclass(frozen=True, slots=True)
class CodeListing:
    """The next codes of a station, as the server knows its use of them."""

    station: Station
    codes: list[tuple[int, str]]
    used_through: int
    slots_through: int


def find_station(session: Session, name_or_id: str) -> Station:
    wanted = name_or_id.strip()
    station = session.get(Station, wanted)
    if station is not None:
        return station
    named = list(session.exec(select(Station).where(Station.name == wanted)))
    if not named:
        raise IssuerError(f"no station with the id or name {wanted!r}")
    if len(named) > 1:
        ids = ", ".join(s.id for s in named)
        raise IssuerError(f"{len(named)} stations are called {wanted!r} ({ids}); use the id")
    return named[0]


def next_codes(
    session: Session, *, station: Station, count: int, start: int | None = None
) -> CodeListing:
    """``count`` codes from ``start`` (default: the first counter not reported used)."""
    if not 1 <= count <= 1000:
        raise IssuerError("--count must be between 1 and 1000")
    issuer = session.get(StationIssuer, station.id)
    if issuer is None:
        raise IssuerError(
            f"the server is not the code issuer of {station.name!r} yet: the station gets "
            "codes when it syncs (or by a provisioning file)"
        )
    used = used_through(session, station_id=station.id, issuer_id=issuer.issuer_id)
    first = used + 1 if start is None else start
    if first < 1:
        raise IssuerError("code numbers start at 1")
    codes = [
        (counter, code_for(issuer.secret, station_id=station.id, counter=counter))
        for counter in range(first, first + count)
    ]
    return CodeListing(
        station=station, codes=codes, used_through=used, slots_through=issuer.slots_through
    )
