"""The dataset holds to its sources: counts, areas, rules, camera sites, lägesbild, provenance."""
import datetime as dt

import pytest

from mapapp.store import dataset
from conftest import GEODATA


@pytest.fixture(scope="module")
def ds():
    return dataset.load(GEODATA)


def promise(ds, slug):
    return next(p for p in ds.promises if p["slug"] == slug)


def commitment(ds, key):
    p_slug, c_slug = key.split("/")
    return next(c for c in promise(ds, p_slug)["commitments"] if c["slug"] == c_slug)


def test_every_seeded_promise_is_there(ds):
    assert {p["slug"] for p in ds.promises} == {
        "norrkoping-2018-2019", "norrkoping-2020-2022", "norrkoping-2023-2024",
        "linkoping-2021-2022", "skaggetorp-2018-2019", "norrmalm-2018"}


@pytest.mark.parametrize("slug, count", [
    ("norrkoping-2018-2019", 4), ("norrkoping-2020-2022", 3), ("norrkoping-2023-2024", 7),
    ("linkoping-2021-2022", 2), ("skaggetorp-2018-2019", 4), ("norrmalm-2018", 4)])
def test_commitment_counts(ds, slug, count):
    assert len(promise(ds, slug)["commitments"]) == count


def test_norrmalm_targets(ds):
    targets = [c["target"] for c in promise(ds, "norrmalm-2018")["commitments"]]
    assert [(t["count"], t["unit"]) for t in targets] == [
        (2, "riktade insatser"), (3, "riktade insatser"), (4, "riktade insatser"), (3, "samverkansforum")]


def test_norrkoping_2023_2024_facts(ds):
    p = promise(ds, "norrkoping-2023-2024")
    assert p["signed"] == dt.date(2023, 4, 3)
    assert (p["period_start"], p["period_end"]) == (dt.date(2023, 1, 1), dt.date(2024, 12, 31))
    assert len(p["dialogue"]["groups"]) == 14
    methods = [c["method"] for c in p["commitments"]]
    assert methods.count("EST") == methods.count("SSPF") == methods.count("SIG") == methods.count("ANDTS") == 1
    assert p["follow_up_rule"]["cadence"] == "yearly"
    assert "kameraövervakning på s.k. hot spots" in commitment(ds, "norrkoping-2023-2024/kamerabevakning-hot-spots")["text"]


@pytest.mark.parametrize("slug, cadence, months", [
    ("norrkoping-2018-2019", "semiannual", [5, 11]), ("norrkoping-2020-2022", "semiannual", [5, 11]),
    ("norrkoping-2023-2024", "yearly", []), ("linkoping-2021-2022", "monthly", []),
    ("skaggetorp-2018-2019", "tertial", []), ("norrmalm-2018", "once", [])])
def test_follow_up_rules(ds, slug, cadence, months):
    rule = promise(ds, slug)["follow_up_rule"]
    assert (rule["cadence"], rule["months"]) == (cadence, months)


def test_norrmalm_is_evaluated_in_autumn_2018(ds):
    assert promise(ds, "norrmalm-2018")["follow_up_rule"]["due"] == dt.date(2018, 11, 30)


@pytest.mark.parametrize("key, areas", [
    ("norrkoping-2018-2019/brottsforebyggande-samverkan", ["klockaretorpet", "hageby", "navestad"]),
    ("norrkoping-2018-2019/kvalls-och-nattvandring", []),
    ("norrkoping-2020-2022/polisiar-synlighet", ["centrala-norrkoping", "hageby"]),
    ("norrkoping-2023-2024/est", ["marielund", "hageby", "navestad", "klockaretorpet", "centrala-norrkoping"]),
    ("norrkoping-2023-2024/sspf", []),
    ("skaggetorp-2018-2019/trafikkontroller", ["skaggetorp"]),
    ("linkoping-2021-2022/fysiska-atgarder", []),
    ("norrmalm-2018/samverkansforum", ["norrmalm"])])
def test_areas_per_commitment(ds, key, areas):
    c = commitment(ds, key)
    assert c["areas"] == areas
    assert c["whole_municipality"] == (not areas)


def test_follow_ups_only_where_published_and_with_evidence(ds):
    keys = {f["commitment"] for f in ds.follow_ups}
    assert keys == {"skaggetorp-2018-2019/fritidsaktiviteter", "skaggetorp-2018-2019/foraldraskapsstod",
                    "linkoping-2021-2022/fysiska-atgarder", "linkoping-2021-2022/trygghetsskapande-narvaro"}
    assert all(f["evidence_url"].startswith("https://") for f in ds.follow_ups)
    assert not any(k.startswith(("norrkoping", "norrmalm")) for k in keys)


def test_camera_sites_and_precision(ds):
    sites = {s["slug"]: s for s in ds.camera_sites}
    norrkoping = sites["norrkoping-beslut-2022-06-10"]
    assert norrkoping["precision"] == "area" and norrkoping["point"] is None
    assert norrkoping["decided"] == dt.date(2022, 6, 10)
    assert set(norrkoping["areas"]) == {"centrala-norrkoping", "hageby", "navestad"}
    skaggetorp = sites["skaggetorp-centrum-plan-2019"]
    assert (skaggetorp["count"], skaggetorp["status"], skaggetorp["precision"]) == (11, "planned", "area")
    sergel = sites["sergels-torg-2018"]
    assert sergel["precision"] == "site" and sergel["point"] == {"lon": 18.0653, "lat": 59.3325}
    assert sergel["decided"] == dt.date(2018, 8, 22)
    # Only a published point is ever a point: no invented coordinates.
    assert [s["slug"] for s in ds.camera_sites if s["point"]] == ["sergels-torg-2018"]


@pytest.mark.parametrize("slug, years", [
    ("hageby", [2015, 2017, 2023, 2025]), ("navestad", [2017, 2019, 2021, 2023, 2025]),
    ("klockaretorpet", [2017, 2019]), ("skaggetorp", [2015, 2017, 2019, 2021, 2023, 2025]),
    ("norrmalm", []), ("marielund", [])])
def test_lagesbild_listed_years(ds, slug, years):
    area = next(a for a in ds.areas if a["slug"] == slug)
    assert [e["year"] for e in area["lagesbild"] if e["status"] == "listed"] == years


def test_skaggetorp_is_sarskilt_utsatt_2015_to_2025(ds):
    area = next(a for a in ds.areas if a["slug"] == "skaggetorp")
    assert {e["category"] for e in area["lagesbild"]} == {"sarskilt_utsatt"}


def test_removals_are_recorded(ds):
    removed = {(a["slug"], e["year"]) for a in ds.areas for e in a["lagesbild"] if e["status"] == "removed"}
    assert removed == {("hageby", 2019), ("klockaretorpet", 2021)}


def test_est_membership(ds):
    members = {a["slug"] for a in ds.areas if a["est"]["member"]}
    assert members == {"marielund", "hageby", "navestad", "klockaretorpet", "centrala-norrkoping"}


@pytest.mark.parametrize("slug, file, ids, attribution", [
    ("hageby", "polisen_utsatta_omraden_2023.geojson", ["Hageby"], "Källa: Polismyndigheten"),
    ("navestad", "polisen_utsatta_omraden_2023.geojson", ["Navestad"], "Källa: Polismyndigheten"),
    ("klockaretorpet", "polisen_utsatta_omraden_historiska.geojson", ["Klockaretorpet"], "Källa: Polismyndigheten"),
    ("centrala-norrkoping", "scb_regso_2025_norrkoping_linkoping_stockholm.geojson", ["0581R006"], "Källa: SCB"),
    ("marielund", "scb_regso_2025_norrkoping_linkoping_stockholm.geojson", ["0581R016", "0581R032"], "Källa: SCB"),
    ("skaggetorp", "polisen_utsatta_omraden_2023.geojson", ["Skäggetorp"], "Källa: Polismyndigheten"),
    ("norrmalm", "stockholm_stadsdel_norrmalm.geojson", ["NORRMALM"], "Källa: Stockholms stad")])
def test_each_area_names_its_source_feature(ds, slug, file, ids, attribution):
    prov = next(a for a in ds.areas if a["slug"] == slug)["provenance"]
    assert (prov["file"], prov["feature_ids"], prov["attribution"]) == (file, ids, attribution)
    assert prov["licence"] and prov["caveat"]


def test_approximations_say_so(ds):
    approx = {a["slug"] for a in ds.areas if a["provenance"]["approximation"]}
    assert approx == {"centrala-norrkoping", "marielund"}
    klock = next(a for a in ds.areas if a["slug"] == "klockaretorpet")["provenance"]["caveat"]
    assert "historisk" in klock


def test_every_promise_cites_its_seed(ds):
    for p in ds.promises:
        assert any(s["seed"] for s in p["sources"]), p["slug"]
        assert any(s["url"] for s in p["sources"]), p["slug"]
