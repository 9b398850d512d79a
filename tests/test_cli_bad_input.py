"""Every `mcdesk` command, fed missing, wrong and garbage arguments and files, answers
with a reason in words and exit code 1 or 2: never a traceback.

The commands come from walking the argument parser, so a new command is covered the day
it is added. The cases run in four driver processes with no standard input (the way a
script or a scheduled job runs mcdesk), one after another in each, every case in its own
copy of a prepared station and server (tests/cli_driver.py): one process per case would
spend minutes starting Python. Each command alone also runs in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from mcdesk.cli.main import build_parser
from mcdesk.cli.main import main as cli_main
from mcdesk.paths import Paths
from tests.zipedit import entries, rewrite

# Arguments that name a file or folder to read, one to write, or an address.
READS = {"file", "public_file", "source", "key", "pack_key", "password_file", "publishers"}
READS |= {"content_cache", "pin_file"}
WRITES = {"output", "pins_out"}
ADDRESSES = {"server", "server_url", "db", "host"}
# What a plausible value looks like, for the arguments a case is not about.
FILLERS = {
    "station": "Demo station",
    "school": "North",
    "class_name": "CNC",
    "learner": "Ana",
    "teacher": "mlee",
    "username": "mlee",
    "name": "Ms Lee",
    "pack": "sample-pack",
    "token": "not-a-token",
    "multiplier": "1.5",
    "station_name": "Lab 1",
    "grant_id": "g-1",
    "station_id": "s-1",
    "query": "tape",
    "server": "http://127.0.0.1:9",
    "server_url": "http://127.0.0.1:9",
    "host": "127.0.0.1",
}
BAD_NUMBERS = ("nan", "-1", "1e309", "1" * 5000)
BAD_TEXT = ("", "\u202e../../etc/passwd", "x" * 10_000)
BAD_ADDRESSES = ("not a url", "http://[::1", "sqlite:////proc/no/such.db")
TRACEBACK = re.compile(r"Traceback|^\s*File \"|^\w+(Error|Exception|Warning): ", re.MULTILINE)
# How a refusal's first line starts: the house's words, then what is wrong.
REASON = re.compile(
    r"(Teacher user name: )?(error|refused|invalid|enrolment failed|sync failed|line \d+): \S"
)
BADGE_VERDICT = re.compile(r"result: (INVALID|REVOKED|EXPIRED|NOT CONFIRMED) — \S")
PROGRESS = re.compile(r"\[\s*[\d.]+ s\] ")
VERIFIERS = {("pack", "verify"), ("badge", "verify"), ("pack", "lint")}
LINT_FINDING = re.compile(r"\S+:\d+: error \[[\w-]+\] \S")  # file:line: error [rule] words
WORKERS = 4  # driver processes, each running a quarter of the cases in turn
GROUP_TIMEOUT = 600


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]
    parser: argparse.ArgumentParser

    @property
    def arguments(self) -> list[argparse.Action]:
        return [
            action
            for action in self.parser._actions
            if action.dest not in {"help", "func"}
            and not isinstance(action, argparse._SubParsersAction)
            and action.nargs != 0  # flags take no value
        ]


def walk(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[Command]:
    """Every command of the tree: each parser that has a handler, nested ones too."""
    if parser.get_default("func") is not None:
        yield Command(words, parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from walk(child, (*words, name))


@dataclass(frozen=True)
class Case:
    words: tuple[str, ...]
    argv: tuple[str, ...]
    # Exit 0 is right too when the input may well be valid: the command alone (for one that
    # needs nothing more), or odd text (an empty or foreign name is a name, not a crash).
    may_succeed: bool = False

    @property
    def name(self) -> str:
        shown = " ".join(a if len(a) < 40 else f"<{len(a)} chars>" for a in self.argv)
        return f"mcdesk {shown}"


class Files:
    """Bad files and folders, made once and shared by the cases (they only read them)."""

    def __init__(self, root: Path, pack: Path, *, good: dict[str, Path]) -> None:
        root.mkdir()
        self.root = root
        # Good files for the arguments a case is not about, so a case reaches its own.
        self.good = good
        self.reads: list[Path] = [root / "missing.json", root / "a-folder"]
        (root / "a-folder").mkdir()
        contents = {
            "empty.json": b"",
            "garbage.bin": bytes(range(256)) * 8,
            "deep.json": b'{"kind": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
            "digits.json": b'{"kind": "mcdesk-publisher", "format": ' + b"1" * 5000 + b"}",
            "not-utf8.csv": b"class,learner\n\xff\xfe,\x80\n",
        }
        for name, data in contents.items():
            (root / name).write_bytes(data)
            self.reads.append(root / name)
        manifest = entries(pack)["pack.json"]
        for name, value in (("deep", b"[" * 10_000 + b"]" * 10_000), ("digits", b"1" * 5000)):
            hostile = b'{"hostile":' + value + b"," + manifest[1:]
            path = root / f"{name}-manifest.mcpack"
            self.reads.append(rewrite(pack, path, replace={"pack.json": hostile}))
        data = bytearray(pack.read_bytes())
        for where in (len(data) // 2, len(data) - 30):
            flipped = bytearray(data)
            flipped[where] ^= 0x01
            path = root / f"flipped-at-{where}.mcpack"
            path.write_bytes(bytes(flipped))
            self.reads.append(path)
        self.writes = [root / "a-folder", Path("/proc/no/such/folder/out")]


def bad_values(action: argparse.Action, files: Files) -> list[str]:
    if action.type in (int, float):
        return list(BAD_NUMBERS)
    if action.dest in READS:
        return [str(path) for path in files.reads]
    if action.dest in WRITES:
        return [str(path) for path in files.writes]
    if action.dest in ADDRESSES:
        return list(BAD_ADDRESSES)
    return list(BAD_TEXT)


def filler(action: argparse.Action, files: Files, busy_port: int) -> str:
    if action.dest == "port":
        return str(busy_port)  # `mcdesk server` must fail to bind, never serve
    if action.dest in FILLERS:
        return FILLERS[action.dest]
    if action.type in (int, float):
        return "1"
    if action.dest in READS:
        return str(files.good.get(action.dest, files.reads[2]))
    if action.dest in WRITES:
        return "written/out"  # in the case's own folder (the driver runs each case there)
    return "x"


def with_value(action: argparse.Action, value: str) -> list[str]:
    if not action.option_strings:
        return [value]
    # `--opt=value` keeps a value that starts with '-' from reading as an option.
    return [f"{action.option_strings[-1]}={value}"]


def cases(files: Files, busy_port: int) -> list[Case]:
    found: list[Case] = []
    for command in walk(build_parser()):
        arguments = command.arguments
        if command.words != ("server",):  # alone, `mcdesk server` serves: valid, never ends
            found.append(Case(command.words, command.words, may_succeed=True))
        for bad in arguments:
            for value in bad_values(bad, files):
                argv = list(command.words)
                for action in arguments:
                    if action is bad:
                        argv += with_value(action, value)
                    elif action.required or action.dest == "port" or not action.option_strings:
                        argv += with_value(action, filler(action, files, busy_port))
                # A password file holds any text, so what it holds may be a fine password;
                # a pack key file that is not there yet is made (pack build --pack-key).
                text = value in BAD_TEXT or (bad.dest == "password_file" and Path(value).is_file())
                text |= bad.dest == "pack_key" and not Path(value).exists()
                found.append(Case(command.words, tuple(argv), may_succeed=text))
    return found


def prepared_home(home: Paths, publisher_key: Path, source: Path, tmp_path: Path) -> Path:
    """A station that ran once (the demo class, codes, bundled catalog) and a server with a
    school: set up here, where the fast_scrypt fixture makes first-run sealing cheap."""
    pack = tmp_path / "sample.mcpack"
    assert (
        cli_main(["pack", "build", str(source), "-o", str(pack), "--key", str(publisher_key)]) == 0
    )
    assert cli_main(["keys", "trust", str(publisher_key.with_suffix(".pub.json"))]) == 0
    assert cli_main(["catalog", "list"]) == 0
    assert cli_main(["admin", "school", "add", "North"]) == 0
    return pack


def verdict(case: Case, code: object, out: str, err: str) -> str | None:
    """What is wrong with how a case ended, or None."""
    said = err + (out if case.words in VERIFIERS else "")  # a verifier's verdict is output
    if TRACEBACK.search(err):
        return f"a traceback (exit {code}):\n{err[-1500:]}"
    if code == 0 and case.may_succeed:
        return None
    if code not in (1, 2):
        return f"exit {code}; stderr: {err[-500:]!r}"
    # Progress lines ("[  0.4 s] enrolling…") come before a refusal; the reason follows them.
    reason = [line for line in said.splitlines() if line.strip() and not PROGRESS.match(line)]
    if case.words == ("badge", "verify") and code == 1 and not err:
        # The badge verifier lists each check, then its verdict in words on a "result:" line.
        reason = [line for line in reason if line.startswith("result: ")]
        if not reason or not BADGE_VERDICT.match(reason[0]):
            return f"no verdict in words: {out[-300:]!r}"
        return None
    if not reason:
        return f"exit {code} with no reason given"
    if code == 1 and not (REASON.match(reason[0]) or LINT_FINDING.match(reason[0])):
        return f"the first line is not a reason in words: {reason[0][:300]!r}"
    if code == 2 and not re.match(r"(mcdesk|usage)", reason[0]):
        return f"exit 2 without a usage line: {said[-300:]!r}"
    return None


def run_group(
    group: list[tuple[int, Case]], *, template: Path, scratch: Path, env: dict[str, str]
) -> dict[int, str | None]:
    """Run a group of cases in one driver process; what went wrong with each."""
    scratch.mkdir()
    spec, results = scratch / "spec.json", scratch / "results.jsonl"
    cases_in = [(number, list(case.argv)) for number, case in group]
    spec.write_text(
        json.dumps({"template": str(template), "scratch": str(scratch), "cases": cases_in}),
        encoding="utf-8",
    )
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tests.cli_driver", str(spec), str(results)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            timeout=GROUP_TIMEOUT,
            check=False,
        )
        trouble = None if done.returncode == 0 else f"the driver died: {done.stderr[-1500:]}"
    except subprocess.TimeoutExpired:
        trouble = f"did not finish within {GROUP_TIMEOUT} s"
    lines = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    ended = {line["case"]: line for line in lines if "code" in line}
    by_number = dict(group)
    return {
        number: (
            verdict(
                by_number[number], ended[number]["code"], ended[number]["out"], ended[number]["err"]
            )
            if number in ended
            else (trouble or "never ran")
        )
        for number, _ in group
    }


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port something already listens on."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_no_command_prints_a_traceback_for_bad_input(
    home: Paths, publisher_key: Path, source: Path, tmp_path: Path, busy_port: int
) -> None:
    pack = prepared_home(home, publisher_key, source, tmp_path)
    password = tmp_path / "password.txt"
    password.write_text("a long enough password\n", encoding="utf-8")
    good = {
        "file": pack,
        "public_file": publisher_key.with_suffix(".pub.json"),
        "source": source,
        "key": publisher_key,
        "pack_key": pack.with_name("sample.packkey.json"),
        "publishers": publisher_key.parent,
        "password_file": password,
    }
    assert all(path.exists() for path in good.values())
    files = Files(tmp_path / "files", pack, good=good)
    template = Path(os.environ["MCDESK_HOME"])
    every = cases(files, busy_port)
    assert len({case.words for case in every}) >= 30  # the walk found the whole tree
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.pop("MCDESK_SERVER_DB", None)  # the server database is the one in each home
    numbered = list(enumerate(every))
    groups = [numbered[start::WORKERS] for start in range(WORKERS)]
    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes: dict[int, str | None] = {}
        for found in pool.map(
            lambda n: run_group(
                groups[n], template=template, scratch=tmp_path / f"group-{n}", env=env
            ),
            range(WORKERS),
        ):
            outcomes.update(found)
    failures = [f"{every[n].name}: {what}" for n, what in sorted(outcomes.items()) if what]
    assert not failures, f"{len(failures)} of {len(every)} cases:\n\n" + "\n\n".join(failures)


def test_each_command_alone_answers_in_words_in_a_fresh_process(
    home: Paths, publisher_key: Path, source: Path, tmp_path: Path
) -> None:
    """The same rule for the command alone, each in a new `python -m mcdesk` process:
    what one process of many cases cannot show (start-up, exit, warnings at shutdown)."""
    prepared_home(home, publisher_key, source, tmp_path)
    template = Path(os.environ["MCDESK_HOME"])
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path / "pycache")  # compile mcdesk once, not per case
    env.pop("MCDESK_SERVER_DB", None)
    alone = [Case(c.words, c.words, may_succeed=True) for c in walk(build_parser())]
    alone = [case for case in alone if case.words != ("server",)]  # alone, it serves

    def run_alone(numbered: tuple[int, Case]) -> str | None:
        number, case = numbered
        case_home = tmp_path / f"alone-{number}"
        shutil.copytree(template, case_home)
        try:
            done = subprocess.run(
                [sys.executable, "-m", "mcdesk", *case.argv],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                cwd=case_home,
                env={**env, "MCDESK_HOME": str(case_home)},
                timeout=GROUP_TIMEOUT,
                check=False,
            )
        finally:
            shutil.rmtree(case_home, ignore_errors=True)
        return verdict(case, done.returncode, done.stdout, done.stderr)

    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(run_alone, enumerate(alone)))
    failures = [f"{case.name}: {what}" for case, what in zip(alone, outcomes, strict=True) if what]
    assert not failures, "\n\n".join(failures)
