"""``mcdesk admin badge revoke CREDENTIAL_ID --reason TEXT``; heavy imports inside."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

EXIT_OK, EXIT_REFUSED = 0, 1


def cmd_admin_badge_revoke(args: argparse.Namespace) -> int:
    from mcdesk.admin_cli import _server_session
    from mcdesk.server.revoking import BadgeError, revoke_badge

    with _server_session(args.db) as session:
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


def add_admin_commands(admin: Any, db_option: Any) -> None:
    """``mcdesk admin badge revoke``."""
    badge = admin.add_parser("badge", help="issued badges").add_subparsers(dest="do", required=True)
    revoke = badge.add_parser("revoke", help="revoke a badge, with the reason")
    revoke.add_argument("credential_id", help="the badge's credential id (urn:uuid:...)")
    revoke.add_argument("--reason", required=True, help="why, in words (kept and published)")
    db_option(revoke, cmd_admin_badge_revoke)
