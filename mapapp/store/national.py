"""The national background layer in the database: loaded in one transaction, read back by batch."""
import datetime as dt
import hashlib
from pathlib import Path

from sqlalchemy import delete, insert, inspect, select
from sqlalchemy.orm import Session

from ..geo import national as geo_national
from .models import BackgroundArea


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_national(engine, path: Path, kommun: tuple[str, ...] | None = None) -> dict:
    """Replace the background areas with the file's, in one transaction (readers see old or new)."""
    path = Path(path)
    frame = geo_national.read_source(path, kommun)  # checked fully before anything is written
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    batch = f"{_sha256(path)[:16]}-{stamp}"
    rows = geo_national.build_rows(frame, batch)
    with Session(engine) as session, session.begin():
        session.execute(delete(BackgroundArea))
        for start in range(0, len(rows), 500):
            session.execute(insert(BackgroundArea), rows[start:start + 500])
    return {"areas": len(rows), "batch": batch, "file": str(path)}


def is_loaded(engine) -> bool:
    if not inspect(engine).has_table(BackgroundArea.__tablename__):
        return False
    with engine.connect() as conn:
        return conn.scalar(select(BackgroundArea.id).limit(1)) is not None




def current_batch(engine) -> str | None:
    """The loaded batch (one cheap query), or None when nothing is loaded."""
    try:
        with engine.connect() as conn:
            return conn.scalar(select(BackgroundArea.batch).limit(1))
    except Exception:  # the table does not exist yet
        return None


def area_rows(engine, batch: str) -> list:
    """Code, name, municipality and bbox of every area of a batch, largest first."""
    with engine.connect() as conn:
        return conn.execute(select(BackgroundArea.code, BackgroundArea.name, BackgroundArea.kommunkod,
                                   BackgroundArea.min_lon, BackgroundArea.min_lat, BackgroundArea.max_lon,
                                   BackgroundArea.max_lat)
                            .where(BackgroundArea.batch == batch)
                            .order_by(BackgroundArea.area_km2.desc(), BackgroundArea.code)).all()


def geometries(engine, batch: str, column: str = "geometry") -> dict[str, str]:
    """Code → GeoJSON text of one geometry column (a band's, or the full geometry) for a batch."""
    with engine.connect() as conn:
        return dict(conn.execute(select(BackgroundArea.code, getattr(BackgroundArea, column))
                                 .where(BackgroundArea.batch == batch)).all())
