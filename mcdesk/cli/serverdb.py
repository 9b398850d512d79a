"""The server database as the operator's commands open it: --db, checked, migrated."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from mcdesk.cli.common import CommandRefused, Handler, ask_password

if TYPE_CHECKING:
    from sqlmodel import Session

NOT_A_DATABASE_URL = (
    "the server database address (--db or MCDESK_SERVER_DB) is not a database URL; give "
    "one like sqlite:///path/server.sqlite3 or postgresql+psycopg://user@host/mcdesk"
)


def checked_database_url(url: str) -> str:
    """``url`` if it names a database SQLAlchemy can drive; CommandRefused in words if not."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

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

    try:
        yield
    except OperationalError as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        raise CommandRefused(f"cannot open the server database {shown}: {exc.orig}") from None


@contextmanager
def server_session(url: str | None) -> Iterator[Session]:
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


def with_db(parser: argparse.ArgumentParser, func: Handler) -> None:
    """``--db`` on a server command, and the handler that runs it."""
    parser.add_argument("--db", help="database URL (default: $MCDESK_SERVER_DB or SQLite)")
    parser.set_defaults(func=func)


def find_school_id(session: Session, name: str) -> str | None:
    """The id of the school called ``name``; None (said why) if there is none."""
    from mcdesk.server.schools import AdminError, find_school

    try:
        return find_school(session, name).id
    except AdminError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def new_password(args: argparse.Namespace, username: str) -> str | None:
    """From --password-file (its first line), else typed twice; None (said why) if not."""
    if args.password_file:
        try:
            lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            print(f"error: cannot read {args.password_file}: {exc}", file=sys.stderr)
            return None
        return lines[0] if lines else ""
    no_terminal = "no terminal to type the password in: give --password-file FILE"
    first = ask_password(f"Password for {username}: ", no_terminal=no_terminal)
    if ask_password("The same password again: ", no_terminal=no_terminal) != first:
        print("error: the two passwords differ; nothing was changed", file=sys.stderr)
        return None
    return first
