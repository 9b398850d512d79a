"""Sessions on `mcdesk server --workers 4` with PostgreSQL: any worker answers any session."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import text

from mcdesk.server.web.sessions import SESSION_COOKIE
from tests.server.test_teacher_throttle import Workers, four_workers  # noqa: F401  (fixture)
from tests.server.web.harness import set_up_trc_school
from tests.server.web.http import WebClient

AT_ONCE = 40


def at_once(call: Callable[[], requests.Response], count: int = AT_ONCE) -> list[requests.Response]:
    start = threading.Barrier(count)

    def one(_: int) -> requests.Response:
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_one_key_and_one_session_table_serve_every_worker(four_workers: Workers) -> None:  # noqa: F811
    set_up_trc_school(four_workers.engine)
    # First requests on every worker at once: each may make the cookie key; one key wins.
    forms = at_once(lambda: requests.get(four_workers.url + "/teacher", timeout=120))
    assert {form.status_code for form in forms} == {200}
    with four_workers.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM web_key")).scalar_one() == 1

    client = WebClient(four_workers.url)
    assert client.sign_in().status_code == 303
    cookie = client.http.cookies[SESSION_COOKIE]

    def my_classes() -> requests.Response:
        return requests.get(
            four_workers.url + "/teacher/classes",
            cookies={SESSION_COOKIE: cookie},
            allow_redirects=False,
            timeout=120,
        )

    pages = at_once(my_classes)  # spread over the workers by the kernel
    assert {page.status_code for page in pages} == {200}
    assert all("Ana Ruiz" in page.text for page in pages)

    out = client.post("/teacher/sign-out", {}, token=client.token("/teacher/classes"))
    assert out.status_code == 303
    after = at_once(my_classes, 8)
    assert {page.status_code for page in after} == {303}  # ended on every worker at once
