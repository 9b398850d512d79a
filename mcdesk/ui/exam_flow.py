# long because: one controller for one sitting, Ready to result; each step is a short
# method answering the step before it, and the views and the desk are already elsewhere.
"""The assessment, from Ready to result: codes, the locked window, the clock, answers.

Every ``ExamDesk`` call goes to the same one-thread queue as the study desk, so an
answer is on disk before the next call runs and before the screen says "Saved". The
exam key never reaches this module: the desk uses it and drops it inside one call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer

from mcdesk.exam.desk import ExamDesk
from mcdesk.exam.paper import CodeOutcome, Evidence, Interrupted, Outcome, Sitting
from mcdesk.exam.remote import Ack, apply_command
from mcdesk.protocol.commands import ProctorCommand
from mcdesk.ui.background import run_in_background
from mcdesk.ui.code_prompt import CodePrompt
from mcdesk.ui.exam_hold import MainWindowHold
from mcdesk.ui.exam_view import ExamView
from mcdesk.ui.lockdown import LockdownWindow
from mcdesk.ui.main_window import MainWindow

TICK_MS = 1000  # the engine checkpoints elapsed time on every tick
PROCTOR_ACTIONS = ("dismiss", "extend", "pause", "leave")


class ExamFlow(QObject):
    """Owns the locked window while an attempt runs; ``learner`` says who is signed in.

    ``continue_as(learner_id, name)`` signs in the learner whose attempt a teacher's
    code resumed after a crash (nobody is signed in at start-up).
    """

    def __init__(
        self,
        *,
        window: MainWindow,
        pool: QThreadPool,
        make_desk: Callable[[], ExamDesk],
        learner: Callable[[], str | None],
        on_done: Callable[[], None],
        on_left: Callable[[], None],
        continue_as: Callable[[str, str], None],
        policy: str = "block",
        tick_ms: int = TICK_MS,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._pool = pool
        self._make_desk = make_desk
        self._desk_instance: ExamDesk | None = None
        self._learner = learner
        self._on_done = on_done
        self._on_left = on_left
        self._continue_as = continue_as
        self._interrupted: Interrupted | None = None  # resumed at start-up, nobody signed in
        self._policy = policy
        self._pack_id: str | None = None
        self._attempt_id: str | None = None
        self.view: ExamView | None = None
        self.lockdown: LockdownWindow | None = None
        self._paused = False
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._tick)
        self.prompt = CodePrompt()
        self.prompt.code_entered.connect(self._on_code)
        self.hold = MainWindowHold(
            window,
            locked=lambda: self.lockdown is not None and self.lockdown.locked,
            bring_lock_back=self._bring_lock_back,
            on_close_attempt=lambda: self._on_incident("close_attempt", "main window"),
        )
        window.pack_page.ready_requested.connect(self._ready_for_current_pack)
        window.ready_view.back.connect(self._back_from_ready)
        window.result_view.done.connect(self._after_result)
        window.result_view.review_skill.connect(self._review)

    # The desk lives on the worker thread: made there on first use, used only there.

    def _desk(self) -> ExamDesk:
        if self._desk_instance is None:
            self._desk_instance = self._make_desk()
        return self._desk_instance

    def _run(
        self,
        task: Callable[[ExamDesk], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[Exception], None] | None = None,
    ) -> None:
        run_in_background(
            parent=self,
            pool=self._pool,
            task=lambda: task(self._desk()),
            on_success=on_success,
            on_failure=on_failure or self._on_failure,
        )

    def _on_failure(self, error: Exception) -> None:
        if self.view is not None:
            self.view.set_busy(False)
        self._say(f"The assessment could not do that: {error}")

    def _say(self, text: str) -> None:
        """A problem in words where the learner looks: the lock's overlay, or the window."""
        if self.lockdown is not None:
            self.lockdown.show_overlay(text)
        else:
            self._window.show_notice(text)

    def _code_failed(self, prompt: CodePrompt) -> Callable[[Exception], None]:
        """A code check that failed ends in words on the prompt that asked, never "Checking…"."""

        def failed(error: Exception) -> None:
            prompt.show_refused(f"The code could not be checked: {error}", 0)

        return failed

    def close(self) -> None:
        """Stop the clock and close the desk (app shutdown); the attempt stays resumable."""
        self._timer.stop()
        if self._desk_instance is not None:  # never made: nothing to close
            self._run(lambda desk: desk.close(), lambda _none: None)

    # Before: the interrupted screen and the Ready page ---------------------------------

    def check_interrupted(self, then: Callable[[], None]) -> None:
        """At start-up: an attempt left running by a crash needs a teacher's resume code."""

        def done(found: list[Interrupted]) -> None:
            if not found:
                then()
                return
            first = found[0]
            self._attempt_id, self._pack_id = first.attempt_id, first.pack_id
            self._interrupted = first
            self._run(lambda desk: desk.next_counter(), lambda k: self._show_interrupted(first, k))

        self._run(lambda desk: desk.interrupted(), done)

    def _show_interrupted(self, attempt: Interrupted, counter: int | None) -> None:
        self.prompt.reset()
        self.prompt.set_actions(["resume"])
        self.prompt.set_counter(counter)
        self._window.ready_view.show_interrupted(
            learner_name=attempt.learner_name, title=attempt.title, code_prompt=self.prompt
        )
        self._window.show_page(self._window.ready_view)
        self.prompt.focus_field()

    def _ready_for_current_pack(self) -> None:
        entry = self._window.pack_page.entry
        if entry is not None:
            self.ready(entry.id)

    def ready(self, pack_id: str) -> None:
        learner_id = self._learner()
        if learner_id is None:
            return
        self._pack_id = pack_id
        self._run(
            lambda desk: desk.evidence(learner_id=learner_id, pack_id=pack_id), self._on_evidence
        )

    def _on_evidence(self, evidence: Evidence) -> None:
        self._attempt_id = evidence.interrupted_attempt
        self._interrupted = None  # a signed-in learner's own Ready page
        self.prompt.reset()
        self.prompt.set_actions(["resume" if self._attempt_id else "start"])
        self.prompt.set_counter(evidence.next_counter)
        self._window.ready_view.show_ready(
            evidence, code_prompt=self.prompt, resuming=self._attempt_id is not None
        )
        self._window.show_page(self._window.ready_view)

    def _back_from_ready(self) -> None:
        if self._pack_id and self._learner() is not None:
            self._window.pack_requested.emit(self._pack_id)
        else:
            self._on_left()

    # Codes -----------------------------------------------------------------------------

    def _on_code(self, code: str, action: str, _minutes: int) -> None:
        self.prompt.set_busy(True)
        attempt_id, pack_id, learner_id = self._attempt_id, self._pack_id, self._learner()
        failed = self._code_failed(self.prompt)
        if action == "resume" and attempt_id is not None:
            self._run(
                lambda desk: desk.resume(attempt_id=attempt_id, code=code), self._on_opened, failed
            )
        elif action == "start" and pack_id is not None and learner_id is not None:
            self._run(
                lambda desk: desk.start(learner_id=learner_id, pack_id=pack_id, code=code),
                self._on_opened,
                failed,
            )
        else:
            self.prompt.set_busy(False)

    def _on_opened(self, outcome: CodeOutcome) -> None:
        self.prompt.set_busy(False)
        if not outcome.ok or outcome.sitting is None:
            self.prompt.show_refused(outcome.message, outcome.wait_seconds)
            self.prompt.set_counter(outcome.next_counter)
            return
        resumed, self._interrupted = self._interrupted, None
        if resumed is not None and self._learner() != resumed.learner_id:
            # The teacher's code let this learner back in: the result page, its review
            # buttons and "Back to my home" are theirs, as before the crash.
            self._continue_as(resumed.learner_id, resumed.learner_name)
        self._enter(outcome.sitting)

    # During: the locked window ---------------------------------------------------------

    def _enter(self, sitting: Sitting) -> None:
        self._attempt_id, self._pack_id = sitting.attempt_id, sitting.pack_id
        view = ExamView()
        view.answered.connect(self._on_answered)
        view.flagged.connect(self._on_flagged)
        view.navigated.connect(lambda index: self._on_viewed(view.item_id_at(index)))
        view.submit_requested.connect(self._on_submit)
        self._policy = sitting.policy if sitting.policy in ("log", "block") else "block"
        lockdown = LockdownWindow(view, policy=self._policy)  # type: ignore[arg-type]
        lockdown.incident.connect(self._on_incident)
        lockdown.overlay_code_entered.connect(self._on_overlay_code)
        lockdown.overlay.prompt.set_actions(list(PROCTOR_ACTIONS))
        view.teacher_requested.connect(
            lambda: self.call_teacher("A teacher is adding time, pausing or ending the attempt.")
        )
        self.view, self.lockdown = view, lockdown
        view.show_paper(
            title=sitting.title,
            items=sitting.items,
            answers=sitting.answers,
            flagged=set(sitting.flagged),
            remaining_s=sitting.remaining_s,
            position=sitting.position,
        )
        self._paused = False
        lockdown.lock()
        self.hold.hold()
        self._timer.start()

    def _bring_lock_back(self) -> None:
        if self.lockdown is not None:
            self.lockdown.raise_()
            self.lockdown.activateWindow()

    def call_teacher(self, reason: str) -> None:
        """Raise the proctor overlay: a code then continues, adds time, pauses or leaves."""
        if self.lockdown is None:
            return
        self._run(lambda desk: desk.next_counter(), self._show_overlay_for(reason))

    def _show_overlay_for(self, reason: str) -> Callable[[int | None], None]:
        def show(counter: int | None) -> None:
            if self.lockdown is not None:
                self.lockdown.set_overlay_counter(counter)
                self.lockdown.show_overlay(reason)

        return show

    def _tick(self) -> None:
        if self._paused:
            return
        self._run(lambda desk: desk.tick(), self._on_tick)

    def _on_tick(self, state_and_remaining: tuple[str, float]) -> None:
        state, remaining = state_and_remaining
        if self.view is not None:
            self.view.set_remaining(remaining)
        if state == "scored":  # time ran out: the engine already scored and signed it
            self._timer.stop()
            self._run(lambda desk: desk.outcome(), self._finish)

    def _on_answered(self, item_id: str, response: object) -> None:
        view = self.view

        def saved(_item: str) -> None:
            if view is not None:
                view.mark_saved(item_id)

        run_in_background(
            parent=self,
            pool=self._pool,
            task=lambda: self._desk().answer(item_id=item_id, response=response),
            on_success=saved,
            on_failure=lambda error: view.mark_save_failed(item_id, str(error)) if view else None,
        )

    def _on_viewed(self, item_id: str) -> None:
        # Where the learner is: a failure here must not stop them (the tick reports one).
        self._run(lambda desk: desk.viewed(item_id=item_id), lambda _n: None, lambda _e: None)

    def _on_flagged(self, item_id: str, flagged: bool) -> None:
        self._run(lambda desk: desk.flag(item_id=item_id, flagged=flagged), lambda _n: None)

    def _on_incident(self, kind: str, detail: str) -> None:
        if self._paused:
            return
        self._run(lambda desk: desk.incident(kind=kind, detail=detail), lambda _n: None)
        if self._policy == "block" and kind in ("focus_lost", "screen_added", "screen_removed"):
            self._run(lambda desk: desk.next_counter(), self._overlay_counter)

    def _overlay_counter(self, counter: int | None) -> None:
        if self.lockdown is not None:
            self.lockdown.set_overlay_counter(counter)

    def _on_overlay_code(self, code: str) -> None:
        if self.lockdown is None:
            return
        prompt = self.lockdown.overlay.prompt
        failed = self._code_failed(prompt)
        action = "resume" if self._paused else prompt.chosen_action
        minutes = prompt.minutes.value() if action == "extend" else 0
        if action == "resume":
            attempt_id = self._attempt_id or ""
            self._run(
                lambda desk: desk.resume(attempt_id=attempt_id, code=code), self._on_overlay, failed
            )
            return
        self._run(
            lambda desk: desk.authorise(code=code, action=action, minutes=minutes),
            lambda outcome: self._on_overlay(outcome, action),
            failed,
        )

    def _on_overlay(self, outcome: CodeOutcome, action: str = "resume") -> None:
        lockdown, view = self.lockdown, self.view
        if lockdown is None or view is None:
            return
        if not outcome.ok or outcome.sitting is None:
            lockdown.overlay_refused(outcome.message, outcome.wait_seconds)
            lockdown.set_overlay_counter(outcome.next_counter)
            return
        sitting = outcome.sitting
        if action == "leave":
            self._leave()
            return
        view.set_remaining(sitting.remaining_s)
        if action == "pause":
            self._paused = True
            view.set_paused(True, "Paused by your teacher. A code resumes the assessment.")
            self._run(lambda desk: desk.next_counter(), self._overlay_counter)
            prompt = lockdown.overlay.prompt
            prompt.reset()  # the pause code was taken: the next one resumes
            prompt.set_busy(False)
            prompt.set_actions(["resume"])
            lockdown.show_overlay("Paused by your teacher.", clock_running=False)
            return
        if self._paused:  # resumed
            self._paused = False
            view.set_paused(False, "")
            lockdown.overlay.prompt.set_actions(list(PROCTOR_ACTIONS))
        lockdown.dismiss_overlay()

    def _leave(self) -> None:
        """A teacher's leave code: the attempt stays paused and resumable; back to sign-in."""
        self._close_locked()
        self._on_left()

    def _on_submit(self) -> None:
        if self.view is not None:
            self.view.set_busy(True)
        self._run(lambda desk: desk.submit(), self._finish)

    def _close_locked(self) -> None:
        self._timer.stop()
        lockdown, self.lockdown, self.view = self.lockdown, None, None
        if lockdown is not None:
            lockdown.release()
            lockdown.close()
            lockdown.deleteLater()
        self.hold.let_go()

    # Remote proctor commands (mcdesk.ui.live_worker) ------------------------------------

    @property
    def attempt_id(self) -> str | None:
        return self._attempt_id

    def waiting_for(self) -> str | None:
        """What the code prompt on screen asks for (the board shows "waiting for code #k")."""
        if self.lockdown is not None:
            if self._paused:
                return "resume"
            return None if self.lockdown.overlay.isHidden() else "dismiss"
        ready = self._window.ready_view
        if self._window.pages.currentWidget() is ready and self.prompt.isVisible():
            return "resume" if self._attempt_id is not None else "start"
        return None

    def apply_remote(self, command: ProctorCommand, on_ack: Callable[[Ack], None]) -> None:
        """Apply a checked command as if its code were typed here, then show what it did."""
        waiting = self.waiting_for()

        def task(desk: ExamDesk) -> tuple[Ack, Sitting | None]:
            ack = apply_command(desk, command, waiting=waiting)
            ended = command.action == "end" or desk.engine_attempt() is None
            return ack, desk.sitting() if ack.ok and not ended else None

        def done(result: tuple[Ack, Sitting | None]) -> None:
            ack, sitting = result
            on_ack(ack)
            if not ack.ok:
                return
            if command.action == "end":
                self._timer.stop()
                self._run(lambda desk: desk.outcome(), self._finish)
                return
            outcome = CodeOutcome(ok=True, message=ack.message, sitting=sitting)
            if self.lockdown is None:
                self._on_opened(outcome)  # resumed from the Ready or interrupted screen
                return
            action = command.action
            if action == "unlock":
                action = "resume" if self._paused else "dismiss"
            self._on_overlay(outcome, action)

        def failed(error: Exception) -> None:
            on_ack(Ack(command.command_id, False, f"the station could not apply it: {error}"))

        self._run(task, done, failed)

    # After -----------------------------------------------------------------------------

    def _finish(self, outcome: Outcome) -> None:
        self._close_locked()
        self._attempt_id = None
        self._window.result_view.show_result(
            title=outcome.title,
            passed=outcome.passed,
            score_ratio=outcome.score_ratio,
            proficiency=outcome.proficiency,
            skills=outcome.skills,
            review=outcome.review,
            retake_text=outcome.retake_text,
            ended_by=outcome.ended_by,
        )
        self._window.show_page(self._window.result_view)
        self._window.activateWindow()
        self._window.result_view.focus_outcome()

    def _after_result(self) -> None:
        if self._learner() is not None:
            self._on_done()
        else:
            self._on_left()

    def _review(self, skill_id: str) -> None:
        study = self._window.study
        if study is not None and self._pack_id is not None:
            study.open_skill(self._pack_id, skill_id)  # type: ignore[attr-defined]
