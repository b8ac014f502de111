"""URL converters."""
from werkzeug.routing import BaseConverter


class SlugConverter(BaseConverter):
    """Slugs are lower-case words joined by hyphens; a dot starts a format suffix."""

    regex = r"[A-Za-z0-9_-]+"
