"""``mcdesk admin`` for what the server takes in and gives out: packs, USB-stick files,
the report, re-scoring and issued badges. Heavy imports stay inside the commands.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from mcdesk.cli.common import Commands
from mcdesk.cli.serverdb import server_session, with_db
from mcdesk.errors import EXIT_OK, EXIT_REFUSED


def cmd_admin_import_sync(args: argparse.Namespace) -> int:
    from mcdesk.protocol.files import FileRefused, write_private
    from mcdesk.server.signer import ensure_signer
    from mcdesk.server.sneakernet import import_sync_file

    source = Path(args.file)
    output = Path(args.output) if args.output else source.with_suffix(".receipts")
    with server_session(args.db) as session:
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
    from mcdesk.server.report import build_report, render

    with server_session(args.db) as session:
        print(render(build_report(session)))
    return EXIT_OK


def cmd_admin_rescore(args: argparse.Namespace) -> int:
    from mcdesk.server.rescore import rescore_pending

    with server_session(args.db) as session:
        done, mismatches = rescore_pending(session, now=datetime.now(UTC))
        session.commit()
    print(f"{done} results re-scored; {mismatches} differed from the station's score (flagged)")
    return EXIT_OK


def cmd_admin_badge_revoke(args: argparse.Namespace) -> int:
    from mcdesk.server.revoking import BadgeError, revoke_badge

    with server_session(args.db) as session:
        try:
            badge = revoke_badge(
                session, credential_id=args.credential_id, reason=args.reason, now=datetime.now(UTC)
            )
        except BadgeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_REFUSED
        session.commit()
        print(f"badge {badge.credential_id} revoked: {badge.revoked_reason}")
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    from mcdesk.keys import KeyFileError
    from mcdesk.server.publish import (
        PublishError,
        PublishResult,
        publish_bundled,
        publish_file,
        server_trusted_publishers,
    )

    if bool(args.file) == args.bundled:
        print("error: give one .mcpack file, or --bundled", file=sys.stderr)
        return EXIT_REFUSED
    try:
        trusted = server_trusted_publishers(Path(args.publishers) if args.publishers else None)
    except KeyFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    now = datetime.now(UTC)
    outcomes: list[tuple[str, PublishResult | PublishError]] = []
    with server_session(args.db) as session:
        try:
            if args.bundled:
                outcomes = publish_bundled(session, trusted=trusted, now=now)
            else:
                key = Path(args.pack_key) if args.pack_key else None
                path = Path(args.file)
                result = publish_file(
                    session, path=path, pack_key_path=key, trusted=trusted, now=now
                )
                outcomes = [(args.file, result)]
        except PublishError as exc:
            outcomes = [(args.file or "--bundled", exc)]
    for _, outcome in outcomes:
        if isinstance(outcome, PublishError):
            print(f"error: {outcome}", file=sys.stderr)
        else:
            print(outcome.summary())
    refused = any(isinstance(outcome, PublishError) for _, outcome in outcomes)
    return EXIT_REFUSED if refused else EXIT_OK


def add_commands(admin: Commands) -> None:
    """``mcdesk admin import-sync``, ``report``, ``rescore``, ``badge revoke`` and ``publish``."""
    ingest = admin.add_parser("import-sync", help="ingest a station's export file")
    ingest.add_argument("file")
    ingest.add_argument("-o", "--output", help="receipts file (default: FILE.receipts)")
    with_db(ingest, cmd_admin_import_sync)
    report = admin.add_parser("report", help="stations, flags and results to look at")
    with_db(report, cmd_admin_report)
    rescore = admin.add_parser("rescore", help="re-score results that arrived before their pack")
    with_db(rescore, cmd_admin_rescore)
    badge = admin.add_parser("badge", help="issued badges").add_subparsers(dest="do", required=True)
    revoke = badge.add_parser("revoke", help="revoke a badge, with the reason")
    revoke.add_argument("credential_id", help="the badge's credential id (urn:uuid:...)")
    revoke.add_argument("--reason", required=True, help="why, in words (kept and published)")
    with_db(revoke, cmd_admin_badge_revoke)

    publish = admin.add_parser("publish", help="publish a content pack to stations")
    publish.add_argument("file", nargs="?", help="the .mcpack to publish")
    publish.add_argument("--pack-key", help="its .packkey.json (needed for a sealed bank)")
    publish.add_argument(
        "--bundled", action="store_true", help="publish the bundled demo catalog instead"
    )
    publish.add_argument(
        "--publishers", help="folder of trusted *.pub.json (default: the server's config folder)"
    )
    with_db(publish, cmd_publish)
