"""The allowances applier: a use the server reports marks the row used, a station's own
use is kept, and a document out of shape refuses the page and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcdesk.sync.apply_allowances import apply_allowances
from mcdesk.sync.apply_roster import apply_roster
from mcdesk.sync.pull import PullRefused
from tests.sync.applying import Store, new_store, roster


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = new_store(tmp_path)
    store.apply(apply_roster, roster())
    return store


def allowance(allowance_id: str, **fields: object) -> tuple[str, dict[str, object]]:
    document: dict[str, object] = {
        "id": allowance_id,
        "learner_id": "l1",
        "pack_id": "sample-pack",
        "kind": "extra_attempt",
        "reason": "Fire drill",
        "granted_by": "Ms Lee",
        "granted_at": "2026-11-22T09:00:00+00:00",
    }
    return (f"allowance:{allowance_id}", document | fields)


def used(store: Store) -> list[tuple[object, ...]]:
    return store.rows("SELECT id, used_by_attempt FROM allowance ORDER BY id")


def test_a_use_reported_by_the_server_marks_the_row_and_a_stations_own_use_stays(
    store: Store,
) -> None:
    store.apply(apply_allowances, [allowance("a1"), allowance("a2")])
    assert used(store) == [("a1", None), ("a2", None)]
    store.execute("UPDATE allowance SET used_by_attempt = 'mine' WHERE id = 'a2'")
    elsewhere = {"used_at": "2026-11-22T10:00:00+00:00", "used_station_id": "lab-2"}
    store.apply(
        apply_allowances,
        [
            allowance("a1", used_by_attempt="theirs", **elsewhere),
            allowance("a2", used_by_attempt="theirs", **elsewhere),
            allowance("a3", used_by_attempt="first-seen-used", **elsewhere),
        ],
    )
    assert used(store) == [("a1", "theirs"), ("a2", "mine"), ("a3", "first-seen-used")]
    store.apply(apply_allowances, [allowance("a1")])  # an older document: the use stays
    assert used(store)[0] == ("a1", "theirs")


@pytest.mark.parametrize("bad", ["x" * 65, "a\nb", 7])
def test_a_used_by_attempt_out_of_shape_refuses_the_page(store: Store, bad: object) -> None:
    store.apply(apply_allowances, [allowance("a1")])
    before = store.dump()
    with pytest.raises(PullRefused, match="used_by_attempt"):
        store.apply(apply_allowances, [allowance("a1", used_by_attempt=bad)])
    assert store.dump() == before
