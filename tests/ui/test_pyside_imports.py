"""After ``skip_source_scans``, a module imported after PySide6 is neither read nor asked.

Each case runs in a fresh interpreter: PySide6's hook is process-wide, and the module
under test must be imported for the first time after it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# A module that answers an attribute it lacks by doing work, as pydantic's and
# SQLAlchemy's do (theirs import more of themselves: the half-initialised-module race).
LAZY_MODULE = """
asked = []
def __getattr__(name):
    asked.append(name)
    raise AttributeError(name)
"""

CHILD = """
import linecache, sys
if sys.argv[1] == "skip":
    from mcdesk.ui.pyside_imports import skip_source_scans
    assert skip_source_scans()
else:
    import PySide6.QtWidgets
sys.path.insert(0, sys.argv[2])
import lazy_module
read = any(name.endswith("lazy_module.py") for name in linecache.cache)
print("asked", ",".join(lazy_module.asked) or "-", "read", read)
"""


def _import_after_pyside(tmp_path: Path, mode: str) -> str:
    (tmp_path / "lazy_module.py").write_text(LAZY_MODULE, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_pyside6_alone_reads_each_later_module_and_runs_its_getattr(tmp_path: Path) -> None:
    # What the app turns off: if PySide6 stops doing this, the switch can go.
    assert _import_after_pyside(tmp_path, "stock") == "asked __wrapped__ read True"


def test_after_skip_source_scans_a_module_is_neither_read_nor_asked(tmp_path: Path) -> None:
    assert _import_after_pyside(tmp_path, "skip") == "asked - read False"
