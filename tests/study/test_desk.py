"""The study desk the UI calls: every page's data from a real store, and its writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mcdesk.content.build import build_pack
from mcdesk.content.install import import_pack
from mcdesk.keys import PublisherKey
from mcdesk.paths import Paths
from mcdesk.store.connection import opened
from mcdesk.study.desk import NotFound, NotGranted, StudyDesk
from mcdesk.study.prefs import ReadingPrefs
from tests.conftest import NOW
from tests.packsource import write_source

ADA = "demo-learner-01"


@pytest.fixture
def desk(
    demo_engine: Engine,
    home: Paths,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> Iterator[StudyDesk]:
    built = build_pack(
        write_source(tmp_path / "src"), tmp_path / "p.mcpack", publisher_key=publisher_key
    )
    import_pack(built.output, engine=demo_engine, trusted=trusted, now=NOW)
    desk = StudyDesk(home.database, clock=lambda: NOW)
    yield desk
    desk.close()


def test_sign_in_then_home_lists_the_granted_pack_with_a_next_step(desk: StudyDesk) -> None:
    assert not desk.sign_in_learner(learner_id=ADA, pin="9999").ok
    assert desk.sign_in_learner(learner_id=ADA, pin="1234").ok
    page = desk.home(ADA)
    assert page.learner.display_name == "Aaliyah Johnson"
    assert [p.entry.id for p in page.home.mine] == ["sample-pack"]
    assert page.home.mine[0].next_step == "Start “Measuring”"
    assert page.home.continue_at is None


def test_teacher_sign_in_says_who_signed_in(desk: StudyDesk) -> None:
    result = desk.sign_in_teacher(username="teacher", password="mcdesk-demo")
    assert result.ok
    assert result.display_name == "Ms. Rivera (demo)"


def test_opening_a_skill_gives_its_lesson_and_images_and_is_remembered(desk: StudyDesk) -> None:
    page = desk.open_skill(ADA, "sample-pack", "measuring")
    assert page.lesson_markdown.startswith("# Measuring")
    assert set(page.images) == {"media/ruler.svg"}
    assert page.images["media/ruler.svg"].startswith(b"<svg")
    assert page.state.stage == "in_progress"
    home = desk.home(ADA)
    assert home.home.continue_at == ("sample-pack", "measuring")
    assert home.skill_titles[("sample-pack", "measuring")] == "Measuring"


def test_studied_time_and_selfcheck_show_on_the_pack_page_and_queue_events(
    desk: StudyDesk, home: Paths
) -> None:
    desk.open_skill(ADA, "sample-pack", "measuring")
    desk.mark_studied(ADA, "sample-pack", "measuring")
    assert desk.add_active_time(ADA, "sample-pack", "measuring", 20) == 20
    assert desk.add_active_time(ADA, "sample-pack", "measuring", 15) == 35
    desk.record_selfcheck(
        ADA, "sample-pack", "measuring", credit=2.0, total=2, responses={"a": 1, "b": True}
    )
    data = desk.pack_page(ADA, "sample-pack")
    assert data.granted
    state = data.states["measuring"]
    assert (state.stage, state.active_seconds, state.studied) == ("mastered", 35, True)
    with opened(home.database, read_only=True) as connection:
        kinds = [row[0] for row in connection.execute("SELECT kind FROM outbox ORDER BY rowid")]
    # Active time coalesces into one pending event per skill.
    assert sorted(kinds) == sorted(
        ["skill_opened", "skill_studied", "active_time", "selfcheck_result"]
    )


def test_prefs_are_kept_per_learner(desk: StudyDesk) -> None:
    desk.save_prefs(ADA, ReadingPrefs(text_scale=150, high_contrast=True))
    assert desk.prefs(ADA) == ReadingPrefs(text_scale=150, high_contrast=True)
    assert desk.prefs("demo-learner-02") == ReadingPrefs()


def test_a_pack_not_granted_cannot_be_opened(desk: StudyDesk, home: Paths) -> None:
    with opened(home.database) as connection:
        connection.execute("DELETE FROM access_grant")
    assert not desk.pack_page(ADA, "sample-pack").granted
    with pytest.raises(NotGranted, match="Ask your teacher"):
        desk.open_skill(ADA, "sample-pack", "measuring")


def test_missing_things_say_so(desk: StudyDesk) -> None:
    with pytest.raises(NotFound):
        desk.pack_page(ADA, "no-such-pack")
    with pytest.raises(NotFound):
        desk.open_skill(ADA, "sample-pack", "no-such-skill")
    with pytest.raises(NotFound):
        desk.learner("nobody")
