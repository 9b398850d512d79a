"""The wallet in the real app: a badge in the store, on home, its page, every download checked.

The badge is issued for real with mcdesk.badges by a server-like key and stored through
the station's own badge road (``store_badges``); each download is then checked with the
one core verifier, and the PDF certificate is rendered by pdftoppm and read by pdftotext.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from mcdesk.badges.didkey import did_key_for
from mcdesk.badges.issuer_key import issuer_key_from_private
from mcdesk.badges.status_list import build_status_list
from mcdesk.badges.verdict import Outcome
from mcdesk.badges.verify import verify_badge
from mcdesk.paths import Paths
from mcdesk.store.connection import opened
from mcdesk.study.prefs import ReadingPrefs
from mcdesk.sync.apply_badges import store_badges
from mcdesk.ui.badge_flow import BadgeFlow
from mcdesk.ui.main_window import MainWindow
from mcdesk.ui.study_flow import StudyFlow
from tests.badges.samples import ISSUED, LIST_URL, NOW
from tests.sync.badging import badge_document
from tests.ui.a11y import accessible_tree, unnamed_controls
from tests.ui.conftest import Launched
from tests.ui.fit import assert_fits, large_text

StartApp = Callable[..., Launched]
WAIT = 30_000
SERVER = Ed25519PrivateKey.generate()
PACK = "carpentry-basics"


def status_lists(url: str) -> bytes:
    assert url == LIST_URL
    key = issuer_key_from_private(SERVER)
    return build_status_list(key=key, list_url=LIST_URL, revoked=(), issued_at=ISSUED).encode()


def _home_with_a_badge(
    start_app: StartApp, qtbot: QtBot, home: Paths, *, valid_until: datetime | None = None
) -> MainWindow:
    window = start_app().window
    qtbot.waitUntil(lambda: window.signin_view.names.count() > 0, timeout=WAIT)
    with opened(home.database) as connection:
        (learner_id,) = connection.execute(
            "SELECT id FROM learner WHERE display_name = 'Grace Kim'"
        ).fetchone()
        document = badge_document(
            SERVER, learner_id=learner_id, pack_id=PACK, valid_until=valid_until
        )
        intake = store_badges(
            connection, [document], issuer=did_key_for(SERVER.public_key()), now=NOW
        )
    assert intake.stored == 1
    view = window.signin_view
    qtbot.keyClicks(view.filter, "Grace Kim")
    qtbot.keyClick(view.filter, Qt.Key.Key_Return)
    qtbot.keyClicks(view.pin, "1234")
    qtbot.keyClick(view.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_view, timeout=WAIT)
    qtbot.waitUntil(lambda: bool(window.home_view.badge_cards), timeout=WAIT)
    return window


def _open_badge(qtbot: QtBot, window: MainWindow) -> BadgeFlow:
    (card,) = window.home_view.badge_cards.values()
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.badge_page, timeout=WAIT)
    study = window.study
    assert isinstance(study, StudyFlow)
    flow = study._badges  # made on first use by the study flow
    assert flow is not None
    return flow


def test_a_badge_opens_from_home_and_every_download_verifies(
    start_app: StartApp, bundled: Path, qtbot: QtBot, home: Paths, tmp_path: Path
) -> None:
    window = _home_with_a_badge(start_app, qtbot, home)
    flow = _open_badge(qtbot, window)
    page = window.badge_page
    assert page.title.text() == "Basic Construction Math"
    assert page.status.text() == "Issued to Grace Kim on 2 November 2026"
    assert unnamed_controls(accessible_tree(page)) == []

    chosen: list[str] = []

    def choose(suggested: str, file_filter: str) -> str:
        chosen.append(suggested)
        return str(tmp_path / Path(suggested).name)

    flow.choose_path = choose
    for action in ("png", "png2", "svg", "json", "pdf"):
        before = len(flow.saved)
        qtbot.mouseClick(page.buttons[action], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda n=before: len(flow.saved) > n, timeout=WAIT)
    assert [Path(s).name for s in chosen] == [
        "grace-kim-basic-construction-math.png",
        "grace-kim-basic-construction-math-ob2.png",
        "grace-kim-basic-construction-math.svg",
        "grace-kim-basic-construction-math.json",
        "grace-kim-basic-construction-math.pdf",
    ]
    png, png2, svg, json_file, pdf = flow.saved
    for path in (png, json_file):
        verdict = verify_badge(path.read_bytes(), now=NOW, fetch_status=status_lists)
        assert verdict.outcome is Outcome.VERIFIED, (path.name, verdict.reason)
    for path in (png2, svg):  # 2.0: signature, issuer and content hold (no list to fetch)
        verdict = verify_badge(path.read_bytes(), now=NOW, fetch_status=status_lists)
        assert verdict.outcome in (Outcome.VERIFIED, Outcome.UNCONFIRMED), verdict.reason
        assert [c.state.value for c in verdict.checks[:4]] == ["passed"] * 4, verdict.checks

    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    for words in ("Grace Kim", "Basic Construction Math", "Lincoln High School", "Convert"):
        assert words in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    (rendered,) = tmp_path.glob("page*.png")
    assert rendered.stat().st_size > 1000
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    assert re.search(r"^Pages:\s+1$", pages.stdout, re.MULTILINE), pages.stdout

    opened_urls: list[str] = []
    flow.open_url = opened_urls.append
    qtbot.mouseClick(page.buttons["linkedin"], Qt.MouseButton.LeftButton)
    (linkedin,) = opened_urls
    fields = parse_qs(urlsplit(linkedin).query)
    assert fields["name"] == ["Basic Construction Math"]
    assert fields["certUrl"] == [document_url(flow)]
    qtbot.mouseClick(page.buttons["copy"], Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == document_url(flow)

    qtbot.keyClick(page, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_view, timeout=WAIT)
    study = window.study
    assert isinstance(study, StudyFlow)
    study.sign_out()
    assert flow.detail is None  # the next learner cannot reach this badge
    assert page.buttons == {}


def document_url(flow: BadgeFlow) -> str:
    assert flow.detail is not None
    assert flow.detail.verify_url is not None
    return flow.detail.verify_url


@pytest.mark.parametrize("contrast", [False, True], ids=["light", "high-contrast"])
def test_home_and_the_badge_page_fit_1024_by_600_with_200_percent_text(
    start_app: StartApp,
    bundled: Path,
    qtbot: QtBot,
    home: Paths,
    themed: QApplication,
    contrast: bool,
) -> None:
    window = _home_with_a_badge(start_app, qtbot, home)
    window.showNormal()
    window.resize(1024, 600)
    large_text(themed, scale=200, high_contrast=contrast)
    study = window.study
    assert isinstance(study, StudyFlow)
    study.apply_prefs(ReadingPrefs(text_scale=200, high_contrast=contrast))
    study.show_home()
    qtbot.waitUntil(lambda: bool(window.home_view.badge_cards), timeout=WAIT)
    assert_fits(qtbot, window, screen="home with a badge")
    _open_badge(qtbot, window)
    assert_fits(qtbot, window, screen="badge page")


def test_an_expired_badge_says_so_on_home_and_on_its_page(
    start_app: StartApp, bundled: Path, qtbot: QtBot, home: Paths
) -> None:
    # Valid for ten days from 2 November 2026: long past by the station's clock.
    until = ISSUED + timedelta(days=10)
    window = _home_with_a_badge(start_app, qtbot, home, valid_until=until)
    (card,) = window.home_view.badge_cards.values()
    assert card.state.text() == "Expired on 12 November 2026"
    assert card.state.objectName() == ""  # plain ink, not the accent of a success
    _open_badge(qtbot, window)
    page = window.badge_page
    assert page.status.text() == "Expired on 12 November 2026"
    texts = [label.text() for label in page.findChildren(QLabel)]
    assert any("An expired badge no longer counts" in text for text in texts), texts
    assert "png" in page.buttons  # still the learner's to keep and show
