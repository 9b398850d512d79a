"""A station and its learners: ``mcdesk station enroll|provision`` and ``mcdesk badge verify``.

Heavy imports stay inside the commands.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mcdesk.cli.common import Commands, arrived, prepare_store
from mcdesk.errors import EXIT_OK, EXIT_REFUSED

if TYPE_CHECKING:
    from mcdesk.sync.round import Progress, RoundContext, Step

# The server seals this station's first 40 code slots while it answers (about 6 s on one
# core at the production scrypt cost); a slow server must not look like a failure.
ENROL_TIMEOUT = 120.0
PACK_PROGRESS_SECONDS = 0.5  # at most one download line this often


class _Stages:
    """One progress line per stage on stderr, with the seconds since the command began.

    Stderr, so what a script reads from stdout (the outcome) stays the same.
    """

    def __init__(self) -> None:
        self._start = time.monotonic()
        self._content_said = -PACK_PROGRESS_SECONDS

    def say(self, text: str) -> None:
        print(f"[{time.monotonic() - self._start:5.1f} s] {text}", file=sys.stderr, flush=True)

    def announced(self, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        """``steps`` that each say their name before they run."""
        from mcdesk.sync.round import Step

        def announce(step: Step) -> Step:
            def run(context: RoundContext) -> object:
                self.say(f"first sync: {step.name}…")
                return step.run(context)

            return Step(step.name, run)

        return tuple(announce(step) for step in steps)

    def content(self, progress: Progress) -> None:
        """The packs' download: its first word, then at most a line every 0.5 s, then 100%."""
        if progress.stage != "content":
            return
        now = time.monotonic()
        whole = progress.done >= progress.total
        if not whole and now - self._content_said < PACK_PROGRESS_SECONDS:
            return
        self._content_said = now
        megabytes = f"{progress.done / 1e6:.1f} of {progress.total / 1e6:.1f} MB"
        self.say(f"packs: {megabytes}: {progress.detail}")


def _ready_after(pull: Step, stages: _Stages) -> Step:
    """The pull step, then what it brought (stdout); enrolment is shown done before packs."""
    from mcdesk.sync.pull import PullReport
    from mcdesk.sync.round import Step

    def run(context: RoundContext) -> object:
        report = pull.run(context)
        if isinstance(report, PullReport):
            print(f"pulled: {arrived(report.items)}", flush=True)
            offered = report.items.get("catalog", 0)
            if offered:
                stages.say(
                    f"enrolment done: roster, codes and keys are here; next, packs "
                    f"({offered} in the catalog)"
                )
        return report

    return Step(pull.name, run)


def cmd_station_enroll(args: argparse.Namespace) -> int:
    from mcdesk.keys import public_key_b64, read_private_key
    from mcdesk.station import this_station
    from mcdesk.sync.client import SyncError
    from mcdesk.sync.content import ContentReport
    from mcdesk.sync.enrol import enrol_station
    from mcdesk.sync.round import STEPS, run_round

    stages = _Stages()
    stages.say("preparing this station…")
    paths = prepare_store(joining=True)
    station = this_station(paths.database)
    key = read_private_key(paths.station_key)
    stages.say(f"asking {args.server} to enrol this station…")
    try:
        enrolment = enrol_station(
            database=paths.database,
            server_url=args.server,
            token=args.token,
            station_id=station.id,
            name=station.name,
            public_key_b64=public_key_b64(key.public_key()),
            timeout=ENROL_TIMEOUT,
        )
    except SyncError as exc:
        print(f"enrolment failed: {exc.reason}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"enrolled with {enrolment.school}; server key pinned")
    # One whole round now (push, pull, content), so the roster, codes, keys and packs are
    # here before the learners are. Enrolment is reported done once the pull has brought
    # what sign-in and codes need; the packs' download then shows its progress.
    steps = tuple(_ready_after(step, stages) if step.name == "pull" else step for step in STEPS)
    try:
        round_report = run_round(
            database=paths.database,
            station_key_path=paths.station_key,
            server_url=args.server,
            steps=stages.announced(steps),
            progress=stages.content,
        )
    except SyncError as exc:
        print(
            f"the first sync did not finish: {exc.reason}; `mcdesk sync --once` (or the app) "
            "tries again",
            file=sys.stderr,
        )
        return EXIT_OK
    content = round_report.results.get("content")
    if isinstance(content, ContentReport):
        if content.installed:
            packs = ", ".join(f"{pack} {version}" for pack, version in content.installed)
            print(f"packs installed: {packs}")
        for pack, reason in content.refused:
            print(f"pack not installed: {pack}: {reason}", file=sys.stderr)
    stages.say("done")
    return EXIT_OK


def cmd_station_provision(args: argparse.Namespace) -> int:
    from mcdesk.keys import KeyFileError, load_trusted_publishers
    from mcdesk.paths import bundled_publishers_dir
    from mcdesk.sync.provision import ProvisionRefused, import_provision, read_provision_file

    path = Path(args.file)
    try:
        provision = read_provision_file(path)
    except ProvisionRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    paths = prepare_store(joining=True)
    try:
        trusted = load_trusted_publishers(bundled_publishers_dir(), paths.trusted_publishers_dir)
        report = import_provision(
            database=paths.database,
            key_path=paths.station_key,
            file=provision,
            trusted=trusted,
            now=datetime.now(UTC),
        )
    except (ProvisionRefused, KeyFileError) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    if provision.update:
        print(f"station {report.station_name!r} updated from the server's file")
    else:
        print(
            f"this station is now {report.station_name!r} of {report.school} "
            f"(id {report.station_id}); server key pinned"
        )
    print(f"applied: {arrived(report.items)}")
    if report.installed:
        print(f"packs installed: {', '.join(report.installed)}")
    for reason in report.refused:
        print(f"pack not installed: {reason}", file=sys.stderr)
    if not provision.update:
        print(f"Delete {path} now: it holds this station's private key.", file=sys.stderr)
    return EXIT_OK


# A baked PNG is tens of KB; reading past 16 MiB would only feed an attack.
MAX_FILE_BYTES = 16 * 1024 * 1024


def cmd_badge_verify(args: argparse.Namespace) -> int:
    from mcdesk.badges.fetch import fetch_status_list, offline
    from mcdesk.badges.verdict import Outcome
    from mcdesk.badges.verify import verify_badge

    path = Path(args.file)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_REFUSED
    verdict = verify_badge(
        data,
        now=datetime.now(UTC),
        identity=args.identity,
        fetch_status=offline if args.offline else fetch_status_list,
        trusted_issuers=frozenset(args.issuer) if args.issuer else None,
    )
    for line in verdict.lines():
        print(line)
    return EXIT_OK if verdict.outcome is Outcome.VERIFIED else EXIT_REFUSED


def add_commands(commands: Commands) -> None:
    """Add ``station`` (enroll, provision) and ``badge`` (verify) to the ``mcdesk`` parser."""
    station = commands.add_parser("station", help="this station").add_subparsers(
        dest="sub", required=True
    )
    enroll = station.add_parser("enroll", help="join a server with a one-time token")
    enroll.add_argument("--server", required=True, help="server URL")
    enroll.add_argument("--token", required=True)
    enroll.set_defaults(func=cmd_station_enroll)
    provision = station.add_parser(
        "provision", help="set this station up from a provisioning file (no network)"
    )
    provision.add_argument("file", help="the file from `mcdesk admin provision`")
    provision.set_defaults(func=cmd_station_provision)
    badge = commands.add_parser("badge", help="Open Badges: verify a badge file").add_subparsers(
        dest="sub", required=True
    )
    verify = badge.add_parser(
        "verify",
        help="check a baked PNG or SVG, a credential JSON or a JWT; exit 0 only if verified",
    )
    verify.add_argument("file", help="the badge file")
    verify.add_argument("--identity", help="the e-mail or learner id it should belong to")
    verify.add_argument(
        "--issuer",
        action="append",
        metavar="DID",
        help="the school's did:key as it publishes it; repeat for several (any other fails)",
    )
    verify.add_argument(
        "--offline", action="store_true", help="do not fetch the revocation list (says so)"
    )
    verify.set_defaults(func=cmd_badge_verify)
