"""The kiosk under Xvfb at 1920×1080 with the Linux kiosk session's openbox configuration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.ui.test_lockdown_x11 import KIOSK_OPENBOX, ROOT, _require, _x_env, _x_server

FULL_HD = (1920, 1080)
TOUCH_PX = 44


def test_the_kiosk_stays_in_front_at_1920x1080_through_the_usual_escape_keys(
    tmp_path: Path,
) -> None:
    _require("xdotool")
    _require("xprop")
    with _x_server(tmp_path, "--config-file", str(KIOSK_OPENBOX), size=FULL_HD) as display:
        env = _x_env(display, tmp_path) | {"MCDESK_HOME": str(tmp_path / "home")}
        done = subprocess.run(
            [sys.executable, "-m", "tests.ui.x11_kiosk_session", str(tmp_path)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    seen = json.loads(done.stdout.splitlines()[-1])
    full = [0, 0, *FULL_HD]
    in_front = {
        "locked": True,
        "frame": full,
        "active_is_lock": True,
        "top_is_lock": True,
        "showing_desktop": False,
        "main_window_visible": True,
    }
    assert seen["screen"] == full
    assert seen["start"] == in_front
    for key in ("alt+Tab", "alt+F4", "super+d", "ctrl+alt+BackSpace", "right_click"):
        assert seen[key] == in_front, key
    assert seen["new_visible_windows"] == 0  # no root menu opened
    assert seen["still_explorer"]
    assert min(seen["attract_target"]) >= TOUCH_PX
    assert min(seen["explorer_target"]) >= TOUCH_PX
    assert seen["left"]
