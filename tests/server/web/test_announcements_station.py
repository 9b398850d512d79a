"""An announcement posted on the Teacher Resource Center reaches the learner's home screen:
the server page records it, the station pulls the ``announcements`` stream, the home read
and the real home view show it; taken down on the server, it leaves the station."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlmodel import Session, col, select

from mcdesk.server.models import Change
from mcdesk.server.schools import find_learner
from mcdesk.store.connection import opened
from mcdesk.study.home import learner_home
from mcdesk.sync.apply_announcements import apply_announcements
from mcdesk.sync.apply_roster import apply_roster
from mcdesk.ui.home_view import HomeView
from tests.server.pulling import enrolled_station
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import set_up_trc_school
from tests.server.web.http import signed_in

STREAMS = {"roster": apply_roster, "announcements": apply_announcements}
TEXT = "<b>Quiz</b> on tape measures: bring your boots"


def test_an_announcement_reaches_the_learners_home_and_leaves_it(
    trc: TrcServer, tmp_path: Path, qtbot: QtBot
) -> None:
    school = set_up_trc_school(trc.server.engine)
    welding = school.classes["Welding 1"]
    due = (datetime.now(UTC) + timedelta(days=3)).date()
    client = signed_in(trc)
    path = f"/teacher/classes/{welding}/announcements"
    posted = client.post(path, {"text": TEXT, "due_on": due.isoformat()}, token=client.token(path))
    assert posted.status_code == 303
    with Session(trc.server.engine) as session:
        ana = find_learner(
            session, school_id=school.school_id, class_name="Welding 1", name="Ana Ruiz"
        ).id
        chi = find_learner(session, school_id=school.school_id, class_name="CNC", name="Chi Li").id

    station = enrolled_station(trc.server, tmp_path, school_id=school.school_id)
    assert station.pull(STREAMS).items["announcements"] == 1
    now = datetime.now(UTC)
    with opened(station.database, read_only=True) as connection:
        home = learner_home(connection, learner_id=ana, now=now)
        other = learner_home(connection, learner_id=chi, now=now)
    (notice,) = home.notices
    words = f"Due {due.day} {due:%B}" + ("" if due.year == now.year else f" {due.year}")
    assert (notice.text, notice.due_on, notice.due_words) == (TEXT, due, words)
    assert notice.posted_by == "Ms Lee"
    assert other.notices == ()  # another class

    view = HomeView()
    qtbot.addWidget(view)
    view.show_home(learner_name="Ana Ruiz", home=home, skill_titles={})
    shown = [label.text() for card in view.notice_cards for label in card.findChildren(QLabel)]
    assert TEXT in shown
    assert words in shown

    with Session(trc.server.engine) as session:
        change = session.exec(select(Change).where(col(Change.stream) == "announcements")).one()
        assert change.document is not None
        announcement_id = json.loads(change.document)["id"]
    removed = client.post(f"{path}/{announcement_id}/remove", {}, token=client.token(path))
    assert removed.status_code == 303
    assert station.pull(STREAMS).items["announcements"] == 1
    with opened(station.database, read_only=True) as connection:
        assert learner_home(connection, learner_id=ana, now=now).notices == ()
