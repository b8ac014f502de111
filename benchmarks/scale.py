"""Synthetic data sets at 10×, 100× and national size, built from real SCB RegSO polygons.

Every synthetic area is a RegSO area with one promise of five commitments aimed at it (the shape the
issue measured with); one commitment in five has a follow-up entry. Names and texts are synthetic and say
so; the polygons are real. Written straight into a database through the seed's writer, so the
benchmark measures the app, not YAML parsing.
"""
import datetime as dt

import geopandas as gpd
from sqlalchemy.orm import Session

from mapapp.core.paths import resource_dir
from mapapp.domain.municipalities import municipality
from mapapp.store import dataset as dataset_store
from mapapp.store.seed import write_dataset
from mapapp.store.versions import bump_version

RULE = {"cadence": "yearly", "months": [], "text": "Följs upp årligen (syntetiskt).", "due": None,
        "reporter": None, "note": None}
THEMES = (["synlighet"], ["unga"], ["narkotika"], ["trafik"], ["fysisk miljö"])


def regso_frame():
    frame = gpd.read_file(resource_dir("geodata") / "national" / "scb_regso_2025_sverige_simplified10m.gpkg",
                          layer="regso_2025")
    return frame.sort_values("regsokod").reset_index(drop=True)


def choose(frame, n: int):
    """n areas spread over as many municipalities as they can be (every municipality at national size)."""
    if n >= len(frame):
        return frame
    ranked = frame.assign(rank=frame.groupby("kommunkod").cumcount()).sort_values(["rank", "regsokod"])
    return ranked.head(n).drop(columns="rank").sort_values("regsokod").reset_index(drop=True)


def _area(row) -> dict:
    code = str(row.kommunkod)
    return {"slug": f"regso-{row.regsokod.lower()}", "name": str(row.regsonamn), "municipality_code": code,
            "municipality_name": (municipality(code) or {}).get("name", code),
            "provenance": {"dataset": "SCB RegSO 2025 (benchmark)", "licence": "CC0 1.0", "attribution": "Källa: SCB",
                           "caveat": "Syntetiskt område för benchmark.", "file": "scb_regso_2025_sverige_simplified10m.gpkg",
                           "approximation": False, "feature_ids": [str(row.regsokod)], "feature_field": "regsokod",
                           "upstream": [], "year": 2025},
            "geometry": row.geometry, "lagesbild": [], "lagesbild_note": None, "est": {"member": False}}


def _promise(area: dict, i: int) -> dict:
    slug = f"lofte-{area['slug']}"
    commitments = [{"slug": f"c{k + 1}", "title": f"Åtagande {k + 1} för {area['name']}",
                    "text": f"Syntetiskt åtagande {k + 1} (benchmark).", "text_note": None, "note": None,
                    "responsible": "both", "themes": THEMES[k], "method": None, "target": None,
                    "areas": [area["slug"]], "whole_municipality": False, "camera_sites": [],
                    "extra": {"areas_note": None, "areas_inferred": False, "areas_outside_map": [], "group": None,
                              "group_inferred": False, "group_note": None, "text_truncated": False}}
                   for k in range(5)]
    return {"slug": slug, "title": f"Medborgarlöfte {area['name']} 2025–2026 (syntetiskt)",
            "municipality_code": area["municipality_code"], "municipality_name": area["municipality_name"],
            "parties": ["Polisen (syntetisk)", "Kommunen (syntetisk)"],
            "period_start": dt.date(2025, 1, 1), "period_end": dt.date(2026, 12, 31), "signed": None,
            "problem_picture": None, "dialogue": None, "follow_up_rule": dict(RULE),
            "sources": [{"seed": None, "url": "https://example.invalid/benchmark", "title": "Syntetisk källa"}],
            "related_reports": [], "commitments": commitments,
            "extra": {"period_precision": {"start": "year", "end": "year"}, "period_label": "2025–2026",
                      "follow_up_reports": [], "follow_up_searches": []}}


def _follow_up(promise: dict) -> dict:
    return {"commitment": f"{promise['slug']}/c1", "date": dt.date(2025, 12, 31), "date_label": "2025",
            "status": "pagar", "note": "Syntetisk uppföljning.", "basis": None,
            "evidence_url": "https://example.invalid/uppfoljning", "evidence_title": "Syntetiskt underlag",
            "extra": {"covers": {"first": dt.date(2025, 1, 1), "last": dt.date(2025, 12, 31), "label": "2025"},
                      "published": None, "evidence_kind": "parties"}}


def build_dataset(n_areas: int, frame=None) -> dataset_store.Dataset:
    """The real data plus n synthetic areas (0 = the real data alone, the 1× set)."""
    ds = dataset_store.load(resource_dir("geodata"), extra=True)
    if n_areas <= 0:
        return ds
    frame = regso_frame() if frame is None else frame
    taken = {a["slug"] for a in ds.areas}
    for i, row in enumerate(choose(frame, n_areas).itertuples()):
        area = _area(row)
        if area["slug"] in taken:
            continue
        ds.areas.append(area)
        promise = _promise(area, i)
        ds.promises.append(promise)
        if i % 5 == 0:
            ds.follow_ups.append(_follow_up(promise))
    return ds


def seed(engine, ds: dataset_store.Dataset):
    """Write the data set into an empty (migrated) database in one transaction."""
    with Session(engine) as session, session.begin():
        write_dataset(session, ds)
        bump_version(session)
