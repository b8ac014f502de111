"""Planners import area boundaries (GeoJSON, GeoPackage, zipped Shapefile): upload, review, import; and the command."""
import json
import os
import re
import secrets
import time
from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from .auth import require_planner
from .bodies import accepts_upload
from .errors import error_answer
from ..geo.boundaries import Limits, Options, read_boundaries
from ..store.db import get_session
from ..core.errors import MapappError
from .forms import SelectChoice, choices
from ..store import boundaries as boundary_store
from ..domain.municipalities import MUNICIPALITIES

bp = Blueprint("boundaries", __name__)
bp.before_request(require_planner)
_TOKEN = re.compile(r"[0-9a-f]{32}")
_PENDING_SECONDS = 24 * 3600


class UploadForm(FlaskForm):
    file = FileField(_l("Fil: GeoJSON (.geojson), GeoPackage (.gpkg) eller zippad Shapefile (.zip)"))
    name_field = StringField(_l("Kolumn med områdets namn (valfritt; annars name eller namn)"),
                             [Optional(), Length(max=100)])
    slug_field = StringField(_l("Kolumn med adressen, slug (valfritt; annars slug, eller gjord av namnet)"),
                             [Optional(), Length(max=100)])
    layer = StringField(_l("Lager i GeoPackage (valfritt, när filen har flera)"), [Optional(), Length(max=200)])
    municipality = SelectField(_l("Kommun för nya områden"),
                               choices=[SelectChoice("", "–"), *choices(MUNICIPALITIES, False)],
                               validate_choice=False,
                               validators=[Optional(), AnyOf(list(MUNICIPALITIES), message=_l("Okänd kommun."))])
    dataset = StringField(_l("Datamängd, t.ex. ”SCB RegSO 2025” (valfritt; annars filens namn)"),
                          [Optional(), Length(max=300)])
    licence = StringField(_l("Licens, t.ex. ”CC0 1.0” eller ”ej angiven”"), [InputRequired(_l("Fyll i fältet.")),
                                                                              Length(max=300)])
    attribution = StringField(_l("Kreditering, t.ex. ”Källa: SCB” (valfritt)"), [Optional(), Length(max=300)])

    def options(self) -> Options:
        def text(field):
            return (field.data or "").strip() or None
        return Options(text(self.name_field), text(self.slug_field), text(self.layer))

    def source(self) -> dict:
        return {k: (getattr(self, k).data or "").strip() for k in ("dataset", "licence", "attribution")}


class ConfirmForm(FlaskForm):
    token = HiddenField()


def limits(app=None) -> Limits:
    return Limits.from_config((app or current_app).config)


def _municipality(code: str | None) -> tuple[str, str] | None:
    return (code, MUNICIPALITIES[code]) if code in MUNICIPALITIES else None


@bp.errorhandler(413)
def _too_large(_err):
    if not (current_user.is_authenticated and current_user.is_planner):  # refused for who they are, not the size
        return error_answer(401, _("Logga in som planerare för att göra det här."))
    message = _("Filen är för stor: högst %(mb)s MB.", mb=round(limits().max_bytes / 2**20, 1))
    return _upload_page(UploadForm(formdata=None), MapappError(message, 413))


@bp.route("/planner/areas/import", methods=["GET", "POST"])
@accepts_upload(lambda app: limits(app).max_bytes)
def import_areas():
    form = UploadForm()
    if request.method == "GET":
        done = {k: request.args.get(k, "") for k in ("created", "replaced")}
        return _upload_page(form, done=done if all(v.isdigit() for v in done.values()) else None)
    if not form.validate():
        return _upload_page(form, status=400)
    storage = form.file.data
    try:
        if not storage or not storage.filename:
            raise MapappError(_("Välj en fil att ladda upp."), 400)
        data = storage.stream.read(limits().max_bytes + 1)  # never more than one byte past the limit
        checked = read_boundaries(data, storage.filename, form.options(), limits())
        rows = boundary_store.plan_import(get_session(), checked.boundaries, _municipality(form.municipality.data))
    except MapappError as err:
        return _upload_page(form, err)
    token = _keep(data, {"file": checked.file, "options": vars(form.options()), "source": form.source(),
                         "municipality": form.municipality.data or None})
    return render_template("planner/areas_review.html", checked=checked, rows=rows, source=form.source(),
                           municipality=_municipality(form.municipality.data), form=ConfirmForm(token=token))


@bp.route("/planner/areas/import/confirm", methods=["POST"])
def confirm_import():
    form = ConfirmForm()
    if not form.validate():
        raise MapappError(_("Formuläret är trasigt. Ladda upp filen igen."), 400)
    data, meta, claimed = _take(form.token.data or "")
    try:
        checked = read_boundaries(data, meta["file"], Options(**meta["options"]), limits())
        done = boundary_store.import_boundaries(get_session(), checked, _municipality(meta["municipality"]),
                                                meta["source"], current_user.username)
    except BaseException:
        os.replace(claimed, claimed.parent / f"{form.token.data}.bin")  # the planner may try again
        raise
    _drop(claimed)
    return redirect(url_for("boundaries.import_areas", created=len(done["created"]), replaced=len(done["replaced"])))


def _upload_page(form, error: MapappError | None = None, status: int | None = None, done=None):
    return render_template("planner/areas_import.html", form=form, error=error, done=done,
                           max_mb=round(limits().max_bytes / 2**20, 1)), status or (error.status if error else 200)


def _folder() -> Path:
    return Path(current_app.config["BOUNDARY_UPLOAD_DIR"] or Path(current_app.instance_path) / "boundary-uploads")


def _keep(data: bytes, meta: dict) -> str:
    """Hold a checked upload until the planner confirms it (a day at most); the token names it."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.stat().st_mtime < time.time() - _PENDING_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.json").write_text(json.dumps({**meta, "user": current_user.username}), encoding="utf-8")
    (folder / f"{token}.bin").write_bytes(data)
    return token


def _take(token: str) -> tuple[bytes, dict, Path]:
    """Claim a held upload for this planner; renaming it first means one confirmation imports it once."""
    gone = MapappError(_("Förhandsgranskningen finns inte längre. Ladda upp filen igen."), 404)
    if not _TOKEN.fullmatch(token):
        raise gone
    folder = _folder()
    claimed = folder / f"{token}.{secrets.token_hex(4)}.claimed"
    try:
        meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
        if meta.get("user") != current_user.username:
            raise gone
        os.replace(folder / f"{token}.bin", claimed)
    except (OSError, ValueError):
        raise gone from None
    return claimed.read_bytes(), meta, claimed


def _drop(claimed: Path):
    token = claimed.name.split(".", 1)[0]
    claimed.unlink(missing_ok=True)
    (claimed.parent / f"{token}.json").unlink(missing_ok=True)
