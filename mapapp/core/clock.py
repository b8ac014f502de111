"""The date the app reasons with: the real date, or a fixed one for tests and demos."""
import datetime as dt


def today(app=None) -> dt.date:
    """Today, or the configured TODAY (so tests and demos are repeatable)."""
    from flask import current_app
    value = (app or current_app).config["TODAY"]
    if value:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return dt.date.today()
