"""URL converters and whole-number query parameters, both bounded by what the database holds."""
from flask import request
from werkzeug.routing import BaseConverter, IntegerConverter, ValidationError

from ..core.bounds import DB_INT_MAX, whole_number
from ..core.errors import MapappError


class SlugConverter(BaseConverter):
    """Slugs are lower-case words joined by hyphens; a dot starts a format suffix."""

    regex = r"[A-Za-z0-9_-]+"


class IdConverter(IntegerConverter):
    """<int:...> for every route: a number beyond the database's range matches nothing (a 404), never a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits, 0 if min is None else min, DB_INT_MAX if max is None else max, signed)

    def to_python(self, value: str):
        number = whole_number(value, self.min, self.max)
        if number is None:
            raise ValidationError()
        return number


def int_arg(name: str, low: int = 0, high: int = DB_INT_MAX, default: int | None = None, required: bool = False,
            message: str | None = None) -> int | None:
    """A whole-number query parameter in [low, high]; anything else (a 30-digit id too) is a 400."""
    text = request.args.get(name)
    if text is None:
        if required:
            raise MapappError(message or f"{name} is required: a whole number from {low} to {high}")
        return default
    value = whole_number(text, low, high)
    if value is None:
        raise MapappError(message or f"{name} must be a whole number from {low} to {high}")
    return value
