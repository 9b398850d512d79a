"""Names and bounds both sides of the live channel share (station and server).

A station posts its live report to ``LIVE_PATH``, signed like every sync request
(mcdesk.protocol.signing). The answer carries the proctor commands waiting for it, each one a
signed-file envelope (mcdesk.protocol.files) of kind ``COMMAND_KIND`` signed by the server key.
"""

from __future__ import annotations

from typing import Any

LIVE_PATH = "/api/v1/live"
COMMAND_KIND = "mcdesk-proctor-command"
MAX_REPORT_BYTES = 8 * 1024
MAX_ANSWER_BYTES = 64 * 1024
MAX_COMMANDS = 8  # per answer
COMMAND_TTL_S = 120  # a command not applied by then is refused by the station
ACK_WAIT_S = 10  # a command not acknowledged by then is shown "not delivered"
OFFLINE_AFTER_S = 15  # a station silent this long is shown offline, never as live
REPORT_EVERY_S = 1.0  # while an attempt is open: commands arrive within ~1 s
IDLE_REPORT_EVERY_S = 5.0  # otherwise (a heartbeat; changes are sent at once)

# unlock: whatever the station's code prompt asks for (resume, or dismiss the overlay).
ACTIONS = ("unlock", "resume", "extend", "pause", "end")
MAX_EXTEND_MINUTES = 120
DOING = ("idle", "studying", "assessment")
WAITING = ("start", "resume", "dismiss", "extend", "pause", "leave")
ATTEMPT_STATES = ("ready", "unlocked", "running", "paused", "submitted", "expired", "scored")
MAX_NAME = 200
MAX_INCIDENTS = 5
MAX_ACKS = 16

# What an exam-log incident means, in the words the board and the station's teacher page use.
INCIDENT_WORDS = {
    "focus_lost": "left the window",
    "screen_added": "a screen was connected",
    "screen_removed": "a screen was disconnected",
    "suspend": "resumed after a sleep",
    "interrupted": "resumed after a crash",
    "close_attempt": "tried to close",
    "overlay_dismissed": "returned to the paper with a code",
}


def incident_words(kind: str) -> str:
    """An incident kind in words; an unknown kind (a newer station's) as readable text."""
    return INCIDENT_WORDS.get(kind, kind.replace("_", " "))


class ReportRefused(Exception):
    """A live report or answer that does not have the agreed shape; the message says where."""


def _text(value: Any, where: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > MAX_NAME:
        raise ReportRefused(f"{where} must be text of at most {MAX_NAME} characters")
    return value


def _count(value: Any, where: str, *, most: int = 10**6) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise ReportRefused(f"{where} must be a whole number from 0 to {most}")
    return value


def _one_of(value: Any, where: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ReportRefused(f"{where} must be one of {', '.join(allowed)}")
    return str(value)


def check_report(document: Any) -> dict[str, Any]:
    """The report with only its known fields, each checked; ReportRefused otherwise."""
    if not isinstance(document, dict):
        raise ReportRefused("the report must be an object")
    learner = document.get("learner")
    if learner is not None:
        if not isinstance(learner, dict):
            raise ReportRefused("learner must be an object or null")
        learner = {
            "id": _text(learner.get("id"), "learner.id"),
            "name": _text(learner.get("name"), "learner.name"),
        }
    doing = document.get("doing")
    if not isinstance(doing, dict):
        raise ReportRefused("doing must be an object")
    doing = {
        "kind": _one_of(doing.get("kind"), "doing.kind", DOING),
        "title": _text(doing.get("title", ""), "doing.title"),
        "skill": _text(doing.get("skill"), "doing.skill", optional=True),
    }
    attempt = document.get("attempt")
    if attempt is not None:
        attempt = _check_attempt(attempt)
    acks = document.get("acks", [])
    if not isinstance(acks, list) or len(acks) > MAX_ACKS:
        raise ReportRefused(f"acks must be a list of at most {MAX_ACKS}")
    return {
        "learner": learner,
        "doing": doing,
        "attempt": attempt,
        "acks": [_check_ack(ack) for ack in acks],
    }


def _check_attempt(attempt: Any) -> dict[str, Any]:
    if not isinstance(attempt, dict):
        raise ReportRefused("attempt must be an object or null")
    waiting = attempt.get("waiting")
    if waiting is not None:
        if not isinstance(waiting, dict):
            raise ReportRefused("attempt.waiting must be an object or null")
        waiting = {
            "action": _one_of(waiting.get("action"), "attempt.waiting.action", WAITING),
            "counter": _count(waiting.get("counter"), "attempt.waiting.counter", most=2**31),
        }
    incidents = attempt.get("incidents", [])
    if not isinstance(incidents, list) or len(incidents) > MAX_INCIDENTS:
        raise ReportRefused(f"attempt.incidents must be a list of at most {MAX_INCIDENTS}")
    return {
        "id": _text(attempt.get("id"), "attempt.id"),
        "title": _text(attempt.get("title", ""), "attempt.title"),
        "state": _one_of(attempt.get("state"), "attempt.state", ATTEMPT_STATES),
        "remaining_s": _count(attempt.get("remaining_s"), "attempt.remaining_s"),
        "answered": _count(attempt.get("answered"), "attempt.answered", most=10_000),
        "total": _count(attempt.get("total"), "attempt.total", most=10_000),
        "incident_count": _count(attempt.get("incident_count", 0), "attempt.incident_count"),
        "incidents": [_text(kind, "attempt.incidents[]") for kind in incidents],
        "waiting": waiting,
        "next_counter": _count(attempt.get("next_counter", 0), "attempt.next_counter", most=2**31),
    }


def _check_ack(ack: Any) -> dict[str, Any]:
    if not isinstance(ack, dict) or not isinstance(ack.get("ok"), bool):
        raise ReportRefused("each ack must be an object with ok true or false")
    return {
        "command_id": _text(ack.get("command_id"), "ack.command_id"),
        "ok": ack["ok"],
        "message": _text(ack.get("message", ""), "ack.message"),
    }
