"""A pack's ``[badge] valid_for_days`` gives its badges an expiry, in both badge versions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from mcdesk.badges.award import parse_iso
from mcdesk.badges.jws import parse_compact
from mcdesk.badges.verdict import Outcome
from mcdesk.badges.verify import verify_badge
from mcdesk.server.badge_models import Badge
from tests.server.badging import Lab
from tests.server.conftest import RunningServer


def test_a_pack_with_valid_for_days_issues_badges_that_expire(
    server: RunningServer,
    lab_for: Callable[..., Lab],
    capsys: pytest.CaptureFixture[str],
) -> None:
    lab = lab_for(server, valid_for_days=365)
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
    lab_for: Callable[..., Lab],
    capsys: pytest.CaptureFixture[str],
) -> None:
    lab = lab_for(server)
    lab.take(right=True, capsys=capsys)
    lab.carry(capsys)
    with Session(server.engine) as session:
        badge = session.exec(select(Badge)).one()
    assert "validUntil" not in parse_compact(badge.jwt).payload
    assert "expires" not in parse_compact(badge.assertion_jws or "").payload
