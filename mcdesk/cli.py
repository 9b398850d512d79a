"""The ``mcdesk`` command line (everything but the windows)."""

from __future__ import annotations

import argparse
import getpass
import math
import shutil
import socket
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mcdesk import __version__

if TYPE_CHECKING:
    from mcdesk.keys import PublisherKey
    from mcdesk.paths import Paths

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class CommandRefused(Exception):
    """A command cannot go ahead; the message says why and what to do. main() prints it."""


def number_in(low: float, high: float, *, whole: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number from ``low`` to ``high`` (a whole one if asked)."""

    def parse(text: str) -> float:
        kind = "a whole number" if whole else "a number"
        try:
            value = float(text) if len(text) <= 24 else math.nan  # 5,000 digits: not a count
            if whole and value.is_integer():
                value = int(value)
        except ValueError:
            value = math.nan
        if not (low <= value <= high) or (whole and not isinstance(value, int)):
            raise argparse.ArgumentTypeError(f"{text[:24]!r}: give {kind} from {low:g} to {high:g}")
        return value

    return parse


def _now() -> datetime:
    return datetime.now(UTC)


def _prepare_store(*, joining: bool = False) -> Paths:
    """Open the station store, set up its identity on first run; returns its paths.

    A station about to join a server (``joining``) gets its identity only: a demo class
    and demo code slots (40 scrypt runs) would be thrown away when the server's arrive.
    """
    from mcdesk.paths import resolve_paths
    from mcdesk.settings import load_settings
    from mcdesk.startup import SetupNeeds, run_setup, setup_needs
    from mcdesk.store.bootstrap import open_store
    from mcdesk.store.connection import opened

    paths = resolve_paths()
    settings = load_settings(paths.settings_file)
    store = open_store(paths, now=_now())
    if store.damaged is not None:
        print(f"warning: {store.damaged.message()}", file=sys.stderr)
    with opened(paths.database) as connection:
        needs = setup_needs(connection, settings=settings)
    if joining:
        needs = SetupNeeds(station=needs.station, demo=False, bundled=())
    if needs.station or needs.demo or needs.exam_keys:
        # The command line imports packs on its own; bundled ones come with the app.
        only = SetupNeeds(needs.station, needs.demo, (), exam_keys=needs.exam_keys)
        run_setup(paths, settings, only, now=_now())
    return paths


def cmd_keys_new_publisher(args: argparse.Namespace) -> int:
    from mcdesk.keys import KeyFileError, new_publisher, public_file_for

    try:
        publisher = new_publisher(Path(args.output), name=args.name)
    except KeyFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"private key: {args.output} (keep it secret; owner-only permissions)")
    print(f"public key:  {public_file_for(Path(args.output))} (give this to stations)")
    print(f"key id:      {publisher.key_id}")
    return EXIT_OK


def cmd_keys_trust(args: argparse.Namespace) -> int:
    from mcdesk.keys import KeyFileError, read_publisher
    from mcdesk.paths import resolve_paths

    source = Path(args.public_file)
    try:
        publisher = read_publisher(source)
    except KeyFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    folder = resolve_paths().trusted_publishers_dir
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / f"{publisher.key_id}.pub.json")
    print(f"trusted publisher {publisher.name!r} (key {publisher.key_id})")
    return EXIT_OK


def cmd_pack_build(args: argparse.Namespace) -> int:
    from mcdesk.content.build import build_pack
    from mcdesk.content.errors import SourceError

    try:
        built = build_pack(
            Path(args.source),
            Path(args.output),
            publisher_key=Path(args.key),
            pack_key_file=Path(args.pack_key) if args.pack_key else None,
        )
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(
        f"built {built.output} ({built.pack_id} {built.version}, {built.file_count} files, "
        f"{built.size / 1024:.0f} KiB)"
    )
    if built.pack_key_file:
        print(f"pack key: {built.pack_key_file} (keep it off stations; the server wraps it)")
    return EXIT_OK


def _trusted() -> dict[str, PublisherKey]:
    from mcdesk.keys import load_trusted_publishers
    from mcdesk.paths import bundled_publishers_dir, resolve_paths

    folders = (bundled_publishers_dir(), resolve_paths().trusted_publishers_dir)
    return load_trusted_publishers(*folders)


def cmd_pack_verify(args: argparse.Namespace) -> int:
    from mcdesk.content.errors import PackRefused
    from mcdesk.content.verify import verify_pack

    try:
        pack = verify_pack(Path(args.file), trusted=_trusted())
    except PackRefused as exc:
        print(f"invalid: {exc}")
        return EXIT_REFUSED
    manifest = pack.manifest
    print(f"valid: {manifest['title']} ({pack.pack_id} {pack.version})")
    print(f"  career cluster: {manifest['career_cluster']}")
    print(f"  publisher:      {pack.publisher.name} (key {pack.publisher.key_id})")
    print(f"  kind:           {'preview' if manifest['preview'] else 'full micro-credential'}")
    print(
        f"  files:          {len(pack.files)}, {sum(map(len, pack.files.values())) / 1024:.0f} KiB"
    )
    for skill in manifest["skills"]:
        print(
            f"  skill: {skill['title']} — {len(skill['keywords'])} keywords, "
            f"{len(skill['self_check'])} self-check items"
        )
    assessment = manifest.get("assessment")
    if assessment:
        bank = sum(assessment["bank"]["items_per_skill"].values())
        form = sum(assessment["items_per_skill"].values())
        print(
            f"  assessment: {form} of {bank} sealed items, {assessment['time_limit_minutes']} min, "
            f"pass at {assessment['proficiency_level']:.0%}"
        )
    return EXIT_OK


def cmd_pack_import(args: argparse.Namespace) -> int:
    from mcdesk.content.errors import PackRefused
    from mcdesk.content.install import import_pack
    from mcdesk.store.engine import make_engine

    paths = _prepare_store()
    engine = make_engine(paths.database)
    try:
        result = import_pack(
            Path(args.file), engine=engine, trusted=_trusted(), force=args.force, now=_now()
        )
    except PackRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        print("Nothing was changed.", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        engine.dispose()
    before = f" (was {result.previous_version})" if result.previous_version else ""
    print(f"{result.outcome}: {result.pack_id} {result.version}{before}")
    return EXIT_OK


def cmd_catalog_list(args: argparse.Namespace) -> int:
    from mcdesk.content.catalog import catalog_standards, list_catalog
    from mcdesk.store.connection import opened

    paths = _prepare_store()
    _import_bundled_if_needed(paths)
    with opened(paths.database) as connection:
        entries = list_catalog(connection)
        standards = catalog_standards(connection)
    cluster = None
    for entry in entries:
        if entry.career_cluster != cluster:
            cluster = entry.career_cluster
            print(f"\n{cluster}")
        tag, status = (
            (" [preview]", "preview: no assessment yet") if entry.preview else ("", "earnable")
        )
        print(f"  {entry.title}{tag} — {entry.id} {entry.version} · {status}")
        print(f"      {', '.join(entry.skill_titles)}")
        named = standards.get(entry.id, ())
        if not named:
            print("      Standards: none named")
        for standard in named:
            print(f"      Standard: {standard.label()} <{standard.url}>")
    earnable = sum(not entry.preview for entry in entries)
    print(f"\n{len(entries)} micro-credentials, {earnable} earnable")
    return EXIT_OK


def _import_bundled_if_needed(paths: Paths) -> None:
    from mcdesk.settings import load_settings
    from mcdesk.startup import SetupNeeds, run_setup, setup_needs
    from mcdesk.store.connection import opened

    settings = load_settings(paths.settings_file)
    with opened(paths.database) as connection:
        needs = setup_needs(connection, settings=settings)
    if needs.bundled:
        report = run_setup(paths, settings, SetupNeeds(False, False, needs.bundled), now=_now())
        for line in report.refused:
            print(f"warning: bundled pack refused: {line}", file=sys.stderr)


def cmd_catalog_search(args: argparse.Namespace) -> int:
    from mcdesk.content.catalog import search_catalog
    from mcdesk.store.connection import opened

    paths = _prepare_store()
    _import_bundled_if_needed(paths)
    with opened(paths.database) as connection:
        hits = search_catalog(connection, " ".join(args.query), limit=args.limit)
    if not hits:
        print("no matches")
        return EXIT_OK
    for hit in hits:
        where = f" › {hit.skill_title}" if hit.skill_title else ""
        print(f"{hit.pack_title}{where}  ({hit.career_cluster})")
        print(f"    {hit.snippet}")
    return EXIT_OK


def cmd_catalog_rebuild_bundled(args: argparse.Namespace) -> int:
    from mcdesk.content.bundled import build_bundled_catalog
    from mcdesk.content.errors import SourceError

    root = Path(args.content_cache)
    try:
        built = build_bundled_catalog(
            root / "src",
            root / "packs",
            publisher_key=Path(args.key),
            pack_keys_dir=root / "keys" / "packs",
        )
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    for pack in built:
        print(f"built {pack.output.name}: {pack.pack_id} {pack.version}")
    return EXIT_OK


@dataclass(frozen=True, slots=True)
class TeacherCodes:
    """Unlock codes a teacher asked for, with what a printed sheet shows beside them."""

    station_id: str
    station_name: str
    school: str
    codes: list[tuple[int, str]]


def add_teacher_code_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by `teacher codes` and `teacher code-sheet`."""
    parser.add_argument("--station", required=True, help="station id (or this station's name)")
    parser.add_argument(
        "--from", dest="start", type=int, help="first code number (default: the next unused)"
    )
    parser.add_argument("--count", type=int, default=10, help="how many codes (default 10)")
    add_teacher_sign_in_options(parser)


SIGN_IN_HELP = (
    "A teacher of this station signs in first: --user NAME, and the password typed at the "
    "prompt or, with --password-stdin, read from standard input (scripts, no terminal). "
    "The demo station's teacher is 'teacher', password 'mcdesk-demo'."
)
NO_TERMINAL = (
    "no terminal to type the password in: add --password-stdin and give the password on "
    "standard input (e.g. --user NAME --password-stdin < password.txt)"
)


def add_teacher_sign_in_options(parser: argparse.ArgumentParser) -> None:
    """``--user`` and ``--password-stdin``: how every ``mcdesk teacher`` command signs in."""
    parser.description = f"{parser.description or ''} {SIGN_IN_HELP}".strip()
    parser.add_argument("--user", help="teacher user name (asked for if missing)")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input instead of asking",
    )


def _line_from_stdin(*, missing: str) -> str:
    line = sys.stdin.readline()
    if not line:  # end of input, not even an empty line: nobody is there to answer
        raise CommandRefused(missing)
    return line.rstrip("\r\n")


def _ask_credentials(args: argparse.Namespace) -> tuple[str, str]:
    username = args.user
    if not username:
        # The prompt goes to stderr so that standard output holds only the codes.
        print("Teacher user name: ", end="", file=sys.stderr, flush=True)
        username = _line_from_stdin(missing="no teacher user name: give --user NAME").strip()
    if args.password_stdin:
        return username, _line_from_stdin(missing="no password on standard input")
    return username, ask_password("Password: ", no_terminal=NO_TERMINAL)


def ask_password(prompt: str, *, no_terminal: str) -> str:
    """A password typed at the terminal without echo; CommandRefused(no_terminal) if none."""
    with warnings.catch_warnings():
        # getpass falls back to reading stdin with echo when there is no terminal; refuse
        # instead, in words, rather than echo a password or die on end of input.
        warnings.simplefilter("error", getpass.GetPassWarning)
        try:
            return getpass.getpass(prompt)
        except getpass.GetPassWarning:
            raise CommandRefused(no_terminal) from None
        except EOFError:  # Ctrl-D at the prompt
            print(file=sys.stderr)
            raise CommandRefused("no password typed") from None


def teacher_codes(args: argparse.Namespace) -> TeacherCodes:
    """Sign the teacher in (throttled), open their issuer and mint the codes asked for."""
    from mcdesk.exam.console import codes_from_server
    from mcdesk.exam.issuer import IssuerError, issuer_stations, open_issuer
    from mcdesk.exam.unlock import next_counter
    from mcdesk.store.connection import opened
    from mcdesk.store.engine import make_engine
    from mcdesk.study.signin import sign_in_teacher

    if not 1 <= args.count <= 1000 or (args.start is not None and args.start < 1):
        raise CommandRefused("--from must be 1 or more and --count between 1 and 1000")
    paths = _prepare_store()
    username, password = _ask_credentials(args)
    engine = make_engine(paths.database)
    try:
        # The sign-in check first: it is throttled, so the command line is no faster a
        # way to guess a teacher's password than the sign-in screen.
        signed_in = sign_in_teacher(engine, username=username, password=password, now=_now())
    finally:
        engine.dispose()
    if not signed_in.ok:
        raise CommandRefused(signed_in.message)
    with opened(paths.database) as connection:
        teacher_id, school = connection.execute(
            "SELECT teacher.id, school.name FROM teacher JOIN school ON school.id ="
            " teacher.school_id WHERE teacher.username = ?",
            (username.strip(),),
        ).fetchone()
        here = connection.execute("SELECT id, name FROM station").fetchone()
        station_id = str(args.station)
        if here is not None and station_id == here["name"]:
            station_id = str(here["id"])
        from_server = codes_from_server(connection)
        if from_server is not None and here is not None and station_id == here["id"]:
            raise CommandRefused(from_server)  # a local issuer's codes would all be wrong
        issuer = open_issuer(
            connection, teacher_id=teacher_id, password=password, station_id=station_id
        )
        if issuer is None:
            known = ", ".join(issuer_stations(connection, teacher_id=teacher_id)) or "none"
            raise CommandRefused(
                f"you hold no code issuer for station {args.station!r} (your stations: {known})"
            )
        is_here = here is not None and station_id == here["id"]
        start = args.start
        if start is None and is_here:
            start = next_counter(connection)
            if start is None:  # every slot used: show the codes a refill will add
                highest = connection.execute("SELECT max(counter) FROM exam_key_slot")
                start = int(highest.fetchone()[0] or 0) + 1
        try:
            codes = issuer.codes(start=start or 1, count=args.count)
        except IssuerError as exc:
            raise CommandRefused(str(exc)) from exc
    return TeacherCodes(
        station_id=station_id,
        station_name=str(here["name"]) if is_here else station_id,
        school=str(school),
        codes=codes,
    )


def cmd_teacher_codes(args: argparse.Namespace) -> int:
    from mcdesk.protocol.codes import format_code

    try:
        listing = teacher_codes(args)
    except CommandRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(
        f"Codes for {listing.station_name}; single use, keep them from learners.", file=sys.stderr
    )
    for counter, code in listing.codes:
        print(f"#{counter}  {format_code(code)}")
    return EXIT_OK


def cmd_teacher_accommodate(args: argparse.Namespace) -> int:
    """Give a learner extra time (a multiplier of the time limit) from their next attempt."""
    from mcdesk.exam.accommodations import set_time_multiplier
    from mcdesk.exam.states import ExamError
    from mcdesk.store.connection import opened
    from mcdesk.store.engine import make_engine
    from mcdesk.study.signin import sign_in_teacher

    paths = _prepare_store()
    username, password = _ask_credentials(args)
    engine = make_engine(paths.database)
    try:
        signed_in = sign_in_teacher(engine, username=username, password=password, now=_now())
    finally:
        engine.dispose()
    if not signed_in.ok:
        print(f"refused: {signed_in.message}", file=sys.stderr)
        return EXIT_REFUSED
    with opened(paths.database) as connection:
        rows = connection.execute(
            "SELECT id, display_name FROM learner WHERE id = ? OR lower(display_name) = lower(?)",
            (args.learner, args.learner.strip()),
        ).fetchall()
        if len(rows) != 1:
            what = "no learner" if not rows else f"{len(rows)} learners"
            print(f"refused: {what} called {args.learner!r}; use the exact name", file=sys.stderr)
            return EXIT_REFUSED
        teacher = connection.execute(
            "SELECT id FROM teacher WHERE username = ?", (username.strip(),)
        ).fetchone()
        try:
            set_time_multiplier(
                connection,
                learner_id=rows[0]["id"],
                multiplier=args.multiplier,
                set_by=str(teacher["id"]),
                now=_now(),
            )
        except ExamError as exc:
            print(f"refused: {exc}", file=sys.stderr)
            return EXIT_REFUSED
    print(f"{rows[0]['display_name']}: {args.multiplier:g}× time from the next attempt")
    return EXIT_OK


def cmd_teacher_code_sheet(args: argparse.Namespace) -> int:
    # `mcdesk teacher code-sheet` is routed to mcdesk.ui.code_sheet by mcdesk.__main__:
    # writing a PDF needs Qt, which this module must not import.
    print("error: run `mcdesk teacher code-sheet` (it needs the app's PDF writer)", file=sys.stderr)
    return EXIT_USAGE


def cmd_server(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    from mcdesk.admin_cli import checked_database_url, database_opens
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


def cmd_sync(args: argparse.Namespace) -> int:
    from mcdesk.settings import load_settings
    from mcdesk.sync.client import SyncError
    from mcdesk.sync.round import run_round, server_url_to_use
    from mcdesk.sync.status import exposure_warning

    if not args.once:
        print(
            "usage: mcdesk sync --once [--server URL] | mcdesk sync export -o FILE | "
            "mcdesk sync import-receipts FILE",
            file=sys.stderr,
        )
        return EXIT_USAGE
    paths = _prepare_store()
    settings_url = load_settings(paths.settings_file).server_url
    server_url = args.server or server_url_to_use(paths.database, settings_url=settings_url)
    if not server_url:
        print(
            "error: no server to sync with: enrol the station (mcdesk station enroll), set "
            "server_url in the settings file, or pass --server",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    warning = exposure_warning(server_url)
    if warning is not None:
        print(f"warning: {warning}", file=sys.stderr)
    try:
        report = run_round(
            database=paths.database, station_key_path=paths.station_key, server_url=server_url
        ).push
    except SyncError as exc:
        print(f"sync failed: {exc.reason}; nothing was lost, try again later", file=sys.stderr)
        return EXIT_REFUSED
    pushed = report.accepted + report.duplicate
    print(
        f"pushed {pushed} events ({report.duplicate} already there); "
        f"{report.remaining} waiting; receipts stored"
    )
    for event_id, reason in report.rejected:
        print(f"refused by the server: event {event_id} ({reason})", file=sys.stderr)
    return EXIT_REFUSED if report.rejected else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mcdesk", description="Offline-first career and technical education micro-credentials."
    )
    parser.add_argument("--version", action="version", version=f"mcdesk {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    keys = commands.add_parser("keys", help="publisher keys").add_subparsers(
        dest="sub", required=True
    )
    new = keys.add_parser("new-publisher", help="make a publisher key pair")
    new.add_argument("-o", "--output", required=True, help="private key file to write")
    new.add_argument("--name", default="Unnamed publisher", help="publisher name shown to users")
    new.set_defaults(func=cmd_keys_new_publisher)
    trust = keys.add_parser("trust", help="trust a publisher's public key on this station")
    trust.add_argument("public_file", help="the publisher's .pub.json file")
    trust.set_defaults(func=cmd_keys_trust)

    pack = commands.add_parser("pack", help="content packs").add_subparsers(
        dest="sub", required=True
    )
    build = pack.add_parser("build", help="build a signed pack from a source folder")
    build.add_argument("source")
    build.add_argument("-o", "--output", required=True)
    build.add_argument("--key", required=True, help="publisher private key")
    build.add_argument("--pack-key", help="pack key file (default: beside the output)")
    build.set_defaults(func=cmd_pack_build)
    verify = pack.add_parser("verify", help="check a pack; exit 1 with the reason if invalid")
    verify.add_argument("file")
    verify.set_defaults(func=cmd_pack_verify)
    imp = pack.add_parser("import", help="verify and add or replace a pack in the catalog")
    imp.add_argument("file")
    imp.add_argument("--force", action="store_true", help="allow an older or rebuilt version")
    imp.set_defaults(func=cmd_pack_import)
    from mcdesk.authoring_cli import add_pack_commands

    add_pack_commands(pack)

    catalog = commands.add_parser("catalog", help="the station's catalog").add_subparsers(
        dest="sub", required=True
    )
    catalog.add_parser("list", help="micro-credentials by career cluster").set_defaults(
        func=cmd_catalog_list
    )
    search = catalog.add_parser("search", help="search titles, skills, keywords and lessons")
    search.add_argument("query", nargs="+")
    search.add_argument("--limit", type=number_in(1, 1000, whole=True), default=20)
    search.set_defaults(func=cmd_catalog_search)
    rebuild = catalog.add_parser("rebuild-bundled", help="(publishers) rebuild content_cache/packs")
    rebuild.add_argument("--content-cache", default="content_cache")
    rebuild.add_argument("--key", default="content_cache/keys/demo-publisher.key")
    rebuild.set_defaults(func=cmd_catalog_rebuild_bundled)

    teacher = commands.add_parser("teacher", help="teacher tools").add_subparsers(
        dest="sub", required=True
    )
    codes = teacher.add_parser(
        "codes",
        help="list a station's next unlock codes",
        description="List a station's next unlock codes.",
    )
    add_teacher_code_options(codes)
    codes.set_defaults(func=cmd_teacher_codes)
    sheet = teacher.add_parser(
        "code-sheet",
        help="write a printable PDF of unlock codes",
        description="Write a printable PDF of unlock codes.",
    )
    add_teacher_code_options(sheet)
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
    add_teacher_sign_in_options(extra)
    extra.set_defaults(func=cmd_teacher_accommodate)

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

    sync = commands.add_parser(
        "sync",
        help="sync with the school server (--once), or by USB stick (export, import-receipts)",
    )
    sync.add_argument("--once", action="store_true", help="one round: push, pull, content")
    sync.add_argument("--server", help="server URL (default: server_url in the settings)")
    sync.set_defaults(func=cmd_sync)
    from mcdesk.sneakernet_cli import add_sync_commands

    add_sync_commands(sync)

    from mcdesk.admin_cli import add_commands  # admin and station: kept out of this file

    add_commands(commands)
    from mcdesk.badge_cli import add_badge_commands

    add_badge_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from mcdesk.settings import SettingsError
    from mcdesk.store.health import NewerDatabaseError

    try:
        return int(args.func(args))
    except CommandRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except (SettingsError, NewerDatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except OSError as exc:  # a path given that cannot be read or written: say which and why
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_REFUSED
