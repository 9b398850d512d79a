"""The Progress grid for 40 learners × 5 skills with a term of activity: read + render p95.

A SQLite server database gets one class of 40 learners, a published micro-credential of 5
skills and a term (90 school days) of the study events stations sync: each day a learner
opens two skills and sends their active-time totals, with a self-check run every tenth day
and "studied" once per skill, about 15,000 events. The events are written at revision 0011
and the upgrade to the study tally folds them (as a school's existing server would); the
figure is ``progress_grid`` plus rendering ``progress.html``; the floor is reading the
same event rows alone (one SELECT, no JSON), what every view did before the tally.
Target: p95 ≤ 150 ms.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import tempfile
import time
import uuid
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import make_url
from sqlmodel import Session, col, select

from mcdesk.content.skill_states import STAGE_LABELS, STAGE_SYMBOLS, score_text
from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.ids import uuid7
from mcdesk.server.db import make_engine, migrate
from mcdesk.server.models import Event, Learner, PublishedPack, SchoolClass, Station
from mcdesk.server.schools import add_school
from mcdesk.server.web.pages import make_templates
from mcdesk.server.web.progress import FILTERS, chosen, progress_grid

LEARNERS, SKILLS, DAYS, RUNS = 40, 5, 90, 30
START = datetime(2026, 9, 1, 8, tzinfo=UTC)


def populate(engine_url: str) -> str:
    engine = make_engine(engine_url)
    migrate(engine, revision="0011")  # the events as a server before the study tally held them
    with Session(engine) as session:
        school = add_school(session, name="Bench High", now=START)
        school_class = SchoolClass(id=str(uuid.uuid4()), school_id=school.id, name="Welding 1")
        station = Station(id=str(uuid.uuid4()), name="Lab", public_key="x", school_id=school.id,
                          created_at=START)  # fmt: skip
        session.add_all([school_class, station])
        session.flush()  # no ORM relationships: flush in foreign-key order by hand
        skills = [{"id": f"skill-{n}", "title": f"Skill {n}"} for n in range(SKILLS)]
        manifest = {"id": "bench-pack", "version": "1.0.0", "title": "Bench", "skills": skills}
        pack = PublishedPack(pack_id="bench-pack", version="1.0.0", manifest_sha256="",
                             manifest=canonical_json(manifest), signature=b"", size=0,
                             published_at=START)  # fmt: skip
        session.add(pack)
        learners = [Learner(id=str(uuid.uuid4()), class_id=school_class.id,
                            display_name=f"Learner {n:02d}") for n in range(LEARNERS)]  # fmt: skip
        session.add_all(learners)
        session.flush()  # the station and learners before the events that name them
        seq, totals = 0, {}
        rows = []
        for day in range(DAYS):
            at = START + timedelta(days=day)
            for index, learner in enumerate(learners):
                for skill in (skills[(day + index) % SKILLS], skills[(day + index + 1) % SKILLS]):
                    key = (learner.id, skill["id"])
                    totals[key] = totals.get(key, 0) + 600
                    base = {"learner_id": learner.id, "pack_id": "bench-pack",
                            "skill_id": skill["id"]}  # fmt: skip
                    bodies = [
                        {"kind": "skill_opened", **base, "at": at.isoformat()},
                        {"kind": "active_time", **base, "active_seconds": totals[key]},
                    ]
                    if day % 10 == index % 10:
                        run = uuid7(unix_ms=int(at.timestamp() * 1000))
                        run_body = {
                            "kind": "selfcheck_result",
                            **base,
                            "run_id": run,
                            "credit": float(day % 5),
                            "total": 4,
                            "responses": {},
                        }
                        bodies.append(run_body)
                    if day == SKILLS + index % 7:
                        bodies.append({"kind": "skill_studied", **base, "at": at.isoformat()})
                    for body in bodies:
                        seq += 1
                        rows.append(Event(station_id=station.id,
                                          event_id=uuid7(unix_ms=int(at.timestamp() * 1000)),
                                          seq=seq, kind=body["kind"], body=canonical_json(body),
                                          body_sha256="", received_at=at))  # fmt: skip
        session.add_all(rows)
        session.commit()
        print(f"{len(rows)} events, {LEARNERS} learners × {SKILLS} skills")
        class_id = school_class.id
    started = time.perf_counter()
    migrate(engine)  # 0012 folds every stored event into the study tally
    print(f"upgrade with the backfill: {time.perf_counter() - started:.2f} s")
    engine.dispose()
    # The floor then reads the file as the old bench did, not a WAL the upgrade left long.
    with closing(sqlite3.connect(str(make_url(engine_url).database))) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return class_id


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        class_id = populate(url)
        engine = make_engine(url)
        templates = make_templates()
        figure, floor = [], []
        now = START + timedelta(days=DAYS)
        for _ in range(RUNS):
            with Session(engine) as session:
                school_class = session.get(SchoolClass, class_id)
                assert school_class is not None
                started = time.perf_counter()
                grid = progress_grid(session, school_class=school_class, pack_id="bench-pack")
                html = templates.get_template("progress.html").render(
                    viewer=None, nav=(), current_path="/", csrf_token="x", title="Bench",
                    school_class=school_class, grid=grid,
                    shown=chosen(grid, show="all", days=7, now=now), show="all", days=7,
                    filters=FILTERS, problem="", stage_symbols=STAGE_SYMBOLS,
                    stage_labels=STAGE_LABELS, score_text=score_text,
                )  # fmt: skip
                figure.append(time.perf_counter() - started)
                assert "Learner 39" in html
            with Session(engine) as session:
                started = time.perf_counter()
                rows = session.exec(select(Event.station_id, Event.event_id, Event.body)
                                    .where(col(Event.kind) != "exam_result")).all()  # fmt: skip
                floor.append(time.perf_counter() - started)
                assert rows
                assert json.loads(rows[0][2])
        engine.dispose()
    a, b = p95(figure) * 1000, p95(floor) * 1000
    print("| measure | p95 ms | floor p95 ms (read the rows alone) | ratio | target |")
    print("|---|---|---|---|---|")
    print(f"| progress grid + render | {a:.1f} | {b:.1f} | {a / b:.1f}× | ≤ 150 ms |")


if __name__ == "__main__":
    main()
