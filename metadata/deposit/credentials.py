"""Repository credentials at rest: Fernet-encrypted with `settings.DEPOSIT_CREDENTIALS_KEY` (by default a
key derived from SECRET_KEY). Decrypted values only ever go into an Authorization header."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

REDACTED = "********"


def _fernet() -> Fernet:
    key = settings.DEPOSIT_CREDENTIALS_KEY or base64.urlsafe_b64encode(
        hashlib.sha256(f"deposit-credentials:{settings.SECRET_KEY}".encode()).digest()
    ).decode()
    return Fernet(key)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""  # the key changed: the repository answers 401 and the librarian re-enters the secret


def redact(text: str, *secrets: str) -> str:
    """`text` with every non-empty secret replaced (for anything that may reach a page or a log)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text
