"""Search snippets, made by FTS5 in the ranked query: matches marked, one per hit."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from mcdesk.content.catalog import search_catalog
from mcdesk.store.search_index import CREATE_SEARCH_TABLE

FILLER = " ".join(f"filler{n}" for n in range(60))


@pytest.fixture
def index() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    connection.execute(CREATE_SEARCH_TABLE)
    connection.execute("CREATE TABLE pack (id TEXT PRIMARY KEY, title TEXT, career_cluster TEXT)")
    yield connection
    connection.close()


def _add(index: sqlite3.Connection, pack_id: str, bodies: list[str]) -> None:
    index.execute("INSERT INTO pack VALUES (?, ?, 'Health Science')", (pack_id, pack_id.title()))
    for n, body in enumerate(bodies):
        index.execute(
            "INSERT INTO catalog_search (pack_id, skill_id, title, keywords, body) "
            "VALUES (?, ?, ?, '', ?)",
            (pack_id, f"s{n}", f"Skill {n}", body),
        )


def test_a_snippet_centres_where_the_words_meet_with_every_form_marked(
    index: sqlite3.Connection,
) -> None:
    _add(index, "meters", [f"Voltage early. {FILLER} Measuring the voltage, measured. {FILLER}"])
    [hit] = search_catalog(index, "voltage measuring")
    assert "[voltage]" in hit.snippet
    assert "[Measuring]" in hit.snippet
    assert "[measured]" in hit.snippet
    assert hit.snippet.startswith("…")
    assert hit.snippet.endswith("…")


def test_a_pack_shows_once_with_the_snippet_of_its_best_skill(
    index: sqlite3.Connection,
) -> None:
    _add(index, "wiring", [f"{FILLER} one conduit {FILLER}", "conduit conduit conduit bends"])
    _add(index, "plumbing", [f"{FILLER} a conduit {FILLER}"])
    hits = search_catalog(index, "conduit")
    assert [(hit.pack_id, hit.skill_id) for hit in hits] == [("wiring", "s1"), ("plumbing", "s0")]
    assert hits[0].snippet == "[conduit] [conduit] [conduit] bends"
    assert "[conduit]" in hits[1].snippet


def test_the_limit_counts_packs_and_every_shown_hit_has_its_snippet(
    index: sqlite3.Connection,
) -> None:
    for n in range(12):
        _add(index, f"pack-{n:02d}", [f"ladder safety {n}", f"{FILLER} ladder {FILLER}"])
    hits = search_catalog(index, "ladder", limit=5)
    assert len({hit.pack_id for hit in hits}) == len(hits) == 5
    assert all("[ladder]" in hit.snippet for hit in hits)
