"""A badge's whole road, as people meet it, with screenshots (docs/screenshots/badge-*.png).

Ana passes Sample Pack on a lab station; the station syncs online and her badge arrives in
the wallet; she downloads the baked PNG and the JSON; an employer checks both on the public
verify page in headless chromium and with ``mcdesk badge verify``. Ben passes too, and his
badge comes back by USB stick. Then the school revokes Ana's badge and both checks say so.
Everything is real: the server on loopback, the station's store and its sync, the app's
window (offscreen), the browser, the command line in its own process.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from selenium.webdriver.common.by import By
from sqlmodel import Session, select

from mcdesk.cli.main import main
from mcdesk.keys import PublisherKey
from mcdesk.paths import Paths
from mcdesk.server.badge_models import Badge
from mcdesk.server.issuing import save_public_url
from mcdesk.server.models import Learner
from mcdesk.study.prefs import ReadingPrefs
from mcdesk.ui.badge_flow import BadgeFlow
from mcdesk.ui.main_window import MainWindow
from mcdesk.ui.study_flow import StudyFlow
from tests.server.badging import provisioned_lab
from tests.server.web.conftest import TrcServer, browser, chromium, trc  # noqa: F401 (fixtures)
from tests.server.web.harness import TeacherBrowser, screenshots_folder
from tests.ui.conftest import Launched
from tests.ui.fit import assert_fits, large_text

StartApp = Callable[..., Launched]
WAIT = 30_000
PINS = {"Ana Ruiz": "4821", "Ben Ode": "139406"}


def learner_id(served: TrcServer, name: str) -> str:
    with Session(served.server.engine) as session:
        return session.exec(select(Learner.id).where(Learner.display_name == name)).one()


def badge_of(served: TrcServer, learner: str) -> Badge:
    with Session(served.server.engine) as session:
        return session.exec(select(Badge).where(Badge.learner_id == learner)).one()


def sign_in(qtbot: QtBot, window: MainWindow, name: str) -> StudyFlow:
    view = window.signin_view
    qtbot.waitUntil(lambda: view.names.count() > 0, timeout=WAIT)
    qtbot.keyClicks(view.filter, name)
    qtbot.keyClick(view.filter, Qt.Key.Key_Return)
    qtbot.keyClicks(view.pin, PINS[name])
    qtbot.keyClick(view.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_view, timeout=WAIT)
    study = window.study
    assert isinstance(study, StudyFlow)
    return study


def shoot(window: MainWindow, shots: Path, name: str) -> Path:
    QApplication.processEvents()
    shots.mkdir(parents=True, exist_ok=True)
    target = shots / f"{name}.png"
    assert window.grab().save(str(target)), f"no screenshot of {name}"
    return target


def home_texts(window: MainWindow) -> str:
    return "\n".join(label.text() for label in window.home_view.findChildren(QLabel))


def terminal_shot(shots: Path, name: str, command: str, output: str) -> Path:
    """The command and what it printed, drawn as a terminal window would show them."""
    from PIL import Image, ImageDraw, ImageFont

    lines = [f"$ {command}", *output.splitlines()]
    try:
        font: ImageFont.ImageFont | ImageFont.FreeTypeFont = ImageFont.truetype(
            "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 15
        )
    except OSError:
        font = ImageFont.load_default()
    width = 24 + max(int(font.getlength(line)) for line in lines)
    picture = Image.new("RGB", (max(width, 640), 24 + 22 * len(lines)), "#1e1e1e")
    draw = ImageDraw.Draw(picture)
    for row, line in enumerate(lines):
        colour = "#9cdcfe" if row == 0 else "#e0e0e0"
        draw.text((12, 12 + 22 * row), line, fill=colour, font=font)
    shots.mkdir(parents=True, exist_ok=True)
    target = shots / f"{name}.png"
    picture.save(target)
    return target


def verify_cli(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mcdesk", "badge", "verify", str(path), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def upload(browser: TeacherBrowser, file: Path) -> str:  # noqa: F811 (the fixture's name)
    browser.open("/verify")
    browser.driver.find_element(By.ID, "badge-file").send_keys(str(file))
    browser.click_and_wait(browser.driver.find_element(By.CSS_SELECTOR, "form.card button"))
    return str(browser.driver.find_element(By.CLASS_NAME, "verdict-word").text)


@pytest.mark.slow
def test_pass_sync_wallet_download_and_verify_online_and_by_usb(
    start_app: StartApp,
    qtbot: QtBot,
    themed: QApplication,
    trc: TrcServer,  # noqa: F811
    browser: TeacherBrowser,  # noqa: F811
    home: Paths,
    tmp_path: Path,
    source: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    capsys: pytest.CaptureFixture[str],
) -> None:
    shots = screenshots_folder(tmp_path / "screenshots")
    lab = provisioned_lab(
        trc.server, home=home, tmp_path=tmp_path, source=source, publisher_key=publisher_key,
        trusted=trusted, capsys=capsys,
    )  # fmt: skip
    save_public_url(database_url=lab.db[1], url=trc.base_url)

    # 1. Ana passes on the lab station: home shows the badge as pending, in words.
    lab.take(right=True, capsys=capsys)
    window = start_app().window
    window.showNormal()
    window.resize(1280, 800)
    study = sign_in(qtbot, window, "Ana Ruiz")
    qtbot.waitUntil(lambda: "Pending" in home_texts(window), timeout=WAIT)
    shoot(window, shots, "badge-1-pending-1280x800")

    # 2. The station syncs online: the result goes up, the server re-scores it and issues
    #    the badge, and the badge comes down in the same round.
    assert main(["sync", "--once", "--server", trc.base_url]) == 0
    capsys.readouterr()
    study.show_home()
    # The home is read again on the queue; wait for the read that follows the sync.
    qtbot.waitUntil(
        lambda: bool(window.home_view.badge_cards) and "Pending" not in home_texts(window),
        timeout=WAIT,
    )
    assert re.search(r"^1 of \d+ in Architecture & Construction$", home_texts(window), re.M)
    shoot(window, shots, "badge-2-wallet-1280x800")

    # 3. She opens it and downloads the baked PNG and the JSON.
    (card,) = window.home_view.badge_cards.values()
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.badge_page, timeout=WAIT)
    flow = study._badges
    assert isinstance(flow, BadgeFlow)
    page = window.badge_page
    assert page.status.text().startswith("Issued to Ana Ruiz on ")
    shoot(window, shots, "badge-3-page-1280x800")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    flow.choose_path = lambda suggested, _filter: str(downloads / Path(suggested).name)
    for action in ("png", "json"):
        before = len(flow.saved)
        qtbot.mouseClick(page.buttons[action], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda n=before: len(flow.saved) > n, timeout=WAIT)
    png, json_file = flow.saved
    assert window.notice_text.text() == "Saved ana-ruiz-sample-pack.json in downloads"
    assert window.notice_text.toolTip() == str(json_file)
    assert png.read_bytes().startswith(b"\x89PNG")

    # The same screens on a small lab screen with 200 % text: nothing cut off.
    window.resize(1024, 600)
    large_text(themed, scale=200)
    study.apply_prefs(ReadingPrefs(text_scale=200, high_contrast=False))
    assert_fits(qtbot, window, screen="badge page at 200 %")
    shoot(window, shots, "badge-3-page-1024x600-200pct")
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_view, timeout=WAIT)
    qtbot.waitUntil(lambda: bool(window.home_view.badge_cards), timeout=WAIT)
    assert_fits(qtbot, window, screen="wallet at 200 %")
    (card,) = window.home_view.badge_cards.values()
    window.home_view.ensureWidgetVisible(card, 0, 120)
    shoot(window, shots, "badge-2-wallet-1024x600-200pct")

    # 4. An employer checks both files on the command line and on the verify page.
    trc.clock.catch_up()  # the badge was issued at the real time
    for path in (png, json_file):
        run = verify_cli(path, "--identity", lab.learner_id)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "revocation: passed — not revoked" in run.stdout
        assert "result: VERIFIED" in run.stdout
        command = f"mcdesk badge verify {path.name} --identity {lab.learner_id}"
        terminal_shot(shots, f"badge-4-cli-verified-{path.suffix[1:]}", command, run.stdout)
    assert upload(browser, json_file) == "Verified", browser.text()
    assert upload(browser, png) == "Verified"
    assert "Sample Pack" in browser.text()
    browser.screenshot("badge-5-verify-page")

    # 5. Ben passes too, and this time the badge goes round on a USB stick.
    ben = learner_id(trc, "Ben Ode")
    dataclasses.replace(lab, learner_id=ben).take(right=True, capsys=capsys)
    receipts = lab.carry(capsys)
    assert main(["sync", "import-receipts", str(receipts)]) == 0
    assert "badges stored in the wallet" in capsys.readouterr().out
    study.sign_out()
    window.resize(1280, 800)
    large_text(themed, scale=100)
    assert window.notice_holder.isHidden()  # Ana's "Saved …" is not left for the next learner
    assert window.notice_text.text() == ""
    study = sign_in(qtbot, window, "Ben Ode")
    qtbot.waitUntil(lambda: bool(window.home_view.badge_cards), timeout=WAIT)
    assert "Sample Pack" in home_texts(window)
    shoot(window, shots, "badge-6-usb-wallet-1280x800")
    with sqlite3.connect(home.database) as raw:
        (bens_jwt,) = raw.execute("SELECT jwt FROM badge WHERE learner_id = ?", (ben,)).fetchone()
    bens = tmp_path / "ben.jwt"
    bens.write_text(bens_jwt)
    run = verify_cli(bens, "--identity", ben)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "result: VERIFIED" in run.stdout

    # 6. The school revokes Ana's badge: the command line and the page both say so.
    anas = badge_of(trc, lab.learner_id)
    reason = "awarded in error: the wrong learner signed in"
    assert main(["admin", "badge", "revoke", anas.credential_id, "--reason", reason, *lab.db]) == 0
    capsys.readouterr()
    run = verify_cli(png)
    assert run.returncode == 1
    assert "result: REVOKED" in run.stdout
    terminal_shot(shots, "badge-7-cli-revoked", f"mcdesk badge verify {png.name}", run.stdout)
    assert upload(browser, png) == "Revoked"
    assert reason in browser.text()
    browser.screenshot("badge-7-verify-revoked")
