"""Start-up as a learner meets it: launch → sign-in painted → home after a PIN, whole process.

The floor is a process that imports QtWidgets, shows a QMainWindow, lets it paint and
exits. mcdesk runs as `python -m mcdesk` would (tests/ui/launch_child.py calls
`mcdesk.ui.app.main`) and reports, on the system-wide monotonic clock, when the sign-in
screen is painted with its roster, when a demo learner's home is painted after their
PIN, and its RSS at sign-in. Warm: a station that has run before. First run: a fresh
MCDESK_HOME each time (schema snapshot and demo roster before sign-in; station key and
bundled import after it), and set-up counts as finished once the bundled packs are in
(home waits for them) and the first code slots are sealed (the rest follow in the
background).
Bytecode is cached as an installed app has it (PYTHONDONTWRITEBYTECODE unset, a
PYTHONPYCACHEPREFIX warmed once). Runs alternate so machine noise hits both alike.
Targets (issue 11): sign-in warm ≤ 2.5×, first run ≤ 4×, RSS at sign-in ≤ 2×, set-up ≤ 5 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from measure import ROOT, median, run_process, table

FLOOR = """
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication([])
w = QMainWindow(); w.setCentralWidget(QLabel("floor")); w.resize(1280, 800); w.show()
w.repaint(); app.processEvents()
"""
CHILD = ROOT / "tests" / "ui" / "launch_child.py"


@dataclass(frozen=True, slots=True)
class Launch:
    """Seconds from launch to each mark, and RSS (MiB) when sign-in was painted."""

    marks: dict[str, float]
    rss_mib: float


def launch(home: Path, *, until: str, env: dict[str, str]) -> Launch:
    """Start the app in ``home`` and read its marks; launch time taken just before the fork."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(CHILD), "--until", until],
        env={**env, "MCDESK_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the app exited {done.returncode}:\n{done.stdout}{done.stderr}")
    marks, rss = {}, 0.0
    for line in done.stdout.splitlines():
        parts = line.split()
        if parts[:1] == ["mark"]:
            marks[parts[1]] = float(parts[2]) - started
        elif parts[:1] == ["rss"]:
            rss = float(parts[1])
    return Launch(marks=marks, rss_mib=rss)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7, help="warm launches (and floors)")
    parser.add_argument("--first-runs", type=int, default=3, help="launches on a fresh home")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        warm_home = root / "warm"
        launch(warm_home, until="home", env=env)  # first run; also fills the bytecode cache
        run_process([sys.executable, "-c", FLOOR], env=env)
        floors, warm, first = [], [], []
        for n in range(max(args.runs, args.first_runs)):
            floors.append(run_process([sys.executable, "-c", FLOOR], env=env))
            if n < args.runs:
                warm.append(launch(warm_home, until="home", env=env))
            if n < args.first_runs:
                first.append(launch(root / f"first-{n}", until="codes", env=env))
    floor_s = median([r.seconds for r in floors])
    floor_rss = median([r.peak_rss_mib for r in floors])

    def at(runs: list[Launch], mark: str) -> float:
        return median([run.marks[mark] for run in runs])

    def row(what: str, seconds: float, target: str) -> tuple[str, str, str, str, str]:
        ratio = f"{seconds / floor_s:.2f}"
        return (what, f"{seconds * 1000:.0f} ms", f"{floor_s * 1000:.0f} ms", ratio, target)

    rss = median([run.rss_mib for run in warm])
    set_up = at(first, "codes")
    table(
        f"Start-up, medians of {args.runs} warm and {args.first_runs} first runs "
        f"({env['QT_QPA_PLATFORM']}, bytecode cached)",
        [
            row("launch → sign-in painted, warm", at(warm, "signin"), "≤ 2.5"),
            row("launch → home after a PIN, warm", at(warm, "home"), "(reported)"),
            (
                "RSS at sign-in, warm",
                f"{rss:.0f} MiB",
                f"{floor_rss:.0f} MiB",
                f"{rss / floor_rss:.2f}",
                "≤ 2.0",
            ),
            row("launch → sign-in painted, first run", at(first, "signin"), "≤ 4"),
            row("launch → home after a PIN, first run", at(first, "home"), "(reported)"),
            (
                "first run until set-up finishes",
                f"{set_up * 1000:.0f} ms",
                "—",
                "—",
                "≤ 5 s",
            ),
        ],
    )
    print(f"\nroot: {ROOT}")


if __name__ == "__main__":
    main()
