"""The gazetteer: places named in a document matched to police, RegSO or stadsdel polygons."""
from mapapp.core.paths import resource_dir
from mapapp.geo.gazetteer import polygon
from mapapp.importer.gazetteer import load
from mapapp.importer.output import read_text


def areas(text: str) -> dict:
    (p,) = read_text(text)["promises"]
    return {a["name"]: a["match"] for a in p["areas"]}


def test_gazetteer_holds_the_municipalities_and_every_dataset():
    gaz = load()
    assert len(gaz.municipalities) == 290
    counts = {k: v["features"] for k, v in gaz.datasets.items()}
    assert counts == {"polisen-2023": 59, "polisen-2021": 61, "polisen-historiska": 4, "stockholm-stadsdel": 1,
                      "scb-regso-2025": 3363}
    assert all(v["licence"] and v["attribution"] for v in gaz.datasets.values())


def test_araby_and_gottsunda_get_the_police_polygon_of_that_name():
    found = areas("Medborgarlöfte 2024\n\nVi lovar att:\n\n• Öka närvaron i Araby.\n• Synas mer i Gottsunda.\n")
    assert found["Araby"]["dataset"] == "polisen-2023" and found["Araby"]["kind"] == "exact"
    assert found["Gottsunda"]["name"] == "Gottsunda" and found["Gottsunda"]["kind"] == "exact"
    geometry = polygon(load().datasets.get(found["Araby"]["dataset"]), found["Araby"]["id"], resource_dir("geodata"))
    assert geometry["type"] in ("Polygon", "MultiPolygon")


def test_oxhagen_is_only_a_candidate_for_oxhagen_varberga():
    found = areas("Örebro kommun\n\nMedborgarlöfte 2024\n\nVi lovar att:\n\n• Öka närvaron i Oxhagen.\n")
    match = found["Oxhagen"]
    assert (match["dataset"], match["name"], match["kind"]) == ("polisen-2023", "Oxhagen / Varberga", "candidate")
    assert match["confidence"] < 0.6


def test_a_regso_name_matches_its_regso_polygon_within_the_municipality():
    found = areas("Kalmar kommun\n\nMedborgarlöfte 2022\n\nVi lovar att:\n\n• Öka närvaron i Norrliden.\n"
                  "• Synas i Oxhagen.\n")
    assert (found["Norrliden"]["dataset"], found["Norrliden"]["kind"]) == ("scb-regso-2025", "exact")
    # Kalmar's Oxhagen is part of a RegSO, never Örebro's police area of that name.
    assert found["Oxhagen"]["dataset"] == "scb-regso-2025" and found["Oxhagen"]["kind"] == "candidate"
    assert polygon(load().datasets["scb-regso-2025"], found["Norrliden"]["id"], resource_dir("geodata"))["type"] in (
        "Polygon", "MultiPolygon")


def test_accent_case_and_inflection_tolerant():
    gaz = load()
    assert gaz.match("Skaggetorp", ["0580"]).place.name == "Skäggetorp"
    centre = gaz.match("Skäggetorps centrum", ["0580"])
    assert centre.place.name == "Skäggetorp" and centre.kind == "candidate"
    assert gaz.match("NAVESTAD").kind == "exact"
    split = gaz.match("Berga/Funkabo", ["0880"])
    assert split.kind == "candidate" and split.place.dataset == "scb-regso-2025"
    found = areas("Norrköpings kommun\n\nMedborgarlöfte 2020\n\nVi lovar att:\n\n• Öka närvaron i Navestad.\n")
    assert found["Navestad"]["name"] == "Navestad"


def test_unmatched_names_stay_named_places_without_a_polygon():
    found = areas("Exempelby – medborgarlöften\n\nMedborgarlöfte 2024\n\nVi lovar att:\n\n"
                  "• Öka närvaron i Påhittadalen.\n")
    assert found == {"Påhittadalen": None}


def test_municipality_names_and_codes_from_the_text():
    (p,) = read_text("Lokalpolisområde Falun-Borlänge och Gagnefs kommun lovar att:\n\n• Synas i Björbo.\n")[
        "promises"]
    assert [(m["code"], m["name"]) for m in p["municipalities"]] == [("2026", "Gagnef")]
