"""The server's teacher page over real HTTP: sign in, see each station's next codes, throttled."""

from __future__ import annotations

import re
from pathlib import Path

import requests
from sqlmodel import Session

from mcdesk.exam.codes import code_for
from mcdesk.server.models import StationIssuer
from tests.server.conftest import RunningServer
from tests.server.pulling import TEACHER_PASSWORD, TEACHER_USER, enrolled_station, set_up_school


def post(server: RunningServer, username: str, password: str) -> requests.Response:
    return requests.post(
        server.url("/teacher"), data={"username": username, "password": password}, timeout=30
    )


def test_a_teacher_sees_the_next_codes_of_the_school_stations(
    server: RunningServer, tmp_path: Path
) -> None:
    school = set_up_school(server.engine)
    for folder in ("lab", "south"):
        (tmp_path / folder).mkdir()
    lab = enrolled_station(server, tmp_path / "lab", school_id=school.school_id)
    other = set_up_school(server.engine, name="Southside", username="okoro")
    enrolled_station(server, tmp_path / "south", school_id=other.school_id)

    form = requests.get(server.url("/teacher"), timeout=30)
    assert form.status_code == 200
    assert 'name="password"' in form.text
    assert form.headers["cache-control"] == "no-store"

    page = post(server, "  MLee ", TEACHER_PASSWORD)  # as typed: spaces, capitals
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    shown = re.findall(r"<td>#(\d+)</td><td class=\"code\">(\d{4}) (\d{4})</td>", page.text)
    with Session(server.engine) as session:
        issuer = session.get(StationIssuer, lab.station_id)
        assert issuer is not None
        expected = [
            (str(n), code_for(issuer.secret, station_id=lab.station_id, counter=n))
            for n in range(1, 11)
        ]
    assert [(n, a + b) for n, a, b in shown] == expected  # only this school's one station
    assert "Ms Lee, Northside" in page.text


def test_wrong_passwords_are_refused_then_throttled(server: RunningServer) -> None:
    set_up_school(server.engine)
    for _ in range(4):
        wrong = post(server, TEACHER_USER, "not it")
        assert wrong.status_code == 401
        assert "do not match" in wrong.text
    assert "do not match" in post(server, "nobody", "not it").text  # no hint the name exists
    assert post(server, TEACHER_USER, "not it").status_code == 401  # the fifth: now a wait
    waiting = post(server, TEACHER_USER, TEACHER_PASSWORD)  # even the right one, for now
    assert waiting.status_code == 429
    assert "try again in" in waiting.text
    assert "<td>#" not in waiting.text


def test_the_page_escapes_what_it_shows(server: RunningServer, tmp_path: Path) -> None:
    school = set_up_school(server.engine, name="<b>Bold</b> High")
    enrolled_station(server, tmp_path, school_id=school.school_id)
    page = post(server, TEACHER_USER, TEACHER_PASSWORD)
    assert "&lt;b&gt;Bold&lt;/b&gt; High" in page.text
    assert "<b>Bold</b>" not in page.text
