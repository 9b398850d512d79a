"""``[[standards]]``: from pack.toml into the signed manifest, and every bad entry refused."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from mcdesk.content.build import build_pack
from mcdesk.content.errors import PackRefused, SourceError
from mcdesk.content.manifest import validate_manifest
from mcdesk.content.standards import MAX_STANDARDS, Standard, standards_of
from mcdesk.content.verify import verify_pack
from mcdesk.keys import PublisherKey, read_private_key
from tests.zipedit import manifest_of, rewrite

OSHA = Standard(
    framework="OSHA Construction Industry Regulations",
    code="29 CFR 1926.302",
    title="Power-operated hand tools",
    url="https://www.osha.gov/laws-regs/regulations/standardnumber/1926/1926.302",
    skills=("measuring",),
)


def _standards_block(source: Path) -> str:
    text = (source / "pack.toml").read_text(encoding="utf-8")
    return text[text.index("[[standards]]") :]


def _with_standards(source: Path, block: str) -> None:
    """Replace the sample pack's standards with ``block`` (TOML text)."""
    pack = source / "pack.toml"
    text = pack.read_text(encoding="utf-8")
    text = text[: text.index("[[standards]]")]
    if block.startswith("standards ="):  # a top-level key goes before the first table
        text = text.replace("\n[assessment]", f"\n{block}\n[assessment]", 1)
        block = ""
    pack.write_text(text + block, encoding="utf-8")


def _entry(**fields: object) -> str:
    values = {
        "framework": '"NCCER Core Curriculum"',
        "code": '"00102"',
        "title": '"Introduction to Construction Math"',
        "url": '"https://www.nccer.org/"',
    }
    values.update({k: str(v) for k, v in fields.items()})
    return "[[standards]]\n" + "".join(f"{k} = {v}\n" for k, v in values.items() if v != "-")


def test_standards_travel_into_the_signed_manifest_and_back(
    source: Path, publisher_key: Path, tmp_path: Path, trusted: dict[str, PublisherKey]
) -> None:
    built = build_pack(source, tmp_path / "a.mcpack", publisher_key=publisher_key)
    verified = verify_pack(built.output, trusted=trusted)
    standards = standards_of(verified.manifest)
    assert standards[0] == OSHA
    assert standards[1].skills == ()  # no skills listed: it covers every skill
    assert standards[1].title == "Architecture & Construction <Career Cluster>"
    assert OSHA.label() == (
        "OSHA Construction Industry Regulations 29 CFR 1926.302 — Power-operated hand tools"
    )
    # Without a block the manifest has no key at all, and reads as no standards.
    _with_standards(source, "")
    plain = build_pack(source, tmp_path / "b.mcpack", publisher_key=publisher_key)
    assert "standards" not in manifest_of(plain.output)
    assert standards_of(manifest_of(plain.output)) == ()


@pytest.mark.parametrize(
    ("block", "reason"),
    [
        (_entry(skills='["measuring", "welding"]'), "skill 'welding' is not a skill of this pack"),
        (_entry(url='"ftp://www.nccer.org/"'), "must be an http(s) web address"),
        (_entry(url='"javascript:alert(1)"'), "must be an http(s) web address"),
        (_entry(url='"https://exa mple.org/"'), "must be an http(s) web address"),
        (_entry(title=f'"{"x" * 201}"'), "'title' is longer than 200 characters"),
        (_entry(code=f'"{"9" * 101}"'), "'code' is longer than 100 characters"),
        (_entry(code='""'), "'code' must be non-empty text"),
        (_entry(code=7), "'code' must be non-empty text"),
        (_entry(title='"""two\nlines"""'), "'title' must fit on one line"),
        (_entry(framework="-"), "'framework' must be non-empty text"),
        (_entry(level='"high"'), "unknown field 'level'"),
        (_entry(skills="[]"), "'skills' must be a non-empty list of skill ids"),
        (_entry(skills='["measuring", "measuring"]'), "a skill is listed twice"),
        (_entry() + _entry(), "standard 2: NCCER Core Curriculum 00102 is named twice"),
        ("".join(_entry(code=f'"{n}"') for n in range(MAX_STANDARDS + 1)), "at most 8 standards"),
        ('[standards]\nframework = "NCCER"\n', "must be a list of [[standards]] tables"),
        ("standards = []\n", "list at least one standard"),
    ],
)
def test_a_bad_standard_is_refused_by_the_build_in_words(
    source: Path, publisher_key: Path, tmp_path: Path, block: str, reason: str
) -> None:
    _with_standards(source, block)
    with pytest.raises(SourceError, match=re.escape(reason)) as refused:
        build_pack(source, tmp_path / "a.mcpack", publisher_key=publisher_key)
    assert "pack.toml" in str(refused.value)
    assert not (tmp_path / "a.mcpack").exists()


def test_eight_standards_are_accepted(source: Path, publisher_key: Path, tmp_path: Path) -> None:
    _with_standards(source, "".join(_entry(code=f'"{n}"') for n in range(MAX_STANDARDS)))
    built = build_pack(source, tmp_path / "a.mcpack", publisher_key=publisher_key)
    assert len(standards_of(manifest_of(built.output))) == MAX_STANDARDS


def test_a_signed_manifest_with_bad_standards_is_refused_on_import(
    source: Path, publisher_key: Path, tmp_path: Path, trusted: dict[str, PublisherKey]
) -> None:
    """A publisher whose tools skip the source checks: verify refuses the pack all the same."""
    built = build_pack(source, tmp_path / "a.mcpack", publisher_key=publisher_key)
    good = manifest_of(built.output)
    assert validate_manifest(good) == []
    cases: list[tuple[object, str]] = [
        ([{**good["standards"][0], "skills": ["welding"]}], "skill 'welding' is not a skill"),
        ([{**good["standards"][0], "url": "file:///etc/passwd"}], "standards/0/url"),
        (good["standards"] * 5, "standards: "),
        ([{**good["standards"][0], "title": "t" * 201}], "standards/0/title"),
        ([], "standards: [] should be non-empty"),
    ]
    key = read_private_key(publisher_key)
    for number, (standards, reason) in enumerate(cases):
        manifest = copy.deepcopy(good)
        manifest["standards"] = standards
        problems = validate_manifest(manifest)
        assert problems, standards
        assert reason in problems[0], problems
        bad = rewrite(
            built.output, tmp_path / f"bad{number}.mcpack", manifest=manifest, sign_with=key
        )
        with pytest.raises(PackRefused, match=re.escape(reason)):
            verify_pack(bad, trusted=trusted)


def test_the_sample_source_names_its_standards_once(source: Path) -> None:
    assert _standards_block(source).count("[[standards]]") == 2
