"""Swedish places (municipalities, police areas, RegSO, stadsdelar) and matching a named place to one."""
import csv
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

# geodata/ inside an installed package, else at the top of the checkout (as core.paths finds it; the
# importer imports nothing outside itself).
GEODATA = next((p for p in (Path(__file__).resolve().parents[1] / "geodata",
                            Path(__file__).resolve().parents[2] / "geodata") if p.is_dir()),
               Path(__file__).resolve().parents[2] / "geodata")
# Higher first: the police's own boundary of a named area beats a statistical area of the same name.
_PRIORITY = {"polisen-2023": 0, "polisen-2021": 1, "stockholm-stadsdel": 2, "polisen-historiska": 3,
             "scb-regso-2025": 4}
# Words that say what kind of place follows, not which ("stadsdelen Hageby" is Hageby).
_KIND_WORDS = {"stadsdelen", "stadsdelarna", "omradet", "omradena", "bostadsomradet", "bostadsomradena",
               "kommundelen", "tatorten", "orten", "byn", "stadsdel", "omrade"}
# Words that narrow or widen a place ("centrala Jakobsberg", "Skäggetorps centrum"): a candidate only.
_NARROWING = {"centrala", "centrum", "norra", "sodra", "ostra", "vastra", "inre", "yttre", "gamla", "nya",
              "torg", "torget", "stadskarna", "stadskarnan", "norr", "soder", "oster", "vaster", "mellersta"}


def fold(text: str) -> str:
    """Case-, accent- and punctuation-free form used to compare names ("Skäggetorp" == "skaggetorp")."""
    text = unicodedata.normalize("NFKD", text or "").casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def name_parts(name: str) -> list[str]:
    """The places a compound name joins: "Oxhagen / Varberga", "Skäggetorp-Tornby", "Södra Sofielund (Seved)"."""
    inner = re.findall(r"\(([^)]*)\)", name)
    outer = re.sub(r"\([^)]*\)", " ", name)
    parts = [p for p in re.split(r"\s*/\s*|(?<=\w)-(?=[A-ZÅÄÖ])|\s+-\s+", outer)] + inner
    return [" ".join(p.split()) for p in parts if p.strip()]


@dataclass(frozen=True)
class Place:
    dataset: str
    id: str
    name: str
    kind: str
    municipality_code: str | None
    category: str | None = None
    centroid: tuple | None = None


@dataclass
class Match:
    """A named place matched to a gazetteer entry; kind "exact" or "candidate" (needs a reviewer)."""

    place: Place
    kind: str
    confidence: float
    reason: str
    alternatives: list = field(default_factory=list)

    def as_dict(self) -> dict:
        p = self.place
        return {"dataset": p.dataset, "id": p.id, "name": p.name, "kind": self.kind,
                "confidence": round(self.confidence, 2), "municipality_code": p.municipality_code,
                "category": p.category, "reason": self.reason,
                "alternatives": [{"dataset": a.dataset, "id": a.id, "name": a.name} for a in self.alternatives]}


class Gazetteer:
    """Places indexed by folded full name and by folded part name."""

    def __init__(self, places: list[Place], municipalities: list[dict], datasets: dict | None = None):
        self.places = places
        self.datasets = datasets or {}
        self.municipalities = municipalities  # [{"code", "name", "county_code", "county"}]
        self.by_code = {m["code"]: m for m in municipalities}
        self.full: dict[str, list[Place]] = {}
        self.part: dict[str, list[Place]] = {}
        for p in places:
            self.full.setdefault(fold(p.name), []).append(p)
            parts = name_parts(p.name)
            if len(parts) > 1:
                for part in parts:
                    self.part.setdefault(fold(part), []).append(p)
            for part in parts:  # "Vallås östra" is a candidate for "Vallås"
                core = [w for w in fold(part).split() if w not in _NARROWING]
                if core and core != fold(part).split():
                    self.part.setdefault(" ".join(core), []).append(p)
        self.municipality_by_name = {fold(m["name"]): m for m in municipalities}

    @cached_property
    def municipality_words(self) -> frozenset:
        """Words of the municipalities' names, folded ("malung", "salen", "upplands")."""
        return frozenset(w for m in self.municipalities for w in fold(m["name"]).split())

    def in_dataset(self, dataset: str) -> list[Place]:
        """The entries of one dataset."""
        return [p for p in self.places if p.dataset == dataset]

    def entry(self, key: str) -> Place | None:
        """An entry by its "dataset/id" key, or None."""
        dataset, _, ident = (key or "").partition("/")
        return self._by_key.get((dataset, ident))

    @cached_property
    def _by_key(self) -> dict[tuple[str, str], Place]:
        return {(p.dataset, p.id): p for p in self.places}

    def place_words(self) -> set[str]:
        """Every word of every place and municipality name, lower case (for OCR repair: never "fix" these)."""
        words = set()
        for name in [p.name for p in self.places] + [m["name"] for m in self.municipalities]:
            words.update(w.lower() for w in re.findall(r"[^\W\d_]+", name))
        return words

    def match(self, mention: str, municipality_codes=()) -> Match | None:
        """The best entry for a place named in a document, within the given municipalities when known."""
        words = fold(mention).split()
        words = [w for w in words if w not in _KIND_WORDS] or words
        if not words:
            return None
        codes = set(municipality_codes or ())
        tries = [(" ".join(words), "exact", "same name")]
        tries += [(form, "candidate", why) for form, why in _reductions(words)]
        for form, kind, why in tries:
            found = self._lookup(form, kind, why, codes)
            if found:
                return found
        if "/" in mention:  # "Berga/Funkabo": one named area of two places; each is only a candidate
            for piece in mention.split("/"):
                found = self.match(piece, municipality_codes)
                if found:
                    found.kind, found.confidence = "candidate", min(found.confidence, 0.5)
                    found.reason = f"“{piece.strip()}” of “{mention}”: " + found.reason
                    return found
        return None

    def _lookup(self, form: str, kind: str, why: str, codes: set) -> Match | None:
        hits = [(p, kind, why) for p in self.full.get(form, [])]
        hits += [(p, "candidate", "one part of “" + p.name + "”" if kind == "exact" else why + ", one part of “"
                  + p.name + "”") for p in self.part.get(form, [])]
        if codes:
            hits = [h for h in hits if h[0].municipality_code in codes]
        if not hits:
            return None
        hits.sort(key=lambda h: (h[1] != "exact", _PRIORITY.get(h[0].dataset, 9), h[0].name))
        best, best_kind, best_why = hits[0]
        towns = {h[0].municipality_code for h in hits}
        confidence = {"exact": 0.9, "candidate": 0.5}[best_kind]
        if best.dataset == "scb-regso-2025":
            confidence -= 0.05  # a statistical area, not a district anyone drew for this purpose
        if not codes and len(towns) > 1:
            confidence *= 0.6
            best_kind, best_why = "candidate", best_why + f"; the name occurs in {len(towns)} municipalities"
        others = [h[0] for h in hits[1:6] if h[0] != best]
        return Match(best, best_kind, confidence, best_why, others)

    def municipality(self, name: str) -> dict | None:
        """A municipality by name, genitive or not ("Jönköpings" -> Jönköping)."""
        key = fold(name)
        found = self.municipality_by_name.get(key)
        if found is None and key.endswith("s"):
            found = self.municipality_by_name.get(key[:-1])
        return found


def _reductions(words: list[str]):
    """Less specific forms of a name, each with why it is only a candidate."""
    stripped = [w for w in words if w not in _NARROWING]
    if stripped and stripped != words:
        yield " ".join(stripped), "a narrower or wider place than the entry"
        base = [w[:-1] if w.endswith("s") and len(w) > 4 else w for w in stripped]
        if base != stripped:
            yield " ".join(base), "genitive form of a narrower place"
    if words[-1].endswith("s") and len(words[-1]) > 4:
        yield " ".join(words[:-1] + [words[-1][:-1]]), "genitive form"


@lru_cache(maxsize=4)
def load(geodata_dir: str | None = None) -> Gazetteer:
    """The gazetteer built by scripts/build_gazetteer.py (plain JSON and CSV)."""
    root = Path(geodata_dir) if geodata_dir else GEODATA
    # A data folder of its own (seed --data, compare-imports --data) may lack the SCB list: Sweden's is the same.
    table = root / "municipalities.csv" if (root / "municipalities.csv").is_file() else GEODATA / "municipalities.csv"
    with open(table, encoding="utf-8", newline="") as fh:
        municipalities = [{"code": r["kommunkod"], "name": r["kommunnamn"], "county_code": r["lanskod"],
                           "county": r["lansnamn"]} for r in csv.DictReader(fh)]
    try:
        with open(root / "gazetteer" / "places.json", encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        data = {"places": [], "datasets": {}}
    places = [Place(p["dataset"], p["id"], p["name"], p["kind"], p.get("municipality_code"), p.get("category"),
                    tuple(p["centroid"]) if p.get("centroid") else None) for p in data["places"]]
    return Gazetteer(places, municipalities, data.get("datasets"))
