"""The index holds a lesson by section, so a hit's snippet is made from one section."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from mcdesk.content.catalog import search_catalog
from mcdesk.store.search_index import (
    CREATE_SEARCH_TABLE,
    SECTION_WORDS,
    SKILL_BLOCK,
    index_rows,
    replace_pack_rows,
)

LESSON = """# Ladders

Intro words about ladders and rungs.

## Setting up

Place the feet on firm ground at one to four.

## Climbing

Keep three points of contact; a scaffold is another story.
"""


def _manifest(pack_id: str) -> dict[str, object]:
    return {
        "id": pack_id,
        "title": pack_id.title(),
        "summary": "Working at height.",
        "career_cluster": "Architecture & Construction",
        "skills": [
            {
                "id": "ladders",
                "title": "Ladder Safety",
                "summary": "Choose and climb a ladder.",
                "lesson": "skills/ladders/lesson.md",
                "keywords": [{"term": "rung", "definition": "a step of a ladder"}],
            }
        ],
    }


@pytest.fixture
def index() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    connection.execute(CREATE_SEARCH_TABLE)
    connection.execute("CREATE TABLE pack (id TEXT PRIMARY KEY, title TEXT, career_cluster TEXT)")
    yield connection
    connection.close()


def _install(index: sqlite3.Connection, pack_id: str, lesson: str) -> None:
    index.execute("INSERT INTO pack VALUES (?, ?, 'Construction')", (pack_id, pack_id.title()))
    rows = index_rows(_manifest(pack_id), {"skills/ladders/lesson.md": lesson})
    replace_pack_rows(index, pack_id, rows)


def test_a_lesson_is_one_row_per_heading_with_its_skills_title_and_keywords_once() -> None:
    rows = index_rows(_manifest("ladders"), {"skills/ladders/lesson.md": LESSON})
    skill_rows = [row for row in rows if row[1] == "ladders"]
    assert len(skill_rows) == 3
    assert skill_rows[0][4].startswith("Choose and climb a ladder. # Ladders Intro")
    assert skill_rows[2][4].startswith("## Climbing Keep three points")
    assert {row[2] for row in skill_rows} == {"Ladder Safety"}
    assert [row[3] for row in skill_rows] == ["rung: a step of a ladder", "", ""]


def test_a_long_section_is_cut_into_pieces_of_about_the_section_length() -> None:
    paragraphs = "\n\n".join(" ".join(f"w{p}x{n}" for n in range(50)) for p in range(10))
    one_paragraph = " ".join(f"long{n}" for n in range(SECTION_WORDS * 3))
    rows = index_rows(
        _manifest("long"), {"skills/ladders/lesson.md": f"{paragraphs}\n\n{one_paragraph}"}
    )
    bodies = [row[4].split() for row in rows if row[1] == "ladders"]
    assert all(len(body) <= SECTION_WORDS * 3 // 2 for body in bodies)
    assert len(bodies) >= 5
    words = [word for body in bodies for word in body]
    assert words[-SECTION_WORDS * 3 :] == one_paragraph.split()  # nothing lost or repeated


def test_the_snippet_comes_from_the_section_that_matched(index: sqlite3.Connection) -> None:
    _install(index, "ladders", LESSON)
    [hit] = search_catalog(index, "scaffold")
    assert hit.skill_id == "ladders"
    assert "[scaffold]" in hit.snippet
    assert "Intro" not in hit.snippet


def test_a_pack_matching_in_many_sections_shows_once(index: sqlite3.Connection) -> None:
    _install(index, "ladders", LESSON)
    _install(index, "scaffolds", LESSON.replace("Intro words", "Scaffold words"))
    hits = search_catalog(index, "ladder")
    assert sorted(hit.pack_id for hit in hits) == ["ladders", "scaffolds"]
    # a pack's own row (its title matched) shows its summary; a skill's shows its marks
    assert all("[" in hit.snippet for hit in hits if hit.skill_id)
    assert any(hit.skill_id for hit in hits)
    both = search_catalog(index, "rung contact")  # a keyword, and a later section's word
    assert sorted(hit.pack_id for hit in both) == ["ladders", "scaffolds"]
    assert all("[rungs]" in hit.snippet for hit in both)


def test_words_in_different_sections_of_a_lesson_still_find_it_after_those_together(
    index: sqlite3.Connection,
) -> None:
    _install(index, "apart", LESSON)  # "firm" under Setting up, "scaffold" under Climbing
    _install(index, "together", LESSON.replace("Intro words", "Firm scaffold words"))
    hits = search_catalog(index, "firm scaffold")
    assert [hit.pack_id for hit in hits] == ["together", "apart"]
    assert "[Firm] [scaffold]" in hits[0].snippet
    assert hits[1].skill_id == "ladders"
    assert "[firm]" in hits[1].snippet or "[scaffold]" in hits[1].snippet
    assert search_catalog(index, "firm scaffold", limit=1) == hits[:1]


def test_each_skill_keeps_its_own_rowid_block_when_a_pack_is_imported_again(
    index: sqlite3.Connection,
) -> None:
    _install(index, "first", LESSON)
    _install(index, "second", LESSON)
    replace_pack_rows(index, "first", index_rows(_manifest("first"), {}))  # a new version
    rows = index.execute("SELECT rowid, pack_id, skill_id FROM catalog_search").fetchall()
    owners: dict[int, set[tuple[str, str]]] = {}
    for rowid, pack_id, skill_id in rows:
        owners.setdefault(rowid // SKILL_BLOCK, set()).add((pack_id, skill_id))
    assert all(len(owner) == 1 for owner in owners.values())
    assert len(owners) == 4  # each pack's own row and its one skill
    assert [hit.pack_id for hit in search_catalog(index, "firm scaffold")] == ["second"]


def test_a_hit_found_by_its_keywords_has_the_word_marked(index: sqlite3.Connection) -> None:
    # "rung" is a keyword, and in the Climbing section's text but not the first one's.
    lesson = LESSON.replace("ladders and rungs", "ladders").replace("Keep three", "Each rung")
    _install(index, "ladders", lesson)
    [hit] = search_catalog(index, "rung")
    assert hit.skill_id == "ladders"
    assert "[rung]" in hit.snippet
