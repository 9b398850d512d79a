"""Ingesting a station's export file (``mcdesk admin import-sync``) under the push rules.

The file is the station's signed push request; the server checks the signature against
the registered station key, stores the events with ``store_batch`` (the same exactly-once
rules as a network push) and answers with a receipts file signed by the server key, for
the station to import, with every badge of the station's school as it stands now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import Session

from mcdesk.jsonread import JsonRefused, read_json
from mcdesk.keys import verify_signature
from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.files import (
    EXPORT_KIND,
    MAX_FILE_BYTES,
    RECEIPTS_KIND,
    FileRefused,
    read_signed_file,
    signed_file,
)
from mcdesk.server.issuing import school_badges
from mcdesk.server.models import PushedEvent, Station
from mcdesk.server.push import PushOutcome, store_batch
from mcdesk.server.signer import ServerSigner, public_key_from_b64

BATCH = 500


@dataclass(frozen=True, slots=True)
class ImportReport:
    station: Station
    outcome: PushOutcome
    receipts_file: bytes


def import_sync_file(
    session: Session, *, path: Path, signer: ServerSigner, now: datetime
) -> ImportReport:
    """Store a station's export; FileRefused (nothing stored) if it is not one we can trust."""
    body, signature = read_signed_file(path, EXPORT_KIND)
    try:
        document = read_json(body, what="the export", max_bytes=MAX_FILE_BYTES)
        station_id = str(document["station_id"])
        events = [PushedEvent.model_validate(event) for event in document["events"]]
    except JsonRefused as exc:
        raise FileRefused(f"{path} is damaged: {exc}; nothing imported") from None
    except (KeyError, TypeError, ValueError, ValidationError):
        raise FileRefused(f"{path} is damaged: its events cannot be read") from None
    station = session.get(Station, station_id)
    if station is None:
        raise FileRefused(
            f"{path} comes from station {station_id}, which this server does not know: "
            "provision or enrol it first"
        )
    if station.revoked_at is not None:
        raise FileRefused(f"station {station.name} ({station.id}) is revoked; nothing imported")
    if not verify_signature(public_key_from_b64(station.public_key), signature, body):
        raise FileRefused(
            f"{path} is not signed by station {station.name}'s key (altered or forged); "
            "nothing imported"
        )
    outcome = PushOutcome()
    for start in range(0, len(events), BATCH):
        part = store_batch(
            session, station=station, events=events[start : start + BATCH], signer=signer, now=now
        )
        outcome.conflict |= part.conflict
        outcome.response.accepted += part.response.accepted
        outcome.response.duplicate += part.response.duplicate
        outcome.response.rejected += part.response.rejected
        outcome.response.receipts += part.response.receipts
    session.commit()
    answer = canonical_json(
        {
            "station_id": station.id,
            **outcome.response.model_dump(mode="json"),
            # Badges go back on the stick that took the results (docs/badges.md, the contract).
            "badges": school_badges(session, school_id=station.school_id),
        }
    )
    return ImportReport(station, outcome, signed_file(RECEIPTS_KIND, answer, signer.private_key))
