"""A decrypted item bank for exam tests: every item type, distinctive text, known keys.

Prompts, option texts, feedback and free-text keys carry marker words so a test can
scan the database files for them; option ids are short letters, which the form and
the responses legitimately contain.
"""

from __future__ import annotations

import copy
from typing import Any

SKILLS = ("measure", "area", "estimate")
TYPES = (
    "single_choice",
    "multiple_response",
    "true_false",
    "numeric",
    "short_text",
    "ordering",
    "matching",
)
LEARNER = "learner-ada"
OTHER_LEARNER = "learner-ben"
PACK = "sample-pack"
VERSION = "1.0.0"

BLUEPRINT: dict[str, Any] = {
    "time_limit_minutes": 30,
    "proficiency_level": 0.75,
    "items_per_skill": {"measure": 2, "area": 2, "estimate": 2},
    "retake": {"requires_review": True, "max_attempts_per_day": 2},
}


def _options(tag: str, count: int) -> list[dict[str, str]]:
    return [
        {"id": letter, "text": f"OPTTEXT {tag} {letter} periwinkle"} for letter in "abcde"[:count]
    ]


def _item(skill: str, number: int, kind: str) -> dict[str, Any]:
    tag = f"{skill}-as-{number}"
    item: dict[str, Any] = {
        "id": tag,
        "skill": skill,
        "type": kind,
        "prompt": f"PROMPT {tag} how many marmalade crates fit",
        "feedback": f"FEEDBACK {tag} because the albatross said so",
    }
    if kind == "single_choice":
        item |= {"options": _options(tag, 4), "answer": "c"}
    elif kind == "multiple_response":
        item |= {"options": _options(tag, 4), "answer": ["a", "d"]}
    elif kind == "true_false":
        item |= {"answer": number % 2 == 0}
    elif kind == "numeric":
        item |= {"answer": 7300 + number * 11 + 0.25, "tolerance": 0, "unit": "sq ft"}
    elif kind == "short_text":
        item |= {"answer": {"accepted": [f"quokkaword{number}{skill}"], "pattern": "zz[0-9]+qq"}}
    elif kind == "ordering":
        item |= {"options": _options(tag, 4), "answer": ["b", "d", "a", "c"]}
    else:
        item |= {
            "prompts": [{"id": f"p{n}", "text": f"PAIRTEXT {tag} p{n} lighthouse"} for n in (1, 2)],
            "options": _options(tag, 3),
            "answer": {"p1": "b", "p2": "a"},
        }
    return item


def make_bank(*, per_skill: int = 7) -> list[dict[str, Any]]:
    """``per_skill`` items for each skill, cycling through the seven types."""
    bank = []
    for s, skill in enumerate(SKILLS):
        for number in range(1, per_skill + 1):
            bank.append(_item(skill, number, TYPES[(number + s) % len(TYPES)]))
    return bank


def blueprint(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(BLUEPRINT)
    document.update(changes)
    return document


def right(item: dict[str, Any]) -> Any:
    """A response that earns full credit."""
    kind, answer = item["type"], item["answer"]
    if kind == "numeric":
        return f"{answer} sq ft"
    if kind == "short_text":
        return answer["accepted"][0].upper()
    return copy.deepcopy(answer)


def wrong(item: dict[str, Any]) -> Any:
    """A response that earns nothing and contains no part of the key."""
    kind = item["type"]
    if kind == "single_choice":
        return "a"
    if kind == "multiple_response":
        return ["b", "c"]
    if kind == "true_false":
        return not item["answer"]
    if kind == "numeric":
        return "12"
    if kind == "short_text":
        return "no idea"
    if kind == "ordering":
        return ["a", "b", "c", "d"]
    return {"p1": "c", "p2": "c"}


def secrets_of(item: dict[str, Any]) -> list[str]:
    """Texts of the item that must never reach the disk."""
    texts = [item["prompt"], item["feedback"]]
    texts += [o["text"] for o in item.get("options", [])]
    texts += [p["text"] for p in item.get("prompts", [])]
    if item["type"] == "numeric":
        texts.append(repr(item["answer"]))
    if item["type"] == "short_text":
        texts += [*item["answer"]["accepted"], item["answer"]["pattern"]]
    return texts
