"""Command-line handlers for pack authors: lint a source folder, import QTI."""

from __future__ import annotations

import argparse
import sys
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


def cmd_pack_import_qti(args: argparse.Namespace) -> int:
    from mcdesk.content.qti.folder import import_qti
    from mcdesk.content.qti.package import QtiRefused

    try:
        done = import_qti(
            Path(args.package),
            folder=Path(args.output),
            self_check=args.self_check,
            skill=args.skill,
            pack_id=args.pack_id,
            title=args.title,
            cluster=args.cluster,
        )
    except QtiRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    kind = "self-checks" if args.self_check else "bank items"
    print(f"imported {len(done.report.items)} {kind} into {done.folder} (skill {done.skill})")
    for identifier, note in done.report.notes:
        print(f"  note: {identifier}: {note}")
    for skipped in done.report.skipped:
        print(f"  not imported: {skipped.href} ({skipped.identifier}): {skipped.reason}")
    print("next: edit the TOML and lesson, run `mcdesk pack lint`, then `mcdesk pack build`")
    return EXIT_OK


def add_pack_commands(pack: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``pack lint`` and ``pack import-qti`` under the ``pack`` command."""
    lint = pack.add_parser("lint", help="check a pack source folder; exit 1 on errors")
    lint.add_argument("source", help="the pack source folder (with pack.toml)")
    lint.set_defaults(func=cmd_pack_lint)
    qti = pack.add_parser("import-qti", help="import a QTI 2.1/3.0 package into a source folder")
    qti.add_argument("package", help="the IMS content package (.zip with imsmanifest.xml)")
    qti.add_argument("-o", "--output", required=True, help="pack source folder, new or existing")
    qti.add_argument("--self-check", action="store_true", help="as self-checks, not bank items")
    qti.add_argument("--skill", help="skill id to add to (default: the first, or 'imported')")
    qti.add_argument("--pack-id", help="new pack only: its id (a lower-case slug)")
    qti.add_argument("--title", help="new pack only: its title")
    qti.add_argument("--cluster", help="new pack only: its career cluster")
    qti.set_defaults(func=cmd_pack_import_qti)
