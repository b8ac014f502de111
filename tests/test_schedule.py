"""Follow-up rules and what is known about each due follow-up: recorded, news only, published but not
captured, looked for and not found, not yet due, or unknown — never "not published" without a source."""
import datetime as dt

import pytest

from mapapp.domain.knowledge import known, schedule, to_do
from mapapp.domain.schedule import due_dates

D = dt.date


@pytest.mark.parametrize("rule, start, end, expected", [
    ({"cadence": "semiannual", "months": [5, 11]}, D(2018, 1, 1), D(2019, 12, 31),
     [D(2018, 5, 31), D(2018, 11, 30), D(2019, 5, 31), D(2019, 11, 30)]),
    ({"cadence": "yearly"}, D(2023, 1, 1), D(2024, 12, 31), [D(2023, 12, 31), D(2024, 12, 31)]),
    ({"cadence": "tertial"}, D(2018, 1, 1), D(2018, 12, 31), [D(2018, 4, 30), D(2018, 8, 31), D(2018, 12, 31)]),
    ({"cadence": "once", "due": D(2018, 11, 30)}, D(2018, 1, 1), D(2018, 12, 31), [D(2018, 11, 30)]),
    ({"cadence": "once", "due": None}, D(2018, 1, 1), D(2018, 12, 31), []),
])
def test_due_dates(rule, start, end, expected):
    assert due_dates(rule, start, end) == expected


def test_monthly_has_twelve_a_year():
    assert len(due_dates({"cadence": "monthly"}, D(2021, 1, 1), D(2022, 12, 31))) == 24


def entry(id, date, first=None, last=None, kind="parties", known=None):
    return {"id": id, "date": date, "covers_first": first, "covers_last": last, "kind": kind,
            "known_on": known or date}


def states(s):
    return [w["state"] for w in s["due_dates"]]


def test_recorded_not_due_and_unknown_slots():
    rule = {"cadence": "semiannual", "months": [5, 11]}
    s = schedule(rule, D(2020, 1, 1), D(2021, 12, 31), [entry(1, D(2020, 5, 20))], [], [], as_of=D(2021, 6, 15))
    assert states(s) == ["recorded", "unknown", "unknown", "not_due"]
    assert s["next_due"] == D(2021, 11, 30) and not s["ended"]
    assert s["due_dates"][1]["period"]["label"] == "juni–november 2020"
    assert to_do(s["due_dates"], D(2021, 6, 15)) == [D(2020, 11, 30), D(2021, 5, 31)]


def test_a_slot_covered_by_an_entry_whose_period_covers_it_counts_as_covered():
    """Linköping 2021–2022: an entry on "maj–augusti 2022" covers the May, June, July and August slots."""
    rule = {"cadence": "monthly"}
    e = entry(1, D(2022, 8, 31), D(2022, 5, 1), D(2022, 8, 31))
    s = schedule(rule, D(2021, 1, 1), D(2022, 12, 31), [e], [], [], as_of=D(2026, 12, 2))
    by_month = {w["due"].month: w["state"] for w in s["due_dates"] if w["due"].year == 2022}
    assert [by_month[m] for m in (4, 5, 6, 7, 8, 9)] == ["unknown", "recorded", "recorded", "recorded", "recorded",
                                                         "unknown"]
    assert "försenad" not in str(s) and "published" not in states(s)


def test_a_news_report_alone_is_shown_as_news():
    rule = {"cadence": "monthly"}
    news = entry(1, D(2021, 12, 6), D(2021, 1, 1), D(2021, 12, 6), kind="news")
    s = schedule(rule, D(2021, 1, 1), D(2021, 12, 31), [news], [], [], as_of=D(2026, 12, 2))
    assert set(states(s)) == {"news_only"}
    assert to_do(s["due_dates"], D(2026, 12, 2)) == [w["due"] for w in s["due_dates"]]  # still a planner's to-do


def test_published_but_not_captured_and_looked_for_but_not_found():
    rule = {"cadence": "yearly"}
    report = {"title": "Uppföljning 2018", "captured": False, "url": None,
              "covers": {"first": D(2018, 1, 1), "last": D(2018, 12, 31), "label": "2018"}}
    search = {"looked_for": "Uppföljning 2019", "covers": {"first": D(2019, 1, 1), "last": D(2019, 12, 31)}}
    s = schedule(rule, D(2018, 1, 1), D(2019, 12, 31), [], [report], [search], as_of=D(2026, 12, 2))
    assert states(s) == ["published", "not_found"]
    assert s["due_dates"][0]["report"]["title"] == "Uppföljning 2018"


def test_a_late_final_report_counts_for_the_last_window():
    rule = {"cadence": "yearly"}
    s = schedule(rule, D(2023, 1, 1), D(2024, 12, 31), [entry(1, D(2023, 12, 1)), entry(2, D(2025, 2, 20))], [], [],
                 as_of=D(2025, 6, 1))
    assert states(s) == ["recorded", "recorded"] and s["ended"]


def test_a_year_view_does_not_count_entries_known_later():
    rule = {"cadence": "yearly"}
    late = entry(1, D(2018, 12, 31), known=D(2019, 3, 1))
    for as_of, expected in ((D(2018, 12, 31), ["not_due"]), (D(2019, 12, 31), ["recorded"])):
        seen = known([late], as_of)
        assert states(schedule(rule, D(2018, 1, 1), D(2018, 12, 31), seen, [], [], as_of=as_of)) == expected
