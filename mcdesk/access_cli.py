"""``mcdesk admin`` grants, accommodations, unlock codes and provisioning files.

Heavy imports stay inside the commands; the parsers are added by mcdesk.admin_cli.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_REFUSED = 0, 1

Command = Callable[[argparse.Namespace], int]


def _refuse(message: object) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_REFUSED


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M %Z")


def cmd_grant(args: argparse.Namespace) -> int:
    """``admin grant --school S --pack P (--class C | --learner L --class C)``."""
    from mcdesk.admin_cli import _server_session
    from mcdesk.server.grants import add_grant, is_published, parse_when
    from mcdesk.server.schools import AdminError, find_class, find_learner, find_school

    if not args.school or not args.pack or not args.class_name:
        return _refuse(
            "give --school, --pack and --class (and --learner for one learner), or use "
            "`admin grant list` / `admin grant revoke ID`"
        )
    now = datetime.now(UTC)
    with _server_session(args.db) as session:
        try:
            opens = (
                parse_when(args.opens, option="--opens", end_of_day=False) if args.opens else None
            )
            closes = (
                parse_when(args.closes, option="--closes", end_of_day=True) if args.closes else None
            )
            school = find_school(session, args.school)
            class_id = learner_id = None
            if args.learner:
                learner_id = find_learner(
                    session, school_id=school.id, class_name=args.class_name, name=args.learner
                ).id
            else:
                class_id = find_class(session, school_id=school.id, name=args.class_name).id
            grant = add_grant(
                session,
                school_id=school.id,
                pack_id=args.pack,
                class_id=class_id,
                learner_id=learner_id,
                opens_at=opens,
                closes_at=closes,
                now=now,
            )
        except AdminError as exc:
            return _refuse(f"{exc}; nothing was granted")
        published = is_published(session, grant.pack_id)
        who = f"{args.learner} ({args.class_name})" if args.learner else f"class {args.class_name}"
        print(
            f"granted {grant.pack_id} to {who}: opens {_when(opens)}, closes {_when(closes)} "
            f"(grant {grant.id})"
        )
    if not published:
        print(
            f"note: {args.pack} is not published on this server yet; stations open it once "
            "they have it (mcdesk admin publish)",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_grant_list(args: argparse.Namespace) -> int:
    from mcdesk.admin_cli import _server_session
    from mcdesk.server.grants import list_grants
    from mcdesk.server.schools import AdminError, find_school

    with _server_session(args.db) as session:
        try:
            school_id = find_school(session, args.school).id if args.school else None
        except AdminError as exc:
            return _refuse(exc)
        listing = list_grants(session, school_id=school_id)
    if not listing:
        print("no grants", file=sys.stderr)
    for grant in listing:
        print(
            f"{grant.id}  {grant.school}  {grant.pack_id}  {grant.to}  "
            f"opens {_when(grant.opens_at)}  closes {_when(grant.closes_at)}"
        )
    return EXIT_OK


def cmd_grant_revoke(args: argparse.Namespace) -> int:
    from mcdesk.admin_cli import _server_session
    from mcdesk.server.grants import revoke_grant
    from mcdesk.server.schools import AdminError

    with _server_session(args.db) as session:
        try:
            grant = revoke_grant(session, grant_id=args.grant_id, now=datetime.now(UTC))
        except AdminError as exc:
            return _refuse(exc)
    print(f"grant {grant.id} ({grant.pack_id}) revoked; stations drop it at their next sync")
    return EXIT_OK


def cmd_accommodate(args: argparse.Namespace) -> int:
    from mcdesk.admin_cli import _server_session
    from mcdesk.server.accommodations import (
        check_multiplier,
        clear_accommodation,
        set_accommodation,
    )
    from mcdesk.server.schools import AdminError, find_learner, find_school

    if (args.time is None) == (not args.clear):
        return _refuse("give --time MULTIPLIER (for example 1.5) or --clear")
    now = datetime.now(UTC)
    with _server_session(args.db) as session:
        try:
            if args.time is not None:
                check_multiplier(args.time)
            school = find_school(session, args.school)
            learner = find_learner(
                session, school_id=school.id, class_name=args.class_name, name=args.learner
            )
            if args.clear:
                cleared = clear_accommodation(session, learner_id=learner.id, now=now)
                print(f"{args.learner}: {'accommodation cleared' if cleared else 'had none'}")
            else:
                set_accommodation(session, learner_id=learner.id, multiplier=args.time, now=now)
                print(f"{args.learner}: {args.time:g}× time from the next attempt after a sync")
        except AdminError as exc:
            return _refuse(exc)
    return EXIT_OK


def cmd_codes(args: argparse.Namespace) -> int:
    from mcdesk.admin_cli import _server_session
    from mcdesk.protocol.codes import format_code
    from mcdesk.server.issuer import IssuerError, find_station, next_codes

    with _server_session(args.db) as session:
        try:
            station = find_station(session, args.station)
            listing = next_codes(session, station=station, count=args.count, start=args.start)
        except IssuerError as exc:
            return _refuse(exc)
        name = station.name
    print(
        f"Codes for {name}; each works once and only on that station, keep them from learners.",
        file=sys.stderr,
    )
    print("The station asks for a code by its number (#).", file=sys.stderr)
    for counter, code in listing.codes:
        print(f"#{counter}  {format_code(code)}")
    if listing.codes and listing.codes[-1][0] > listing.slots_through:
        print(
            f"note: codes after #{listing.slots_through} work once the station has synced "
            "again (it has no slot for them yet)",
            file=sys.stderr,
        )
    return EXIT_OK


def _provision_update(args: argparse.Namespace, output: Path) -> int:
    from mcdesk.admin_cli import _server_session
    from mcdesk.protocol.files import write_private
    from mcdesk.server.issuer import IssuerError, find_station
    from mcdesk.server.provision import update_station
    from mcdesk.server.schools import AdminError

    with _server_session(args.db) as session:
        try:
            station = find_station(session, args.update)
            made = update_station(
                session, station=station, server_url=args.server_url, now=datetime.now(UTC)
            )
            write_private(output, made.data)
        except (AdminError, IssuerError) as exc:
            session.rollback()
            return _refuse(exc)
        except OSError as exc:
            session.rollback()
            return _refuse(f"cannot write {output}: {exc.strerror or exc}")
        session.commit()
    print(
        f"update for station {made.station_name!r}: {made.slots} unlock codes in all, "
        f"{made.packs} packs, written to {output}"
    )
    print(
        "Import it on that station with `mcdesk station provision FILE`; no key is inside.",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_provision(args: argparse.Namespace) -> int:
    from mcdesk.admin_cli import _server_session
    from mcdesk.protocol.files import write_private
    from mcdesk.server.provision import provision_station
    from mcdesk.server.schools import AdminError, find_school

    output = Path(args.output)
    if output.exists():
        return _refuse(f"{output} exists already; choose another file")
    if args.server_url and not args.server_url.startswith(("http://", "https://")):
        return _refuse("--server-url must start with http:// or https://")
    if args.update:
        return _provision_update(args, output)
    if not args.school or not args.station_name:
        return _refuse("a new station needs --school and --station-name (or use --update)")
    with _server_session(args.db) as session:
        try:
            school = find_school(session, args.school)
            made = provision_station(
                session,
                school_id=school.id,
                station_name=args.station_name,
                server_url=args.server_url,
                now=datetime.now(UTC),
            )
            write_private(output, made.data)  # before the commit: no station without its file
        except AdminError as exc:
            session.rollback()
            return _refuse(exc)
        except OSError as exc:
            session.rollback()
            return _refuse(f"cannot write {output}: {exc.strerror or exc}; nothing was registered")
        try:
            session.commit()
        except BaseException:
            output.unlink(missing_ok=True)
            raise
    print(
        f"provisioned station {made.station_name!r} (id {made.station_id}) for {made.school}: "
        f"{made.slots} unlock codes, {made.packs} packs, written to {output}"
    )
    print(
        "The file holds the station's private key: carry it like a password, import it with "
        "`mcdesk station provision FILE`, then delete it.",
        file=sys.stderr,
    )
    return EXIT_OK


def add_admin_commands(admin: Any, db: Callable[[argparse.ArgumentParser, Command], None]) -> None:
    """Add grant, accommodate, codes and provision to ``mcdesk admin``."""
    grant = admin.add_parser(
        "grant",
        help="open a micro-credential to a class or a learner (also: grant list, grant revoke)",
    )
    grant.add_argument("--school")
    grant.add_argument("--pack", help="pack id, or * for every pack")
    grant.add_argument("--class", dest="class_name", help="the class (or the learner's class)")
    grant.add_argument("--learner", help="one learner of --class instead of the whole class")
    grant.add_argument("--opens", help="YYYY-MM-DD (start of that day, this machine's time)")
    grant.add_argument("--closes", help="YYYY-MM-DD (open through the end of that day)")
    db(grant, cmd_grant)
    grant_do = grant.add_subparsers(dest="do")
    grant_list = grant_do.add_parser("list", help="list grants")
    grant_list.add_argument("--school")
    db(grant_list, cmd_grant_list)
    grant_revoke = grant_do.add_parser("revoke", help="revoke a grant by its id")
    grant_revoke.add_argument("grant_id")
    db(grant_revoke, cmd_grant_revoke)

    extra = admin.add_parser("accommodate", help="set or clear a learner's extra time")
    extra.add_argument("--school", required=True)
    extra.add_argument("--class", dest="class_name", required=True)
    extra.add_argument("--learner", required=True)
    extra.add_argument("--time", type=float, help="time multiplier, 1 to 4 (1.5: time and a half)")
    extra.add_argument("--clear", action="store_true", help="remove the accommodation")
    db(extra, cmd_accommodate)

    codes = admin.add_parser("codes", help="a station's next unlock codes (the server's)")
    codes.add_argument("--station", required=True, help="station name or id")
    codes.add_argument("--count", type=int, default=10, help="how many (default 10)")
    codes.add_argument("--from", dest="start", type=int, help="first code number")
    db(codes, cmd_codes)

    provision = admin.add_parser(
        "provision",
        help="register a new station and write its provisioning file, or (--update) write "
        "fresh codes, roster and packs for a station provisioned before (USB stick)",
    )
    provision.add_argument("--school", help="the new station's school")
    provision.add_argument("--station-name", help="the new station's name")
    provision.add_argument(
        "--update", metavar="STATION", help="a station already registered (name or id)"
    )
    provision.add_argument("-o", "--output", required=True, help="file to write (owner-only)")
    provision.add_argument("--server-url", help="the address stations sync with, if any")
    db(provision, cmd_provision)
