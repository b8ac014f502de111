"""Reuse at national size (issue 14): one read per reused answer, shapes made per area, caches bounded in bytes."""
import gc
import json

from sqlalchemy import event, text

from mapapp.core.cache import Cache, app_cache, gc_paused, size_of
from mapapp.geo.national import band_for
from mapapp.store.db import get_session
from mapapp.store.versions import version_of as _version_of

CITY = "/api/areas.geojson?bbox=16.1,58.55,16.25,58.65&zoom=12"  # Norrköping's centre at a city zoom


def _statements(app, fn) -> list[str]:
    seen = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)
    engine = app.extensions["mapapp_engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def test_a_reused_areas_answer_reads_the_data_version_once_and_nothing_else(app, client, monkeypatch):
    from mapapp.http import pagecache
    first = client.get(CITY)
    assert first.status_code == 200 and first.headers["ETag"]
    reads = []
    monkeypatch.setattr(pagecache, "version_of", lambda engine: reads.append(1) or _version_of(engine))
    again = _statements(app, lambda: client.get(CITY))
    # The version is read on a raw DBAPI cursor (no SQLAlchemy statement), once; nothing else is read.
    assert again == [] and reads == [1]
    assert client.get(CITY, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_the_areas_answer_is_the_same_bytes_and_etag_from_a_second_worker(app, client, tmp_path):
    from conftest import make_app
    other = make_app(tmp_path / "other", DATABASE_URL=app.config["DATABASE_URL"], AUTO_SEED=False)
    a, b = client.get(CITY), other.test_client().get(CITY)
    assert a.get_data() == b.get_data() and a.headers["ETag"] == b.headers["ETag"]


def test_a_city_view_simplifies_only_its_own_areas(app, client):
    features = client.get(CITY).get_json()["features"]
    assert 0 < len(features) < 7
    shapes = app_cache(app, "shapes", "SHAPE_CACHE_BYTES", by_bytes=True)
    band = band_for(12).name
    kept = {key[-1] for key in list(shapes._lru) if key[0] == "band" and key[1] == band}
    assert kept == {f["id"] for f in features}
    stored = {key[-1] for key in list(shapes._lru) if key[0] == "shape"}
    assert stored == kept  # not every area's stored geometry either


def test_the_areas_answer_has_the_stored_geometry_without_a_bbox(client):
    from mapapp.store import areas as area_store
    answer = client.get("/api/areas.geojson").get_json()
    with client.application.test_request_context():
        stored = area_store.geometry_texts(get_session())
    assert {f["id"]: f["geometry"] for f in answer["features"]} == {k: json.loads(v) for k, v in stored.items()}


def test_municipality_boxes_come_from_the_database_and_cover_every_area(app):
    from mapapp.store import areas as area_store
    with app.test_request_context():
        session = get_session()
        boxes, by_area = area_store.municipality_boxes(session), area_store.area_boxes(session)
        codes = dict(session.execute(text("SELECT slug, municipality_code FROM area")).all())
    for code, box in boxes.items():
        mine = [b for slug, b in by_area.items() if codes[slug] == code]
        assert box == [min(b[0] for b in mine), min(b[1] for b in mine), max(b[2] for b in mine),
                       max(b[3] for b in mine)]


def test_every_data_cache_is_bounded_in_bytes_by_a_setting(app, client):
    for path in ("/", "/index.json", "/area/hageby", "/promise/norrkoping-2023-2024", CITY, "/api/areas.geojson",
                 "/api/point/16.16,58.59"):
        assert client.get(path).status_code == 200, path
    caches = app.extensions["mapapp_caches"]
    assert {"worlds", "maps", "shapes", "pages"} <= set(caches)
    for name, cache in caches.items():
        assert cache._lru.getsizeof(b"x" * 100) == 164, name  # weighed in bytes, not counted
        assert 0 < cache.currsize <= cache._lru.maxsize, name


def test_a_world_is_weighed_with_room_for_its_promise_details(app):
    from mapapp.core.clock import today
    from mapapp.render import world as worlds
    with app.test_request_context():
        world = worlds.get(get_session(), today())
    assert world.nbytes > app.config["WORLD_DETAIL_BYTES"] > 0
    assert world.details._lru.maxsize == app.config["WORLD_DETAIL_BYTES"]


def test_size_of_counts_text_exactly_samples_big_containers_and_asks_objects():
    assert size_of("abc") == 67 and size_of(b"abcd") == 68
    small = size_of(["x" * 100] * 10)
    big = size_of(["x" * 100] * 1000)
    assert 90 * small < big < 110 * small  # sampled, scaled to every item
    assert size_of({"name": "x" * 1000}) == size_of({"z" * 1000: "x" * 1000})  # text keys: names or slugs kept anyway

    class Holder:
        nbytes = 12345
    assert size_of(Holder()) == 12345
    cache = Cache(1000, by_bytes=True)
    cache.set("big", "x" * 2000)  # larger than the bound: not kept, no error
    assert cache.get("big") is None


def test_builds_hold_the_garbage_collector_and_give_it_back():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    cache = Cache(4)
    assert cache.get_or_build("k", lambda: gc.isenabled()) is False and gc.isenabled()
    try:
        with gc_paused():
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()
