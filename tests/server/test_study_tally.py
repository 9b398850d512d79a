"""The study tally kept by each push equals a recount of every stored event.

Random event sequences pushed in random batches (some sent twice) over real HTTP, on
SQLite and PostgreSQL; many stations pushing at once to `mcdesk server --workers 4` on
PostgreSQL; and the upgrades that fill the tally, and then its review moments, from events
stored before they existed.
"""

from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mcdesk.protocol.canonical import canonical_json
from mcdesk.server.db import make_engine, migrate
from mcdesk.server.models import Event, Station
from mcdesk.server.schools import add_school
from mcdesk.server.study_tally.read import SkillTotal, skill_totals
from tests.server.client import make_event, push
from tests.server.conftest import RunningServer, StationIdentity, enrol
from tests.server.test_teacher_throttle import Workers, four_workers  # noqa: F401  (fixture)

PACK = "tally-pack"
KINDS = ("skill_opened", "active_time", "skill_studied", "selfcheck_result", "link_opened")


def recount(engine: Engine, *, school_id: str, learners: list[str]) -> dict[Any, SkillTotal]:
    """Every stored event of the school's stations read again and folded from scratch, the
    way the grid did before the tally: the reference the tally must equal."""
    seconds: dict[tuple[str, str, str], int] = {}  # (learner, skill, station) → largest total
    totals: dict[tuple[str, str], SkillTotal] = {}
    with Session(engine) as session:
        stations = select(Station.id).where(col(Station.school_id) == school_id)
        rows = session.exec(
            select(Event.station_id, Event.event_id, Event.kind, Event.body).where(
                col(Event.station_id).in_(stations)
            )
        ).all()
    for station_id, event_id, kind, body in rows:
        try:
            document = json.loads(body)
        except ValueError:
            continue
        learner, skill = document.get("learner_id"), document.get("skill_id")
        if kind not in KINDS or learner not in learners or document.get("pack_id") != PACK:
            continue
        total = totals.setdefault((learner, skill), SkillTotal())
        at = int(event_id.replace("-", "")[:12], 16)
        total.last_ms = at if total.last_ms is None else max(total.last_ms, at)
        if kind in ("skill_opened", "selfcheck_result"):  # what reviews a skill: nothing else
            total.reviewed_ms = at if total.reviewed_ms is None else max(total.reviewed_ms, at)
        if kind == "skill_opened":
            total.opened = True
        elif kind == "skill_studied":
            total.marked = True
        elif kind == "link_opened":
            total.links += 1
        elif kind == "active_time":
            key = (learner, skill, station_id)
            seconds[key] = max(seconds.get(key, 0), document["active_seconds"])
        elif total.run is None or document["run_id"] > total.run[0]:
            total.run = (document["run_id"], float(document["credit"]), document["total"])
    for (learner, skill, _), value in seconds.items():
        totals[(learner, skill)].seconds += value
    return totals


def tallied(engine: Engine, *, school_id: str, learners: list[str]) -> dict[Any, SkillTotal]:
    with Session(engine) as session:
        return skill_totals(session, school_id=school_id, pack_id=PACK, learner_ids=learners)


def body_of(kind: str, learner: str, skill: str, number: int) -> dict[str, Any]:
    body: dict[str, Any] = {"learner_id": learner, "pack_id": PACK, "skill_id": skill}
    if kind == "active_time":
        body["active_seconds"] = number * 15
    elif kind == "selfcheck_result":
        # The run id decides the credit: one run is one result, whichever copy arrives.
        body |= {"run_id": f"run-{number:05d}", "credit": number % 5 / 2, "total": 2}
    elif kind == "link_opened":
        body["url"] = f"https://example.org/{number}"
    return body


def school_with_stations(engine: Engine, count: int) -> tuple[str, list[StationIdentity]]:
    with Session(engine) as session:
        school = add_school(session, name=f"School {uuid.uuid4().hex[:6]}", now=datetime.now(UTC))
        session.commit()
        school_id = school.id
    stations = [
        enrol(engine, station_id=f"s-{uuid.uuid4().hex[:8]}", school_id=school_id)
        for _ in range(count)
    ]
    return school_id, stations


EVENT = st.tuples(
    st.sampled_from(KINDS),
    st.integers(0, 1),  # learner
    st.integers(0, 1),  # skill
    st.integers(0, 1),  # station
    st.integers(0, 400),  # seconds / run number
    st.booleans(),  # the station's batch ends after this event
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=st.lists(EVENT, max_size=30), again=st.integers(0, 3))
def test_the_tally_equals_a_recount_of_every_event(
    server: RunningServer, events: list[Any], again: int
) -> None:
    school_id, stations = school_with_stations(server.engine, 2)
    learners = [f"learner-{uuid.uuid4().hex[:8]}" for _ in range(2)]
    batches: dict[int, list[list[dict[str, Any]]]] = {0: [[]], 1: [[]]}
    for seq, (kind, learner, skill, station, number, ends) in enumerate(events, start=1):
        body = body_of(kind, learners[learner], f"skill-{skill}", number)
        batches[station][-1].append(make_event(seq, kind=kind, **body))
        if ends:
            batches[station].append([])
    for index, station in enumerate(stations):
        sent: list[dict[str, Any]] = []
        for batch in batches[index]:
            if batch:
                assert push(server.base_url, station, batch).status_code == 200
                sent += batch
        if sent and again:  # a station that lost its receipts sends again: nothing counts twice
            assert push(server.base_url, station, sent[-again:]).status_code == 200
    expected = recount(server.engine, school_id=school_id, learners=learners)
    assert tallied(server.engine, school_id=school_id, learners=learners) == expected


def test_many_stations_pushing_at_once_to_four_workers_add_up(four_workers: Workers) -> None:  # noqa: F811
    engine = four_workers.engine
    school_id, stations = school_with_stations(engine, 8)
    learner = "learner-together"
    start = threading.Barrier(len(stations))

    def station_pushes(station: StationIdentity) -> list[int]:
        codes = []
        start.wait()
        for round_ in range(5):  # every station, the same learner and skills, at once
            events = [
                make_event(round_ * 10 + n, kind=KINDS[n % len(KINDS)],
                           **body_of(KINDS[n % len(KINDS)], learner, f"skill-{n % 2}",
                                     round_ * 10 + n))
                for n in range(10)
            ]  # fmt: skip
            codes.append(push(four_workers.url, station, events).status_code)
        return codes

    with ThreadPoolExecutor(max_workers=len(stations)) as pool:
        answers = [code for codes in pool.map(station_pushes, stations) for code in codes]
    assert set(answers) == {200}
    totals = tallied(engine, school_id=school_id, learners=[learner])
    assert totals == recount(engine, school_id=school_id, learners=[learner])
    # 8 stations × 5 rounds × 2 link events in each ten: all counted, none twice.
    assert sum(t.links for t in totals.values()) == 8 * 5 * 2
    assert {skill for _, skill in totals} == {"skill-0", "skill-1"}


def test_the_upgrade_fills_the_tally_from_events_already_stored(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate(engine, revision="0011")
        school_id, stations = school_with_stations(engine, 2)
        learners = ["before-a", "before-b"]
        with Session(engine) as session:
            for seq in range(1, 61):
                kind = KINDS[seq % len(KINDS)]
                body = body_of(kind, learners[seq % 2], f"skill-{seq % 3}", seq)
                pushed = make_event(seq, kind=kind, **body)
                session.add(
                    Event(station_id=stations[seq % 2].id, event_id=pushed["id"], seq=seq,
                          kind=kind, body=pushed["body"].encode(), body_sha256="",
                          received_at=datetime.now(UTC))
                )  # fmt: skip
            # Not study events, or not storable: left out, and the upgrade does not fail.
            for seq, text in ((61, b"not json"), (62, canonical_json({"learner_id": 7}))):
                session.add(Event(station_id=stations[0].id, event_id=f"bad-{seq}", seq=seq,
                                  kind="skill_opened", body=text, body_sha256="",
                                  received_at=datetime.now(UTC)))  # fmt: skip
            session.commit()
        migrate(engine, revision="0012")  # the tally, before it kept the review moment
        migrate(engine)
        expected = recount(engine, school_id=school_id, learners=learners)
        assert len(expected) == 6
        assert all(total.reviewed_ms is not None for total in expected.values())
        assert any(total.reviewed_ms != total.last_ms for total in expected.values())
        assert tallied(engine, school_id=school_id, learners=learners) == expected
    finally:
        engine.dispose()
