"""``mcdesk server``: run the school's sync server (and its teacher pages)."""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

from mcdesk.cli.common import CommandRefused, Commands, number_in
from mcdesk.cli.serverdb import checked_database_url, database_opens
from mcdesk.errors import EXIT_OK, EXIT_USAGE


def cmd_server(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    from mcdesk.server.app import prepare_database
    from mcdesk.server.config import DB_ENV, load_server_settings
    from mcdesk.server.issuing import save_public_url

    if bool(args.tls_cert) != bool(args.tls_key):
        print(
            "mcdesk server: error: give both --tls-cert and --tls-key, or neither", file=sys.stderr
        )
        return EXIT_USAGE
    for given in (args.tls_cert, args.tls_key):
        if given and not Path(given).is_file():
            print(f"mcdesk server: error: no such file: {given}", file=sys.stderr)
            return EXIT_USAGE
    settings = load_server_settings(database_url=args.db, host=args.host, port=args.port)
    checked_database_url(settings.database_url)
    try:  # uvicorn reports a bad address in log lines after starting; say it in one line first
        socket.create_server((settings.host, settings.port)).close()
    except OSError as exc:
        raise CommandRefused(
            f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}"
        ) from None
    # Migrate once here so --workers N processes do not all start by migrating; they
    # read the URL from the environment because uvicorn builds each worker's app itself.
    with database_opens(settings.database_url):
        prepare_database(settings)
        if args.public_url:
            try:
                save_public_url(database_url=settings.database_url, url=args.public_url)
            except ValueError as exc:
                raise CommandRefused(str(exc)) from None
    os.environ[DB_ENV] = settings.database_url
    uvicorn.run(
        "mcdesk.server.app:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=args.workers,
        proxy_headers=True,
        # TLS served here (a teacher's laptop in the lab); otherwise a proxy in front does it.
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
    )
    return EXIT_OK


def add_commands(commands: Commands) -> None:
    """Add ``server`` to the ``mcdesk`` parser's subcommands."""
    server = commands.add_parser("server", help="run the central sync server")
    server.add_argument("--db", help="database URL (default: $MCDESK_SERVER_DB or SQLite)")
    server.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    server.add_argument(
        "--port", type=number_in(1, 65535, whole=True), help="port to listen on (default 8765)"
    )
    server.add_argument(
        "--workers", type=number_in(1, 64, whole=True), default=1, help="worker processes"
    )
    server.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate (chain)")
    server.add_argument("--tls-key", help="the PEM private key of --tls-cert")
    server.add_argument(
        "--public-url",
        help="the address employers reach (badge links, status lists, 2.0 hosting); kept",
    )
    server.set_defaults(func=cmd_server)
