"""The GUI thread imports no heavy library before the sign-in screen is painted, and a
first run paints it before any thread has imported the database, schema or ORM libraries.

The app runs in a child process (a fresh interpreter, so every import is seen) with an
import hook that notes the importing thread; see tests/ui/launch_child.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHILD = Path(__file__).with_name("launch_child.py")
ROOT = CHILD.parent.parent.parent
# Seconds of import each (SQLAlchemy alone was 56% of a warm start): the pool's job.
HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "cryptography.hazmat")
# What a first run used to pay before sign-in on the pool: Alembic's ten revisions, the
# ORM for the demo seed, jsonschema for the bundled packs. Now all after the paint.
SET_UP = ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "jsonschema")


def _start_until_sign_in(home: Path, *, line: str = "gui-import") -> list[str]:
    """Start the app in ``home``; the modules its GUI thread imported before sign-in
    (or, with ``line="loaded"``, those any thread had imported when it was painted)."""
    env = dict(os.environ, MCDESK_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, str(CHILD), "--record-imports"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("mark signin ") for line in lines), done.stdout + done.stderr
    return [text.split()[1] for text in lines if text.startswith(f"{line} ")]


def _heavy(names: list[str], heavy: tuple[str, ...] = HEAVY) -> list[str]:
    return [name for name in names if name.startswith(heavy)]


def test_the_gui_thread_imports_no_database_or_crypto_library_before_sign_in(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    first_run = _start_until_sign_in(home)
    warm = _start_until_sign_in(home)
    assert "mcdesk.ui.signin_view" in warm  # the hook sees the GUI thread's imports
    assert _heavy(first_run) == []
    assert _heavy(warm) == []


def test_a_first_run_paints_sign_in_before_any_thread_imports_the_set_up_libraries(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    first_run = _start_until_sign_in(home, line="loaded")
    assert "mcdesk.store.snapshot" in first_run  # the fresh store came from the snapshot
    assert "mcdesk.demo" in first_run  # and the demo roster was seeded before the paint
    assert _heavy(first_run, SET_UP) == []
    assert (home / "data").exists()
