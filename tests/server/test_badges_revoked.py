"""Revoking a badge: the stream, the signed status list, the 2.0 list and hosted assertion."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import requests
from sqlmodel import Session, select

from mcdesk.badges.fetch import fetch_status_list
from mcdesk.badges.verdict import Outcome
from mcdesk.badges.verify import verify_badge
from mcdesk.cli.main import main
from mcdesk.server.badge_models import Badge
from mcdesk.server.issuing import checked_public_url, save_public_url
from tests.server.badging import Lab
from tests.server.conftest import RunningServer
from tests.server.test_badges_issued import server_did


def issued_with_public_url(lab: Lab, *, capsys: pytest.CaptureFixture[str]) -> tuple[Lab, Badge]:
    """Lab 9's passed result, carried to a server that publishes at its own address."""
    server = lab.server
    save_public_url(database_url=lab.db[1], url=server.base_url + "/")
    lab.take(right=True, capsys=capsys)
    lab.carry(capsys)
    with Session(server.engine) as session:
        badge = session.exec(select(Badge)).one()
    return lab, badge


def check(lab: Lab, jwt: str) -> Outcome:
    verdict = verify_badge(
        jwt.encode(),
        now=datetime.now(UTC),
        identity=lab.learner_id,
        fetch_status=fetch_status_list,
        trusted_issuers=[server_did(lab.server)],
    )
    return verdict.outcome


def test_a_revoked_badge_reads_revoked_everywhere_with_its_reason(
    server: RunningServer,
    lab_for: Callable[..., Lab],
    capsys: pytest.CaptureFixture[str],
) -> None:
    lab, badge = issued_with_public_url(lab_for(server), capsys=capsys)
    uuid = badge.credential_id.removeprefix("urn:uuid:")
    (item,) = lab.pull_badges()
    assert item[1] is not None
    assert item[1]["verify_url"] == f"{server.base_url}/verify/{uuid}"
    assert check(lab, badge.jwt) is Outcome.VERIFIED  # the live status list says not revoked
    hosted = requests.get(server.url(f"/ob2/assertions/{uuid}"), timeout=10)
    assert hosted.status_code == 200
    assert hosted.json()["verification"] == {"type": "hosted"}
    assert hosted.json()["id"] == server.url(f"/ob2/assertions/{uuid}")
    assert requests.get(server.url(f"/badges/{uuid}"), timeout=10).json() == hosted.json()

    reason = "awarded in error: the wrong learner signed in"
    assert main(["admin", "badge", "revoke", badge.credential_id, "--reason", reason, *lab.db]) == 0
    assert f"badge {badge.credential_id} revoked: {reason}" in capsys.readouterr().out

    assert check(lab, badge.jwt) is Outcome.REVOKED
    (item,) = lab.pull_badges()
    assert item[0] == badge.credential_id
    assert item[1] is not None
    assert (item[1]["status"], item[1]["revoked_reason"]) == ("revoked", reason)
    assert item[1]["jwt"] == badge.jwt
    gone = requests.get(server.url(f"/ob2/assertions/{uuid}"), timeout=10)
    assert gone.status_code == 410
    assert (gone.json()["revoked"], gone.json()["revocationReason"]) == (True, reason)
    revocations = requests.get(server.url("/ob2/revocations"), timeout=10).json()
    assert revocations["type"] == "RevocationList"
    assert revocations["revokedAssertions"] == [
        {"id": server.url(f"/ob2/assertions/{uuid}"), "revocationReason": reason}
    ]


def test_revoking_refuses_in_words(
    server: RunningServer,
    lab_for: Callable[..., Lab],
    capsys: pytest.CaptureFixture[str],
) -> None:
    lab, badge = issued_with_public_url(lab_for(server), capsys=capsys)
    revoke = ["admin", "badge", "revoke"]
    assert main([*revoke, badge.credential_id, "--reason", "  ", *lab.db]) == 1
    assert "give the reason for revoking" in capsys.readouterr().err
    assert main([*revoke, "urn:uuid:nope", "--reason", "x", *lab.db]) == 1
    assert "no badge 'urn:uuid:nope' on this server" in capsys.readouterr().err
    assert main([*revoke, badge.credential_id, "--reason", "first", *lab.db]) == 0
    assert main([*revoke, badge.credential_id, "--reason", "again", *lab.db]) == 1
    assert "already revoked (first)" in capsys.readouterr().err
    missing = requests.get(server.url("/badges/status/2"), timeout=10)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no status list '2' on this server"
    assert requests.get(server.url("/badges/nope"), timeout=10).status_code == 404


def test_without_a_public_url_nothing_is_published(server: RunningServer) -> None:
    for path in ("/badges/status/1", "/ob2/revocations", "/badges/some-id"):
        answer = requests.get(server.url(path), timeout=10)
        assert answer.status_code == 404
        assert "no public URL" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ("ftp://badges.example.org", "must be an http(s) address"),
        ("badges.example.org", "must be an http(s) address"),
        ("https://badges.example.org/?a=1", "takes no query or fragment"),
    ],
)
def test_a_public_url_that_is_not_one_is_refused_in_words(given: str, why: str) -> None:
    with pytest.raises(ValueError, match=re.escape(why)):
        checked_public_url(given)
    assert checked_public_url(" https://badges.example.org/ ") == "https://badges.example.org"
