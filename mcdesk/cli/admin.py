"""``mcdesk admin`` for server operators: schools, teachers, classes, rosters, stations.

Grants, accommodations, codes and provisioning are in mcdesk.cli.admin_access; one
learner's PIN, lockout and allowances in mcdesk.cli.admin_learner; packs, USB-stick
files, reports and badges in mcdesk.cli.admin_files.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from mcdesk.cli.common import Commands, number_in, refused
from mcdesk.cli.serverdb import find_school_id, new_password, server_session, with_db
from mcdesk.errors import EXIT_OK, EXIT_REFUSED, McdeskError

if TYPE_CHECKING:
    from mcdesk.server.roster import IssuedPin


def cmd_school_add(args: argparse.Namespace) -> int:
    from mcdesk.server.schools import add_school

    with server_session(args.db) as session:
        add_school(session, name=args.name, now=datetime.now(UTC))
    print(f"added school {args.name}")
    return EXIT_OK


def cmd_teacher_add(args: argparse.Namespace) -> int:
    from mcdesk.server.schools import add_teacher

    password = new_password(args, args.username)
    if password is None:
        return EXIT_REFUSED
    with server_session(args.db) as session:
        school_id = find_school_id(session, args.school)
        if school_id is None:
            return EXIT_REFUSED
        add_teacher(
            session,
            school_id=school_id,
            username=args.username,
            display_name=args.name,
            password=password,
            now=datetime.now(UTC),
            role=args.role,
        )
    print(f"added {args.role} {args.username} ({args.name}) to {args.school}")
    return EXIT_OK


def cmd_teacher_role(args: argparse.Namespace) -> int:
    from mcdesk.server.schools import set_teacher_role

    with server_session(args.db) as session:
        set_teacher_role(session, username=args.username, role=args.role)
    print(f"{args.username} is now a school {args.role}; their open web sessions ended")
    return EXIT_OK


def cmd_teacher_password(args: argparse.Namespace) -> int:
    from mcdesk.server.schools import set_teacher_password

    password = new_password(args, args.username)
    if password is None:
        return EXIT_REFUSED
    with server_session(args.db) as session:
        set_teacher_password(
            session, username=args.username, password=password, now=datetime.now(UTC)
        )
    print(f"password of {args.username} changed; stations get it at their next sync")
    return EXIT_OK


def cmd_class_teacher(args: argparse.Namespace) -> int:
    from mcdesk.server.schools import set_class_teacher

    with server_session(args.db) as session:
        school_id = find_school_id(session, args.school)
        if school_id is None:
            return EXIT_REFUSED
        set_class_teacher(
            session,
            school_id=school_id,
            class_name=args.class_name,
            username=args.teacher,
            now=datetime.now(UTC),
        )
    print(f"{args.teacher} now teaches {args.class_name}")
    return EXIT_OK


class PinsFileNeeded(McdeskError):
    """New learners need PINs and no --pins-out file was given."""


def _pins_writer(path: Path | None) -> Callable[[list[IssuedPin]], None]:
    def write(pins: list[IssuedPin]) -> None:
        import csv
        import io

        if path is None:
            raise PinsFileNeeded(len(pins))
        text = io.StringIO()
        rows = csv.writer(text, lineterminator="\n")
        rows.writerow(["class", "learner", "pin"])
        rows.writerows([pin.class_name, pin.learner, pin.pin] for pin in pins)
        # Owner-only, and never over an older list: it may hold PINs still to hand out.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text.getvalue())
            handle.flush()
            os.fsync(handle.fileno())

    return write


def cmd_roster_import(args: argparse.Namespace) -> int:
    from mcdesk.server.roster import RosterError, import_roster_csv

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return refused(f"cannot read {args.file}: {exc}")
    pins_out = Path(args.pins_out) if args.pins_out else None
    if pins_out is not None and pins_out.exists():
        return refused(
            f"{pins_out} exists already (it may hold PINs still to hand out); choose another file"
        )
    with server_session(args.db) as session:
        school_id = find_school_id(session, args.school)
        if school_id is None:
            return EXIT_REFUSED
        try:
            report = import_roster_csv(
                session,
                school_id=school_id,
                text=text,
                now=datetime.now(UTC),
                write_pins=_pins_writer(pins_out),
            )
        except RosterError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            print("nothing was imported; fix these lines and import again", file=sys.stderr)
            return EXIT_REFUSED
        except PinsFileNeeded as exc:
            count = int(exc.args[0])
            who = "1 learner has" if count == 1 else f"{count} learners have"
            return refused(
                f"{who} no PIN (no pin column, or an empty one) and would get a new random "
                "one, shown only once: give --pins-out FILE to keep them (a class,learner,pin "
                "CSV only you can read). Nothing was imported"
            )
        except OSError as exc:
            return refused(f"cannot write {pins_out}: {exc.strerror or exc}; nothing was imported")
        except BaseException:
            if pins_out is not None:
                pins_out.unlink(missing_ok=True)  # the import failed: those PINs are not real
            raise
    print(f"roster imported: {report.created} learners added, {report.updated} updated")
    if report.pins:
        print(
            f"{len(report.pins)} new PINs written to {pins_out}: hand them out, then delete the "
            "file (the server keeps only their hashes)"
        )
    return EXIT_OK


def cmd_enrol_token(args: argparse.Namespace) -> int:
    from mcdesk.server.enrolment import new_enrol_token

    if args.hours <= 0:
        return refused("--hours must be more than 0")
    with server_session(args.db) as session:
        school_id = find_school_id(session, args.school)
        if school_id is None:
            return EXIT_REFUSED
        token = new_enrol_token(
            session,
            school_id=school_id,
            station_name=args.station_name,
            ttl=timedelta(hours=args.hours),
            now=datetime.now(UTC),
        )
    print(token)
    print(
        f"one-time token for {args.station_name!r}, valid {args.hours:g} h; not shown again",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_revoke_station(args: argparse.Namespace) -> int:
    from mcdesk.server.admin import StationError, revoke_station

    with server_session(args.db) as session:
        try:
            revoke_station(session, station_id=args.station_id, now=datetime.now(UTC))
        except StationError as exc:
            return refused(exc)
    print(f"station {args.station_id} revoked")
    return EXIT_OK


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-file", help="read the password from this file's first line (else asked twice)"
    )


def _role_option(parser: argparse.ArgumentParser, *, default: str | None) -> None:
    from mcdesk.server.roles import TEACHER_ROLES  # constants only: cheap

    parser.add_argument(
        "--role",
        choices=TEACHER_ROLES,
        default=default,
        required=default is None,
        help="teacher: their own classes; admin: every class of the school",
    )


def add_commands(commands: Commands) -> None:
    """Add ``admin`` to the ``mcdesk`` parser's subcommands."""
    from mcdesk.cli import admin_access, admin_files, admin_learner

    admin = commands.add_parser("admin", help="server administration").add_subparsers(
        dest="sub", required=True
    )
    school = admin.add_parser("school", help="schools").add_subparsers(dest="do", required=True)
    school_add = school.add_parser("add", help="add a school")
    school_add.add_argument("name")
    with_db(school_add, cmd_school_add)
    teacher = admin.add_parser("teacher", help="teachers").add_subparsers(dest="do", required=True)
    teacher_add = teacher.add_parser("add", help="add a teacher to a school")
    teacher_add.add_argument("--school", required=True)
    teacher_add.add_argument("--username", required=True)
    teacher_add.add_argument("--name", required=True, help="display name")
    _password_option(teacher_add)
    _role_option(teacher_add, default="teacher")
    with_db(teacher_add, cmd_teacher_add)
    teacher_role = teacher.add_parser(
        "role", help="make a teacher a school administrator (admin) or a teacher again"
    )
    teacher_role.add_argument("--username", required=True)
    _role_option(teacher_role, default=None)
    with_db(teacher_role, cmd_teacher_role)
    teacher_password = teacher.add_parser("password", help="set a teacher's password")
    teacher_password.add_argument("--username", required=True)
    _password_option(teacher_password)
    with_db(teacher_password, cmd_teacher_password)
    school_class = admin.add_parser("class", help="classes").add_subparsers(
        dest="do", required=True
    )
    class_teacher = school_class.add_parser("teacher", help="set the teacher of a class")
    class_teacher.add_argument("--school", required=True)
    class_teacher.add_argument("--class", dest="class_name", required=True)
    class_teacher.add_argument("--teacher", required=True, help="the teacher's username")
    with_db(class_teacher, cmd_class_teacher)
    roster = admin.add_parser("roster", help="class rosters").add_subparsers(
        dest="do", required=True
    )
    roster_import = roster.add_parser(
        "import", help="import class,learner[,external_id,pin,teacher] CSV"
    )
    roster_import.add_argument("--school", required=True)
    roster_import.add_argument("file")
    roster_import.add_argument(
        "--pins-out", help="write new learners' random PINs here (class,learner,pin; owner-only)"
    )
    with_db(roster_import, cmd_roster_import)
    token = admin.add_parser("enrol-token", help="make a one-time station enrolment token")
    token.add_argument("--school", required=True)
    token.add_argument("--station-name", required=True)
    token.add_argument(
        "--hours", type=number_in(0.01, 24 * 366), default=24, help="valid for (default 24)"
    )
    with_db(token, cmd_enrol_token)
    revoke = admin.add_parser("revoke-station", help="refuse a station's requests from now on")
    revoke.add_argument("station_id")
    with_db(revoke, cmd_revoke_station)

    admin_access.add_commands(admin)
    admin_learner.add_commands(admin)
    admin_files.add_commands(admin)
