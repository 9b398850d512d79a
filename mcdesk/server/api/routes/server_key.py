"""GET /api/v1/server-key: the public key that signs receipts (stations pin it at enrolment)."""

from __future__ import annotations

from fastapi import APIRouter

from mcdesk.keys import public_key_b64
from mcdesk.server.api.deps import SignerDep

router = APIRouter(tags=["keys"])


@router.get("/server-key")
def server_key(signer: SignerDep) -> dict[str, str]:
    """The server's key id and raw Ed25519 public key in base64."""
    return {"key_id": signer.key_id, "public_key": public_key_b64(signer.public_key)}
