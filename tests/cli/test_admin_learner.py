"""`mcdesk admin learner …`: a learner's page without a browser, on SQLite and PostgreSQL.

Through the real command line: a new PIN (typed, from a file, or random and printed
once), a cleared lockout, an extra attempt and a waived review with their reasons, and
the learner's record. Every bad input exits 1 with what to do, and stores nothing: no
row, no change for stations.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from mcdesk.cli.main import main
from mcdesk.content.build import build_pack
from mcdesk.keys import PublisherKey
from mcdesk.passwords import verify_secret
from mcdesk.server.allowance_table import Allowance
from mcdesk.server.db import make_engine
from mcdesk.server.models import Change, Learner
from mcdesk.server.publish import publish_file
from tests.server.conftest import database_url, postgres_port  # noqa: F401  (fixtures)

PACK = "sample-pack"


@pytest.fixture
def db(
    database_url: str,  # noqa: F811
    tmp_path: Path,
    source: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    capsys: pytest.CaptureFixture[str],
) -> list[str]:
    """A school with a teacher and a class of two, another school, the sample pack published."""
    db = ["--db", database_url]
    password = tmp_path / "password.txt"
    password.write_text("chalk and cheese 42\n", encoding="utf-8")
    for school, username, name in (("Northside", "mlee", "Ms Lee"), ("Southside", "ok", "Ok")):
        assert main(["admin", "school", "add", school, *db]) == 0
        assert main(["admin", "teacher", "add", "--school", school, "--username", username,
                     "--name", name, "--password-file", str(password), *db]) == 0  # fmt: skip
    roster = tmp_path / "roster.csv"
    roster.write_text("class,learner,pin\nCNC,Ana,1234\nCNC,Ben,5678\n", encoding="utf-8")
    assert main(["admin", "roster", "import", "--school", "Northside", str(roster), *db]) == 0
    built = build_pack(source, tmp_path / "sample.mcpack", publisher_key=publisher_key)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            publish_file(session, path=built.output, pack_key_path=built.pack_key_file,
                         trusted=trusted, now=datetime.now(UTC))  # fmt: skip
    finally:
        engine.dispose()
    capsys.readouterr()
    return db


def stored(db: list[str]) -> tuple[str | None, list[Allowance], list[Change]]:
    """Ana's PIN hash, every allowance, and the changes stations would pull."""
    engine = make_engine(db[1])
    try:
        with Session(engine) as session:
            ana = session.exec(select(Learner).where(col(Learner.display_name) == "Ana")).one()
            allowances = list(session.exec(select(Allowance)).all())
            changes = list(
                session.exec(
                    select(Change)
                    .where(col(Change.stream).in_(["roster", "allowances"]))
                    .order_by(col(Change.id))
                ).all()
            )
            return ana.pin_hash, allowances, changes
    finally:
        engine.dispose()


ANA = ["--school", "Northside", "--class", "CNC", "--learner", "Ana"]


def test_a_new_pin_typed_from_a_file_or_random(
    db: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    pin = ["admin", "learner", "pin", *db]
    before = stored(db)
    bad_pin = tmp_path / "bad-pin.txt"
    bad_pin.write_text("12ab\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    refusals = (
        ([*ANA, "--pin-file", str(bad_pin)],
         "A PIN is 4 to 6 digits (0-9), not '12ab'; the PIN was not changed"),
        ([*ANA, "--pin-file", str(empty)], "has no PIN on its first line"),
        ([*ANA, "--pin-file", str(tmp_path / "none.txt")], "cannot read"),
        ([*ANA, "--random", "--pin-file", str(bad_pin)], "give --random or --pin-file FILE"),
        (["--school", "Northside", "--class", "CNC", "--learner", "Zed", "--random"],
         "no learner called 'Zed' in class 'CNC'; the PIN was not changed"),
        (["--school", "Nowhere", "--class", "CNC", "--learner", "Ana", "--random"],
         "no school called 'Nowhere'"),
    )  # fmt: skip
    for args, words in refusals:
        assert main([*pin, *args]) == 1, args
        err = capsys.readouterr().err
        assert words in err, (args, err)
        assert err.startswith(("error: ", "refused: ")), err
    typed = iter(["4321", "4312"])  # a terminal we lack: what the person types twice
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert main([*pin, *ANA]) == 1
    assert "the two PINs differ; the PIN was not changed" in capsys.readouterr().err
    assert stored(db) == before, "a refused PIN changes nothing"

    typed = iter(["908172", "908172"])
    assert main([*pin, *ANA]) == 0
    assert capsys.readouterr().out.startswith("PIN of Ana (CNC) changed; stations take it")
    hash_typed, _, changes = stored(db)
    assert hash_typed is not None
    assert verify_secret("908172", hash_typed)
    assert changes[-1].stream == "roster"
    assert json.loads(changes[-1].document or b"{}")["pin_hash"] == hash_typed

    good = tmp_path / "pin.txt"
    good.write_text("24680\n", encoding="utf-8")
    assert main([*pin, *ANA, "--pin-file", str(good)]) == 0
    assert capsys.readouterr().out.startswith("PIN of Ana (CNC) changed")
    from_file, _, _ = stored(db)
    assert from_file is not None
    assert verify_secret("24680", from_file)

    assert main([*pin, *ANA, "--random"]) == 0
    said = capsys.readouterr()
    new = said.out.strip()
    assert new.isdigit()
    assert len(new) == 4
    assert "shown only this once" in said.err
    random_hash, _, changes = stored(db)
    assert random_hash is not None
    assert verify_secret(new, random_hash)
    assert json.loads(changes[-1].document or b"{}")["pin_hash"] == random_hash


def test_a_cleared_lockout_an_extra_attempt_and_a_waived_review_with_reasons(
    db: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    allow = ["admin", "learner", "allow", *db, *ANA]
    unlock = ["admin", "learner", "unlock", *db, *ANA]
    by = ["--by", "mlee"]
    extra = ["--extra-attempt", "--pack", PACK]
    refusals = (
        ([*allow, *by, "--pack", PACK, "--reason", "x"], "give --extra-attempt"),
        ([*allow, *by, "--extra-attempt", "--reason", "x"], "give --pack PACK_ID"),
        ([*allow, *by, *extra], 'give --reason "...": why'),
        ([*allow, *by, *extra, "--reason", "   "], "Give a reason: it is kept"),
        ([*allow, *by, *extra, "--reason", "x" * 301], "Keep the reason to 300 characters"),
        ([*allow, *extra, "--reason", "Fire drill"], "give --by USERNAME"),
        ([*allow, "--by", "ok", *extra, "--reason", "Fire drill"],
         "no teacher with the username 'ok' in this school"),  # another school's teacher
        ([*allow, *by, "--waive-review", "--pack", "no-such-pack", "--reason", "Fire drill"],
         "Choose a micro-credential published on this server: 'no-such-pack' is not one"),
        ([*allow, *by, "--waive-review", "--pack", "Bad Pack!", "--reason", "Fire drill"],
         "'Bad Pack!' is not a pack id"),
        ([*allow, *by, "--waive-review", "--pack", "*", "--reason", "Fire drill"],
         "Choose a micro-credential: the allowance is for one"),
        (["admin", "learner", "allow", *db, "--school", "Northside", "--class", "Welding",
          "--learner", "Ana", *by, *extra, "--reason", "Fire drill"],
         "no class called 'Welding' in this school"),
        ([*unlock], "give --by USERNAME"),
        ([*unlock, "--by", "nobody"], "no teacher with the username 'nobody'"),
    )  # fmt: skip
    before = stored(db)
    for argv, words in refusals:
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert words in err, (argv, err)
        assert err.startswith("error: "), err
        assert "nothing was changed" in err, err
    assert stored(db) == before, "a refused allowance is stored nowhere"
    assert before[1] == []

    assert main([*allow, *by, *extra, "--reason", "Fire drill <b>ended</b> it"]) == 0
    assert capsys.readouterr().out == (
        f"Ana (CNC): an extra attempt at {PACK} allowed (allowed by Ms Lee); stations apply "
        "it at their next sync\n"
    )
    assert main([*allow, *by, "--waive-review", "--pack", PACK, "--reason", "Reviewed"]) == 0
    assert main([*unlock, *by]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("Ana (CNC): sign-in lockout cleared")
    _, allowances, changes = stored(db)
    documents = [json.loads(c.document or b"{}") for c in changes if c.stream == "allowances"]
    assert [(d["kind"], d["pack_id"], d["reason"], d["granted_by"]) for d in documents] == [
        ("extra_attempt", PACK, "Fire drill <b>ended</b> it", "Ms Lee"),
        ("waive_review", PACK, "Reviewed", "Ms Lee"),
        ("clear_lockout", None, "", "Ms Lee"),
    ]
    assert len(allowances) == 3

    listing = ["admin", "learner", "allowances", *db]
    assert main([*listing, *ANA]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ", 1)[1] for line in lines] == [
        "Sign-in lockout cleared  by Ms Lee",
        f"Review before retake waived  {PACK}  by Ms Lee: Reviewed",
        f"Extra attempt  {PACK}  by Ms Lee: Fire drill <b>ended</b> it",
    ]
    assert main([*listing, "--school", "Northside", "--class", "CNC", "--learner", "Ben"]) == 0
    said = capsys.readouterr()
    assert (said.out, said.err) == ("", "Ben (CNC) has no allowances\n")
    assert main([*listing, "--school", "Northside", "--class", "CNC", "--learner", "Zed"]) == 1
    assert "no learner called 'Zed'" in capsys.readouterr().err
