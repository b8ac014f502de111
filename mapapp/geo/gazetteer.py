"""The polygon of a gazetteer entry, read from the dataset file it came from (WGS84 GeoJSON geometry)."""
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pyogrio



def _slug(text: str) -> str:
    # The same ids as scripts/build_gazetteer.py gives features without an id field of their own.
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


@lru_cache(maxsize=8)
def _features(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)["features"]


def polygon(meta: dict | None, ident: str, geodata_dir) -> dict | None:
    """GeoJSON geometry of entry ident of a gazetteer dataset (its meta: file, id and name fields), or None
    when the dataset or the feature is unknown."""
    if meta is None:
        return None
    path = Path(geodata_dir) / meta["file"]
    if path.suffix == ".gpkg":
        if not re.fullmatch(r"[0-9A-Za-z]+", ident):
            return None
        frame = pyogrio.read_dataframe(path, where=f"{meta['id_field']} = '{ident}'")
        if frame.empty:
            return None
        return json.loads(frame.to_crs(4326).geometry.iloc[0:1].to_json())["features"][0]["geometry"]
    for feature in _features(str(path)):
        props = feature["properties"]
        name = " ".join(str(props.get(meta["name_field"], "")).split())
        own = str(props.get(meta["id_field"])) if meta.get("id_field") else None
        if ident in (_slug(name), f"{own}-{_slug(name)}"):
            return feature["geometry"]
    return None
