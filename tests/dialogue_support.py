"""Shared by the dialogue tests: a saved presentation, a session opened through the planner's form, and
phones (one client each, no sign-in) that answer through the real page with its CSRF token."""
import re

from werkzeug.datastructures import MultiDict

from mapapp.store import presentations as presentation_store
from mapapp.store.db import session_factory
from planner_support import csrf_token

PROMISE = "norrkoping-2023-2024"
PRESENTATION = "dialog-hageby-navestad"
AREAS = ["hageby", "navestad"]
EST = f"{PROMISE}/est"  # names Hageby only; the others reach the whole municipality
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def save_presentation(app, areas=AREAS) -> str:
    """A saved presentation of the Norrköping promise for areas, with every commitment, made by 'planner'."""
    from mapapp.core.clock import today
    from mapapp.render import world as worlds
    with app.app_context(), session_factory(app)() as session:
        promise = worlds.promise(session, today(app), PROMISE)
        keys = [c["key"] for c in promise["commitments"]]
        presentation_store.create_presentation(session, PROMISE, {"slug": PRESENTATION, "name": "Dialog i Hageby",
                                                                  "areas": list(areas), "commitments": keys},
                                               "planner")
    return PRESENTATION


def open_session(planner, place="Hageby bibliotek", day="2026-11-23") -> str:
    """Open a session through the form; returns its code."""
    token = csrf_token(planner, f"/planner/dialogues/new?presentation={PRESENTATION}")
    answer = planner.post("/planner/dialogues/new", data={"csrf_token": token, "presentation": PRESENTATION,
                                                          "held_on": day, "place": place})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    return answer.headers["Location"].rstrip("/").rsplit("/", 1)[1]


def planner_post(planner, code, path, **data):
    token = csrf_token(planner, f"/planner/dialogues/{code}")
    return planner.post(f"/planner/dialogues/{code}{path}", data={"csrf_token": token, **data})


class Phone:
    """One phone in the room: its own cookie jar, the page's CSRF token, the answers form."""

    def __init__(self, app, code):
        self.client, self.code, self.token = app.test_client(), code, None

    def page(self):
        answer = self.client.get(f"/d/{self.code}")
        found = _TOKEN.search(answer.get_data(as_text=True))
        self.token = found.group(1) if found else self.token  # a closed dialogue's page has no form
        return answer

    def post(self, **data):
        self.page()
        return self.client.post(f"/d/{self.code}", data={"csrf_token": self.token, **data})

    def choose(self, area):
        return self.post(step="area", area=area)

    def answer(self, area, ratings=None, themes=(), lon=None, lat=None, question=None):
        data = {"area": area, **{f"rate:{k}": str(v) for k, v in (ratings or {}).items()}}
        form = list(data.items()) + [("themes", t) for t in themes]
        if lon is not None:
            form += [("lon", str(lon)), ("lat", str(lat))]
        if question is not None:
            form.append(("question", question))
        self.page()
        return self.client.post(f"/d/{self.code}", data=MultiDict([("csrf_token", self.token)] + form))

    def state(self):
        return self.client.get(f"/d/{self.code}.json").get_json()


def inside(app, area: str, step_m: float = 0) -> tuple[float, float]:
    """A lon/lat inside the area (its representative point), moved step_m metres east if asked."""
    import json

    import pyproj
    from shapely.geometry import shape
    from sqlalchemy import select

    from mapapp.store.models import Area
    with app.app_context(), session_factory(app)() as session:
        geometry = json.loads(session.scalar(select(Area.geometry).where(Area.slug == area)))
    point = shape(geometry).representative_point()
    if not step_m:
        return round(point.x, 6), round(point.y, 6)
    there = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    back = pyproj.Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    e, n = there.transform(point.x, point.y)
    lon, lat = back.transform(e + step_m, n)
    return round(lon, 6), round(lat, 6)
