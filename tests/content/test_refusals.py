"""Every way a pack is refused: each has its own message, and nothing is written."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mcdesk.content.errors import PackRefused
from mcdesk.content.install import import_pack
from mcdesk.content.verify import verify_pack
from mcdesk.keys import PublisherKey, read_private_key
from mcdesk.paths import Paths
from tests.conftest import NOW
from tests.zipedit import entries, manifest_of, rewrite, write_zip

LESSON = "skills/measuring/lesson.md"
BadPack = Callable[[Path, Path, Path], Path]  # (good pack, publisher key, tmp) -> bad pack


def flipped_signature(good: Path, key: Path, tmp: Path) -> Path:
    sig = bytearray(entries(good)["pack.sig"])
    sig[10] ^= 0x01
    return rewrite(good, tmp / "bad.mcpack", replace={"pack.sig": bytes(sig)})


def changed_manifest_old_signature(good: Path, key: Path, tmp: Path) -> Path:
    manifest = manifest_of(good)
    manifest["title"] = "Sample Pack (edited)"
    return rewrite(good, tmp / "bad.mcpack", manifest=manifest)


def missing_signature(good: Path, key: Path, tmp: Path) -> Path:
    return rewrite(good, tmp / "bad.mcpack", drop=("pack.sig",))


def missing_manifest(good: Path, key: Path, tmp: Path) -> Path:
    return rewrite(good, tmp / "bad.mcpack", drop=("pack.json",))


def other_publisher(good: Path, key: Path, tmp: Path) -> Path:
    from mcdesk.keys import new_publisher

    stranger = tmp / "stranger.key"
    new_publisher(stranger, name="Stranger")
    manifest = manifest_of(good)
    from mcdesk.keys import public_file_for, read_publisher

    manifest["publisher"] = {
        "name": "Stranger",
        "key_id": read_publisher(public_file_for(stranger)).key_id,
    }
    return rewrite(
        good, tmp / "bad.mcpack", manifest=manifest, sign_with=read_private_key(stranger)
    )


def same_size_other_bytes(good: Path, key: Path, tmp: Path) -> Path:
    lesson = bytearray(entries(good)[LESSON])
    lesson[5] = ord("X") if lesson[5] != ord("X") else ord("Y")
    return rewrite(good, tmp / "bad.mcpack", replace={LESSON: bytes(lesson)})


def longer_file(good: Path, key: Path, tmp: Path) -> Path:
    return rewrite(good, tmp / "bad.mcpack", replace={LESSON: entries(good)[LESSON] + b"\nmore"})


def shorter_file(good: Path, key: Path, tmp: Path) -> Path:
    return rewrite(good, tmp / "bad.mcpack", replace={LESSON: entries(good)[LESSON][:-3]})


def missing_file(good: Path, key: Path, tmp: Path) -> Path:
    return rewrite(good, tmp / "bad.mcpack", drop=(LESSON,))


def extra_file(good: Path, key: Path, tmp: Path) -> Path:
    return rewrite(good, tmp / "bad.mcpack", add=[("skills/measuring/notes.md", b"hi")])


def entry_named(name: str, **attrs: object) -> BadPack:
    def make(good: Path, key: Path, tmp: Path) -> Path:
        files = [*list(entries(good).items()), (name, b"x")]
        return write_zip(tmp / "bad.mcpack", files, **{name: attrs})

    make.__name__ = f"entry {name!r}"
    return make


def duplicate_entry(good: Path, key: Path, tmp: Path) -> Path:
    files = list(entries(good).items())
    with pytest.warns(UserWarning, match="Duplicate name"):
        return write_zip(tmp / "bad.mcpack", [*files, (LESSON, entries(good)[LESSON])])


def too_many_entries(good: Path, key: Path, tmp: Path) -> Path:
    files = list(entries(good).items())
    files += [(f"extra/{n}.md", b"") for n in range(10_001 - len(files))]
    return write_zip(tmp / "bad.mcpack", files)


def too_large(good: Path, key: Path, tmp: Path) -> Path:
    # Incompressible, so only the size limit (not the ratio limit) can catch it.
    chunk = os.urandom(101 * 1000 * 1000)
    import zipfile

    target = tmp / "bad.mcpack"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in entries(good).items():
            archive.writestr(name, data)
        archive.writestr("media/a.bin", chunk)
        archive.writestr("media/b.bin", chunk)
    return target


def zip_bomb(good: Path, key: Path, tmp: Path) -> Path:
    files = [*list(entries(good).items()), ("media/zeros.bin", bytes(5000000))]
    return write_zip(tmp / "bad.mcpack", files)


def not_a_zip(good: Path, key: Path, tmp: Path) -> Path:
    target = tmp / "bad.mcpack"
    target.write_bytes(b"this is not a zip archive at all\n" * 20)
    return target


def truncated_zip(good: Path, key: Path, tmp: Path) -> Path:
    target = tmp / "bad.mcpack"
    target.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return target


def signed(change: Callable[[dict], None]) -> BadPack:  # type: ignore[type-arg]
    """A manifest the trusted publisher did sign, but which is wrong inside."""

    def make(good: Path, key: Path, tmp: Path) -> Path:
        manifest = manifest_of(good)
        change(manifest)
        return rewrite(good, tmp / "bad.mcpack", manifest=manifest, sign_with=read_private_key(key))

    make.__name__ = change.__name__
    return make


def schema_missing_title(m: dict) -> None:  # type: ignore[type-arg]
    del m["title"]


def schema_bad_version(m: dict) -> None:  # type: ignore[type-arg]
    m["version"] = "one"


def schema_unknown_item_type(m: dict) -> None:  # type: ignore[type-arg]
    m["skills"][0]["self_check"][0]["type"] = "essay"


def duplicate_skill_ids(m: dict) -> None:  # type: ignore[type-arg]
    m["skills"][1]["id"] = m["skills"][0]["id"]


def duplicate_item_ids(m: dict) -> None:  # type: ignore[type-arg]
    m["skills"][1]["self_check"][0]["id"] = m["skills"][0]["self_check"][0]["id"]


def answer_not_an_option(m: dict) -> None:  # type: ignore[type-arg]
    m["skills"][0]["self_check"][0]["answer"] = "zz"


def blueprint_wants_too_many(m: dict) -> None:  # type: ignore[type-arg]
    m["assessment"]["items_per_skill"]["measuring"] = 50


CASES: list[tuple[BadPack, str]] = [
    (flipped_signature, "bad signature"),
    (changed_manifest_old_signature, "bad signature"),
    (missing_signature, "missing signature"),
    (missing_manifest, "missing manifest"),
    (other_publisher, "unknown publisher"),
    (same_size_other_bytes, "does not match its SHA-256"),
    (longer_file, "holds more bytes than its signed manifest"),
    (shorter_file, "the manifest says"),
    (missing_file, "missing file"),
    (extra_file, "not in its signed manifest"),
    (entry_named("/etc/passwd"), "absolute paths"),
    (entry_named("skills/../../escape.md"), "'..'"),
    (entry_named("C:/Windows/evil.md"), "drive letters"),
    (entry_named("skills\\measuring\\evil.md"), "backslashes"),
    (entry_named("skills/link.md", external_attr=0o120777 << 16), "links are not allowed"),
    (entry_named("skills//double.md"), "empty or '.' path segments"),
    (duplicate_entry, "appears twice"),
    (too_many_entries, "too many entries: 10001 (a pack may hold at most 10000)"),
    (too_large, "too large"),
    (zip_bomb, "expands more than 100:1"),
    (not_a_zip, "not a content pack"),
    (truncated_zip, "not a content pack"),
    (signed(schema_missing_title), "breaks the schema at (top level): 'title' is a required"),
    (signed(schema_bad_version), "breaks the schema at version"),
    (signed(schema_unknown_item_type), "breaks the schema at skills/0/self_check/0"),
    (signed(duplicate_skill_ids), "skill id 'measuring' appears more than once"),
    (signed(duplicate_item_ids), "appears more than once"),
    (signed(answer_not_an_option), "is not one of the options"),
    (signed(blueprint_wants_too_many), "draws 50 items for measuring but the bank has 5"),
]


@pytest.mark.parametrize(("make_bad", "reason"), CASES, ids=[c[0].__name__ for c in CASES])
def test_verify_refuses_with_its_own_reason(
    make_bad: BadPack,
    reason: str,
    built: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    bad = make_bad(built, publisher_key, tmp_path)
    with pytest.raises(PackRefused) as refused:
        verify_pack(bad, trusted=trusted)
    assert reason in str(refused.value)


def _snapshot(database: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as connection:
        return [
            *connection.execute("SELECT id, version, manifest FROM pack ORDER BY id"),
            *connection.execute("SELECT pack_id, path, sha256 FROM pack_file ORDER BY 1, 2"),
            *connection.execute("SELECT sha256, length(data) FROM blob ORDER BY 1"),
            *connection.execute(
                "SELECT pack_id, skill_id, title FROM catalog_search ORDER BY 1, 2"
            ),
        ]


@pytest.mark.parametrize(("make_bad", "reason"), CASES, ids=[c[0].__name__ for c in CASES])
def test_a_refused_import_leaves_the_store_untouched(
    make_bad: BadPack,
    reason: str,
    built: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    engine: Engine,
    home: Paths,
    tmp_path: Path,
) -> None:
    import_pack(built, engine=engine, trusted=trusted, now=NOW)
    before = _snapshot(home.database)
    bad = make_bad(built, publisher_key, tmp_path)
    with pytest.raises(PackRefused):
        import_pack(bad, engine=engine, trusted=trusted, now=NOW)
    assert _snapshot(home.database) == before
    assert before  # the installed pack is still there, whole


def test_an_older_version_is_refused_unless_forced(
    build_version: Callable[..., Path],
    trusted: dict[str, PublisherKey],
    engine: Engine,
    home: Paths,
) -> None:
    newer, older = build_version("1.1.0"), build_version("1.0.0")
    import_pack(newer, engine=engine, trusted=trusted, now=NOW)
    before = _snapshot(home.database)
    with pytest.raises(
        PackRefused, match=r"older than the installed version: sample-pack 1\.0\.0 < 1\.1\.0"
    ):
        import_pack(older, engine=engine, trusted=trusted, now=NOW)
    assert _snapshot(home.database) == before
    result = import_pack(older, engine=engine, trusted=trusted, force=True, now=NOW)
    assert (result.outcome, result.previous_version) == ("downgraded", "1.1.0")


def test_same_version_with_other_content_is_refused_unless_forced(
    build_version: Callable[..., Path], trusted: dict[str, PublisherKey], engine: Engine
) -> None:
    import_pack(build_version("1.0.0"), engine=engine, trusted=trusted, now=NOW)
    rebuilt = build_version("1.0.0", title="Sample Pack Renamed")
    with pytest.raises(PackRefused, match="must raise the version"):
        import_pack(rebuilt, engine=engine, trusted=trusted, now=NOW)
    assert (
        import_pack(rebuilt, engine=engine, trusted=trusted, force=True, now=NOW).outcome
        == "updated"
    )
