"""Shared fixtures. Qt must be told to run offscreen before anything imports it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mcdesk.keys import PublisherKey, new_publisher
from mcdesk.paths import Paths, resolve_paths
from tests.packsource import write_source

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """First runs and teacher issuers use FAST_TEST_PARAMS (set MCDESK_SCRYPT_FAST=0 to not).

    The same code paths at 1/64 of the cost: a first run would otherwise spend ~9 s
    sealing 40 code slots. Subprocesses (the bundle's self-test) keep the real cost.
    """
    if os.environ.get("MCDESK_SCRYPT_FAST", "1") == "0":
        return
    from mcdesk.protocol.slots import FAST_TEST_PARAMS

    monkeypatch.setattr("mcdesk.startup.FIRST_RUN_SCRYPT", FAST_TEST_PARAMS)
    monkeypatch.setattr("mcdesk.exam.issuer.ISSUER_PARAMS", FAST_TEST_PARAMS)
    monkeypatch.setattr("mcdesk.server.issuer.SLOT_PARAMS", FAST_TEST_PARAMS)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Paths]:
    """An empty MCDESK_HOME for this test."""
    root = tmp_path / "home"
    monkeypatch.setenv("MCDESK_HOME", str(root))
    return resolve_paths()


@pytest.fixture
def publisher_key(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "test-publisher.key"
    new_publisher(path, name="Test Publisher")
    return path


@pytest.fixture
def publisher(publisher_key: Path) -> PublisherKey:
    from mcdesk.keys import public_file_for, read_publisher

    return read_publisher(public_file_for(publisher_key))


@pytest.fixture
def trusted(publisher: PublisherKey) -> dict[str, PublisherKey]:
    return {publisher.key_id: publisher}


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A small full pack source using every item type."""
    return write_source(tmp_path / "src" / "sample-pack")
