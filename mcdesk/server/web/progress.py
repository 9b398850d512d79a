"""The Progress grid: a class's learners × a micro-credential's targeted skills.

Read from the study tally that each push keeps up to date (mcdesk.server.study_tally),
folded from the same synced events the station writes with each change
(mcdesk.study.progress: ``skill_opened``, ``active_time``, ``skill_studied``,
``selfcheck_result``, ``link_opened``) and with the station's own meanings
(mcdesk.content.skill_states: what "studied" is, mastery at 80 % of the latest self-check,
readiness), so a cell says what the learner's own screens say. Results are the server's
re-scores (mcdesk.server.web.results); "needs review before a retake" applies the station's
retake rule (mcdesk.exam.retake) to the latest result and the review since: what counts as
reviewing a skill is mcdesk.protocol.review's, shared with the station.
Call only for a class the viewer may see (``ClassInReach``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from mcdesk.content.skill_states import SkillState, readiness, state_of
from mcdesk.protocol.allowances import AllowanceKind
from mcdesk.protocol.attempt_score import weak_skills
from mcdesk.protocol.review import reviewed_since
from mcdesk.server.allowance_table import Allowance
from mcdesk.server.models import Grant, Learner, Result, SchoolClass
from mcdesk.server.study_tally.read import SkillTotal, skill_totals
from mcdesk.server.times import as_utc
from mcdesk.server.web.class_report import best_attempt
from mcdesk.server.web.results import ResultLine, manifest_of, result_document, results_of

FILTERS = {
    "all": "Everyone",
    "ready": "Ready but not assessed",
    "idle": "No activity for N days",
    "failed": "Failed twice",
    "review": "Needs review before a retake",
}
MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class LearnerProgress:
    learner_id: str
    name: str
    cells: list[SkillState]  # one per targeted skill, in the pack's order
    attempts: int
    best: ResultLine | None
    passed: bool
    failed: int  # counted attempts not passed
    last_activity: datetime | None
    ready: bool  # every skill studied and self-check mastered
    links: int = 0  # outside links opened from the pack's lessons ("other resources")
    review: tuple[str, ...] = ()  # skills to review before the next try (the retake rule)


@dataclass(frozen=True, slots=True)
class ProgressGrid:
    pack_id: str
    title: str
    skills: list[tuple[str, str]]  # (skill id, title)
    learners: list[LearnerProgress]


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _ended_at(document: dict[str, Any], row: Result) -> datetime:
    """When the attempt ended on the station (its result says); else when it arrived."""
    timing = document.get("timing")
    ended = timing.get("ended_at") if isinstance(timing, dict) else None
    try:
        moment = datetime.fromisoformat(str(ended))
    except ValueError:
        moment = as_utc(row.received_at) or row.received_at
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def to_review(
    session: Session,
    *,
    manifest: dict[str, Any],
    latest: Result | None,
    totals: dict[str, SkillTotal],
) -> tuple[str, ...]:
    """The skills the station's retake rule asks a learner to review before trying again:
    those below the cut in their latest failed attempt, not reviewed since it ended
    (mcdesk.protocol.review: the lesson opened or the self-check finished, nothing else).

    Event moments are the station's milliseconds (the event id), the end is the result's
    own microseconds: the two can differ only for a review within the same millisecond
    as the end, which no learner can do.
    """
    assessment = manifest.get("assessment") or {}
    rule = assessment.get("retake") or {}
    if latest is None or latest.passed or not rule.get("requires_review", True):
        return ()
    try:
        document = result_document(session, latest)
        weak = weak_skills(
            document["score"]["skills"], level=float(assessment["proficiency_level"])
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return ()  # a result the server cannot read back: the grid says nothing about it
    ended = _ended_at(document, latest)
    if _waived_since(session, latest, ended):
        return ()
    return tuple(skill for skill in weak if not _reviewed(totals.get(skill), ended))


def _reviewed(total: SkillTotal | None, ended: datetime) -> bool:
    moment = None if total is None or total.reviewed_ms is None else from_ms(total.reviewed_ms)
    return reviewed_since([moment], ended=ended)


def _waived_since(session: Session, latest: Result, ended: datetime) -> bool:
    """A teacher waived the review for this pack after the attempt ended (the station then
    lets the next attempt start without it, mcdesk.exam.retake)."""
    granted = session.exec(
        select(Allowance.granted_at).where(
            col(Allowance.learner_id) == latest.learner_id,
            col(Allowance.pack_id) == latest.pack_id,
            col(Allowance.kind) == AllowanceKind.WAIVE_REVIEW,
        )
    ).all()
    return any((when := as_utc(at)) is not None and when > ended for at in granted)


def _latest_results(session: Session, learner_ids: list[str], pack_id: str) -> dict[str, Result]:
    latest: dict[str, Result] = {}
    rows = session.exec(
        select(Result)
        .where(col(Result.learner_id).in_(learner_ids), col(Result.pack_id) == pack_id)
        .order_by(col(Result.received_at), col(Result.id))
    )
    for row in rows:
        latest[row.learner_id] = row
    return latest


def packs_of(session: Session, *, school_class: SchoolClass) -> list[tuple[str, str]]:
    """(pack id, title) of every micro-credential granted to the class or one of its learners."""
    learners = select(Learner.id).where(col(Learner.class_id) == school_class.id)
    grants = session.exec(
        select(Grant.pack_id).where(
            (col(Grant.class_id) == school_class.id) | col(Grant.learner_id).in_(learners)
        )
    ).all()
    found = []
    for pack_id in sorted(set(grants)):
        manifest = manifest_of(session, pack_id) or {}
        found.append((pack_id, str(manifest.get("title", pack_id))))
    return sorted(found, key=lambda p: (p[1].casefold(), p[0]))


def progress_grid(session: Session, *, school_class: SchoolClass, pack_id: str) -> ProgressGrid:
    manifest = manifest_of(session, pack_id) or {}
    skills = [(str(s.get("id")), str(s.get("title"))) for s in manifest.get("skills", [])]
    learners = session.exec(
        select(Learner.id, Learner.display_name)
        .where(col(Learner.class_id) == school_class.id)
        .order_by(col(Learner.display_name), col(Learner.id))
    ).all()
    ids = [learner_id for learner_id, _ in learners]
    totals = skill_totals(
        session, school_id=school_class.school_id, pack_id=pack_id, learner_ids=ids
    )
    mine: dict[str, dict[str, SkillTotal]] = {}
    for (learner_id, skill_id), total in totals.items():
        mine.setdefault(learner_id, {})[skill_id] = total
    results = results_of(session, school_class=school_class, pack_id=pack_id, items=False)
    latest = _latest_results(session, ids, pack_id)
    rows = []
    for learner_id, name in learners:
        skill_totals_of = mine.get(learner_id, {})
        states = {s: skill_totals_of[s].state(s) for s, _ in skills if s in skill_totals_of}
        lines = [line for line in results.lines if line.learner_id == learner_id]
        counted = [line for line in lines if line.counts]
        studied_ms = [t.last_ms for t in skill_totals_of.values() if t.last_ms is not None]
        times = [line.received_at for line in lines] + [from_ms(ms) for ms in studied_ms]
        passed = any(line.passed for line in counted)
        rows.append(
            LearnerProgress(
                learner_id=learner_id,
                name=name,
                cells=[state_of(states, s) for s, _ in skills],
                attempts=len(lines),
                best=best_attempt(lines),
                passed=passed,
                failed=sum(1 for line in counted if not line.passed),
                last_activity=max(times, default=None),
                ready=bool(skills) and readiness([s for s, _ in skills], states).ready,
                links=sum(t.links for t in skill_totals_of.values()),
                review=() if passed else to_review(
                    session, manifest=manifest, latest=latest.get(learner_id),
                    totals=skill_totals_of,
                ),
            )
        )  # fmt: skip
    return ProgressGrid(
        pack_id=pack_id, title=str(manifest.get("title", pack_id)), skills=skills, learners=rows
    )


def chosen(grid: ProgressGrid, *, show: str, days: int, now: datetime) -> list[LearnerProgress]:
    """The learners a filter keeps: ready but not assessed, idle for ``days``, failed twice,
    needing review before a retake."""
    if show == "ready":
        return [p for p in grid.learners if p.ready and p.attempts == 0]
    if show == "idle":
        since = now - timedelta(days=days)
        return [p for p in grid.learners if p.last_activity is None or p.last_activity < since]
    if show == "failed":
        return [p for p in grid.learners if p.failed >= 2 and not p.passed]
    if show == "review":
        return [p for p in grid.learners if p.review]
    return list(grid.learners)
