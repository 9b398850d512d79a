"""Fetching a published status list over HTTP(S): bounded in time and size, refusals in words."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from mcdesk.badges.status_list import MAX_DOCUMENT_BYTES, StatusUnavailable

TIMEOUT_SECONDS = 10.0


def fetch_status_list(url: str) -> bytes:
    """GET `url` (http or https only, ≤ 1 MiB, 10 s); StatusUnavailable with the reason."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise StatusUnavailable(f"{url[:80]!r} is not an http(s) address")
    try:
        with requests.get(url, timeout=TIMEOUT_SECONDS, stream=True) as response:
            if response.status_code != 200:
                raise StatusUnavailable(f"the server answered {response.status_code}")
            body = bytearray()
            for piece in response.iter_content(chunk_size=65536):
                body.extend(piece)
                if len(body) > MAX_DOCUMENT_BYTES:
                    raise StatusUnavailable("the list is larger than 1 MiB")
            return bytes(body)
    except requests.RequestException as exc:
        raise StatusUnavailable(f"no answer ({type(exc).__name__})") from None


def offline(url: str) -> bytes:
    """The fetcher for --offline: never touches the network."""
    raise StatusUnavailable("offline: not fetched (--offline)")
