"""Errors answered as JSON under /api and .json URLs, as an HTML page elsewhere; never a traceback."""
from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..core.errors import MapappError


def wants_json() -> bool:
    """API paths and .json/.geojson URLs answer in JSON."""
    path = request.path
    return path.startswith("/api/") or path == "/api" or path.endswith((".json", ".geojson"))


def _respond(status: int, title: str, message: str):
    if wants_json():
        return jsonify({"error": {"status": status, "title": title, "message": message}}), status
    return render_template("error.html", status=status, title=title, message=message), status


def init_app(app):
    """Register the handlers so no request ever ends in a traceback."""

    @app.errorhandler(MapappError)
    def handle_mapapp_error(err):
        return _respond(err.status, _title(err.status), err.message)

    @app.errorhandler(HTTPException)
    def handle_http_error(err):
        return _respond(err.code or 500, err.name, err.description or err.name)

    @app.errorhandler(Exception)
    def handle_unexpected(err):
        app.logger.exception("unhandled error")
        return _respond(500, "Internal Server Error", "Något gick fel hos oss. Felet är loggat.")


def _title(status: int) -> str:
    from werkzeug.http import HTTP_STATUS_CODES
    return HTTP_STATUS_CODES.get(status, "Error")
