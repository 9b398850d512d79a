"""`mcdesk badge verify`: exit codes and words, run as a real process against a real HTTP list."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mcdesk.badges.award import StatusEntry
from mcdesk.badges.baking import BadgeVersion, bake_png
from mcdesk.badges.images import BadgeArt, badge_png
from mcdesk.badges.issuer_key import IssuerKey, new_issuer_key
from mcdesk.badges.ob3 import issue_credential
from mcdesk.badges.status_list import build_status_list
from tests.badges.samples import EMAIL, ISSUED, SPEC, sample_award

LISTS: dict[str, bytes] = {}


class _ListHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = LISTS.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.end_headers()
        self.wfile.write(body or b"not here")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads the CLI's words, not the server's log."""


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ListHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def _badge(tmp_path: Path, key: IssuerKey, list_url: str, index: int) -> Path:
    award = replace(sample_award(key), status=StatusEntry(list_url=list_url, index=index))
    token = issue_credential(award=award, key=key).jwt
    path = tmp_path / f"badge-{index}.png"
    art = BadgeArt(title=SPEC.name, cluster=SPEC.career_cluster)
    path.write_bytes(bake_png(image=badge_png(art), text=token, version=BadgeVersion.OB3))
    return path


def _verify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mcdesk", "badge", "verify", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_verified_revoked_offline_and_wrong_identity(tmp_path: Path, base_url: str) -> None:
    key = new_issuer_key()
    list_url = f"{base_url}/status/{key.did[-8:]}"
    LISTS[list_url.removeprefix(base_url)] = build_status_list(
        key=key, list_url=list_url, revoked=[5], issued_at=ISSUED
    ).encode()
    good, revoked = _badge(tmp_path, key, list_url, 4), _badge(tmp_path, key, list_url, 5)

    run = _verify(str(good), "--identity", EMAIL)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "signature: passed" in run.stdout
    assert f"recipient: passed — issued to {EMAIL}" in run.stdout
    assert "revocation: passed — not revoked" in run.stdout
    assert "result: VERIFIED" in run.stdout

    run = _verify(str(revoked))
    assert run.returncode == 1
    assert "result: REVOKED — revoked by its issuer" in run.stdout

    run = _verify(str(good), "--offline")
    assert run.returncode == 1
    assert "revocation: could not check" in run.stdout
    assert "VERIFIED" not in run.stdout

    run = _verify(str(good), "--issuer", key.did)
    assert run.returncode == 0, run.stdout
    run = _verify(str(good), "--issuer", new_issuer_key().did)
    assert run.returncode == 1
    assert "is not an issuer this verifier trusts" in run.stdout

    run = _verify(str(good), "--identity", "someone@else.org")
    assert run.returncode == 1
    assert "result: INVALID — recipient: not issued to someone@else.org" in run.stdout


def test_an_unreachable_list_and_bad_files_exit_1_in_words(tmp_path: Path) -> None:
    key = new_issuer_key()
    # Port 9 on loopback: nothing listens, so the fetch fails at once.
    badge = _badge(tmp_path, key, "http://127.0.0.1:9/status/1", 1)
    run = _verify(str(badge))
    assert run.returncode == 1
    assert (
        "revocation: could not check — the list at http://127.0.0.1:9/status/1 could not be fetched"
        in run.stdout
    )
    assert "result: NOT CONFIRMED" in run.stdout

    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 30)
    run = _verify(str(garbage))
    assert run.returncode == 1
    assert "format: FAILED — the PNG is truncated or damaged" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr

    run = _verify(str(tmp_path / "missing.png"))
    assert run.returncode == 1
    assert "cannot read" in run.stderr


def test_an_expired_badge_says_expired_with_its_date(tmp_path: Path, base_url: str) -> None:
    key = new_issuer_key()
    list_url = f"{base_url}/status/exp-{key.did[-8:]}"
    LISTS[list_url.removeprefix(base_url)] = build_status_list(
        key=key, list_url=list_url, revoked=[], issued_at=ISSUED
    ).encode()
    # Issued a year and a day ago, valid for one year: expired yesterday.
    issued = datetime.now(UTC) - timedelta(days=366)
    award = replace(
        sample_award(key, valid_until=issued + timedelta(days=365)),
        issued_at=issued,
        assessed_at=issued,
        status=StatusEntry(list_url=list_url, index=3),
    )
    path = tmp_path / "expired.png"
    art = BadgeArt(title=SPEC.name, cluster=SPEC.career_cluster)
    token = issue_credential(award=award, key=key).jwt
    path.write_bytes(bake_png(image=badge_png(art), text=token, version=BadgeVersion.OB3))
    run = _verify(str(path))
    assert run.returncode == 1
    day = (issued + timedelta(days=365)).date().isoformat()
    assert f"expiry: FAILED — expired on {day}" in run.stdout
    assert f"result: EXPIRED — expired on {day}" in run.stdout
    assert "VERIFIED" not in run.stdout
