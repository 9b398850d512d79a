"""What every audience's commands share: the refusal, number options, passwords, the store."""

from __future__ import annotations

import argparse
import getpass
import math
import sys
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mcdesk.errors import McdeskError

if TYPE_CHECKING:
    from mcdesk.keys import PublisherKey
    from mcdesk.paths import Paths

Handler = Callable[[argparse.Namespace], int]
# argparse's _SubParsersAction is private; the handlers only call add_parser on it.
Commands = Any


class CommandRefused(McdeskError):
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


def now() -> datetime:
    return datetime.now(UTC)


def prepare_store(*, joining: bool = False) -> Paths:
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
    store = open_store(paths, now=now())
    if store.damaged is not None:
        print(f"warning: {store.damaged.message()}", file=sys.stderr)
    with opened(paths.database) as connection:
        needs = setup_needs(connection, settings=settings)
    if joining:
        needs = SetupNeeds(station=needs.station, demo=False, bundled=())
    if needs.station or needs.demo or needs.exam_keys:
        # The command line imports packs on its own; bundled ones come with the app.
        only = SetupNeeds(needs.station, needs.demo, (), exam_keys=needs.exam_keys)
        run_setup(paths, settings, only, now=now())
    return paths


def import_bundled_if_needed(paths: Paths) -> None:
    """Import the bundled packs the catalog lacks (the app does this at start-up)."""
    from mcdesk.settings import load_settings
    from mcdesk.startup import SetupNeeds, run_setup, setup_needs
    from mcdesk.store.connection import opened

    settings = load_settings(paths.settings_file)
    with opened(paths.database) as connection:
        needs = setup_needs(connection, settings=settings)
    if needs.bundled:
        report = run_setup(paths, settings, SetupNeeds(False, False, needs.bundled), now=now())
        for line in report.refused:
            print(f"warning: bundled pack refused: {line}", file=sys.stderr)


def trusted_publishers() -> dict[str, PublisherKey]:
    """The bundled publishers and the ones trusted on this station."""
    from mcdesk.keys import load_trusted_publishers
    from mcdesk.paths import bundled_publishers_dir, resolve_paths

    folders = (bundled_publishers_dir(), resolve_paths().trusted_publishers_dir)
    return load_trusted_publishers(*folders)


def line_from_stdin(*, missing: str) -> str:
    line = sys.stdin.readline()
    if not line:  # end of input, not even an empty line: nobody is there to answer
        raise CommandRefused(missing)
    return line.rstrip("\r\n")


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


def arrived(items: dict[str, int]) -> str:
    """``stream count, …`` of what a sync or a provisioning file brought."""
    return ", ".join(f"{stream} {count}" for stream, count in items.items()) or "nothing"


def refused(message: object) -> int:
    """Say ``error: message`` on stderr; the exit code of a refusal."""
    from mcdesk.errors import EXIT_REFUSED

    print(f"error: {message}", file=sys.stderr)
    return EXIT_REFUSED
