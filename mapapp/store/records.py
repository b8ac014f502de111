"""Checked access to the fields of one data record: every failure names file, record and field."""
import datetime as dt
import re
from pathlib import Path

import yaml

from ..core.errors import DataError
from ..domain.periods import When, parse_when, span_label

_MISSING = object()
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
class Record:
    """Field access on one record that reports file, record and field on failure."""

    def __init__(self, data, file: str, name: str):
        if not isinstance(data, dict):
            raise DataError(file, name, "", "expected a mapping of fields")
        self.data, self.file, self.name = data, file, name

    def fail(self, field_name: str, problem: str):
        raise DataError(self.file, self.name, field_name, problem)

    def get(self, key, kind=str, required=True, default=None, choices=None):
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.fail(key, "missing required field")
            return default
        if kind is dt.date:
            return self._date(key, value)
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            self.fail(key, f"expected {names}, got {type(value).__name__}")
        if choices is not None and value not in choices:
            self.fail(key, f"'{value}' is not one of {', '.join(sorted(choices))}")
        return value

    def _date(self, key, value):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(key, f"'{value}' is not a date (YYYY-MM-DD)")

    def when(self, key, required=True) -> When | None:
        """A year, a month or a date (see parse_when); None when absent and not required."""
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.fail(key, "missing required field")
            return None
        try:
            return parse_when(value)
        except ValueError as exc:
            self.fail(key, str(exc))

    def span(self, key, name, required=True) -> dict | None:
        """A {start, end} mapping of when-values (optional `label`), checked to run forwards.

        Returns {"start": When, "end": When, "first": date, "last": date, "label": text}."""
        if self.data.get(key) is None:
            if required:
                self.fail(key, "missing required field")
            return None
        rec = self.child(key, name)
        start, end = rec.when("start"), rec.when("end")
        if end.last < start.first:
            rec.fail("end", f"{name} ends before it starts")
        label = rec.get("label", required=False) or span_label(start, end)
        return {"start": start, "end": end, "first": start.first, "last": end.last, "label": label}

    def flag(self, key) -> bool:
        """An optional true/false field (false when absent)."""
        return self.get(key, bool, required=False, default=False)

    def slug(self, key="slug"):
        value = self.get(key)
        if not _SLUG.fullmatch(value):
            self.fail(key, f"'{value}' is not a slug (lower-case letters, digits and hyphens)")
        return value

    def child(self, key, name):
        return Record(self.get(key, dict), self.file, f"{self.name} {name}")

    def strings(self, key, required=True):
        values = self.get(key, list, required=required, default=[])
        if not all(isinstance(v, str) for v in values):
            self.fail(key, "expected a list of texts")
        return values


def read_yaml(path: Path, label: str):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(label, "file", "", "file not found") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(label, "file", "", f"not readable as YAML ({problem})") from None


def read_records(path: Path, noun: str, optional: bool = False) -> list[Record]:
    """A YAML file holding a list, one Record per item named "<noun> <n>" (an absent optional file is empty)."""
    raw = (read_yaml(path, path.name) if path.exists() or not optional else None) or []
    if not isinstance(raw, list):
        raise DataError(path.name, "file", "", f"expected a list of {noun}s")
    return [Record(item, path.name, f"{noun} {i + 1}") for i, item in enumerate(raw)]


def unique(values, file, kind):
    seen = set()
    for v in values:
        if v in seen:
            raise DataError(file, f"{kind} '{v}'", "slug", "slug is used twice")
        seen.add(v)


def span_dict(span: dict | None) -> dict | None:
    """A span (Record.span) as plain data: first/last day, precision of each end, label."""
    if span is None:
        return None
    return {"start": span["start"].value, "end": span["end"].value, "first": span["first"], "last": span["last"],
            "precision": {"start": span["start"].precision, "end": span["end"].precision}, "label": span["label"]}
