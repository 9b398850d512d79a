from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from mcdesk.content.build import build_pack
from mcdesk.content.install import import_pack
from mcdesk.keys import PublisherKey
from mcdesk.paths import Paths
from mcdesk.store.connection import opened
from mcdesk.study.home import learner_home, roster
from mcdesk.study.progress import mark_studied, record_opened, record_selfcheck
from tests.conftest import NOW
from tests.packsource import write_source

ADA = "demo-learner-01"


def test_the_roster_lists_the_demo_class_by_name(demo_engine: Engine, home: Paths) -> None:
    with opened(home.database) as connection:
        names = [entry.display_name for entry in roster(connection)]
    assert names[0] == "Aaliyah Johnson"
    assert len(names) == 12
    assert names == sorted(names, key=str.casefold)


def ended(home: Paths, attempt_id: str, *, passed: bool) -> None:
    """An attempt of Ada's at the sample pack that ended, passed or not."""
    with opened(home.database) as connection:
        connection.execute(
            "INSERT INTO attempt (id, learner_id, pack_id, pack_version, seed, form, state, "
            "time_limit_s, created_at, ended_at, score, max_score, passed) "
            "VALUES (?, ?, 'sample-pack', '1.0.0', 1, '{}', 'submitted', 600, ?, ?, ?, 2, ?)",
            (attempt_id, ADA, NOW.isoformat(), NOW.isoformat(), 2 if passed else 1, int(passed)),
        )


def test_home_shows_progress_and_one_next_step(
    demo_engine: Engine,
    home: Paths,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    built = build_pack(
        write_source(tmp_path / "src"), tmp_path / "p.mcpack", publisher_key=publisher_key
    )
    import_pack(built.output, engine=demo_engine, trusted=trusted, now=NOW)

    def step() -> str:
        with opened(home.database) as connection:
            [pack] = learner_home(connection, learner_id=ADA, now=NOW).mine
        return pack.next_step

    assert step() == "Start “Measuring”"
    record_opened(demo_engine, learner_id=ADA, pack_id="sample-pack", skill_id="measuring", now=NOW)
    record_opened(
        demo_engine, learner_id=ADA, pack_id="sample-pack", skill_id="estimating", now=NOW
    )
    assert step() == "Finish reading “Measuring”"
    for skill in ("measuring", "estimating"):
        mark_studied(demo_engine, learner_id=ADA, pack_id="sample-pack", skill_id=skill, now=NOW)
    assert step() == "Pass the self-check for “Measuring”"
    for skill in ("measuring", "estimating"):
        record_selfcheck(
            demo_engine,
            learner_id=ADA,
            pack_id="sample-pack",
            skill_id=skill,
            credit=2,
            total=2,
            responses={},
            now=NOW,
        )
    assert step() == "Ready for the assessment: ask your teacher"
    with opened(home.database) as connection:
        summary = learner_home(connection, learner_id=ADA, now=NOW)
    assert summary.continue_at == ("sample-pack", "estimating") or summary.continue_at == (
        "sample-pack",
        "measuring",
    )
    assert summary.mine[0].done == 2

    # After a pass the next step is the badge: on its way until a sync brings it, then there.
    ended(home, "a-1", passed=False)
    assert step() == "Ready for the assessment: ask your teacher"  # a fail changes nothing
    ended(home, "a-2", passed=True)
    assert step() == "Your badge comes after this station syncs (you passed)"
    with opened(home.database) as connection:
        connection.execute(
            "INSERT INTO badge (credential_id, learner_id, pack_id, result_id, status, jwt, "
            "issued_at, received_at) VALUES ('urn:uuid:b', ?, 'sample-pack', 'r-2', 'issued', "
            "'x.y.z', ?, ?)",
            (ADA, NOW.isoformat(), NOW.isoformat()),
        )
    assert step() == "See your badge under “My badges” (you passed)"
    with opened(home.database) as connection:
        assert learner_home(connection, learner_id=ADA, now=NOW).mine[0].next_skill_id is None


def test_packs_not_granted_are_listed_apart(
    demo_engine: Engine,
    home: Paths,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    built = build_pack(
        write_source(tmp_path / "src"), tmp_path / "p.mcpack", publisher_key=publisher_key
    )
    import_pack(built.output, engine=demo_engine, trusted=trusted, now=NOW)
    with opened(home.database) as connection:
        connection.execute("DELETE FROM access_grant")
        summary = learner_home(connection, learner_id=ADA, now=NOW)
    assert summary.mine == ()
    assert [entry.id for entry in summary.not_granted] == ["sample-pack"]
