"""Wiring the live channel into the station: what the screens show out, commands in.

Called by the composition root (``ui/app.py``) once the study and exam flows exist. The
channel starts when the sync worker knows the station's server, and stays off without one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcdesk.paths import Paths
from mcdesk.sync.live_report import Activity
from mcdesk.ui.live_worker import LiveWorker

if TYPE_CHECKING:
    from mcdesk.sync.live_link import Exchange
    from mcdesk.ui.exam_flow import ExamFlow
    from mcdesk.ui.main_window import MainWindow
    from mcdesk.ui.study_flow import StudyFlow
    from mcdesk.ui.sync_worker import SyncSnapshot, SyncWorker


def current_activity(study: StudyFlow, exam: ExamFlow) -> Activity:
    """What this station's screens show now (GUI thread)."""
    waiting = exam.waiting_for()
    who = {"learner_id": study.learner_id, "learner_name": study.learner_name}
    if exam.lockdown is not None or (waiting is not None and exam.attempt_id is not None):
        return Activity(**who, doing="assessment", attempt_id=exam.attempt_id, waiting=waiting)
    skill = study.open_skill_state
    if skill is not None:
        return Activity(**who, doing="studying", title=skill.pack_id, skill=skill.skill_id)
    return Activity(**who)


def start_live(
    window: MainWindow, *, paths: Paths, sync: SyncWorker, study: StudyFlow, exam: ExamFlow
) -> LiveWorker:
    """The live worker, started when sync knows the server; commands go to the exam flow."""
    from mcdesk.exam.remote import Ack

    live = LiveWorker(
        database=paths.database,
        station_key_path=paths.station_key,
        activity=lambda: current_activity(study, exam),
        parent=window,
    )

    def on_sync(snapshot: SyncSnapshot) -> None:
        url = None if snapshot.status is None else snapshot.status.server_url
        if url is not None:
            live.start(url)

    def on_commands(exchange: Exchange) -> None:
        for refused in exchange.refused:
            if refused.command_id is not None:
                live.acknowledge(Ack(refused.command_id, False, refused.reason))
        for command in exchange.commands:
            exam.apply_remote(command, live.acknowledge)

    sync.status_changed.connect(on_sync)
    live.commands_arrived.connect(on_commands)
    window.pages.currentChanged.connect(lambda _index: live.poke())
    window.closing.connect(live.stop)
    window.own_pool(live.pool)
    return live
