"""Provisioning files: a new station set up by USB stick, with no network at all.

There is no channel to receive a station's own key, so the server makes the station's
id and Ed25519 key pair, registers it, makes it its code issuer (secret, exam key, first
slots) and writes everything a first sync would bring into one file signed by the
server key: ``{"kind": "mcdesk-provision", "format": 1, "body": base64(canonical JSON),
"signature": base64(Ed25519 over the body bytes)}``.

The payload (``body``) holds ``server_url`` (may be null), ``server_key`` ({key_id,
public_key}), ``station`` ({id, name, private_key: base64 of the raw 32 bytes}),
``school`` ({id, name}), ``streams`` ({stream: {items: [{key, document}], cursor}},
read with the same ``changes.read`` and renderers a pull uses, so the data is what a
pull would give) and ``packs`` ([{manifest, signature, blobs: {sha256: base64}}], the
newest published version of every pack).

Security: the file holds the station's private key. It is written owner-only; treat it
like a password and delete it once imported.

An **update file** (``update_station``) is the same for a station provisioned before:
``"update": true``, no private key, the station's slots topped up first from the code use
its imported exports reported. A lab with no network at all gets new codes, roster,
grants and packs this way; the station applies it only if it is that station, pinned to
this server.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from mcdesk.keys import public_key_b64
from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.files import PROVISION_KIND, signed_file
from mcdesk.protocol.ids import new_station_id
from mcdesk.protocol.streams import STREAMS, Stream
from mcdesk.server import changes
from mcdesk.server.app import stream_renderers
from mcdesk.server.issuer import SLOTS_AHEAD, new_issuer_keys, save_issuer, seal_slots, top_up
from mcdesk.server.models import School, Station
from mcdesk.server.publish import current_pack_parts
from mcdesk.server.schools import AdminError
from mcdesk.server.signer import ensure_signer

# One page holds the whole stream: only the newest document of each key is written.
WHOLE_STREAM = 2**62


@dataclass(frozen=True, slots=True)
class Provision:
    """A registered station and its signed file, not committed yet (the caller commits)."""

    station_id: str
    station_name: str
    school: str
    slots: int
    packs: int
    data: bytes


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _raw_private(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def _packs(session: Session) -> list[dict[str, Any]]:
    """The newest published version of every pack: manifest, signature and files."""
    return [
        {
            "manifest": _b64(manifest),
            "signature": _b64(signature),
            "blobs": {sha: _b64(data) for sha, data in sorted(blobs.items())},
        }
        for manifest, signature, blobs in current_pack_parts(session)
    ]


def stream_pages(session: Session, station: Station) -> dict[str, dict[str, Any]]:
    """Every stream as one pull page from cursor 0 would give it to this station."""
    renderers = stream_renderers()  # the pull route's own
    pages: dict[str, dict[str, Any]] = {}
    for stream in STREAMS:
        page = changes.read(
            session,
            stream=stream,
            station=station,
            after=0,
            limit=WHOLE_STREAM,
            renderers=renderers,
        )
        pages[stream.value] = {
            "items": [item.model_dump() for item in page.items],
            "cursor": page.cursor,
        }
    return pages


def provision_station(
    session: Session,
    *,
    school_id: str,
    station_name: str,
    server_url: str | None,
    now: datetime,
) -> Provision:
    """Register a new station and build its signed provisioning file (not committed)."""
    name = station_name.strip()
    if not name or len(name) > 100:
        raise AdminError("a station name is 1 to 100 characters")
    signer = ensure_signer(session, now=now)
    school = session.get(School, school_id)
    if school is None:
        raise AdminError(f"no school {school_id!r}")
    school_name = school.name
    session.rollback()  # end the read: sealing the slots takes seconds and holds no lock
    station_key = Ed25519PrivateKey.generate()
    station_id = new_station_id()
    keys = new_issuer_keys()
    slots = seal_slots(keys, station_id=station_id, counters=range(1, SLOTS_AHEAD + 1))

    station = Station(
        id=station_id,
        name=name,
        public_key=public_key_b64(station_key.public_key()),
        school_id=school_id,
        created_at=now,
    )
    session.add(station)
    session.flush()
    save_issuer(session, keys, station_id=station_id, slots=slots, now=now)
    packs = _packs(session)
    payload = {
        "created_at": now.isoformat(),
        "server_url": server_url,
        "server_key": {"key_id": signer.key_id, "public_key": public_key_b64(signer.public_key)},
        "station": {
            "id": station_id,
            "name": name,
            "private_key": _b64(_raw_private(station_key)),
        },
        "school": {"id": school_id, "name": school_name},
        "streams": stream_pages(session, station),
        "packs": packs,
    }
    data = signed_file(PROVISION_KIND, canonical_json(payload), signer.private_key)
    return Provision(
        station_id=station_id,
        station_name=name,
        school=school_name,
        slots=len(slots),
        packs=len(packs),
        data=data,
    )


def update_station(
    session: Session, *, station: Station, server_url: str | None, now: datetime
) -> Provision:
    """An update file for a station already registered: fresh codes, streams and packs.

    The code slots are topped up first, as a pull would (from the ``code_used`` events an
    imported export brought); the caller commits.
    """
    if station.revoked_at is not None:
        raise AdminError(f"station {station.name} is revoked; make no files for it")
    signer = ensure_signer(session, now=now)
    top_up(session, station, now)  # sealed here: an operator's command, not a request
    school = None if station.school_id is None else session.get(School, station.school_id)
    packs = _packs(session)
    streams = stream_pages(session, station)
    payload = {
        "update": True,
        "created_at": now.isoformat(),
        "server_url": server_url,
        "server_key": {"key_id": signer.key_id, "public_key": public_key_b64(signer.public_key)},
        "station": {"id": station.id, "name": station.name},
        "school": {"id": station.school_id, "name": "" if school is None else school.name},
        "streams": streams,
        "packs": packs,
    }
    data = signed_file(PROVISION_KIND, canonical_json(payload), signer.private_key)
    slots = sum(1 for item in streams[Stream.CODE_SLOTS]["items"] if item["document"] is not None)
    return Provision(
        station_id=station.id,
        station_name=station.name,
        school="" if school is None else school.name,
        slots=slots,
        packs=len(packs),
        data=data,
    )
