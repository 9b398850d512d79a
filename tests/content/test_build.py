from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mcdesk.content.build import BANK_PATH, build_pack
from mcdesk.content.errors import SourceError
from mcdesk.content.sealing import bank_aad, read_pack_key, unseal
from mcdesk.keys import new_publisher
from tests.zipedit import entries, manifest_of


def test_same_sources_give_the_same_bytes(
    source: Path, publisher_key: Path, tmp_path: Path
) -> None:
    first = build_pack(source, tmp_path / "a.mcpack", publisher_key=publisher_key)
    second = build_pack(
        source,
        tmp_path / "b.mcpack",
        publisher_key=publisher_key,
        pack_key_file=first.pack_key_file,
    )
    assert first.output.read_bytes() == second.output.read_bytes()


def test_only_the_signature_differs_under_another_publisher(
    source: Path, publisher_key: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.key"
    new_publisher(other, name="Test Publisher")
    first = build_pack(source, tmp_path / "a.mcpack", publisher_key=publisher_key)
    second = build_pack(
        source, tmp_path / "b.mcpack", publisher_key=other, pack_key_file=first.pack_key_file
    )
    a, b = entries(first.output), entries(second.output)
    assert a.keys() == b.keys()
    differing = {name for name in a if a[name] != b[name]}
    assert differing == {"pack.json", "pack.sig"}  # pack.json names the publisher key
    ma, mb = manifest_of(first.output), manifest_of(second.output)
    ma.pop("publisher"), mb.pop("publisher")
    assert ma == mb


def test_the_item_bank_is_sealed_and_its_key_stays_outside(
    source: Path, publisher_key: Path, tmp_path: Path
) -> None:
    built = build_pack(source, tmp_path / "a.mcpack", publisher_key=publisher_key)
    raw = built.output.read_bytes()
    files = entries(built.output)
    assert built.pack_key_file is not None
    pack_key = read_pack_key(built.pack_key_file)
    assert pack_key.key not in raw
    for needle in (b"How many inches in 3 feet?", b"tape measure", b'"answer"'):
        assert needle not in files[BANK_PATH]
    bank = json.loads(
        unseal(files[BANK_PATH], pack_key=pack_key, aad=bank_aad("sample-pack", "1.0.0"))
    )
    assert len(bank["items"]) == 10
    assert {item["skill"] for item in bank["items"]} == {"measuring", "estimating"}
    assert b"How many inches in 3 feet?" not in raw  # not even compressed-away by chance


def test_every_item_type_reaches_the_manifest_or_the_bank(
    source: Path, publisher_key: Path, tmp_path: Path
) -> None:
    built = build_pack(source, tmp_path / "a.mcpack", publisher_key=publisher_key)
    manifest = manifest_of(built.output)
    assert manifest["assessment"]["bank"]["items_per_skill"] == {"estimating": 5, "measuring": 5}
    assert manifest["assessment"]["items_per_skill"] == {"measuring": 2, "estimating": 2}
    paths = {entry["path"] for entry in manifest["files"]}
    assert {"skills/measuring/lesson.md", "skills/measuring/media/ruler.svg", BANK_PATH} <= paths


def _break(source: Path, relative: str, old: str, new: str) -> None:
    path = source / relative
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    ("relative", "old", "new", "message"),
    [
        ("pack.toml", 'title = "Sample Pack"', 'title = "Sample', "pack.toml: not valid TOML"),
        ("pack.toml", '"measuring", ', '"measuring", "welding", ', "skills/welding: missing"),
        (
            "skills/measuring/skill.toml",
            'answer = "a"',
            'answer = "q"',
            "meas-sc-1: answer 'q' is not one of",
        ),
        (
            "skills/measuring/assessment.toml",
            'answer = ["b", "c", "a"]',
            'answer = ["b", "c"]',
            "every option id exactly once",
        ),
        (
            "skills/measuring/assessment.toml",
            'pattern = "^tape( measure)?$"',
            'pattern = "(unclosed"',
            "pattern does not compile",
        ),
        (
            "skills/measuring/lesson.md",
            "media/ruler.svg",
            "media/missing.svg",
            "image media/missing.svg is not in",
        ),
        (
            "skills/measuring/skill.toml",
            'type = "true_false"',
            'type = "essay"',
            "type must be one of",
        ),
        ("pack.toml", "preview = false", "preview = true", "preview packs carry no assessment"),
        (
            "pack.toml",
            'version = "1.0.0"',
            'version = "v1"',
            "manifest breaks the schema at version",
        ),
    ],
)
def test_source_mistakes_name_the_file_and_the_problem(
    source: Path,
    publisher_key: Path,
    tmp_path: Path,
    relative: str,
    old: str,
    new: str,
    message: str,
) -> None:
    _break(source, relative, old, new)
    out = tmp_path / "out.mcpack"
    with pytest.raises(SourceError) as error:
        build_pack(source, out, publisher_key=publisher_key)
    assert message in str(error.value)
    assert not out.exists()


def test_a_rebuilt_pack_reuses_its_pack_key_and_refuses_another_packs(
    source: Path, publisher_key: Path, tmp_path: Path
) -> None:
    first = build_pack(source, tmp_path / "a.mcpack", publisher_key=publisher_key)
    other_source = tmp_path / "other"
    shutil.copytree(source, other_source)
    _break(other_source, "pack.toml", 'id = "sample-pack"', 'id = "other-pack"')
    with pytest.raises(SourceError, match="is the key of pack sample-pack, not other-pack"):
        build_pack(
            other_source,
            tmp_path / "b.mcpack",
            publisher_key=publisher_key,
            pack_key_file=first.pack_key_file,
        )


def test_a_publisher_key_without_its_public_file_is_refused(
    source: Path, publisher_key: Path, tmp_path: Path
) -> None:
    publisher_key.with_suffix(".pub.json").unlink()
    with pytest.raises(SourceError, match="cannot read the publisher file"):
        build_pack(source, tmp_path / "a.mcpack", publisher_key=publisher_key)


def test_a_pack_may_choose_the_lockdown_policy_and_only_log_or_block(
    tmp_path: Path, publisher_key: Path
) -> None:
    from mcdesk.content.errors import SourceError
    from tests.packsource import write_source

    source = write_source(tmp_path / "src")
    toml = source / "pack.toml"
    original = toml.read_text(encoding="utf-8")
    toml.write_text(
        original.replace(
            "proficiency_level = 0.7", 'proficiency_level = 0.7\nlockdown_policy = "log"'
        ),
        encoding="utf-8",
    )
    built = build_pack(source, tmp_path / "p.mcpack", publisher_key=publisher_key)
    assert built.size > 0
    toml.write_text(
        original.replace(
            "proficiency_level = 0.7", 'proficiency_level = 0.7\nlockdown_policy = "off"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="lockdown_policy"):
        build_pack(source, tmp_path / "q.mcpack", publisher_key=publisher_key)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[badge]\nvalid_for_days = 0\n", "valid_for_days must be a whole number of days"),
        ("[badge]\nvalid_for_days = 1.5\n", "not 1.5"),
        ('[badge]\nvalid_for_days = "forever"\n', "not 'forever'"),
        ("[badge]\nexpires = 30\n", "[badge] takes one key, valid_for_days"),
        ("badge = 30\n", "[badge] takes one key, valid_for_days"),
    ],
)
def test_a_badge_expiry_reaches_the_manifest_and_a_bad_one_is_named(
    source: Path, publisher_key: Path, tmp_path: Path, table: str, message: str
) -> None:
    toml = source / "pack.toml"
    original = toml.read_text(encoding="utf-8")
    # A top-level key has to come before the first table.
    toml.write_text(table + original if table.startswith("badge =") else original + "\n" + table)
    with pytest.raises(SourceError, match=r"pack\.toml") as error:
        build_pack(source, tmp_path / "bad.mcpack", publisher_key=publisher_key)
    assert message in str(error.value)
    toml.write_text(original + "\n[badge]\nvalid_for_days = 1095\n", encoding="utf-8")
    built = build_pack(source, tmp_path / "good.mcpack", publisher_key=publisher_key)
    assert manifest_of(built.output)["badge"] == {"valid_for_days": 1095}
