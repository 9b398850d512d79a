"""The learner's home: continue card, progress per micro-credential, badges, keyboard, fit."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication
from pytestqt.qtbot import QtBot

from mcdesk.content.catalog import CatalogEntry
from mcdesk.study.home import LearnerHome, PackProgress, SkillLine
from mcdesk.study.progress import SkillStage, SkillState
from mcdesk.sync.wallet import ClusterProgress, HeldBadge, PendingBadge, Wallet
from mcdesk.ui.home_view import NO_BADGES, NOTHING_GRANTED, HomeView
from tests.ui.test_pack_page import (
    assert_nothing_clipped,
    large_text,  # noqa: F401  (a fixture: pytest finds it by name)
    shown_texts,
)


def _entry(pack_id: str, title: str, *, preview: bool = False) -> CatalogEntry:
    return CatalogEntry(
        id=pack_id,
        version="1.0.0",
        title=title,
        career_cluster="Architecture & Construction",
        summary=f"All about {title}.",
        preview=preview,
        skill_titles=(),
    )


def _line(
    skill_id: str, title: str, stage: SkillStage, score: tuple[float, int] | None = None
) -> SkillLine:
    studied = stage in ("studied", "mastered")
    return SkillLine(skill_id, title, SkillState(skill_id, stage, 300, studied, score))


CARPENTRY = PackProgress(
    entry=_entry("carpentry", "Carpentry Basics"),
    skills=(
        _line("measuring", "Measuring", "mastered", (5.0, 5)),
        _line("estimating", "Estimating", "in_progress"),
        _line("plans", "Reading plans", "not_started"),
    ),
    next_step="Start “Reading plans”",
    next_skill_id="plans",
)
SAFETY = PackProgress(
    entry=_entry("safety", "Jobsite Safety", preview=True),
    skills=(_line("hazards", "Hazards", "studied"),),
    next_step="Pass the self-check for “Hazards”",
    next_skill_id="hazards",
)
HOME = LearnerHome(
    mine=(CARPENTRY, SAFETY),
    continue_at=("carpentry", "estimating"),
    not_granted=(_entry("kitchen", "Kitchen Prep"),),
)
EMPTY = LearnerHome(mine=(), continue_at=None, not_granted=(_entry("kitchen", "Kitchen Prep"),))
TITLES = {("carpentry", "estimating"): "Estimating materials"}


CLUSTER = "Architecture & Construction"
CARPENTRY_BADGE = HeldBadge(
    credential_id="urn:uuid:1",
    pack_id="carpentry",
    title="Carpentry Basics",
    career_cluster=CLUSTER,
    issued_at="2026-11-02T15:30:00Z",
    revoked=False,
    revoked_reason=None,
    verify_url=None,
)
WALLET = Wallet(
    pending=(),
    issued=(CARPENTRY_BADGE,),
    revoked=(),
    clusters=(ClusterProgress(CLUSTER, ("Carpentry Basics",), ("Jobsite Safety",)),),
)


FULL_WALLET = Wallet(
    pending=(
        PendingBadge(
            pack_id="safety",
            title="Jobsite Safety: Hazard Spotter",
            career_cluster=CLUSTER,
            reason="Waiting for the school server: this station has not synced since 2 days ago.",
        ),
    ),
    issued=(CARPENTRY_BADGE,),
    revoked=(
        dataclasses.replace(
            CARPENTRY_BADGE,
            credential_id="urn:uuid:2",
            title="Kitchen Prep",
            career_cluster="Hospitality & Tourism",
            revoked=True,
            revoked_reason="issued to the wrong learner",
        ),
    ),
    clusters=WALLET.clusters,
)


def test_pending_and_revoked_badges_say_why_in_words(qtbot: QtBot) -> None:
    view = _view(qtbot, wallet=FULL_WALLET)
    texts = shown_texts(view)
    assert "Jobsite Safety: Hazard Spotter · Pending" in texts
    assert FULL_WALLET.pending[0].reason in texts
    assert "Revoked by the school: issued to the wrong learner" in texts
    assert texts.index(f"1 of 2 in {CLUSTER}") < texts.index("Hospitality & Tourism")
    revoked = view.badge_cards["urn:uuid:2"]
    assert revoked.accessibleName() == "Badge: Kitchen Prep"
    assert revoked.accessibleDescription().startswith("Revoked by the school")


def test_an_expiring_badge_gives_its_date_and_an_expired_one_says_expired(qtbot: QtBot) -> None:
    expiring = dataclasses.replace(CARPENTRY_BADGE, expires_at="2029-11-02T15:30:00Z")
    expired = dataclasses.replace(
        CARPENTRY_BADGE,
        credential_id="urn:uuid:3",
        title="Jobsite Safety",
        expires_at="2026-11-30T00:00:00Z",
        expired=True,
    )
    wallet = dataclasses.replace(WALLET, issued=(expiring,), expired=(expired,))
    view = _view(qtbot, wallet=wallet)
    texts = shown_texts(view)
    assert "Issued 2 November 2026 · valid until 2 November 2029" in texts
    assert "Expired on 30 November 2026" in texts
    card = view.badge_cards["urn:uuid:3"]
    assert card.accessibleDescription().startswith("Expired on 30 November 2026")
    assert card.state.objectName() == ""


def _view(qtbot: QtBot, home: LearnerHome = HOME, wallet: Wallet | None = WALLET) -> HomeView:
    view = HomeView()
    qtbot.addWidget(view)
    view.resize(1024, 600)  # the size of the main window's page area on a small lab screen
    view.show_home(learner_name="Ana Lima", home=home, skill_titles=TITLES, wallet=wallet)
    return view


def test_the_home_greets_and_shows_progress_in_words_and_symbols(qtbot: QtBot) -> None:
    view = _view(qtbot)
    assert view.greeting.text() == "Hi, Ana"
    assert list(view.pack_cards) == ["carpentry", "safety"]
    card = view.pack_cards["carpentry"]
    assert [label.text() for label in card.skill_lines] == [
        "✔ Measuring · Self-check mastered",
        "◐ Estimating · In progress",
        "○ Reading plans · Not started",
    ]
    assert card.mastered.text() == "1 of 3 skills mastered"
    assert card.next_step.text() == "Next step: Start “Reading plans”"
    assert card.badge is None
    safety = view.pack_cards["safety"]
    assert safety.skill_lines[0].text() == "● Hazards · Studied"
    assert safety.mastered.text() == "0 of 1 skill mastered"
    assert safety.badge is not None
    assert safety.badge.text() == "Preview"
    texts = shown_texts(view)
    assert "Kitchen Prep" not in " ".join(texts)  # the catalog page lists the others
    assert f"1 of 2 in {CLUSTER}" in texts
    assert "Issued 2 November 2026" in texts
    assert "Still to earn: Jobsite Safety" in texts
    assert view.badge_cards["urn:uuid:1"].accessibleName() == "Badge: Carpentry Basics"
    assert NO_BADGES not in texts


def test_the_continue_card_names_skill_and_pack_and_opens_the_skill(qtbot: QtBot) -> None:
    view = _view(qtbot)
    card = view.continue_card
    assert card is not None
    assert "Estimating materials · Carpentry Basics" in shown_texts(card)
    assert (
        card.accessibleName()
        == "Continue where you left off: Estimating materials · Carpentry Basics"
    )
    with qtbot.waitSignal(view.open_skill, timeout=1000) as signal:
        qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert signal.args == ["carpentry", "estimating"]


def test_no_continue_card_without_a_place_or_for_a_pack_no_longer_open(qtbot: QtBot) -> None:
    assert _view(qtbot, EMPTY).continue_card is None
    gone = LearnerHome(mine=(SAFETY,), continue_at=("carpentry", "estimating"), not_granted=())
    assert _view(qtbot, gone).continue_card is None


def test_cards_say_their_progress_to_screen_readers_in_words(qtbot: QtBot) -> None:
    view = _view(qtbot)
    for button in view.findChildren(QAbstractButton):
        assert button.accessibleName(), button
    card = view.pack_cards["safety"]
    assert card.accessibleName() == "Jobsite Safety"
    description = card.accessibleDescription()
    assert description.startswith("Preview. 0 of 1 skill mastered. Next step: Pass the self-check")
    assert "Hazards: Studied" in description
    assert "●" not in description


def test_a_click_opens_a_micro_credential_and_the_button_browses(qtbot: QtBot) -> None:
    view = _view(qtbot)
    with qtbot.waitSignal(view.open_pack, timeout=1000) as signal:
        qtbot.mouseClick(view.pack_cards["safety"], Qt.MouseButton.LeftButton)
    assert signal.args == ["safety"]
    with qtbot.waitSignal(view.browse_catalog, timeout=1000):
        qtbot.mouseClick(view.browse_button, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize(
    "key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space], ids=["Return", "Enter", "Space"]
)
def test_the_keyboard_alone_goes_card_by_card_and_opens(qtbot: QtBot, key: Qt.Key) -> None:
    view = _view(qtbot)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    assert view.continue_card is not None
    view.continue_card.setFocus()
    qtbot.waitUntil(view.continue_card.hasFocus)
    # One focus stop per card, in reading order, ending on the browse button.
    badge = view.badge_cards["urn:uuid:1"]
    stops = [view.pack_cards["carpentry"], view.pack_cards["safety"], badge, view.browse_button]
    for stop in stops:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert stop.hasFocus()
    qtbot.keyClick(view.browse_button, Qt.Key.Key_Backtab)
    assert badge.hasFocus()
    with qtbot.waitSignal(view.open_badge, timeout=1000) as opened:
        qtbot.keyClick(badge, key)
    assert opened.args == ["urn:uuid:1"]
    view.pack_cards["safety"].setFocus()
    with qtbot.waitSignal(view.open_pack, timeout=1000) as signal:
        qtbot.keyClick(view.pack_cards["safety"], key)
    assert signal.args == ["safety"]
    view.continue_card.setFocus()
    with qtbot.waitSignal(view.open_skill, timeout=1000) as skill:
        qtbot.keyClick(view.continue_card, key)
    assert skill.args == ["carpentry", "estimating"]


def test_nothing_open_and_no_badges_are_said_plainly(qtbot: QtBot) -> None:
    view = _view(qtbot, EMPTY, wallet=None)
    texts = shown_texts(view)
    assert NOTHING_GRANTED in texts
    assert NO_BADGES in texts
    assert view.pack_cards == {}
    assert view.badge_cards == {}
    assert view.browse_button.isVisibleTo(view)


def test_a_name_less_learner_is_still_greeted(qtbot: QtBot) -> None:
    view = HomeView()
    qtbot.addWidget(view)
    view.show_home(learner_name="  ", home=EMPTY, skill_titles={})
    assert view.greeting.text() == "Hi"


def test_showing_home_again_replaces_what_was_there(qtbot: QtBot) -> None:
    view = _view(qtbot)
    view.show_home(learner_name="Ben", home=EMPTY, skill_titles={}, wallet=None)
    assert view.greeting.text() == "Hi, Ben"
    assert view.continue_card is None
    assert "Carpentry Basics" not in " ".join(shown_texts(view))


@pytest.mark.usefixtures("large_text")
@pytest.mark.parametrize("home", [HOME, EMPTY], ids=["progress", "empty"])
def test_nothing_is_cut_off_at_1024_by_600_with_large_text(qtbot: QtBot, home: LearnerHome) -> None:
    view = _view(qtbot, home, wallet=FULL_WALLET)
    assert_nothing_clipped(qtbot, view)
