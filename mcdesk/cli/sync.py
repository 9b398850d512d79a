"""``mcdesk sync``: a station syncs with its school server, or by USB stick (export, receipts)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from mcdesk.cli.common import Commands, prepare_store
from mcdesk.errors import EXIT_OK, EXIT_REFUSED, EXIT_USAGE


def cmd_sync(args: argparse.Namespace) -> int:
    from mcdesk.settings import load_settings
    from mcdesk.sync.client import SyncError
    from mcdesk.sync.round import run_round, server_url_to_use
    from mcdesk.sync.status import exposure_warning

    if not args.once:
        print(
            "usage: mcdesk sync --once [--server URL] | mcdesk sync export -o FILE | "
            "mcdesk sync import-receipts FILE",
            file=sys.stderr,
        )
        return EXIT_USAGE
    paths = prepare_store()
    settings_url = load_settings(paths.settings_file).server_url
    server_url = args.server or server_url_to_use(paths.database, settings_url=settings_url)
    if not server_url:
        print(
            "error: no server to sync with: enrol the station (mcdesk station enroll), set "
            "server_url in the settings file, or pass --server",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    warning = exposure_warning(server_url)
    if warning is not None:
        print(f"warning: {warning}", file=sys.stderr)
    try:
        report = run_round(
            database=paths.database, station_key_path=paths.station_key, server_url=server_url
        ).push
    except SyncError as exc:
        print(f"sync failed: {exc.reason}; nothing was lost, try again later", file=sys.stderr)
        return EXIT_REFUSED
    pushed = report.accepted + report.duplicate
    print(
        f"pushed {pushed} events ({report.duplicate} already there); "
        f"{report.remaining} waiting; receipts stored"
    )
    for event_id, reason in report.rejected:
        print(f"refused by the server: event {event_id} ({reason})", file=sys.stderr)
    return EXIT_REFUSED if report.rejected else EXIT_OK


def cmd_sync_export(args: argparse.Namespace) -> int:
    from mcdesk.keys import read_private_key
    from mcdesk.sync.sneakernet import export_outbox

    paths = prepare_store()
    output = Path(args.output)
    report = export_outbox(
        database=paths.database,
        station_key=read_private_key(paths.station_key),
        output=output,
        now=datetime.now(UTC),
    )
    print(f"exported {report.events} unsent events to {output}")
    print(
        "take it to the server (mcdesk admin import-sync), then bring the receipts file back "
        "and run: mcdesk sync import-receipts FILE",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_sync_import_receipts(args: argparse.Namespace) -> int:
    from mcdesk.protocol.files import FileRefused
    from mcdesk.sync.sneakernet import import_receipts

    paths = prepare_store()
    try:
        report = import_receipts(database=paths.database, path=Path(args.file))
    except FileRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"{report.stored} receipts stored; {report.remaining} events still waiting")
    if report.badges:
        print(f"{report.badges} badges stored in the wallet")
    for _, words in report.badges_refused:
        print(f"refused: {words}", file=sys.stderr)
    for event_id, reason in report.rejected:
        print(f"refused by the server: event {event_id} ({reason})", file=sys.stderr)
    return EXIT_REFUSED if report.rejected else EXIT_OK


def _add_file_commands(sync: argparse.ArgumentParser) -> None:
    """``mcdesk sync export`` and ``mcdesk sync import-receipts`` beside ``--once``."""
    files = sync.add_subparsers(dest="file_sync", metavar="{export,import-receipts}")
    export = files.add_parser("export", help="write unsent events to a file (USB-stick sync)")
    export.add_argument("-o", "--output", required=True, help="file to write")
    export.set_defaults(func=cmd_sync_export)
    receipts = files.add_parser("import-receipts", help="store the server's receipts file")
    receipts.add_argument("file")
    receipts.set_defaults(func=cmd_sync_import_receipts)


def add_commands(commands: Commands) -> None:
    """Add ``sync`` to the ``mcdesk`` parser's subcommands."""
    sync = commands.add_parser(
        "sync",
        help="sync with the school server (--once), or by USB stick (export, import-receipts)",
    )
    sync.add_argument("--once", action="store_true", help="one round: push, pull, content")
    sync.add_argument("--server", help="server URL (default: server_url in the settings)")
    sync.set_defaults(func=cmd_sync)
    _add_file_commands(sync)
