"""A small bundled catalog for UI tests: four packs in three career clusters, one preview."""

from __future__ import annotations

from pathlib import Path

from mcdesk.content.bundled import build_bundled_catalog
from mcdesk.keys import new_publisher, public_file_for
from tests.packsource import deepen_banks, write_source

# id, title, career cluster, summary, preview
PACKS = (
    (
        "carpentry-basics",
        "Carpentry Basics",
        "Architecture & Construction",
        "Measure, mark and cut framing lumber, and estimate what a small wall needs.",
        False,
    ),
    (
        "jobsite-safety",
        "Jobsite Safety",
        "Architecture & Construction",
        "Read a site before you work on it: hazards, protective gear and who to tell.",
        True,
    ),
    (
        "network-cabling",
        "Network Cabling",
        "Information Technology",
        "Plan a cable run, estimate the length of cable it takes and label it neatly.",
        False,
    ),
    (
        "kitchen-prep",
        "Kitchen Prep",
        "Hospitality & Tourism",
        "Scale a recipe, measure ingredients and estimate food costs for a service.",
        False,
    ),
)


def write_catalog_sources(root: Path) -> Path:
    """Write the four pack sources under ``root``; returns ``root``."""
    for pack_id, title, cluster, summary, preview in PACKS:
        folder = write_source(root / pack_id, pack_id=pack_id, title=title)
        toml = folder / "pack.toml"
        text = toml.read_text(encoding="utf-8")
        text = text.replace(
            'career_cluster = "Architecture & Construction"', f'career_cluster = "{cluster}"'
        )
        text = text.replace('summary = "A small pack for tests."', f'summary = "{summary}"')
        if preview:  # a preview carries no assessment
            text = text.replace("preview = false", "preview = true").split("[assessment]")[0]
            for bank in folder.glob("skills/*/assessment.toml"):
                bank.unlink()
        else:  # the catalog build lints: an earnable pack needs 12 bank items a skill
            deepen_banks(folder)
        toml.write_text(text, encoding="utf-8")
    return root


def build_test_catalog(root: Path) -> tuple[Path, Path]:
    """Build and sign the catalog under ``root``; returns (packs dir, publishers dir)."""
    key = root / "keys" / "ui-test-publisher.key"
    new_publisher(key, name="UI Test Publisher")
    publishers = root / "publishers"
    publishers.mkdir()
    public = public_file_for(key)
    (publishers / public.name).write_bytes(public.read_bytes())
    packs = root / "packs"
    packs.mkdir()
    build_bundled_catalog(
        write_catalog_sources(root / "src"),
        packs,
        publisher_key=key,
        pack_keys_dir=root / "keys",
    )
    return packs, publishers
