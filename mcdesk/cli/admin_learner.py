"""``mcdesk admin learner``: what a learner's page on the server does, without a browser.

A new PIN, a cleared sign-in lockout, an extra attempt or a waived review, and the
learner's record of them. Each handler calls the core function the web page calls
(mcdesk.server.roster.reset_pin, mcdesk.server.allowances.allow and allowances_of), which
checks the input, stores nothing on a refusal, and records the change for stations.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mcdesk.cli.common import CommandRefused, Commands, ask_password, refused
from mcdesk.cli.serverdb import server_session, with_db
from mcdesk.errors import EXIT_OK

if TYPE_CHECKING:
    from sqlmodel import Session

    from mcdesk.server.models import Learner

PIN_FILE_BYTES = 1024  # a PIN and a line end; anything longer is not a PIN file
NO_TERMINAL = (
    "no terminal to type the PIN in: give --pin-file FILE (the PIN on its first line), or "
    "--random for a new random PIN"
)


def _learner(session: Session, args: argparse.Namespace) -> tuple[str, Learner]:
    """(school id, learner) named by --school, --class and --learner; AdminError if none."""
    from mcdesk.server.schools import find_learner, find_school

    school = find_school(session, args.school)
    learner = find_learner(
        session, school_id=school.id, class_name=args.class_name, name=args.learner
    )
    return school.id, learner


def _who(args: argparse.Namespace) -> str:
    return f"{args.learner.strip()} ({args.class_name.strip()})"


def _pin_from_file(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(PIN_FILE_BYTES + 1)
    except OSError as exc:
        raise CommandRefused(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > PIN_FILE_BYTES:
        raise CommandRefused(f"{path} is not a PIN file: put only the PIN on its first line")
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise CommandRefused(
            f"{path} is not UTF-8 text: put only the PIN on its first line"
        ) from None
    if not lines or not lines[0].strip():
        raise CommandRefused(f"{path} has no PIN on its first line (or give --random)")
    return lines[0]


def _typed_pin(who: str) -> str:
    first = ask_password(f"New PIN for {who}: ", no_terminal=NO_TERMINAL)
    if not first.strip():
        raise CommandRefused("no PIN typed: type 4 to 6 digits, or give --random")
    if ask_password("The same PIN again: ", no_terminal=NO_TERMINAL) != first:
        raise CommandRefused("the two PINs differ; the PIN was not changed")
    return first


def cmd_pin(args: argparse.Namespace) -> int:
    from mcdesk.server.roster import RosterError, reset_pin
    from mcdesk.server.schools import AdminError

    if args.random and args.pin_file:
        return refused("give --random or --pin-file FILE, not both")
    given = _pin_from_file(args.pin_file) if args.pin_file else ""  # "": reset_pin makes one
    with server_session(args.db) as session:
        try:
            school_id, learner = _learner(session, args)
        except AdminError as exc:
            return refused(f"{exc}; the PIN was not changed")
        if not (args.random or args.pin_file):
            session.rollback()  # hold no transaction while someone types
            given = _typed_pin(_who(args))
        try:
            pin = reset_pin(
                session, learner=learner, school_id=school_id, pin=given, now=datetime.now(UTC)
            )
        except RosterError as exc:
            session.rollback()
            return refused(f"{exc}; the PIN was not changed")
    if args.random:
        print(pin)
        print(
            f"the new PIN of {_who(args)}, shown only this once (the server keeps its hash): "
            "hand it to the learner. Stations take it at their next sync, which also ends a "
            "sign-in lockout",
            file=sys.stderr,
        )
    else:
        print(
            f"PIN of {_who(args)} changed; stations take it at their next sync, which also "
            "ends a sign-in lockout"
        )
    return EXIT_OK


def _allow(args: argparse.Namespace, *, kind: str, pack_id: str, done: str) -> int:
    from mcdesk.server.allowances import allow, new_form_id
    from mcdesk.server.schools import AdminError, find_teacher

    if args.by is None:
        return refused(
            "give --by USERNAME: the teacher or school administrator who allows it (the "
            "learner's record names them); nothing was changed"
        )
    with server_session(args.db) as session:
        try:
            school_id, learner = _learner(session, args)
            teacher = find_teacher(session, school_id=school_id, username=args.by)
            allow(
                session, learner=learner, school_id=school_id, kind=kind, pack_id=pack_id,
                reason=args.reason or "", teacher=teacher, form_id=new_form_id(),
                now=datetime.now(UTC),
            )  # fmt: skip
        except AdminError as exc:
            session.rollback()
            return refused(f"{str(exc).rstrip('.')}; nothing was changed")
        by = teacher.display_name
    print(f"{_who(args)}: {done} (allowed by {by}); stations apply it at their next sync")
    return EXIT_OK


def cmd_unlock(args: argparse.Namespace) -> int:
    from mcdesk.protocol.allowances import AllowanceKind

    return _allow(
        args, kind=AllowanceKind.CLEAR_LOCKOUT, pack_id="", done="sign-in lockout cleared"
    )


def cmd_allow(args: argparse.Namespace) -> int:
    from mcdesk.protocol.allowances import AllowanceKind

    if args.extra_attempt == args.waive_review:
        return refused(
            "give --extra-attempt (one more attempt past the daily limit) or --waive-review "
            "(a retake without reviewing the missed skills first); nothing was changed"
        )
    # Only whether each option is there; what it says is the core's to check (allow).
    if args.pack is None:
        return refused("give --pack PACK_ID: the micro-credential it is for; nothing was changed")
    if args.reason is None:
        return refused(
            'give --reason "...": why, in a sentence (kept in the learner\'s record); '
            "nothing was changed"
        )
    if args.extra_attempt:
        kind, done = AllowanceKind.EXTRA_ATTEMPT, f"an extra attempt at {args.pack} allowed"
    else:
        kind, done = AllowanceKind.WAIVE_REVIEW, f"the review before a retake of {args.pack} waived"
    return _allow(args, kind=kind, pack_id=args.pack, done=done)


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z")


def cmd_allowances(args: argparse.Namespace) -> int:
    from mcdesk.server.allowances import allowances_of
    from mcdesk.server.schools import AdminError

    with server_session(args.db) as session:
        try:
            _, learner = _learner(session, args)
        except AdminError as exc:
            return refused(exc)
        listing = allowances_of(session, learner_id=learner.id)
    if not listing:
        print(f"{_who(args)} has no allowances", file=sys.stderr)
    for entry in listing:
        pack = f"  {entry.pack_id}" if entry.pack_id else ""
        reason = f": {entry.reason}" if entry.reason else ""
        print(f"{_when(entry.granted_at)}  {entry.words}{pack}  by {entry.granted_by}{reason}")
    return EXIT_OK


def _learner_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--school", required=True)
    parser.add_argument("--class", dest="class_name", required=True, help="the learner's class")
    parser.add_argument("--learner", required=True, help="the learner's name, as on the roster")


def _by_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--by", metavar="USERNAME", help="the teacher or school administrator who allows it"
    )


def add_commands(admin: Commands) -> None:
    """Add ``learner pin|unlock|allow|allowances`` to ``mcdesk admin``."""
    learner = admin.add_parser(
        "learner", help="one learner: new PIN, clear a lockout, extra attempt, waived review"
    ).add_subparsers(dest="do", required=True)

    pin = learner.add_parser("pin", help="give a learner a new sign-in PIN")
    _learner_options(pin)
    pin.add_argument(
        "--random", action="store_true", help="a new random PIN, printed once (else typed twice)"
    )
    pin.add_argument("--pin-file", help="read the new PIN from this file's first line")
    with_db(pin, cmd_pin)

    unlock = learner.add_parser(
        "unlock", help="clear a learner's sign-in lockout (wrong PINs typed)"
    )
    _learner_options(unlock)
    _by_option(unlock)
    unlock.add_argument("--reason", help="why (optional; kept in the learner's record)")
    with_db(unlock, cmd_unlock)

    allowed = learner.add_parser(
        "allow", help="allow an extra attempt, or a retake without the review first"
    )
    _learner_options(allowed)
    what = allowed.add_mutually_exclusive_group()
    what.add_argument(
        "--extra-attempt", action="store_true", help="one more attempt past the daily limit"
    )
    what.add_argument(
        "--waive-review", action="store_true", help="the next retake without the review first"
    )
    allowed.add_argument("--pack", help="the micro-credential (pack id) it is for")
    allowed.add_argument("--reason", help="why, in a sentence (kept in the learner's record)")
    _by_option(allowed)
    with_db(allowed, cmd_allow)

    listing = learner.add_parser("allowances", help="a learner's allowances, newest first")
    _learner_options(listing)
    with_db(listing, cmd_allowances)
