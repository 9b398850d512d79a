"""Keys of the ``sync_state`` table that packages below ``mcdesk.sync`` read too."""

from __future__ import annotations

SERVER_URL_KEY = "server_url"  # written by mcdesk.sync.pinning and provisioning
