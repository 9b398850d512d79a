"""Start-up: launch → catalog painted, whole process, against a minimal Qt window.

The floor is a process that imports QtWidgets, shows a QMainWindow, lets it paint and
exits. mcdesk runs `--self-test`, which shows the window, opens the store on the pool,
loads the catalog, paints it and exits. Runs alternate so machine noise hits both alike.
Targets (issue 2): time ratio ≤ 2.5, peak RSS ≤ 2× the floor's.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from measure import ROOT, median, run_process, table

FLOOR = """
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication([])
w = QMainWindow(); w.setCentralWidget(QLabel("floor")); w.resize(1280, 800); w.show()
w.repaint(); app.processEvents()
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as home:
        env["MCDESK_HOME"] = home
        mcdesk = [sys.executable, "-m", "mcdesk", "--self-test"]
        first = run_process(mcdesk, env=env)  # first run: key, demo class, bundled import
        floors, apps = [], []
        for _ in range(args.runs):
            floors.append(run_process([sys.executable, "-c", FLOOR], env=env))
            apps.append(run_process(mcdesk, env=env))
    count = apps[-1].stdout.strip().splitlines()[-1]
    floor_s = median([r.seconds for r in floors])
    app_s = median([r.seconds for r in apps])
    floor_rss = median([r.peak_rss_mib for r in floors])
    app_rss = median([r.peak_rss_mib for r in apps])
    table(
        f"Start-up, median of {args.runs} ({env['QT_QPA_PLATFORM']}; {count})",
        [
            (
                "launch → catalog painted",
                f"{app_s * 1000:.0f} ms",
                f"{floor_s * 1000:.0f} ms",
                f"{app_s / floor_s:.2f}",
                "≤ 2.5",
            ),
            (
                "peak RSS",
                f"{app_rss:.0f} MiB",
                f"{floor_rss:.0f} MiB",
                f"{app_rss / floor_rss:.2f}",
                "≤ 2.0",
            ),
            (
                "first run (set-up + import)",
                f"{first.seconds * 1000:.0f} ms",
                f"{floor_s * 1000:.0f} ms",
                f"{first.seconds / floor_s:.2f}",
                "(not a target)",
            ),
        ],
    )
    print(f"\nroot: {ROOT}")


if __name__ == "__main__":
    main()
