from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mcdesk.content.build import build_pack
from mcdesk.paths import Paths
from mcdesk.store.bootstrap import open_store
from mcdesk.store.engine import make_engine
from tests.conftest import NOW
from tests.packsource import write_source


@pytest.fixture
def built(source: Path, publisher_key: Path, tmp_path: Path) -> Path:
    """The sample pack, built and signed by the test publisher."""
    return build_pack(
        source, tmp_path / "out" / "sample.mcpack", publisher_key=publisher_key
    ).output


@pytest.fixture
def build_version(publisher_key: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Build the sample pack at a given version (same pack key for every version)."""

    def build(version: str, *, title: str = "Sample Pack") -> Path:
        src = write_source(tmp_path / f"src-{version}-{len(title)}", version=version, title=title)
        out = tmp_path / "out" / f"sample-{version}-{len(title)}.mcpack"
        key = tmp_path / "out" / "sample.packkey.json"
        return build_pack(src, out, publisher_key=publisher_key, pack_key_file=key).output

    return build


@pytest.fixture
def engine(home: Paths) -> Iterator[Engine]:
    open_store(home, now=NOW)
    engine = make_engine(home.database)
    yield engine
    engine.dispose()
