"""Proctor commands that must not work: forged, edited, replayed, for another station,
for an attempt that ended, expired, or sent by a teacher the station's learner is not theirs.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, col, select

from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.commands import command_document
from mcdesk.protocol.files import signed_document
from mcdesk.protocol.live import COMMAND_KIND
from mcdesk.server.live.models import ProctorCommand
from mcdesk.server.models import Teacher
from mcdesk.server.signer import load_signer
from tests.server.pulling import TEACHER_USER
from tests.server.web.harness import OTHER_USER
from tests.server.web.http import WebClient
from tests.server.web.livelab import (
    LiveStation,
    sit_down,
)


def waiting_for_resume(station: LiveStation) -> str:
    sit_down(station)
    attempt_id = station.crash()
    station.activity = replace(station.activity, attempt_id=attempt_id, waiting="resume")
    station.report()
    return attempt_id


def board_client(station: LiveStation, username: str = TEACHER_USER) -> WebClient:
    client = WebClient(station.trc.base_url)
    assert client.sign_in(username).status_code == 303
    return client


def send(
    client: WebClient, station: LiveStation, attempt_id: str, action: str, **extra: str
) -> int:
    fields = {"station_id": station.station_id, "attempt_id": attempt_id, "action": action}
    answer = client.post(
        "/teacher/board/command", fields | extra, token=client.token("/teacher/board")
    )
    return answer.status_code


def plant(
    station: LiveStation,
    *,
    attempt_id: str,
    key: Ed25519PrivateKey | None = None,
    for_station: str | None = None,
    expires_in: timedelta = timedelta(minutes=2),
    edit: bool = False,
) -> str:
    """A command row on the server made outside the board (as an attacker with the database
    but not the server key might): signed by ``key`` or the real key, for any station."""
    engine = station.trc.server.engine
    now = datetime.now(UTC)
    command_id = str(uuid.uuid4())
    document = command_document(
        command_id=command_id, station_id=for_station or station.station_id,
        attempt_id=attempt_id, action="unlock", minutes=0, counter=2, code=station.code(2),
        issued_at=now, expires_at=now + expires_in,
    )  # fmt: skip
    with Session(engine) as session:
        signer = load_signer(session)
        assert signer is not None
        envelope = signed_document(
            COMMAND_KIND, canonical_json(document), key or signer.private_key
        )
        if edit:  # the body changed on the way, the signature kept
            edited = json.loads(base64.b64decode(envelope["body"]))
            edited["action"] = "end"
            envelope["body"] = base64.b64encode(canonical_json(edited)).decode()
        teacher = session.exec(select(Teacher).where(col(Teacher.username) == TEACHER_USER)).one()
        session.add(
            ProctorCommand(
                id=command_id, station_id=station.station_id, attempt_id=attempt_id,
                action="unlock", counter=2, envelope=json.dumps(envelope), issued_by=teacher.id,
                created_at=now, expires_at=now + timedelta(minutes=2),
            )
        )  # fmt: skip
        session.commit()
    return command_id


def still_waiting(station: LiveStation, attempt_id: str) -> None:
    assert station.desk.engine_attempt() in (None, attempt_id)
    with Session(station.trc.server.engine):
        pass
    (interrupted,) = station.desk.interrupted()
    assert interrupted.attempt_id == attempt_id  # not resumed
    assert station.events("proctor_command") == []


def test_a_command_signed_by_another_key_is_refused_and_nothing_changes(
    station: LiveStation,
) -> None:
    attempt_id = waiting_for_resume(station)
    plant(station, attempt_id=attempt_id, key=Ed25519PrivateKey.generate())
    exchange = station.report()
    assert exchange.commands == []
    (refused,) = exchange.refused
    assert "not signed by the server this station trusts" in refused.reason
    still_waiting(station, attempt_id)


def test_a_command_edited_on_the_way_is_refused(station: LiveStation) -> None:
    attempt_id = waiting_for_resume(station)
    plant(station, attempt_id=attempt_id, edit=True)
    exchange = station.report()
    assert exchange.commands == []
    assert "not signed by the server" in exchange.refused[0].reason
    still_waiting(station, attempt_id)


def test_a_command_for_another_station_is_refused(station: LiveStation) -> None:
    attempt_id = waiting_for_resume(station)
    plant(station, attempt_id=attempt_id, for_station=str(uuid.uuid4()))
    exchange = station.report()
    assert exchange.commands == []
    assert "meant for another station" in exchange.refused[0].reason
    still_waiting(station, attempt_id)


def test_an_expired_command_is_refused(station: LiveStation) -> None:
    attempt_id = waiting_for_resume(station)
    plant(station, attempt_id=attempt_id, expires_in=timedelta(seconds=-1))
    exchange = station.report()
    assert exchange.commands == []
    assert "expired" in exchange.refused[0].reason
    still_waiting(station, attempt_id)


def test_a_replayed_command_is_applied_once(station: LiveStation) -> None:
    attempt_id = waiting_for_resume(station)
    assert send(board_client(station), station, attempt_id, "unlock") == 303
    exchange = station.report()
    (first,) = station.apply(exchange)
    assert first.ok, first.message
    station.desk.authorise(code=station.code(3), action="pause")  # paused again, by hand
    (again,) = station.apply(exchange)  # the same signed command, recorded and sent again
    assert not again.ok
    assert "applied already" in again.message
    assert station.desk.engine.state == "paused"
    assert len(station.events("proctor_command")) == 1
    station.report()  # the acks: the server sends the command no more
    assert station.report().commands == []


def test_a_command_for_an_attempt_that_ended_is_refused(station: LiveStation) -> None:
    attempt_id = waiting_for_resume(station)
    assert send(board_client(station), station, attempt_id, "unlock") == 303
    exchange = station.report()
    station.desk.resume(attempt_id=attempt_id, code=station.code(2))  # typed meanwhile
    station.desk.submit()
    (ack,) = station.apply(exchange)
    assert not ack.ok
    assert ack.message == "the attempt has already ended"
    assert station.events("proctor_command") == []
    # The board sends no new command for it either, once the station says it ended.
    station.activity = replace(station.activity, waiting=None)
    station.report()
    assert send(board_client(station), station, attempt_id, "extend", minutes="5") == 403


def test_a_teacher_who_does_not_teach_the_learner_cannot_command_the_station(
    station: LiveStation,
) -> None:
    attempt_id = waiting_for_resume(station)
    stranger = board_client(station, OTHER_USER)
    answer = stranger.post(
        "/teacher/board/command",
        {"station_id": station.station_id, "attempt_id": attempt_id, "action": "unlock"},
        token=stranger.token("/teacher/board"),
    )
    assert answer.status_code == 403
    assert "not one of yours" in answer.text
    assert "Ana Ruiz" not in stranger.get("/teacher/board").text
    assert "Ana Ruiz" not in stranger.get("/teacher/board/tiles").text
    with Session(station.trc.server.engine) as session:
        assert session.exec(select(ProctorCommand)).all() == []
    signed_out = WebClient(station.trc.base_url)
    answer = signed_out.post(
        "/teacher/board/command",
        {"station_id": station.station_id, "attempt_id": attempt_id, "action": "unlock"},
        token=signed_out.token(),
    )
    assert (answer.status_code, answer.headers.get("location")) == (303, "/teacher")


def test_extend_everyone_reaches_the_station_and_adds_the_minutes(station: LiveStation) -> None:
    sit_down(station)
    station.report()
    before = station.desk.engine.remaining_s()
    client = board_client(station)
    page = client.get("/teacher/board").text
    found = re.search(r'href="/teacher/board/classes/([^"]+)">Welding 1<', page)
    assert found is not None, page
    class_link = found.group(1)
    answer = client.post(
        f"/teacher/board/classes/{class_link}/extend",
        {"minutes": "7"},
        token=client.token(f"/teacher/board/classes/{class_link}"),
    )
    assert answer.status_code == 303
    (ack,) = station.apply(station.report())
    assert ack.ok, ack.message
    assert station.desk.engine.remaining_s() >= before + 7 * 60 - 5
    station.report()
    assert (
        "Add time: done on the station" in client.get(f"/teacher/board/classes/{class_link}").text
    )


def test_an_undelivered_command_shows_the_code_to_type(station: LiveStation) -> None:
    attempt_id = waiting_for_resume(station)
    client = board_client(station)
    assert send(client, station, attempt_id, "unlock") == 303
    assert "Unlock: sending" in client.get("/teacher/board").text
    with Session(station.trc.server.engine) as session:  # the station never asked since
        command = session.exec(select(ProctorCommand)).one()
        command.created_at = datetime.now(UTC) - timedelta(seconds=30)
        session.add(command)
        session.commit()
    code = station.code(2)
    page = client.get("/teacher/board").text
    assert "Unlock: not delivered." in page
    assert (
        f'Type code #2 on the station instead: <span class="code">{code[:4]} {code[4:]}</span>'
        in page
    )
    # Typed by hand, the code works as ever: the station needs no server for it.
    assert station.desk.resume(attempt_id=attempt_id, code=code).ok
