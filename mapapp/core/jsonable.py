"""Plain JSON-ready values: dates as ISO text, tuples as lists."""
import datetime as dt


def plain(value):
    """Dates as ISO text, recursively, so a value fits a JSON column or a JSON block on any page."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
