"""Pack versions: MAJOR.MINOR.PATCH compared as numbers."""

from __future__ import annotations


def parse_version(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in version.split("."))
    return major, minor, patch
