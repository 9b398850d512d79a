"""The teacher page's record of this station: one card per attempt, its incidents on selection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from mcdesk.ui.cards import Card, text_label

if TYPE_CHECKING:
    from mcdesk.exam.station_record import AttemptLine

NO_ATTEMPTS = "No assessments on this station yet by learners of your classes."


def incidents_count(line: AttemptLine) -> str:
    count = len(line.incidents)
    return "No incidents" if count == 0 else f"{count} incident{'' if count == 1 else 's'}"


def facts(line: AttemptLine) -> str:
    """Started, state, score and outcome in one line: "Started … · Submitted · 6 of 6 · Pass"."""
    parts = [f"Started {line.started}", line.state, line.score, line.outcome]
    return " · ".join(part for part in parts if part)


def incident_text(line: AttemptLine) -> list[str]:
    return [f"{i.at} {i.words}" + (f" ({i.detail})" if i.detail else "") for i in line.incidents]


def _summary(line: AttemptLine) -> str:
    return f"{line.learner}, {line.title}: {facts(line)}. {incidents_count(line)}."


class AttemptCard(Card):
    """An attempt with incidents: selecting it (click, Enter or Space) lists them below."""

    def __init__(self, line: AttemptLine) -> None:
        super().__init__()
        self.attempt_id = line.attempt_id
        self.setCheckable(True)
        self.body.addWidget(text_label(f"{line.learner} — {line.title}", name="cardTitle"))
        self.body.addWidget(text_label(facts(line)))
        self.count = text_label("", name="error")
        self.body.addWidget(self.count)
        self.incident_labels: list[QLabel] = []
        for text in incident_text(line):
            label = text_label(f"• {text}")
            label.hide()
            self.body.addWidget(label)
            self.incident_labels.append(label)
        self._line = line
        self.setAccessibleName(_summary(line))
        self.toggled.connect(self._show_incidents)
        self._show_incidents(False)

    def _show_incidents(self, shown: bool) -> None:
        for label in self.incident_labels:
            label.setVisible(shown)
        them = "them" if len(self._line.incidents) > 1 else "it"
        action = f"select to hide {them}" if shown else f"select to list {them}"
        self.count.setText(f"{incidents_count(self._line)} · {action}")
        self.setAccessibleDescription(
            "; ".join(incident_text(self._line)) if shown else "Select to list the incidents."
        )
        self.updateGeometry()


def attempt_panel(line: AttemptLine) -> QFrame:
    """An attempt without incidents: words, not a button (there is nothing more to show)."""
    frame = QFrame()
    frame.setObjectName("plainCard")
    box = QVBoxLayout(frame)
    box.setContentsMargins(16, 12, 16, 12)  # plus the styled border and margin: a card's 18, 14
    box.addWidget(text_label(f"{line.learner} — {line.title}", name="cardTitle"))
    box.addWidget(text_label(facts(line)))
    box.addWidget(text_label(incidents_count(line), name="muted"))
    frame.setAccessibleName(_summary(line))
    return frame


def attempt_widgets(lines: Sequence[AttemptLine]) -> list[QWidget]:
    """A card per attempt, in the order given (the record's count says why there are none)."""
    return [AttemptCard(line) if line.incidents else attempt_panel(line) for line in lines]
