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


# --- Issue 12: one clear line for each new check ---

def promise_file(folder, slug):
    return folder / "promises" / f"{slug}.yaml"


@pytest.mark.parametrize("value, problem", [
    ("2018-13", "'2018-13' is not a month (YYYY-MM)"),
    ("hösten 2018", "'hösten 2018' is not a year (YYYY), a month (YYYY-MM) or a date (YYYY-MM-DD)"),
    (True, "'True' is not a year (YYYY), a month (YYYY-MM) or a date (YYYY-MM-DD)")])
def test_period_forms(geodata_copy, value, problem):
    edit_yaml(promise_file(geodata_copy, "norrmalm-2018"), lambda d: d["period"].__setitem__("start", value))
    assert load_error(geodata_copy) == (
        f"promises/norrmalm-2018.yaml: promise 'norrmalm-2018' period, field 'start': {problem}")


def test_period_in_years_ends_before_it_starts(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "linkoping-2021-2022"), lambda d: d["period"].update(start=2022, end="2021-06"))
    assert load_error(geodata_copy) == (
        "promises/linkoping-2021-2022.yaml: promise 'linkoping-2021-2022' period, field 'end': period ends before it starts")


def test_due_label_without_due(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrkoping-2020-2022"),
              lambda d: d["follow_up_rule"].__setitem__("due_label", "hösten"))
    assert load_error(geodata_copy) == ("promises/norrkoping-2020-2022.yaml: promise 'norrkoping-2020-2022' "
                                        "follow_up_rule, field 'due_label': a due label needs a due value")


def test_once_rule_needs_a_due_value(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrmalm-2018"), lambda d: d["follow_up_rule"].pop("due"))
    assert load_error(geodata_copy) == ("promises/norrmalm-2018.yaml: promise 'norrmalm-2018' follow_up_rule, "
                                        "field 'due': missing required field")


def test_unknown_cadence(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrmalm-2018"),
              lambda d: d["follow_up_rule"].__setitem__("cadence", "sometimes"))
    assert "field 'cadence': 'sometimes' is not one of" in load_error(geodata_copy)


def follow_up(data, label):
    return next(f for f in data if f.get("date_label") == label)


def test_evidence_without_kind(geodata_copy):
    edit_yaml(geodata_copy / "follow_ups.yaml", lambda d: d[0]["evidence"].pop("kind"))
    assert load_error(geodata_copy) == "follow_ups.yaml: follow-up 1 evidence, field 'kind': missing required field"


def test_evidence_of_an_unknown_kind(geodata_copy):
    edit_yaml(geodata_copy / "follow_ups.yaml", lambda d: d[0]["evidence"].__setitem__("kind", "blog"))
    assert load_error(geodata_copy) == (
        "follow_ups.yaml: follow-up 1 evidence, field 'kind': 'blog' is not one of news, other, parties")


def test_date_is_the_last_day_covered(geodata_copy):
    edit_yaml(geodata_copy / "follow_ups.yaml", lambda d: d[0].__setitem__("date", "2019-06-30"))
    assert load_error(geodata_copy) == (
        "follow_ups.yaml: follow-up 1, field 'date': the date is the last day covered (2019-08-31), not 2019-06-30")


def test_follow_up_without_covers_needs_a_date(geodata_copy):
    edit_yaml(geodata_copy / "follow_ups.yaml", lambda d: d[0].pop("covers"))
    assert load_error(geodata_copy) == "follow_ups.yaml: follow-up 1, field 'date': missing required field"


def test_published_before_the_period_covered(geodata_copy):
    edit_yaml(geodata_copy / "follow_ups.yaml", lambda d: d[0].__setitem__("published", "2018-12"))
    assert load_error(geodata_copy) == (
        "follow_ups.yaml: follow-up 1, field 'published': published before the period it reports on began")


def test_report_must_say_covers_even_when_unknown(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrkoping-2020-2022"), lambda d: d["follow_up_reports"][0].pop("covers"))
    assert load_error(geodata_copy) == (
        "promises/norrkoping-2020-2022.yaml: promise 'norrkoping-2020-2022' follow-up report 1, field 'covers': "
        "missing required field (write null when unknown)")


def test_report_of_an_unknown_kind(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrkoping-2020-2022"), lambda d: d["follow_up_reports"][0].__setitem__("kind", "rumour"))
    assert "follow-up report 1, field 'kind': 'rumour' is not one of news, other, parties" in load_error(geodata_copy)


def test_report_needs_where_it_was_seen(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrkoping-2020-2022"), lambda d: d["follow_up_reports"][0]["seen_in"].pop("url"))
    assert load_error(geodata_copy) == (
        "promises/norrkoping-2020-2022.yaml: promise 'norrkoping-2020-2022' follow-up report 1 seen_in, field 'url': "
        "missing required field")


def test_captured_report_without_entries(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrkoping-2020-2022"), lambda d: d["follow_up_reports"][0].__setitem__("captured", True))
    assert load_error(geodata_copy) == (
        "promises/norrkoping-2020-2022.yaml: promise 'norrkoping-2020-2022' follow-up report 1, field 'captured': "
        "no follow_ups.yaml entry cites this report's url or copy url")


def test_report_not_captured_but_entered(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "skaggetorp-2018-2019"), lambda d: d["follow_up_reports"][0].__setitem__("captured", False))
    assert load_error(geodata_copy) == (
        "promises/skaggetorp-2018-2019.yaml: promise 'skaggetorp-2018-2019' follow-up report 1, field 'captured': "
        "follow_ups.yaml has entries from it (fritidsaktiviteter, foraldraskapsstod): set captured: true")


def test_search_must_say_where(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrmalm-2018"), lambda d: d["follow_up_searches"][0].__setitem__("where", []))
    assert load_error(geodata_copy) == ("promises/norrmalm-2018.yaml: promise 'norrmalm-2018' follow-up search 1, "
                                        "field 'where': say where the search was made")


def test_search_must_cite_its_record(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrmalm-2018"), lambda d: d["follow_up_searches"][0].pop("source"))
    assert load_error(geodata_copy) == ("promises/norrmalm-2018.yaml: promise 'norrmalm-2018' follow-up search 1, "
                                        "field 'source': missing required field")


def test_search_window_runs_forwards(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrmalm-2018"),
              lambda d: d["follow_up_searches"][0]["searched"].__setitem__("not_after", "2025-01-01"))
    assert load_error(geodata_copy) == ("promises/norrmalm-2018.yaml: promise 'norrmalm-2018' follow-up search 1 "
                                        "searched, field 'not_after': the search window ends before it starts")


def test_search_result(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrmalm-2018"), lambda d: d["follow_up_searches"][0].__setitem__("result", "late"))
    assert "follow-up search 1, field 'result': 'late' is not one of none_found" in load_error(geodata_copy)


def camera(data, slug):
    return next(c for c in data if c["slug"] == slug)


def test_camera_status_needs_its_date(geodata_copy):
    edit_yaml(geodata_copy / "camera_sites.yaml", lambda d: camera(d, "berga-centrum-2021").pop("status_as_of"))
    assert load_error(geodata_copy) == "camera_sites.yaml: camera site 5, field 'status_as_of': missing required field"


def test_camera_status_not_before_the_decision(geodata_copy):
    edit_yaml(geodata_copy / "camera_sites.yaml", lambda d: camera(d, "sergels-torg-2018").__setitem__("status_as_of", "2018-07"))
    assert load_error(geodata_copy) == (
        "camera_sites.yaml: camera site 6, field 'status_as_of': the status is dated before the decision")


def test_camera_reported_not_before_the_decision(geodata_copy):
    edit_yaml(geodata_copy / "camera_sites.yaml", lambda d: camera(d, "sergels-torg-2018").__setitem__("reported", 2017))
    assert load_error(geodata_copy) == (
        "camera_sites.yaml: camera site 6, field 'reported': reported before the decision date")


def test_approximate_point_says_what_it_approximates(geodata_copy):
    edit_yaml(geodata_copy / "camera_sites.yaml", lambda d: camera(d, "sergels-torg-2018").pop("location_note"))
    assert load_error(geodata_copy) == (
        "camera_sites.yaml: camera site 6, field 'location_note': an approximate point says what it approximates")


def commitment_of(data, slug):
    return next(c for c in data["commitments"] if c["slug"] == slug)


def test_inferred_areas_say_why(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrkoping-2023-2024"), lambda d: commitment_of(d, "est").pop("areas_note"))
    assert load_error(geodata_copy) == ("promises/norrkoping-2023-2024.yaml: promise 'norrkoping-2023-2024' "
                                        "commitment 3, field 'areas_note': missing required field")


def test_empty_area_list_is_not_the_whole_municipality(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrkoping-2020-2022"),
              lambda d: commitment_of(d, "ungdomar-i-riskzon").__setitem__("areas", []))
    assert load_error(geodata_copy) == (
        "promises/norrkoping-2020-2022.yaml: promise 'norrkoping-2020-2022' commitment 2, field 'areas': "
        "an empty list names no area: write 'all' for the whole municipality, or name the places that are not on "
        "the map in areas_outside_map")


def test_whole_municipality_names_no_other_places(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrkoping-2020-2022"),
              lambda d: commitment_of(d, "ungdomar-i-riskzon").__setitem__("areas_outside_map", ["Ljura"]))
    assert load_error(geodata_copy) == (
        "promises/norrkoping-2020-2022.yaml: promise 'norrkoping-2020-2022' commitment 2, "
        "field 'areas_outside_map': a commitment for the whole municipality names no other places")


def test_commitment_group_must_exist(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "linkoping-2023-2024"),
              lambda d: commitment_of(d, "krogmiljo").__setitem__("group", "krog"))
    assert load_error(geodata_copy) == (
        "promises/linkoping-2023-2024.yaml: promise 'linkoping-2023-2024' commitment 3, field 'group': "
        "'krog' is not one of narkotika, trafiksakerhet, trygghet")


def test_commitment_group_required_when_the_promise_has_groups(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "linkoping-2023-2024"), lambda d: commitment_of(d, "krogmiljo").pop("group"))
    assert load_error(geodata_copy) == ("promises/linkoping-2023-2024.yaml: promise 'linkoping-2023-2024' "
                                        "commitment 3, field 'group': missing required field")


def test_inferred_group_says_why(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "linkoping-2023-2024"),
              lambda d: commitment_of(d, "kamerabevakning").pop("group_note"))
    assert load_error(geodata_copy) == ("promises/linkoping-2023-2024.yaml: promise 'linkoping-2023-2024' "
                                        "commitment 5, field 'group_note': an inferred group says why")


def test_truncated_text_says_so(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrkoping-2020-2022"),
              lambda d: commitment_of(d, "polisiar-synlighet").__setitem__("text_truncated", True))
    assert load_error(geodata_copy) == ("promises/norrkoping-2020-2022.yaml: promise 'norrkoping-2020-2022' "
                                        "commitment 1, field 'text_note': missing required field")


def test_truncated_source_says_so(geodata_copy):
    edit_yaml(promise_file(geodata_copy, "norrmalm-2018"), lambda d: d.__setitem__("source_truncated", True))
    assert load_error(geodata_copy) == (
        "promises/norrmalm-2018.yaml: promise 'norrmalm-2018', field 'source_note': missing required field")
    edit_yaml(promise_file(geodata_copy, "norrmalm-2018"),
              lambda d: (d.__setitem__("source_note", "x"), d["sources"][0].__setitem__("truncated", True)))
    assert load_error(geodata_copy) == (
        "promises/norrmalm-2018.yaml: promise 'norrmalm-2018' source 1, field 'note': missing required field")


def test_est_note_from_another_source_names_it(geodata_copy):
    edit_yaml(geodata_copy / "areas.yaml", lambda d: d["klockaretorpet"]["est"]["notes"][0].pop("source"))
    assert load_error(geodata_copy) == (
        "areas.yaml: area 'klockaretorpet' est note 1, field 'source': missing required field")


def test_an_error_quoting_what_a_user_sent_stays_one_line_and_shows_hidden_characters():
    from mapapp.core.errors import DataError, MapappError
    assert MapappError("fick \r0\n").message == "fick \\r0\\n"
    assert MapappError("namn \u202eevil").message == "namn \\u202eevil"  # a right-to-left override shown, not obeyed
    assert MapappError("Skäggetorp – 1\u00a0234 m²").message == "Skäggetorp – 1\u00a0234 m²"  # text as it is
    assert str(DataError("a.yaml", "post 2", "slug", "fick \x00")) == "a.yaml: post 2, field 'slug': fick \\x00"
