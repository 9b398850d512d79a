"""The core runs without Qt, and importing any module does nothing but define things."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import mcdesk

CORE_CHECK = r"""
import importlib, pkgutil, sys

class NoQt:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("Qt is not available to the core")
        return None

sys.meta_path.insert(0, NoQt())
import mcdesk
for module in pkgutil.walk_packages(mcdesk.__path__, "mcdesk."):
    name = module.name
    if name.startswith("mcdesk.ui") or name == "mcdesk.__main__" or ".migrations." in name:
        continue
    importlib.import_module(name)
print("core ok")
"""


def _core_modules() -> list[str]:
    return [
        m.name
        for m in pkgutil.walk_packages(mcdesk.__path__, "mcdesk.")
        if not m.name.startswith("mcdesk.ui") and ".migrations." not in m.name
    ]


def test_the_core_imports_and_runs_with_qt_unavailable(tmp_path: Path) -> None:
    env = {**os.environ, "MCDESK_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-c", CORE_CHECK], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "core ok"


def test_importing_everything_creates_no_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    code = "import importlib\n" + "".join(
        f"importlib.import_module({m!r})\n" for m in _core_modules()
    )
    code += "import mcdesk.ui\n"
    env = {**os.environ, "MCDESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert not home.exists()
