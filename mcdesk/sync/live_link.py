"""The station's end of the live channel: post a report, get the commands waiting.

One exchange is one signed POST (mcdesk.protocol.signing, the station key) and an answer
holding signed commands; each command is checked against the pinned server key before
anything in it is used (mcdesk.protocol.commands). No threads here: the caller runs it off
the GUI thread (mcdesk.ui.live_worker) or in a test or benchmark loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from mcdesk.jsonread import JsonRefused, read_json
from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.commands import CommandRefused, ProctorCommand, open_command
from mcdesk.protocol.live import LIVE_PATH, MAX_ANSWER_BYTES, MAX_COMMANDS
from mcdesk.protocol.signing import signed_headers
from mcdesk.sync.client import NOT_UNDERSTOOD, SyncError, endpoint, refusal, send


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Exchange:
    """What one exchange brought: commands to apply, and ones refused on arrival."""

    commands: list[ProctorCommand] = field(default_factory=list)
    refused: list[CommandRefused] = field(default_factory=list)


@dataclass
class LiveLink:
    """A station's live channel to its server."""

    server_url: str
    station_id: str
    station_key: Ed25519PrivateKey
    server_key: Ed25519PublicKey  # the pinned key; commands signed by any other are refused
    http: requests.Session = field(default_factory=requests.Session)
    timeout: float = 5.0
    now: Callable[[], datetime] = _utc_now

    def exchange(self, report: dict[str, Any]) -> Exchange:
        """Post ``report``; the checked commands of the answer. SyncError if it failed."""
        url, path = endpoint(self.server_url, LIVE_PATH)
        body = canonical_json(report)
        headers = signed_headers(
            key=self.station_key,
            station_id=self.station_id,
            method="POST",
            path=path,
            body=body,
            timestamp=int(self.now().timestamp()),
        )
        headers["Content-Type"] = "application/json"
        response = send(self.http, "POST", url, timeout=self.timeout, data=body, headers=headers)
        if response.status_code != 200:
            raise refusal(response)
        try:
            answer = read_json(response.content, what="the live answer", max_bytes=MAX_ANSWER_BYTES)
        except JsonRefused:
            raise SyncError(NOT_UNDERSTOOD) from None
        envelopes = answer.get("commands") if isinstance(answer, dict) else None
        if not isinstance(envelopes, list) or len(envelopes) > MAX_COMMANDS:
            raise SyncError(NOT_UNDERSTOOD)
        result = Exchange()
        for envelope in envelopes:
            try:
                result.commands.append(
                    open_command(
                        envelope, key=self.server_key, station_id=self.station_id, now=self.now()
                    )
                )
            except CommandRefused as exc:
                result.refused.append(exc)
        return result

    def close(self) -> None:
        self.http.close()
