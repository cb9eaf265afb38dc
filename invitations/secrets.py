"""The invitation link's secret.

The secret (256 bits) is HMAC-SHA256 of a random 128-bit nonce under SECRET_KEY. The
database keeps the nonce, so that a worker can put the link into a message after the
commit, and the SHA-256 of the secret, for the look-up; a copy of the database alone
cannot produce a working link.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings


def new_nonce() -> str:
    return secrets.token_hex(16)


def secret_for(nonce: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"invitation-link:{nonce}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secrets_match(secret: str, expected_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), expected_hash)
