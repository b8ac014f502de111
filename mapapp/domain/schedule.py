"""When follow-ups fall due under a promise's rule, and which are overdue."""
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


def follow_up_schedule(rule: dict, start: dt.date, end: dt.date, reported: list[dt.date],
                       today: dt.date) -> dict:
    """Due dates with whether a follow-up was reported in each window, the next due and the overdue."""
    windows, previous = [], None
    dues = due_dates(rule, start, end)
    for i, due in enumerate(dues):
        # The final report often comes after the period: it counts for the last window for a year.
        until = due + dt.timedelta(days=365) if i == len(dues) - 1 else due
        met = any((previous is None or d > previous) and d <= until for d in reported)
        windows.append({"due": due, "met": met, "overdue": due < today and not met})
        previous = due
    upcoming = [w["due"] for w in windows if w["due"] >= today]
    return {
        "due_dates": windows,
        "next_due": upcoming[0] if upcoming else None,
        "overdue": [w["due"] for w in windows if w["overdue"]],
        "ended": end < today,
    }
