"""One error type that carries its HTTP status (the web layer answers it as JSON or an HTML page)."""


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

