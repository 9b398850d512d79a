"""A wallet badge's page data and downloads: each file verifies with the one core verifier."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.badges.baking import unbake_png
from mcdesk.badges.issuer_key import issuer_key_from_private
from mcdesk.badges.status_list import build_status_list
from mcdesk.badges.verdict import Outcome
from mcdesk.badges.verify import verify_badge
from mcdesk.study.badge_exports import (
    BadgeDetail,
    BadgeUnavailable,
    ExportKind,
    badge_detail,
    export_badge,
    export_kinds,
    linkedin_url,
    qr_png,
)
from mcdesk.sync.apply_badges import apply_badges
from mcdesk.sync.apply_roster import apply_roster
from tests.badges.samples import ISSUED, LIST_URL, NOW
from tests.sync.applying import Store, new_store, roster
from tests.sync.badging import badge_document, pin

SERVER = Ed25519PrivateKey.generate()


def status_lists(url: str) -> bytes:
    """The server's published status list: nothing revoked."""
    assert url == LIST_URL
    key = issuer_key_from_private(SERVER)
    return build_status_list(key=key, list_url=LIST_URL, revoked=(), issued_at=ISSUED).encode()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = new_store(tmp_path)
    store.apply(apply_roster, roster())
    pin(store.database, SERVER)
    store.apply(apply_badges, [("badge:1", badge_document(SERVER))])
    return store


def detail_of(store: Store) -> BadgeDetail:
    (credential_id,) = store.rows("SELECT credential_id FROM badge")[0]
    return badge_detail(store.database, learner_id="l1", credential_id=credential_id, now=NOW)


def test_the_page_data_comes_from_the_signed_credential(store: Store) -> None:
    detail = detail_of(store)
    assert detail.learner_name == "Learner l1"
    assert detail.summary.achievement == "Basic Construction Math"
    assert detail.summary.issuer_name == "Lincoln High School"
    assert detail.summary.skills[0].name == "Read a tape measure to 1/16 inch"
    assert detail.file_stem == "learner-l1-basic-construction-math"
    assert not detail.revoked
    with pytest.raises(BadgeUnavailable, match="not in your wallet"):
        badge_detail(store.database, learner_id="l2", credential_id=detail.credential_id, now=NOW)


def test_every_download_verifies_with_the_core_verifier(store: Store, tmp_path: Path) -> None:
    detail = detail_of(store)
    assert export_kinds(detail) == (
        ExportKind.PNG,
        ExportKind.PNG_OB2,
        ExportKind.SVG,
        ExportKind.JSON,
    )
    for kind in export_kinds(detail):
        path = export_badge(detail, kind, path=tmp_path / f"{detail.file_stem}{kind.value}")
        verdict = verify_badge(path.read_bytes(), now=NOW, fetch_status=status_lists)
        if kind in (ExportKind.PNG, ExportKind.JSON):
            assert verdict.outcome is Outcome.VERIFIED, (kind, verdict.reason)
        else:  # 2.0 forms without a public URL name no revocation list to fetch
            assert verdict.outcome in (Outcome.VERIFIED, Outcome.UNCONFIRMED), verdict.reason
            assert all(c.state.value == "passed" for c in verdict.checks[:3]), verdict.checks
    png = (tmp_path / f"{detail.file_stem}.png").read_bytes()
    assert unbake_png(png).text == detail.jwt  # the signed text exactly as the server sent it
    assert not list(tmp_path.glob(".mcdesk-*"))  # no temporary files left behind


def test_the_linkedin_link_is_well_formed_and_escaped(store: Store) -> None:
    detail = detail_of(store)
    url = linkedin_url(detail)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    assert " " not in url
    fields = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert fields == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Basic Construction Math",
        "organizationName": "Lincoln High School",
        "issueYear": "2026",
        "issueMonth": "11",
        "certUrl": detail.verify_url,
        "certId": detail.credential_id,
    }
    assert "Basic+Construction+Math" in url


def test_the_qr_code_is_a_png() -> None:
    assert qr_png("https://school.example.org/verify/x").startswith(b"\x89PNG\r\n\x1a\n")
