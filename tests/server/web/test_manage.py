"""A class's Manage pages: every change is recorded in its pull stream through the core
function the admin command line calls; bad input is refused in words and changes nothing;
a form sent twice at once records one allowance, on SQLite and on PostgreSQL."""

from __future__ import annotations

import html
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from mcdesk.content.build import build_pack
from mcdesk.keys import PublisherKey
from mcdesk.passwords import verify_secret
from mcdesk.server.accommodations import set_accommodation
from mcdesk.server.allowance_table import Allowance
from mcdesk.server.models import Accommodation, Change, Grant, Learner
from mcdesk.server.publish import publish_file
from mcdesk.server.schools import find_learner
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import School, set_up_trc_school
from tests.server.web.http import WebClient, csrf_of, signed_in

PACK = "sample-pack"


@pytest.fixture
def server(each_trc: TrcServer) -> TrcServer:
    """The server on SQLite, then on PostgreSQL."""
    return each_trc


def publish_sample(
    trc: TrcServer, *, source: Path, publisher_key: Path, trusted: dict[str, PublisherKey],
    out: Path,
) -> None:  # fmt: skip
    built = build_pack(source, out / "sample.mcpack", publisher_key=publisher_key)
    with Session(trc.server.engine) as session:
        publish_file(
            session, path=built.output, pack_key_path=built.pack_key_file, trusted=trusted,
            now=trc.clock(),
        )  # fmt: skip


@pytest.fixture
def school(
    server: TrcServer, source: Path, publisher_key: Path, trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> School:  # fmt: skip
    made = set_up_trc_school(server.server.engine)
    publish_sample(
        server, source=source, publisher_key=publisher_key, trusted=trusted, out=tmp_path / "out"
    )
    return made


@dataclass(frozen=True, slots=True)
class AnasPage:
    """Ms Lee signed in, at Ana's Manage page of Welding 1."""

    client: WebClient
    welding: str
    ana: str

    @property
    def page(self) -> str:
        return f"/teacher/classes/{self.welding}/learners/{self.ana}"


@pytest.fixture
def anas_page(server: TrcServer, school: School) -> AnasPage:
    return AnasPage(
        signed_in(server), school.classes["Welding 1"], learner_id(server, school, "Ana Ruiz")
    )


def learner_id(trc: TrcServer, school: School, name: str, class_name: str = "Welding 1") -> str:
    with Session(trc.server.engine) as session:
        return find_learner(
            session, school_id=school.school_id, class_name=class_name, name=name
        ).id


def stream(trc: TrcServer, name: str) -> list[Change]:
    with Session(trc.server.engine) as session:
        return list(
            session.exec(
                select(Change).where(col(Change.stream) == name).order_by(col(Change.id))
            ).all()
        )


def problem_of(page: str) -> str:
    found = re.search(r'<p class="problem" role="alert">(.*?)</p>', page, re.S)
    assert found is not None, "the page shows no problem"
    return html.unescape(found.group(1))


def test_a_grant_with_dates_is_recorded_listed_and_revoked(
    server: TrcServer, school: School
) -> None:
    welding = school.classes["Welding 1"]
    ben = learner_id(server, school, "Ben Ode")
    client = signed_in(server)
    manage = f"/teacher/classes/{welding}/manage"
    page = client.get(manage)
    assert page.status_code == 200
    assert "Sample" in page.text  # the published pack is offered by title
    fields = {"pack_id": PACK, "to": ben, "opens": "2030-01-05", "closes": "2030-02-01"}
    answer = client.post(f"/teacher/classes/{welding}/grants", fields, token=client.token(manage))
    assert (answer.status_code, answer.headers["location"]) == (303, f"{manage}?done=granted")
    before = len(stream(server, "grants"))
    (change,) = [c for c in stream(server, "grants") if c.document and ben in str(c.document)]
    document = json.loads(change.document or b"{}")
    assert (document["learner_id"], document["class_id"], document["pack_id"]) == (ben, None, PACK)
    assert document["opens_at"] is not None
    assert document["closes_at"] is not None
    listed = client.get(manage).text
    assert "2030-01-05" in listed
    assert "2030-02-01 (end of day)" in listed
    assert "Ben Ode" in listed

    with Session(server.server.engine) as session:
        grant = session.exec(select(Grant).where(col(Grant.learner_id) == ben)).one()
    revoked = client.post(
        f"/teacher/classes/{welding}/grants/{grant.id}/revoke", {}, token=client.token(manage)
    )
    assert revoked.status_code == 303
    assert stream(server, "grants")[-1].document is None
    assert len(stream(server, "grants")) == before + 1


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"opens": "2030-03-01", "closes": "2030-02-01"}, "must be after the open date"),
        ({"opens": "", "closes": "2020-01-01"}, "is in the past"),
        ({"opens": "next week", "closes": ""}, "The open date 'next week' is not a date"),
        ({"to": "not-a-learner"}, "That learner is not on this class"),
        ({"pack_id": "no-such-pack"}, "Choose a micro-credential published on this server"),
    ],
)
def test_a_bad_grant_is_refused_in_words_and_changes_nothing(
    server: TrcServer, school: School, fields: dict[str, str], words: str
) -> None:
    welding = school.classes["Welding 1"]
    client = signed_in(server)
    manage = f"/teacher/classes/{welding}/manage"
    before = len(stream(server, "grants"))
    form = {"pack_id": PACK, "to": "", "opens": "", "closes": "", **fields}
    answer = client.post(f"/teacher/classes/{welding}/grants", form, token=client.token(manage))
    assert answer.status_code == 400
    assert words in problem_of(answer.text)
    assert "Nothing was granted" in answer.text
    assert len(stream(server, "grants")) == before


def test_another_classes_learner_cannot_be_reached_through_this_class(
    server: TrcServer, school: School
) -> None:
    welding = school.classes["Welding 1"]
    chi = learner_id(server, school, "Chi Li", "CNC")
    client = signed_in(server)  # mlee teaches Welding 1, not CNC
    page = client.get(f"/teacher/classes/{welding}/learners/{chi}")
    assert page.status_code == 403
    assert "Chi Li" not in page.text
    path = f"/teacher/classes/{welding}/learners/{chi}/pin"
    answer = client.post(path, {"pin": "1234"}, token=client.token())
    assert answer.status_code == 403
    assert stream(server, "roster")[-1].key != f"learner:{chi}"


def test_extra_time_is_set_and_cleared_and_a_bad_multiplier_changes_nothing(
    server: TrcServer, anas_page: AnasPage
) -> None:
    client, ana, page = anas_page.client, anas_page.ana, anas_page.page
    welding = anas_page.welding
    path = f"{page}/accommodation"
    for typed, words in (("9", "between 1 and 4"), ("lots", "as a number"), ("nan", "between")):
        answer = client.post(path, {"multiplier": typed}, token=client.token(page))
        assert answer.status_code == 400, typed
        assert words in problem_of(answer.text), typed
    assert stream(server, "accommodations") == []
    assert client.post(path, {"multiplier": "1.5"}, token=client.token(page)).status_code == 303
    (change,) = stream(server, "accommodations")
    assert json.loads(change.document or b"{}")["time_multiplier"] == 1.5
    assert "1.5× time" in client.get(f"/teacher/classes/{welding}/manage").text
    cleared = client.post(path, {"clear": "1"}, token=client.token(page))
    assert cleared.status_code == 303
    assert stream(server, "accommodations")[-1].document is None
    with Session(server.server.engine) as session:
        assert session.get(Accommodation, ana) is None


def test_a_new_pin_is_shown_once_and_reaches_the_roster_stream(
    server: TrcServer, anas_page: AnasPage
) -> None:
    client, ana, page = anas_page.client, anas_page.ana, anas_page.page
    bad = client.post(f"{page}/pin", {"pin": "12ab"}, token=client.token(page))
    assert bad.status_code == 400
    assert "4 to 6 digits" in problem_of(bad.text)
    roster = len(stream(server, "roster"))
    assert len(stream(server, "roster")) == roster

    answer = client.post(f"{page}/pin", {"pin": ""}, token=client.token(page))
    assert (answer.status_code, answer.headers["location"]) == (303, page)
    shown = client.get(page).text
    found = re.search(r'id="new-pin">(\d{4})<', shown)
    assert found is not None, "the new PIN is not shown"
    assert found.group(1) not in client.get(page).text.split("Sign-in PIN")[0]  # once only
    with Session(server.server.engine) as session:
        learner = session.get(Learner, ana)
        assert learner is not None
        assert learner.pin_hash is not None
        assert verify_secret(found.group(1), learner.pin_hash)
    change = stream(server, "roster")[-1]
    assert change.key == f"learner:{ana}"
    assert json.loads(change.document or b"{}")["pin_hash"] == learner.pin_hash

    typed = client.post(f"{page}/pin", {"pin": "908172"}, token=client.token(page))
    assert typed.status_code == 303
    assert 'id="new-pin">908172<' in client.get(page).text

    other = WebClient(server.base_url)  # another browser of the same teacher sees no PIN
    assert other.sign_in().status_code == 303
    client.post(f"{page}/pin", {"pin": "5555"}, token=client.token(page))
    other.http.cookies.set(
        "mcdesk_pin_once", client.http.cookies.get("mcdesk_pin_once"), path="/teacher"
    )
    assert "new-pin" not in other.get(page).text


def allowance_form(client: WebClient, page: str) -> dict[str, str]:
    text = client.get(page).text
    found = re.search(r'name="form_id" value="([0-9a-f]+)"', text)
    assert found is not None
    return {"form_id": found.group(1), "csrf_token": csrf_of(text)}


def test_an_extra_attempt_needs_a_reason_and_a_form_sent_twice_at_once_records_one(
    server: TrcServer, anas_page: AnasPage
) -> None:
    client, ana, page = anas_page.client, anas_page.ana, anas_page.page
    path = f"{page}/allowances"
    base = allowance_form(client, page)
    for fields, words in (
        ({"kind": "extra_attempt", "pack_id": PACK, "reason": "  "}, "Give a reason"),
        ({"kind": "extra_attempt", "pack_id": "", "reason": "Fire drill"}, "Choose a micro"),
        ({"kind": "skip_everything", "pack_id": PACK, "reason": "x"}, "Choose what to allow"),
        ({"kind": "waive_review", "pack_id": PACK, "reason": "x" * 301}, "300 characters"),
    ):
        answer = client.post(path, {**fields, "form_id": base["form_id"]}, token=base["csrf_token"])
        assert answer.status_code == 400, fields
        assert words in problem_of(answer.text), fields
    assert stream(server, "allowances") == []

    fields = {"kind": "extra_attempt", "pack_id": PACK, "reason": "Fire drill <b>ended</b> it"}
    second = WebClient(server.base_url)  # the same session's cookies, another connection
    second.http.cookies.update(client.http.cookies)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(
            pool.map(
                lambda c: c.post(
                    path, {**fields, "form_id": base["form_id"]}, token=base["csrf_token"]
                ),
                [client, second],
            )
        )
    assert [a.status_code for a in answers] == [303, 303]
    (change,) = stream(server, "allowances")
    document = json.loads(change.document or b"{}")
    assert (document["learner_id"], document["pack_id"], document["kind"]) == (
        ana, PACK, "extra_attempt",
    )  # fmt: skip
    assert document["reason"] == "Fire drill <b>ended</b> it"
    assert document["granted_by"] == "Ms Lee"
    with Session(server.server.engine) as session:
        assert len(session.exec(select(Allowance)).all()) == 1
    record = client.get(page).text
    assert "Extra attempt" in record
    assert "Fire drill &lt;b&gt;ended&lt;/b&gt; it" in record  # the reason, kept and escaped

    lockout = allowance_form(client, page)
    cleared = client.post(
        path, {"kind": "clear_lockout", "reason": "", "form_id": lockout["form_id"]},
        token=lockout["csrf_token"],
    )  # fmt: skip
    assert (cleared.status_code, cleared.headers["location"]) == (303, f"{page}?done=unlocked")
    assert json.loads(stream(server, "allowances")[-1].document or b"{}")["kind"] == "clear_lockout"
    assert "Sign-in lockout cleared" in client.get(page).text


def test_the_school_administrator_manages_any_class_of_the_school(
    server: TrcServer, school: School
) -> None:
    cnc = school.classes["CNC"]
    chi = learner_id(server, school, "Chi Li", "CNC")
    client = signed_in(server, "head")
    page = f"/teacher/classes/{cnc}/learners/{chi}"
    assert client.get(page).status_code == 200
    answer = client.post(f"{page}/accommodation", {"multiplier": "2"}, token=client.token(page))
    assert answer.status_code == 303
    with Session(server.server.engine) as session:
        set_accommodation(session, learner_id=chi, multiplier=2.5, now=server.clock())
    assert "2.5× time" in client.get(f"/teacher/classes/{cnc}/manage").text
