"""What the exam desk hands the screens: the paper as shown (items without answer keys or
feedback), and the value objects of a sitting, its outcome and a code's outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mcdesk.content.skill_states import Readiness
from mcdesk.exam.retake import RetakeDecision
from mcdesk.exam.states import AttemptState

# What the screens may see of an item: never "answer", "accepted", "pattern" or "feedback".
SHOWN_FIELDS = ("id", "type", "prompt", "options", "prompts", "unit", "skill")


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the Ready-for-assessment page shows, and whether a start is possible."""

    pack_id: str
    title: str
    readiness: Readiness
    skill_titles: dict[str, str]
    time_limit_minutes: float
    multiplier: float
    proficiency: float
    items: int
    retake: RetakeDecision
    next_counter: int | None
    interrupted_attempt: str | None


@dataclass(frozen=True, slots=True)
class Sitting:
    """An attempt on screen: the items to show and what is saved so far."""

    attempt_id: str
    learner_id: str
    pack_id: str
    title: str
    items: list[dict[str, Any]]
    answers: dict[str, Any]
    flagged: frozenset[str]
    remaining_s: float
    state: AttemptState
    policy: str = "block"  # focus loss: "log" only, or "block" behind the proctor overlay
    position: str | None = None  # the item the learner last had on screen


@dataclass(frozen=True, slots=True)
class Outcome:
    """A scored attempt in the learner's words: never the answer key."""

    attempt_id: str
    pack_id: str
    title: str
    passed: bool
    score_ratio: float
    proficiency: float
    skills: list[tuple[str, str, float, bool]]  # id, title, ratio, met
    review: list[tuple[str, str]]
    retake_text: str
    ended_by: str  # "submitted" or "expired"


@dataclass(frozen=True, slots=True)
class CodeOutcome:
    ok: bool
    message: str = ""
    wait_seconds: int = 0
    next_counter: int | None = None
    sitting: Sitting | None = None


@dataclass(frozen=True, slots=True)
class Interrupted:
    attempt_id: str
    learner_id: str
    learner_name: str
    pack_id: str
    title: str


def paper_items(
    form: Mapping[str, Any], bank: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The form's items as shown: options in the drawn order, no keys, no feedback."""
    shown = []
    for entry in form["items"]:
        item = bank[entry["id"]]
        visible = {key: item[key] for key in SHOWN_FIELDS if key in item}
        order = entry.get("options")
        if order and "options" in item:
            by_id = {option["id"]: option for option in item["options"]}
            visible["options"] = [by_id[option_id] for option_id in order]
        shown.append(visible)
    return shown
