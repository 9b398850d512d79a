"""The background runner: work off the GUI thread, answers on it, none for a closed parent."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtCore import QObject, QThreadPool
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mcdesk.ui.background import run_in_background


def test_the_task_runs_on_a_worker_and_the_result_comes_back_on_the_gui_thread(
    qtbot: QtBot, pool: QThreadPool
) -> None:
    parent = QObject()
    seen: dict[str, object] = {}

    def task() -> int:
        seen["task thread"] = threading.current_thread()
        return 42

    def on_success(result: int) -> None:
        seen["result"] = result
        seen["callback thread"] = threading.current_thread()

    run_in_background(
        parent=parent,
        pool=pool,
        task=task,
        on_success=on_success,
        on_failure=lambda error: pytest.fail(f"unexpected {error!r}"),
    )
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["result"] == 42
    assert seen["task thread"] is not threading.main_thread()
    assert seen["callback thread"] is threading.main_thread()


def test_an_exception_goes_to_on_failure(qtbot: QtBot, pool: QThreadPool) -> None:
    parent = QObject()
    failures: list[Exception] = []

    def task() -> None:
        raise ValueError("the pack is not signed")

    run_in_background(
        parent=parent,
        pool=pool,
        task=task,
        on_success=lambda result: pytest.fail("should have failed"),
        on_failure=failures.append,
    )
    qtbot.waitUntil(lambda: bool(failures))
    assert isinstance(failures[0], ValueError)
    assert str(failures[0]) == "the pack is not signed"


def test_answers_for_a_parent_that_is_gone_are_dropped(pool: QThreadPool) -> None:
    parent = QObject()
    started, release = threading.Event(), threading.Event()
    answers: list[object] = []

    def task() -> str:
        started.set()
        release.wait(timeout=10)
        return "late"

    run_in_background(
        parent=parent,
        pool=pool,
        task=task,
        on_success=answers.append,
        on_failure=answers.append,
    )
    assert started.wait(timeout=10)
    shiboken6.delete(parent)  # the parent goes away while the task still runs
    assert not shiboken6.isValid(parent)
    release.set()
    assert pool.waitForDone(10_000)
    QApplication.processEvents()
    assert answers == []
