"""Reads for the Results pages: a class's assessments, their results and item statistics.

The score shown is the server's re-score (mcdesk.server.rescore); a result the server could
not re-score shows the station's score marked as such, and one where the two differ is
flagged. Item statistics score every item of each result again with the server's bank,
with the same scorer as the station and the re-score (mcdesk.content.scoring).
Call these only for a class the viewer may see (``ClassInReach``).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from mcdesk.protocol.items.parsed import ParsedItem
from mcdesk.protocol.items.registry import score_item
from mcdesk.server.models import Event, Learner, PublishedPack, Result, SchoolClass
from mcdesk.server.rescore import SCORE_TOLERANCE, CannotRescore, opened_bank
from mcdesk.server.times import as_utc
from mcdesk.server.web.item_stats import (
    ItemStat,
    ScoredAttempt,
    SkillRate,
    distribution,
    item_statistics,
    skill_pass_rates,
)

PROMPT_CHARS = 90  # how much of a question the statistics table shows


@dataclass(frozen=True, slots=True)
class ResultLine:
    """One attempt as a results table shows it; the score is the server's when it has one."""

    learner_id: str
    learner: str
    received_at: datetime
    points: float
    max_points: float
    passed: bool
    rescored: bool
    station_points: float
    counts: bool  # False: kept as evidence but withheld (mcdesk.server.standing)

    @property
    def ratio(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0

    @property
    def mismatch(self) -> bool:
        return self.rescored and abs(self.points - self.station_points) > SCORE_TOLERANCE


@dataclass(frozen=True, slots=True)
class AssessmentSummary:
    pack_id: str
    title: str
    attempts: int
    learners: int
    passed: int  # learners with a counted pass


@dataclass(frozen=True, slots=True)
class ItemLine:
    stat: ItemStat
    prompt: str
    skill_title: str


@dataclass(frozen=True, slots=True)
class AssessmentResults:
    pack_id: str
    title: str
    cut: float | None
    lines: list[ResultLine]
    distribution: list[int]
    skills: list[tuple[str, SkillRate]]  # (skill title, rate)
    items: list[ItemLine]
    item_problem: str  # why item statistics are missing, in words ("" when shown)


def _learners(session: Session, school_class: SchoolClass) -> dict[str, str]:
    rows = session.exec(
        select(Learner.id, Learner.display_name).where(col(Learner.class_id) == school_class.id)
    ).all()
    return dict(rows)


def _results(session: Session, learner_ids: list[str], pack_id: str | None) -> list[Result]:
    if not learner_ids:
        return []
    query = select(Result).where(col(Result.learner_id).in_(learner_ids))
    if pack_id is not None:
        query = query.where(col(Result.pack_id) == pack_id)
    return list(session.exec(query.order_by(col(Result.received_at), col(Result.id))))


def manifest_of(session: Session, pack_id: str) -> dict[str, Any] | None:
    """The newest published manifest of a pack (titles of the pack and its skills)."""
    rows = session.exec(select(PublishedPack).where(col(PublishedPack.pack_id) == pack_id)).all()
    if not rows:
        return None
    newest = max(rows, key=lambda p: p.published_at)
    manifest: dict[str, Any] = json.loads(newest.manifest)
    return manifest


def _line(row: Result, learner: str) -> ResultLine:
    points = row.server_points if row.rescored and row.server_points is not None else None
    return ResultLine(
        learner_id=row.learner_id,
        learner=learner,
        received_at=as_utc(row.received_at) or row.received_at,  # SQLite drops the zone
        points=row.station_points if points is None else points,
        max_points=row.max_points,
        passed=row.passed,
        rescored=points is not None,
        station_points=row.station_points,
        counts=row.withheld is None,
    )


def assessments_of(session: Session, *, school_class: SchoolClass) -> list[AssessmentSummary]:
    """Every assessment a learner of this class has a result in, by title."""
    learners = _learners(session, school_class)
    by_pack: dict[str, list[Result]] = {}
    for row in _results(session, list(learners), None):
        by_pack.setdefault(row.pack_id, []).append(row)
    found = []
    for pack_id, rows in by_pack.items():
        manifest = manifest_of(session, pack_id)
        found.append(
            AssessmentSummary(
                pack_id=pack_id,
                title=pack_id if manifest is None else str(manifest.get("title", pack_id)),
                attempts=len(rows),
                learners=len({r.learner_id for r in rows}),
                passed=len({r.learner_id for r in rows if r.passed and r.withheld is None}),
            )
        )
    return sorted(found, key=lambda a: (a.title.casefold(), a.pack_id))


def result_document(session: Session, row: Result) -> dict[str, Any]:
    event = session.get(Event, (row.station_id, row.event_id))
    if event is None:
        raise CannotRescore("the result's event is not stored")
    document: dict[str, Any] = json.loads(base64.b64decode(json.loads(event.body)["result"]))
    return document


def scored_attempt(session: Session, row: Result) -> tuple[ScoredAttempt, dict[str, ParsedItem]]:
    """Each item of a result scored with the server's bank; the bank (for prompts)."""
    bank, _cut = opened_bank(session, pack_id=row.pack_id, version=row.pack_version)
    document = result_document(session, row)
    try:
        responses = document["responses"]
        credits, skills = {}, {}
        for shown in document["form"]["items"]:
            item_id = str(shown["id"])
            answer = responses.get(item_id) or {}
            credits[item_id] = score_item(bank[item_id].model, answer.get("response")).credit
            skills[item_id] = str(shown["skill"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CannotRescore(f"the result's form or responses cannot be scored: {exc!r}") from None
    return ScoredAttempt(credits=credits, skills=skills), bank


def results_of(
    session: Session, *, school_class: SchoolClass, pack_id: str, items: bool = True
) -> AssessmentResults:
    """Results, distribution, skill pass rates and item statistics (unless ``items`` is
    False: then only the results) of one assessment."""
    learners = _learners(session, school_class)
    rows = _results(session, list(learners), pack_id)
    manifest = manifest_of(session, pack_id) or {}
    skill_titles = {str(s.get("id")): str(s.get("title")) for s in manifest.get("skills", [])}
    assessment = manifest.get("assessment") or {}
    cut = float(assessment["proficiency_level"]) if "proficiency_level" in assessment else None
    lines = [_line(row, learners[row.learner_id]) for row in rows]
    counted = [row for row in rows if row.withheld is None]
    attempts: list[ScoredAttempt] = []
    prompts: dict[str, str] = {}
    problem = ""
    try:
        for row in counted if items else []:
            attempt, bank = scored_attempt(session, row)
            attempts.append(attempt)
            for item_id in attempt.credits:
                prompts.setdefault(item_id, str(bank[item_id].data.get("prompt", "")))
    except CannotRescore as exc:
        attempts, problem = [], f"The server cannot score the questions one by one: {exc}."
    if not counted and not problem:
        problem = "No results that count yet."
    item_lines = [
        ItemLine(
            stat=stat,
            prompt=_short(prompts.get(stat.item_id, "")),
            skill_title=skill_titles.get(stat.skill, stat.skill),
        )
        for stat in item_statistics(attempts)
    ]
    rates = skill_pass_rates(attempts, cut=cut if cut is not None else 1.0) if attempts else []
    return AssessmentResults(
        pack_id=pack_id,
        title=str(manifest.get("title", pack_id)),
        cut=cut,
        lines=lines,
        distribution=distribution([line.ratio for line in lines if line.counts]),
        skills=[(skill_titles.get(rate.skill, rate.skill), rate) for rate in rates],
        items=item_lines,
        item_problem=problem,
    )


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PROMPT_CHARS else flat[: PROMPT_CHARS - 1] + "…"
