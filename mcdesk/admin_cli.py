"""``mcdesk admin`` (server operators) and ``mcdesk station`` commands; heavy imports inside.

Schools, teachers, classes, rosters, enrolment tokens and stations are here; grants,
accommodations, codes and provisioning are in mcdesk.access_cli; this station's own
commands (enrol, provision) in mcdesk.station_cli.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

    from mcdesk.server.roster import IssuedPin

EXIT_OK, EXIT_REFUSED = 0, 1


NOT_A_DATABASE_URL = (
    "the server database address (--db or MCDESK_SERVER_DB) is not a database URL; give "
    "one like sqlite:///path/server.sqlite3 or postgresql+psycopg://user@host/mcdesk"
)


def checked_database_url(url: str) -> str:
    """``url`` if it names a database SQLAlchemy can drive; CommandRefused in words if not."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from mcdesk.cli import CommandRefused

    try:
        make_url(url).get_dialect()
    except (ArgumentError, ValueError):  # unparsable, or no such driver
        raise CommandRefused(NOT_A_DATABASE_URL) from None
    return url


@contextmanager
def database_opens(url: str) -> Iterator[None]:
    """Turn a database that cannot be reached or opened into a refusal that names it."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from mcdesk.cli import CommandRefused

    try:
        yield
    except OperationalError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        raise CommandRefused(f"cannot open the server database {shown}: {exc.orig}") from None


@contextmanager
def _server_session(url: str | None) -> Iterator[Session]:
    """A session on the server database (--db, else MCDESK_SERVER_DB, else SQLite), migrated."""
    from sqlmodel import Session

    from mcdesk.server.config import load_server_settings
    from mcdesk.server.db import make_engine, migrate

    database_url = checked_database_url(load_server_settings(database_url=url).database_url)
    engine = make_engine(database_url)
    try:
        with database_opens(database_url):
            migrate(engine)
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _school_id(session: Session, name: str) -> str | None:
    from mcdesk.server.schools import AdminError, find_school

    try:
        return find_school(session, name).id
    except AdminError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def refuse(message: object) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_REFUSED


def _password(args: argparse.Namespace, username: str) -> str | None:
    """From --password-file (its first line), else typed twice; None (said why) if not."""
    if args.password_file:
        try:
            lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            print(f"error: cannot read {args.password_file}: {exc}", file=sys.stderr)
            return None
        return lines[0] if lines else ""
    from mcdesk.cli import ask_password

    no_terminal = "no terminal to type the password in: give --password-file FILE"
    first = ask_password(f"Password for {username}: ", no_terminal=no_terminal)
    if ask_password("The same password again: ", no_terminal=no_terminal) != first:
        print("error: the two passwords differ; nothing was changed", file=sys.stderr)
        return None
    return first


def cmd_school_add(args: argparse.Namespace) -> int:
    from mcdesk.server.schools import AdminError, add_school

    with _server_session(args.db) as session:
        try:
            add_school(session, name=args.name, now=datetime.now(UTC))
        except AdminError as exc:
            return refuse(exc)
    print(f"added school {args.name}")
    return EXIT_OK


def cmd_teacher_add(args: argparse.Namespace) -> int:
    from mcdesk.server.schools import AdminError, add_teacher

    password = _password(args, args.username)
    if password is None:
        return EXIT_REFUSED
    with _server_session(args.db) as session:
        school_id = _school_id(session, args.school)
        if school_id is None:
            return EXIT_REFUSED
        try:
            add_teacher(
                session,
                school_id=school_id,
                username=args.username,
                display_name=args.name,
                password=password,
                now=datetime.now(UTC),
                role=args.role,
            )
        except AdminError as exc:
            return refuse(exc)
    print(f"added {args.role} {args.username} ({args.name}) to {args.school}")
    return EXIT_OK


def cmd_teacher_role(args: argparse.Namespace) -> int:
    from mcdesk.server.schools import AdminError, set_teacher_role

    with _server_session(args.db) as session:
        try:
            set_teacher_role(session, username=args.username, role=args.role)
        except AdminError as exc:
            return refuse(exc)
    print(f"{args.username} is now a school {args.role}; their open web sessions ended")
    return EXIT_OK


def cmd_teacher_password(args: argparse.Namespace) -> int:
    from mcdesk.server.schools import AdminError, set_teacher_password

    password = _password(args, args.username)
    if password is None:
        return EXIT_REFUSED
    with _server_session(args.db) as session:
        try:
            set_teacher_password(
                session, username=args.username, password=password, now=datetime.now(UTC)
            )
        except AdminError as exc:
            return refuse(exc)
    print(f"password of {args.username} changed; stations get it at their next sync")
    return EXIT_OK


def cmd_class_teacher(args: argparse.Namespace) -> int:
    from mcdesk.server.schools import AdminError, set_class_teacher

    with _server_session(args.db) as session:
        school_id = _school_id(session, args.school)
        if school_id is None:
            return EXIT_REFUSED
        try:
            set_class_teacher(
                session,
                school_id=school_id,
                class_name=args.class_name,
                username=args.teacher,
                now=datetime.now(UTC),
            )
        except AdminError as exc:
            return refuse(exc)
    print(f"{args.teacher} now teaches {args.class_name}")
    return EXIT_OK


class PinsFileNeeded(Exception):
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
        return refuse(f"cannot read {args.file}: {exc}")
    pins_out = Path(args.pins_out) if args.pins_out else None
    if pins_out is not None and pins_out.exists():
        return refuse(
            f"{pins_out} exists already (it may hold PINs still to hand out); choose another file"
        )
    with _server_session(args.db) as session:
        school_id = _school_id(session, args.school)
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
            return refuse(
                f"{who} no PIN (no pin column, or an empty one) and would get a new random "
                "one, shown only once: give --pins-out FILE to keep them (a class,learner,pin "
                "CSV only you can read). Nothing was imported"
            )
        except OSError as exc:
            return refuse(f"cannot write {pins_out}: {exc.strerror or exc}; nothing was imported")
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
        return refuse("--hours must be more than 0")
    with _server_session(args.db) as session:
        school_id = _school_id(session, args.school)
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

    with _server_session(args.db) as session:
        try:
            revoke_station(session, station_id=args.station_id, now=datetime.now(UTC))
        except StationError as exc:
            return refuse(exc)
    print(f"station {args.station_id} revoked")
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
    with _server_session(args.db) as session:
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


def _db(parser: argparse.ArgumentParser, func: Callable[[argparse.Namespace], int]) -> None:
    parser.add_argument("--db", help="database URL (default: $MCDESK_SERVER_DB or SQLite)")
    parser.set_defaults(func=func)


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


def add_commands(commands: Any) -> None:
    """Add ``admin`` and ``station`` to the ``mcdesk`` parser's subcommands."""
    from mcdesk import access_cli, badge_admin_cli, sneakernet_cli, station_cli
    from mcdesk.cli import number_in

    admin = commands.add_parser("admin", help="server administration").add_subparsers(
        dest="sub", required=True
    )
    school = admin.add_parser("school", help="schools").add_subparsers(dest="do", required=True)
    school_add = school.add_parser("add", help="add a school")
    school_add.add_argument("name")
    _db(school_add, cmd_school_add)
    teacher = admin.add_parser("teacher", help="teachers").add_subparsers(dest="do", required=True)
    teacher_add = teacher.add_parser("add", help="add a teacher to a school")
    teacher_add.add_argument("--school", required=True)
    teacher_add.add_argument("--username", required=True)
    teacher_add.add_argument("--name", required=True, help="display name")
    _password_option(teacher_add)
    _role_option(teacher_add, default="teacher")
    _db(teacher_add, cmd_teacher_add)
    teacher_role = teacher.add_parser(
        "role", help="make a teacher a school administrator (admin) or a teacher again"
    )
    teacher_role.add_argument("--username", required=True)
    _role_option(teacher_role, default=None)
    _db(teacher_role, cmd_teacher_role)
    teacher_password = teacher.add_parser("password", help="set a teacher's password")
    teacher_password.add_argument("--username", required=True)
    _password_option(teacher_password)
    _db(teacher_password, cmd_teacher_password)
    school_class = admin.add_parser("class", help="classes").add_subparsers(
        dest="do", required=True
    )
    class_teacher = school_class.add_parser("teacher", help="set the teacher of a class")
    class_teacher.add_argument("--school", required=True)
    class_teacher.add_argument("--class", dest="class_name", required=True)
    class_teacher.add_argument("--teacher", required=True, help="the teacher's username")
    _db(class_teacher, cmd_class_teacher)
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
    _db(roster_import, cmd_roster_import)
    token = admin.add_parser("enrol-token", help="make a one-time station enrolment token")
    token.add_argument("--school", required=True)
    token.add_argument("--station-name", required=True)
    token.add_argument(
        "--hours", type=number_in(0.01, 24 * 366), default=24, help="valid for (default 24)"
    )
    _db(token, cmd_enrol_token)
    revoke = admin.add_parser("revoke-station", help="refuse a station's requests from now on")
    revoke.add_argument("station_id")
    _db(revoke, cmd_revoke_station)
    access_cli.add_admin_commands(admin, _db)
    sneakernet_cli.add_admin_commands(admin, _db)
    badge_admin_cli.add_admin_commands(admin, _db)

    station = commands.add_parser("station", help="this station").add_subparsers(
        dest="sub", required=True
    )
    station_cli.add_station_commands(station)

    publish = admin.add_parser("publish", help="publish a content pack to stations")
    publish.add_argument("file", nargs="?", help="the .mcpack to publish")
    publish.add_argument("--pack-key", help="its .packkey.json (needed for a sealed bank)")
    publish.add_argument(
        "--bundled", action="store_true", help="publish the bundled demo catalog instead"
    )
    publish.add_argument(
        "--publishers", help="folder of trusted *.pub.json (default: the server's config folder)"
    )
    _db(publish, cmd_publish)
