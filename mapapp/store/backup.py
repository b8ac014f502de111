"""Every table as portable JSON values, checked against the models, and written back in one transaction.

Tables come from Base.metadata.sorted_tables, so a model added later is included without a change
here. Values are JSON-portable between SQLite and PostgreSQL: dates and times as ISO 8601 text,
JSON columns as JSON text (so a SQL NULL and a JSON null stay distinct), bytes as base64, decimals
and UUIDs as text.
"""
import base64
import datetime as dt
import decimal
import enum
import json
import uuid
from collections import defaultdict

from sqlalchemy import delete, func, insert, null, select, text, update
from sqlalchemy import types as sqltypes
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..core.errors import MapappError
from .models import DataVersion
from .schema import Base


def _kind(column) -> sqltypes.TypeEngine:
    """The column's storage type (a TypeDecorator's implementation)."""
    kind = column.type
    return kind.impl_instance if isinstance(kind, sqltypes.TypeDecorator) else kind


def _encode(column, value):
    """A JSON-portable form of one stored value (a JSON column's value is never SQL NULL here)."""
    if isinstance(_kind(column), sqltypes.JSON):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, enum.Enum):
        return value.name  # SQLAlchemy's Enum stores and accepts the member's name
    return value


def dump_tables(engine) -> dict:
    """Every table's columns and rows (in primary-key order), read as one consistent snapshot."""
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    out = {}
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")  # pysqlite opens no transaction for reads by itself
        for table in Base.metadata.sorted_tables:
            cols = list(table.columns)
            json_cols = [c for c in cols if isinstance(_kind(c), sqltypes.JSON)]
            # A JSON column reads back None for SQL NULL and for JSON null alike; ask which it is.
            query = select(*cols, *(c.is_(None) for c in json_cols)).order_by(*table.primary_key.columns)
            rows = []
            for record in conn.execute(query):
                is_null = {c.name for c, flag in zip(json_cols, record[len(cols):]) if flag}
                rows.append([None if c.name in is_null else _encode(c, v) for c, v in zip(cols, record)])
            out[table.name] = {"columns": [c.name for c in cols], "rows": rows}
        conn.rollback()
    return out


class _SqlNull:
    """Marks a JSON column's SQL NULL, distinct from a JSON null, while rows are checked."""


SQL_NULL = _SqlNull()


def _python_type(kind):
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _decode(column, value):
    """The Python value for one stored value; ValueError says what is wrong."""
    kind = _kind(column)
    if isinstance(kind, sqltypes.JSON):
        return SQL_NULL if value is None else _checked(kind, lambda v: json.loads(_text(v)), value)
    if value is None:
        if not column.nullable:
            raise ValueError("is empty but the column requires a value")
        return None
    python_type = _python_type(kind)
    if isinstance(python_type, type) and issubclass(python_type, enum.Enum):
        python_type = str  # an Enum column is given the member's name
    decoder = _DECODERS.get(python_type)
    return _checked(kind, decoder, value) if decoder else value


def _checked(kind, decoder, value):
    try:
        return decoder(value)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise ValueError(f"is not a valid {type(kind).__name__} value ({exc})") from None


def _text(value) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return value


def _exact(value, kind):
    # JSON true is not the integer 1, and 1 is not true: booleans and integers must match exactly.
    if type(value) is not kind:
        raise ValueError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {type(value).__name__}")
    return value


_DECODERS = {  # by the Python type of the column's SQL type
    dt.datetime: lambda v: dt.datetime.fromisoformat(_text(v)),
    dt.date: lambda v: dt.date.fromisoformat(_text(v)),
    dt.time: lambda v: dt.time.fromisoformat(_text(v)),
    dt.timedelta: lambda v: dt.timedelta(seconds=_number(v)),
    bytes: lambda v: base64.b64decode(_text(v), validate=True),
    bool: lambda v: _exact(v, bool),
    int: lambda v: _exact(v, int),
    float: _number,
    decimal.Decimal: lambda v: decimal.Decimal(_text(v)),
    uuid.UUID: lambda v: uuid.UUID(_text(v)),
    str: _text,
}


def check_tables(tables) -> dict:
    """Decode and check every table against the models; MapappError names table, row and column."""
    if not isinstance(tables, dict):
        raise MapappError("'tables' must be an object of table name → columns and rows")
    known = {t.name: t for t in Base.metadata.sorted_tables}
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise MapappError(f"unknown table(s) {', '.join(unknown)}; this version of the app does not have them")
    checked = {}
    for name, table in known.items():
        if name not in tables:
            continue
        checked[name] = _check_table(table, tables[name])
    return checked


def _required(column) -> bool:
    """A column that a row must give: not nullable, no default, not a generated integer key."""
    generated = column.primary_key and isinstance(_kind(column), sqltypes.Integer)
    return not (column.nullable or generated or column.default is not None or column.server_default is not None)


def _check_table(table, data) -> list[dict]:
    name = table.name
    if not (isinstance(data, dict) and isinstance(data.get("columns"), list) and isinstance(data.get("rows"), list)):
        raise MapappError(f"table {name}: expected 'columns' and 'rows' lists")
    columns = data["columns"]
    extra = [c for c in columns if c not in table.columns]
    if extra or len(set(columns)) != len(columns):
        raise MapappError(f"table {name}: unknown or repeated column(s) {', '.join(map(str, extra)) or columns}")
    for column in table.columns:
        if column.name not in columns and _required(column):
            raise MapappError(f"table {name}: column {column.name} is missing and has no default")
    rows = []
    for i, row in enumerate(data["rows"], start=1):
        if not isinstance(row, list) or len(row) != len(columns):
            raise MapappError(f"table {name}, row {i}: expected {len(columns)} values")
        decoded = {}
        for col_name, value in zip(columns, row):
            try:
                decoded[col_name] = _decode(table.columns[col_name], value)
            except ValueError as exc:
                raise MapappError(f"table {name}, row {i}, column {col_name}: {exc}") from None
        rows.append(decoded)
    return rows


def _deferred(table, order: dict) -> list:
    """Foreign-key columns that may point at rows not yet written: to this table or a later one."""
    return [c for c in table.columns for fk in c.foreign_keys
            if c.nullable and order.get(fk.column.table.name, -1) >= order[table.name]]


def replace_tables(engine, checked: dict, before_commit=None) -> dict:
    """Replace every table's content with the checked rows in one transaction; all or nothing.

    before_commit() runs inside the transaction once every row is written (a test holds it open there).
    """
    tables = Base.metadata.sorted_tables
    order = {t.name: i for i, t in enumerate(tables)}
    counts = {}
    try:
        with Session(engine) as session, session.begin():
            previous = session.scalar(select(DataVersion.counter).where(DataVersion.id == 1)) or 0
            for table in reversed(tables):
                session.execute(delete(table))
            for table in tables:
                counts[table.name] = _insert(session, table, checked.get(table.name, []), _deferred(table, order))
            if session.bind.dialect.name == "postgresql":
                _reset_sequences(session, tables)
            _bump_past(session, previous)
            if before_commit is not None:
                before_commit()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise MapappError(f"the backup does not fit the database ({reason})", 409) from None
    return counts


def _insert(session, table, rows: list[dict], deferred: list) -> int:
    """Insert rows, grouped by which JSON columns are SQL NULL; deferred references are set afterwards."""
    later_names = {c.name for c in deferred}
    groups = defaultdict(list)
    for row in rows:
        nulls = frozenset(k for k, v in row.items() if v is SQL_NULL)
        groups[nulls].append({k: (None if k in later_names else v) for k, v in row.items() if k not in nulls})
    for nulls, params in groups.items():
        session.execute(insert(table).values({k: null() for k in nulls}), params)
    pk = list(table.primary_key.columns)
    for row in rows:
        later = {k: row[k] for k in later_names if row.get(k) is not None}
        if later:
            session.execute(update(table).where(*(c == row[c.name] for c in pk)).values(later))
    return len(rows)


def _reset_sequences(session, tables):
    """PostgreSQL: move each serial/identity sequence past the highest restored id."""
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(_kind(column), sqltypes.Integer):
                continue
            sequence = session.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                      {"t": f'"{table.name}"', "c": column.name})
            if sequence:
                top = session.scalar(select(func.max(column)))
                session.execute(text("SELECT setval(:s, :v, :called)"),
                                {"s": sequence, "v": top or 1, "called": top is not None})


def _bump_past(session, previous: int):
    """Move the data version past both the backup's and the replaced one, so every cached map is rebuilt."""
    row = session.get(DataVersion, 1)
    if row is None:
        row = DataVersion(id=1, counter=0)
        session.add(row)
    row.counter = max(row.counter or 0, previous) + 1
    row.changed_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    session.flush()
