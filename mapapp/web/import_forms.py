"""The import upload form and the draft review form; a draft is checked by the code that checks geodata/."""
import datetime as dt
import re

import yaml
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, FieldList, Form, FormField, HiddenField, IntegerField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import AnyOf, Length, NumberRange, Optional, ValidationError

from ..store import promise_files
from ..domain import vocab
from ..core.errors import DataError
from .forms import SelectChoice, choices, http_url
from .place_review import PlaceForm, municipality_names

EXTENSIONS = ("txt", "text", "htm", "html", "xhtml", "pdf")
_BAD_DATE = _l("Ogiltigt datum: skriv ÅÅÅÅ-MM-DD.")
_BAD_NUMBER = _l("Skriv ett heltal.")
_REQUIRED = _l("Fyll i fältet.")
# The data files' problems (dataset.py, in English) in the form's words; others are shown as they are.
_PROBLEMS = [
    (re.compile(r"missing required field"), _l("Fyll i fältet.")),
    (re.compile(r"period ends before it starts"), _l("Perioden slutar innan den börjar.")),
    (re.compile(r"expected month numbers"), _l("Skriv månadsnummer 1–12.")),
    (re.compile(r"unknown area '(.*)'"), _l("Okänt område.")),
    (re.compile(r"is not one of"), _l("Okänt värde.")),
    (re.compile(r"a source needs a seed file or a URL"), _l("Ange en länk till källan.")),
    (re.compile(r"needs at least one commitment"), _l("Ett löfte behöver minst ett åtagande med text.")),
]


def split_list(text: str | None, sep: str = "\n") -> list[str]:
    return [part.strip() for part in (text or "").split(sep) if part.strip()]


class ImportForm(FlaskForm):
    document = FileField(_l("Dokument (text, HTML eller PDF)"))
    text = TextAreaField(_l("… eller klistra in dokumentets text"), [Optional()])
    source_url = StringField(_l("Länk till dokumentet där det är publicerat (valfritt)"),
                             [Optional(), Length(max=2000), http_url])

    upload = None  # (bytes, file name) once check() has read it

    def check(self, max_bytes: int) -> bool:
        """Exactly one of a file or pasted text, of a readable type and not too big; read at most max_bytes + 1."""
        storage, pasted = self.document.data, (self.text.data or "").strip()
        if storage and storage.filename and pasted:
            self.form_errors.append(_l("Välj en fil eller klistra in text, inte båda."))
        elif storage and storage.filename:
            name = storage.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
            ext = name.lower().rsplit(".", 1)[-1] if "." in name else ""
            data = storage.stream.read(max_bytes + 1) if ext in EXTENSIONS else b""
            if ext not in EXTENSIONS:
                self.document.errors = [_l("Bara textfiler (.txt), HTML (.html, .htm) och PDF (.pdf) kan läsas in.")]
            elif len(data) > max_bytes:
                self.document.errors = [_l("Filen är för stor: högst %(kb)s kB.", kb=max_bytes // 1024)]
            elif not data.strip():
                self.document.errors = [_l("Filen är tom.")]
            else:
                self.upload = (data, name)
        elif pasted:
            data = pasted.encode("utf-8")
            if len(data) > max_bytes:
                self.text.errors = [_l("Texten är för lång: högst %(kb)s kB.", kb=max_bytes // 1024)]
            else:
                self.upload = (data, "")
        elif not self.errors:
            self.form_errors.append(_l("Välj en fil eller klistra in dokumentets text."))
        return self.upload is not None and not self.errors


class CommitmentForm(Form):
    """One commitment of a draft; `slug` is empty for a new one."""

    slug = HiddenField()
    text = TextAreaField(_l("Åtagandets text"), [Length(max=5000)])
    title = StringField(_l("Rubrik"), [Length(max=300)])
    responsible = SelectField(_l("Ansvarig"), choices=choices(vocab.RESPONSIBLE), validate_choice=False,
                              validators=[AnyOf(list(vocab.RESPONSIBLE), message=_l("Okänt värde."))])
    themes = StringField(_l("Teman (skilj med komma)"), [Length(max=1000)])
    method = SelectField(_l("Metod"), choices=[SelectChoice("", "–")] + [SelectChoice(m, m) for m in
                                                                         sorted(vocab.METHODS)],
                         validate_choice=False, validators=[AnyOf(["", *vocab.METHODS], message=_l("Okänt värde."))])
    target_count = IntegerField(_l("Mål: antal"), [Optional(), NumberRange(min=0, max=100000, message=_BAD_NUMBER)],
                                invalid_value_message=_BAD_NUMBER)
    target_unit = StringField(_l("Mål: enhet, t.ex. ”riktade insatser”"), [Length(max=200)])
    target_text = StringField(_l("Mål: med dokumentets ord"), [Length(max=500)])
    areas = SelectMultipleField(_l("Områden (inget valt = hela kommunen)"), choices=[], validate_choice=False)
    remove = BooleanField(_l("Ta bort åtagandet"))

    def is_blank(self) -> bool:
        return not self.slug.data and not (self.text.data or "").strip() and not (self.title.data or "").strip()

    def values(self) -> dict:
        def text(field):
            return (field.data or "").strip() or None
        target = None
        if self.target_count.data is not None or text(self.target_unit) or text(self.target_text):
            target = {"count": self.target_count.data, "unit": text(self.target_unit), "text": text(self.target_text)}
        return {"slug": self.slug.data or None, "remove": bool(self.remove.data),
                "title": (self.title.data or "").strip(), "text": (self.text.data or "").strip(),
                "responsible": self.responsible.data, "themes": split_list(self.themes.data, ","),
                "method": self.method.data or None, "target": target, "areas": list(self.areas.data or [])}


class DraftForm(FlaskForm):
    title = StringField(_l("Titel"), [Length(max=300)])
    municipality_code = SelectField(_l("Kommun"), choices=[], validate_choice=False)
    parties = TextAreaField(_l("Parter (en per rad)"), [Length(max=2000)])
    period_start = DateField(_l("Perioden börjar"), [Optional()], invalid_value_message=_BAD_DATE)
    period_end = DateField(_l("Perioden slutar"), [Optional()], invalid_value_message=_BAD_DATE)
    signed = DateField(_l("Undertecknat (valfritt)"), [Optional()], invalid_value_message=_BAD_DATE)
    problem_picture = TextAreaField(_l("Problembild"), [Optional(), Length(max=10000)])
    dialogue_summary = TextAreaField(_l("Medborgardialog: sammanfattning"), [Optional(), Length(max=5000)])
    dialogue_groups = TextAreaField(_l("Medborgardialog: grupper (en per rad)"), [Optional(), Length(max=5000)])
    fu_cadence = SelectField(_l("Uppföljning: hur ofta"), choices=choices(vocab.CADENCE_NAMES), validate_choice=False,
                             validators=[AnyOf(list(vocab.CADENCES), message=_l("Okänt värde."))])
    fu_months = StringField(_l("Uppföljning: månader (nummer, skilj med komma)"), [Length(max=100)])
    fu_due = DateField(_l("Uppföljning: datum (för en enda uppföljning)"), [Optional()],
                       invalid_value_message=_BAD_DATE)
    fu_text = TextAreaField(_l("Uppföljningsregel med dokumentets ord"), [Length(max=2000)])
    source_url = StringField(_l("Källa: länk"), [Optional(), Length(max=2000), http_url])
    source_title = StringField(_l("Källa: rubrik"), [Length(max=500)])
    commitments = FieldList(FormField(CommitmentForm))
    places = FieldList(FormField(PlaceForm))
    version = HiddenField(default="0")

    def validate_fu_months(self, field):
        try:
            months = [int(m) for m in split_list(field.data, ",")]
        except ValueError:
            raise ValidationError(_l("Skriv månadsnummer 1–12, t.ex. ”5, 11”.")) from None
        if any(not 1 <= m <= 12 for m in months):
            raise ValidationError(_l("Skriv månadsnummer 1–12, t.ex. ”5, 11”."))

    @classmethod
    def for_draft(cls, draft: dict, areas: dict):
        rule, dialogue = draft["follow_up_rule"], draft["dialogue"] or {}
        source = (draft["sources"] or [{}])[0]
        data = {"title": draft["title"], "municipality_code": draft["municipality"]["code"],
                "parties": "\n".join(draft["parties"]), "period_start": draft["period"]["start"],
                "period_end": draft["period"]["end"], "signed": draft["signed"],
                "problem_picture": draft["problem_picture"], "dialogue_summary": dialogue.get("summary"),
                "dialogue_groups": "\n".join(dialogue.get("groups") or []), "fu_cadence": rule.get("cadence"),
                "fu_months": ", ".join(map(str, rule.get("months") or [])),
                "fu_due": dt.date.fromisoformat(rule["due"]) if rule.get("due") else None,
                "fu_text": rule.get("text"), "source_url": source.get("url"), "source_title": source.get("title"),
                "version": str(draft["version"]),
                "commitments": [{**c, "themes": ", ".join(c["themes"]),
                                 "target_count": (c["target"] or {}).get("count"),
                                 "target_unit": (c["target"] or {}).get("unit"),
                                 "target_text": (c["target"] or {}).get("text")} for c in draft["commitments"]]
                + [{"responsible": "both"}],  # one empty row for a commitment the import missed
                "places": [{"position": str(p["position"]), "choice": p["choice"], "entry": p["entry"] or "",
                            "area": p["area"] or ""} for p in draft["places"]]}
        return cls(formdata=None, data=data).prepare(draft, areas)

    def prepare(self, draft: dict, areas: dict):
        """Choices that depend on the data: the municipalities (the draft's own too), the known areas, and
        what each named place may become."""
        known = municipality_names()
        code = draft["municipality"]["code"]
        if code and code not in known:
            known[code] = draft["municipality"]["name"]
        self.municipality_code.choices = choices(known, translate=False)
        self.municipality_code.validators = [AnyOf(list(known), message=_l("Okänd kommun."))]
        for entry in self.commitments:
            entry.form.areas.choices = choices(areas, translate=False)
        stored = {str(p["position"]): p for p in draft["places"]}
        for entry in self.places:
            entry.form.prepare(stored.get(entry.form.position.data) or {}, code, areas)
        return self

    def kept(self) -> list:
        """The commitment rows that will be stored: not removed, and not the empty row left empty."""
        return [e for e in self.commitments if not e.form.remove.data and not e.form.is_blank()]

    def values(self, draft: dict) -> dict:
        """The draft's new fields in the shape store.drafts.save_draft takes."""
        code = self.municipality_code.data
        name = draft["municipality"]["name"] if code == draft["municipality"]["code"] else municipality_names().get(code)
        places = {c["slug"]: c["places"] for c in draft["commitments"]}
        summary, groups = (self.dialogue_summary.data or "").strip() or None, split_list(self.dialogue_groups.data)
        sources = [dict(s) for s in draft["sources"]] or [{"seed": None, "url": None, "title": ""}]
        sources[0].update(url=(self.source_url.data or "").strip() or None, title=(self.source_title.data or "").strip())
        due = self.fu_due.data
        return {
            "title": (self.title.data or "").strip(), "municipality_code": code, "municipality_name": name,
            "parties": split_list(self.parties.data), "period_start": self.period_start.data,
            "period_end": self.period_end.data, "signed": self.signed.data,
            "problem_picture": (self.problem_picture.data or "").strip() or None,
            "dialogue": {"summary": summary, "groups": groups} if summary or groups else None,
            "follow_up_rule": {"cadence": self.fu_cadence.data, "due": due.isoformat() if due else None,
                               "months": [int(m) for m in split_list(self.fu_months.data, ",")],
                               "text": (self.fu_text.data or "").strip()},
            "sources": sources,
            "commitments": [{**e.form.values(), "places": places.get(e.form.slug.data, [])}
                            for e in self.commitments if not e.form.is_blank()],
            "places": [e.form.values() for e in self.places],
        }

    def check(self, draft: dict, area_slugs: set, today: dt.date) -> bool:
        """After validate(): texts that must be there, no future signature, then the data files' own rules."""
        for entry in self.kept():
            for field in (entry.form.text, entry.form.title):
                if not (field.data or "").strip():
                    field.errors = [*field.errors, _REQUIRED]
        if self.signed.data and self.signed.data > today:
            self.signed.errors = [*self.signed.errors, _l("Datumet ligger i framtiden.")]
        stored = {str(p["position"]): p for p in draft["places"]}
        if sorted(e.form.position.data or "" for e in self.places) != sorted(stored):
            self.form_errors.append(_l("Formuläret är trasigt: platserna stämmer inte med utkastet. Ladda om sidan."))
            return False
        for entry in self.places:
            entry.form.check(stored[entry.form.position.data], area_slugs)
        if self.error_list():
            return False
        problem = check_record(draft["slug"], self.values(draft), area_slugs)
        if problem is not None:
            self._show(problem)
        return not self.error_list()

    def error_list(self) -> list[tuple]:
        """(field id, label, message) for every problem, the commitments' too.

        FieldList keeps the errors it saw during validate(), so later checks are read from each field.
        """
        out = [(None, "", e) for e in self.form_errors]
        for f in self:
            if f.type == "FieldList":
                for n, entry in enumerate(f, 1):
                    out += [(sub.id, _l("Plats %(n)s: %(label)s", n=n, label=sub.label.text) if f.name == "places"
                             else _l("Åtagande %(n)s: %(label)s", n=n, label=sub.label.text), e)
                            for sub in entry.form for e in sub.errors]
            elif f.type != "CSRFTokenField":
                out += [(f.id, f.label.text, e) for e in f.errors]
        return out

    def _show(self, err: DataError):
        """Put a data-file problem on the field it is about, or at the top of the form."""
        message = next((text for pattern, text in _PROBLEMS if pattern.search(err.problem)), err.problem)
        m = re.search(r"commitment (\d+)( target)?$", err.record)
        prefixes = {"municipality": "municipality_", "period": "period_", "follow_up_rule": "fu_",
                    "dialogue": "dialogue_", "source 1": "source_"}
        field = None
        if m:
            kept = self.kept()
            entry = kept[int(m.group(1)) - 1].form if int(m.group(1)) <= len(kept) else None
            field = entry and getattr(entry, ("target_" if m.group(2) else "") + err.field, None)
        else:
            part = next((p for p in prefixes if err.record.endswith(" " + p)), None)
            name = (prefixes[part] + err.field) if part else err.field
            field = getattr(self, {"municipality_name": "municipality_code", "source_seed": "source_url"}.get(name, name),
                            None)
        if field is not None and hasattr(field, "errors") and not isinstance(field, FieldList):
            field.errors = [*field.errors, message]
        else:
            self.form_errors.append(message)


class PublishForm(FlaskForm):
    """Only the CSRF token and the version the planner reviewed."""

    version = HiddenField(default="0")


class _InMemory:
    """A data "file" held in memory, so a draft is read by the very function that reads geodata/promises."""

    def __init__(self, record: dict):
        self.text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)

    def read_text(self, encoding="utf-8"):
        return self.text


def record(slug: str, values: dict) -> dict:
    """The draft as a geodata/promises/*.yaml record."""
    rule = values["follow_up_rule"]
    return {
        "slug": slug, "title": values["title"] or None,
        "municipality": {"code": values["municipality_code"], "name": values["municipality_name"]},
        "parties": values["parties"] or None,
        "period": {"start": values["period_start"], "end": values["period_end"]},
        "signed": values["signed"], "problem_picture": values["problem_picture"], "dialogue": values["dialogue"],
        "follow_up_rule": {"cadence": rule.get("cadence"), "months": rule.get("months") or None,
                           "text": rule.get("text") or None, "due": rule.get("due"),
                           "reporter": rule.get("reporter"), "note": rule.get("note")},
        "sources": [{k: v or None for k, v in s.items()} for s in values["sources"]],
        "commitments": [{"slug": c["slug"] or "ny", "title": c["title"] or None, "text": c["text"] or None,
                         "responsible": c["responsible"], "themes": c["themes"], "method": c["method"],
                         "target": c["target"], "areas": c["areas"] or ([] if c.get("places") else "all"),
                         "areas_outside_map": c.get("places") or None}
                        for c in values["commitments"] if not c.get("remove")],
    }


def check_record(slug: str, values: dict, area_slugs: set) -> DataError | None:
    """The first problem the data-file loader finds in the draft, or None."""
    try:
        promise_files.load_promise(_InMemory(record(slug, values)), "utkast", area_slugs)
    except DataError as err:
        return err
    return None

