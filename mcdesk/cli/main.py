"""The ``mcdesk`` command line's parser and its one ``main``: errors to exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from mcdesk import __version__
from mcdesk.cli import admin, packs, server, station, sync, teacher
from mcdesk.cli.common import CommandRefused
from mcdesk.cli.teacher import CodeSheetWriter
from mcdesk.errors import EXIT_REFUSED, McdeskError

# The app's own options (mcdesk.ui.app parses them): listed here so --help shows them.
APP_MODES = """with no COMMAND, mcdesk opens the app:
  mcdesk              the learners' and teachers' window
  mcdesk --lockdown   locked assessment station: full screen, keys held back;
                      a teacher closes it
  mcdesk --kiosk      career-day kiosk: a locked, anonymous career explorer that
                      forgets each visitor; a teacher code opens its settings or
                      leaves it"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mcdesk",
        description="Offline-first career and technical education micro-credentials.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=APP_MODES,
    )
    parser.add_argument("--version", action="version", version=f"mcdesk {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    packs.add_commands(commands)
    teacher.add_commands(commands)
    server.add_commands(commands)
    sync.add_commands(commands)
    admin.add_commands(commands)
    station.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None, *, code_sheet: CodeSheetWriter | None = None) -> int:
    """Run one command; an McdeskError is said in one line and exits 1, anything else is a bug.

    ``code_sheet`` writes `teacher code-sheet`'s PDF; only the UI can (it paints with Qt).
    """
    args = build_parser().parse_args(argv)
    args.write_code_sheet = code_sheet
    try:
        return int(args.func(args))
    except CommandRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
    except McdeskError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OSError as exc:  # a path given that cannot be read or written: say which and why
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
    return EXIT_REFUSED
