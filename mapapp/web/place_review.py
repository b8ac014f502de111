"""A draft's named places under review: the choice form per place, its options, and the candidate polygons."""
import json

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import Form, HiddenField, RadioField, SelectField
from wtforms.validators import AnyOf, Optional

from ..domain.municipalities import MUNICIPALITIES
from ..geo.gazetteer import polygon
from ..importer import gazetteer
from ..render import shapes as area_shapes
from ..store.draft_places import CHOICES
from .forms import SelectChoice

def _gazetteer():
    return gazetteer.load(current_app.config["GEODATA_DIR"])


def municipality_names() -> dict:
    """Every municipality (all 290) by SCB code, in the order of their names."""
    return dict(sorted(MUNICIPALITIES.items(), key=lambda item: item[1]))


def dataset_title(dataset: str) -> str:
    return (_gazetteer().datasets.get(dataset) or {}).get("title", dataset)


class PlaceForm(Form):
    """What one named place of a draft becomes on publishing."""

    position = HiddenField()
    choice = RadioField(_l("Vad blir platsen när löftet publiceras?"), choices=[], validate_choice=False,
                        validators=[Optional(), AnyOf(list(CHOICES), message=_l("Okänt val."))])
    entry = SelectField(_l("Annan post ur ortregistret"), choices=[], validate_choice=False)
    area = SelectField(_l("Område som redan finns på kartan"), choices=[], validate_choice=False)

    def prepare(self, place: dict, code: str | None, areas: dict):
        """The choices for this place: its match, the gazetteer's entries in the municipality, the app's areas."""
        match = place.get("match")
        radios = [SelectChoice("match", _l("Godta förslaget: %(name)s", name=match["name"]))] if match else []
        radios += [SelectChoice("entry", _l("Välj en annan post ur ortregistret")),
                   SelectChoice("area", _l("Välj ett område som redan finns på kartan")),
                   SelectChoice("none", _l("Lämna utan område: en namngiven plats utan gräns på kartan"))]
        self.choice.choices = radios
        gaz = _gazetteer()
        keys = [f"{a['dataset']}/{a['id']}" for a in (match or {}).get("alternatives") or []]
        code = code or (match or {}).get("municipality_code")
        keys += [f"{p.dataset}/{p.id}" for p in sorted(gaz.places, key=lambda p: (p.name, p.dataset))
                 if code and p.municipality_code == code]
        if place.get("entry"):
            keys.append(place["entry"])
        entries = [gaz.entry(k) for k in dict.fromkeys(keys)]
        self.entry.choices = [SelectChoice("", "–")] + [
            SelectChoice(f"{p.dataset}/{p.id}", f"{p.name} – {dataset_title(p.dataset)}") for p in entries if p]
        self.area.choices = [SelectChoice("", "–")] + [SelectChoice(s, n) for s, n in areas.items()]
        return self

    def check(self, place: dict, area_slugs: set) -> bool:
        """The chosen entry, area or match must exist."""
        choice = self.choice.data or ""
        if choice == "entry" and _gazetteer().entry(self.entry.data or "") is None:
            self.entry.errors = [*self.entry.errors, _l("Välj en post ur ortregistret.")]
        elif choice == "area" and self.area.data not in area_slugs:
            self.area.errors = [*self.area.errors, _l("Okänt område.")]
        elif choice == "match" and not place.get("match"):
            self.choice.errors = [*self.choice.errors, _l("Platsen har inget förslag att godta.")]
        return not (self.entry.errors or self.area.errors or self.choice.errors)

    def values(self) -> dict:
        return {"position": int(self.position.data), "choice": self.choice.data or None,
                "entry": self.entry.data or None, "area": self.area.data or None}


def candidate_polygons(places: list[dict], session) -> list[dict]:
    """{"slug", "name", "kind", "geometry"} for each place's current choice (or proposal) that has a polygon."""
    gaz, root = _gazetteer(), current_app.config["GEODATA_DIR"]
    # Only the areas chosen here are read (kept per data version), not every area's polygon.
    chosen = area_shapes.of(session, {p["area"] for p in places if p["choice"] == "area"})
    out = []
    for p in places:
        choice, match = p["choice"], p.get("match")
        if choice == "none":
            continue
        if choice == "area":
            shape = chosen.get(p["area"])
            geometry, kind = (json.loads(shape.geometry) if shape else None), "exact"
        else:
            key = p["entry"] if choice == "entry" else f"{match['dataset']}/{match['id']}" if match else None
            entry = gaz.entry(key) if key else None
            geometry = polygon(gaz.datasets.get(entry.dataset), entry.id, root) if entry else None
            kind = "exact" if choice else (match or {}).get("kind", "candidate")
        if geometry:
            out.append({"slug": f"place-{p['position']}", "name": f"{p['position']}. {p['name']}", "kind": kind,
                        "geometry": geometry})
    return out
