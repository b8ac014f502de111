"""The planners' forms (Flask-WTF, CSRF on every one) and the rules that need the record's context."""
import datetime as dt
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, PasswordField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms before 3.3 takes (value, label) pairs
    def SelectChoice(value, label):  # noqa: N802
        return (value, label)

from . import evidence
from ..geo import shapes as geo
from ..domain import vocab
from ..core.bounds import DB_INT_MAX, whole_number
from ..core.errors import MapappError
from ..domain.municipalities import MUNICIPALITIES

_BAD_DATE = _l("Ogiltigt datum: skriv ÅÅÅÅ-MM-DD.")
_BAD_NUMBER = _l("Skriv ett heltal.")
_REQUIRED = _l("Fyll i fältet.")


def choices(mapping: dict, translate=True) -> list:
    return [SelectChoice(k, _l(v) if translate else v) for k, v in mapping.items()]


def http_url(_form, field):
    """Only absolute http(s) links: no javascript:, data: or relative URLs reach a page."""
    value = (field.data or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValidationError(_l("Länken måste börja med http:// eller https://."))


def final_follow_up_limit(period_end: dt.date) -> dt.date:
    """The last allowed follow-up date: one year after the period ends (for the final follow-up)."""
    try:
        return period_end.replace(year=period_end.year + 1)
    except ValueError:  # 29 February
        return period_end.replace(year=period_end.year + 1, day=28)


def parse_int(value, default: int = 0) -> int:
    """A hidden counter from a form; a tampered value is a bad request, not a crash."""
    if value in (None, ""):
        return default
    number = whole_number(value)
    if number is None:
        raise MapappError("Formuläret är trasigt: ett dolt fält har fel värde. Ladda om sidan.")
    return number


class LoginForm(FlaskForm):
    username = StringField(_l("Användarnamn"), [InputRequired(_REQUIRED), Length(max=100)])
    password = PasswordField(_l("Lösenord"), [InputRequired(_REQUIRED), Length(max=500)])


class LogoutForm(FlaskForm):
    """Only the CSRF token: signing out is a POST."""


class FollowUpForm(FlaskForm):
    date = DateField(_l("Datum"), [InputRequired(_BAD_DATE)], invalid_value_message=_BAD_DATE)
    date_label = StringField(_l("Period i källans ord (valfritt), t.ex. ”tertial 1 2024”"),
                             [Optional(), Length(max=100)])
    covers_first = DateField(_l("Uppföljningen gäller från (valfritt)"), [Optional()],
                             invalid_value_message=_BAD_DATE)
    covers_last = DateField(_l("… till och med"), [Optional()], invalid_value_message=_BAD_DATE)
    status = SelectField(_l("Status"), choices=choices(vocab.STATUSES), validate_choice=False,
                         validators=[AnyOf(list(vocab.STATUSES), message=_l("Okänd status."))])
    note = TextAreaField(_l("Vad gjordes"), [InputRequired(_REQUIRED), Length(max=5000)])
    basis = TextAreaField(_l("Hur statusen bedömdes (valfritt)"), [Optional(), Length(max=2000)])
    evidence_url = StringField(_l("Länk till underlag"), [Optional(), Length(max=2000), http_url])
    evidence_title = StringField(_l("Underlagets namn, t.ex. ”EST-lägesbild v. 12”"), [Optional(), Length(max=300)])
    evidence_file = FileField(_l("Dokument (PDF, PNG eller JPEG)"))
    evidence_kind = SelectField(_l("Slag av underlag"), choices=choices(vocab.EVIDENCE_KINDS), default="parties",
                                validate_choice=False,
                                validators=[AnyOf(list(vocab.EVIDENCE_KINDS), message=_l("Okänt slag av underlag."))])
    supersedes = IntegerField(_l("Rättar post nr (valfritt)"),
                              [Optional(), NumberRange(min=1, max=DB_INT_MAX, message=_BAD_NUMBER)], invalid_value_message=_BAD_NUMBER)
    seen_latest = HiddenField(default="0")
    confirm = BooleanField(_l("Jag har sett den nyare posten och vill ändå spara min"))

    upload = None  # the checked file, once check() has read it

    def check(self, commitment: dict, today: dt.date, max_bytes: int) -> bool:
        """The rules that need the commitment: dates, evidence, the corrected entry, the upload.

        Date rule: a follow-up is dated within the promise period, or up to one year after its end
        (the final follow-up is often published after the period closes), and never after today.
        """
        ok = not self.errors
        day, start, end = self.date.data, commitment["period"]["start"], commitment["period"]["end"]
        if day and day > today:
            ok = self._fail(self.date, _l("Datumet ligger i framtiden."))
        elif day and not start <= day <= final_follow_up_limit(end):
            ok = self._fail(self.date, _l("Datumet ligger utanför löftesperioden %(start)s–%(end)s "
                                          "(slutuppföljningen får dateras upp till ett år efter periodens slut, "
                                          "senast %(last)s).", start=start.isoformat(), end=end.isoformat(),
                                          last=final_follow_up_limit(end).isoformat()))
        first, last = self.covers_first.data, self.covers_last.data
        if bool(first) != bool(last):
            ok = self._fail(self.covers_last if first else self.covers_first,
                            _l("Ange både början och slut på perioden uppföljningen gäller, eller ingen av dem."))
        elif first and last and last < first:
            ok = self._fail(self.covers_last, _l("Perioden slutar innan den börjar."))
        elif first and day and (last > day or first < start or last > end):
            ok = self._fail(self.covers_last, _l("Perioden ska ligga inom löftesperioden och sluta senast på "
                                                 "uppföljningens datum."))
        if self.evidence_file.data:
            try:
                self.upload = evidence.read_upload(self.evidence_file.data, max_bytes)
            except ValueError as err:
                ok = self._fail(self.evidence_file, str(err))
        has_evidence = (self.evidence_url.data or "").strip() or (self.evidence_title.data or "").strip() \
            or self.evidence_file.data
        if self.status.data in vocab.STATUSES and self.status.data != vocab.DEFAULT_STATUS and not has_evidence:
            ok = self._fail(self.status, _l("En annan status än ”ej bedömd” kräver underlag: en länk, "
                                            "ett dokument eller källans namn."))
        if self.supersedes.data:
            entries = {f["id"]: f for f in commitment["follow_ups"]}
            if self.supersedes.data not in entries:
                ok = self._fail(self.supersedes, _l("Åtagandet har ingen post med det numret."))
            elif entries[self.supersedes.data]["superseded"]:
                ok = self._fail(self.supersedes, _l("Den posten är redan rättad; rätta den senaste rättelsen."))
        return ok

    @staticmethod
    def _fail(field, message) -> bool:
        field.errors = [*field.errors, message]
        return False

    def values(self, file_name: str | None) -> dict:
        """The columns of the new entry."""
        def text(field):
            return (field.data or "").strip() or None
        return {"date": self.date.data, "date_label": text(self.date_label), "status": self.status.data,
                "note": self.note.data.strip(), "basis": text(self.basis), "evidence_url": text(self.evidence_url),
                "evidence_title": text(self.evidence_title), "evidence_file": file_name,
                "evidence_kind": self.evidence_kind.data if self.status.data != vocab.DEFAULT_STATUS else None,
                "covers_first": self.covers_first.data, "covers_last": self.covers_last.data,
                "supersedes_id": self.supersedes.data or None}


class LineageForm(FlaskForm):
    """How a commitment relates to the previous period (the area's history)."""

    relation = SelectField(_l("Förhållande till förra perioden"), choices=[SelectChoice("", _l("inte angivet"))] + choices(vocab.LINEAGE),
                           validate_choice=False,
                           validators=[Optional(), AnyOf(list(vocab.LINEAGE), message=_l("Okänd relation."))])
    predecessor = SelectField(_l("Föregångare (för ”fortsätter” och ”ändrat”)"), validate_choice=False,
                              validators=[Optional(), Length(max=200)])
    note = StringField(_l("Kommentar (valfritt)"), [Optional(), Length(max=500)])


class CameraSiteForm(FlaskForm):
    slug = StringField(_l("Adress (slug), t.ex. ”sergels-torg-2018”"),
                       [Optional(), Length(max=80), Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$",
                                                           message=_l("Små bokstäver a–z, siffror och bindestreck."))])
    name = StringField(_l("Namn"), [InputRequired(_REQUIRED), Length(max=300)])
    municipality_code = SelectField(_l("Kommun"), choices=choices(MUNICIPALITIES, translate=False),
                                    validate_choice=False,
                                    validators=[AnyOf(list(MUNICIPALITIES), message=_l("Okänd kommun."))])
    precision = SelectField(_l("Precision"), choices=choices(vocab.PRECISIONS),
                            validate_choice=False,
                            validators=[AnyOf(list(vocab.PRECISIONS), message=_l("Okänd precision."))])
    lon = StringField(_l("Longitud (WGS84, decimalgrader)"))
    lat = StringField(_l("Latitud (WGS84, decimalgrader)"))  # validate_lat checks the pair
    areas = SelectMultipleField(_l("Områden (bara när ingen punkt anges)"), choices=[], validate_choice=False)
    status = SelectField(_l("Status"), choices=choices(vocab.CAMERA_STATUSES),
                         validate_choice=False,
                         validators=[AnyOf(list(vocab.CAMERA_STATUSES), message=_l("Okänd status."))])
    decided = DateField(_l("Beslutsdatum (valfritt)"), [Optional()], invalid_value_message=_BAD_DATE)
    date_label = StringField(_l("Datum i källans ord (valfritt)"), [Optional(), Length(max=200)])
    start = DateField(_l("Från (valfritt)"), [Optional()], invalid_value_message=_BAD_DATE)
    end = DateField(_l("Till (valfritt)"), [Optional()], invalid_value_message=_BAD_DATE)
    count = IntegerField(_l("Antal kameror (valfritt)"),
                         [Optional(), NumberRange(min=0, max=10000, message=_BAD_NUMBER)],
                         invalid_value_message=_BAD_NUMBER)
    description = TextAreaField(_l("Beskrivning"), [InputRequired(_REQUIRED), Length(max=5000)])
    location_note = TextAreaField(_l("Om platsen (valfritt)"), [Optional(), Length(max=2000)])
    sensitive = BooleanField(_l("Känslig: den publika kartan visar bara området, inte platsen"))
    source_url = StringField(_l("Källa: länk"), [InputRequired(_REQUIRED), Length(max=2000), http_url])
    source_title = StringField(_l("Källa: rubrik"), [InputRequired(_REQUIRED), Length(max=500)])
    version = HiddenField(default="0")

    point = None  # (lon, lat) once validated

    def validate_lat(self, field):
        has_lon, has_lat = bool((self.lon.data or "").strip()), bool((field.data or "").strip())
        if has_lon != has_lat:
            raise ValidationError(_l("Ange både longitud och latitud, eller ingen av dem."))
        if has_lon:
            try:
                self.point = geo.valid_lon_lat(self.lon.data.strip(), field.data.strip())
            except ValueError as err:
                raise ValidationError(_l("Ogiltig position: %(why)s.", why=str(err))) from None
        needs_point = self.precision.data in ("site", "approximate")
        if needs_point and not has_lon:
            raise ValidationError(_l("En exakt eller ungefärlig plats behöver longitud och latitud."))
        if self.precision.data == "area" and has_lon:
            raise ValidationError(_l("Ett beslutsområde har ingen punkt: välj precision ”exakt” eller ”ungefärlig”."))

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("Slutdatumet ligger före startdatumet."))

    def values(self) -> dict:
        def text(field):
            return (field.data or "").strip() or None
        lon, lat = self.point or (None, None)
        return {"name": self.name.data.strip(), "municipality_code": self.municipality_code.data,
                "precision": self.precision.data, "lon": lon, "lat": lat, "status": self.status.data,
                "decided": self.decided.data, "date_label": text(self.date_label), "start": self.start.data,
                "end": self.end.data, "count": self.count.data, "description": self.description.data.strip(),
                "location_note": text(self.location_note), "sensitive": bool(self.sensitive.data),
                "source_url": self.source_url.data.strip(), "source_title": self.source_title.data.strip()}


class PromiseForm(FlaskForm):
    title = StringField(_l("Titel"), [InputRequired(_REQUIRED), Length(max=300)])
    parties = TextAreaField(_l("Parter (en per rad)"), [InputRequired(_REQUIRED), Length(max=2000)])
    signed = DateField(_l("Undertecknat (valfritt)"), [Optional()], invalid_value_message=_BAD_DATE)
    problem_picture = TextAreaField(_l("Problembild"), [Optional(), Length(max=10000)])
    follow_up_text = TextAreaField(_l("Uppföljningsregel (text)"), [InputRequired(_REQUIRED), Length(max=2000)])
    version = HiddenField(default="0")

    def validate_parties(self, field):
        if any(len(p) > 200 for p in self.party_list()):
            raise ValidationError(_l("Högst 200 tecken per part."))

    def check(self, today: dt.date) -> bool:
        if self.signed.data and self.signed.data > today:
            self.signed.errors = [*self.signed.errors, _l("Datumet ligger i framtiden.")]
            return False
        return not self.errors

    def party_list(self) -> list[str]:
        return [line.strip() for line in (self.parties.data or "").splitlines() if line.strip()]

    def values(self) -> dict:
        return {"title": self.title.data.strip(), "parties": self.party_list(), "signed": self.signed.data,
                "problem_picture": (self.problem_picture.data or "").strip() or None,
                "follow_up_text": self.follow_up_text.data.strip()}
