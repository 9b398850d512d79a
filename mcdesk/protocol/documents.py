"""Push and pull on the wire: the paths, the batch and page sizes, and document bounds.

The station sends at most ``MAX_PUSH_EVENTS`` per push and asks for pages of at most
``MAX_PULL_PAGE`` items; the server refuses more. An accommodation's time multiplier is
checked against the same bounds where it is set (server) and where it is applied (station).
"""

from __future__ import annotations

PUSH_PATH = "/api/v1/push"
PULL_PATH = "/api/v1/pull/"  # + the stream name
SERVER_KEY_PATH = "/api/v1/server-key"

MAX_PUSH_EVENTS = 500
MAX_PULL_PAGE = 500

MIN_MULTIPLIER = 1.0  # an accommodation only ever adds time
MAX_MULTIPLIER = 4.0
