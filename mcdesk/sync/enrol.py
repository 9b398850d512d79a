"""Enrolling this station with a server: redeem a one-time token, pin the server's key."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from mcdesk.station import rename_station
from mcdesk.sync.client import NOT_UNDERSTOOD, SyncError, endpoint, read_json, refusal, send
from mcdesk.sync.pinning import pin_enrolled_key

ENROLL_PATH = "/api/v1/enroll"


@dataclass(frozen=True, slots=True)
class Enrolment:
    school: str
    server_key: Ed25519PublicKey


def enrol_station(
    *,
    database: Path,
    server_url: str,
    token: str,
    station_id: str,
    name: str,
    public_key_b64: str,
    session: requests.Session | None = None,
    timeout: float = 10,
) -> Enrolment:
    """POST the token and this station's key; pin the server key and URL in sync_state."""
    url, _ = endpoint(server_url, ENROLL_PATH)
    body = {"token": token, "station_id": station_id, "name": name, "public_key": public_key_b64}
    response = send(session or requests.Session(), "POST", url, timeout=timeout, json=body)
    if response.status_code != 200:
        raise refusal(response)
    answer = read_json(response)
    try:
        if answer["station_id"] != station_id:
            raise ValueError("another station id")
        school = str(answer["school"])
        station_name = answer.get("station_name")
        if station_name is not None and not isinstance(station_name, str):
            raise ValueError("station_name is not text")
        raw = base64.b64decode(answer["server_key"], validate=True)
        key = Ed25519PublicKey.from_public_bytes(raw)
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise SyncError(NOT_UNDERSTOOD) from None
    pin_enrolled_key(database=database, server_url=server_url, key=key)
    if station_name:
        rename_station(database, station_name)
    return Enrolment(school=school, server_key=key)
