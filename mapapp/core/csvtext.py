"""CSV text for spreadsheets: the one writer every CSV the app serves goes through, formula-safe."""
import csv
import io
from numbers import Number

# A text cell starting with one of these is read as a formula (or a DDE call) by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Number):
        # Numbers stay numbers (-12.5 is a value, not a formula): only text can carry a formula.
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_table(rows: list[list]) -> str:
    """UTF-8 CSV text of rows as they are (the first one a header, if any), every cell neutralised."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([neutralise(v) for v in row] for row in rows)
    return out.getvalue()


def csv_text(header: list[str], rows: list[dict]) -> str:
    """UTF-8 CSV text with a header row; empty cells for missing values, true/false for booleans."""
    return csv_table([header] + [[row.get(k) for k in header] for row in rows])
