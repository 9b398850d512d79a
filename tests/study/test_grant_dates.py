"""Close dates of grants on the learner's home: in words, in local time, and after close
whom to ask; read from the grants the station holds (a real store with the demo class)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mcdesk.content.build import build_pack
from mcdesk.content.install import import_pack
from mcdesk.exam.access import require_grant
from mcdesk.exam.states import NotGrantedError
from mcdesk.keys import PublisherKey
from mcdesk.paths import Paths
from mcdesk.store.connection import opened
from mcdesk.study.announcements import due_words
from mcdesk.study.grant_dates import close_words, closed_words
from mcdesk.study.home import EVERY_PACK, LearnerHome, learner_home
from tests.conftest import NOW
from tests.packsource import write_source

ADA = "demo-learner-01"
PACK = "sample-pack"
LAB_ZONE = timezone(timedelta(hours=-5))  # a school five hours behind UTC
# Today in the lab is 22 November 2026 (NOW is 09:30 UTC, 04:30 there).


def local(day: int, hour: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=LAB_ZONE)


@pytest.mark.parametrize(
    ("closes", "words", "urgent"),
    [
        (local(23), "Assessment closes today, at the end of today", True),
        (local(22, 17), "Assessment closes today, at 17:00", True),
        (local(24), "Assessment open until 23 November · closes tomorrow", True),
        (local(26), "Assessment open until 25 November · closes in 3 days", True),
        (local(29, 15), "Assessment open until 29 November, 15:00 · closes in 7 days", False),
        (local(13, month=12), "Assessment open until 12 December", False),
        (datetime(2027, 3, 13, tzinfo=LAB_ZONE), "Assessment open until 12 March 2027", False),
    ],
)
def test_an_open_grant_says_until_when_and_how_soon(
    closes: datetime, words: str, urgent: bool
) -> None:
    said = close_words(closes.astimezone(UTC), now=NOW, zone=LAB_ZONE)
    assert (said.words, said.urgent) == (words, urgent)


def test_a_closed_grant_says_when_and_whom_to_ask() -> None:
    assert closed_words(local(20), teacher="Ms. Rivera", now=NOW, zone=LAB_ZONE) == (
        "Closed at the end of 19 November. Ask Ms. Rivera if you need it opened again."
    )
    assert closed_words(local(21, 12), teacher="", now=NOW, zone=LAB_ZONE) == (
        "Closed on 21 November at 12:00. Ask your teacher if you need it opened again."
    )


def _store(
    demo_engine: Engine, publisher_key: Path, trusted: dict[str, PublisherKey], tmp: Path
) -> None:
    built = build_pack(write_source(tmp / "src"), tmp / "p.mcpack", publisher_key=publisher_key)
    import_pack(built.output, engine=demo_engine, trusted=trusted, now=NOW)


def _grant(database: Path, *rows: tuple[str, str, str | None, str | None, str | None]) -> None:
    """Replace every grant with ``rows``: (id, pack, learner id or None for the class,
    opens_at, closes_at) as the grants stream stores them (naive UTC text)."""
    with opened(database) as connection:
        connection.execute("DELETE FROM access_grant")
        for grant_id, pack, learner, opens, closes in rows:
            connection.execute(
                "INSERT INTO access_grant (id, pack_id, class_id, learner_id, opens_at, closes_at)"
                " VALUES (?, ?, CASE WHEN ? IS NULL THEN 'demo-class' END, ?, ?, ?)",
                (grant_id, pack, learner, learner, opens, closes),
            )


def _stored(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def test_home_shows_the_close_date_then_the_closed_card_and_the_rule_agrees(
    demo_engine: Engine,
    home: Paths,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    _store(demo_engine, publisher_key, trusted, tmp_path)
    closes = local(26)  # the end of 25 November in the lab
    _grant(home.database, ("g1", PACK, None, None, _stored(closes)))

    def read(now: datetime) -> LearnerHome:
        with opened(home.database) as connection:
            return learner_home(connection, learner_id=ADA, now=now, zone=LAB_ZONE)

    (pack,) = read(NOW).mine
    assert pack.closes is not None
    assert pack.closes.words == "Assessment open until 25 November · closes in 3 days"
    assert read(NOW).closed == ()

    after = closes.astimezone(UTC) + timedelta(hours=1)
    shut = read(after)
    assert shut.mine == ()
    (closed,) = shut.closed
    assert (closed.pack_id, closed.title) == (PACK, "Sample Pack")
    assert closed.words == (
        "Closed at the end of 25 November. Ask Ms. Rivera (demo) if you need it opened again."
    )
    with opened(home.database) as connection:  # the assessment rule says the same
        with pytest.raises(NotGrantedError):
            require_grant(connection, learner_id=ADA, pack_id=PACK, title="Sample", now=after)
        require_grant(connection, learner_id=ADA, pack_id=PACK, title="Sample", now=NOW)
    assert read(after + timedelta(days=31)).closed == ()  # a month on, it is simply gone


def test_a_grant_that_never_closes_wins_and_the_latest_close_counts(
    demo_engine: Engine,
    home: Paths,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    _store(demo_engine, publisher_key, trusted, tmp_path)
    _grant(
        home.database,
        ("g1", PACK, None, None, _stored(local(26))),
        ("g2", PACK, ADA, None, _stored(local(13, month=12))),  # Ada's own, later
    )
    with opened(home.database) as connection:
        (pack,) = learner_home(connection, learner_id=ADA, now=NOW, zone=LAB_ZONE).mine
    assert pack.closes is not None
    assert pack.closes.words == "Assessment open until 12 December"
    _grant(
        home.database,
        ("g1", PACK, None, None, _stored(local(26))),
        ("g2", "*", ADA, None, None),  # the whole catalog, for good
    )
    with opened(home.database) as connection:
        (pack,) = learner_home(connection, learner_id=ADA, now=NOW, zone=LAB_ZONE).mine
    assert pack.closes is None


def test_a_closed_whole_catalog_grant_is_said_once(
    demo_engine: Engine,
    home: Paths,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    _store(demo_engine, publisher_key, trusted, tmp_path)
    _grant(home.database, ("g1", "*", None, _stored(local(1)), _stored(local(21))))
    with opened(home.database) as connection:
        shown = learner_home(connection, learner_id=ADA, now=NOW, zone=LAB_ZONE)
    assert shown.mine == ()
    (closed,) = shown.closed
    assert (closed.pack_id, closed.title) == ("*", EVERY_PACK)


def test_a_due_date_reads_like_a_close_date() -> None:
    today = NOW.date()  # 22 November 2026
    assert due_words(today + timedelta(days=3), today=today) == "Due 25 November"
    assert due_words(today, today=today) == "Due today"
    assert due_words(today - timedelta(days=1), today=today) == "Was due 21 November"
    assert due_words(date(2027, 1, 8), today=today) == "Due 8 January 2027"
    assert due_words(None, today=today) == ""
