"""Interface text for requests (in the visitor's language) and for commands (no locale: the Swedish source)."""
from flask import has_request_context
from flask_babel import gettext


def _(text: str, **values) -> str:
    """gettext in a request; outside one the locale selector cannot run, so the source text is used as it is."""
    if has_request_context():
        return gettext(text, **values)
    return text % values if values else text
