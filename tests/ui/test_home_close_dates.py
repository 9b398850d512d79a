"""Close dates on the learner's home: the date under a micro-credential's title, a closed one
said plainly with whom to ask, both in the accessible tree, and nothing cut at 200% text."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mcdesk.study.grant_dates import CloseDate, ClosedPack
from mcdesk.study.home import LearnerHome
from mcdesk.ui.home_view import HomeView
from tests.ui.a11y import Role, accessible_tree
from tests.ui.fit import assert_fits, large_text
from tests.ui.test_home_view import CARPENTRY, SAFETY, TITLES, WALLET
from tests.ui.test_pack_page import shown_texts

SOON = CloseDate("Assessment open until 25 November · closes in 3 days", urgent=True)
LATER = CloseDate("Assessment open until 12 December", urgent=False)
CLOSED = ClosedPack(
    "kitchen",
    "Kitchen Prep",
    "Closed at the end of 19 November. Ask Ms. Rivera if you need it opened again.",
)
HOME = LearnerHome(
    mine=(dataclasses.replace(CARPENTRY, closes=SOON), dataclasses.replace(SAFETY, closes=LATER)),
    continue_at=("carpentry", "estimating"),
    not_granted=(),
    closed=(CLOSED,),
)


def _view(qtbot: QtBot, size: tuple[int, int] = (1024, 600)) -> HomeView:
    view = HomeView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.show_home(learner_name="Ana Lima", home=HOME, skill_titles=TITLES, wallet=WALLET)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_each_card_gives_its_close_date_and_a_closed_one_says_whom_to_ask(qtbot: QtBot) -> None:
    view = _view(qtbot)
    carpentry = view.pack_cards["carpentry"]
    assert carpentry.closes is not None
    assert carpentry.closes.text() == SOON.words
    assert carpentry.closes.objectName() == "error"  # three days: marked, and said in words
    safety = view.pack_cards["safety"]
    assert safety.closes is not None
    assert safety.closes.objectName() == "muted"
    texts = shown_texts(view)
    assert texts.index(SOON.words) < texts.index("✔ Measuring · Self-check mastered")
    (closed,) = view.closed_cards
    assert shown_texts(closed) == ["Kitchen Prep", CLOSED.words]
    # Below the open ones, above the badges; and not a button: it opens nothing.
    assert texts.index("Kitchen Prep") > texts.index(LATER.words)
    assert texts.index("Kitchen Prep") < texts.index("My badges")
    assert closed not in view.findChildren(type(carpentry))


def test_a_screen_reader_hears_the_dates_in_words(qtbot: QtBot) -> None:
    view = _view(qtbot)
    card = view.pack_cards["carpentry"]
    assert card.accessibleName() == "Carpentry Basics"
    assert card.accessibleDescription().startswith(
        "Assessment open until 25 November: closes in 3 days. 1 of 3 skills mastered."
    )
    tree = accessible_tree(view)
    (closed,) = [node for node in tree if node.name == "Kitchen Prep: closed"]
    assert closed.showing
    assert closed.description == CLOSED.words
    (button,) = [n for n in tree if n.role == Role.PushButton and n.name == "Carpentry Basics"]
    assert button.description == card.accessibleDescription()


def test_the_dates_fit_at_1024_by_600_with_200_percent_text(
    qtbot: QtBot, themed: QApplication
) -> None:
    large_text(themed, scale=200)
    view = _view(qtbot, (1024, 475))  # the page area the window leaves at 200% text
    assert_fits(qtbot, view, screen="home with close dates")
    large_text(themed, scale=200, high_contrast=True)
    assert_fits(qtbot, view, screen="home with close dates, high contrast")
