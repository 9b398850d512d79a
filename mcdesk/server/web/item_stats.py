"""Item statistics of one assessment, from per-item credits (pure: no database).

Facility is the mean credit an item earned (0 = nobody, 1 = everybody). Discrimination is
the corrected item-total correlation: Pearson's r between the item's credit and the rest of
the attempt's score (the total without this item), so an item is not correlated with
itself. Undefined (None) with fewer than two attempts or when either side never varies.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Score distribution bands: 0-9 %, 10-19 %, … 90-100 %.
BANDS = 10


@dataclass(frozen=True, slots=True)
class ScoredAttempt:
    """One attempt as the server scored it: credit per item, and the skill of each item."""

    credits: Mapping[str, float]  # item id -> credit 0..1
    skills: Mapping[str, str]  # item id -> skill id


@dataclass(frozen=True, slots=True)
class ItemStat:
    item_id: str
    skill: str
    attempts: int
    facility: float
    discrimination: float | None


@dataclass(frozen=True, slots=True)
class SkillRate:
    skill: str
    attempts: int
    passed: int

    @property
    def rate(self) -> float:
        return self.passed / self.attempts if self.attempts else 0.0


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or None when it is undefined (too few values, or no spread)."""
    n = len(xs)
    if n < 2 or n != len(ys):
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def item_statistics(attempts: Sequence[ScoredAttempt]) -> list[ItemStat]:
    """Every item any attempt saw, hardest (lowest facility) first, then least discriminating."""
    totals = [sum(a.credits.values()) for a in attempts]
    skills: dict[str, str] = {}
    for attempt in attempts:
        skills.update(attempt.skills)
    stats = []
    for item_id, skill in skills.items():
        seen = [(a.credits[item_id], t) for a, t in zip(attempts, totals, strict=True)
                if item_id in a.credits]  # fmt: skip
        credits = [credit for credit, _ in seen]
        rest = [total - credit for credit, total in seen]
        stats.append(
            ItemStat(
                item_id=item_id,
                skill=skill,
                attempts=len(seen),
                facility=sum(credits) / len(seen),
                discrimination=pearson(credits, rest),
            )
        )
    return sorted(
        stats,
        key=lambda s: (s.facility, 2.0 if s.discrimination is None else s.discrimination,
                       s.item_id),
    )  # fmt: skip


def skill_pass_rates(attempts: Sequence[ScoredAttempt], *, cut: float) -> list[SkillRate]:
    """Per skill: attempts whose share of that skill's points reached the cut score."""
    earned: dict[str, list[float]] = {}
    for attempt in attempts:
        points: dict[str, list[float]] = {}
        for item_id, credit in attempt.credits.items():
            points.setdefault(attempt.skills[item_id], []).append(credit)
        for skill, credits in points.items():
            earned.setdefault(skill, []).append(sum(credits) / len(credits))
    return [
        SkillRate(skill=skill, attempts=len(ratios), passed=sum(r >= cut - 1e-9 for r in ratios))
        for skill, ratios in sorted(earned.items())
    ]


def distribution(ratios: Sequence[float]) -> list[int]:
    """How many scores fall in each band of 10 % (100 % goes in the top band)."""
    counts = [0] * BANDS
    for ratio in ratios:
        counts[min(BANDS - 1, max(0, int(ratio * BANDS + 1e-9)))] += 1
    return counts
