"""The one-folder bundle builds and runs its self-test (slow: a full PyInstaller build)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_bundle_builds_and_passes_its_self_test(tmp_path: Path) -> None:
    dist, work = tmp_path / "dist", tmp_path / "work"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(ROOT / "packaging" / "mcdesk.spec"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    app = dist / "mcdesk" / "mcdesk"
    assert app.is_file()
    bundled = {p.name for p in (dist / "mcdesk" / "_internal" / "content_cache").iterdir()}
    assert bundled == {"packs", "publishers", "keys"}  # never the sources
    # Only the DEMO pack keys (public on purpose), never a publisher's private key.
    keys = dist / "mcdesk" / "_internal" / "content_cache" / "keys"
    assert {p.parent.name for p in keys.rglob("*") if p.is_file()} == {"packs"}
    assert all(p.name.endswith(".packkey.json") for p in keys.rglob("*") if p.is_file())
    assert not list((dist / "mcdesk").rglob("demo-publisher.key"))

    env = {**os.environ, "MCDESK_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [str(app), "--self-test"], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    expected = len(list((ROOT / "content_cache" / "packs").glob("*.mcpack")))
    assert f"self-test ok: {expected} micro-credentials" in run.stdout
