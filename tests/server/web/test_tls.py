"""`mcdesk server --tls-cert/--tls-key`: the lab laptop serves HTTPS, and the cookie is Secure."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.x509.oid import NameOID

from mcdesk.server.db import make_engine
from mcdesk.server.web.sessions import SESSION_COOKIE
from tests.server.postgres import free_port
from tests.server.web.harness import set_up_trc_school
from tests.server.web.http import WebClient


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, as `openssl req -x509` would make for a lab laptop."""
    key = generate_private_key(SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "lab.crt", folder / "lab.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_the_server_serves_https_and_the_session_cookie_is_secure(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    port = free_port()
    command = [sys.executable, "-m", "mcdesk", "server", "--db", url, "--port", str(port)]
    env = {**os.environ, "MCDESK_HOME": str(tmp_path / "home")}
    one_only = subprocess.run(
        [*command, "--tls-cert", str(cert)], env=env, capture_output=True, text=True, check=False
    )
    assert (one_only.returncode, one_only.stderr) == (
        2,
        "mcdesk server: error: give both --tls-cert and --tls-key, or neither\n",
    )
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--tls-cert", str(cert), "--tls-key", str(key)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    engine = make_engine(url)
    base = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if requests.get(base + "/api/v1/ready", verify=str(cert), timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "mcdesk server did not start"
            time.sleep(0.1)
        set_up_trc_school(engine)
        client = WebClient(base, verify=str(cert))
        signed_in = client.sign_in()
        assert signed_in.status_code == 303
        cookie = signed_in.headers["set-cookie"].lower()
        assert cookie.startswith(SESSION_COOKIE)
        assert "; secure" in cookie
        assert "; httponly" in cookie
        assert "Ana Ruiz" in client.get("/teacher/classes").text
    finally:
        process.terminate()
        process.wait(timeout=60)
        engine.dispose()
    assert "Traceback" not in log.read_text()
