"""Verify a ``.mcpack`` completely, in memory, before anything of it is stored.

Order matters: the archive's shape is checked first (names, links, counts, sizes) from
the zip directory alone, then the manifest's signature against a trusted publisher, and
only then is the signed manifest interpreted and every file compared with it.

A pack that arrives in parts (a manifest and its signature, then its files one by one,
as sync downloads them) goes through the same checks: ``verify_manifest`` before any
file is fetched, ``verify_parts`` once every file is at hand.
"""

from __future__ import annotations

import hashlib
import re
import stat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcdesk.content.build import MANIFEST_NAME, SIGNATURE_NAME
from mcdesk.content.errors import PackRefused
from mcdesk.content.limits import DEFAULT_LIMITS, PackLimits
from mcdesk.content.manifest import validate_manifest
from mcdesk.jsonread import JsonRefused, read_json
from mcdesk.keys import PublisherKey, verify_signature

DRIVE_LETTER = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True, slots=True)
class VerifiedPack:
    """A pack whose every byte matched its signed manifest."""

    manifest: dict[str, Any]
    manifest_bytes: bytes
    signature: bytes
    publisher: PublisherKey
    files: dict[str, bytes]

    @property
    def pack_id(self) -> str:
        return str(self.manifest["id"])

    @property
    def version(self) -> str:
        return str(self.manifest["version"])


def _check_path(name: str) -> None:
    """Refuse a file name that could escape or confuse a folder."""
    if "\\" in name:
        raise PackRefused(f"unsafe entry {name!r}: backslashes are not allowed in pack paths")
    if name.startswith("/"):
        raise PackRefused(f"unsafe entry {name!r}: absolute paths are not allowed")
    if DRIVE_LETTER.match(name):
        raise PackRefused(f"unsafe entry {name!r}: drive letters are not allowed")
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        raise PackRefused(f"unsafe entry {name!r}: '..' is not allowed in pack paths")
    if any(part in ("", ".") for part in parts):
        raise PackRefused(f"unsafe entry {name!r}: empty or '.' path segments are not allowed")


def _check_name(info: zipfile.ZipInfo) -> None:
    name = info.filename
    _check_path(name)
    mode = info.external_attr >> 16
    if info.create_system == 3 and stat.S_ISLNK(mode):
        raise PackRefused(f"unsafe entry {name!r}: links are not allowed in packs")


def check_archive_shape(infos: list[zipfile.ZipInfo], limits: PackLimits) -> list[zipfile.ZipInfo]:
    """Refuse unsafe or oversized archives from the directory alone; return file entries."""
    if len(infos) > limits.max_entries:
        raise PackRefused(
            f"too many entries: {len(infos)} (a pack may hold at most {limits.max_entries})"
        )
    seen: set[str] = set()
    files = []
    for info in infos:
        _check_name(info)
        if info.filename in seen:
            raise PackRefused(f"entry {info.filename!r} appears twice in the archive")
        seen.add(info.filename)
        if not info.is_dir():
            files.append(info)
    total = sum(info.file_size for info in files)
    if total > limits.max_total_bytes:
        raise PackRefused(
            f"too large: {total / 1e6:.1f} MB uncompressed (the limit is "
            f"{limits.max_total_bytes / 1e6:.0f} MB)"
        )
    for info in files:
        if info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise PackRefused(
                f"entry {info.filename!r} expands more than {limits.max_ratio:.0f}:1; "
                "packs that look like zip bombs are refused"
            )
    compressed = sum(info.compress_size for info in files)
    if total > limits.max_ratio * max(compressed, 1):
        raise PackRefused(f"the archive expands more than {limits.max_ratio:.0f}:1")
    return files


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, at_most: int) -> bytes:
    """Read one entry, never more than ``at_most`` bytes whatever its header claims."""
    try:
        with archive.open(info) as handle:
            data = handle.read(at_most + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise PackRefused(f"entry {info.filename!r} is damaged: {exc}") from exc
    if len(data) > at_most:
        raise PackRefused(
            f"file {info.filename!r} holds more bytes than its signed manifest entry allows"
        )
    return data


def _publisher_for(manifest: Any, trusted: Mapping[str, PublisherKey]) -> PublisherKey:
    publisher = manifest.get("publisher") if isinstance(manifest, dict) else None
    if not isinstance(publisher, dict) or not isinstance(publisher.get("key_id"), str):
        raise PackRefused("the manifest does not name its publisher key")
    found = trusted.get(publisher["key_id"])
    if found is None:
        raise PackRefused(
            f"unknown publisher {str(publisher.get('name', '?'))[:80]!r} "
            f"(key {publisher['key_id'][:16]}): this station does not trust that key. Get the "
            "pack from a trusted publisher, or ask an administrator to trust the key."
        )
    return found


@dataclass(frozen=True, slots=True)
class SignedManifest:
    """A manifest whose signature and rules hold; its files are not checked yet."""

    manifest: dict[str, Any]
    manifest_bytes: bytes
    signature: bytes
    publisher: PublisherKey

    @property
    def pack_id(self) -> str:
        return str(self.manifest["id"])

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    @property
    def files(self) -> list[dict[str, Any]]:
        """The signed file list: ``path``, ``sha256`` and ``size`` per file."""
        return list(self.manifest["files"])


def _signed_manifest(
    manifest_bytes: bytes, signature: bytes, trusted: Mapping[str, PublisherKey], limits: PackLimits
) -> SignedManifest:
    """The signature against a trusted publisher, then the schema and the rules."""
    try:
        manifest = read_json(
            manifest_bytes, what="the manifest", max_bytes=limits.max_manifest_bytes
        )
    except JsonRefused as exc:
        raise PackRefused(f"{exc}. Do not use this pack; get a fresh copy.") from None
    publisher = _publisher_for(manifest, trusted)
    if len(signature) != 64 or not verify_signature(
        publisher.public_key, signature, manifest_bytes
    ):
        raise PackRefused(
            "bad signature: the manifest was not signed by the publisher it names, or it "
            "was changed after signing. Do not use this pack; get a fresh copy."
        )
    problems = validate_manifest(manifest)
    if problems:
        raise PackRefused(problems[0])
    return SignedManifest(
        manifest=manifest, manifest_bytes=manifest_bytes, signature=signature, publisher=publisher
    )


def _check_file(name: str, entry: Mapping[str, Any], data: bytes) -> None:
    if len(data) != entry["size"]:
        raise PackRefused(f"file {name!r} has {len(data)} bytes, the manifest says {entry['size']}")
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise PackRefused(f"file {name!r} does not match its SHA-256 in the manifest")


def verify_manifest(
    manifest_bytes: bytes,
    signature: bytes,
    *,
    trusted: Mapping[str, PublisherKey],
    limits: PackLimits = DEFAULT_LIMITS,
) -> SignedManifest:
    """Check a pack's manifest on its own, before any of its files is fetched.

    The checks a zip's directory gets (safe names, entry count, total size) are made on
    the signed file list instead, so nothing oversized or unsafe is ever downloaded.
    """
    if len(manifest_bytes) > limits.max_manifest_bytes:
        raise PackRefused(
            f"the manifest is {len(manifest_bytes)} bytes; at most "
            f"{limits.max_manifest_bytes} are allowed"
        )
    signed = _signed_manifest(manifest_bytes, signature, trusted, limits)
    entries = signed.files
    for entry in entries:
        _check_path(entry["path"])
    if len(entries) + 2 > limits.max_entries:
        raise PackRefused(
            f"too many entries: {len(entries) + 2} (a pack may hold at most {limits.max_entries})"
        )
    total = sum(int(entry["size"]) for entry in entries)
    if total > limits.max_total_bytes:
        raise PackRefused(
            f"too large: {total / 1e6:.1f} MB uncompressed (the limit is "
            f"{limits.max_total_bytes / 1e6:.0f} MB)"
        )
    return signed


def verify_parts(
    manifest_bytes: bytes,
    signature: bytes,
    files: Mapping[str, bytes],
    *,
    trusted: Mapping[str, PublisherKey],
    limits: PackLimits = DEFAULT_LIMITS,
) -> VerifiedPack:
    """Check a pack given as its manifest, signature and files by path (not a zip).

    The same checks as ``verify_pack``: signature, manifest rules, and every file present,
    listed, and exactly its signed size and SHA-256.
    """
    signed = verify_manifest(manifest_bytes, signature, trusted=trusted, limits=limits)
    return verify_files(signed, files)


def verify_files(signed: SignedManifest, files: Mapping[str, bytes]) -> VerifiedPack:
    """The files of a manifest ``verify_manifest`` has checked: each listed, present, exact.

    A sync or provisioning install checks the manifest once, before its files are
    fetched or read, and its files here; the schema check is not run twice (issue 11).
    """
    listed = {entry["path"]: entry for entry in signed.files}
    for name in sorted(files):
        if name not in listed:
            raise PackRefused(f"file {name!r} is in the pack but not in its signed manifest")
    checked: dict[str, bytes] = {}
    for name, entry in sorted(listed.items()):
        data = files.get(name)
        if data is None:
            raise PackRefused(f"missing file {name!r}: the manifest lists it, the pack lacks it")
        _check_file(name, entry, data)
        checked[name] = data
    return VerifiedPack(
        manifest=signed.manifest,
        manifest_bytes=signed.manifest_bytes,
        signature=signed.signature,
        publisher=signed.publisher,
        files=checked,
    )


def verify_pack(
    path: Path, *, trusted: Mapping[str, PublisherKey], limits: PackLimits = DEFAULT_LIMITS
) -> VerifiedPack:
    """Check everything about a pack; raise PackRefused with the first reason it fails."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise PackRefused(f"no such file: {path}") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackRefused(f"not a content pack (cannot read it as a zip archive: {exc})") from exc
    with archive:
        entries = {info.filename: info for info in check_archive_shape(archive.infolist(), limits)}
        if MANIFEST_NAME not in entries:
            raise PackRefused(f"missing manifest: the pack has no {MANIFEST_NAME}")
        if SIGNATURE_NAME not in entries:
            raise PackRefused(f"missing signature: the pack has no {SIGNATURE_NAME}")
        manifest_bytes = _read(
            archive, entries.pop(MANIFEST_NAME), at_most=limits.max_manifest_bytes
        )
        signature = _read(archive, entries.pop(SIGNATURE_NAME), at_most=64)
        signed = _signed_manifest(manifest_bytes, signature, trusted, limits)
        listed = {entry["path"]: entry for entry in signed.files}
        for name in sorted(entries):
            if name not in listed:
                raise PackRefused(f"file {name!r} is in the pack but not in its signed manifest")
        files: dict[str, bytes] = {}
        for name, entry in sorted(listed.items()):
            info = entries.get(name)
            if info is None:
                raise PackRefused(
                    f"missing file {name!r}: the manifest lists it, the pack lacks it"
                )
            data = _read(archive, info, at_most=entry["size"])
            _check_file(name, entry, data)
            files[name] = data
    return VerifiedPack(
        manifest=signed.manifest,
        manifest_bytes=signed.manifest_bytes,
        signature=signed.signature,
        publisher=signed.publisher,
        files=files,
    )
