"""The catalog shipped in content_cache/: complete, signed, in step with its sources."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mcdesk.content.build import BANK_PATH, build_pack
from mcdesk.content.bundled import read_bundled_index
from mcdesk.content.sealing import bank_aad, read_pack_key, unseal
from mcdesk.content.verify import VerifiedPack, verify_pack
from mcdesk.keys import load_trusted_publishers
from mcdesk.paths import bundled_catalog_dir, bundled_publishers_dir

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "content_cache"

# The micro-credential index in shared/seeds: title → (career cluster, targeted skills).
SEED_INDEX: dict[str, tuple[str, list[str]]] = {
    "Access Control Lists": (
        "Information Technology",
        [
            "Basics of Access Control Lists",
            "Inbound Access Control Lists",
            "Outbound Access Control Lists",
            "RBAC Versus ACL",
            "Using Access Control Lists",
        ],
    ),
    "Accounting Confidentiality and Ethics": (
        "Business Management & Administration",
        [
            "Confidentiality Breaches",
            "Defining Confidential Information",
            "Protection Responsibility",
            "Unauthorized Disclosures",
        ],
    ),
    "Ambulating Aids": (
        "Health Science",
        [
            "Canes and Crutches",
            "Mechanical Lifts and Gait Belts",
            "Prosthetic Devices",
            "Walkers",
            "Wheelchairs",
        ],
    ),
    "Aquaculture Basics": (
        "Agriculture, Food & Natural Resources",
        [
            "Aquaculture Breeds",
            "Aquaculture Structures and Equipment",
            "Aquaculture Water Quality",
            "Establishing an Aquaculture Business",
            "Introduction to Aquaculture",
        ],
    ),
    "Architectural Terms and Symbols": (
        "Architecture & Construction",
        ["Common External Symbols", "Common In-House Symbols", "Understanding Terminology"],
    ),
    "Aseptic Technique (Dental)": (
        "Health Science",
        ["Chain of Infection", "Clinical Asepsis", "Procedural Asepsis"],
    ),
    "Aseptic Techniques and Culturing Microbes": (
        "Health Science",
        ["Culturing Microbes", "Health Care Aseptic Techniques", "Lab Aseptic Techniques"],
    ),
    "Automated Manufacturing Control Systems": (
        "Science, Technology, Engineering & Mathematics",
        [
            "Automated Control Systems Basics",
            "Computer Integrated Manufacturing",
            "Fixed Automation Systems",
            "Flexible Manufacturing Systems",
            "Programmable Automation Systems",
        ],
    ),
    "Basic Construction Hand Tools": (
        "Architecture & Construction",
        ["Aprons", "Hammers", "Marking Tools", "Measuring Tools", "Utility Knives"],
    ),
    "Basic Construction Math": (
        "Architecture & Construction",
        ["Area Measurement", "Cubic Measurement", "Estimation", "Linear Measurement and Fractions"],
    ),
    "Basic Construction Power Tools": (
        "Architecture & Construction",
        ["Circular Saw", "Pneumatic Fasteners", "Power Drill", "Reciprocating Saw"],
    ),
    "Basic Ingredient Identification": (
        "Hospitality & Tourism",
        [
            "Identifying Additives",
            "Identifying Preservatives",
            "Identifying Sugars",
            "Ingredient Basics",
            "Ingredient Effects",
        ],
    ),
    "Basic Multimeter Use": (
        "Science, Technology, Engineering & Mathematics",
        [
            "Common Types",
            "Controls and Inputs",
            "Electrical Symbols and Components",
            "Use and Safety",
        ],
    ),
    "Basic Site Plans": (
        "Agriculture, Food & Natural Resources",
        [
            "Basic Site Plan Components",
            "Drawing Site Plans",
            "Municipal Site Plan Components",
            "Site Plan Usage",
        ],
    ),
    "Basic Wooden Framing Materials": (
        "Architecture & Construction",
        ["Lumber Defects", "Lumber Dimensions", "Lumber Notation", "Sheet Goods"],
    ),
}
# Earnable packs ship a demo pack key; every other bundled pack is still a preview.
FULL = {
    path.name.removesuffix(".packkey.json")
    for path in (Path(__file__).parents[1] / "content_cache/keys/packs").glob("*.packkey.json")
}


@pytest.fixture(scope="module")
def packs() -> dict[str, VerifiedPack]:
    trusted = load_trusted_publishers(bundled_publishers_dir())
    index = read_bundled_index(bundled_catalog_dir())
    return {entry.id: verify_pack(entry.file, trusted=trusted) for entry in index}


def test_every_micro_credential_of_the_index_is_bundled_and_verifies(
    packs: dict[str, VerifiedPack],
) -> None:
    found = {
        p.manifest["title"]: (
            p.manifest["career_cluster"],
            sorted(s["title"] for s in p.manifest["skills"]),
        )
        for p in packs.values()
    }
    assert found == {
        title: (cluster, sorted(skills)) for title, (cluster, skills) in SEED_INDEX.items()
    }
    assert {p.publisher.name for p in packs.values()} == {
        "mcdesk Demo Publisher (DEMO KEY, not for real credentials)"
    }


def _words(markdown: str) -> int:
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’.-]*", markdown))


def _bank(pack: VerifiedPack) -> list[dict[str, Any]]:
    key = read_pack_key(CACHE / "keys" / "packs" / f"{pack.pack_id}.packkey.json")
    plain = unseal(pack.files[BANK_PATH], pack_key=key, aad=bank_aad(pack.pack_id, pack.version))
    return list(json.loads(plain)["items"])


@pytest.mark.parametrize("pack_id", sorted(FULL))
def test_full_micro_credentials_meet_the_content_bar(
    packs: dict[str, VerifiedPack], pack_id: str
) -> None:
    pack = packs[pack_id]
    manifest = pack.manifest
    assert manifest["preview"] is False
    for skill in manifest["skills"]:
        lesson = pack.files[skill["lesson"]].decode("utf-8")
        assert _words(lesson) >= 600, (skill["id"], _words(lesson))
        assert re.search(r"^\|?\s*:?-{3,}", lesson, re.MULTILINE) or "![" in lesson, skill["id"]
        assert len(skill["keywords"]) >= 6, skill["id"]
        assert len(skill["self_check"]) >= 6, skill["id"]
        assert skill["links"], skill["id"]
        assert all(item["feedback"].strip() for item in skill["self_check"])
    bank = _bank(pack)
    per_skill = Counter(str(item["skill"]) for item in bank)
    assert {skill["id"]: per_skill[skill["id"]] >= 12 for skill in manifest["skills"]} == {
        skill["id"]: True for skill in manifest["skills"]
    }
    assert manifest["standards"], "each earnable pack names its industry standards"
    assert len({item["type"] for item in bank}) >= 4
    assert all(item["feedback"].strip() for item in bank)
    counts = manifest["assessment"]["bank"]["items_per_skill"]
    assert sum(counts.values()) == len(bank)
    assessment = manifest["assessment"]
    assert assessment["time_limit_minutes"] > 0
    assert 0 < assessment["proficiency_level"] <= 1


def test_preview_packs_are_marked_and_have_an_overview_per_skill(
    packs: dict[str, VerifiedPack],
) -> None:
    previews = [p for p in packs.values() if p.pack_id not in FULL]
    assert len(FULL) == 15, "every bundled micro-credential can be earned"
    assert len(previews) == 15 - len(FULL)
    for pack in previews:
        assert pack.manifest["preview"] is True
        assert "assessment" not in pack.manifest
        for skill in pack.manifest["skills"]:
            lesson = pack.files[skill["lesson"]].decode("utf-8")
            assert "Preview content" in lesson, (pack.pack_id, skill["id"])
            assert _words(lesson) >= 80, (pack.pack_id, skill["id"])


def test_the_built_packs_are_exactly_what_the_sources_build_to(tmp_path: Path) -> None:
    """Guards against editing content_cache/src and forgetting `make catalog`."""
    for entry in read_bundled_index(bundled_catalog_dir()):
        rebuilt = build_pack(
            CACHE / "src" / entry.id,
            tmp_path / f"{entry.id}.mcpack",
            publisher_key=CACHE / "keys" / "demo-publisher.key",
            pack_key_file=CACHE / "keys" / "packs" / f"{entry.id}.packkey.json",
        )
        assert rebuilt.output.read_bytes() == entry.file.read_bytes(), (
            f"{entry.id}: content_cache/packs is stale; run `make catalog`"
        )
