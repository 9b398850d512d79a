from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from mcdesk.content.build import build_pack
from mcdesk.content.catalog import fts_query, search_catalog
from mcdesk.content.install import import_pack
from mcdesk.keys import PublisherKey
from mcdesk.paths import Paths
from mcdesk.store.connection import opened
from tests.conftest import NOW
from tests.packsource import write_source


@pytest.fixture
def two_packs(
    publisher_key: Path, trusted: dict[str, PublisherKey], engine: Engine, tmp_path: Path
) -> None:
    for pack_id, title in (("sample-pack", "Sample Pack"), ("wiring-basics", "Wiring Basics")):
        src = write_source(tmp_path / pack_id, pack_id=pack_id, title=title)
        lesson = src / "skills" / "estimating" / "lesson.md"
        if pack_id == "wiring-basics":
            lesson.write_text(lesson.read_text() + "\nA multimeter measures voltage.\n")
        built = build_pack(src, tmp_path / f"{pack_id}.mcpack", publisher_key=publisher_key)
        import_pack(built.output, engine=engine, trusted=trusted, now=NOW)


def _search(home: Paths, query: str) -> list[tuple[str, str | None]]:
    with opened(home.database) as connection:
        return [(hit.pack_id, hit.skill_id) for hit in search_catalog(connection, query)]


def test_search_finds_titles_skills_keywords_and_lesson_text(
    two_packs: object, home: Paths
) -> None:
    assert _search(home, "wiring")[0] == ("wiring-basics", None)  # title
    assert _search(home, "estimating")[0][1] == "estimating"  # skill title
    assert {hit[0] for hit in _search(home, "stud")} == {"sample-pack", "wiring-basics"}  # keyword
    assert _search(home, "multimeter") == [("wiring-basics", "estimating")]  # lesson text only


def test_search_matches_prefixes_and_ignores_query_syntax(two_packs: object, home: Paths) -> None:
    assert _search(home, "multim") == [("wiring-basics", "estimating")]
    assert _search(home, 'multimeter"* ^(') == [("wiring-basics", "estimating")]
    assert _search(home, "*") == []
    assert _search(home, "nothing-like-this-anywhere") == []


def test_titles_rank_above_body_text(two_packs: object, home: Paths) -> None:
    hits = _search(home, "measuring")
    assert hits[0][1] == "measuring"


def test_query_building_is_plain_words_only() -> None:
    assert fts_query("Tape  measure!") == '"tape"* "measure"*'
    assert fts_query("  ") is None
