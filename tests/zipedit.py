"""Rewrites .mcpack archives for tests: drop, add, replace or re-sign entries."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.protocol.canonical import canonical_json


def entries(pack: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(pack) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def manifest_of(pack: Path) -> dict[str, Any]:
    import json

    return dict(json.loads(entries(pack)["pack.json"]))


def write_zip(
    target: Path, files: dict[str, bytes] | list[tuple[str, bytes]], **info_attrs: Any
) -> Path:
    items = files.items() if isinstance(files, dict) else files
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            for key, value in info_attrs.get(name, {}).items():
                setattr(info, key, value)
            archive.writestr(info, data)
    return target


def rewrite(
    pack: Path,
    target: Path,
    *,
    drop: tuple[str, ...] = (),
    replace: dict[str, bytes] | None = None,
    add: list[tuple[str, bytes]] | None = None,
    manifest: dict[str, Any] | None = None,
    sign_with: Ed25519PrivateKey | None = None,
) -> Path:
    """A copy of ``pack`` with entries changed; a new manifest is signed with ``sign_with``."""
    files = entries(pack)
    if manifest is not None:
        files["pack.json"] = canonical_json(manifest)
    if sign_with is not None:
        files["pack.sig"] = sign_with.sign(files["pack.json"])
    for name in drop:
        del files[name]
    files.update(replace or {})
    ordered = list(files.items()) + list(add or [])
    return write_zip(target, ordered)
