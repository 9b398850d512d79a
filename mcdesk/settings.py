"""Station settings: one typed, versioned JSON file in the config folder.

A dataclass rather than a pydantic model on purpose: settings are read on the start-up
path, and pydantic alone costs more import time than the whole catalog query.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from mcdesk.errors import McdeskError
from mcdesk.jsonread import JsonRefused, read_json

SETTINGS_SCHEMA_VERSION = 1
# A handful of short values; anything near this size is not a settings file.
MAX_SETTINGS_BYTES = 1024 * 1024


class SettingsError(McdeskError):
    """The settings file cannot be used; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Settings:
    """What an administrator or the app may change on one station."""

    schema_version: int = SETTINGS_SCHEMA_VERSION
    station_name: str = "Demo station"
    server_url: str | None = None
    idle_sign_out_minutes: int = 10
    seed_demo_class: bool = True
    import_bundled_catalog: bool = True

    def __post_init__(self) -> None:
        expected: dict[str, tuple[type, ...]] = {
            "schema_version": (int,),
            "station_name": (str,),
            "server_url": (str, type(None)),
            "idle_sign_out_minutes": (int,),
            "seed_demo_class": (bool,),
            "import_bundled_catalog": (bool,),
        }
        for name, kinds in expected.items():
            value = getattr(self, name)
            # bool is an int in Python; an int setting must not accept true/false.
            if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
                wanted = " or ".join("null" if k is type(None) else k.__name__ for k in kinds)
                raise SettingsError(f"{name} must be {wanted}, not {value!r}")
        if not 1 <= self.idle_sign_out_minutes <= 240:
            raise SettingsError("idle_sign_out_minutes must be between 1 and 240")


def _upgrade(raw: dict[str, Any]) -> dict[str, Any]:
    """Bring an older settings document to the current schema version."""
    version = raw.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        raise SettingsError(f"schema_version must be a number, not {version!r}")
    if version > SETTINGS_SCHEMA_VERSION:
        raise SettingsError(
            f"schema_version {version} is newer than this mcdesk understands; update mcdesk"
        )
    # Version 1 is the first; later versions add their upgrade steps here.
    return raw


def load_settings(path: Path) -> Settings:
    """Read settings, or defaults when the file does not exist yet."""
    if not path.exists():
        return Settings()
    try:
        raw = read_json(path.read_bytes(), what="the file", max_bytes=MAX_SETTINGS_BYTES)
        if not isinstance(raw, dict):
            raise SettingsError("the file must hold a JSON object")
        known = {f.name for f in fields(Settings)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise SettingsError(f"unknown setting {unknown[0]!r}")
        return Settings(**_upgrade(raw))
    except (OSError, JsonRefused, SettingsError) as exc:
        raise SettingsError(
            f"cannot use the settings in {path}: {exc}. Fix the file, or remove it to "
            "start from the defaults."
        ) from exc


def save_settings(path: Path, settings: Settings) -> None:
    """Write settings atomically (a crash leaves the old file or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(settings), handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
