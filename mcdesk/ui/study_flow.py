# long because: one controller, the only holder of the signed-in learner; each page's
# call and answer is a short method pair, and splitting it would spread that state.
"""Who is signed in and what they are looking at: sign-in → home → pack → skill.

Every read and write goes to ``StudyDesk`` on the thread pool; answers come back on the
GUI thread and fill the pages. Only this object knows the signed-in learner, so signing
out (by hand or after idle time) forgets everything about them in one place.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThreadPool
from PySide6.QtWidgets import QApplication

from mcdesk.exam.console import teacher_codes
from mcdesk.exam.record_pages import RecordQuery, station_page
from mcdesk.paths import bundled_pack_keys_dir
from mcdesk.study.activity import ActiveTimeMeter
from mcdesk.study.desk import HomePage, PackPageData, SkillPage, StudyDesk
from mcdesk.study.home import RosterEntry
from mcdesk.study.prefs import ReadingPrefs
from mcdesk.study.signin import SignInResult
from mcdesk.ui.activity_hook import ActivityHook
from mcdesk.ui.background import run_in_background
from mcdesk.ui.idle import IdleWatch
from mcdesk.ui.main_window import MainWindow
from mcdesk.ui.reading_prefs import ReadingPrefsDialog
from mcdesk.ui.theme import apply_theme

if TYPE_CHECKING:
    from mcdesk.sync.wallet import Wallet
    from mcdesk.ui.badge_flow import BadgeFlow
    from mcdesk.ui.tasks import SlotWriter

IDLE_WARNING_MS = 60_000


@dataclass(slots=True)
class OpenSkill:
    pack_id: str
    skill_id: str
    meter: ActiveTimeMeter
    hook: ActivityHook


class StudyFlow(QObject):
    """Drives the study pages for one station; ``begin`` shows the sign-in screen."""

    def __init__(
        self,
        *,
        window: MainWindow,
        desk: StudyDesk,
        pool: QThreadPool,
        station_name: str,
        idle_minutes: int,
        clock: Callable[[], float] = time.monotonic,
        flush_interval_ms: int = 15_000,
        idle_warning_ms: int = IDLE_WARNING_MS,
        database: Path | None = None,
        server_url: str | None = None,
        slot_writer: SlotWriter,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._desk = desk
        self._pool = pool
        self._station_name = station_name
        self._slot_writer = slot_writer  # a teacher's refill takes turns with the demo top-up
        self._clock = clock
        self._flush_ms = flush_interval_ms
        self.learner_id: str | None = None
        self.learner_name = ""
        self.prefs = ReadingPrefs()
        self._roster: list[RosterEntry] = []
        self._pack_id: str | None = None
        self._skill: OpenSkill | None = None
        self._time_spent = 0
        self._pending_password = ""
        self._teacher_username: str | None = None  # whose record the teacher page reads
        self._back_to_results = False
        self._generation = 0  # bumped at sign-out: answers for the previous person are dropped
        # The wallet (home's badges and the badge page) needs the store's path; without it
        # home shows no badges, as before.
        self._database = database
        self._server_url = server_url
        self._badges: BadgeFlow | None = None
        timeout = max(idle_minutes * 60_000, idle_warning_ms + 1_000)
        self.idle = IdleWatch(timeout_ms=timeout, warn_before_ms=idle_warning_ms, parent=self)
        self.idle.warning.connect(window.show_idle_warning)
        self.idle.activity_resumed.connect(window.hide_idle_warning)
        self.idle.expired.connect(self.sign_out)
        self._connect_pages()

    @property
    def open_skill_state(self) -> OpenSkill | None:
        """The skill on screen and its time meter, if one is open."""
        return self._skill

    def _connect_pages(self) -> None:
        w = self._window
        w.signin_view.learner_sign_in.connect(self._check_pin)
        w.signin_view.teacher_sign_in.connect(self._check_password)
        w.sign_out_button.clicked.connect(self.sign_out)
        w.sign_in_button.clicked.connect(self.show_sign_in)
        w.home_button.clicked.connect(self.show_home)
        w.prefs_button.clicked.connect(self.open_prefs)
        w.still_here_button.clicked.connect(self.idle.poke)
        w.teacher_page.sign_out.connect(self.sign_out)
        w.teacher_page.record.wanted.connect(self._read_record)
        w.closing.connect(self._close_skill)  # the time counted so far is saved on close
        w.home_view.open_pack.connect(self.open_pack)
        w.home_view.open_skill.connect(self.open_skill)
        w.home_view.open_badge.connect(self.open_badge)
        w.home_view.browse_catalog.connect(w.browse_catalog)
        w.home_view.notices_read.connect(self._on_notices_read)
        w.pack_requested.connect(self.open_pack)
        w.pack_page.back.connect(self._back_from_pack)
        w.pack_page.open_skill.connect(
            lambda skill_id: self.open_skill(self._pack_id or "", skill_id)
        )
        w.skill_view.back.connect(self._back_from_skill)
        w.skill_view.studied.connect(self._on_studied)
        w.skill_view.selfcheck_finished.connect(self._on_selfcheck)
        w.skill_view.link_opened.connect(self._on_link)

    def _run(self, task: Callable[[], Any], on_success: Callable[[Any], None]) -> None:
        """Run ``task`` on the pool; drop its answer if the learner changed meanwhile."""
        generation = self._generation

        def deliver(result: Any) -> None:
            if generation == self._generation:
                on_success(result)

        def fail(error: Exception) -> None:
            if generation == self._generation:
                self._window.show_notice(f"That did not work: {error}")

        run_in_background(
            parent=self, pool=self._pool, task=task, on_success=deliver, on_failure=fail
        )

    # Signing in and out -----------------------------------------------------------------

    def begin(self, roster: list[RosterEntry] | None = None) -> None:
        """Load the roster and show the sign-in screen; a ``roster`` given is on screen already."""
        if roster is not None:
            self._roster = roster  # showing it again would clear what someone is typing
            return
        self._run(self._desk.roster, self._on_roster)

    def _on_roster(self, roster: list[RosterEntry]) -> None:
        self._roster = roster
        self._window.signin_view.show_roster(roster, station_name=self._station_name)
        self.show_sign_in()

    def show_sign_in(self) -> None:
        self._window.signin_view.reset()
        self._window.show_page(self._window.signin_view)
        self._window.set_user(None)

    def _check_pin(self, learner_id: str, pin: str) -> None:
        self._window.signin_view.set_busy(True)
        desk = self._desk
        self._run(
            lambda: desk.sign_in_learner(learner_id=learner_id, pin=pin),
            lambda result: self._on_pin_checked(learner_id, result),
        )

    def _on_pin_checked(self, learner_id: str, result: SignInResult) -> None:
        view = self._window.signin_view
        view.set_busy(False)
        if not result.ok:
            view.show_learner_refused(result.message, result.wait_seconds)
            return
        desk = self._desk
        self._run(
            lambda: (desk.learner(learner_id), desk.prefs(learner_id)),
            lambda found: self._signed_in(learner_id, found[0].display_name, found[1]),
        )

    def _signed_in(
        self, learner_id: str, name: str, prefs: ReadingPrefs, *, go_home: bool = True
    ) -> None:
        self.learner_id, self.learner_name = learner_id, name
        self.apply_prefs(prefs)
        self._window.set_user(name)
        self.idle.start()
        if go_home:
            self.show_home()

    def continue_as(self, learner_id: str, name: str) -> None:
        """A teacher's resume code brought this learner's attempt back: they are signed in."""
        desk = self._desk
        self._run(
            lambda: desk.prefs(learner_id),
            lambda prefs: self._signed_in(learner_id, name, prefs, go_home=False),
        )

    def _check_password(self, username: str, password: str) -> None:
        self._window.signin_view.set_busy(True)
        self._pending_password = password  # opens the teacher's code issuer once accepted
        desk = self._desk
        self._run(
            lambda: desk.sign_in_teacher(username=username, password=password),
            lambda result: self._on_password_checked(username, result),
        )

    def _on_password_checked(self, username: str, result: SignInResult) -> None:
        view = self._window.signin_view
        view.set_busy(False)
        if not result.ok:
            self._pending_password = ""
            view.show_teacher_refused(result.message, result.wait_seconds)
            return
        name = result.display_name or username
        self._window.set_user(name, teacher=True)
        self._window.teacher_page.show_teacher(name=name, roster=self._roster)
        self._window.show_page(self._window.teacher_page)
        self.idle.start()
        password, database = self._pending_password, self._desk.database
        self._pending_password = ""
        # The record first: a read of milliseconds, where the codes may wait for a seal.
        self._teacher_username = username
        self._window.teacher_page.record.begin()
        self._run(
            lambda: self._slot_writer.run(
                lambda: teacher_codes(
                    database,
                    username=username,
                    password=password,
                    now=datetime.now(UTC),
                    pack_keys_dir=bundled_pack_keys_dir(),
                )
            ),
            lambda codes: self._window.teacher_page.show_teacher(
                name=name, roster=self._roster, codes=codes
            ),
        )

    def _read_record(self, serial: int, query: RecordQuery) -> None:
        """A page of this station's record for the signed-in teacher, read on the queue."""
        username, database = self._teacher_username, self._desk.database
        if username is None:
            return
        record = self._window.teacher_page.record
        self._run(
            lambda: station_page(database, teacher_username=username, query=query),
            lambda page: record.show_page(serial, page),
        )

    def sign_out(self) -> None:
        """Save the time counted so far, forget the learner, back to the sign-in screen."""
        self._close_skill()
        self._generation += 1
        if self._teacher_username is not None:
            self._teacher_username = None
            self._window.teacher_page.record.forget()
        self.idle.stop()
        self._window.hide_idle_warning()
        self.learner_id, self.learner_name, self._pack_id = None, "", None
        # A notice may name the learner's file ("Saved ana-ruiz-….png"): not for the next one.
        self._window.clear_notice()
        if self._badges is not None:
            self._badges.forget()
        if self.prefs != ReadingPrefs():
            self.apply_prefs(ReadingPrefs())
        self.show_sign_in()

    # Reading prefs ----------------------------------------------------------------------

    def apply_prefs(self, prefs: ReadingPrefs) -> None:
        # Restyling the whole app takes ~0.5 s on the GUI thread; most learners sign in
        # with the prefs already on screen, and their home should not wait for it.
        unchanged, self.prefs = prefs == self.prefs, prefs
        app = QApplication.instance()
        if isinstance(app, QApplication) and not unchanged:
            apply_theme(app, text_scale=prefs.text_scale, high_contrast=prefs.high_contrast)
        self._window.refit_header()

    def open_prefs(self) -> ReadingPrefsDialog:
        dialog = ReadingPrefsDialog(self.prefs, self._window)
        dialog.changed.connect(self._prefs_changed)
        dialog.open()
        return dialog

    def _prefs_changed(self, prefs: ReadingPrefs) -> None:
        self.apply_prefs(prefs)
        learner_id, desk = self.learner_id, self._desk
        if learner_id is not None:
            self._run(lambda: desk.save_prefs(learner_id, prefs), lambda _none: None)

    # Pages ------------------------------------------------------------------------------

    def show_home(self) -> None:
        learner_id, desk = self.learner_id, self._desk
        if learner_id is None:
            return
        self._close_skill()
        database, server_url = self._database, self._server_url

        def home() -> tuple[HomePage, Wallet | None]:
            if database is None:
                return desk.home(learner_id), None
            from mcdesk.sync.wallet import read_wallet

            wallet = read_wallet(
                database, learner_id=learner_id, now=datetime.now(UTC), settings_url=server_url
            )
            return desk.home(learner_id), wallet

        self._run(home, self._on_home)

    def _on_home(self, answer: tuple[HomePage, Wallet | None]) -> None:
        page, wallet = answer
        self._window.home_view.show_home(
            learner_name=page.learner.display_name,
            home=page.home,
            skill_titles=page.skill_titles,
            wallet=wallet,
        )
        self._window.show_page(self._window.home_view)
        view = self._window.home_view
        first = view.continue_card or next(iter(view.pack_cards.values()), None)
        if first is not None:  # keyboard users start on the most likely next step
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_notices_read(self, announcement_ids: list[str]) -> None:
        """Record announcements read on home (the study queue: the GUI never waits)."""
        learner_id, desk = self.learner_id, self._desk
        if learner_id is None:
            return
        ids = list(announcement_ids)
        self._run(lambda: desk.record_announcements_read(learner_id, ids), lambda _ids: None)

    def open_badge(self, credential_id: str) -> None:
        """Show a wallet badge's page (made on first use: most visits never open one)."""
        if self._database is None:
            return
        if self._badges is None:
            from mcdesk.ui.badge_flow import BadgeFlow

            self._badges = BadgeFlow(
                window=self._window,
                database=self._database,
                learner=lambda: self.learner_id,
                run=self._run,
                on_back=self.show_home,
            )
        self._badges.open(credential_id)

    def open_pack(self, pack_id: str) -> None:
        learner_id, desk = self.learner_id, self._desk
        if learner_id is None:
            return
        self._close_skill()
        self._pack_id = pack_id
        self._run(lambda: desk.pack_page(learner_id, pack_id), self._on_pack)

    def _on_pack(self, data: PackPageData) -> None:
        back_to = "the search results" if self._window.searching else "your home"
        self._back_to_results = self._window.searching
        self._window.pack_page.show_pack(
            entry=data.entry,
            manifest=data.manifest,
            states=data.states,
            granted=data.granted,
            back_to=back_to,
        )
        self._window.show_page(self._window.pack_page)

    def _back_from_pack(self) -> None:
        if self._back_to_results and self._window.searching:
            self._window.show_page(self._window.results_view)
            return
        self.show_home()

    def open_skill(self, pack_id: str, skill_id: str) -> None:
        learner_id, desk = self.learner_id, self._desk
        if learner_id is None or not pack_id:
            return
        self._close_skill()
        self._pack_id = pack_id
        self._run(lambda: desk.open_skill(learner_id, pack_id, skill_id), self._on_skill)

    def _on_skill(self, page: SkillPage) -> None:
        view = self._window.skill_view
        view.show_skill(
            pack_title=page.pack_title,
            skill=page.skill,
            lesson_markdown=page.lesson_markdown,
            images=page.images,
            state=page.state,
        )
        self._window.show_page(view)
        meter = ActiveTimeMeter(clock=self._clock)
        hook = ActivityHook(
            window=self._window, meter=meter, flush_interval_ms=self._flush_ms, parent=self
        )
        self._skill = OpenSkill(page.pack_id, str(page.skill["id"]), meter, hook)
        self._time_spent = page.state.active_seconds
        hook.seconds_counted.connect(self._on_seconds)
        hook.start()

    def _on_seconds(self, seconds: int) -> None:
        skill, learner_id, desk = self._skill, self.learner_id, self._desk
        if skill is None or learner_id is None:
            return
        self._time_spent += seconds
        self._window.skill_view.set_time_spent(self._time_spent)
        pack_id, skill_id = skill.pack_id, skill.skill_id
        self._run(
            lambda: desk.add_active_time(learner_id, pack_id, skill_id, seconds), lambda _t: None
        )

    def _close_skill(self) -> None:
        """Stop counting time on the open skill, saving what was counted."""
        skill, self._skill = self._skill, None
        if skill is None:
            return
        skill.hook.seconds_counted.disconnect()
        skill.hook.seconds_counted.connect(
            lambda seconds: self._save_seconds(skill, seconds)  # after _skill is cleared
        )
        skill.hook.stop()
        skill.hook.deleteLater()

    def _save_seconds(self, skill: OpenSkill, seconds: int) -> None:
        learner_id, desk = self.learner_id, self._desk
        if learner_id is None:
            return
        run_in_background(
            parent=self,
            pool=self._pool,
            task=lambda: desk.add_active_time(learner_id, skill.pack_id, skill.skill_id, seconds),
            on_success=lambda _t: None,
            on_failure=lambda error: self._window.show_notice(f"Time was not saved: {error}"),
        )

    def _back_from_skill(self) -> None:
        pack_id = self._skill.pack_id if self._skill else self._pack_id
        if pack_id:
            self.open_pack(pack_id)

    def _on_studied(self) -> None:
        skill, learner_id, desk = self._skill, self.learner_id, self._desk
        if skill is None or learner_id is None:
            return
        pack_id, skill_id = skill.pack_id, skill.skill_id
        self._run(lambda: desk.mark_studied(learner_id, pack_id, skill_id), lambda _n: None)

    def _on_link(self, url: str) -> None:
        skill, learner_id, desk = self._skill, self.learner_id, self._desk
        if skill is None or learner_id is None:
            return
        pack_id, skill_id = skill.pack_id, skill.skill_id
        self._run(lambda: desk.record_link(learner_id, pack_id, skill_id, url), lambda _n: None)

    def _on_selfcheck(self, credit: float, total: int, responses: dict[str, Any]) -> None:
        skill, learner_id, desk = self._skill, self.learner_id, self._desk
        if skill is None or learner_id is None:
            return
        pack_id, skill_id = skill.pack_id, skill.skill_id
        self._run(
            lambda: desk.record_selfcheck(
                learner_id, pack_id, skill_id, credit=credit, total=total, responses=responses
            ),
            lambda _id: None,
        )
