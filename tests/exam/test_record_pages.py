"""Pages of a year's record on one station (1,200 attempts by 30 learners, made through the
real exam engine on a real SQLite store): every attempt once, newest first, ties in the
start time in one order, filters that combine, and bounded queries."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.exam.record_pages import (
    MAX_FILTER_CHARS,
    MAX_PAGE_SIZE,
    RecordKey,
    RecordPage,
    RecordQuery,
    RecordQueryRefused,
    station_page,
)
from tests.exam.bank import PACK
from tests.exam.conftest import copy_store
from tests.exam.record_seed import OTHER_PACK, add_learners, learner_names, sit_many

ATTEMPTS = 1200
START = datetime(2026, 1, 12, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def year(
    tmp_path_factory: pytest.TempPathFactory, store_template: Path, station_key: Ed25519PrivateKey
) -> Path:
    """1,200 attempts by 30 learners of the teacher's class, 40 by another teacher's."""
    database = tmp_path_factory.mktemp("year") / "store.sqlite3"
    copy_store(store_template, database)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO teacher (id, school_id, username, display_name, password_hash) "
            "VALUES ('t2', 's1', 'other', 'Mr Other', 'x')"
        )
        connection.execute(
            "INSERT INTO school_class (id, school_id, teacher_id, name) "
            "VALUES ('c2', 's1', 't2', 'Night class')"
        )
    connection.close()
    ours = add_learners(database, learner_names(30))
    theirs = add_learners(database, ["Zoë Elsewhere", "Learner 99"], class_id="c2")
    sit_many(database, key=station_key, learner_ids=ours, count=ATTEMPTS, start=START)
    sit_many(database, key=station_key, learner_ids=theirs, count=40, start=START)
    return database


def truth(database: Path, *, class_id: str = "c1") -> list[tuple[str, str, str, str]]:
    """(created_at, id, learner, pack) of a class's attempts, newest first, sorted here."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT a.created_at, a.id, l.display_name, a.pack_id FROM attempt AS a "
            "JOIN learner AS l ON l.id = a.learner_id WHERE l.class_id = ?",
            (class_id,),
        ).fetchall()
    connection.close()
    return sorted(rows, reverse=True)


def walk(database: Path, query: RecordQuery) -> list[RecordPage]:
    """Every page from the newest, by "Older"."""
    pages = [station_page(database, teacher_username="teach", query=query)]
    while pages[-1].has_older:
        older = RecordQuery(
            learner=query.learner, pack_id=query.pack_id, older_than=pages[-1].oldest_key,
            size=query.size,
        )  # fmt: skip
        pages.append(station_page(database, teacher_username="teach", query=older))
    return pages


def test_older_pages_list_every_attempt_once_newest_first(year: Path) -> None:
    expected = truth(year)
    assert len(expected) == ATTEMPTS
    pages = walk(year, RecordQuery())
    assert len(pages) == 24
    listed = [line.attempt_id for page in pages for line in page.lines]
    assert listed == [attempt_id for _at, attempt_id, _who, _pack in expected]
    assert [(page.first, page.last, page.total) for page in pages[:2]] == [
        (1, 50, ATTEMPTS),
        (51, 100, ATTEMPTS),
    ]
    assert all(page.first == 1 + 50 * n for n, page in enumerate(pages))
    assert not pages[0].has_newer
    assert pages[1].has_newer
    assert (pages[-1].last, pages[-1].has_older) == (ATTEMPTS, False)
    # Another teacher's learners, with a name the filter below would find, never show.
    assert all(line.learner != "Zoë Elsewhere" for page in pages for line in page.lines)


def test_ties_in_the_start_time_keep_one_order_across_a_page_break(year: Path) -> None:
    expected = truth(year)
    pages = walk(year, RecordQuery())
    # Three attempts start in each minute and a page holds 50: pages end inside a tie.
    split = [
        page
        for page in pages[:-1]
        if page.oldest_key is not None
        and expected[page.last][0] == page.oldest_key.started_at  # the next line, same time
    ]
    assert len(split) >= 10
    for page in split:
        tied = [
            attempt_id for at, attempt_id, _w, _p in expected if at == page.oldest_key.started_at
        ]
        assert tied == sorted(tied, reverse=True)  # the id breaks the tie, largest first
    again = [line.attempt_id for page in walk(year, RecordQuery()) for line in page.lines]
    assert again == [line.attempt_id for page in pages for line in page.lines]


def test_newer_pages_walk_back_to_the_same_pages(year: Path) -> None:
    pages = walk(year, RecordQuery(size=70))
    back = [pages[-1]]
    while back[-1].has_newer:
        newer = RecordQuery(newer_than=back[-1].newest_key, size=70)
        back.append(station_page(year, teacher_username="teach", query=newer))
    assert [(p.first, p.last, p.lines) for p in reversed(back)] == [
        (p.first, p.last, p.lines) for p in pages
    ]


@pytest.mark.parametrize(
    ("learner", "pack_id"),
    [("zoë", None), ("ZOË", OTHER_PACK), ("émile", PACK), ("strasse", None), ("learner 1", None)],
)
def test_the_learner_and_micro_credential_filters_combine(
    year: Path, learner: str, pack_id: str | None
) -> None:
    wanted = learner.casefold()
    expected = [
        attempt_id
        for _at, attempt_id, who, pack in truth(year)
        if wanted in who.casefold() and pack_id in (None, pack)
    ]
    pages = walk(year, RecordQuery(learner=f"  {learner} ", pack_id=pack_id))
    listed = [line.attempt_id for page in pages for line in page.lines]
    assert listed == expected
    assert expected  # the filter keeps some, and fewer than all
    assert len(expected) < ATTEMPTS
    assert {page.total for page in pages} == {len(expected)}


def test_a_filter_nobody_matches_is_an_empty_page(year: Path) -> None:
    page = station_page(year, teacher_username="teach", query=RecordQuery(learner="Elsewhere"))
    assert (page.lines, page.total, page.first, page.last) == ((), 0, 0, 0)
    assert not page.has_older
    assert not page.has_newer
    assert page.credentials == ((PACK, PACK), (OTHER_PACK, OTHER_PACK))  # still offered


@pytest.mark.parametrize(
    "query",
    [
        RecordQuery(learner="x" * (MAX_FILTER_CHARS + 1)),
        RecordQuery(size=0),
        RecordQuery(size=MAX_PAGE_SIZE + 1),
        RecordQuery(older_than=RecordKey("a", "b"), newer_than=RecordKey("a", "b")),
    ],
)
def test_a_query_past_its_bounds_is_refused_in_words(year: Path, query: RecordQuery) -> None:
    with pytest.raises(RecordQueryRefused) as refused:
        station_page(year, teacher_username="teach", query=query)
    assert str(refused.value)[0].isupper()
    assert station_page(year, teacher_username="teach").total == ATTEMPTS  # nothing changed
