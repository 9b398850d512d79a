"""USB-stick sync and the administrator's report on the command line; heavy imports inside.

Station: ``mcdesk sync export -o FILE`` and ``mcdesk sync import-receipts FILE``.
Server: ``mcdesk admin import-sync FILE [-o RECEIPTS]``, ``mcdesk admin report`` and
``mcdesk admin rescore``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_REFUSED = 0, 1


def cmd_sync_export(args: argparse.Namespace) -> int:
    from mcdesk.cli import _prepare_store
    from mcdesk.keys import read_private_key
    from mcdesk.sync.sneakernet import export_outbox

    paths = _prepare_store()
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
    from mcdesk.cli import _prepare_store
    from mcdesk.protocol.files import FileRefused
    from mcdesk.sync.sneakernet import import_receipts

    paths = _prepare_store()
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


def cmd_admin_import_sync(args: argparse.Namespace) -> int:
    from mcdesk.admin_cli import _server_session
    from mcdesk.protocol.files import FileRefused, write_private
    from mcdesk.server.signer import ensure_signer
    from mcdesk.server.sneakernet import import_sync_file

    source = Path(args.file)
    output = Path(args.output) if args.output else source.with_suffix(".receipts")
    with _server_session(args.db) as session:
        signer = ensure_signer(session, now=datetime.now(UTC))
        try:
            report = import_sync_file(session, path=source, signer=signer, now=datetime.now(UTC))
        except FileRefused as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_REFUSED
    response = report.outcome.response
    write_private(output, report.receipts_file)
    print(
        f"station {report.station.name}: {len(response.accepted)} events stored, "
        f"{len(response.duplicate)} already here, {len(response.rejected)} refused"
    )
    for rejection in response.rejected:
        print(f"refused: event {rejection.id} ({rejection.reason})", file=sys.stderr)
    print(f"receipts written to {output}: import them on the station", file=sys.stderr)
    return EXIT_OK


def cmd_admin_report(args: argparse.Namespace) -> int:
    from mcdesk.admin_cli import _server_session
    from mcdesk.server.report import build_report, render

    with _server_session(args.db) as session:
        print(render(build_report(session)))
    return EXIT_OK


def cmd_admin_rescore(args: argparse.Namespace) -> int:
    from mcdesk.admin_cli import _server_session
    from mcdesk.server.rescore import rescore_pending

    with _server_session(args.db) as session:
        done, mismatches = rescore_pending(session, now=datetime.now(UTC))
        session.commit()
    print(f"{done} results re-scored; {mismatches} differed from the station's score (flagged)")
    return EXIT_OK


def add_sync_commands(sync: argparse.ArgumentParser) -> None:
    """``mcdesk sync export`` and ``mcdesk sync import-receipts`` beside ``--once``."""
    files = sync.add_subparsers(dest="file_sync", metavar="{export,import-receipts}")
    export = files.add_parser("export", help="write unsent events to a file (USB-stick sync)")
    export.add_argument("-o", "--output", required=True, help="file to write")
    export.set_defaults(func=cmd_sync_export)
    receipts = files.add_parser("import-receipts", help="store the server's receipts file")
    receipts.add_argument("file")
    receipts.set_defaults(func=cmd_sync_import_receipts)


def add_admin_commands(admin: Any, db_option: Any) -> None:
    """``mcdesk admin import-sync``, ``report`` and ``rescore``."""
    ingest = admin.add_parser("import-sync", help="ingest a station's export file")
    ingest.add_argument("file")
    ingest.add_argument("-o", "--output", help="receipts file (default: FILE.receipts)")
    db_option(ingest, cmd_admin_import_sync)
    report = admin.add_parser("report", help="stations, flags and results to look at")
    db_option(report, cmd_admin_report)
    rescore = admin.add_parser("rescore", help="re-score results that arrived before their pack")
    db_option(rescore, cmd_admin_rescore)
