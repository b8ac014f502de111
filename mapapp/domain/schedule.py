"""When follow-ups fall due under a promise's rule (what is known about each: knowledge.py)."""
import calendar
import datetime as dt

_MONTHS = {
    "yearly": [12],
    "tertial": [4, 8, 12],
    "quarterly": [3, 6, 9, 12],
    "monthly": list(range(1, 13)),
}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def due_dates(rule: dict, start: dt.date, end: dt.date) -> list[dt.date]:
    """Every date within the promise period by which a follow-up is due (end of the due month)."""
    if rule["cadence"] == "once":
        return [rule["due"]] if rule.get("due") else []
    months = rule.get("months") or _MONTHS[rule["cadence"]]
    dates = [_month_end(y, m) for y in range(start.year, end.year + 1) for m in sorted(months)]
    return [d for d in dates if start <= d <= end]
