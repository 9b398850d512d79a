"""Command-line handlers for pack authors: lint a source folder, import QTI."""

from __future__ import annotations

import argparse
from pathlib import Path

EXIT_OK, EXIT_REFUSED = 0, 1


def cmd_pack_lint(args: argparse.Namespace) -> int:
    from mcdesk.content.lint import lint_source

    report = lint_source(Path(args.source))
    for rel, grade in sorted(report.grades.items()):
        shown = "too short to judge" if grade is None else f"grade {grade:.1f}"
        print(f"{rel}: reading level {shown}")
    for finding in report.findings:
        print(finding)
    print(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    return EXIT_REFUSED if report.errors else EXIT_OK


def add_pack_commands(pack: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``pack lint`` and ``pack import-qti`` under the ``pack`` command."""
    lint = pack.add_parser("lint", help="check a pack source folder; exit 1 on errors")
    lint.add_argument("source", help="the pack source folder (with pack.toml)")
    lint.set_defaults(func=cmd_pack_lint)
