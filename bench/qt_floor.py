"""A Qt floor shared by the screen benchmarks: the least a "next question" can cost."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QRadioButton, QVBoxLayout, QWidget


class QuestionSwap:
    """Replaces a prompt and four choices in a plain widget and repaints it, per call."""

    def __init__(self, width: int = 1280, height: int = 800) -> None:
        self.holder = QWidget()
        self.holder.resize(width, height)
        self._rows = QVBoxLayout(self.holder)
        self.holder.show()
        self._number = 0

    def __call__(self) -> None:
        old = self._rows.takeAt(0)
        if old is not None and old.widget() is not None:
            old.widget().deleteLater()
        self._number += 1
        question = QWidget()
        inner = QVBoxLayout(question)
        inner.addWidget(QLabel(f"Question {self._number}: which is its area?"))
        for text in ("80 sq ft", "90 sq ft", "100 sq ft", "110 sq ft"):
            inner.addWidget(QRadioButton(text))
        self._rows.addWidget(question)
        self.holder.repaint()

    def close(self) -> None:
        self.holder.close()
        self.holder.deleteLater()
