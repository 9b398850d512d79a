"""Import a verified pack into the store: all of it in one transaction, or nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine, delete, insert, text
from sqlmodel import Session

from mcdesk.content.errors import PackRefused
from mcdesk.content.limits import DEFAULT_LIMITS, PackLimits
from mcdesk.content.verify import VerifiedPack, verify_pack
from mcdesk.content.versions import parse_version
from mcdesk.keys import PublisherKey
from mcdesk.store.search_index import index_rows, replace_pack_rows
from mcdesk.store.tables import Blob, Pack, PackFile

Outcome = Literal["installed", "updated", "unchanged", "downgraded"]


@dataclass(frozen=True, slots=True)
class ImportResult:
    pack_id: str
    version: str
    previous_version: str | None
    outcome: Outcome


def _decide(pack: VerifiedPack, existing: Pack | None, *, force: bool) -> Outcome:
    if existing is None:
        return "installed"
    new, old = parse_version(pack.version), parse_version(existing.version)
    if new > old:
        return "updated"
    if new == old:
        if existing.manifest == pack.manifest_bytes:
            return "unchanged"
        if not force:
            raise PackRefused(
                f"version {pack.version} of {pack.pack_id} is installed with different "
                "content; the publisher must raise the version (or import with --force)"
            )
        return "updated"
    if not force:
        raise PackRefused(
            f"older than the installed version: {pack.pack_id} {pack.version} < "
            f"{existing.version}. Import with --force to go back to it."
        )
    return "downgraded"


def install_verified(
    pack: VerifiedPack, *, engine: Engine, force: bool = False, now: datetime
) -> ImportResult:
    """Store a verified pack; readers see the old version until the commit, then the new."""
    manifest = pack.manifest
    with Session(engine) as session:
        existing = session.get(Pack, pack.pack_id)
        previous = existing.version if existing else None
        outcome = _decide(pack, existing, force=force)
        if outcome == "unchanged":
            return ImportResult(pack.pack_id, pack.version, previous, outcome)
        blobs = [
            {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "data": data}
            for data in pack.files.values()
        ]
        session.execute(insert(Blob).prefix_with("OR IGNORE"), blobs)
        session.execute(delete(PackFile).where(PackFile.pack_id == pack.pack_id))  # type: ignore[arg-type]
        if existing is not None:
            session.delete(existing)
            session.flush()
        session.add(
            Pack(
                id=pack.pack_id,
                version=pack.version,
                title=manifest["title"],
                career_cluster=manifest["career_cluster"],
                summary=manifest["summary"],
                skill_titles=json.dumps([s["title"] for s in manifest["skills"]]),
                preview=manifest["preview"],
                publisher_key_id=pack.publisher.key_id,
                manifest=pack.manifest_bytes,
                signature=pack.signature,
                installed_at=now,
            )
        )
        session.flush()
        session.execute(
            insert(PackFile),
            [
                {
                    "pack_id": pack.pack_id,
                    "path": e["path"],
                    "sha256": e["sha256"],
                    "size": e["size"],
                }
                for e in manifest["files"]
            ],
        )
        lessons = {
            path: data.decode("utf-8", errors="replace")
            for path, data in pack.files.items()
            if path.endswith(".md")
        }
        raw = session.connection().connection.dbapi_connection
        assert raw is not None
        replace_pack_rows(raw, pack.pack_id, index_rows(manifest, lessons))  # type: ignore[arg-type]
        # Files no installed version refers to any more.
        session.execute(text("DELETE FROM blob WHERE sha256 NOT IN (SELECT sha256 FROM pack_file)"))
        session.commit()
    return ImportResult(pack.pack_id, pack.version, previous, outcome)


def import_pack(
    path: Path,
    *,
    engine: Engine,
    trusted: Mapping[str, PublisherKey],
    force: bool = False,
    now: datetime,
    limits: PackLimits = DEFAULT_LIMITS,
) -> ImportResult:
    """Verify a pack file, then install it; a refusal leaves the store untouched."""
    return install_verified(
        verify_pack(path, trusted=trusted, limits=limits), engine=engine, force=force, now=now
    )
