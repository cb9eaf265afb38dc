"""The invitation link's secret.

The secret (256 bits) is HMAC-SHA256 of a random 128-bit nonce under SECRET_KEY. The
database keeps the nonce, so that a worker can put the link into a message after the
commit, and the SHA-256 of the secret, for the look-up; a copy of the database alone
cannot produce a working link.

After a key rotation (the old key in SECRET_KEY_FALLBACKS) a link made under an old key
still resolves (the look-up is by hash); a message rendered later for the same link (a
reminder, a retry, the sweep's resend) must use the key that made it: ``stored_secret``.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings


def new_nonce() -> str:
    return secrets.token_hex(16)


def _key_bytes(key) -> bytes:
    return key if isinstance(key, bytes) else str(key).encode()


def secret_for(nonce: str, *, key=None) -> str:
    """The secret of ``nonce`` under ``key`` (by default the current SECRET_KEY)."""
    digest = hmac.new(
        _key_bytes(settings.SECRET_KEY if key is None else key),
        f"invitation-link:{nonce}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def stored_secret(nonce: str, expected_hash: str) -> str | None:
    """The secret of ``nonce`` under whichever key (SECRET_KEY, then each of
    SECRET_KEY_FALLBACKS) gives ``expected_hash``; None when none does (the link was made
    under a key that is no longer configured, so no message can carry a working link)."""
    for key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        secret = secret_for(nonce, key=key)
        if secrets_match(secret, expected_hash):
            return secret
    return None


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secrets_match(secret: str, expected_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), expected_hash)
