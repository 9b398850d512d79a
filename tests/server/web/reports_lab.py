"""A class with real results on the server: the sample assessment taken on a provisioned
station by Ana (every answer right) and Ben (none given), carried to the server by file,
re-scored there; then the test school's other teacher and administrator added."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from mcdesk.server.models import School
from mcdesk.server.schools import add_teacher, find_class, find_learner, set_class_teacher
from tests.server.badging import Lab
from tests.server.web.harness import ADMIN_USER, OTHER_USER, PASSWORD, TrcServer
from tests.server.web.livelab import LabKit


@dataclass(frozen=True, slots=True)
class GradedClass:
    lab: Lab
    school_id: str
    welding_id: str
    cnc_id: str
    ana_result: str
    ben_result: str


def graded_class(trc: TrcServer, kit: LabKit) -> GradedClass:
    lab = kit.provision(trc)
    capsys = kit.capsys
    engine = trc.server.engine
    now = datetime.now(UTC)
    with Session(engine) as session:
        school_id = session.exec(select(School.id).where(col(School.name) == "Northside")).one()
        ben = find_learner(session, school_id=school_id, class_name="Welding 1", name="Ben Ode").id
        welding = find_class(session, school_id=school_id, name="Welding 1").id
        cnc = find_class(session, school_id=school_id, name="CNC").id
        for username, role in ((OTHER_USER, "teacher"), (ADMIN_USER, "admin")):
            add_teacher(
                session,
                school_id=school_id,
                username=username,
                display_name=username.title(),
                password=PASSWORD,
                now=now,
                role=role,
            )
        set_class_teacher(
            session, school_id=school_id, class_name="CNC", username=OTHER_USER, now=now
        )
    ana_result = lab.take(right=True, capsys=capsys)
    ben_result = dataclasses.replace(lab, learner_id=ben).take(right=False, capsys=capsys, nth=2)
    lab.carry(capsys)
    return GradedClass(lab, school_id, welding, cnc, ana_result, ben_result)
