"""The grants and accommodations appliers: rows the station's rules read, bad ones refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcdesk.content.access import granted_pack_ids
from mcdesk.store.connection import opened
from mcdesk.sync.apply_accommodations import apply_accommodations
from mcdesk.sync.apply_grants import apply_grants
from mcdesk.sync.apply_roster import apply_roster
from mcdesk.sync.pull import PullRefused
from tests.conftest import NOW
from tests.sync.applying import Store, new_store, roster


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = new_store(tmp_path)
    store.apply(apply_roster, roster())
    return store


def grant(grant_id: str = "g1", **fields: object) -> tuple[str, dict[str, object]]:
    document: dict[str, object] = {
        "id": grant_id,
        "pack_id": "sample-pack",
        "class_id": "c1",
        "learner_id": None,
        "opens_at": "2026-09-01T00:00:00+00:00",
        "closes_at": None,
    }
    return (f"grant:{grant_id}", document | fields)


def test_grants_open_packs_and_bad_ones_are_refused(store: Store) -> None:
    store.apply(apply_grants, [grant(), grant("g2", class_id=None, learner_id="l2", pack_id="x")])
    with opened(store.database, read_only=True) as connection:
        assert granted_pack_ids(connection, learner_id="l1", now=NOW) == {"sample-pack"}
        assert granted_pack_ids(connection, learner_id="l2", now=NOW) == {"sample-pack", "x"}
    before = store.dump()
    for item, reason in [
        (grant("g3", class_id="c9"), "grant:g3: its class c9 is not on this station"),
        (grant("g3", learner_id="l1"), "a grant is for a class or for one learner"),
        (grant("g3", opens_at="2026-09-01"), "opens_at has no time zone"),
        (grant("g3", closes_at="soon"), "closes_at is not an ISO date and time"),
    ]:
        with pytest.raises(PullRefused, match=reason):
            store.apply(apply_grants, [item])
    assert store.dump() == before
    store.apply(apply_grants, [("grant:g1", None), ("grant:gone", None)])
    assert store.rows("SELECT id FROM access_grant") == [("g2",)]


def test_accommodations_keep_the_station_bounds(store: Store) -> None:
    def extra(learner: str, multiplier: object) -> tuple[str, dict[str, object]]:
        return (
            f"learner:{learner}",
            {"learner_id": learner, "time_multiplier": multiplier, "set_by": "server"},
        )

    store.apply(apply_accommodations, [extra("l1", 1.5)])
    assert store.rows("SELECT learner_id, time_multiplier FROM accommodation") == [("l1", 1.5)]
    before = store.dump()
    for item, reason in [
        (extra("l1", 9), "learner:l1: a time multiplier must be between 1 and 4"),
        (extra("l9", 2), "learner:l9: this learner is not on this station"),
        (extra("l1", "2"), "time_multiplier is not a number"),
        (("learner:l1", {"learner_id": "l2", "time_multiplier": 2}), "for another learner"),
    ]:
        with pytest.raises(PullRefused, match=reason):
            store.apply(apply_accommodations, [item])
    assert store.dump() == before
    store.apply(apply_accommodations, [("learner:l1", None)])
    assert store.rows("SELECT count(*) FROM accommodation") == [(0,)]
