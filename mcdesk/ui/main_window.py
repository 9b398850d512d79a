"""The main window: a search field over the catalog, search results and a detail page."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QLineEdit,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mcdesk.ui.background import run_in_background
from mcdesk.ui.catalog_view import CatalogView
from mcdesk.ui.header_bar import HeaderBar
from mcdesk.ui.notice_bar import NoticeBar
from mcdesk.ui.pack_detail import PackDetail
from mcdesk.ui.preparing_page import PreparingPage
from mcdesk.ui.search_results import SearchResultsView
from mcdesk.ui.sync_status import ElidedLabel

if TYPE_CHECKING:
    from mcdesk.content.catalog import CatalogEntry, SearchHit
    from mcdesk.ui.badge_page import BadgePage
    from mcdesk.ui.home_view import HomeView
    from mcdesk.ui.pack_page import PackPage
    from mcdesk.ui.ready_view import ReadyView
    from mcdesk.ui.result_view import ResultView
    from mcdesk.ui.signin_view import SignInView
    from mcdesk.ui.skill_view import SkillView
    from mcdesk.ui.sync_worker import SyncWorker
    from mcdesk.ui.teacher_page import TeacherPage

SEARCH_DELAY_MS = 150  # wait for a pause in typing before searching
SEARCH_PLACEHOLDER = "Search micro-credentials, skills, keywords…"


def count_text(count: int) -> str:
    """The count in words: "1 micro-credential", "3 micro-credentials"."""
    return "1 micro-credential" if count == 1 else f"{count} micro-credentials"


class MainWindow(QMainWindow):
    """The pages and the header; ``StudyFlow`` decides which page shows for whom.

    Shows "Preparing…" until ``show_catalog``; searches run on ``pool``. A catalog card
    opens the guest detail page unless someone is signed in: then ``pack_requested`` is
    emitted and the study flow opens the learner's page for it.
    """

    pack_requested = Signal(str)
    closing = Signal()  # the app is about to end: save what is pending

    def __init__(
        self,
        *,
        pool: QThreadPool,
        search: Callable[[str], list[SearchHit]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("mcdesk")
        self.setMinimumSize(640, 480)
        self._pool = pool
        self._search = search
        self._entries: dict[str, CatalogEntry] = {}
        self._generation = 0  # bumped per search; older answers are stale
        self.signed_in = False
        # Owned by the window, so a refit queued just before it closes dies with it.
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._fit_header)
        self.study: QObject | None = None  # the StudyFlow, set by the composition root
        self.exam: QObject | None = None  # the ExamFlow, likewise
        self.sync: SyncWorker | None = None  # likewise
        self.lockdown_shell: QWidget | None = None  # set on an assessment station (--lockdown)
        # Pools owned by this window's flows (the study queue): drained before it is deleted.
        self._owned_pools: list[QThreadPool] = []

        self.search_field = QLineEdit()
        self.search_field.setObjectName("search")
        self.search_field.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search_field.setAccessibleName("Search the catalog")
        self.search_field.setAccessibleDescription(
            "Type words from a micro-credential, a skill or a keyword. Esc clears the search."
        )
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setEnabled(False)
        self.search_field.textChanged.connect(self._on_text_changed)
        self.search_field.returnPressed.connect(self._search_now)
        clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_field)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self.search_field.clear)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self.focus_search)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search_now)

        self.preparing = PreparingPage()
        self.preparing_title, self.preparing_text = self.preparing.title, self.preparing.text
        self.progress = self.preparing.progress
        self.catalog_view = CatalogView()
        self.catalog_view.opened.connect(self.open_pack)
        self.results_view = SearchResultsView()
        self.results_view.opened.connect(self.open_pack)
        back_to_catalog = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.results_view)
        back_to_catalog.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back_to_catalog.activated.connect(self._clear_search)
        self.detail_view = PackDetail()
        self.detail_view.back.connect(self._leave_detail)
        self._made: dict[str, QWidget] = {}  # the study pages, made on first use
        self.pages = QStackedWidget()
        for page in (
            self.preparing,
            self.catalog_view,
            self.results_view,
            self.detail_view,
        ):
            self.pages.addWidget(page)
        self.pages.currentChanged.connect(self._on_page_changed)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._header())
        self.idle_holder = NoticeBar("I'm still here")
        self.idle_text, self.still_here_button = self.idle_holder.text, self.idle_holder.button
        self.notice_holder = NoticeBar("Dismiss", selectable=True)
        self.notice_text, self.dismiss_button = self.notice_holder.text, self.notice_holder.button
        self.dismiss_button.setAccessibleName("Dismiss the notice")
        self.dismiss_button.clicked.connect(self._dismiss_notice)
        layout.addWidget(self.idle_holder)
        layout.addWidget(self.notice_holder)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        # Gives way to the sync indicator on a cramped bar (large text, small screen).
        self.status_label = ElidedLabel("Preparing…")
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().setSizeGripEnabled(False)

    def add_status_widget(self, widget: QWidget) -> None:
        """A lasting part of the status bar, on the right (the sync indicator)."""
        self.statusBar().addPermanentWidget(widget)

    # The study pages are made when first asked for, not before the first paint: the
    # catalog and --self-test never need them, and their modules cost start-up time.

    def _page(self, name: str, module: str, cls: str) -> QWidget:
        page = self._made.get(name)
        if page is None:
            page = getattr(importlib.import_module(module), cls)()
            self.pages.addWidget(page)
            self._made[name] = page
        return page

    @property
    def signin_view(self) -> SignInView:
        return self._page("signin_view", "mcdesk.ui.signin_view", "SignInView")  # type: ignore[return-value]

    @property
    def home_view(self) -> HomeView:
        return self._page("home_view", "mcdesk.ui.home_view", "HomeView")  # type: ignore[return-value]

    @property
    def pack_page(self) -> PackPage:
        return self._page("pack_page", "mcdesk.ui.pack_page", "PackPage")  # type: ignore[return-value]

    @property
    def skill_view(self) -> SkillView:
        return self._page("skill_view", "mcdesk.ui.skill_view", "SkillView")  # type: ignore[return-value]

    @property
    def teacher_page(self) -> TeacherPage:
        return self._page("teacher_page", "mcdesk.ui.teacher_page", "TeacherPage")  # type: ignore[return-value]

    @property
    def ready_view(self) -> ReadyView:
        return self._page("ready_view", "mcdesk.ui.ready_view", "ReadyView")  # type: ignore[return-value]

    @property
    def badge_page(self) -> BadgePage:
        return self._page("badge_page", "mcdesk.ui.badge_page", "BadgePage")  # type: ignore[return-value]

    @property
    def result_view(self) -> ResultView:
        return self._page("result_view", "mcdesk.ui.result_view", "ResultView")  # type: ignore[return-value]

    def show_idle_warning(self, seconds: int) -> None:
        self.idle_text.setText(
            f"No one has used this station for a while. You will be signed out in {seconds} s "
            "so nobody else can use your account. Press any key or move the mouse to stay."
        )
        self.idle_holder.show()

    def hide_idle_warning(self) -> None:
        self.idle_holder.hide()

    def _header(self) -> QWidget:
        self.header = header = HeaderBar(self.search_field)
        self.brand, self.user_label = header.brand, header.user_label
        self.catalog_button, self.home_button = header.catalog_button, header.home_button
        self.prefs_button, self.sign_out_button = header.prefs_button, header.sign_out_button
        self.sign_in_button = header.sign_in_button
        self.catalog_button.clicked.connect(self.browse_catalog)
        self.set_user(None)
        self.sign_in_button.hide()
        self.catalog_button.hide()
        return header

    def _fit_header(self) -> None:
        self.header.fit(self.width(), signed_in=self.signed_in)

    def own_pool(self, pool: QThreadPool) -> None:
        """Drain ``pool`` in ``wait_for_background`` (a pool that is a child of this window)."""
        self._owned_pools.append(pool)

    def wait_for_background(self, msecs: int = -1) -> bool:
        """Join every task still running on the window's own pools; False at the deadline.

        Call it after ``close`` and before the window is deleted. A QThreadPool deleted
        with its parent waits for its tasks while holding Python's lock, and a task that
        still runs Python (a teacher's codes being sealed) would then wait for ever.
        """
        done = all(pool.waitForDone(msecs) for pool in self._owned_pools)
        sync = self.sync
        if sync is not None:
            sync.stop()
            done = sync.wait(msecs) and done
        return done

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)

    def refit_header(self) -> None:
        """Fit the header once the new text size has reached every widget."""
        self._refit.start()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_header()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.refit_header()

    def set_user(self, name: str | None, *, teacher: bool = False) -> None:
        """Show who is signed in (None: nobody) and the buttons that go with it."""
        self.signed_in = name is not None
        self.user_label.setText("" if name is None else name)
        self.user_label.setVisible(name is not None)
        self.home_button.setVisible(name is not None and not teacher)
        self.prefs_button.setVisible(name is not None and not teacher)
        self.sign_out_button.setVisible(name is not None)
        self.sign_in_button.setVisible(
            name is None and self.pages.currentWidget() is not self._made.get("signin_view")
        )
        self._fit_header()  # a name and other buttons: what fits is not what fitted before

    def show_page(self, page: QWidget) -> None:
        self.pages.setCurrentWidget(page)

    def browse_catalog(self) -> None:
        """The whole catalog, for guests and learners alike."""
        self.search_field.clear()
        self.pages.setCurrentWidget(self.catalog_view)
        self.search_field.setFocus()

    def _on_page_changed(self, _index: int) -> None:
        page = self.pages.currentWidget()
        ready = page is not self.preparing
        self.sign_in_button.setVisible(
            ready and not self.signed_in and page is not self._made.get("signin_view")
        )
        self.catalog_button.setVisible(ready and page not in (self.catalog_view, self.results_view))

    def show_preparing(self) -> None:
        self.pages.setCurrentWidget(self.preparing)

    def show_first_run(self) -> None:
        """The store was new: say that this first start sets the station up."""
        self.preparing.show_first_run()

    def show_problem(self, text: str) -> None:
        """Start-up failed: say so where the catalog would be."""
        self.preparing.show_problem(text)
        self.status_label.setText("Not ready")
        self.pages.setCurrentWidget(self.preparing)

    def show_catalog(self, entries: Sequence[CatalogEntry], *, station_name: str) -> None:
        """The catalog is ready: fill the catalog page and allow searching."""
        self._entries = {entry.id: entry for entry in entries}
        self.catalog_view.show_entries(entries)
        self.status_label.setText(f"{station_name} · {count_text(len(entries))}")
        self.search_field.setEnabled(True)

    def show_notice(self, text: str, *, more: str = "") -> None:
        """A message that does not stop anyone working; Dismiss hides it. ``more``: the
        long detail (a full path), as a tooltip and for screen readers, not on the line."""
        self.notice_text.setText(text)
        self.notice_text.setToolTip(more)
        self.notice_text.setAccessibleDescription(more)
        self.notice_holder.show()

    def _dismiss_notice(self) -> None:
        self.notice_holder.hide()
        self.search_field.setFocus()

    def clear_notice(self) -> None:
        """Hide and forget the notice (at sign-out: the next learner must not read it)."""
        self.notice_holder.hide()
        self.notice_text.clear()
        self.notice_text.setToolTip("")
        self.notice_text.setAccessibleDescription("")

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def open_pack(self, pack_id: str) -> None:
        entry = self._entries.get(pack_id)
        if entry is None:
            return
        if self.signed_in:
            self.pack_requested.emit(pack_id)
            return
        searching = bool(self.search_field.text().strip())
        self.detail_view.show_entry(
            entry, back_to="the search results" if searching else "the catalog"
        )
        self.pages.setCurrentWidget(self.detail_view)
        self.detail_view.back_button.setFocus()

    def _leave_detail(self) -> None:
        self.pages.setCurrentWidget(self.results_view if self.searching else self.catalog_view)
        self.focus_search()

    @property
    def searching(self) -> bool:
        return bool(self.search_field.text().strip())

    def _clear_search(self) -> None:
        self.search_field.clear()
        self.search_field.setFocus()

    def _on_text_changed(self, text: str) -> None:
        if text.strip():
            self._timer.start()
            return
        self._timer.stop()
        self._generation += 1
        if self.pages.currentWidget() is self.results_view:
            self.pages.setCurrentWidget(self.catalog_view)

    def _search_now(self) -> None:
        self._timer.stop()
        text = self.search_field.text().strip()
        if not text or not self.search_field.isEnabled():
            return
        self._generation += 1
        generation = self._generation
        if self.pages.currentWidget() is not self.results_view:
            self.results_view.show_searching(text)
            self.pages.setCurrentWidget(self.results_view)
        run_in_background(
            parent=self,
            pool=self._pool,
            task=lambda: self._search(text),
            on_success=lambda hits: self._on_hits(generation, text, hits),
            on_failure=lambda error: self._on_search_failed(generation, error),
        )

    def _on_hits(self, generation: int, text: str, hits: list[SearchHit]) -> None:
        if generation != self._generation:
            return
        previews = {pack_id for pack_id, entry in self._entries.items() if entry.preview}
        self.results_view.show_hits(text, hits, previews=previews)
        self.pages.setCurrentWidget(self.results_view)

    def _on_search_failed(self, generation: int, error: Exception) -> None:
        if generation == self._generation:
            self.results_view.show_problem(str(error))
            self.pages.setCurrentWidget(self.results_view)
