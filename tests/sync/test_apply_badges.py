"""Badges into the wallet: verified against the pinned server key, or refused in words."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.badges.didkey import did_key_for
from mcdesk.store.connection import opened
from mcdesk.sync.appliers import STREAM_APPLIERS
from mcdesk.sync.apply_badges import apply_badges, store_badges
from tests.badges.samples import ISSUED
from tests.sync.applying import Store, new_store
from tests.sync.badging import badge_document, pin

SERVER = Ed25519PrivateKey.generate()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = new_store(tmp_path)
    pin(store.database, SERVER)
    return store


def stored(store: Store) -> list[tuple[str, str, str | None]]:
    return [
        (str(row[0]), str(row[1]), row[2])
        for row in store.rows("SELECT credential_id, status, revoked_reason FROM badge")
    ]


def test_the_badges_stream_has_its_applier() -> None:
    assert STREAM_APPLIERS["badges"] is apply_badges


def test_a_verified_badge_is_stored_and_a_revocation_updates_it(store: Store) -> None:
    document = badge_document(SERVER)
    store.apply(apply_badges, [("badge:1", document)])
    assert stored(store) == [(document["credential_id"], "issued", None)]
    revoked = document | {"status": "revoked", "revoked_reason": "issued in error"}
    store.apply(apply_badges, [("badge:1", revoked)])
    assert stored(store) == [(document["credential_id"], "revoked", "issued in error")]


def test_forged_tampered_and_foreign_badges_are_refused_in_words(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    good = badge_document(SERVER)
    header, payload, signature = good["jwt"].split(".")
    flipped = payload[:40] + ("A" if payload[40] != "A" else "B") + payload[41:]
    cases = [
        (badge_document(Ed25519PrivateKey.generate(), number=2), "is not an issuer this verifier"),
        (good | {"jwt": f"{header}.{flipped}.{signature}"}, "not stored"),
        (good | {"jwt": "not a badge"}, "not stored"),
        (good | {"credential_id": "urn:uuid:other"}, "credential_id is not the id inside"),
        (good | {"status": "maybe"}, "neither issued nor revoked"),
        (good | {"learner_id": 7}, "learner_id is missing or not text"),
    ]
    for document, words in cases:
        caplog.clear()
        store.apply(apply_badges, [("badge:x", document)])
        assert stored(store) == []
        assert words in caplog.text


def test_a_station_with_no_pinned_key_stores_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = new_store(tmp_path)
    store.apply(apply_badges, [("badge:1", badge_document(SERVER))])
    assert stored(store) == []
    assert "no pinned server key" in caplog.text


def test_a_station_clock_behind_the_server_still_keeps_a_fresh_badge(store: Store) -> None:
    document = badge_document(SERVER)
    with opened(store.database) as connection:
        intake = store_badges(
            connection,
            [document],
            issuer=did_key_for(SERVER.public_key()),
            now=ISSUED - timedelta(days=1),  # "not yet valid" by this clock
        )
    assert (intake.stored, intake.refused) == (1, [])
