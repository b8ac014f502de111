"""One error type that carries its HTTP status (the web layer answers it as JSON or an HTML page)."""
import unicodedata

# Control, format and line-break characters: a message may quote what a user sent, and must stay one line
# (a command prints it as its last line) that shows, not performs, what was there.
_HIDDEN = {"Cc", "Cf", "Zl", "Zp"}


def one_line(text) -> str:
    """The text with every control, format or line-break character shown as its escape (\\r, \\u202e)."""
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in _HIDDEN else c
                   for c in str(text))


class MapappError(Exception):
    """A failure a user can act on, with the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str, status: int | None = None):
        message = one_line(message)
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

