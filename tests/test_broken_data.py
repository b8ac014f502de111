"""A broken data file stops the load with one clear line naming file, record and field."""
import json

import pytest
import yaml

from mapapp.store import dataset
from mapapp.core.errors import DataError


def load_error(folder) -> str:
    with pytest.raises(DataError) as info:
        dataset.load(folder)
    message = info.value.message
    assert "\n" not in message and "Traceback" not in message
    return message


def edit_yaml(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def edit_areas(folder, change):
    path = folder / "areas.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_missing_field(geodata_copy):
    edit_yaml(geodata_copy / "promises" / "norrmalm-2018.yaml", lambda d: d["commitments"][1].pop("text"))
    assert load_error(geodata_copy) == (
        "promises/norrmalm-2018.yaml: promise 'norrmalm-2018' commitment 2, field 'text': missing required field")


def test_unknown_area_reference(geodata_copy):
    edit_yaml(geodata_copy / "promises" / "norrkoping-2023-2024.yaml",
              lambda d: d["commitments"][2]["areas"].append("atlantis"))
    assert load_error(geodata_copy) == (
        "promises/norrkoping-2023-2024.yaml: promise 'norrkoping-2023-2024' commitment 3, field 'areas': "
        "unknown area 'atlantis'")


def test_invalid_polygon(geodata_copy):
    bowtie = {"type": "Polygon", "coordinates": [[[16.1, 58.5], [16.2, 58.6], [16.2, 58.5], [16.1, 58.6], [16.1, 58.5]]]}
    edit_areas(geodata_copy, lambda d: d["features"][0].__setitem__("geometry", bowtie))
    message = load_error(geodata_copy)
    assert message.startswith("areas.geojson: feature 0 (hageby), field 'geometry': invalid polygon: Self-intersection")


def test_file_in_the_wrong_crs_by_its_crs_member(geodata_copy):
    edit_areas(geodata_copy, lambda d: d.__setitem__("crs", {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}))
    assert load_error(geodata_copy) == (
        "areas.geojson: file, field 'crs': CRS is urn:ogc:def:crs:EPSG::3006; geometry must be WGS84 (EPSG:4326)")


def test_file_in_the_wrong_crs_by_its_coordinates(geodata_copy):
    projected = {"type": "Polygon", "coordinates": [[[568000, 6497000], [569000, 6497000], [569000, 6498000], [568000, 6497000]]]}
    edit_areas(geodata_copy, lambda d: (d.pop("crs", None), d["features"][1].__setitem__("geometry", projected)))
    message = load_error(geodata_copy)
    assert message.startswith("areas.geojson: feature 1 (navestad), field 'geometry': coordinates are not lon/lat")


def test_bad_date(geodata_copy):
    edit_yaml(geodata_copy / "promises" / "norrmalm-2018.yaml", lambda d: d["period"].__setitem__("end", "2018-13-45"))
    assert load_error(geodata_copy) == (
        "promises/norrmalm-2018.yaml: promise 'norrmalm-2018' period, field 'end': '2018-13-45' is not a date (YYYY-MM-DD)")


def test_status_without_evidence(geodata_copy):
    edit_yaml(geodata_copy / "follow_ups.yaml", lambda d: d[0].pop("evidence"))
    assert load_error(geodata_copy) == "follow_ups.yaml: follow-up 1, field 'evidence': status 'pagar' needs evidence"


def test_duplicate_slug(geodata_copy):
    edit_yaml(geodata_copy / "camera_sites.yaml", lambda d: d[1].__setitem__("slug", d[0]["slug"]))
    assert "slug is used twice" in load_error(geodata_copy)


def test_unparseable_yaml(geodata_copy):
    (geodata_copy / "follow_ups.yaml").write_text("- commitment: [unclosed", encoding="utf-8")
    assert load_error(geodata_copy).startswith("follow_ups.yaml: file: not readable as YAML")


def test_seed_command_reports_one_line_and_fails(app, geodata_copy):
    edit_yaml(geodata_copy / "promises" / "norrmalm-2018.yaml", lambda d: d["commitments"][1].pop("text"))
    before = app.test_client().get("/api/promises/norrmalm-2018").get_json()
    result = app.test_cli_runner().invoke(args=["seed", "--data", str(geodata_copy)])
    assert result.exit_code != 0
    assert result.output.strip() == ("Error: promises/norrmalm-2018.yaml: promise 'norrmalm-2018' commitment 2, "
                                     "field 'text': missing required field")
    # Nothing already stored is lost or half-written.
    assert app.test_client().get("/api/promises/norrmalm-2018").get_json() == before
