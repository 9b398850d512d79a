"""A learner's timeline: what they studied, their self-checks, links opened, announcements
read, attempts with the server's scores, incidents and grants, newest first.

Study events come through the learner event index each push keeps
(mcdesk.server.study_tally), limited to the stations of the class's school; results are
the server's re-scores, as on the Results pages. Announcements read are those stations
reported (mcdesk.server.announcement_reads; "read" is the station's rule, stated there).
Call only for a learner of a class the viewer may see (``access.learner_in``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from mcdesk.content.skill_states import score_text
from mcdesk.protocol.streams import EventKind
from mcdesk.server.models import Event, Grant, Learner, Result, SchoolClass, Station
from mcdesk.server.study_tally.models import LearnerEvent
from mcdesk.server.times import as_utc
from mcdesk.server.web.progress import from_ms
from mcdesk.server.web.reads import reads_of
from mcdesk.server.web.results import manifest_of

MAX_MOMENTS = 500  # the newest; a term of daily study is well under this


@dataclass(frozen=True, slots=True)
class Moment:
    at: datetime
    what: str  # a short heading: "Studied", "Self-check", "Attempt"…
    detail: str  # plain words; the template escapes them


def _titles(session: Session, pack_ids: set[str]) -> dict[str, tuple[str, dict[str, str]]]:
    found = {}
    for pack_id in pack_ids:
        manifest = manifest_of(session, pack_id) or {}
        skills = {str(s.get("id")): str(s.get("title")) for s in manifest.get("skills", [])}
        found[pack_id] = (str(manifest.get("title", pack_id)), skills)
    return found


def _study_words(kind: str, body: dict[str, Any], skill: str, pack: str) -> tuple[str, str]:
    where = f"{skill} ({pack})"
    if kind == EventKind.SKILL_OPENED:
        return "Opened", where
    if kind == EventKind.SKILL_STUDIED:
        return "Studied", where
    if kind == EventKind.ACTIVE_TIME:
        seconds = body.get("active_seconds")
        minutes = seconds / 60 if isinstance(seconds, int) else 0
        return "Time on content", f"{where}: {minutes:.1f} min in all on this station"
    if kind == EventKind.SELFCHECK_RESULT:
        credit, total = body.get("credit"), body.get("total")
        if isinstance(credit, int | float) and isinstance(total, int):
            return "Self-check", f"{where}: {score_text(float(credit), total)}"
        return "Self-check", where
    if kind == EventKind.LINK_OPENED:
        url = body.get("url")
        return "Link opened", f"{where}: {url}" if isinstance(url, str) else where
    if kind == EventKind.EXAM_INCIDENT:
        return "Incident", f"{body.get('incident', '?')}: {body.get('detail', '')}"
    return kind, where


def timeline(session: Session, *, school_class: SchoolClass, learner: Learner) -> list[Moment]:
    """The learner's moments, newest first (at most ``MAX_MOMENTS`` study events)."""
    stations = select(Station.id).where(col(Station.school_id) == school_class.school_id)
    rows = session.exec(
        select(LearnerEvent.at_ms, Event.kind, Event.body)
        .join(
            Event,
            (col(Event.station_id) == col(LearnerEvent.station_id))
            & (col(Event.event_id) == col(LearnerEvent.event_id)),
        )
        .where(
            col(LearnerEvent.learner_id) == learner.id,
            col(LearnerEvent.station_id).in_(stations),
        )
        .order_by(col(LearnerEvent.at_ms).desc(), col(Event.seq).desc())  # ties: as written
        .limit(MAX_MOMENTS)
    ).all()
    bodies = [
        (at_ms, kind, doc)
        for at_ms, kind, body in rows
        if isinstance(doc := json.loads(body), dict)
    ]
    results = session.exec(
        select(Result).where(col(Result.learner_id) == learner.id).order_by(col(Result.received_at))
    ).all()
    grants = session.exec(
        select(Grant).where(
            (col(Grant.learner_id) == learner.id) | (col(Grant.class_id) == school_class.id)
        )
    ).all()
    packs = {str(b.get("pack_id")) for _, _, b in bodies if isinstance(b, dict)}
    titles = _titles(session, packs | {r.pack_id for r in results} | {g.pack_id for g in grants})
    moments = []
    for at_ms, kind, body in bodies:
        pack, skills = titles.get(str(body.get("pack_id")), ("?", {}))
        skill = skills.get(str(body.get("skill_id")), str(body.get("skill_id", "")))
        what, detail = _study_words(kind, body, skill, pack)
        moments.append(Moment(from_ms(at_ms), what, detail))
    for row in results:
        points = row.server_points if row.rescored and row.server_points is not None else None
        shown = row.station_points if points is None else points
        ratio = shown / row.max_points if row.max_points else 0.0
        outcome = "pass" if row.passed else "not yet"
        note = "" if row.withheld is None else " (kept, does not count)"
        moments.append(
            Moment(
                as_utc(row.received_at) or row.received_at,
                "Attempt",
                f"{titles[row.pack_id][0]}: {ratio:.0%} ({shown:g} of {row.max_points:g}), "
                f"{outcome}{note}",
            )
        )
    for grant in grants:
        who = "this learner" if grant.learner_id else "the class"
        window = ""
        if grant.closes_at is not None:
            window = f", closes {(as_utc(grant.closes_at) or grant.closes_at):%Y-%m-%d}"
        moments.append(
            Moment(
                as_utc(grant.opens_at or grant.created_at) or grant.created_at,
                "Granted",
                f"{titles[grant.pack_id][0]} to {who}{window}",
            )
        )
    for read in reads_of(session, learner=learner):
        moments.append(Moment(read.at, "Announcement read", read.text))
    return sorted(moments, key=lambda m: m.at, reverse=True)
