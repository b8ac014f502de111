"""Build the place gazetteer (geodata/gazetteer/, geodata/municipalities.csv) from published sources.

Usage: python scripts/build_gazetteer.py [--sources ../shared/geodata-sources] [--out geodata]

Reads the SCB municipality list, the police's utsatta områden (2023, 2021, historical), Stockholm's
stadsdel Norrmalm and the 3,363 SCB RegSO names of geodata/national/. Geometry is read here, never in
the importer: each place gets its municipality (from the polygon's representative point inside a RegSO
when the source names only a town) and a rounded centroid; the importer reads the plain JSON.
"""
import argparse
import csv
import json
import shutil
import unicodedata
from pathlib import Path

import geopandas as gpd

ROOT = Path(__file__).resolve().parents[1]
REGSO_FILE = "national/scb_regso_2025_sverige_simplified10m.gpkg"
POLICE_LICENCE = "not stated; published by Polismyndigheten on polisen.se (Utsatta områden, Kartgränser)"
DATASETS = {
    "polisen-2023": {
        "title": "Polismyndigheten, utsatta områden 2023 (uso_2023)", "file": "polisen_utsatta_omraden_2023.geojson",
        "name_field": "NAMN", "id_field": "OMRADESKOD", "kind": "police_area", "year": 2023,
        "licence": POLICE_LICENCE, "attribution": "Källa: Polismyndigheten"},
    "polisen-2021": {
        "title": "Polismyndigheten, utsatta områden 2021 (UO2021)", "file": "polisen_utsatta_omraden_2021.geojson",
        "name_field": "namn", "id_field": None, "kind": "police_area", "year": 2021,
        "licence": POLICE_LICENCE, "attribution": "Källa: Polismyndigheten"},
    "polisen-historiska": {
        "title": "Polismyndigheten, historiska utsatta områden (USO_historiska, 2017–2020)",
        "file": "polisen_utsatta_omraden_historiska.geojson", "name_field": "namn", "id_field": None,
        "kind": "police_area_historical", "year": None,
        "licence": POLICE_LICENCE, "attribution": "Källa: Polismyndigheten"},
    "stockholm-stadsdel": {
        "title": "Stockholms stad, stadsdel (Stadskarta, 2021-04-13)", "file": "stockholm_stadsdel_norrmalm.geojson",
        "name_field": "name", "id_field": None, "kind": "stadsdel", "year": 2021,
        "licence": "CC0 1.0", "attribution": "Källa: Stockholms stad"},
    "scb-regso-2025": {
        "title": "SCB RegSO 2025 (version 2025_v2)", "file": REGSO_FILE, "name_field": "regsonamn",
        "id_field": "regsokod", "kind": "regso", "year": 2025, "licence": "CC0 1.0", "attribution": "Källa: SCB"},
}


def slug(text: str) -> str:
    """ASCII slug for ids of sources that have no id field of their own."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


def read_municipalities(sources: Path, regso: gpd.GeoDataFrame) -> list[dict]:
    """The 290 municipalities, checked against the RegSO file's municipality and county codes."""
    with open(sources / "scb_kommuner.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = [r["kommunkod"] for r in rows]
    if len(rows) != 290 or len(set(codes)) != 290 or len({r["kommunnamn"] for r in rows}) != 290:
        raise SystemExit("scb_kommuner.csv: expected 290 unique codes and names")
    in_regso = dict(zip(regso["kommunkod"], regso["lanskod"]))
    if set(codes) != set(in_regso):
        raise SystemExit(f"scb_kommuner.csv and RegSO disagree: {sorted(set(codes) ^ set(in_regso))}")
    wrong = [r["kommunkod"] for r in rows if in_regso[r["kommunkod"]] != r["lanskod"]]
    if wrong:
        raise SystemExit(f"county codes differ from RegSO for {wrong}")
    return rows


def place_rows(key: str, meta: dict, frame: gpd.GeoDataFrame, regso: gpd.GeoDataFrame) -> list[dict]:
    """One gazetteer entry per feature: name, id, municipality code (spatial), centroid, category."""
    metric = frame.to_crs(3006)
    points = gpd.GeoDataFrame(geometry=metric.representative_point(), crs=3006).to_crs(4326)
    joined = gpd.sjoin(points, regso[["kommunkod", "geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated()]
    centroids = metric.centroid.to_crs(4326)
    out = []
    for i, row in frame.iterrows():
        name = " ".join(str(row[meta["name_field"]]).split())
        if key == "stockholm-stadsdel":
            name = name.title()  # the source writes "NORRMALM"
        # The police's OMRADESKOD names the local police area, not the area itself: add the name.
        ident = slug(name) if not meta["id_field"] else str(row[meta["id_field"]])
        if key == "polisen-2023":
            ident = f"{ident}-{slug(name)}"
        code = row["kommunkod"] if "kommunkod" in frame.columns else joined.loc[i, "kommunkod"]
        entry = {"dataset": key, "id": ident, "name": name, "kind": meta["kind"],
                 "municipality_code": None if code != code else str(code),  # NaN: outside every RegSO
                 "centroid": [round(centroids[i].x, 5), round(centroids[i].y, 5)]}
        for field in ("KATEGORI", "kategori"):
            if field in frame.columns:
                entry["category"] = str(row[field])
        if "borttagen" in frame.columns:
            entry["removed"] = str(row["borttagen"])
        out.append(entry)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "geodata-sources")
    parser.add_argument("--out", type=Path, default=ROOT / "geodata")
    args = parser.parse_args()
    regso = gpd.read_file(args.out / REGSO_FILE)
    municipalities = read_municipalities(args.sources, regso)
    (args.out / "gazetteer").mkdir(exist_ok=True)
    with open(args.out / "municipalities.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["kommunkod", "kommunnamn", "lanskod", "lansnamn"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(municipalities)
    regso_4326 = regso.to_crs(4326)
    places, datasets = [], {}
    for key, meta in DATASETS.items():
        if meta["file"] == REGSO_FILE:
            frame = regso_4326
        else:
            frame = gpd.read_file(args.sources / meta["file"])
            shutil.copyfile(args.sources / meta["file"], args.out / "gazetteer" / meta["file"])
        rows = place_rows(key, meta, frame, regso_4326)
        places += rows
        datasets[key] = {k: meta[k] for k in ("title", "kind", "year", "licence", "attribution")} | {
            "file": meta["file"] if meta["file"] == REGSO_FILE else "gazetteer/" + meta["file"],
            "id_field": meta["id_field"], "name_field": meta["name_field"], "features": len(rows)}
    document = {"about": "Swedish places for matching named areas in promise documents; built by "
                         "scripts/build_gazetteer.py. Polygons stay in the files named per dataset.",
                "datasets": datasets, "places": places}
    with open(args.out / "gazetteer" / "places.json", "w", encoding="utf-8") as fh:
        json.dump(document, fh, ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")
    print(f"{len(municipalities)} municipalities, {len(places)} places in {len(datasets)} datasets")


if __name__ == "__main__":
    main()
