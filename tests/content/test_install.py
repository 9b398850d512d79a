from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mcdesk.content import install
from mcdesk.content.catalog import list_catalog, load_manifest, read_pack_file
from mcdesk.content.install import import_pack
from mcdesk.keys import PublisherKey
from mcdesk.paths import Paths
from mcdesk.store.connection import opened
from tests.conftest import NOW


def test_import_then_read_lessons_and_media(
    built: Path, trusted: dict[str, PublisherKey], engine: Engine, home: Paths
) -> None:
    result = import_pack(built, engine=engine, trusted=trusted, now=NOW)
    assert (result.outcome, result.pack_id, result.version) == ("installed", "sample-pack", "1.0.0")
    with opened(home.database) as connection:
        [entry] = list_catalog(connection)
        assert entry.skill_titles == ("Measuring", "Estimating")
        lesson = read_pack_file(connection, "sample-pack", "skills/measuring/lesson.md")
        assert lesson is not None
        assert lesson.startswith(b"# Measuring")
        assert read_pack_file(connection, "sample-pack", "skills/measuring/media/ruler.svg")
        assert read_pack_file(connection, "sample-pack", "nope.md") is None
        manifest = load_manifest(connection, "sample-pack")
        assert manifest is not None
        assert manifest["publisher"]["name"] == "Test Publisher"


def test_importing_the_same_pack_twice_changes_nothing(
    built: Path, trusted: dict[str, PublisherKey], engine: Engine
) -> None:
    import_pack(built, engine=engine, trusted=trusted, now=NOW)
    assert import_pack(built, engine=engine, trusted=trusted, now=NOW).outcome == "unchanged"


def test_an_update_replaces_the_pack_and_drops_files_nobody_uses(
    build_version: Callable[..., Path],
    trusted: dict[str, PublisherKey],
    engine: Engine,
    home: Paths,
) -> None:
    import_pack(build_version("1.0.0"), engine=engine, trusted=trusted, now=NOW)
    result = import_pack(build_version("1.1.0"), engine=engine, trusted=trusted, now=NOW)
    assert (result.outcome, result.previous_version) == ("updated", "1.0.0")
    with opened(home.database) as connection:
        assert [e.version for e in list_catalog(connection)] == ["1.1.0"]
        orphans = connection.execute(
            "SELECT count(*) FROM blob WHERE sha256 NOT IN (SELECT sha256 FROM pack_file)"
        ).fetchone()[0]
        assert orphans == 0
        assert connection.execute("SELECT count(*) FROM catalog_search").fetchone()[0] == 3


def test_readers_keep_the_old_version_until_the_new_one_is_wholly_in(
    build_version: Callable[..., Path],
    trusted: dict[str, PublisherKey],
    engine: Engine,
    home: Paths,
) -> None:
    import_pack(build_version("1.0.0"), engine=engine, trusted=trusted, now=NOW)
    reader = sqlite3.connect(home.database, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT version FROM pack").fetchone() == ("1.0.0",)
    import_pack(build_version("1.1.0"), engine=engine, trusted=trusted, now=NOW)
    # The reader's snapshot still shows the whole old version, files included.
    assert reader.execute("SELECT version FROM pack").fetchone() == ("1.0.0",)
    lesson = reader.execute(
        "SELECT count(*) FROM pack_file JOIN blob USING (sha256) WHERE pack_id='sample-pack'"
    ).fetchone()
    assert lesson == (5,)  # two lessons, two figures, the sealed bank
    reader.execute("COMMIT")
    assert reader.execute("SELECT version FROM pack").fetchone() == ("1.1.0",)
    reader.close()


def test_a_failure_half_way_through_an_import_keeps_the_previous_version(
    build_version: Callable[..., Path],
    trusted: dict[str, PublisherKey],
    engine: Engine,
    home: Paths,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import_pack(build_version("1.0.0"), engine=engine, trusted=trusted, now=NOW)

    def power_cut(*args: object, **kwargs: object) -> None:
        raise OSError("disk unplugged")

    monkeypatch.setattr(install, "replace_pack_rows", power_cut)
    with pytest.raises(OSError, match="disk unplugged"):
        import_pack(build_version("1.1.0"), engine=engine, trusted=trusted, now=NOW)
    with opened(home.database) as connection:
        assert [e.version for e in list_catalog(connection)] == ["1.0.0"]
        assert read_pack_file(connection, "sample-pack", "skills/measuring/lesson.md")
