"""How sync stands on this station, read cheaply and said in words a teacher understands.

Raw sqlite3 on purpose: the status bar reads this every round, and on a station that
never syncs it is the only sync code that runs, so it must not import SQLAlchemy or
requests.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from mcdesk.store.connection import opened
from mcdesk.store.sync_state import SERVER_URL_KEY

# The pinned server key, written by mcdesk.sync.pinning: this station joined that server.
SERVER_PUBLIC_KEY = "server_public_key"

LAST_ATTEMPT_KEY = "last_attempt_at"
LAST_SUCCESS_KEY = "last_success_at"
LAST_ERROR_KEY = "last_error"
LAST_REFUSED_KEY = "last_refused"  # how many events the server refused in the last round
# The last stage of the current or last round that ran to its end ("pin", then each step).
LAST_STAGE_KEY = "last_finished_stage"

# SyncError reasons that mean "the network or the server is not there" (mcdesk.sync.client):
# only these are worth a cheap probe, since a server that answers and refuses will not
# change its mind when the network comes back.
UNREACHABLE = "server unreachable"
NETWORK_PREFIXES = (
    UNREACHABLE,
    "server did not answer within",
    "the connection broke before the server answered",
)


# Networks a school's own traffic stays on: loopback, RFC 1918, link-local, and their
# IPv6 counterparts (unique local fc00::/7). Plain http:// beyond them is exposed.
LOCAL_NETWORKS = (
    "127.0.0.0/8",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "169.254.0.0/16",
    "::1/128",
    "fe80::/10",
    "fc00::/7",
)
NOT_ENCRYPTED = "not encrypted"
# How mcdesk.sync.answers ends the reason for a server answer it refused.
NOTHING_USED = "nothing of it was used"


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """The station's sync facts; ``server_url`` is the server in use (settings, then enrolment)."""

    enrolled_url: str | None
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    events_waiting: int
    results_waiting: int = 0  # assessment results among the events waiting
    refused: int = 0
    server_url: str | None = None

    @property
    def connected(self) -> bool:
        return self.server_url is not None

    @property
    def failing(self) -> bool:
        """The last round failed (it was tried after the last success)."""
        if self.last_error is None:
            return False
        if self.last_success_at is None or self.last_attempt_at is None:
            return True
        return self.last_attempt_at >= self.last_success_at


def _when(value: str | None) -> datetime | None:
    """A stored timestamp; a damaged value reads as unknown rather than breaking the bar."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _count(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


def read_status(database: Path, *, settings_url: str | None = None) -> SyncStatus:
    """Read the sync facts: two small queries on a read-only connection."""
    keys = (SERVER_URL_KEY, LAST_ATTEMPT_KEY, LAST_SUCCESS_KEY, LAST_ERROR_KEY, LAST_REFUSED_KEY)
    with opened(database, read_only=True) as connection:
        rows = connection.execute(
            f"SELECT key, value FROM sync_state WHERE key IN ({', '.join('?' * len(keys))})",
            keys,
        ).fetchall()
        waiting = connection.execute(
            "SELECT count(*), coalesce(sum(kind = 'exam_result'), 0) FROM outbox "
            "WHERE NOT EXISTS (SELECT 1 FROM receipt WHERE receipt.event_id = outbox.id)"
        ).fetchone()
    facts: dict[str, str] = {str(row[0]): str(row[1]) for row in rows}
    enrolled = facts.get(SERVER_URL_KEY) or None
    return SyncStatus(
        enrolled_url=enrolled,
        last_success_at=_when(facts.get(LAST_SUCCESS_KEY)),
        last_attempt_at=_when(facts.get(LAST_ATTEMPT_KEY)),
        last_error=facts.get(LAST_ERROR_KEY) or None,
        events_waiting=int(waiting[0]),
        results_waiting=int(waiting[1]),
        refused=_count(facts.get(LAST_REFUSED_KEY)),
        server_url=settings_url or enrolled,
    )


def read_status_or_none(database: Path, *, settings_url: str | None = None) -> SyncStatus | None:
    """``read_status``, or None while the store is missing or not set up yet."""
    try:
        return read_status(database, settings_url=settings_url)
    except sqlite3.Error:
        return None


def exposed_server(url: str) -> bool:
    """Whether sync with ``url`` is unencrypted (not https) and leaves the local network."""
    # Local: loopback, RFC 1918, link-local, fc00::/7, ``localhost`` and ``.local`` names.
    # Names are not resolved (no I/O here): a plain name could point anywhere.
    import ipaddress  # here, not at the top: the start-up path imports this module

    parts = urlsplit(url.strip())
    if parts.scheme.lower() == "https":
        return False
    host = (parts.hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith((".localhost", ".local")):
        return False
    try:
        address = ipaddress.ip_address(host.split("%")[0])  # fe80::1%eth0: drop the zone
    except ValueError:
        return True
    return not any(address in ipaddress.ip_network(network) for network in LOCAL_NETWORKS)


def exposure_warning(url: str | None) -> str | None:
    """The words warning that sync with ``url`` is readable on the way, or None."""
    if url is None or not exposed_server(url):
        return None
    host = urlsplit(url.strip()).hostname or url
    return (
        f"Sync with {host} is {NOT_ENCRYPTED} (http://) and leaves the local network: "
        "anyone on the way can read learners' results. Signed pages and receipts stop "
        "changes, not reading. Ask your administrator for an https:// address"
    )


def network_problem(reason: str) -> bool:
    """Whether a SyncError reason means the server could not be reached at all."""
    return reason.startswith(NETWORK_PREFIXES)


# Words ----------------------------------------------------------------------------------


def ago(then: datetime, now: datetime) -> str:
    """ "just now", "3 min ago", "2 h ago", "4 days ago"; a clock set back reads as now."""
    seconds = (now - then).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    return "1 day ago" if days == 1 else f"{days} days ago"


def wait_words(seconds: float) -> str:
    """ "40 s", "3 min": how long until the next try."""
    whole = max(1, round(seconds))
    return f"{whole} s" if whole < 90 else f"{round(whole / 60)} min"


def records(count: int) -> str:
    return "1 record" if count == 1 else f"{count} records"


def plain_reason(reason: str) -> str:
    """A SyncError reason as a sentence part a teacher can act on."""
    if reason == UNREACHABLE:
        return "the server could not be reached"
    if reason.startswith("server did not answer within"):
        return "the server did not answer in time"
    if reason.startswith("server error "):
        return f"the server had a problem (error {reason.removeprefix('server error ')})"
    if reason == "response was not understood":
        return "the server's answer was not understood"
    return reason


def short_reason(reason: str) -> str:
    """A few words for the status bar; the tooltip holds the whole reason."""
    for start, words in (
        (UNREACHABLE, "server unreachable"),
        ("server did not answer within", "no answer from the server"),
        ("the connection broke", "connection broke"),
        ("server error", "server error"),
        ("the server refused", "refused by the server"),
        ("response was not understood", "unexpected answer"),
        ("a receipt", "unexpected answer"),
    ):
        if reason.startswith(start):
            return words
    if "presents a different key" in reason:
        return "server key changed"
    if reason.endswith(NOTHING_USED):
        return "server answer refused"
    return "sync failed"


def _waiting_words(status: SyncStatus) -> str:
    if status.events_waiting == 0:
        return "nothing waiting"
    words = f"{records(status.events_waiting)} waiting to send"
    if status.results_waiting:
        results = status.results_waiting
        words += f" ({results} assessment result{'' if results == 1 else 's'})"
    return words


def describe(status: SyncStatus, now: datetime, *, retry_in: float | None = None) -> str:
    """The whole story in plain words, for the tooltip (and the command line)."""
    if not status.connected:
        return "Not connected to a school server: results and progress stay on this computer" + (
            "" if status.events_waiting == 0 else f" ({_waiting_words(status)})"
        )
    parts: list[str] = []
    if status.failing and status.last_error is not None:
        parts.append(_waiting_words(status).capitalize())
        tried = "" if status.last_attempt_at is None else f" {ago(status.last_attempt_at, now)}"
        parts.append(f"last tried{tried}: {plain_reason(status.last_error)}")
        parts.append(
            "never synced"
            if status.last_success_at is None
            else f"last synced {ago(status.last_success_at, now)}"
        )
    elif status.last_success_at is not None:
        parts.append(f"Synced {ago(status.last_success_at, now)}")
        parts.append(_waiting_words(status))
    else:
        parts.append("Not synced yet")
        parts.append(_waiting_words(status))
    if status.refused:
        parts.append(f"{records(status.refused)} refused by the server (tell your administrator)")
    if retry_in is not None:
        parts.append(f"trying again in {wait_words(retry_in)}")
    warning = exposure_warning(status.server_url)
    if warning is not None:
        parts.append(warning)
    return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class Headline:
    """The status bar's line: a symbol, a few words, and a tone for its colour."""

    mark: str
    text: str
    tone: str  # "idle", "busy", "good" or "problem"


def headline(
    status: SyncStatus | None,
    now: datetime,
    *,
    syncing: bool = False,
    retry_in: float | None = None,
) -> Headline:
    """A short line for the status bar; ``describe`` says the rest."""
    if status is None:
        return Headline("○", "Checking sync…", "idle")
    if not status.connected:
        return Headline("○", "Not connected to a school server", "idle")
    if syncing:
        return Headline("↻", "Syncing…", "busy")
    line = _headline(status, now, retry_in=retry_in)
    if status.server_url is not None and exposed_server(status.server_url):
        return Headline("▲", f"{line.text} · {NOT_ENCRYPTED}", "problem")
    return line


def _headline(status: SyncStatus, now: datetime, *, retry_in: float | None) -> Headline:
    waiting = f"{status.events_waiting} waiting"
    if status.failing and status.last_error is not None:
        reason = short_reason(status.last_error)
        text = f"{waiting} · {reason}" if status.events_waiting else reason.capitalize()
        if retry_in is not None:
            text += f", retrying in {wait_words(retry_in)}"
        return Headline("▲", text, "problem")
    if status.last_success_at is None:
        return Headline("○", f"Not synced yet · {waiting}", "idle")
    text = f"Synced {ago(status.last_success_at, now)}"
    if status.events_waiting:
        text += f" · {waiting}"
    if status.refused:
        return Headline("▲", f"{text} · {status.refused} refused", "problem")
    return Headline("●", text, "good")


def has_joined(connection: sqlite3.Connection) -> bool:
    """Has this station pinned a school server's key (by enrolment, provisioning or sync)?"""
    row = connection.execute(
        "SELECT 1 FROM sync_state WHERE key = ?", (SERVER_PUBLIC_KEY,)
    ).fetchone()
    return row is not None


def joined_station_name(connection: sqlite3.Connection) -> str | None:
    """The server-given name of a station that joined a school server, else None."""
    if not has_joined(connection):
        return None
    row = connection.execute("SELECT name FROM station LIMIT 1").fetchone()
    return None if row is None else str(row[0])
