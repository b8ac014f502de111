"""Which areas each drafted commitment targets: the app's own areas, or named places for a reviewer to match."""
import re
from pathlib import Path

from . import fields
from .gazetteer import Gazetteer, fold

_GENITIVE = re.compile(r"s$")


def key(name: str) -> str:
    """A place name folded for comparison, genitive s dropped ("Norrmalms" == "norrmalm")."""
    return _GENITIVE.sub("", fold(name))


def entry_keys(provenance: dict | None, gaz: Gazetteer) -> set[str]:
    """The "dataset/id" keys of the gazetteer entries an app area's boundary was taken from."""
    provenance = provenance or {}
    if isinstance(provenance.get("gazetteer"), dict):
        g = provenance["gazetteer"]
        return {f"{g.get('dataset')}/{g.get('id')}"}
    ids = provenance.get("feature_ids") or []
    if len(ids) != 1:
        return set()  # a union of several features is no single entry
    found = set()
    for dataset, meta in gaz.datasets.items():
        if Path(meta.get("file") or "").name != provenance.get("file") and meta.get("title") != provenance.get("dataset"):
            continue
        found |= {f"{dataset}/{p.id}" for p in gaz.in_dataset(dataset) if str(ids[0]) in (p.id, p.name)
                  or fold(p.name) == fold(str(ids[0]))}
    return found


class AreaResolver:
    """Names in one promise resolved to the app's areas of its municipality, or kept as named places."""

    def __init__(self, known_areas: dict, code: str | None, gaz: Gazetteer):
        self.known = {s: a for s, a in known_areas.items() if code is None or a.get("municipality_code") == code}
        self.by_name = {key(a.get("name") or s): s for s, a in self.known.items()}
        self.by_entry = {k: s for s, a in self.known.items() for k in entry_keys(a.get("provenance"), gaz)}
        self.places: dict[str, dict] = {}  # key -> the draft's named place

    def mentions(self, text: str) -> list[tuple[str, int, int]]:
        """The app's areas the text names (å/ä/ö optional, genitive s), as (slug, start, end)."""
        return fields.area_mentions(text, self.known)

    def resolve(self, area: dict) -> str | None:
        """The app area a read place is, by its name or by the gazetteer entry its boundary came from."""
        slug = self.by_name.get(key(area["name"]))
        match = area.get("match")
        if slug is None and match and match["kind"] == "exact":
            slug = self.by_entry.get(f"{match['dataset']}/{match['id']}")
        return slug

    def place(self, area: dict) -> str:
        """Keep a read place as a named place of the draft; its name as the commitments refer to it."""
        k = key(area["name"])
        if k not in self.places:
            self.places[k] = {"name": area["name"], "span": area.get("span"), "confidence": area["confidence"],
                              "how": area.get("how"), "match": area.get("match")}
        return self.places[k]["name"]


def wide_names(areas: list[dict], texts: list[str]) -> list[dict]:
    """The read places named in the promise's heading or list introductions: they apply to every
    commitment that names no place of its own."""
    folded = " ".join(fold(t) for t in texts)
    return [a for a in areas if re.search(r"(?<!\w)" + re.escape(key(a["name"])) + r"s?(?!\w)", folded)]


def commitment_areas(resolver: AreaResolver, text: str, named: list[dict], scope: tuple, est: list[str]) -> dict:
    """{"areas": slugs, "places": names, "marks": {slug: (start, end) in text}, "how": …} for one commitment.

    `named` are the read places in its text; `scope` is (slugs, places, marks) that the promise's heading and
    its list's introduction name, which apply as well; `est` the municipality's EST areas, used when the text
    says EST in "beslutade/utvalda områden" and names no place.
    """
    slugs, places, marks = [], [], {}
    for slug, a, b in resolver.mentions(text):
        slugs.append(slug)
        marks[slug] = (a, b)
    for area in named:
        slug = resolver.resolve(area)
        if slug is None:
            if resolver.place(area) not in places:
                places.append(resolver.place(area))
        elif slug not in slugs:
            slugs.append(slug)
    own = bool(slugs or places)
    if not own and est and fields.EST_AREAS.search(fold(text)):
        return {"areas": list(est), "places": [], "marks": {}, "how": "est"}
    slugs += [s for s in scope[0] if s not in slugs]
    places += [p for p in scope[1] if p not in places]
    how = ("named" if own else "wide") if slugs or places else "none"
    return {"areas": slugs, "places": places, "marks": marks, "how": how}
