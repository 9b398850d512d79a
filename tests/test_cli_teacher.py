"""`mcdesk teacher codes`: a teacher lists a station's next unlock codes (real store and crypto)."""

from __future__ import annotations

import io
import re
import sqlite3
import subprocess
import sys

import pytest

from mcdesk.__main__ import CLI_COMMANDS, main
from mcdesk.cli.common import prepare_store as _prepare_store
from mcdesk.demo import DEMO_TEACHER_PASSWORD
from mcdesk.exam.unlock import UnlockDesk
from mcdesk.paths import Paths
from tests.conftest import NOW

LINE = re.compile(r"#(\d+)  (\d{4} \d{4})")
DEMO = ("--station", "Demo station", "--user", "teacher", "--password-stdin")


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
    stdin: str = f"{DEMO_TEACHER_PASSWORD}\n",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["teacher", "codes", *args])
    out, err = capsys.readouterr()
    return code, out, err


def codes(out: str) -> list[tuple[int, str]]:
    lines = out.splitlines()
    assert all(LINE.fullmatch(line) for line in lines), out
    return [(int(m[1]), m[2]) for m in map(LINE.fullmatch, lines) if m]


def test_teacher_is_a_command_line_command() -> None:
    assert "teacher" in CLI_COMMANDS


def test_the_demo_teacher_lists_the_next_ten_codes_and_they_open_the_station(
    home: Paths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(capsys, monkeypatch, *DEMO)
    assert code == 0, err
    listed = codes(out)
    assert [counter for counter, _ in listed] == list(range(1, 11))
    assert "single use" in err

    desk = UnlockDesk(home.database)
    assert desk.try_code(listed[0][1], action="start", now=NOW).ok
    # The list now starts at the code the station asks for next.
    _, out, _ = run(capsys, monkeypatch, *DEMO, "--count", "2")
    assert codes(out) == listed[1:3]
    assert desk.try_code(listed[1][1], action="resume", now=NOW).ok


def test_a_range_by_station_id(
    home: Paths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, first, _ = run(capsys, monkeypatch, *DEMO, "--count", "40")
    with sqlite3.connect(home.database) as connection:
        (station_id,) = connection.execute("SELECT id FROM station").fetchone()
    code, out, _ = run(
        capsys,
        monkeypatch,
        "--station",
        station_id,
        "--user",
        "teacher",
        "--password-stdin",
        "--from",
        "38",
        "--count",
        "5",
    )
    assert code == 0
    listed = codes(out)
    assert [counter for counter, _ in listed] == [38, 39, 40, 41, 42]
    assert listed[:3] == codes(first)[37:40]


def test_the_user_name_is_asked_for_and_the_password_read_without_echo(
    home: Paths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []

    def getpass(prompt: str = "") -> str:  # a terminal we cannot run in a test
        prompts.append(prompt)
        return DEMO_TEACHER_PASSWORD

    monkeypatch.setattr("getpass.getpass", getpass)
    code, out, err = run(
        capsys, monkeypatch, "--station", "Demo station", "--count", "1", stdin="teacher\n"
    )
    assert code == 0, err
    assert len(codes(out)) == 1
    assert "Teacher user name: " in err
    assert prompts == ["Password: "]


def test_a_wrong_password_gets_no_codes_and_counts_towards_a_wait(
    home: Paths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for left in (4, 3, 2, 1):
        code, out, err = run(capsys, monkeypatch, *DEMO, stdin="guess\n")
        assert (code, out) == (1, "")
        assert f"{left} more" in err
    _, _, err = run(capsys, monkeypatch, *DEMO, stdin="guess\n")
    assert "Wait 30 s" in err
    code, out, err = run(capsys, monkeypatch, *DEMO)  # even the right one waits now
    assert (code, out) == (1, "")
    assert "Too many wrong tries" in err


def test_unknown_teacher_station_or_range_is_refused(
    home: Paths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(
        capsys, monkeypatch, "--station", "x", "--user", "nobody", "--password-stdin"
    )
    assert (code, out) == (1, "")
    assert "No teacher with that user name" in err

    code, out, err = run(capsys, monkeypatch, "--station", "the-gym", *DEMO[2:])
    assert (code, out) == (1, "")
    assert "no code issuer for station 'the-gym'" in err
    assert "your stations: " in err

    code, _, err = run(capsys, monkeypatch, *DEMO, "--count", "0")
    assert code == 1
    assert "--count between 1 and 1000" in err


def test_a_teacher_gives_a_learner_extra_time_for_the_next_attempt(
    home: Paths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, monkeypatch, *DEMO)  # sets the station up
    auth = ("--user", "teacher", "--password-stdin")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{DEMO_TEACHER_PASSWORD}\n"))
    code = main(["teacher", "accommodate", "--learner", "grace kim", "--multiplier", "1.5", *auth])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Grace Kim: 1.5× time" in out
    with sqlite3.connect(home.database) as connection:
        assert connection.execute("SELECT time_multiplier FROM accommodation").fetchall() == [
            (1.5,)
        ]
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{DEMO_TEACHER_PASSWORD}\n"))
    assert main(["teacher", "accommodate", "--learner", "Grace Kim", "--multiplier", "0.5", *auth])
    assert "between 1 and 4" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert main(["teacher", "accommodate", "--learner", "Grace Kim", "--multiplier", "2", *auth])
    assert "not right" in capsys.readouterr().err


TEACHER_COMMANDS = (
    ("codes", "--station", "Demo station"),
    ("code-sheet", "--station", "Demo station", "-o", "sheet.pdf"),
    ("accommodate", "--learner", "Grace Kim", "--multiplier", "1.5"),
)


def mcdesk(home: Paths, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """``mcdesk`` in a process of its own with no terminal, as a script or a cron job runs it."""
    return subprocess.run(
        [sys.executable, "-m", "mcdesk", *args],
        input=stdin.decode() if stdin is not None else None,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        cwd=home.ensure().data_dir,  # MCDESK_HOME is in the environment (the home fixture)
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", TEACHER_COMMANDS, ids=[c[0] for c in TEACHER_COMMANDS])
def test_with_no_terminal_and_no_password_a_teacher_command_says_how_in_one_line(
    home: Paths, command: tuple[str, ...]
) -> None:
    _prepare_store()  # here, where first-run scrypt is cheap (the fast_scrypt fixture)
    for sign_in in ((), ("--user", "teacher")):
        done = mcdesk(home, "teacher", *command, *sign_in)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert "Error" not in done.stderr  # no EOFError, no GetPassWarning
        reason = done.stderr.strip().splitlines()
        assert len(reason) == 1, done.stderr
        assert "--user NAME" in reason[0]
    assert "--password-stdin" in reason[0]


@pytest.mark.parametrize("command", TEACHER_COMMANDS, ids=[c[0] for c in TEACHER_COMMANDS])
def test_the_help_says_how_a_teacher_signs_in(home: Paths, command: tuple[str, ...]) -> None:
    done = mcdesk(home, "teacher", command[0], "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "--user NAME" in text
    assert "--password-stdin" in text
    assert "read from standard input" in text


def test_without_a_station_the_codes_are_this_stations(
    home: Paths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A teacher at a standalone station should not need its id to get its codes.
    code, out, err = run(capsys, monkeypatch, *DEMO[2:], "--count", "3")
    assert code == 0, err
    assert "Codes for Demo station" in err
    listed = codes(out)
    assert [counter for counter, _ in listed] == [1, 2, 3]
    assert UnlockDesk(home.database).try_code(listed[0][1], action="start", now=NOW).ok
