"""The Codes page over real HTTP: a signed-in teacher sees each station's next codes."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import Session

from mcdesk.protocol.codes import code_for
from mcdesk.server.models import StationIssuer
from tests.server.conftest import RunningServer
from tests.server.pulling import TEACHER_PASSWORD, enrolled_station, set_up_school
from tests.server.web.http import WebClient


def test_a_teacher_sees_the_next_codes_of_the_school_stations(
    server: RunningServer, tmp_path: Path
) -> None:
    school = set_up_school(server.engine)
    for folder in ("lab", "south"):
        (tmp_path / folder).mkdir()
    lab = enrolled_station(server, tmp_path / "lab", school_id=school.school_id)
    other = set_up_school(server.engine, name="Southside", username="okoro")
    enrolled_station(server, tmp_path / "south", school_id=other.school_id)

    client = WebClient(server.base_url)
    form = client.get("/teacher")
    assert form.status_code == 200
    assert 'name="password"' in form.text
    assert form.headers["cache-control"] == "no-store"

    signed_in = client.sign_in("  MLee ", TEACHER_PASSWORD)  # as typed: spaces, capitals
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/teacher/board")
    page = client.get("/teacher/codes")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
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


def test_the_old_address_still_opens_the_sign_in(server: RunningServer) -> None:
    """Stations' teacher consoles send teachers to <server>/teacher."""
    page = WebClient(server.base_url).get("/teacher")
    assert page.status_code == 200
    assert "<h1>Sign in</h1>" in page.text
