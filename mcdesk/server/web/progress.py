"""The Progress grid: a class's learners × a micro-credential's targeted skills.

Built from the same synced events the station writes with each change
(mcdesk.study.progress: ``skill_opened``, ``active_time``, ``skill_studied``,
``selfcheck_result``) and with the station's own meanings (mcdesk.content.skill_states: what
"studied" is, mastery at 80 % of the latest self-check, readiness), so a cell says what the
learner's own screens say. Results are the server's re-scores (mcdesk.server.web.results).
Call only for a class the viewer may see (``ClassInReach``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from mcdesk.content.skill_states import (
    MASTERY,
    SkillStage,
    SkillState,
    is_studied,
    readiness,
    state_of,
)
from mcdesk.server.models import Event, Grant, Learner, SchoolClass, Station
from mcdesk.server.web.class_report import best_attempt
from mcdesk.server.web.results import ResultLine, manifest_of, results_of

PROGRESS_KINDS = ("skill_opened", "active_time", "skill_studied", "selfcheck_result")
FILTERS = {
    "all": "Everyone",
    "ready": "Ready but not assessed",
    "idle": "No activity for N days",
    "failed": "Failed twice",
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


@dataclass(frozen=True, slots=True)
class ProgressGrid:
    pack_id: str
    title: str
    skills: list[tuple[str, str]]  # (skill id, title)
    learners: list[LearnerProgress]


def event_time(event_id: str) -> datetime:
    """When the station wrote an event: its UUIDv7 id carries the station's milliseconds."""
    return datetime.fromtimestamp(int(event_id.replace("-", "")[:12], 16) / 1000, tz=UTC)


@dataclass
class _Tally:
    opened: bool = False
    marked: bool = False
    seconds: dict[str, int] | None = None  # station id -> its running total
    latest_run: tuple[str, float, int] | None = None  # (run id, credit, items)

    def state(self, skill_id: str) -> SkillState:
        score = None if self.latest_run is None else (self.latest_run[1], self.latest_run[2])
        studied = is_studied(marked=self.marked, selfcheck_done=score is not None)
        mastered = score is not None and score[0] >= MASTERY * score[1]
        stage: SkillStage = "mastered" if mastered else "studied" if studied else "in_progress"
        seconds = sum((self.seconds or {}).values())
        return SkillState(skill_id, stage, seconds, studied, score)


def _events(session: Session, school_class: SchoolClass) -> list[tuple[str, str, dict[str, Any]]]:
    stations = select(Station.id).where(col(Station.school_id) == school_class.school_id)
    rows = session.exec(
        select(Event.station_id, Event.event_id, Event.body).where(
            col(Event.kind).in_(PROGRESS_KINDS), col(Event.station_id).in_(stations)
        )
    ).all()
    found = []
    for station_id, event_id, body in rows:
        try:
            document = json.loads(body)
        except ValueError:
            continue
        if isinstance(document, dict):
            found.append((station_id, event_id, document))
    return found


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
    names = dict(learners)
    tallies: dict[tuple[str, str], _Tally] = {}
    last: dict[str, datetime] = {}
    for station_id, event_id, body in _events(session, school_class):
        learner_id, skill_id = body.get("learner_id"), body.get("skill_id")
        if learner_id not in names or body.get("pack_id") != pack_id or not skill_id:
            continue
        tally = tallies.setdefault((str(learner_id), str(skill_id)), _Tally())
        at = event_time(event_id)
        last[str(learner_id)] = max(at, last.get(str(learner_id), at))
        _count(tally, station_id, body)
    results = results_of(session, school_class=school_class, pack_id=pack_id, items=False)
    rows = []
    for learner_id, name in learners:
        states = {
            s: tallies[(learner_id, s)].state(s) for s, _ in skills if (learner_id, s) in tallies
        }
        cells = [state_of(states, s) for s, _ in skills]
        mine = [line for line in results.lines if line.learner_id == learner_id]
        counted = [line for line in mine if line.counts]
        times = [line.received_at for line in mine] + (
            [last[learner_id]] if learner_id in last else []
        )
        rows.append(
            LearnerProgress(
                learner_id=learner_id,
                name=name,
                cells=cells,
                attempts=len(mine),
                best=best_attempt(mine),
                passed=any(line.passed for line in counted),
                failed=sum(1 for line in counted if not line.passed),
                last_activity=max(times, default=None),
                ready=bool(skills) and readiness([s for s, _ in skills], states).ready,
            )
        )
    return ProgressGrid(
        pack_id=pack_id, title=str(manifest.get("title", pack_id)), skills=skills, learners=rows
    )


def _count(tally: _Tally, station_id: str, body: dict[str, Any]) -> None:
    kind = body.get("kind")
    if kind == "skill_opened":
        tally.opened = True
    elif kind == "skill_studied":
        tally.marked = True
    elif kind == "active_time":
        seconds = body.get("active_seconds")
        if isinstance(seconds, int) and seconds >= 0:
            totals = tally.seconds = tally.seconds or {}
            totals[station_id] = max(seconds, totals.get(station_id, 0))
    elif kind == "selfcheck_result":
        run_id, credit, total = body.get("run_id"), body.get("credit"), body.get("total")
        if not (
            isinstance(run_id, str) and isinstance(credit, int | float) and isinstance(total, int)
        ):
            return
        if tally.latest_run is None or run_id > tally.latest_run[0]:
            tally.latest_run = (run_id, float(credit), total)


def chosen(grid: ProgressGrid, *, show: str, days: int, now: datetime) -> list[LearnerProgress]:
    """The learners a filter keeps: ready but not assessed, idle for ``days``, failed twice."""
    if show == "ready":
        return [p for p in grid.learners if p.ready and p.attempts == 0]
    if show == "idle":
        since = now - timedelta(days=days)
        return [p for p in grid.learners if p.last_activity is None or p.last_activity < since]
    if show == "failed":
        return [p for p in grid.learners if p.failed >= 2 and not p.passed]
    return list(grid.learners)
