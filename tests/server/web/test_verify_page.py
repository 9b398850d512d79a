"""The public verify page in a real browser, on badges a real server issued."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.by import By
from sqlmodel import Session, select

from mcdesk.badges.baking import BadgeVersion, bake_png
from mcdesk.badges.images import BadgeArt, badge_png
from mcdesk.badges.jws import b64url, b64url_decode, parse_compact
from mcdesk.cli.main import main
from mcdesk.server.badge_models import Badge
from mcdesk.server.issuing import save_public_url
from tests.server.badging import Lab
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import TeacherBrowser


@pytest.fixture
def badge(
    trc: TrcServer,
    lab_for: Callable[..., Lab],
    capsys: pytest.CaptureFixture[str],
) -> Badge:
    """A badge the server issued for a passed result, with a public URL so it can be revoked."""
    lab = lab_for(trc.server)
    save_public_url(database_url=lab.db[1], url=trc.base_url + "/")
    lab.take(right=True, capsys=capsys)
    lab.carry(capsys)
    trc.clock.catch_up()  # issued at the real time: the page's clock must not be behind it
    with Session(trc.server.engine) as session:
        return session.exec(select(Badge)).one()


def upload(browser: TeacherBrowser, *, file: Path | None = None, pasted: str = "") -> None:
    browser.open("/verify")
    if file is not None:
        browser.driver.find_element(By.ID, "badge-file").send_keys(str(file))
    if pasted:
        browser.driver.find_element(By.ID, "pasted").send_keys(pasted)
    browser.click_and_wait(browser.driver.find_element(By.CSS_SELECTOR, "form.card button"))


def verdict(browser: TeacherBrowser) -> str:
    return str(browser.driver.find_element(By.CLASS_NAME, "verdict-word").text)


def test_the_link_says_verified_then_revoked_with_the_reason(
    browser: TeacherBrowser, badge: Badge, trc: TrcServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert badge.verify_url is not None
    browser.open(badge.verify_url.removeprefix(trc.base_url))
    assert verdict(browser) == "Verified"
    text = browser.text()
    assert "Sample" in browser.driver.find_element(By.CLASS_NAME, "achievement").text
    assert "Issued by\nNorthside" in text
    assert "signature: passed" in text
    assert "revocation: passed" in text
    assert browser.driver.find_element(By.CLASS_NAME, "badge-art").get_attribute("naturalWidth")
    browser.screenshot("verify-verified")

    reason = "awarded in error: the wrong learner signed in"
    db = ["--db", trc.server.engine.url.render_as_string(hide_password=False)]
    assert main(["admin", "badge", "revoke", badge.credential_id, "--reason", reason, *db]) == 0
    capsys.readouterr()
    browser.open(badge.verify_url.removeprefix(trc.base_url))
    assert verdict(browser) == "Revoked"
    assert reason in browser.text()
    browser.screenshot("verify-revoked")


def test_a_badge_past_its_pack_expiry_says_expired_with_the_date(
    browser: TeacherBrowser,
    trc: TrcServer,
    lab_for: Callable[..., Lab],
    capsys: pytest.CaptureFixture[str],
) -> None:
    lab = lab_for(trc.server, valid_for_days=30)
    save_public_url(database_url=lab.db[1], url=trc.base_url)
    lab.take(right=True, capsys=capsys)
    lab.carry(capsys)
    with Session(trc.server.engine) as session:
        badge = session.exec(select(Badge)).one()
    assert badge.verify_url is not None
    until = parse_compact(badge.jwt).payload["validUntil"]
    trc.clock.now = datetime.now(UTC) + timedelta(days=1)
    browser.open(badge.verify_url.removeprefix(trc.base_url))
    assert verdict(browser) == "Verified"
    assert f"Valid until\n{until[:10]}" in browser.text()
    trc.clock.now = datetime.now(UTC) + timedelta(days=31)
    browser.open(badge.verify_url.removeprefix(trc.base_url))
    assert verdict(browser) == "Expired"
    assert f"expired on {until[:10]}" in browser.text()
    assert f"Expired on\n{until[:10]}" in browser.text()
    browser.screenshot("verify-expired")


def test_an_uploaded_baked_png_says_verified(
    browser: TeacherBrowser, badge: Badge, tmp_path: Path
) -> None:
    art = badge_png(BadgeArt(title="Sample", cluster="Manufacturing"))
    baked = tmp_path / "badge.png"
    baked.write_bytes(bake_png(image=art, text=badge.jwt, version=BadgeVersion.OB3))
    upload(browser, file=baked)
    assert verdict(browser) == "Verified"
    assert "format: passed" in browser.text()
    browser.screenshot("verify-upload")


def test_a_tampered_jwt_is_not_valid(browser: TeacherBrowser, badge: Badge) -> None:
    head, payload, signature = badge.jwt.split(".")
    claims = json.loads(b64url_decode(payload))
    claims["credentialSubject"]["achievement"]["name"] = "Master Welder"
    forged = b64url(json.dumps(claims).encode())
    upload(browser, pasted=f"{head}.{forged}.{signature}")
    assert verdict(browser) == "Not valid"
    assert "signature: FAILED" in browser.text()
    assert "Master Welder" not in browser.text()
    browser.screenshot("verify-not-valid")


def test_garbage_and_nothing_are_refused_in_words(browser: TeacherBrowser, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"\x89PNG not really \x00\xff" * 50)
    upload(browser, file=garbage)
    assert verdict(browser) == "Not valid"
    assert "Traceback" not in browser.text()
    upload(browser)
    assert "Choose a badge file or paste a badge" in browser.text()
    browser.open("/verify/not-a-badge")
    assert "issued no badge with that link" in browser.text()


def test_refusals_are_4xx_in_words(trc: TrcServer) -> None:
    url = trc.base_url + "/verify"
    big = requests.post(url, files={"badge": ("big.png", b"\x00" * (3 * 1024 * 1024))}, timeout=30)
    assert big.status_code == 413
    assert "too large" in big.text
    junk = requests.post(url, files={"badge": ("x.json", b"{not json")}, timeout=10)
    assert junk.status_code == 400
    assert "Not valid" in junk.text
    empty = requests.post(url, data={"pasted": "  "}, timeout=10)
    assert (empty.status_code, "Choose a badge file" in empty.text) == (400, True)
    odd = requests.post(url, data=b"x", headers={"Content-Type": "text/plain"}, timeout=10)
    assert odd.status_code == 415
    missing = requests.get(url + "/00000000-0000-0000-0000-000000000000", timeout=10)
    assert missing.status_code == 404
    assert missing.headers["X-Frame-Options"] == "DENY"
