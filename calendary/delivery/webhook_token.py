"""The short-lived HS256 JWT that authenticates a notification POST to N8N.

A fixed shared-secret header would be written verbatim into every N8N execution; a token that
expires within a minute is harmless there, and N8N's Webhook "JWT Auth" verifies it (signature
and `exp`) with the same secret held in a credential.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

LIFETIME_SECONDS = 60


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def bearer_token(secret: str, *, subject: str, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {"sub": subject, "iat": issued, "exp": issued + LIFETIME_SECONDS}
    signing_input = ".".join(
        _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
    )
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(signature)}"
