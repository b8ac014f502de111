"""E-mail alerts: what may be followed, and the check an e-mail address must pass before it is kept."""
import re

KINDS = ("area", "promise")  # what an address may follow
LANGUAGES = ("sv", "en")  # the languages a mail is written in
MAX_ADDRESS = 254  # RFC 5321: the longest path an SMTP server must accept

# RFC 5322 dot-atom for the local part (ASCII: an SMTP server without SMTPUTF8 must take it as it is);
# the domain may be internationalised (kommun.se, exempel-åäö.se) and is sent IDNA-encoded.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*\Z")
_LABEL = re.compile(r"[^\W_](?:[\w-]{0,61}[^\W_])?\Z")


class BadAddress(ValueError):
    """Why an address was refused: empty, too_long or invalid."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_address(text: str | None) -> str:
    """The address as it is kept (trimmed, lower case), or BadAddress.

    Anything with a line break or another control character is refused whole, so no input can add a
    header (``a@b.se\\r\\nBcc: x@y``) to a mail."""
    value = (text or "").strip()
    if not value:
        raise BadAddress("empty")
    if len(value) > MAX_ADDRESS:
        raise BadAddress("too_long")
    local, at, domain = value.rpartition("@")
    if not at or len(local) > 64 or not _LOCAL.match(local) or "_" in domain:
        raise BadAddress("invalid")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise BadAddress("invalid")
    try:
        domain.encode("idna")
    except UnicodeError:
        raise BadAddress("invalid") from None
    # One person, one row: Anna@Example.se and anna@example.se share the per-address mail limit.
    return f"{local}@{domain}".lower()


def ascii_address(address: str) -> str:
    """The address for the SMTP envelope and the To header: its domain IDNA-encoded."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}"
