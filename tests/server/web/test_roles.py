"""Roles from the command line: a school administrator is made with `mcdesk admin teacher`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from mcdesk.cli.main import main
from mcdesk.server.models import Teacher
from tests.server.pulling import TEACHER_USER
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import set_up_trc_school
from tests.server.web.http import WebClient


def roles(trc: TrcServer) -> dict[str, str]:
    with Session(trc.server.engine) as session:
        return {t.username: t.role for t in session.exec(select(Teacher)).all()}


def test_admin_commands_make_and_unmake_school_administrators(
    trc: TrcServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_up_trc_school(trc.server.engine)
    db = ["--db", trc.server.engine.url.render_as_string(hide_password=False)]
    password = tmp_path / "password"
    password.write_text("chalk and cheese 42\n", encoding="utf-8")
    new = ["--school", "Northside", "--name", "Ms Grey", "--password-file", str(password)]
    assert (
        main(["admin", "teacher", "add", "--username", "grey", "--role", "admin", *new, *db]) == 0
    )
    assert "added admin grey (Ms Grey) to Northside" in capsys.readouterr().out
    assert roles(trc)["grey"] == "admin"

    client = WebClient(trc.base_url)
    client.sign_in()
    assert client.get("/teacher/classes").text.count("Teacher: ") == 0  # a teacher's view
    assert (
        main(["admin", "teacher", "role", "--username", TEACHER_USER, "--role", "admin", *db]) == 0
    )
    assert "their open web sessions ended" in capsys.readouterr().out
    # The session from before the change is over: the new reach needs a new sign-in.
    assert client.get("/teacher/classes").headers["location"] == "/teacher"
    client.sign_in()
    assert "Classes of the school" in client.get("/teacher/classes").text

    assert main(["admin", "teacher", "role", "--username", "nobody", "--role", "admin", *db]) == 1
    assert "no teacher with the username 'nobody'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["admin", "teacher", "role", "--username", TEACHER_USER, "--role", "owner", *db])
    assert "invalid choice: 'owner'" in capsys.readouterr().err
    assert roles(trc)[TEACHER_USER] == "admin"
