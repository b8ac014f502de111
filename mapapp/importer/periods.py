"""A promise's period in the forms documents write it: ranges, ISO dates, end or start only, extensions."""
import re
from dataclasses import dataclass

from .structure import fold

_MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"]
_Y = r"(?:19|20)\d\d"
_DATE = (rf"(?:(?:\w+dagen\s+)?(?:den\s+)?(?P<d>\d{{1,2}})\s+)?(?P<m>{'|'.join(_MONTHS)})\s+(?P<y>{_Y})"
         rf"|(?P<iso>{_Y}-[01]\d-[0-3]\d)|(?P<year>{_Y})(?!\d|-[01]\d-)")
_POINT = re.compile(_DATE)
_JOIN = r"\s*(?:-|–|—|/|till och med|t\.?\s?o\.?\s?m\.?|till|och)\s*"
_RANGE = re.compile(rf"(?<!\d)(?<!\d-)(?P<a>{_DATE.replace('?P<', '?P<a_')}){_JOIN}(?P<b>{_DATE.replace('?P<', '?P<b_')})")
_VALIDITY = re.compile(r"\b(galler|galla|ar gallande|lop(er|a)|stracker sig|giltig\w*|under perioden|for perioden|avser"
                       r"|omfattar|forlang\w*|undertecknat)\b")
_END_ONLY = re.compile(rf"\b(?:fram\s+)?till(?:\s+och\s+med)?\s+(?:den\s+)?(?P<e>{_DATE.replace('?P<', '?P<e_')})")
_START_ONLY = re.compile(rf"\bfran(?:\s+och\s+med)?\s+(?:den\s+)?(?P<s>{_DATE.replace('?P<', '?P<s_')})")
_UNDER = re.compile(rf"\b(?:under|for|i|galler|lovar vi)\s+(?:hela\s+)?(?:aret\s+|aren\s+)?(?P<u>{_Y})(?![\d-])")
_ALSO = re.compile(rf"\baven (?:for|under) (?P<x>{_Y})\b")
_CUT = re.compile(r"\b(med mojlighet|mojlighet (att|till)|revider\w*|eller till dess)\b")
_START_WORDS = re.compile(rf"\bmed borjan\s+(?:\w+dagen\s+)?(?:den\s+)?(?P<s>{_DATE.replace('?P<', '?P<s_')})")


@dataclass
class Period:
    start: str | None
    end: str | None
    span: tuple[int, int]  # in the text given
    confidence: float
    how: str

    def years(self) -> tuple:
        return (int(self.start[:4]) if self.start else None, int(self.end[:4]) if self.end else None)


def _value(m: re.Match, p: str) -> str:
    g = lambda k: m.group(p + k)  # noqa: E731 - a short local accessor
    if g("iso"):
        return g("iso")
    if g("year"):
        return g("year")
    month = _MONTHS.index(g("m")) + 1
    return f"{g('y')}-{month:02d}" + (f"-{int(g('d')):02d}" if g("d") else "")


def _sane(start: str | None, end: str | None) -> bool:
    if start and end:
        return 0 <= int(end[:4]) - int(start[:4]) <= 6 and start[:len(end)] <= end
    return True


def heading_years(text: str) -> tuple | None:
    """(start, end) years of a heading such as "Medborgarlöfte 2022/2023" or "Medborgarlöften 2018"."""
    found = find(text, heading=True)
    return found.years() if found else None


def find(text: str, heading: bool = False) -> Period | None:
    """The period a sentence or heading states, if it states one."""
    f = fold(text)
    cut = _CUT.search(f)
    if cut:
        f = f[:cut.start()]
    m = _RANGE.search(f)
    if m:
        start, end = _value(m, "a_"), _value(m, "b_")
        if _sane(start, end):
            return Period(start, end, (m.start(), m.end()), 0.9, "range")
    m = _END_ONLY.search(f)
    if m and not heading:
        start_m = _START_ONLY.search(f) or _START_WORDS.search(f)
        start = _value(start_m, "s_") if start_m and start_m.start() < m.start() else None
        end = _value(m, "e_")
        if _sane(start, end):
            a = start_m.start() if start else m.start()
            return Period(start, end, (a, m.end()), 0.85, "from-to" if start else "end only")
    m = _START_ONLY.search(f)
    if m and not heading:
        return Period(_value(m, "s_"), None, (m.start(), m.end()), 0.7, "start only")
    m = _ALSO.search(f)
    if m and not heading:
        first = _POINT.search(f)
        if first and first.start() < m.start():
            return Period(re.search(_Y, first.group()).group(), m.group("x"), (first.start(), m.end()), 0.8,
                          "extended")
    m = re.search(rf"(?<![\d-])(?<!fran )(?<!till )({_Y})(?![\d-])", f) if heading else _UNDER.search(f)
    if m:
        year = m.group(1) if heading else m.group("u")
        return Period(year, year, (m.start(), m.end()), 0.8, "one year")
    return None


def statement_period(text: str) -> Period | None:
    """A period in a sentence that says when the promise is valid ("gäller …", "löper …", "förlänga …")."""
    f = fold(text)
    # "Medborgarlöftet är gillande [OCR: gällande] under åren 2023-2024": the promise named with its years.
    if not (_VALIDITY.search(f) or re.search(r"\bmedborgarloft\w*\b.*\b(fran (och med )?\w*\s?\d"
                                            r"|under (aren|aret|perioden) (19|20)\d\d)", f)):
        return None
    found = find(text)
    if found:
        found.how = "validity sentence, " + found.how
    return found


def commitment_dates(text: str) -> Period | None:
    """Dates inside a commitment ("Med början … 17 november 2016 … fram till och med … 18 maj 2017")."""
    f = fold(text)
    start = _START_WORDS.search(f)
    end = _END_ONLY.search(f)
    if start and end and end.start() > start.start():
        a, b = _value(start, "s_"), _value(end, "e_")
        if _sane(a, b):
            return Period(a, b, (start.start(), end.end()), 0.55, "dates of the first activity")
    return None
