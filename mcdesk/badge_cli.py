"""`mcdesk badge verify FILE`: check a badge and say each check in words."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EXIT_VERIFIED, EXIT_NOT_VERIFIED = 0, 1
# A baked PNG is tens of KB; reading past 16 MiB would only feed an attack.
MAX_FILE_BYTES = 16 * 1024 * 1024


def cmd_badge_verify(args: argparse.Namespace) -> int:
    from mcdesk.badges.fetch import fetch_status_list, offline
    from mcdesk.badges.verdict import Outcome
    from mcdesk.badges.verify import verify_badge

    path = Path(args.file)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_NOT_VERIFIED
    verdict = verify_badge(
        data,
        now=datetime.now(UTC),
        identity=args.identity,
        fetch_status=offline if args.offline else fetch_status_list,
        trusted_issuers=frozenset(args.issuer) if args.issuer else None,
    )
    for line in verdict.lines():
        print(line)
    return EXIT_VERIFIED if verdict.outcome is Outcome.VERIFIED else EXIT_NOT_VERIFIED


def add_badge_commands(commands: Any) -> None:
    """Register `mcdesk badge …` on the top-level subparsers."""
    badge = commands.add_parser("badge", help="Open Badges: verify a badge file").add_subparsers(
        dest="sub", required=True
    )
    verify = badge.add_parser(
        "verify",
        help="check a baked PNG or SVG, a credential JSON or a JWT; exit 0 only if verified",
    )
    verify.add_argument("file", help="the badge file")
    verify.add_argument("--identity", help="the e-mail or learner id it should belong to")
    verify.add_argument(
        "--issuer",
        action="append",
        metavar="DID",
        help="the school's did:key as it publishes it; repeat for several (any other fails)",
    )
    verify.add_argument(
        "--offline", action="store_true", help="do not fetch the revocation list (says so)"
    )
    verify.set_defaults(func=cmd_badge_verify)
