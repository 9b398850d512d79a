"""Open Badges 2.0 hosted verification: every URL in a hosted assertion answers, and agrees."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from PIL import Image

from mcdesk.badges.jws import parse_compact
from tests.server.badging import Lab
from tests.server.conftest import RunningServer
from tests.server.test_badges_revoked import issued_with_public_url

OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def urls_in(document: Any) -> Iterator[str]:
    """Every http(s) URL anywhere in a JSON document, but an alignment's ``targetUrl``.

    An alignment points at the standard's publisher (OSHA, NCCER...), not at anything the
    school hosts or a verifier fetches.
    """
    if isinstance(document, dict):
        for key, value in document.items():
            if key != "targetUrl":
                yield from urls_in(value)
    elif isinstance(document, list):
        for value in document:
            yield from urls_in(value)
    elif isinstance(document, str) and document.startswith(("http://", "https://")):
        yield document


def fetch(url: str) -> requests.Response:
    answer = requests.get(url, timeout=10, allow_redirects=True)
    assert answer.status_code == 200, (url, answer.status_code, answer.text[:200])
    return answer


def test_every_url_in_a_hosted_assertion_answers_and_the_chain_holds(
    server: RunningServer,
    lab_for: Callable[..., Lab],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _lab, badge = issued_with_public_url(lab_for(server), capsys=capsys)
    uuid = badge.credential_id.removeprefix("urn:uuid:")
    assertion = fetch(server.url(f"/ob2/assertions/{uuid}")).json()

    # Follow every URL, and every URL in what they answer, until no new one turns up; only
    # the context document is outside this server (a 2.0 verifier ships it).
    seen: dict[str, requests.Response] = {}
    waiting = [u for u in urls_in(assertion) if u != OB2_CONTEXT]
    while waiting:
        url = waiting.pop()
        if url in seen:
            continue
        assert url.startswith(server.base_url), f"{url} is not on the school's public URL"
        seen[url] = fetch(url)
        if "json" in seen[url].headers["content-type"]:
            waiting += [u for u in urls_in(seen[url].json()) if u != OB2_CONTEXT]

    # The badge picture both versions point to is served there too, crisp at 512 px.
    image_url = server.url("/badges/images/sample-pack.png")
    assert image_url in seen
    assert seen[image_url].headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(seen[image_url].content)) as picture:
        assert picture.size == (512, 512)
    credential = parse_compact(badge.jwt).payload
    assert credential["credentialSubject"]["achievement"]["image"]["id"] == image_url
    assert credential["image"]["id"] == image_url

    badge_class_url = server.url("/ob2/badgeclasses/sample-pack")
    issuer_url = server.url("/ob2/issuer")
    assert set(seen) >= {
        server.url(f"/ob2/assertions/{uuid}"),
        badge_class_url,
        issuer_url,
        server.url("/ob2/revocations"),
    }
    # The chain a hosted verifier walks: assertion -> BadgeClass -> Issuer, ids at their URLs.
    assert assertion["badge"] == badge_class_url
    badge_class = seen[badge_class_url].json()
    assert (badge_class["type"], badge_class["id"]) == ("BadgeClass", badge_class_url)
    assert badge_class["issuer"] == issuer_url
    assert badge_class["image"] == image_url
    issuer = seen[issuer_url].json()
    assert (issuer["type"], issuer["id"], issuer["name"]) == ("Issuer", issuer_url, "Northside")
    assert issuer["revocationList"] == server.url("/ob2/revocations")
    for document in (assertion, badge_class, issuer):
        assert document["@context"] == OB2_CONTEXT
    # The issuer's web address opens the public badge check.
    home_page = requests.get(issuer["url"], timeout=10)
    assert home_page.status_code == 200
    assert "Check a badge" in home_page.text

    # The hosted documents are the signed ones, linked instead of embedded.
    signed = parse_compact(badge.assertion_jws).payload
    assert badge_class == {**signed["badge"], "issuer": issuer_url}
    assert issuer == signed["badge"]["issuer"]
    assert issuer["publicKey"] == signed["verification"]["creator"]
    assert {k: v for k, v in assertion.items() if k not in ("badge", "verification")} == {
        k: v for k, v in signed.items() if k not in ("badge", "verification")
    }


def test_hosted_documents_that_do_not_exist_are_404_in_words(
    server: RunningServer,
    lab_for: Callable[..., Lab],
    capsys: pytest.CaptureFixture[str],
) -> None:
    for path in ("/ob2/issuer", "/ob2/badgeclasses/sample-pack"):
        answer = requests.get(server.url(path), timeout=10)
        assert answer.status_code == 404
        assert "no public URL" in answer.json()["detail"]
    issued_with_public_url(lab_for(server), capsys=capsys)
    no_picture = requests.get(server.url("/badges/images/welding-safety.png"), timeout=10)
    assert no_picture.status_code == 404
    assert no_picture.json()["detail"] == "no micro-credential 'welding-safety' on this server"
    other = requests.get(server.url("/ob2/badgeclasses/welding-safety"), timeout=10)
    assert other.status_code == 404
    assert other.json()["detail"] == (
        "no hosted Open Badges 2.0 badge of micro-credential 'welding-safety' yet"
    )
