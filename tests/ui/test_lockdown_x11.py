"""The lockdown window under a real X server and window manager, where full screen can fail.

Offscreen, a window is as big as it is told. Under X11 the window manager decides, and
some leave a frameless window small while ``isFullScreen()`` already says True; this runs
Xvfb and openbox (installed by scripts/install-system-deps.sh --tests) to check the real outcome.
"""

from __future__ import annotations

import json
import os
import select
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 1280, 800
KIOSK_OPENBOX = ROOT / "packaging" / "linux-kiosk" / "openbox-lockdown.xml"

CHILD = """
import json
from PySide6.QtCore import QElapsedTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
from mcdesk.ui.lockdown import LockdownWindow

app = QApplication([])
home = QMainWindow()  # the app's ordinary window, active before the assessment starts
home.resize(640, 480)
home.show()
QTest.qWaitForWindowActive(home, 5000)
window = LockdownWindow(QLabel("exam"))
incidents = []
window.incident.connect(lambda kind, detail: incidents.append([kind, detail]))
window.lock()
exposed = QTest.qWaitForWindowExposed(window, 5000)
active = QTest.qWaitForWindowActive(window, 5000)
screen = window.screen().geometry()
clock = QElapsedTimer()
clock.start()
while window.frameGeometry() != screen and clock.elapsed() < 5000:
    QTest.qWait(20)  # the window manager applies full screen a moment after mapping
QTest.qWait(200)  # and nothing undoes it afterwards
rect = lambda r: [r.x(), r.y(), r.width(), r.height()]
print(json.dumps({
    "platform": app.platformName(),
    "exposed": exposed,
    "active": active,
    "frame": rect(window.frameGeometry()),
    "screen": rect(screen),
    "incidents": incidents,
}))
window.release()
window.close()
"""


def _require(program: str) -> str:
    path = shutil.which(program)
    if path is None:  # not a skip: CI must run this (see scripts/install-system-deps.sh)
        pytest.fail(f"{program} is missing; run: sudo bash scripts/install-system-deps.sh --tests")
    return path


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[str]:
    """A fresh Xvfb (1280×800) with openbox (its stock configuration); yields its DISPLAY."""
    with _x_server(tmp_path) as display:
        yield display


@pytest.fixture
def kiosk_display(tmp_path: Path) -> Iterator[str]:
    """The same with openbox as the Linux assessment session starts it."""
    with _x_server(tmp_path, "--config-file", str(KIOSK_OPENBOX)) as display:
        yield display


@contextmanager
def _x_server(
    tmp_path: Path, *openbox_options: str, size: tuple[int, int] = (WIDTH, HEIGHT)
) -> Iterator[str]:
    """Xvfb on a display it picks itself, managed by openbox; yields the DISPLAY."""
    xvfb, openbox = _require("Xvfb"), _require("openbox")
    read_end, write_end = os.pipe()
    started: list[subprocess.Popen[bytes]] = []
    try:
        # -displayfd: Xvfb picks a free display itself and writes its number when ready.
        command = [xvfb, "-displayfd", str(write_end), "-screen", "0", f"{size[0]}x{size[1]}x24"]
        with (tmp_path / "xvfb.log").open("wb") as log:  # the child keeps its own copy
            started.append(
                subprocess.Popen(
                    [*command, "-nolisten", "tcp"],
                    pass_fds=(write_end,),
                    stdout=log,
                    stderr=log,
                )
            )
        os.close(write_end)
        write_end = -1
        number = b""
        while not number.endswith(b"\n"):
            ready, _, _ = select.select([read_end], [], [], 20)
            chunk = os.read(read_end, 16) if ready else b""
            if not chunk:
                pytest.fail(f"Xvfb did not start: {(tmp_path / 'xvfb.log').read_text()}")
            number += chunk
        display = f":{number.decode().strip()}"
        ready_file = tmp_path / "openbox-ready"
        env = {**os.environ, "DISPLAY": display, "HOME": str(tmp_path)}
        started.append(
            subprocess.Popen(
                [
                    openbox,
                    "--sm-disable",
                    *openbox_options,
                    "--startup",
                    f"touch {shlex.quote(str(ready_file))}",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        deadline = time.monotonic() + 20
        while not ready_file.exists():
            if time.monotonic() > deadline or started[-1].poll() is not None:
                pytest.fail("openbox did not start")
            time.sleep(0.05)
        yield display
    finally:
        for process in reversed(started):
            _stop(process)
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)


def _x_env(display: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    return env | {"QT_QPA_PLATFORM": "xcb", "DISPLAY": display, "HOME": str(tmp_path)}


@pytest.mark.slow
def test_the_locked_window_covers_the_whole_x11_screen(x_display: str, tmp_path: Path) -> None:
    env = _x_env(x_display, tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["platform"] == "xcb"
    assert seen["exposed"]
    assert seen["active"]
    assert seen["screen"] == [0, 0, WIDTH, HEIGHT]
    assert seen["frame"] == [0, 0, WIDTH, HEIGHT]  # frameless and full screen: no border
    assert seen["incidents"] == []  # taking over from the app's own window is no focus loss


@pytest.mark.slow
def test_alt_tab_alt_f4_and_super_d_leave_the_assessment_locked_in_front_and_running(
    x_display: str, tmp_path: Path
) -> None:
    _require("xdotool")
    _require("xprop")
    env = _x_env(x_display, tmp_path) | {"MCDESK_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.x11_exam_session", str(tmp_path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    seen = json.loads(done.stdout.splitlines()[-1])
    full = [0, 0, WIDTH, HEIGHT]
    in_front = {
        "locked": True,
        "frame": full,
        "active_is_lock": True,
        "top_is_lock": True,
        "showing_desktop": False,
        "main_window_visible": False,
    }
    assert seen["screen"] == full
    assert seen["start"] == in_front
    assert seen["after_alt_tab_alt_f4"] == in_front
    assert seen["same_lock"]
    assert seen["clock_running"]  # two more seconds of the attempt were charged and stored
    assert seen["extended"]  # a teacher's code still works after the keys
    assert seen["after_super_d"] == in_front
    assert seen["overlay_after_hiding"]  # being hidden is a focus loss: a teacher must look
    assert seen["code_after_super_d"]  # and the teacher's code typed then still works
    assert seen["second_super_d"] == in_front
    assert seen["second_super_d_overlay"]  # every time away counts, not only the first
    assert seen["after_right_click"] == in_front
    assert seen["new_visible_windows"] == 0  # no window-manager menu over the assessment


@pytest.mark.slow
def test_the_kiosk_window_manager_binds_no_keys_menus_or_show_desktop(
    kiosk_display: str, tmp_path: Path
) -> None:
    xdotool, xprop = _require("xdotool"), _require("xprop")
    env = _x_env(kiosk_display, tmp_path)

    def visible() -> int:
        found = subprocess.run(
            [xdotool, "search", "--onlyvisible", "--name", ".*"],
            env=env,
            capture_output=True,
            text=True,
        )
        return len(found.stdout.split())

    def showing_desktop() -> bool:
        shown = subprocess.run(
            [xprop, "-root", "_NET_SHOWING_DESKTOP"], env=env, capture_output=True, text=True
        )
        return shown.stdout.strip().endswith("= 1")

    before = visible()
    for action in (
        ["mousemove", "640", "400", "click", "3"],  # the root menu (it has a terminal)
        ["click", "2"],  # the client-list menu
        ["key", "super+d"],
        ["key", "alt+Tab"],
        ["key", "ctrl+alt+Right"],
    ):
        subprocess.run([xdotool, *action], env=env, check=True)
        time.sleep(0.3)  # openbox maps a menu at once; give it the chance to
        assert visible() == before, action
        assert not showing_desktop(), action
