"""A whole attempt's score: the station scores at submit, the server re-scores the same way.

Both sides must reach the same points from the same form, bank and responses, so the
sum lives here once, over ``protocol.items``' per-item credit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mcdesk.protocol.items.parsed import ParsedItem
from mcdesk.protocol.items.registry import score_item

# Credits are sums of fractions such as 1/3; a tiny tolerance keeps 0.75 × 12 a pass.
PASS_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class SkillScore:
    points: float
    max_points: float

    @property
    def ratio(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


@dataclass(frozen=True, slots=True)
class AttemptScore:
    points: float
    max_points: float
    proficiency_level: float
    skills: dict[str, SkillScore]

    @property
    def ratio(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0

    @property
    def passed(self) -> bool:
        return self.max_points > 0 and self.ratio >= self.proficiency_level - PASS_EPSILON

    def to_json(self) -> dict[str, Any]:
        return {
            "points": round(self.points, 6),
            "max_points": self.max_points,
            "ratio": round(self.ratio, 6),
            "proficiency_level": self.proficiency_level,
            "passed": self.passed,
            "skills": {
                skill: {"points": round(s.points, 6), "max_points": s.max_points}
                for skill, s in sorted(self.skills.items())
            },
        }


def score_form(
    *,
    form: Mapping[str, Any],
    bank: Mapping[str, ParsedItem],
    responses: Mapping[str, Any],
    proficiency_level: float,
) -> AttemptScore:
    """One point per item, partial credit per protocol.items; per-skill subscores.

    ``bank`` is parsed once when it is opened (``protocol.items.parsed.parse_bank``).
    """
    points: dict[str, float] = {}
    available: dict[str, float] = {}
    for shown in form["items"]:
        credit = score_item(bank[shown["id"]].model, responses.get(shown["id"])).credit
        points[shown["skill"]] = points.get(shown["skill"], 0.0) + credit
        available[shown["skill"]] = available.get(shown["skill"], 0.0) + 1.0
    skills = {skill: SkillScore(points[skill], available[skill]) for skill in available}
    return AttemptScore(
        points=sum(points.values()),
        max_points=sum(available.values()),
        proficiency_level=float(proficiency_level),
        skills=skills,
    )


def score_from_json(document: Mapping[str, Any]) -> AttemptScore:
    """The score as written in a result document."""
    skills = {
        str(skill): SkillScore(float(s["points"]), float(s["max_points"]))
        for skill, s in document["skills"].items()
    }
    return AttemptScore(
        points=float(document["points"]),
        max_points=float(document["max_points"]),
        proficiency_level=float(document["proficiency_level"]),
        skills=skills,
    )


def weak_skills(skills: Mapping[str, Any], *, level: float) -> list[str]:
    """The skills a result's ``score.skills`` puts below the cut: to review before a retake."""
    return sorted(
        str(skill)
        for skill, s in skills.items()
        if s["max_points"] and s["points"] / s["max_points"] < level - PASS_EPSILON
    )
