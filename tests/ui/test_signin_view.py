"""The sign-in screen as a learner or teacher meets it, by keyboard alone where it matters."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from mcdesk.study.home import RosterEntry
from mcdesk.ui.signin_view import SignInView
from mcdesk.ui.theme import apply_theme

ROSTER = [
    RosterEntry(learner_id="l-ana", display_name="Ana López", class_name="Welding 1"),
    RosterEntry(learner_id="l-andre", display_name="André Martin", class_name="Carpentry 2"),
    RosterEntry(learner_id="l-ben", display_name="Ben Okafor", class_name="Welding 1"),
    RosterEntry(learner_id="l-bea", display_name="Beatriz Silva", class_name="Carpentry 2"),
    RosterEntry(learner_id="l-cole", display_name="Cole Nguyen", class_name="Welding 1"),
]


@pytest.fixture
def view(qtbot: QtBot) -> SignInView:
    """The screen in an active window, so keyboard focus behaves as on a desktop."""
    view = SignInView()
    qtbot.addWidget(view)
    view.show_roster(ROSTER, station_name="Lab 3")
    view.resize(800, 560)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    return view


def focused(view: SignInView) -> QWidget:
    widget = view.focusWidget()
    assert widget is not None
    assert widget is QApplication.focusWidget()
    return widget


def press(qtbot: QtBot, view: SignInView, key: Qt.Key) -> None:
    """A key goes where a real keyboard's would: to the widget with focus."""
    qtbot.keyClick(focused(view), key)


def type_text(qtbot: QtBot, view: SignInView, text: str) -> None:
    qtbot.keyClicks(focused(view), text)


def shown_rows(view: SignInView) -> list[str]:
    rows = (view.names.item(row) for row in range(view.names.count()))
    return [item.text() for item in rows if not item.isHidden()]


def selected(view: SignInView) -> list[str]:
    return [item.text() for item in view.names.selectedItems()]


def test_the_list_is_grouped_by_class_and_the_filter_has_focus(view: SignInView) -> None:
    assert shown_rows(view) == [
        "Carpentry 2",
        "André Martin",
        "Beatriz Silva",
        "Welding 1",
        "Ana López",
        "Ben Okafor",
        "Cole Nguyen",
    ]
    assert focused(view) is view.filter
    assert view.filter.accessibleName() == "Find your name"
    assert view.pin.accessibleName() == "PIN"
    assert view.pin.echoMode() == view.pin.EchoMode.Password
    assert "Lab 3" in view.station.text()
    assert selected(view) == []


def test_typing_narrows_the_list_and_a_single_match_is_picked(
    qtbot: QtBot, view: SignInView
) -> None:
    type_text(qtbot, view, "an")
    assert shown_rows(view) == ["Carpentry 2", "André Martin", "Welding 1", "Ana López"]
    assert selected(view) == []
    type_text(qtbot, view, "dre")  # "andre" finds "André": accents need not be typed
    assert shown_rows(view) == ["Carpentry 2", "André Martin"]
    assert selected(view) == ["André Martin"]
    assert view.chosen.text() == "Signing in as André Martin"

    view.filter.clear()
    type_text(qtbot, view, "zz")
    assert shown_rows(view) == []
    assert selected(view) == []
    assert "No name matches “zz”" in view.message.text()
    assert view.message.objectName() == "hint"


def test_keyboard_only_sign_in_sends_the_learner_id_and_pin(qtbot: QtBot, view: SignInView) -> None:
    type_text(qtbot, view, "b")  # Ben Okafor and Beatriz Silva
    press(qtbot, view, Qt.Key.Key_Down)
    assert focused(view) is view.names
    assert selected(view) == ["Beatriz Silva"]
    press(qtbot, view, Qt.Key.Key_Down)  # past the "Welding 1" heading
    assert selected(view) == ["Ben Okafor"]
    press(qtbot, view, Qt.Key.Key_Return)
    assert focused(view) is view.pin
    type_text(qtbot, view, "48x21")  # the letter is refused as it is typed
    assert view.pin.text() == "4821"
    with qtbot.waitSignal(view.learner_sign_in, timeout=1000) as signed_in:
        press(qtbot, view, Qt.Key.Key_Return)
    assert signed_in.args == ["l-ben", "4821"]
    assert view.pin.text() == ""


def test_up_from_the_first_name_goes_back_to_the_filter(qtbot: QtBot, view: SignInView) -> None:
    press(qtbot, view, Qt.Key.Key_Down)
    assert selected(view) == ["André Martin"]
    press(qtbot, view, Qt.Key.Key_Up)
    assert focused(view) is view.filter


def test_tab_goes_through_the_controls_in_reading_order(qtbot: QtBot, view: SignInView) -> None:
    seen = [focused(view)]
    for _ in range(4):
        press(qtbot, view, Qt.Key.Key_Tab)
        seen.append(focused(view))
    assert seen == [
        view.filter,
        view.names,
        view.pin,
        view.sign_in_button,
        view.teacher_button,
    ]


def test_a_short_pin_or_no_name_gets_a_message_not_a_sign_in(
    qtbot: QtBot, view: SignInView
) -> None:
    with qtbot.assertNotEmitted(view.learner_sign_in):
        view.pin.setFocus()
        type_text(qtbot, view, "1234")
        press(qtbot, view, Qt.Key.Key_Return)
        assert "Pick your name first" in view.message.text()
        assert view.message.objectName() == "error"
        assert focused(view) is view.filter

        type_text(qtbot, view, "cole")
        view.pin.clear()
        view.pin.setFocus()
        type_text(qtbot, view, "12")
        press(qtbot, view, Qt.Key.Key_Return)
        assert "A PIN is 4 to 6 digits" in view.message.text()
        assert view.message.objectName() == "error"
        assert view.message.text().startswith("⚠")  # not by colour alone
        assert focused(view) is view.pin

    view.pin.setFocus()
    type_text(qtbot, view, "123456789")
    assert view.pin.text() == "123456"
    with qtbot.waitSignal(view.learner_sign_in, timeout=1000) as signed_in:
        press(qtbot, view, Qt.Key.Key_Return)
    assert signed_in.args == ["l-cole", "123456"]
    assert not view.message.isVisible()


def test_busy_locks_the_inputs_then_gives_the_pin_back_its_focus(
    qtbot: QtBot, view: SignInView
) -> None:
    type_text(qtbot, view, "cole")
    view.set_busy(True)
    for widget in (view.filter, view.names, view.pin, view.sign_in_button, view.teacher_button):
        assert not widget.isEnabled()
    assert view.message.text() == "Checking…"
    view.set_busy(False)
    assert view.pin.isEnabled()
    assert view.sign_in_button.isEnabled()
    assert focused(view) is view.pin


def test_a_refusal_with_a_wait_counts_down_then_lets_the_learner_try_again(
    qtbot: QtBot, view: SignInView
) -> None:
    type_text(qtbot, view, "cole")
    view.pin.setFocus()
    type_text(qtbot, view, "1111")
    with qtbot.waitSignal(view.learner_sign_in, timeout=1000):
        press(qtbot, view, Qt.Key.Key_Return)
    view.set_busy(True)
    view.show_learner_refused("Too many wrong tries.", 1)
    assert "Too many wrong tries." in view.message.text()
    assert view.message.objectName() == "error"
    assert view.pin.text() == ""
    assert not view.sign_in_button.isEnabled()
    assert view.wait_label.text() == "Wait 1 s before the next try"
    with qtbot.assertNotEmitted(view.learner_sign_in):
        type_text(qtbot, view, "2222")
        press(qtbot, view, Qt.Key.Key_Return)

    qtbot.waitUntil(view.sign_in_button.isEnabled, timeout=5000)
    assert not view.wait_label.isVisible()
    assert view.message.text() == "You can try again now."
    with qtbot.waitSignal(view.learner_sign_in, timeout=1000) as signed_in:
        press(qtbot, view, Qt.Key.Key_Return)
    assert signed_in.args == ["l-cole", "2222"]


def test_a_wait_holds_back_only_the_learner_who_was_refused(qtbot: QtBot, view: SignInView) -> None:
    type_text(qtbot, view, "cole")
    view.show_learner_refused("Too many wrong tries.", 30)
    assert not view.sign_in_button.isEnabled()
    view.filter.clear()
    view.filter.setFocus()
    type_text(qtbot, view, "ben")  # the next learner at the station
    assert view.sign_in_button.isEnabled()
    assert not view.wait_label.isVisible()
    view.filter.clear()
    type_text(qtbot, view, "cole")
    assert not view.sign_in_button.isEnabled()
    assert view.wait_label.text() == "Wait 30 s before the next try"


def test_a_refusal_without_a_wait_keeps_sign_in_available(view: SignInView) -> None:
    view.show_learner_refused("That PIN is not right.", 0)
    assert view.message.text() == "⚠ That PIN is not right."
    assert view.sign_in_button.isEnabled()
    assert not view.wait_label.isVisible()


def test_teacher_sign_in_round_trip_by_keyboard(qtbot: QtBot, view: SignInView) -> None:
    for _ in range(4):
        press(qtbot, view, Qt.Key.Key_Tab)
    assert focused(view) is view.teacher_button
    press(qtbot, view, Qt.Key.Key_Space)
    assert view.pages.currentWidget() is view.teacher_panel
    assert focused(view) is view.user_name
    type_text(qtbot, view, "mr.lee")
    press(qtbot, view, Qt.Key.Key_Return)
    assert focused(view) is view.password
    assert view.password.echoMode() == view.password.EchoMode.Password
    with qtbot.assertNotEmitted(view.teacher_sign_in):
        press(qtbot, view, Qt.Key.Key_Return)
    assert "Type your password" in view.teacher_message.text()
    type_text(qtbot, view, "not it")
    with qtbot.waitSignal(view.teacher_sign_in, timeout=1000) as signed_in:
        press(qtbot, view, Qt.Key.Key_Return)
    assert signed_in.args == ["mr.lee", "not it"]
    assert view.password.text() == ""

    view.show_teacher_refused("Wrong user name or password.", 1)
    assert not view.teacher_sign_in_button.isEnabled()
    assert view.teacher_wait_label.text() == "Wait 1 s before the next try"
    qtbot.waitUntil(view.teacher_sign_in_button.isEnabled, timeout=5000)

    press(qtbot, view, Qt.Key.Key_Escape)
    assert view.pages.currentWidget() is view.learner_panel
    assert focused(view) is view.filter
    qtbot.mouseClick(view.teacher_button, Qt.MouseButton.LeftButton)
    assert view.pages.currentWidget() is view.teacher_panel
    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    assert view.pages.currentWidget() is view.learner_panel


def test_reset_starts_afresh(qtbot: QtBot, view: SignInView) -> None:
    type_text(qtbot, view, "cole")
    view.pin.setFocus()
    type_text(qtbot, view, "12")
    view.show_learner_refused("Too many wrong tries.", 30)
    view.show_teacher_panel()
    view.reset()
    assert view.pages.currentWidget() is view.learner_panel
    assert view.filter.text() == ""
    assert view.pin.text() == ""
    assert selected(view) == []
    assert len(shown_rows(view)) == 7
    assert not view.message.isVisible()
    assert not view.wait_label.isVisible()
    assert focused(view) is view.filter


def test_an_empty_roster_says_so(view: SignInView) -> None:
    view.show_roster([], station_name="Lab 3")
    view.reset()
    assert shown_rows(view) == []
    assert "No learners" in view.message.text()


def test_enter_in_the_filter_goes_to_the_pin_once_a_name_is_picked(
    qtbot: QtBot, view: SignInView
) -> None:
    type_text(qtbot, view, "a")  # several names: Enter goes into the list to pick one
    press(qtbot, view, Qt.Key.Key_Return)
    assert focused(view) is view.names
    assert selected(view) == ["André Martin"]
    view.filter.clear()
    view.filter.setFocus()
    type_text(qtbot, view, "okaf")
    press(qtbot, view, Qt.Key.Key_Return)
    assert focused(view) is view.pin
    assert view.chosen.text() == "Signing in as Ben Okafor"


def test_a_class_of_forty_fits_1024_by_600_at_150_percent_text(
    qtbot: QtBot, themed: QApplication
) -> None:
    apply_theme(themed, text_scale=150)
    view = SignInView()
    qtbot.addWidget(view)
    view.show_roster(
        [RosterEntry(f"l-{n}", f"Learner Number {n}", "Welding 1") for n in range(40)],
        station_name="Lab 3",
    )
    view.show_learner_refused("Too many wrong tries. Wait 30 s, then try again.", 30)
    view.resize(1024, 520)  # what is left of 600 px below a header and above a status bar
    view.show()
    qtbot.waitExposed(view)
    hint = view.minimumSizeHint()
    assert hint.width() <= 1024
    assert hint.height() <= 520
    for widget in (view.filter, view.pin, view.sign_in_button, view.teacher_button):
        assert widget.height() >= widget.minimumSizeHint().height()
    assert view.names.height() >= 4 * view.names.sizeHintForRow(1)  # several names in sight


def test_the_pin_and_its_refusal_do_not_carry_over_to_the_next_learner_picked(
    qtbot: QtBot, view: SignInView
) -> None:
    type_text(qtbot, view, "cole")
    view.show_learner_refused("Too many wrong tries. Wait 30 s.", 30)
    view.pin.setFocus()
    type_text(qtbot, view, "9876")
    view.filter.clear()
    view.filter.setFocus()
    type_text(qtbot, view, "ben")  # the next learner picks their name
    assert selected(view) == ["Ben Okafor"]
    assert view.pin.text() == ""
    assert not view.message.isVisible()
    assert "Too many" not in view.message.text()
    assert not view.wait_label.isVisible()
    view.pin.setFocus()
    type_text(qtbot, view, "1234")
    view.filter.setFocus()
    view.filter.clear()
    press(qtbot, view, Qt.Key.Key_Down)
    assert focused(view) is view.names
    press(qtbot, view, Qt.Key.Key_Up)  # a different name picked from the list
    assert selected(view) == ["Ana López"]
    assert view.pin.text() == ""
