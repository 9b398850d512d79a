"""The career-day kiosk's screens: attract, explorer, taste, closing, and the countdown."""

from __future__ import annotations

import random
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mcdesk.study.kiosk import Cluster, Taste
from mcdesk.ui.selfcheck_view import SelfCheckView
from mcdesk.ui.touch import TARGET_PX, WrappingButton, big_button, touch_scrolling


def _label(text: str = "", *, name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)  # pack and school names shown as written
    return label


class AttractPage(QWidget):
    """The idle screen: an invitation to touch, the school's name and a staff door."""

    started = Signal()
    staff = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Welcome")
        self.school = _label(name="pageTitle")
        self.school.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo = QLabel()
        self.logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = _label("What could you build, fix, heal or create?", name="kioskHeadline")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.start_button = WrappingButton("Touch here to explore careers", name="kioskStart")
        self.start_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.start_button.setMinimumHeight(TARGET_PX * 2)  # grows to fill; fits 600 px screens
        self.start_button.clicked.connect(self.started.emit)
        self.staff_button = big_button("Staff", name="kioskStaff")
        self.staff_button.setAccessibleName("Staff: settings or leave the kiosk (teacher code)")
        self.staff_button.clicked.connect(self.staff.emit)
        corner = QHBoxLayout()
        corner.addStretch(1)
        corner.addWidget(self.staff_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addLayout(corner)
        layout.addWidget(self.logo)
        layout.addWidget(self.school)
        layout.addWidget(title)
        layout.addWidget(self.start_button, 1)

    def set_school(self, name: str) -> None:
        self.school.setText(name)
        self.school.setVisible(bool(name))


class ExplorerPage(QWidget):
    """Career clusters on the left; the chosen cluster's micro-credentials on the right."""

    cluster_viewed = Signal(str)
    taste_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Career explorer")
        self._clusters: list[Cluster] = []
        self.cluster_buttons: list[WrappingButton] = []
        self.cluster_column = QVBoxLayout()
        side = QWidget()
        side.setLayout(self.cluster_column)
        side_scroll = QScrollArea()
        side_scroll.setWidgetResizable(True)
        side_scroll.setWidget(side)
        side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        side_scroll.setMinimumWidth(TARGET_PX * 4)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the buttons in it
        touch_scrolling(side_scroll)
        self.heading = _label("Pick a career cluster", name="pageTitle")
        self.cards = QVBoxLayout()
        holder = QWidget()
        holder.setLayout(self.cards)
        self.detail = QScrollArea()
        self.detail.setWidgetResizable(True)
        self.detail.setWidget(holder)
        self.detail.setFrameShape(QFrame.Shape.NoFrame)
        self.detail.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        touch_scrolling(self.detail)
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.detail, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(side_scroll, 3)
        layout.addLayout(right, 5)

    def set_clusters(self, clusters: Sequence[Cluster]) -> None:
        self._clusters = list(clusters)
        for button in self.cluster_buttons:
            button.setParent(None)
            button.deleteLater()
        self.cluster_buttons = []
        while self.cluster_column.count():
            self.cluster_column.takeAt(0)
        for cluster in self._clusters:
            button = WrappingButton(cluster.name, name="kioskCluster")
            button.setProperty("cluster", cluster.name)
            # Checked by show_cluster, not auto-exclusive: an exclusive group is one Tab stop,
            # and the keyboard could not reach the other clusters or the cards after them.
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, name=cluster.name: self.show_cluster(name))
            self.cluster_column.addWidget(button)
            self.cluster_buttons.append(button)
        for before, after in zip(self.cluster_buttons, self.cluster_buttons[1:], strict=False):
            QWidget.setTabOrder(before, after)  # Tab walks the clusters top to bottom
        self.cluster_column.addStretch(1)
        self.clear()

    def clear(self) -> None:
        """No cluster chosen: the heading invites a choice, the cards are empty."""
        self.heading.setText("Pick a career cluster")
        for button in self.cluster_buttons:
            button.setChecked(False)
        self._clear_cards()
        note = _label("Each cluster is a family of careers. Touch one to see what the work is.")
        self.cards.addWidget(note)
        self.cards.addStretch(1)

    def _clear_cards(self) -> None:
        while self.cards.count():
            item = self.cards.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()

    def show_cluster(self, name: str) -> None:
        cluster = next((c for c in self._clusters if c.name == name), None)
        if cluster is None:
            return
        for button in self.cluster_buttons:
            button.setChecked(button.property("cluster") == name)
        self.heading.setText(name)
        self._clear_cards()
        before: QWidget = self.cluster_buttons[-1]
        tries: list[QPushButton] = []
        for pack in cluster.packs:
            card = QFrame()
            card.setObjectName("card")
            inside = QVBoxLayout(card)
            inside.addWidget(_label(pack.title, name="cardTitle"))
            inside.addWidget(_label(pack.summary))
            skills = "Skills you would learn: " + "; ".join(pack.skill_titles)
            inside.addWidget(_label(skills, name="hint"))
            row = QHBoxLayout()
            row.addStretch(1)
            try_button = big_button(f"Try {pack.title}".replace("&", "&&"), name="primary")
            try_button.clicked.connect(lambda _=False, pid=pack.id: self.taste_requested.emit(pid))
            row.addWidget(try_button)
            inside.addLayout(row)
            self.cards.addWidget(card)
            # Cards come after the clusters for Tab (made later, they would be last); once
            # in this window, or Qt ignores the order.
            QWidget.setTabOrder(before, try_button)
            before = try_button
            tries.append(try_button)
        self.cards.addStretch(1)
        if tries:
            # The keyboard goes straight on to the cluster's first card: Tab does not reach
            # into the cards from the cluster column (seen with Qt 6.11; setTabOrder too).
            tries[0].setFocus(Qt.FocusReason.OtherFocusReason)
        self.cluster_viewed.emit(name)


class TastePage(QWidget):
    """A micro-credential's overview, then a few self-check questions (the study code's)."""

    finished = Signal(float, int)  # credit, number of questions
    back = Signal()

    def __init__(self, parent: QWidget | None = None, *, seeds: random.Random | None = None):
        super().__init__(parent)
        self.setAccessibleName("Try it")
        self._seeds = seeds or random.Random()
        self._taste: Taste | None = None
        self.title = _label(name="pageTitle")
        self.overview = _label()
        self.skills = _label(name="hint")
        self.start_button = big_button("Try the questions", name="primary")
        self.start_button.clicked.connect(self.start_questions)
        self.back_button = big_button("Back to careers")
        self.back_button.clicked.connect(self.back.emit)
        intro = QWidget()
        column = QVBoxLayout(intro)
        column.addWidget(self.title)
        column.addWidget(self.overview)
        column.addWidget(self.skills)
        column.addStretch(1)
        # Under the scrolling text, always on screen: the way on is never scrolled away.
        self.intro_buttons = QWidget()
        row = QHBoxLayout(self.intro_buttons)
        row.setContentsMargins(9, 0, 9, 0)
        row.addWidget(self.start_button)
        row.addWidget(self.back_button)
        row.addStretch(1)
        self.pages = QStackedWidget()
        self.pages.addWidget(intro)
        self.selfcheck = self._new_selfcheck()
        # Long overviews and feedback scroll rather than being squeezed (small screens).
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.pages)
        touch_scrolling(scroll)
        self.scroll_area = scroll
        self.pages.currentChanged.connect(self._fit_current)
        self._fit_current()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.intro_buttons)

    def _fit_current(self, _index: int = 0) -> None:
        """Only the page on show counts towards the height to scroll (a stack takes all)."""
        current = self.pages.currentWidget()
        self.intro_buttons.setVisible(self.pages.currentIndex() == 0)
        for index in range(self.pages.count()):
            page = self.pages.widget(index)
            if page is None:
                continue
            shown = QSizePolicy.Policy.Preferred
            policy = shown if page is current else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self.pages.adjustSize()
        self.scroll_area.verticalScrollBar().setValue(0)

    def _new_selfcheck(self) -> SelfCheckView:
        view = SelfCheckView(seed_source=self._seeds)
        view.setAccessibleName("Questions")
        for button in (view.check_button, view.next_button, view.retry_button, view.back_button):
            button.setMinimumHeight(TARGET_PX)
        view.finished.connect(lambda credit, total, _responses: self.finished.emit(credit, total))
        # The feedback and "Next question" come in below the answers: scrolled into view.
        view.next_button.installEventFilter(self)
        self.pages.addWidget(view)
        return view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and watched is self.selfcheck.next_button:
            QTimer.singleShot(0, self, self._show_next)  # once the feedback is laid out
        return False

    def _show_next(self) -> None:
        button = self.selfcheck.next_button
        if button.isVisible():
            self.scroll_area.ensureWidgetVisible(button)

    def show_taste(self, taste: Taste) -> None:
        self._taste = taste
        self.title.setText(taste.title)
        self.overview.setText(taste.overview)
        skills = "\n".join(f"• {title}: {summary}" for title, summary in taste.skills)
        self.skills.setText(f"What the work involves:\n{skills}")
        self.start_button.setText(f"Try {len(taste.items)} questions")
        self.start_button.setEnabled(bool(taste.items))
        self.pages.setCurrentIndex(0)

    def start_questions(self) -> None:
        if self._taste is None or not self._taste.items:
            return
        self.pages.setCurrentWidget(self.selfcheck)
        self.selfcheck.start(list(self._taste.items))

    def forget(self) -> None:
        """Drop the visitor's answers with the widgets that held them (undo history too)."""
        self._taste = None
        old = self.selfcheck
        self.pages.removeWidget(old)
        old.setParent(None)
        old.deleteLater()
        self.selfcheck = self._new_selfcheck()
        for label in (self.title, self.overview, self.skills):
            label.clear()
        self.pages.setCurrentIndex(0)
        self._fit_current()


class ClosingPage(QWidget):
    """The visitor's score and where this school teaches it."""

    explore_more = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Your result")
        self.score = _label(name="kioskHeadline")
        self.program = _label(name="pageTitle")
        self.qr_holder = QVBoxLayout()
        self.more_button = big_button("Explore more careers", name="primary")
        self.more_button.clicked.connect(self.explore_more.emit)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(48, 32, 48, 16)
        column.addWidget(self.score)
        column.addWidget(self.program)
        column.addLayout(self.qr_holder)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        touch_scrolling(scroll)
        row = QHBoxLayout()
        row.setContentsMargins(48, 0, 48, 16)
        row.addWidget(self.more_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(row)

    def show_result(self, *, score: str, program: str, qr: QWidget | None) -> None:
        self.score.setText(score)
        self.program.setText(program)
        self._drop_qr()
        if qr is not None:
            self.qr_holder.addWidget(qr)

    def forget(self) -> None:
        self.score.clear()
        self.program.clear()
        self._drop_qr()

    def _drop_qr(self) -> None:
        while self.qr_holder.count():
            item = self.qr_holder.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()


class Countdown(QFrame):
    """ "Still there?": seconds before the kiosk forgets the visit, and a button to stay."""

    stay = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskCountdown")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = _label(name="pageTitle")
        self.stay_button = big_button("I'm still here", name="primary")
        self.stay_button.clicked.connect(self.stay.emit)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.stay_button)
        self.hide()

    def show_seconds(self, seconds: int) -> None:
        self.text.setText(f"Still there? Starting over for the next visitor in {seconds}\u00a0s.")
        self.show()
