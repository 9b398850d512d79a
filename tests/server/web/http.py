"""The Teacher Resource Center over plain HTTP (requests): forms with their CSRF token."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import requests

from tests.server.pulling import TEACHER_PASSWORD, TEACHER_USER
from tests.server.web.harness import TrcServer

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _TOKEN.search(page)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


@dataclass
class WebClient:
    """One browser's cookies, without the browser: for status codes, bursts and walks."""

    base_url: str
    http: requests.Session = field(default_factory=requests.Session)
    # Per request: a Session's own verify loses to REQUESTS_CA_BUNDLE in requests.
    verify: bool | str = True

    def get(self, path: str) -> requests.Response:
        return self.http.get(
            self.base_url + path, allow_redirects=False, timeout=60, verify=self.verify
        )

    def token(self, path: str = "/teacher") -> str:
        """A fresh CSRF token for this client, from a page it may see."""
        return csrf_of(self.http.get(self.base_url + path, timeout=60, verify=self.verify).text)

    def post(self, path: str, data: dict[str, str], *, token: str | None) -> requests.Response:
        """POST a form; ``token=None`` sends none."""
        fields = data if token is None else {**data, "csrf_token": token}
        return self.http.post(
            self.base_url + path,
            data=fields,
            allow_redirects=False,
            timeout=120,
            verify=self.verify,
        )

    def sign_in(
        self, username: str = TEACHER_USER, password: str = TEACHER_PASSWORD
    ) -> requests.Response:
        return self.post(
            "/teacher", {"username": username, "password": password}, token=self.token()
        )


def signed_in(trc: TrcServer, username: str = TEACHER_USER) -> WebClient:
    """A client signed in to the running server as ``username`` (Ms Lee unless told)."""
    client = WebClient(trc.base_url)
    assert client.sign_in(username).status_code == 303
    return client
