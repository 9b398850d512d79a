from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mcdesk.demo import seed_demo
from mcdesk.paths import Paths, resolve_paths
from mcdesk.store.bootstrap import open_store
from mcdesk.store.engine import make_engine
from tests.conftest import NOW


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the demo class, made once (scrypt-hashing 13 secrets is slow on purpose)."""
    root = tmp_path_factory.mktemp("template")
    paths = resolve_paths({"MCDESK_HOME": str(root)})
    open_store(paths, now=NOW)
    engine = make_engine(paths.database)
    seed_demo(engine)
    engine.dispose()
    return paths.database


@pytest.fixture
def demo_engine(home: Paths, seeded_template: Path) -> Iterator[Engine]:
    home.ensure()
    shutil.copyfile(seeded_template, home.database)
    engine = make_engine(home.database)
    yield engine
    engine.dispose()
