"""``mcdesk teacher``: a station's teacher lists unlock codes, prints a sheet, gives extra time.

Every command signs the teacher in first, through the same throttle as the sign-in
screen. Heavy imports stay inside the commands.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mcdesk.cli.common import CommandRefused, Commands, ask_password, line_from_stdin, now
from mcdesk.errors import EXIT_OK, EXIT_REFUSED, EXIT_USAGE

if TYPE_CHECKING:
    from mcdesk.exam.console import TeacherCodes
    from mcdesk.paths import Paths

SIGN_IN_HELP = (
    "A teacher of this station signs in first: --user NAME, and the password typed at the "
    "prompt or, with --password-stdin, read from standard input (scripts, no terminal). "
    "The demo station's teacher is 'teacher', password 'mcdesk-demo'."
)
NO_TERMINAL = (
    "no terminal to type the password in: add --password-stdin and give the password on "
    "standard input (e.g. --user NAME --password-stdin < password.txt)"
)


class CodeSheetWriter(Protocol):
    """Writes a printable sheet of codes (the UI's PDF writer: this package has no Qt)."""

    def __call__(
        self,
        path: Path,
        *,
        station_name: str,
        school: str,
        codes: list[tuple[int, str]],
        printed_at: datetime,
    ) -> None: ...


def add_sign_in_options(parser: argparse.ArgumentParser) -> None:
    """``--user`` and ``--password-stdin``: how every ``mcdesk teacher`` command signs in."""
    parser.description = f"{parser.description or ''} {SIGN_IN_HELP}".strip()
    parser.add_argument("--user", help="teacher user name (asked for if missing)")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input instead of asking",
    )


def add_code_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by `teacher codes` and `teacher code-sheet`."""
    parser.add_argument(
        "--station", help="station id or name (default: this station, the one you sit at)"
    )
    parser.add_argument(
        "--from", dest="start", type=int, help="first code number (default: the next unused)"
    )
    parser.add_argument("--count", type=int, default=10, help="how many codes (default 10)")
    add_sign_in_options(parser)


def _credentials(args: argparse.Namespace) -> tuple[str, str]:
    username = args.user
    if not username:
        # The prompt goes to stderr so that standard output holds only the codes.
        print("Teacher user name: ", end="", file=sys.stderr, flush=True)
        username = line_from_stdin(missing="no teacher user name: give --user NAME").strip()
    if args.password_stdin:
        return username, line_from_stdin(missing="no password on standard input")
    return username, ask_password("Password: ", no_terminal=NO_TERMINAL)


def _signed_in(args: argparse.Namespace, paths: Paths) -> tuple[str, str]:
    """(user name, password) once the sign-in check (throttled, as on screen) accepts them."""
    from mcdesk.store.engine import make_engine
    from mcdesk.study.signin import sign_in_teacher

    username, password = _credentials(args)
    engine = make_engine(paths.database)
    try:
        # Throttled: the command line is no faster a way to guess a teacher's password
        # than the sign-in screen.
        signed_in = sign_in_teacher(engine, username=username, password=password, now=now())
    finally:
        engine.dispose()
    if not signed_in.ok:
        raise CommandRefused(signed_in.message)
    return username, password


def _codes(args: argparse.Namespace) -> TeacherCodes:
    """Sign the teacher in and list the codes asked for; CommandRefused if there are none."""
    from mcdesk.cli.common import prepare_store
    from mcdesk.exam.console import teacher_codes
    from mcdesk.paths import bundled_pack_keys_dir

    if not 1 <= args.count <= 1000 or (args.start is not None and args.start < 1):
        raise CommandRefused("--from must be 1 or more and --count between 1 and 1000")
    paths = prepare_store()
    username, password = _signed_in(args, paths)
    listing = teacher_codes(
        paths.database,
        username=username,
        password=password,
        now=now(),
        station=None if args.station is None else str(args.station),
        start=args.start,
        count=args.count,
        pack_keys_dir=bundled_pack_keys_dir(),
    )
    if not listing.codes:
        raise CommandRefused(listing.note)
    return listing


def cmd_teacher_codes(args: argparse.Namespace) -> int:
    from mcdesk.protocol.codes import format_code

    listing = _codes(args)
    print(
        f"Codes for {listing.station_name}; single use, keep them from learners.", file=sys.stderr
    )
    for counter, code in listing.codes:
        print(f"#{counter}  {format_code(code)}")
    return EXIT_OK


def cmd_teacher_code_sheet(args: argparse.Namespace) -> int:
    write: CodeSheetWriter | None = args.write_code_sheet
    if write is None:
        # Writing a PDF needs Qt, which this package must not import: mcdesk.__main__
        # hands in the UI's writer.
        print(
            "error: run `mcdesk teacher code-sheet` (it needs the app's PDF writer)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    listing = _codes(args)
    output = Path(args.output)
    try:
        write(
            output,
            station_name=listing.station_name,
            school=listing.school,
            codes=listing.codes,
            printed_at=now(),
        )
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    first, last = listing.codes[0][0], listing.codes[-1][0]
    print(f"wrote {output}: codes #{first}–#{last} for {listing.station_name}")
    return EXIT_OK


def cmd_teacher_accommodate(args: argparse.Namespace) -> int:
    """Give a learner extra time (a multiplier of the time limit) from their next attempt."""
    from mcdesk.cli.common import prepare_store
    from mcdesk.exam.accommodations import accommodate_by_name
    from mcdesk.exam.states import ExamError

    paths = prepare_store()
    username, _ = _signed_in(args, paths)
    try:
        name = accommodate_by_name(
            paths.database,
            learner=args.learner,
            teacher=username,
            multiplier=args.multiplier,
            now=now(),
        )
    except ExamError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"{name}: {args.multiplier:g}× time from the next attempt")
    return EXIT_OK


def add_commands(commands: Commands) -> None:
    """Add ``teacher`` to the ``mcdesk`` parser's subcommands."""
    teacher = commands.add_parser("teacher", help="teacher tools").add_subparsers(
        dest="sub", required=True
    )
    codes = teacher.add_parser(
        "codes",
        help="list a station's next unlock codes",
        description="List a station's next unlock codes.",
    )
    add_code_options(codes)
    codes.set_defaults(func=cmd_teacher_codes)
    sheet = teacher.add_parser(
        "code-sheet",
        help="write a printable PDF of unlock codes",
        description="Write a printable PDF of unlock codes.",
    )
    add_code_options(sheet)
    sheet.add_argument("-o", "--output", required=True, help="PDF file to write")
    sheet.set_defaults(func=cmd_teacher_code_sheet)
    extra = teacher.add_parser(
        "accommodate",
        help="give a learner extra time on assessments",
        description="Give a learner extra time on assessments, from their next attempt.",
    )
    extra.add_argument("--learner", required=True, help="the learner's name as on the roster")
    extra.add_argument(
        "--multiplier", type=float, required=True, help="e.g. 1.5 for time and a half"
    )
    add_sign_in_options(extra)
    extra.set_defaults(func=cmd_teacher_accommodate)
