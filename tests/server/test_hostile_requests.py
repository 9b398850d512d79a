"""Hostile but validly signed requests get a 4xx in words, never a 500 (issue 10 item 5)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.signing import signed_headers
from mcdesk.server.app import BODY_LIMITS
from mcdesk.server.models import ContentBlob, Event, Flag, Result
from mcdesk.server.standing import earns_badge
from tests.exam.bank import PACK, VERSION
from tests.server.client import make_event, push
from tests.server.conftest import RunningServer, StationIdentity
from tests.server.hostile import (
    Call,
    blob_call,
    deep,
    enrol_call,
    header_noise,
    manifest_call,
    pull_call,
    push_call,
    signed,
    teacher_call,
)
from tests.server.test_results import result_event
from tests.sync.test_exam_chain import publish_bank

BLOB = b"a pack file" * 100
BLOB_SHA = hashlib.sha256(BLOB).hexdigest()


def send(
    server: RunningServer, call: Call, http: requests.Session | None = None
) -> requests.Response:
    url = server.url(quote(call.path, safe="/")) + (f"?{call.query}" if call.query else "")
    return (http or requests).request(
        call.method, url, data=call.body, headers=call.headers, timeout=30
    )


def signed_call(station: StationIdentity, call: Call) -> Call:
    return signed(call, station_id=station.id, key=station.key, noise={})


def post_push_bytes(
    server: RunningServer, station: StationIdentity, body: bytes
) -> requests.Response:
    return send(server, signed_call(station, Call("POST", "/api/v1/push", body=body)))


def store_blob(server: RunningServer) -> None:
    with Session(server.engine) as session:
        session.add(ContentBlob(sha256=BLOB_SHA, size=len(BLOB), data=BLOB))
        session.commit()


# --- the cases the issue reported, one by one ------------------------------------------


def test_a_push_body_that_is_not_json_is_400_in_words(
    server: RunningServer, station: StationIdentity
) -> None:
    answer = post_push_bytes(server, station, b"\xff\xfe not json")
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("the push body is not")


def test_a_push_body_of_the_wrong_shape_is_422_in_words(
    server: RunningServer, station: StationIdentity
) -> None:
    answer = post_push_bytes(server, station, b'{"events": [{"id": 1, "seq": "x"}]}')
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert detail.startswith("the push body is not a batch of events: events.0.id: ")
    assert "events.0.kind: Field required" in detail


def test_a_push_body_nested_thousands_deep_is_400(
    server: RunningServer, station: StationIdentity
) -> None:
    answer = post_push_bytes(server, station, deep(5000).encode())
    assert answer.status_code == 400
    assert answer.json()["detail"] == "the push body nests deeper than 64 levels"


def test_deep_json_inside_an_event_a_result_or_a_log_entry_is_refused_and_the_rest_kept(
    server: RunningServer, station: StationIdentity
) -> None:
    good = make_event(1)
    nested_event = make_event(2, payload=json.loads(deep(60)))
    nested_event["body"] = nested_event["body"].replace(deep(60), deep(5000))
    nested_event["body_sha256"] = hashlib.sha256(nested_event["body"].encode()).hexdigest()
    inner = deep(5000).encode()
    result = result_event(3, key=station.key)
    result_document = json.loads(result["body"])
    result_document |= {
        "result": base64.b64encode(inner).decode(),
        "signature": base64.b64encode(station.key.sign(inner)).decode(),
    }
    result["body"] = canonical_json(result_document).decode()
    result["body_sha256"] = hashlib.sha256(result["body"].encode()).hexdigest()
    digest = hashlib.sha256(bytes(32) + inner).digest()
    entry = {
        "body": base64.b64encode(inner).decode(),
        "signature": base64.b64encode(station.key.sign(digest)).decode(),
        "hash": digest.hex(),
        "prev_hash": "0" * 64,
    }
    log = make_event(4, kind="exam_log", entries=[entry])
    answer = push(server.base_url, station, [good, nested_event, result, log])
    assert answer.status_code == 200
    assert answer.json()["accepted"] == [good["id"]]
    assert {r["id"]: r["reason"] for r in answer.json()["rejected"]} == {
        nested_event["id"]: "malformed",
        result["id"]: "bad_signature",
        log["id"]: "bad_signature",
    }
    with Session(server.engine) as session:
        assert session.exec(select(Event.event_id)).all() == [good["id"]]
        kinds = session.exec(select(Flag.kind).where(col(Flag.event_id) == log["id"])).all()
    assert kinds == ["bad_signature"]


@pytest.mark.parametrize("after", [str(2**63), str(2**64), "9" * 5000])
def test_a_pull_cursor_past_any_id_is_422(
    server: RunningServer, station: StationIdentity, after: str
) -> None:
    call = signed_call(station, Call("GET", "/api/v1/pull/roster", query=f"after={after}"))
    answer = send(server, call)
    assert answer.status_code == 422


def test_a_range_of_five_thousand_digits_is_ignored(
    server: RunningServer, station: StationIdentity
) -> None:
    store_blob(server)
    for header in ("bytes=" + "9" * 5000 + "-", "bytes=0-" + "9" * 5000, "bytes=-" + "9" * 5000):
        call = signed_call(station, Call("GET", f"/api/v1/blobs/{BLOB_SHA}"))
        answer = send(
            server, Call(call.method, call.path, headers={**call.headers, "Range": header})
        )
        assert answer.status_code == 200, header
        assert answer.content == BLOB


def test_a_timestamp_of_hundreds_of_digits_is_401(
    server: RunningServer, station: StationIdentity
) -> None:
    headers = signed_headers(
        key=station.key,
        station_id=station.id,
        method="GET",
        path="/api/v1/pull/roster",
        body=b"",
        timestamp=int(time.time()),
    )
    headers["X-Mcdesk-Timestamp"] = "1" + "0" * 400
    answer = requests.get(server.url("/api/v1/pull/roster"), headers=headers, timeout=30)
    assert answer.status_code == 401
    assert answer.json()["detail"] == "the timestamp is not whole unix seconds"


def test_a_teacher_form_with_too_many_fields_is_refused_not_500(server: RunningServer) -> None:
    form = "&".join(f"f{n}=x" for n in range(60))  # more than any page form has
    answer = requests.post(
        server.url("/teacher"),
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert answer.status_code == 400
    assert "too many fields" in answer.text


def test_an_enrolment_body_that_is_not_a_request_is_400_in_words(server: RunningServer) -> None:
    for body, words in (
        (deep(2000).encode(), "the enrolment request nests deeper than 64 levels"),
        (b'{"token": 5}', "the enrolment request needs token, station_id, name and public_key"),
        (b"\xff", "the enrolment request is not"),
    ):
        answer = requests.post(server.url("/api/v1/enroll"), data=body, timeout=30)
        assert answer.status_code == 400, body[:20]
        assert answer.json()["detail"].startswith(words)


# --- and a search for any other way to a 500 --------------------------------------------


def test_no_hostile_request_gets_a_500(server: RunningServer, station: StationIdentity) -> None:
    """Hypothesis draws requests for every route, signed by a registered station."""
    store_blob(server)
    publish_bank(server)  # so results naming its items are re-scored, hostile forms and all
    calls = st.one_of(
        push_call(station.key),
        push_call(station.key),  # the route with the most inside it: drawn more often
        pull_call(),
        blob_call(BLOB_SHA),
        manifest_call(),
        enrol_call(),
        teacher_call(),
    )

    with requests.Session() as http:

        @settings(
            max_examples=150,
            deadline=None,
            database=None,  # nothing written into the worktree
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(call=calls, noise=header_noise())
        def no_500(call: Call, noise: dict[str, str]) -> None:
            try:
                answer = send(
                    server, signed(call, station_id=station.id, key=station.key, noise=noise), http
                )
            except requests.ConnectionError:
                # A body over the route's limit is answered 413 unread and the connection
                # closed; the client may see that as a reset while it is still sending.
                assert len(call.body) > BODY_LIMITS.get((call.method, call.path), 0)
                return
            assert answer.status_code < 500, (call.method, call.path, answer.text[:300])

        no_500()


def test_values_no_database_column_holds_are_refused_before_any_query(
    server: RunningServer, station: StationIdentity
) -> None:
    """NUL in text (PostgreSQL refuses it) and counters past 2**31 - 1 (INTEGER columns)."""
    nul_id = make_event(1)
    nul_id["id"] = "a\x00b"
    huge_seq = make_event(2)
    huge_seq["seq"] = 2**40
    for event, where in ((nul_id, "events.0.id"), (huge_seq, "events.0.seq")):
        answer = push(server.base_url, station, [event])
        assert answer.status_code == 422
        assert f"{where}: Value error" in answer.json()["detail"]
    nul_learner = result_event(3, key=station.key, learner_id="learner\x00")
    far_counter = result_event(4, key=station.key, event_counter=2**31)
    answer = push(server.base_url, station, [nul_learner, far_counter])
    assert answer.status_code == 200
    assert answer.json()["rejected"] == [
        {"id": nul_learner["id"], "reason": "malformed"},
        {"id": far_counter["id"], "reason": "malformed"},
    ]
    manifest = send(server, signed_call(station, Call("GET", "/api/v1/packs/a\x00/1.0.0")))
    assert manifest.status_code == 400
    assert "control character" in manifest.json()["detail"]
    teacher = requests.post(
        server.url("/teacher"), data={"username": "mlee\x00", "password": "x"}, timeout=30
    )
    assert teacher.status_code == 400  # refused before any name is looked up


def test_a_signed_form_the_scorer_cannot_read_is_kept_unscored_and_earns_nothing(
    server: RunningServer, station: StationIdentity
) -> None:
    publish_bank(server)
    event = result_event(
        1, key=station.key, pack_id=PACK, pack_version=VERSION, form={"items": "not a list"}
    )
    answer = push(server.base_url, station, [event])
    assert answer.status_code == 200
    assert answer.json()["accepted"] == [event["id"]]
    with Session(server.engine) as session:
        [row] = session.exec(select(Result)).all()
        badges = session.exec(select(Result.id).where(earns_badge())).all()
    assert (row.rescored, row.passed) == (False, True)  # the station's claim, not re-scored
    assert badges == []


def test_a_result_id_sent_again_under_another_event_is_a_conflict_not_a_500(
    server: RunningServer, station: StationIdentity
) -> None:
    """Found by the search above: the second insert of one result id failed as a 500."""
    first = result_event(1, key=station.key)
    again = result_event(1, key=station.key)
    again["id"] = "0190aaaa-0000-7000-8000-00000000beef"  # a new event id, the same result id
    assert push(server.base_url, station, [first]).json()["accepted"] == [first["id"]]
    for batch in ([again], [result_event(2, key=station.key), again]):
        answer = push(server.base_url, station, batch)
        assert answer.status_code == 200
        assert {"id": again["id"], "reason": "conflict"} in answer.json()["rejected"]
    with Session(server.engine) as session:
        [row] = session.exec(select(Result).where(col(Result.id) == first["id"])).all()
        flags = session.exec(select(Flag.kind).where(col(Flag.event_id) == again["id"])).all()
    assert row.event_id == first["id"]  # the first copy is kept
    assert set(flags) == {"conflict"}
