"""The map's cached area features are shared: no caller changes them, and 'no areas' is not 'every area'."""
from conftest import TODAY, make_app

from mapapp.render import mapdata, opendata
from mapapp.store.db import get_session


def test_no_areas_and_every_area_are_kept_apart(app):
    with app.test_request_context("/"):
        session = get_session()
        assert mapdata.area_features(session, TODAY, slugs=[]) == []
        assert len(mapdata.area_features(session, TODAY)) == 7
        assert mapdata.area_features(session, TODAY, slugs=[]) == []


def test_the_open_data_export_leaves_the_maps_features_as_they_were(app):
    with app.test_request_context("/"):
        session = get_session()
        exported = opendata.area_features(session, TODAY)
        assert all("provenance" in f["properties"] for f in exported)
        assert not any("provenance" in f["properties"] for f in mapdata.area_features(session, TODAY))


def test_all_promises_link_leads_to_the_municipalities_at_national_size(tmp_path, seeded_template):
    import shutil
    shutil.copy(seeded_template, tmp_path / "test.sqlite")
    app = make_app(tmp_path, MAP_INLINE_AREAS=2)  # the seven areas count as a national data set
    page = app.test_client().get("/").get_data(as_text=True)
    section = page[page.index('<section id="promises"'):]
    section = section[:section.index("</section>")]
    assert "hidden" not in section.split(">")[0]
    assert 'href="#municipalities-heading"' in section
    app.extensions["mapapp_engine"].dispose()


def test_every_promise_read_at_once_is_the_same_as_one_by_one(app):
    from mapapp.render import world as worlds
    with app.test_request_context("/"):
        session = get_session()
        at_once = worlds.all_promises(session, TODAY)
        assert [p["slug"] for p in at_once] == list(worlds.get(session, TODAY).promises)
        assert at_once == [worlds.promise(session, TODAY, p["slug"]) for p in at_once]
