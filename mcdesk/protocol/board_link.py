"""The live board's address for a station joined to a server, and its QR code (segno)."""

from __future__ import annotations

import io

import segno

BOARD_PATH = "/teacher/board"
QR_SCALE = 6  # pixels per module: about 200 px for a typical school address


def board_address(server_url: str) -> str:
    """Where a teacher opens the live board (on a phone, a tablet or a laptop)."""
    return server_url.rstrip("/") + BOARD_PATH


def qr_png(text: str, *, scale: int = QR_SCALE) -> bytes:
    """A QR code of ``text`` as PNG bytes, made in memory (call off the GUI thread)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
