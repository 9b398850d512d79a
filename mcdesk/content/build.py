"""Build a signed, reproducible ``.mcpack`` from a source folder."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mcdesk.content.errors import SourceError
from mcdesk.content.manifest import validate_manifest
from mcdesk.content.sealing import (
    PackKey,
    SealError,
    bank_aad,
    new_pack_key,
    read_pack_key,
    seal,
    write_pack_key,
)
from mcdesk.content.source import read_source
from mcdesk.keys import KeyFileError, key_id, public_file_for, read_private_key, read_publisher
from mcdesk.protocol.canonical import canonical_json

MANIFEST_NAME = "pack.json"
SIGNATURE_NAME = "pack.sig"
BANK_PATH = "assessment/bank.sealed"
# Zip entries carry a timestamp; a fixed one makes builds byte-for-byte repeatable.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class BuiltPack:
    output: Path
    pack_id: str
    version: str
    pack_key_file: Path | None
    file_count: int
    size: int


def default_pack_key_path(output: Path) -> Path:
    return output.with_name(output.stem + ".packkey.json")


def _pack_key_for(pack_id: str, path: Path) -> PackKey:
    """Reuse the pack's key when its file exists (reproducible builds), else make one."""
    if path.exists():
        try:
            pack_key = read_pack_key(path)
        except SealError as exc:  # a damaged or foreign key file: the builder's to fix
            raise SourceError(
                f"{exc}; give the pack's own key file, or none for a new key"
            ) from None
        if pack_key.pack_id != pack_id:
            raise SourceError(f"{path} is the key of pack {pack_key.pack_id}, not {pack_id}")
        return pack_key
    pack_key = new_pack_key(pack_id)
    write_pack_key(path, pack_key)
    return pack_key


def _zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def build_pack(
    source_dir: Path, output: Path, *, publisher_key: Path, pack_key_file: Path | None = None
) -> BuiltPack:
    """Read, check, seal, sign and write a pack; the same inputs give the same bytes."""
    try:
        private_key = read_private_key(publisher_key)
        publisher = read_publisher(public_file_for(publisher_key))
    except KeyFileError as exc:
        raise SourceError(str(exc)) from exc
    if publisher.key_id != key_id(private_key.public_key()):
        raise SourceError(f"{public_file_for(publisher_key)} does not belong to {publisher_key}")
    source = read_source(source_dir)
    manifest = source.manifest
    pack_id, version = str(manifest["id"]), str(manifest["version"])
    manifest["publisher"] = {"name": publisher.name, "key_id": publisher.key_id}
    files = dict(source.files)
    key_path = None
    if source.bank:
        key_path = pack_key_file or default_pack_key_path(output)
        pack_key = _pack_key_for(pack_id, key_path)
        bank_document = {"pack_id": pack_id, "version": version, "items": source.bank}
        files[BANK_PATH] = seal(
            canonical_json(bank_document), pack_key=pack_key, aad=bank_aad(pack_id, version)
        )
        counts = Counter(str(item["skill"]) for item in source.bank)
        manifest["assessment"]["bank"] = {
            "path": BANK_PATH,
            "cipher": "AES-256-GCM",
            "key_id": pack_key.key_id,
            "items_per_skill": dict(sorted(counts.items())),
        }
    manifest["files"] = [
        {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for path, data in sorted(files.items())
    ]
    problems = validate_manifest(manifest)
    if problems:
        raise SourceError(f"{source_dir}: {problems[0]}")
    manifest_bytes = canonical_json(manifest)
    signature = private_key.sign(manifest_bytes)
    entries = [(MANIFEST_NAME, manifest_bytes), (SIGNATURE_NAME, signature)]
    entries.extend(sorted(files.items()))
    data = _zip_bytes(entries)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=".build-", suffix=".mcpack")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, output)
    return BuiltPack(
        output=output,
        pack_id=pack_id,
        version=version,
        pack_key_file=key_path,
        file_count=len(files),
        size=len(data),
    )
