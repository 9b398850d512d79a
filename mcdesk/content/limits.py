"""How large and how many: limits a pack must stay within before anything is unpacked."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PackLimits:
    max_entries: int = 10_000
    max_total_bytes: int = 200 * 1000 * 1000
    max_ratio: float = 100.0
    max_manifest_bytes: int = 8 * 1000 * 1000


DEFAULT_LIMITS = PackLimits()
