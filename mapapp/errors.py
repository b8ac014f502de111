"""One error type that carries its HTTP status; JSON under /api, an HTML page elsewhere."""
from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException


class MapappError(Exception):
    """A failure a user can act on, with the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class NotFound(MapappError):
    status = 404


class DataError(MapappError):
    """A broken data file: names the file, the record and the field."""

    status = 422

    def __init__(self, file: str, record: str, field: str, problem: str):
        self.file, self.record, self.field, self.problem = file, record, field, problem
        where = f"{file}: {record}" + (f", field '{field}'" if field else "")
        super().__init__(f"{where}: {problem}")


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
