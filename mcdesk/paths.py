"""Every file location mcdesk writes to, from one place.

``MCDESK_HOME`` moves all of them under one folder (portable installs, tests); otherwise
they follow the platform's conventions through platformdirs. Nothing is created here
until ``ensure()`` is called.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "mcdesk"


# Beside the database, so code that knows only the database can keep the copy current.
STATION_IDENTITY_FILE = "station-identity.json"


@dataclass(frozen=True, slots=True)
class Paths:
    """Folders the station writes to."""

    data_dir: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "mcdesk.sqlite3"

    @property
    def blobs_dir(self) -> Path:
        """Content-addressed store of pack files (lessons, media), by SHA-256."""
        return self.data_dir / "blobs"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def station_key(self) -> Path:
        return self.keys_dir / "station.ed25519"

    @property
    def trusted_publishers_dir(self) -> Path:
        return self.config_dir / "publishers"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def station_identity(self) -> Path:
        """A copy of the station's identity and sync pin, to salvage a damaged store with."""
        return self.database.with_name(STATION_IDENTITY_FILE)

    @property
    def damaged_dir(self) -> Path:
        """Where damaged database files are moved aside (never deleted)."""
        return self.data_dir / "damaged"

    def ensure(self) -> Paths:
        """Create the folders (idempotent); keys get owner-only permissions."""
        for folder in (self.data_dir, self.config_dir, self.cache_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.blobs_dir.mkdir(exist_ok=True)
        self.keys_dir.mkdir(mode=0o700, exist_ok=True)
        return self


def resolve_paths(environ: dict[str, str] | None = None) -> Paths:
    """Paths for this process: ``MCDESK_HOME`` if set, else the platform's user dirs."""
    env = os.environ if environ is None else environ
    home = env.get("MCDESK_HOME")
    if home:
        root = Path(home).expanduser().resolve()
        return Paths(
            data_dir=root / "data",
            config_dir=root / "config",
            cache_dir=root / "cache",
            log_dir=root / "logs",
        )
    return Paths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )


def bundled_root() -> Path:
    """The folder holding ``content_cache/``: the PyInstaller bundle or the source tree."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def bundled_catalog_dir() -> Path:
    """Built, signed packs shipped with the app."""
    return bundled_root() / "content_cache" / "packs"


def bundled_publishers_dir() -> Path:
    """Publisher public keys trusted out of the box (the demo publisher)."""
    return bundled_root() / "content_cache" / "publishers"


def bundled_pack_keys_dir() -> Path:
    """The DEMO catalog's pack keys (public on purpose), in the source tree and the bundle."""
    return bundled_root() / "content_cache" / "keys" / "packs"
