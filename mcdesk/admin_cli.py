"""``mcdesk admin`` (server operators) and ``mcdesk station`` commands; heavy imports inside."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

EXIT_OK, EXIT_REFUSED = 0, 1


@contextmanager
def _server_session(url: str | None) -> Iterator[Session]:
    """A session on the server database (--db, else MCDESK_SERVER_DB, else SQLite), migrated."""
    from sqlmodel import Session

    from mcdesk.server.config import load_server_settings
    from mcdesk.server.db import make_engine, migrate

    engine = make_engine(load_server_settings(database_url=url).database_url)
    try:
        migrate(engine)
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _school_id(session: Session, name: str) -> str | None:
    from sqlmodel import select

    from mcdesk.server.models import School

    school = session.exec(select(School).where(School.name == name)).first()
    if school is None:
        hint = "add it with `mcdesk admin school add`"
        print(f"error: no school called {name!r}; {hint}", file=sys.stderr)
        return None
    return school.id


def cmd_school_add(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import IntegrityError

    from mcdesk.ids import uuid7
    from mcdesk.server.models import School

    with _server_session(args.db) as session:
        session.add(School(id=uuid7(), name=args.name))
        try:
            session.commit()
        except IntegrityError:
            print(f"error: a school called {args.name!r} exists already", file=sys.stderr)
            return EXIT_REFUSED
    print(f"added school {args.name}")
    return EXIT_OK


def cmd_teacher_add(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import IntegrityError

    from mcdesk.ids import uuid7
    from mcdesk.server.models import Teacher

    with _server_session(args.db) as session:
        school_id = _school_id(session, args.school)
        if school_id is None:
            return EXIT_REFUSED
        session.add(
            Teacher(id=uuid7(), school_id=school_id, username=args.username, display_name=args.name)
        )
        try:
            session.commit()
        except IntegrityError:
            print(f"error: the username {args.username!r} is taken", file=sys.stderr)
            return EXIT_REFUSED
    print(f"added teacher {args.username} ({args.name}) to {args.school}")
    return EXIT_OK


def cmd_roster_import(args: argparse.Namespace) -> int:
    from mcdesk.server.roster import RosterError, import_roster_csv

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {args.file}: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    with _server_session(args.db) as session:
        school_id = _school_id(session, args.school)
        if school_id is None:
            return EXIT_REFUSED
        try:
            report = import_roster_csv(session, school_id=school_id, text=text)
        except RosterError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            print("nothing was imported; fix these lines and import again", file=sys.stderr)
            return EXIT_REFUSED
    print(f"roster imported: {report.created} learners added, {report.updated} updated")
    return EXIT_OK


def cmd_enrol_token(args: argparse.Namespace) -> int:
    from mcdesk.server.enrolment import new_enrol_token

    if args.hours <= 0:
        print("error: --hours must be more than 0", file=sys.stderr)
        return EXIT_REFUSED
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
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_REFUSED
    print(f"station {args.station_id} revoked")
    return EXIT_OK


def cmd_station_enroll(args: argparse.Namespace) -> int:
    from sqlmodel import Session, select

    from mcdesk.cli import _prepare_store
    from mcdesk.keys import public_key_b64, read_private_key
    from mcdesk.store.engine import make_engine
    from mcdesk.store.tables import Station
    from mcdesk.sync.client import SyncError
    from mcdesk.sync.enrol import enrol_station

    paths = _prepare_store()
    engine = make_engine(paths.database)
    try:
        with Session(engine) as session:
            station = session.exec(select(Station)).one()
    finally:
        engine.dispose()
    try:
        enrolment = enrol_station(
            database=paths.database,
            server_url=args.server,
            token=args.token,
            station_id=station.id,
            name=station.name,
            public_key_b64=public_key_b64(read_private_key(paths.station_key).public_key()),
        )
    except SyncError as exc:
        print(f"enrolment failed: {exc.reason}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"enrolled with {enrolment.school}; server key pinned")
    return EXIT_OK


def _db(parser: argparse.ArgumentParser, func: Callable[[argparse.Namespace], int]) -> None:
    parser.add_argument("--db", help="database URL (default: $MCDESK_SERVER_DB or SQLite)")
    parser.set_defaults(func=func)


def add_commands(commands: Any) -> None:
    """Add ``admin`` and ``station`` to the ``mcdesk`` parser's subcommands."""
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
    _db(teacher_add, cmd_teacher_add)
    roster = admin.add_parser("roster", help="class rosters").add_subparsers(
        dest="do", required=True
    )
    roster_import = roster.add_parser("import", help="import class,learner[,external_id] CSV")
    roster_import.add_argument("--school", required=True)
    roster_import.add_argument("file")
    _db(roster_import, cmd_roster_import)
    token = admin.add_parser("enrol-token", help="make a one-time station enrolment token")
    token.add_argument("--school", required=True)
    token.add_argument("--station-name", required=True)
    token.add_argument("--hours", type=float, default=24, help="valid for (default 24)")
    _db(token, cmd_enrol_token)
    revoke = admin.add_parser("revoke-station", help="refuse a station's requests from now on")
    revoke.add_argument("station_id")
    _db(revoke, cmd_revoke_station)

    station = commands.add_parser("station", help="this station").add_subparsers(
        dest="sub", required=True
    )
    enroll = station.add_parser("enroll", help="join a server with a one-time token")
    enroll.add_argument("--server", required=True, help="server URL")
    enroll.add_argument("--token", required=True)
    enroll.set_defaults(func=cmd_station_enroll)
