"""The catalog shipped with the app: built packs plus an index of their versions."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mcdesk.content.errors import SourceError
from mcdesk.content.versions import parse_version

if TYPE_CHECKING:
    from mcdesk.content.build import BuiltPack

INDEX_NAME = "index.json"


@dataclass(frozen=True, slots=True)
class BundledPack:
    id: str
    version: str
    file: Path


def read_bundled_index(catalog_dir: Path) -> list[BundledPack]:
    """The bundled packs by id and version, without opening any of them."""
    index = catalog_dir / INDEX_NAME
    if not index.exists():
        return []
    document = json.loads(index.read_text(encoding="utf-8"))
    return [
        BundledPack(id=entry["id"], version=entry["version"], file=catalog_dir / entry["file"])
        for entry in document["packs"]
    ]


def outdated(connection: sqlite3.Connection, bundled: list[BundledPack]) -> list[BundledPack]:
    """Bundled packs that are missing from the store or newer than what it holds."""
    installed = dict(connection.execute("SELECT id, version FROM pack").fetchall())
    return [
        pack
        for pack in bundled
        if pack.id not in installed
        or parse_version(pack.version) > parse_version(installed[pack.id])
    ]


def build_bundled_catalog(
    source_root: Path, out_dir: Path, *, publisher_key: Path, pack_keys_dir: Path
) -> list[BuiltPack]:
    """Build every source folder under ``source_root`` and write the index."""
    # Here, not at the top: start-up reads the index through this module, and the
    # builder brings in the JSON Schema validator and the crypto it never needs there.
    from mcdesk.content.build import build_pack
    from mcdesk.content.lint import lint_source

    sources = sorted(p for p in source_root.iterdir() if (p / "pack.toml").is_file())
    # Lint everything before building anything, so a refusal leaves every pack as it was.
    errors = [f"{s.name}/{e}" for s in sources for e in lint_source(s).errors]
    if errors:
        raise SourceError(
            f"{len(errors)} lint error(s); fix them before building the catalog:\n"
            + "\n".join(errors)
        )
    built = []
    for source in sources:
        output = out_dir / f"{source.name}.mcpack"
        built.append(
            build_pack(
                source,
                output,
                publisher_key=publisher_key,
                pack_key_file=pack_keys_dir / f"{source.name}.packkey.json",
            )
        )
    index = {
        "packs": [
            {
                "id": pack.pack_id,
                "version": pack.version,
                "file": pack.output.name,
                "sha256": hashlib.sha256(pack.output.read_bytes()).hexdigest(),
            }
            for pack in built
        ]
    }
    (out_dir / INDEX_NAME).write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return built
