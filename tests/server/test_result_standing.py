"""A result counts only for a learner of the station's school who holds a grant for its pack.

Anything else is stored (it is evidence) but flagged and withheld: it never counts.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mcdesk.server.grants import add_grant
from mcdesk.server.models import Event, Flag, Result, Station
from mcdesk.server.report import build_report, render
from mcdesk.server.schools import find_class, find_learner
from mcdesk.server.standing import counts
from tests.server.client import push
from tests.server.conftest import RunningServer, StationIdentity, enrol
from tests.server.pulling import set_up_school
from tests.server.test_results import result_event

PACK = "sample-pack"
NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)

STANDING_KINDS = ("unknown_learner", "other_school", "not_granted")
SOUTH_CSV = "class,learner,external_id,pin\nMasonry,Dee Moss,S-9,5555\n"


def learner_id(engine: Engine, *, school_id: str, class_name: str, name: str) -> str:
    with Session(engine) as session:
        return find_learner(session, school_id=school_id, class_name=class_name, name=name).id


def two_schools(server: RunningServer) -> tuple[StationIdentity, dict[str, str]]:
    """A North station; North's Ana (class grant), Ben (no grant), South's Dee (granted)."""
    north = set_up_school(server.engine, name="North")
    south = set_up_school(server.engine, name="South", username="south-teacher", csv=SOUTH_CSV)
    with Session(server.engine) as session:
        welding = find_class(session, school_id=north.school_id, name="Welding 1").id
        masonry = find_class(session, school_id=south.school_id, name="Masonry").id
        for school_id, class_id in ((north.school_id, welding), (south.school_id, masonry)):
            add_grant(
                session, school_id=school_id, pack_id=PACK, class_id=class_id,
                learner_id=None, opens_at=None, closes_at=None, now=NOW,
            )  # fmt: skip
    station = enrol(server.engine, station_id="north-lab", school_id=north.school_id)
    learners = {
        "ana": learner_id(server.engine, school_id=north.school_id, class_name="Welding 1",
                          name="Ana Ruiz"),
        "chi": learner_id(server.engine, school_id=north.school_id, class_name="CNC",
                          name="Chi Li"),
        "dee": learner_id(server.engine, school_id=south.school_id, class_name="Masonry",
                          name="Dee Moss"),
    }  # fmt: skip
    return station, learners


def stored(server: RunningServer) -> tuple[dict[str, Result], dict[str, str], set[str]]:
    """Results by learner, standing flags by event id, and the ids of results that count."""
    with Session(server.engine) as session:
        results = {r.learner_id: r for r in session.exec(select(Result))}
        # These results come without their exam log, so each is also flagged chain_gap.
        flags = {
            f.event_id or "": f.kind
            for f in session.exec(select(Flag).where(col(Flag.kind).in_(STANDING_KINDS)))
        }
        counting = set(session.exec(select(Result.id).where(counts())))
    return results, flags, counting


def test_only_a_granted_learner_of_the_stations_school_counts(server: RunningServer) -> None:
    station, learners = two_schools(server)
    events = {
        "ana": result_event(1, key=station.key, learner_id=learners["ana"]),
        "dee": result_event(2, key=station.key, learner_id=learners["dee"]),
        "ghost": result_event(3, key=station.key, learner_id="no-such-learner"),
        "chi": result_event(4, key=station.key, learner_id=learners["chi"]),  # CNC: no grant
    }
    response = push(server.base_url, station, list(events.values()))
    assert response.status_code == 200
    # Every one is accepted and kept: refusing would lose evidence and make the station retry.
    assert sorted(response.json()["accepted"]) == sorted(e["id"] for e in events.values())
    results, flags, counting = stored(server)
    assert set(results) == {learners["ana"], learners["dee"], "no-such-learner", learners["chi"]}
    assert counting == {results[learners["ana"]].id}
    assert flags == {
        events["dee"]["id"]: "other_school",
        events["ghost"]["id"]: "unknown_learner",
        events["chi"]["id"]: "not_granted",
    }
    assert results[learners["dee"]].withheld == "other_school"
    assert results[learners["ana"]].withheld is None
    with Session(server.engine) as session:
        flagged = dict(session.exec(select(Event.event_id, Event.flagged)).all())
    assert flagged[events["chi"]["id"]] == "not_granted"
    assert flagged[events["ana"]["id"]] == "chain_gap"  # no log sent: counts all the same


def test_a_learners_own_grant_and_an_all_packs_grant_count(server: RunningServer) -> None:
    station, learners = two_schools(server)
    with Session(server.engine) as session:
        row = session.get(Station, station.id)
        assert row is not None
        assert row.school_id is not None
        add_grant(
            session, school_id=row.school_id, pack_id="*", class_id=None,
            learner_id=learners["chi"], opens_at=None, closes_at=None, now=NOW,
        )  # fmt: skip
    event = result_event(1, key=station.key, learner_id=learners["chi"], pack_id="other-pack")
    assert push(server.base_url, station, [event]).json()["accepted"] == [event["id"]]
    results, flags, counting = stored(server)
    assert flags == {}
    assert counting == {results[learners["chi"]].id}


def test_a_station_of_no_school_counts_no_result(server: RunningServer) -> None:
    _, learners = two_schools(server)
    loose = enrol(server.engine, station_id="loose-lab")
    event = result_event(1, key=loose.key, learner_id=learners["ana"])
    assert push(server.base_url, loose, [event]).json()["accepted"] == [event["id"]]
    _, flags, counting = stored(server)
    assert flags == {event["id"]: "other_school"}
    assert counting == set()


def test_the_report_says_which_results_do_not_count(server: RunningServer) -> None:
    station, learners = two_schools(server)
    events = [
        result_event(1, key=station.key, learner_id=learners["ana"]),
        result_event(2, key=station.key, learner_id=learners["dee"]),
    ]
    push(server.base_url, station, events)
    with Session(server.engine) as session:
        text = render(build_report(session))
        [line] = [s for s in build_report(session).stations if s.id == station.id]
    assert (line.results, line.not_counting) == (2, 1)
    assert "2 results (1 do not count)" in text
    assert "other_school — a result is for a learner of another school" in text


def test_flags_name_the_learner_and_the_pack(server: RunningServer) -> None:
    station, learners = two_schools(server)
    event = result_event(1, key=station.key, learner_id=learners["chi"])
    push(server.base_url, station, [event])
    with Session(server.engine) as session:
        [flag] = session.exec(
            select(Flag).where(col(Flag.event_id) == event["id"], col(Flag.kind) == "not_granted")
        ).all()
    assert flag.kind == "not_granted"
    assert PACK in flag.detail
    assert learners["chi"] in flag.detail
