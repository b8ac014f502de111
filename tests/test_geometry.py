"""Geometry: valid polygons, areas in km² (EPSG:3006) near the sources, point look-up by index."""
import pytest
from shapely.geometry import box

from mapapp.store import dataset
from mapapp.geo import shapes as geo
from conftest import GEODATA


@pytest.fixture(scope="module")
def areas():
    return {a["slug"]: a for a in dataset.load(GEODATA).areas}


def test_all_valid_and_in_wgs84(areas):
    for a in areas.values():
        g = a["geometry"]
        assert g.is_valid and not g.is_empty
        minx, miny, maxx, maxy = g.bounds
        assert 10 < minx < maxx < 25 and 55 < miny < maxy < 70


@pytest.mark.parametrize("slug, km2", [("hageby", 1.54), ("navestad", 0.81), ("skaggetorp", 1.28),
                                       ("norrmalm", 1.77), ("klockaretorpet", 1.41), ("centrala-norrkoping", 0.53)])
def test_area_km2_within_one_percent(areas, slug, km2):
    assert geo.area_km2(areas[slug]["geometry"]) == pytest.approx(km2, rel=0.01)


# MapIt style: tiny literal squares with exact answers.
SQUARES = {"a": box(0, 0, 1, 1), "b": box(1, 0, 2, 1), "c": box(10, 10, 11, 11)}


def test_point_inside_one_square():
    assert geo.AreaIndex(SQUARES).containing(0.5, 0.5) == ["a"]


def test_point_on_shared_edge_is_in_both():
    assert geo.AreaIndex(SQUARES).containing(1.0, 0.5) == ["a", "b"]


def test_point_outside_every_square_has_a_nearest():
    index = geo.AreaIndex(SQUARES)
    assert index.containing(5, 5) == []
    assert index.nearest(9.9, 10.5).key == "c"


@pytest.mark.parametrize("lon, lat, message", [
    ("x", "1", "numbers"), ("200", "1", "lon must be"), ("1", "-91", "lat must be"), ("nan", "1", "finite")])
def test_bad_coordinates_are_refused(lon, lat, message):
    with pytest.raises(ValueError, match=message):
        geo.valid_lon_lat(lon, lat)
