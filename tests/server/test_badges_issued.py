"""Badges issued on the server's own re-score, and pulled in the ``badges`` stream."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, col, select

from mcdesk.badges.didkey import did_key_for
from mcdesk.badges.jws import parse_compact
from mcdesk.badges.verdict import Outcome
from mcdesk.badges.verify import verify_badge
from mcdesk.cli.main import main
from mcdesk.keys import verify_signature
from mcdesk.protocol.files import RECEIPTS_KIND, read_signed_file
from mcdesk.server.badge_models import Badge
from mcdesk.server.models import Change, Result, ServerPackKey
from mcdesk.server.signer import load_signer
from tests.badges.test_credentials import _validate
from tests.server.badging import Lab
from tests.server.conftest import RunningServer

CONTRACT_FIELDS = {
    "credential_id", "learner_id", "pack_id", "result_id", "status", "jwt", "assertion_jws",
    "verify_url", "issued_at", "revoked_reason",
}  # fmt: skip


EXPECTED_ALIGNMENTS = [
    {
        "targetName": "Power-operated hand tools",
        "targetUrl": "https://www.osha.gov/laws-regs/regulations/standardnumber/1926/1926.302",
        "targetFramework": "OSHA Construction Industry Regulations",
        "targetCode": "29 CFR 1926.302",
        "targetDescription": "Skills: Measuring",
    },
    {
        "targetName": "Architecture & Construction <Career Cluster>",
        "targetUrl": "https://careertech.org/career-clusters/",
        "targetFramework": "Advance CTE Career Clusters",
        "targetCode": "AC",
    },
]


def server_did(server: RunningServer) -> str:
    with Session(server.engine) as session:
        signer = load_signer(session)
    assert signer is not None
    return did_key_for(signer.public_key)


def badges(server: RunningServer) -> list[Badge]:
    with Session(server.engine) as session:
        return list(session.exec(select(Badge)))


def test_a_passed_result_issues_one_badge_that_the_station_pulls_and_verifies(
    server: RunningServer,
    lab_for: Callable[..., Lab],
    capsys: pytest.CaptureFixture[str],
) -> None:
    lab = lab_for(server)
    result_id = lab.take(right=True, capsys=capsys)
    lab.carry(capsys)
    receipts = lab.carry(capsys)  # the same file again: still one badge
    (badge,) = badges(server)
    assert badge.result_id == result_id
    assert badge.learner_id == lab.learner_id
    assert badge.revoked_at is None

    items = lab.pull_badges()
    assert [key for key, _ in items] == [badge.credential_id]
    document = items[0][1]
    assert document is not None
    assert set(document) == CONTRACT_FIELDS
    assert document["status"] == "issued"
    assert document["result_id"] == result_id
    assert document["pack_id"] == "sample-pack"
    assert document["credential_id"].startswith("urn:uuid:")
    assert document["verify_url"] is None  # no --public-url
    assert document["revoked_reason"] is None
    verdict = verify_badge(
        document["jwt"].encode(),
        now=datetime.now(UTC),
        identity=lab.learner_id,
        trusted_issuers=[server_did(server)],
    )
    # Without a public URL the credential names no status list, so nothing is left unchecked.
    assert verdict.outcome is Outcome.VERIFIED, verdict.reason
    assert verdict.credential is not None
    achievement = verdict.credential["credentialSubject"]["achievement"]
    assert achievement["name"] == "Sample Pack"
    # The pack's [[standards]] become alignments, in 3.0 and in the 2.0 BadgeClass alike.
    assert achievement["alignment"] == [
        {**entry, "type": ["Alignment"]} for entry in EXPECTED_ALIGNMENTS
    ]
    _validate(verdict.credential)
    assertion = parse_compact(badge.assertion_jws).payload
    assert assertion["badge"]["alignment"] == EXPECTED_ALIGNMENTS
    assert json.loads(badge.assertion)["badge"]["alignment"] == EXPECTED_ALIGNMENTS
    assert lab.pull_badges() == []  # the cursor moved on

    # The USB road: the receipts file carries the same document, signed by the server key.
    body, signature = read_signed_file(receipts, RECEIPTS_KIND)
    assert verify_signature(lab.server_key(), signature, body)
    assert json.loads(body)["badges"] == [document]


def test_a_failed_result_issues_nothing(
    server: RunningServer,
    lab_for: Callable[..., Lab],
    capsys: pytest.CaptureFixture[str],
) -> None:
    lab = lab_for(server)
    lab.take(right=False, capsys=capsys)
    lab.carry(capsys)
    with Session(server.engine) as session:
        (result,) = session.exec(select(Result)).all()
        assert result.rescored
        assert not result.passed
        stream = session.exec(select(Change).where(col(Change.stream) == "badges")).all()
    assert badges(server) == []
    assert stream == []
    assert lab.pull_badges() == []


def test_a_result_scored_later_by_rescore_issues_its_badge_then(
    server: RunningServer,
    lab_for: Callable[..., Lab],
    capsys: pytest.CaptureFixture[str],
) -> None:
    lab = lab_for(server)
    result_id = lab.take(right=True, capsys=capsys)
    # The server loses its pack key before the results arrive: it cannot re-score them.
    with Session(server.engine) as session:
        held = session.exec(select(ServerPackKey)).one()
        kept = ServerPackKey.model_validate(held.model_dump())
        session.delete(held)
        session.commit()
    lab.carry(capsys)
    assert badges(server) == []  # the station's word alone issues nothing
    with Session(server.engine) as session:
        session.add(kept)
        session.commit()
    assert main(["admin", "rescore", *lab.db]) == 0
    assert "1 results re-scored" in capsys.readouterr().out
    (badge,) = badges(server)
    assert badge.result_id == result_id
    assert [key for key, _ in lab.pull_badges()] == [badge.credential_id]
