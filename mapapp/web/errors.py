"""Errors answered as JSON under /api and .json URLs, as an HTML page elsewhere; never a traceback."""
from flask import jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from ..core.errors import MapappError
from ..domain.vocab import N_


def wants_json() -> bool:
    """API paths and .json/.geojson URLs answer in JSON."""
    path = request.path
    return path.startswith("/api/") or path == "/api" or path.endswith((".json", ".geojson"))


# The page's words for an error, in the visitor's language (the JSON keeps HTTP's own titles).
TITLES = {400: N_("Felaktig begäran"), 401: N_("Du behöver logga in"), 403: N_("Inte tillåtet"),
          404: N_("Sidan finns inte"), 405: N_("Metoden stöds inte"), 409: N_("Krock med en annan ändring"),
          413: N_("För stor"), 422: N_("Kan inte behandlas"), 429: N_("För många försök"),
          500: N_("Något gick fel hos oss")}
MESSAGES = {404: N_("Adressen leder inte till något i Löfteskartan. Sök på ett område eller en plats, eller gå till kartan."),
            405: N_("Adressen finns, men inte för den här sortens begäran."),
            413: N_("Det du skickade är större än vad som tas emot här."),
            429: N_("Vänta en stund och försök igen."),
            500: N_("Något gick fel hos oss. Felet är loggat.")}


def _respond(status: int, title: str, message: str, page_message: str | None = None):
    if wants_json():
        return jsonify({"error": {"status": status, "title": title, "message": message}}), status
    page_title = gettext(TITLES[status]) if status in TITLES else title
    return render_template("error.html", status=status, title=page_title,
                           message=page_message or message), status


def error_answer(status: int, message: str):
    """An error in the app's words: JSON under the API and .json URLs, the error page elsewhere."""
    return _respond(status, _title(status), message)


def init_app(app):
    """Register the handlers so no request ever ends in a traceback."""

    @app.errorhandler(MapappError)
    def handle_mapapp_error(err):
        return error_answer(err.status, err.message)

    @app.errorhandler(HTTPException)
    def handle_http_error(err):
        status = err.code or 500
        generic = err.description == type(err).description  # werkzeug's English default, not the app's own words
        local = gettext(MESSAGES[status]) if status in MESSAGES and generic else None
        return _respond(status, err.name, err.description or err.name, local)

    @app.errorhandler(Exception)
    def handle_unexpected(err):
        app.logger.exception("unhandled error")
        return _respond(500, "Internal Server Error", "Något gick fel hos oss. Felet är loggat.",
                        gettext(MESSAGES[500]))


def _title(status: int) -> str:
    from werkzeug.http import HTTP_STATUS_CODES
    return HTTP_STATUS_CODES.get(status, "Error")
