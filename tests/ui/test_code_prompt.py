"""The unlock-code prompt as a teacher meets it: by keyboard, reading digits off a sheet."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from mcdesk.ui.code_prompt import ACTIONS, NO_CODES, CodePrompt, group_code


@pytest.fixture
def prompt(qtbot: QtBot) -> CodePrompt:
    """A prompt asking for code #3, in an active window so focus behaves as on a desktop."""
    prompt = CodePrompt()
    qtbot.addWidget(prompt)
    prompt.set_counter(3)
    prompt.resize(640, 360)
    with qtbot.waitActive(prompt):
        prompt.show()
        prompt.activateWindow()
    prompt.focus_field()
    return prompt


@pytest.fixture
def sent(prompt: CodePrompt) -> list[tuple[str, str, int]]:
    """Every ``code_entered`` the prompt emits."""
    codes: list[tuple[str, str, int]] = []
    prompt.code_entered.connect(lambda *args: codes.append(args))
    return codes


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_code(qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def test_it_asks_for_code_k_and_says_when_there_are_none_left(prompt: CodePrompt) -> None:
    assert prompt.counter_label.text() == (
        "Teacher: enter code #3 from your code sheet or teacher page"
    )
    assert prompt.field.isEnabled()
    assert focused() is prompt.field
    prompt.set_counter(None)
    assert prompt.counter_label.text() == NO_CODES
    assert "no unlock codes left" in NO_CODES
    assert not prompt.field.isEnabled()
    assert not prompt.button.isEnabled()


def test_digits_are_shown_plainly_in_two_groups_as_they_are_typed(
    qtbot: QtBot, prompt: CodePrompt
) -> None:
    assert prompt.field.echoMode() == QLineEdit.EchoMode.Normal  # read off a sheet, checked
    assert prompt.field.font().fixedPitch() or prompt.field.font().styleHint() == (
        prompt.field.font().StyleHint.Monospace
    )
    type_code(qtbot, "1234")
    assert prompt.field.text() == "1234"
    type_code(qtbot, "5")
    assert prompt.field.text() == "1234 5"
    type_code(qtbot, "a-6/7 89")  # letters, signs, a second gap and a 9th digit go nowhere
    assert prompt.field.text() == "1234 5678"
    qtbot.keyClick(prompt.field, Qt.Key.Key_Backspace)
    qtbot.keyClick(prompt.field, Qt.Key.Key_Backspace)
    qtbot.keyClick(prompt.field, Qt.Key.Key_Backspace)
    assert prompt.field.text() == "1234 5"
    qtbot.keyClick(prompt.field, Qt.Key.Key_Backspace)
    assert prompt.field.text() == "1234"
    prompt.field.clear()
    prompt.field.insert("8765 4321")  # pasted with its gap, as the sheet prints it
    assert prompt.field.text() == "8765 4321"
    prompt.field.clear()
    prompt.field.insert("²³")  # other digits than 0-9 are not code digits
    assert prompt.field.text() == ""
    assert group_code("12345678") == "1234 5678"


def test_a_digit_typed_in_the_middle_regroups_the_code(qtbot: QtBot, prompt: CodePrompt) -> None:
    type_code(qtbot, "123456")
    prompt.field.setCursorPosition(2)
    type_code(qtbot, "9")
    assert prompt.field.text() == "1293 456"
    assert prompt.field.cursorPosition() == 3


def test_enter_sends_the_digits_only_with_the_single_action(
    qtbot: QtBot, prompt: CodePrompt, sent: list[tuple[str, str, int]]
) -> None:
    assert not prompt.choice_box.isVisible()  # one action: nothing to choose
    assert prompt.button.text() == "Start the assessment"
    type_code(qtbot, "12345678")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert sent == [("12345678", "start", 0)]
    assert prompt.field.text() == ""  # a sent code does not linger on screen


def test_fewer_than_eight_digits_are_not_sent(
    qtbot: QtBot, prompt: CodePrompt, sent: list[tuple[str, str, int]]
) -> None:
    type_code(qtbot, "1234567")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert sent == []
    assert prompt.message.text() == "⚠ A code has 8 digits."
    assert prompt.message.objectName() == "error"
    assert prompt.field.text() == "1234 567"  # kept, so the missing digit can be added
    type_code(qtbot, "8")
    qtbot.mouseClick(prompt.button, Qt.MouseButton.LeftButton)
    assert sent == [("12345678", "start", 0)]
    assert not prompt.message.isVisible()


def test_several_actions_are_a_choice_and_add_time_asks_for_minutes(
    qtbot: QtBot, prompt: CodePrompt, sent: list[tuple[str, str, int]]
) -> None:
    prompt.set_actions(["resume", "extend", "pause", "leave"])
    radios = prompt.choices.buttons()
    assert [r.text() for r in radios] == [
        "Resume the assessment",
        "Add time",
        "Pause",
        "Leave the assessment (it stays paused; resume later)",
    ]
    assert prompt.choice_box.isVisible()
    assert radios[0].isChecked()
    assert prompt.button.text() == "Resume"
    assert not prompt.minutes.isVisible()

    radios[0].setFocus()
    qtbot.keyClick(radios[0], Qt.Key.Key_Down)  # arrows move through the choice
    assert radios[1].isChecked()
    assert prompt.chosen_action == "extend"
    assert prompt.offered_actions == ["resume", "extend", "pause", "leave"]
    assert prompt.button.text() == "Add time"
    assert prompt.minutes.isVisible()
    assert prompt.minutes.value() == 5
    assert (prompt.minutes.minimum(), prompt.minutes.maximum()) == (5, 60)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is prompt.minutes
    qtbot.keyClick(prompt.minutes, Qt.Key.Key_Up)
    assert prompt.minutes.value() == 10
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is prompt.field
    type_code(qtbot, "11112222")
    qtbot.keyClick(focused(), Qt.Key.Key_Enter)
    assert sent == [("11112222", "extend", 10)]

    prompt.choose("leave")
    assert not prompt.minutes.isVisible()
    assert prompt.button.text() == "Leave"
    prompt.focus_field()
    type_code(qtbot, "33334444")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert sent[-1] == ("33334444", "leave", 0)  # minutes only go with "extend"


def test_a_single_action_names_the_button(prompt: CodePrompt) -> None:
    for action, (_choice, button) in ACTIONS.items():
        prompt.set_actions([action])
        assert prompt.button.text() == button
        assert prompt.choices.buttons() == []
    prompt.set_actions(["extend"])
    prompt.choose("extend")  # the only one: already chosen
    assert prompt.minutes.isVisible()
    with pytest.raises(ValueError, match="pause"):
        prompt.choose("pause")
    with pytest.raises(ValueError, match="actions"):
        prompt.set_actions(["open-sesame"])
    with pytest.raises(ValueError, match="actions"):
        prompt.set_actions([])


def test_a_refusal_with_a_wait_counts_down_then_lets_the_teacher_try_again(
    qtbot: QtBot, prompt: CodePrompt, sent: list[tuple[str, str, int]]
) -> None:
    type_code(qtbot, "12345678")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    prompt.set_busy(True)
    assert not prompt.field.isEnabled()
    assert prompt.message.text() == "Checking the code…"
    prompt.show_refused("That code is not right. Check the number on the sheet.", 2)
    assert prompt.message.text().startswith("⚠ That code is not right")
    assert prompt.message.objectName() == "error"
    assert prompt.field.text() == ""
    assert not prompt.field.isEnabled()
    assert not prompt.button.isEnabled()
    assert prompt.wait_label.text() == "Wait 2 s"
    prompt.submit()  # nothing happens while waiting
    assert len(sent) == 1
    qtbot.waitUntil(lambda: prompt.wait_label.text() == "Wait 1 s", timeout=5000)
    assert not prompt.field.isEnabled()
    qtbot.waitUntil(prompt.field.isEnabled, timeout=5000)
    assert not prompt.wait_label.isVisible()
    assert prompt.message.text() == "You can try again now."
    assert focused() is prompt.field


def test_a_refusal_without_a_wait_leaves_the_field_ready(prompt: CodePrompt) -> None:
    prompt.set_busy(True)
    prompt.show_refused("That code is not right.", 0)
    assert prompt.field.isEnabled()
    assert not prompt.wait_label.isVisible()
    prompt.reset()
    assert not prompt.message.isVisible()


def test_every_control_is_named_for_assistive_technology(prompt: CodePrompt) -> None:
    prompt.set_actions(["resume", "extend", "pause"])
    controls = [*prompt.choices.buttons(), prompt.minutes, prompt.field, prompt.button]
    for control in controls:
        assert control.accessibleName(), control
        assert control.accessibleDescription(), control
    assert prompt.code_label.buddy() is prompt.field
    assert prompt.minutes_label.buddy() is prompt.minutes
