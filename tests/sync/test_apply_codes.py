"""The code_slots and pack_keys appliers: the switch to server codes, and what is refused."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from mcdesk.content.sealing import PackKey, new_pack_key
from mcdesk.exam.keyring import unwrap_pack_key
from mcdesk.exam.unlock import UnlockDesk
from mcdesk.protocol.codes import code_for
from mcdesk.protocol.exam_keys import seal_pack_key
from mcdesk.protocol.slots import FAST_TEST_PARAMS
from mcdesk.server.issuer import IssuerKeys, new_issuer_keys, seal_slots
from mcdesk.store.connection import opened
from mcdesk.sync.apply_codes import apply_code_slots, apply_pack_keys
from mcdesk.sync.pull import Item, PullRefused
from tests.conftest import NOW
from tests.exam.stations import STATION_ID, new_station, set_up_keys, teacher_issuer
from tests.sync.applying import Store


def _slots(keys: IssuerKeys, counters: range) -> list[Item]:
    documents = seal_slots(keys, station_id=STATION_ID, counters=counters, params=FAST_TEST_PARAMS)
    return [(f"slot:{d['counter']}", d) for d in documents]


def _wrapped(keys: IssuerKeys, pack_key: PackKey, *, issuer_id: str | None = None) -> Item:
    nonce, wrapped = seal_pack_key(pack_key=pack_key, exam_key=keys.exam_key)
    document: dict[str, Any] = {
        "pack_id": pack_key.pack_id,
        "key_id": pack_key.key_id,
        "issuer_id": issuer_id or keys.issuer_id,
        "nonce": base64.b64encode(nonce).decode(),
        "wrapped": base64.b64encode(wrapped).decode(),
    }
    return (f"{pack_key.pack_id}:{pack_key.key_id}", document)


@pytest.fixture
def local(home: Any) -> Store:
    """A standalone station: a teacher's local issuer, 6 slots, one wrapped pack key."""
    database = new_station(home)
    set_up_keys(database, slots=6, pack_keys=[new_pack_key("local-pack")])
    return Store(database)


def test_the_first_server_slots_replace_the_local_ones_unless_an_attempt_is_open(
    local: Store,
) -> None:
    issuer = teacher_issuer(local.database)
    assert UnlockDesk(local.database).try_code(issuer.code(1), action="start", now=NOW).ok
    local.execute(
        "INSERT INTO attempt (id, learner_id, pack_id, pack_version, seed, form, state,"
        " time_limit_s, created_at) VALUES ('a1', 'l1', 'p', '1.0.0', 1, '{}', 'paused', 600, ?)",
        NOW.isoformat(),
    )
    keys = new_issuer_keys()
    before = local.dump()
    with pytest.raises(PullRefused, match="an assessment is in progress or paused"):
        local.apply(apply_code_slots, _slots(keys, range(1, 4)))
    assert local.dump() == before  # the paused attempt can still be resumed with local codes

    local.execute("UPDATE attempt SET state = 'scored'")
    local.apply(apply_code_slots, _slots(keys, range(1, 4)))
    assert local.rows("SELECT counter, issuer_id, used_at FROM exam_key_slot") == [
        (1, keys.issuer_id, None),
        (2, keys.issuer_id, None),
        (3, keys.issuer_id, None),
    ]
    assert local.rows("SELECT count(*) FROM wrapped_pack_key") == [(0,)]  # old exam key's
    assert local.rows("SELECT count(*) FROM code_entry WHERE ok = 1") == [(1,)]  # history kept
    desk = UnlockDesk(local.database)
    assert not desk.try_code(issuer.code(1), action="start", now=NOW).ok  # local codes: no
    code = code_for(keys.secret, station_id=STATION_ID, counter=1)
    result = desk.try_code(code, action="start", now=NOW)
    assert result.exam_key == keys.exam_key

    # A slot sent again never revives a used one; new ones are added.
    local.apply(apply_code_slots, _slots(keys, range(1, 6)))
    assert local.rows("SELECT counter FROM exam_key_slot WHERE used_at IS NOT NULL") == [(1,)]
    assert desk.slots_left() == 4

    # Pack keys wrapped under the server's exam key open with the key a code releases.
    pack_key = new_pack_key("sample-pack")
    local.apply(apply_pack_keys, [_wrapped(keys, pack_key)])
    with opened(local.database, read_only=True) as connection:
        assert (
            unwrap_pack_key(
                connection, pack_id="sample-pack", key_id=pack_key.key_id, exam_key=keys.exam_key
            ).key
            == pack_key.key
        )
    local.apply(apply_pack_keys, [(f"sample-pack:{pack_key.key_id}", None)])
    assert local.rows("SELECT count(*) FROM wrapped_pack_key") == [(0,)]


def test_slots_and_keys_that_cannot_be_right_are_refused(local: Store) -> None:
    keys = new_issuer_keys()
    ((key, slot),) = _slots(keys, range(1, 2))
    assert slot is not None
    before = local.dump()
    cases: list[tuple[list[Item], str]] = [
        ([("slot:2", slot)], "slot:2: the slot says it is #1"),
        ([(key, {**slot, "n": 2**24})], "scrypt n must be a power of two up to 2\\*\\*20"),
        ([(key, {**slot, "salt": "not base64!"})], "slot:1: salt is not base64"),
        ([(key, {**slot, "counter": "1"})], "counter is not a whole number"),
        (
            [(key, slot), *_slots(new_issuer_keys(), range(2, 3))],
            "slots from more than one code issuer",
        ),
    ]
    for items, reason in cases:
        with pytest.raises(PullRefused, match=reason):
            local.apply(apply_code_slots, items)
    with pytest.raises(PullRefused, match="wrapped for another exam key"):
        local.apply(apply_pack_keys, [_wrapped(keys, new_pack_key("sample-pack"))])
    assert local.dump() == before


def test_a_pack_key_for_an_older_issuer_is_refused(local: Store) -> None:
    keys = new_issuer_keys()
    local.apply(apply_code_slots, _slots(keys, range(1, 2)))
    with pytest.raises(PullRefused, match="sync again \\(code slots come first\\)"):
        local.apply(apply_pack_keys, [_wrapped(keys, new_pack_key("p"), issuer_id="old")])
