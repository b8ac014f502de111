"""Whole numbers from outside (URL parts, query parameters, form fields), kept within what the database holds."""

# The narrowest integer column is PostgreSQL's INTEGER (ids, versions, counts): a number beyond it can
# name no row, and SQLite or psycopg would fail on it before the query could answer "none".
DB_INT_MAX = 2**31 - 1


def whole_number(text, low: int = 0, high: int = DB_INT_MAX) -> int | None:
    """The number written in text (ASCII digits only) if it lies in [low, high], else None."""
    if not isinstance(text, str) or not (text.isascii() and text.isdigit()):
        return None
    if len(text.lstrip("0")) > len(str(high)):  # before int(): a 5,000-digit string is refused, not converted
        return None
    value = int(text)
    return value if low <= value <= high else None
