"""Rebuild geodata/areas.geojson from the published boundary files (../shared/geodata-sources)."""
import argparse
import json
from pathlib import Path

import geopandas as gpd
from shapely.geometry import mapping
from shapely.ops import unary_union

POLICE_2023 = "polisen_utsatta_omraden_2023.geojson"
POLICE_HIST = "polisen_utsatta_omraden_historiska.geojson"
REGSO = "scb_regso_2025_norrkoping_linkoping_stockholm.geojson"
STHLM = "stockholm_stadsdel_norrmalm.geojson"

POLICE_LICENCE = ("ej angiven — Polismyndigheten publicerar gränserna som nedladdningsbar geodata "
                  "på polisen.se (Utsatta områden, Kartgränser); ingen licens anges")
SCB_LICENCE = "CC0 1.0 (SCB:s öppna geodata)"
STHLM_LICENCE = "CC0 1.0 (Stockholms stad, öppna data 'Stadskarta')"

# slug, name, municipality, file, field, values, provenance extras
AREAS = [
    ("hageby", "Hageby", ("0581", "Norrköping"), POLICE_2023, "NAMN", ["Hageby"], {
        "dataset": "Polismyndigheten, utsatta områden 2023 (uso_2023)",
        "licence": POLICE_LICENCE, "attribution": "Källa: Polismyndigheten",
        "caveat": "Polisens gräns för det utsatta området, inte en administrativ stadsdel.",
        "approximation": False}),
    ("navestad", "Navestad", ("0581", "Norrköping"), POLICE_2023, "NAMN", ["Navestad"], {
        "dataset": "Polismyndigheten, utsatta områden 2023 (uso_2023)",
        "licence": POLICE_LICENCE, "attribution": "Källa: Polismyndigheten",
        "caveat": "Polisens gräns för det utsatta området (samma polygon i 2021 års lista).",
        "approximation": False}),
    ("klockaretorpet", "Klockaretorpet", ("0581", "Norrköping"), POLICE_HIST, "namn", ["Klockaretorpet"], {
        "dataset": "Polismyndigheten, historiska utsatta områden (USO_historiska)",
        "licence": POLICE_LICENCE, "attribution": "Källa: Polismyndigheten",
        "caveat": ("Polisens historiska gräns från tiden då området var klassat som utsatt; "
                   "området togs bort från listan 2021. Ingen aktuell klassning."),
        "approximation": False}),
    ("centrala-norrkoping", "Centrala Norrköping", ("0581", "Norrköping"), REGSO, "regsokod", ["0581R006"], {
        "dataset": "SCB RegSO 2025 (version 2025_v2)",
        "licence": SCB_LICENCE, "attribution": "Källa: SCB",
        "caveat": ("Approximation: ingen källa har en polygon för 'centrala Norrköping'. "
                   "Visas som SCB:s statistikområde 0581R006 Gamla Staden-Centrum."),
        "approximation": True}),
    ("marielund", "Marielund", ("0581", "Norrköping"), REGSO, "regsokod", ["0581R016", "0581R032"], {
        "dataset": "SCB RegSO 2025 (version 2025_v2)",
        "licence": SCB_LICENCE, "attribution": "Källa: SCB",
        "caveat": ("Approximation av EST-området Marielund: sammanslagning av SCB:s statistikområden "
                   "0581R016 Nordvästra Marielund och 0581R032 Sydöstra Marielund."),
        "approximation": True}),
    ("skaggetorp", "Skäggetorp", ("0580", "Linköping"), POLICE_2023, "NAMN", ["Skäggetorp"], {
        "dataset": "Polismyndigheten, utsatta områden 2023 (uso_2023)",
        "licence": POLICE_LICENCE, "attribution": "Källa: Polismyndigheten",
        "caveat": "Polisens gräns för det särskilt utsatta området (samma polygon i 2021 års lista).",
        "approximation": False}),
    ("norrmalm", "Norrmalm", ("0180", "Stockholm"), STHLM, "name", ["NORRMALM"], {
        "dataset": "Stockholms stad, stadsdelar (KTHHealthData/stockholm-stadsdelar)",
        "licence": STHLM_LICENCE, "attribution": "Källa: Stockholms stad",
        "caveat": ("Stadsdelen Norrmalm (inte hela stadsdelsområdet); polygonen innehåller "
                   "vattenytor; gräns per 2021-04-13."),
        "approximation": False}),
]


def build(source_dir: Path) -> dict:
    """Return the areas FeatureCollection built from the source files."""
    features = []
    for slug, name, (kod, kommun), file, field, values, prov in AREAS:
        frame = gpd.read_file(source_dir / file)
        rows = frame[frame[field].isin(values)]
        if len(rows) != len(values):
            raise SystemExit(f"{file}: expected {values} in {field}, found {list(rows[field])}")
        geom = unary_union(list(rows.geometry)) if len(rows) > 1 else rows.geometry.iloc[0]
        features.append({
            "type": "Feature",
            "properties": {
                "slug": slug, "name": name,
                "municipality_code": kod, "municipality_name": kommun,
                "provenance": {**prov, "file": file, "feature_field": field,
                               "feature_ids": values,
                               "upstream": sorted(set(rows["source"]))},
            },
            "geometry": mapping(geom),
        })
    return {"type": "FeatureCollection", "features": features}


def _round(obj):
    if isinstance(obj, float):
        return round(obj, 7)
    if isinstance(obj, (list, tuple)):
        return [_round(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    return obj


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source_dir", type=Path, help="folder with the geodata-sources files")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "geodata" / "areas.geojson")
    args = parser.parse_args()
    collection = _round(build(args.source_dir))
    args.out.write_text(json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(collection['features'])} areas to {args.out}")
