"""Stateless resumption tokens: the harvest's arguments and its keyset position, signed (a tampered
token fails) and timestamped (an old token expires). Nothing is kept on the server."""

import datetime

from django.conf import settings
from django.core import signing
from django.utils import timezone

SALT = "metadata.oai.resumption-token"


class BadToken(Exception):
    pass


def token_dump(state: dict) -> tuple[str, datetime.datetime]:
    """The token and its expiry."""
    return (signing.dumps(state, salt=SALT, compress=True),
            timezone.now() + datetime.timedelta(seconds=settings.OAI_TOKEN_TTL))


def token_load(token: str) -> dict:
    try:
        state = signing.loads(token, salt=SALT, max_age=settings.OAI_TOKEN_TTL)
    except (signing.BadSignature, ValueError, UnicodeError) as error:
        raise BadToken(str(error)) from None
    if not isinstance(state, dict):
        raise BadToken("malformed")
    return state
