"""Follow-up rules: due dates per cadence, what is met, next due and overdue."""
import datetime as dt

import pytest

from mapapp.domain.schedule import due_dates, follow_up_schedule

D = dt.date


@pytest.mark.parametrize("rule, start, end, expected", [
    ({"cadence": "semiannual", "months": [5, 11]}, D(2018, 1, 1), D(2019, 12, 31),
     [D(2018, 5, 31), D(2018, 11, 30), D(2019, 5, 31), D(2019, 11, 30)]),
    ({"cadence": "yearly"}, D(2023, 1, 1), D(2024, 12, 31), [D(2023, 12, 31), D(2024, 12, 31)]),
    ({"cadence": "tertial"}, D(2018, 1, 1), D(2018, 12, 31), [D(2018, 4, 30), D(2018, 8, 31), D(2018, 12, 31)]),
    ({"cadence": "once", "due": D(2018, 11, 30)}, D(2018, 1, 1), D(2018, 12, 31), [D(2018, 11, 30)]),
])
def test_due_dates(rule, start, end, expected):
    assert due_dates(rule, start, end) == expected


def test_monthly_has_twelve_a_year():
    assert len(due_dates({"cadence": "monthly"}, D(2021, 1, 1), D(2022, 12, 31))) == 24


def test_met_next_and_overdue():
    rule = {"cadence": "semiannual", "months": [5, 11]}
    s = follow_up_schedule(rule, D(2020, 1, 1), D(2021, 12, 31), [D(2020, 5, 20)], today=D(2021, 6, 15))
    assert [w["met"] for w in s["due_dates"]] == [True, False, False, False]
    assert s["overdue"] == [D(2020, 11, 30), D(2021, 5, 31)]
    assert s["next_due"] == D(2021, 11, 30) and not s["ended"]


def test_a_late_final_report_counts_for_the_last_window():
    rule = {"cadence": "yearly"}
    s = follow_up_schedule(rule, D(2023, 1, 1), D(2024, 12, 31), [D(2023, 12, 1), D(2025, 2, 20)], today=D(2025, 6, 1))
    assert s["overdue"] == [] and s["ended"]
