"""Sync protocol models, outbox, client and content transfer (the sync issue)."""
