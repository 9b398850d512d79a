"""The wallet home shows: pending with the reason in words, issued, revoked, by cluster."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.badges.award import iso_z
from mcdesk.store.connection import opened
from mcdesk.store.sync_state import SERVER_URL_KEY
from mcdesk.sync.apply_badges import apply_badges
from mcdesk.sync.status import LAST_SUCCESS_KEY
from mcdesk.sync.wallet import read_wallet
from tests.conftest import NOW
from tests.sync.applying import new_store
from tests.sync.badging import add_pack, add_pass, badge_document, pin

SERVER = Ed25519PrivateKey.generate()
CLUSTER = "Architecture & Construction"


def test_a_pass_waits_in_words_then_shows_issued_then_revoked(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    add_pack(store.database, "basic-construction-math", "Basic Construction Math", CLUSTER)
    add_pack(store.database, "hand-tools", "Basic Construction Hand Tools", CLUSTER)
    add_pack(store.database, "drafting", "Drafting", CLUSTER)
    add_pack(store.database, "welding", "Welding Safety", "Manufacturing")
    add_pass(
        store.database,
        learner_id="l1",
        pack_id="basic-construction-math",
        result_id="r1",
        sent=False,
    )

    wallet = read_wallet(store.database, learner_id="l1", now=NOW)
    assert [p.title for p in wallet.pending] == ["Basic Construction Math"]
    assert wallet.pending[0].reason.startswith("Waiting for the school server: this station is not")

    pin(store.database, SERVER)  # a USB-stick lab: provisioned, never online
    reason = read_wallet(store.database, learner_id="l1", now=NOW).pending[0].reason
    assert reason.startswith("Waiting for the USB-stick sync")

    with opened(store.database) as connection:
        for key, value in (
            (SERVER_URL_KEY, "https://school.example.org"),
            (LAST_SUCCESS_KEY, (NOW - timedelta(days=2)).isoformat()),
        ):
            connection.execute("INSERT INTO sync_state (key, value) VALUES (?, ?)", (key, value))
    reason = read_wallet(store.database, learner_id="l1", now=NOW).pending[0].reason
    assert reason == "Waiting for the school server: this station has not synced since 2 days ago."

    document = badge_document(SERVER, pack_id="basic-construction-math")
    store.apply(apply_badges, [("badge:1", document)])
    wallet = read_wallet(store.database, learner_id="l1", now=NOW)
    assert wallet.pending == ()
    assert [b.title for b in wallet.issued] == ["Basic Construction Math"]
    assert [c.words for c in wallet.clusters] == [f"1 of 3 in {CLUSTER}"]
    assert wallet.clusters[0].to_earn == ("Basic Construction Hand Tools", "Drafting")
    assert read_wallet(store.database, learner_id="l2", now=NOW).issued == ()

    revoked = document | {"status": "revoked", "revoked_reason": "issued in error"}
    store.apply(apply_badges, [("badge:1", revoked)])
    wallet = read_wallet(store.database, learner_id="l1", now=NOW)
    assert wallet.issued == ()
    assert [(b.title, b.revoked_reason) for b in wallet.revoked] == [
        ("Basic Construction Math", "issued in error")
    ]
    assert wallet.clusters == ()


def test_a_result_the_server_has_waits_for_the_next_sync(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    pin(store.database, SERVER)
    add_pass(store.database, learner_id="l1", pack_id="drafting", result_id="r2", sent=True)
    (pending,) = read_wallet(store.database, learner_id="l1", now=NOW).pending
    assert pending.reason == (
        "The school server has your result. Your badge comes with the next USB-stick sync."
    )


def test_a_badge_past_its_expiry_shows_expired_and_no_longer_counts(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    pin(store.database, SERVER)
    add_pack(store.database, "basic-construction-math", "Basic Construction Math", CLUSTER)
    add_pack(store.database, "drafting", "Drafting", CLUSTER)
    until = NOW + timedelta(days=30)
    document = badge_document(SERVER, pack_id="basic-construction-math", valid_until=until)
    store.apply(apply_badges, [("badge:1", document)])

    wallet = read_wallet(store.database, learner_id="l1", now=NOW)
    (badge,) = wallet.issued
    assert badge.expires_at == iso_z(until)
    assert not badge.expired
    assert [c.words for c in wallet.clusters] == [f"1 of 2 in {CLUSTER}"]

    later = read_wallet(store.database, learner_id="l1", now=until + timedelta(seconds=1))
    assert later.issued == ()
    (gone,) = later.expired
    assert gone.expired
    assert gone.title == "Basic Construction Math"
    assert later.clusters == ()  # an expired badge no longer counts toward the cluster
