"""Sessions, CSRF and sign-in of the Teacher Resource Center, attacked over real HTTP."""

from __future__ import annotations

from datetime import timedelta

import requests
from sqlalchemy import text

from mcdesk.server.web.sessions import IDLE_LIMIT, SESSION_COOKIE
from tests.server.pulling import TEACHER_PASSWORD, TEACHER_USER
from tests.server.web.conftest import TrcServer
from tests.server.web.harness import OTHER_USER, set_up_trc_school
from tests.server.web.http import WebClient

REFUSED_FORM = "This form has expired or did not come from this site."


def session_rows(trc: TrcServer) -> int:
    with trc.server.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM web_session")).scalar_one())


def test_the_session_cookie_is_signed_httponly_strict_and_secure_over_tls(trc: TrcServer) -> None:
    set_up_trc_school(trc.server.engine)
    plain = WebClient(trc.base_url).sign_in()
    cookie = plain.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for flag in ("HttpOnly", "SameSite=strict", "Path=/teacher"):
        assert flag.lower() in cookie.lower()
    assert "secure" not in cookie.lower()  # plain HTTP on loopback: a Secure cookie never returns

    tls = WebClient(trc.base_url)
    tls.http.headers["X-Forwarded-Proto"] = "https"  # a TLS proxy on this host says so
    served = tls.sign_in()
    assert "; secure" in served.headers["set-cookie"].lower()

    forged = WebClient(trc.base_url)
    session_id = plain.cookies[SESSION_COOKIE].split(".")[0]
    forged.http.cookies.set(
        SESSION_COOKIE, f"{session_id}.not-the-mac", domain="127.0.0.1", path="/teacher"
    )
    assert forged.get("/teacher/classes").headers["location"] == "/teacher"


def test_a_post_without_the_right_csrf_token_is_refused_in_words(trc: TrcServer) -> None:
    set_up_trc_school(trc.server.engine)
    creds = {"username": TEACHER_USER, "password": TEACHER_PASSWORD}
    client = WebClient(trc.base_url)
    client.token()  # has the browser cookie, but sends no token
    for token in (None, "", "wrong", WebClient(trc.base_url).token()):  # last: another browser's
        refused = client.post("/teacher", creds, token=token)
        assert refused.status_code == 403
        assert REFUSED_FORM in refused.text
        assert SESSION_COOKIE not in refused.cookies
    assert session_rows(trc) == 0

    assert client.sign_in().status_code == 303
    for token in (None, "wrong"):
        refused = client.post("/teacher/sign-out", {}, token=token)
        assert (refused.status_code, REFUSED_FORM in refused.text) == (403, True)
    assert client.get("/teacher/classes").status_code == 200  # still signed in
    assert session_rows(trc) == 1


def test_a_session_id_planted_before_sign_in_is_not_the_session_after(trc: TrcServer) -> None:
    set_up_trc_school(trc.server.engine)
    attacker = WebClient(trc.base_url)
    assert attacker.sign_in(OTHER_USER).status_code == 303
    planted = attacker.http.cookies[SESSION_COOKIE]

    for chosen in ("made-up-by-the-attacker", planted):
        victim = WebClient(trc.base_url)
        victim.token()
        victim.http.cookies.set(SESSION_COOKIE, chosen, domain="127.0.0.1", path="/teacher")
        signed_in = victim.sign_in()
        assert signed_in.status_code == 303
        issued = signed_in.cookies[SESSION_COOKIE]
        assert issued != chosen
        assert "Ana Ruiz" in victim.get("/teacher/classes").text  # mlee's class, for mlee
    # The attacker's own session, carried into the victim's sign-in, ended there.
    assert attacker.get("/teacher/classes").headers["location"] == "/teacher"


def test_sign_out_ends_the_session_on_the_server(trc: TrcServer) -> None:
    set_up_trc_school(trc.server.engine)
    client = WebClient(trc.base_url)
    client.sign_in()
    copied = client.http.cookies[SESSION_COOKIE]
    out = client.post("/teacher/sign-out", {}, token=client.token("/teacher/classes"))
    assert (out.status_code, out.headers["location"]) == (303, "/teacher?signed_out=true")
    assert session_rows(trc) == 0
    replay = WebClient(trc.base_url)
    replay.http.cookies.set(SESSION_COOKIE, copied, domain="127.0.0.1", path="/teacher")
    assert replay.get("/teacher/classes").headers["location"] == "/teacher"


def test_an_idle_session_expires_and_a_busy_one_does_not(trc: TrcServer) -> None:
    set_up_trc_school(trc.server.engine)
    client = WebClient(trc.base_url)
    client.sign_in()
    almost = IDLE_LIMIT - timedelta(minutes=1)
    for _ in range(3):  # an hour and a half in use, never idle for the limit
        trc.clock.advance(almost)
        assert client.get("/teacher/classes").status_code == 200
    trc.clock.advance(IDLE_LIMIT + timedelta(seconds=1))
    expired = client.get("/teacher/classes")
    assert (expired.status_code, expired.headers["location"]) == (303, "/teacher")
    assert session_rows(trc) == 0  # the expired row went with that request


def test_sign_in_is_throttled_by_the_one_throttle(trc: TrcServer) -> None:
    set_up_trc_school(trc.server.engine)
    client = WebClient(trc.base_url)
    for _ in range(4):
        wrong = client.sign_in(TEACHER_USER, "not it")
        assert (wrong.status_code, "do not match" in wrong.text) == (401, True)
    nobody = client.sign_in("nobody", "not it")
    assert "do not match" in nobody.text  # no hint whether the name exists
    assert client.sign_in(TEACHER_USER, "not it").status_code == 401  # the fifth: now a wait
    waiting = client.sign_in()  # even the right password, for now
    assert waiting.status_code == 429
    assert "try again in 30 s" in waiting.text
    assert SESSION_COOKIE not in waiting.cookies
    with trc.server.engine.connect() as connection:
        stored = connection.execute(text("SELECT failures FROM teacher_throttle")).scalars().all()
    assert sorted(stored) == [1, 5]  # counted in the one throttle's table, per hashed name

    trc.clock.advance(timedelta(seconds=31))  # the server's clock: the wait runs out
    assert client.sign_in().status_code == 303


def test_bad_forms_are_refused_in_words_not_tracebacks(trc: TrcServer) -> None:
    set_up_trc_school(trc.server.engine)
    client = WebClient(trc.base_url)
    token = client.token()
    url = trc.base_url + "/teacher"
    cases = [
        ({"data": b"x" * 100_000}, 413, "too large"),
        ({"data": "&".join(f"f{i}=1" for i in range(100))}, 400, "too many fields"),
        ({"json": {"csrf_token": token}}, 415, "plain web form"),
        ({"data": b"\xff\xfe=\x00&csrf_token=" + token.encode()}, 400, "no field of ours takes"),
    ]
    for kwargs, status, words in cases:
        answer = client.http.post(url, allow_redirects=False, timeout=60, **kwargs)
        assert (answer.status_code, words in answer.text) == (status, True), answer.text
    unknown = requests.get(
        trc.base_url + "/teacher/classes/no-such-class", allow_redirects=False, timeout=60
    )
    assert unknown.status_code == 303  # signed out: to the sign-in first, whatever the id
    client.sign_in()
    missing = client.get("/teacher/classes/no-such-class")
    assert (missing.status_code, "not one of yours" in missing.text) == (403, True)
