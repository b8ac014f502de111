"""Time as the sources give it: a year, a month or a day; periods printed as a Swedish source prints them;
and a promise's state relative to a date (upcoming, in force, ended)."""
import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .vocab import N_

_YEAR = re.compile(r"\d{4}")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_DAY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
             "november", "december")
PRECISIONS = ("year", "month", "day")


@dataclass(frozen=True)
class When:
    """A point in time at the precision a source gives it: a year, a month or a day.

    `first` and `last` are the first and last day it can mean (2018 -> 2018-01-01 and 2018-12-31)."""

    precision: str
    first: dt.date
    last: dt.date

    @property
    def value(self) -> str:
        """The canonical written form: "2018", "2018-05" or "2018-05-03"."""
        if self.precision == "year":
            return f"{self.first.year:04d}"
        if self.precision == "month":
            return f"{self.first.year:04d}-{self.first.month:02d}"
        return self.first.isoformat()

    @property
    def label(self) -> str:
        """As a Swedish source prints it: "2018", "maj 2022", "3 april 2023"."""
        if self.precision == "year":
            return str(self.first.year)
        if self.precision == "month":
            return f"{MONTHS_SV[self.first.month - 1]} {self.first.year}"
        return f"{self.first.day} {MONTHS_SV[self.first.month - 1]} {self.first.year}"

    def as_dict(self, label: str | None = None) -> dict:
        return {"value": self.value, "precision": self.precision, "first": self.first, "last": self.last,
                "label": label or self.label}


def span_label(start: When, end: When) -> str:
    """A period as a Swedish source prints it: "2018", "2021–2022", "maj–augusti 2022",
    "mars 2019–december 2020"."""
    if start == end:
        return start.label
    if start.precision == end.precision == "month" and start.first.year == end.first.year:
        return f"{MONTHS_SV[start.first.month - 1]}–{end.label}"
    return f"{start.label}–{end.label}"


def parse_when(value) -> When:
    """A year (2018 or "2018"), a month ("2018-05") or a date; ValueError with the expected form otherwise."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return When("day", value, value)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"'{value}' is not a year (YYYY), a month (YYYY-MM) or a date (YYYY-MM-DD)")
    text = str(value).strip()
    if _YEAR.fullmatch(text) and 1000 <= int(text):
        year = int(text)
        return When("year", dt.date(year, 1, 1), dt.date(year, 12, 31))
    if (m := _MONTH.fullmatch(text)) and 1 <= int(m.group(2)) <= 12:
        year, month = int(m.group(1)), int(m.group(2))
        return When("month", dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))
    if _DAY.fullmatch(text):
        try:
            day = dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
        except ValueError:
            raise ValueError(f"'{value}' is not a date (YYYY-MM-DD)") from None
        return When("day", day, day)
    if _MONTH.fullmatch(text):
        raise ValueError(f"'{value}' is not a month (YYYY-MM)")
    raise ValueError(f"'{value}' is not a year (YYYY), a month (YYYY-MM) or a date (YYYY-MM-DD)")




# A promise relative to a date: the words the pages use.
PROMISE_STATES = {"upcoming": N_("kommande"), "in_force": N_("gäller"), "ended": N_("avslutat")}


def promise_state(start: dt.date, end: dt.date, on: dt.date) -> str:
    """upcoming before the period, in_force during it, ended after it."""
    if on < start:
        return "upcoming"
    return "ended" if end < on else "in_force"


def period_label(first: dt.date, last: dt.date) -> str:
    """A stored first..last day span printed at the coarsest precision it fits ("2018", "maj–augusti 2022")."""
    if first.month == 1 and first.day == 1 and last.month == 12 and last.day == 31:
        start, end = When("year", first, dt.date(first.year, 12, 31)), When("year", dt.date(last.year, 1, 1), last)
    elif first.day == 1 and last == dt.date(last.year, last.month, calendar.monthrange(last.year, last.month)[1]):
        start = When("month", first, dt.date(first.year, first.month, calendar.monthrange(first.year, first.month)[1]))
        end = When("month", dt.date(last.year, last.month, 1), last)
    else:
        start, end = When("day", first, first), When("day", last, last)
    return span_label(start, end)
