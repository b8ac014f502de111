"""Signed, URL-safe tokens for links sent by mail (itsdangerous): a purpose each, an expiry where one is given."""
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer


class TokenExpired(Exception):
    """The signature is right but the link is older than it may be."""


class TokenInvalid(Exception):
    """Not a token this app signed for this purpose (forged, cut short, or for something else)."""


def make(secret: str, purpose: str, payload, timed: bool = False) -> str:
    """A token for payload; timed tokens carry the time they were made, for read's max_age."""
    serializer = URLSafeTimedSerializer if timed else URLSafeSerializer
    return serializer(secret, salt=purpose).dumps(payload)


def read(secret: str, purpose: str, token: str, max_age: int | None = None):
    """The payload of a token made with the same secret and purpose; max_age (seconds) for timed ones."""
    try:
        if max_age is None:
            return URLSafeSerializer(secret, salt=purpose).loads(token)
        return URLSafeTimedSerializer(secret, salt=purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenExpired() from None
    except (BadSignature, UnicodeError, ValueError):
        raise TokenInvalid() from None
