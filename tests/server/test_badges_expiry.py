"""A pack's ``[badge] valid_for_days`` gives its badges an expiry, in both badge versions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from mcdesk.badges.award import parse_iso
from mcdesk.badges.jws import parse_compact
from mcdesk.badges.verdict import Outcome
from mcdesk.badges.verify import verify_badge
from mcdesk.keys import PublisherKey
from mcdesk.paths import Paths
from mcdesk.server.badge_models import Badge
from tests.server.badging import provisioned_lab
from tests.server.conftest import RunningServer


def _expiring(source: Path, days: int) -> Path:
    pack_toml = source / "pack.toml"
    pack_toml.write_text(pack_toml.read_text() + f"\n[badge]\nvalid_for_days = {days}\n")
    return source


def test_a_pack_with_valid_for_days_issues_badges_that_expire(
    server: RunningServer,
    home: Paths,
    tmp_path: Path,
    source: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    capsys: pytest.CaptureFixture[str],
) -> None:
    lab = provisioned_lab(
        server, home=home, tmp_path=tmp_path, source=_expiring(source, 365),
        publisher_key=publisher_key, trusted=trusted, capsys=capsys,
    )  # fmt: skip
    lab.take(right=True, capsys=capsys)
    lab.carry(capsys)
    with Session(server.engine) as session:
        badge = session.exec(select(Badge)).one()
    credential = parse_compact(badge.jwt).payload
    issued = parse_iso(credential["validFrom"])
    until = parse_iso(credential["validUntil"])
    assert issued is not None
    assert until is not None
    assert until - issued == timedelta(days=365)
    assert credential["exp"] == int(until.timestamp())
    assertion = parse_compact(badge.assertion_jws or "").payload
    assert assertion["expires"] == credential["validUntil"]

    inside = verify_badge(badge.jwt.encode(), now=until - timedelta(days=1))
    assert inside.outcome is Outcome.VERIFIED, inside.reason
    expired = verify_badge(badge.jwt.encode(), now=until + timedelta(days=1))
    assert expired.outcome is Outcome.EXPIRED
    assert expired.reason == f"expired on {until.date().isoformat()}"
    old_2_0 = verify_badge((badge.assertion_jws or "").encode(), now=until + timedelta(days=1))
    assert old_2_0.outcome is Outcome.EXPIRED


def test_a_pack_without_a_badge_table_issues_badges_that_never_expire(
    server: RunningServer,
    home: Paths,
    tmp_path: Path,
    source: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    capsys: pytest.CaptureFixture[str],
) -> None:
    lab = provisioned_lab(
        server, home=home, tmp_path=tmp_path, source=source, publisher_key=publisher_key,
        trusted=trusted, capsys=capsys,
    )  # fmt: skip
    lab.take(right=True, capsys=capsys)
    lab.carry(capsys)
    with Session(server.engine) as session:
        badge = session.exec(select(Badge)).one()
    assert "validUntil" not in parse_compact(badge.jwt).payload
    assert "expires" not in parse_compact(badge.assertion_jws or "").payload
