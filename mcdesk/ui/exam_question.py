"""One assessment question on screen: its number, prompt, answer widget and save state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from mcdesk.ui.cards import ReadingColumn, text_label
from mcdesk.ui.exam_header import restyle
from mcdesk.ui.item_inputs import ItemInput, instructions, make_item_input

_NO_FOCUS = Qt.FocusPolicy.NoFocus


def _plain(item: Mapping[str, Any]) -> str:
    """The prompt without its Markdown marks, as a screen reader should say it."""
    document = QTextDocument()
    document.setMarkdown(str(item["prompt"]))
    return " ".join(document.toPlainText().split())


class QuestionPanel(ReadingColumn):
    """Shows one item in the reading column; the owner listens to its answer widget."""

    keep_order = Signal()  # an ordering item's shown order is the learner's answer
    retry = Signal()  # save the answer again after a failure

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("examQuestion")
        self._input: ItemInput | None = None
        self._ordering = False
        self.progress_label = text_label("", name="examProgress")
        self.progress_label.setContentsMargins(0, 8, 0, 0)
        self.prompt_label = text_label("", name="examPrompt")
        self.prompt_label.setTextFormat(Qt.TextFormat.MarkdownText)
        self.hint_label = text_label("", name="hint")
        self.input_holder = QWidget()
        self.input_area = QVBoxLayout(self.input_holder)
        self.input_area.setContentsMargins(0, 4, 0, 4)
        self.keep_order_button = QPushButton("Use this order as my answer")
        self.keep_order_button.setAccessibleName("Use this order as my answer")
        self.keep_order_button.setAutoDefault(True)
        self.keep_order_button.clicked.connect(self.keep_order)
        self.save_label = text_label("", name="muted")
        self.retry_button = QPushButton("Try saving again")
        self.retry_button.setAccessibleName("Try saving this answer again")
        self.retry_button.setAutoDefault(True)
        self.retry_button.clicked.connect(self.retry)
        self.retry_button.hide()
        status = QWidget()
        status_row = QHBoxLayout(status)
        status_row.setContentsMargins(0, 0, 0, 0)
        status_row.addWidget(self.save_label, 1)
        status_row.addWidget(self.retry_button)
        for widget in (self.progress_label, self.prompt_label, self.hint_label, self.input_holder):
            self.add(widget)
        self.add(self.keep_order_button)
        self.add(status)
        self.keep_visible_on_focus(self.retry_button)
        self.finish()

    def show_item(
        self, item: Mapping[str, Any], *, number: int, total: int, response: Any
    ) -> ItemInput:
        """Show ``item`` with ``response`` (None: unanswered) filled in; returns its answer."""
        if self._input is not None:
            self._input.hide()
            self._input.deleteLater()
        self.progress_label.setText(f"Question {number} of {total}")
        self.prompt_label.setText(str(item["prompt"]))
        self.hint_label.setText(instructions(item))
        answer = make_item_input(item)
        answer.set_response(response)
        self.input_area.addWidget(answer)
        answer.show()  # now, not on the next event-loop pass, so it can take focus at once
        for widget in (answer, *answer.findChildren(QWidget)):
            if widget.focusPolicy() != _NO_FOCUS:
                self.keep_visible_on_focus(widget)
        self._input = answer
        # Focus lands on the answer, not the prompt: a screen reader should hear the question.
        first = self.focus_chain()[0]
        if not first.accessibleDescription():
            first.setAccessibleDescription(f"Question {number} of {total}. {_plain(item)}")
        self._ordering = item["type"] == "ordering"
        self.keep_order_button.setVisible(self._ordering and response is None)
        self.verticalScrollBar().setValue(0)
        return answer

    def current_input(self) -> ItemInput:
        assert self._input is not None, "show_item() first"
        return self._input

    def response(self) -> Any:
        return self.current_input().response()

    def focus_input(self) -> None:
        if self._input is not None:
            self._input.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_chain(self) -> list[QWidget]:
        """This question's Tab stops in reading order: the answer, then its own buttons."""
        answer = self.current_input()
        # A drop-down's list is a popup window of its own: not a Tab stop here.
        inside = [
            w
            for w in (answer, *answer.findChildren(QWidget))
            if w.focusPolicy() != _NO_FOCUS and w.window() is answer.window()
        ]
        return [*inside, self.keep_order_button, self.retry_button]

    def set_save_state(self, text: str, name: str, *, retry: bool, answered: bool) -> None:
        """Show "Saving…", "✔ Saved" or the problem; ``name`` is the style (muted/good/error)."""
        self.save_label.setText(text)
        restyle(self.save_label, name)
        self.retry_button.setVisible(retry)
        self.keep_order_button.setVisible(self._ordering and not answered)
