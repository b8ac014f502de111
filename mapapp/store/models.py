"""The ORM tables. Portable SQL (SQLite and PostgreSQL): geometry is stored as GeoJSON text."""
import datetime as dt

from sqlalchemy import JSON, Column, Date, DateTime, Float, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy import event, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..geo.shapes import shape_facts


class Base(DeclarativeBase):
    pass


def _now():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


commitment_area = Table(
    "commitment_area", Base.metadata,
    Column("commitment_id", ForeignKey("commitment.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
)
camera_site_area = Table(
    "camera_site_area", Base.metadata,
    Column("camera_site_id", ForeignKey("camera_site.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
)
commitment_camera_site = Table(
    "commitment_camera_site", Base.metadata,
    Column("commitment_id", ForeignKey("commitment.id", ondelete="CASCADE"), primary_key=True),
    Column("camera_site_id", ForeignKey("camera_site.id", ondelete="CASCADE"), primary_key=True),
)


class Area(Base):
    __tablename__ = "area"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    municipality_name: Mapped[str] = mapped_column(String(100))
    geometry: Mapped[str] = mapped_column(Text)  # GeoJSON, EPSG:4326
    area_km2: Mapped[float] = mapped_column(Float)
    provenance: Mapped[dict] = mapped_column(JSON)
    lagesbild_note: Mapped[str | None] = mapped_column(Text)
    est: Mapped[dict] = mapped_column(JSON)
    # Derived from the geometry whenever it is written (see _shape_facts), so maps never parse every polygon.
    label_point: Mapped[list | None] = mapped_column(JSON)  # [lon, lat], a point inside the area
    bbox: Mapped[list | None] = mapped_column(JSON)  # [minLon, minLat, maxLon, maxLat]
    lagesbild: Mapped[list["LagesbildEntry"]] = relationship(
        back_populates="area", order_by="LagesbildEntry.year", cascade="all, delete-orphan")


class LagesbildEntry(Base):
    __tablename__ = "lagesbild_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    area: Mapped[Area] = relationship(back_populates="lagesbild")


class Promise(Base):
    __tablename__ = "promise"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    municipality_name: Mapped[str] = mapped_column(String(100))
    parties: Mapped[list] = mapped_column(JSON)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    period_label: Mapped[str | None] = mapped_column(String(100))  # as the source prints it: "2021–2022"
    signed: Mapped[dt.date | None] = mapped_column(Date)
    problem_picture: Mapped[str | None] = mapped_column(Text)
    dialogue: Mapped[dict | None] = mapped_column(JSON)
    follow_up_rule: Mapped[dict] = mapped_column(JSON)
    sources: Mapped[list] = mapped_column(JSON)
    related_reports: Mapped[list] = mapped_column(JSON)
    # Follow-up knowledge beyond the entries: reports published (content captured or not), searches that
    # found nothing; and the source's own precision, parties' signatures and notes (geodata/SCHEMA.md).
    follow_up_reports: Mapped[list | None] = mapped_column(JSON)
    follow_up_searches: Mapped[list | None] = mapped_column(JSON)
    details: Mapped[dict | None] = mapped_column(JSON)
    published: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source_text: Mapped[str | None] = mapped_column(Text)  # an imported draft's original document text
    import_spans: Mapped[dict | None] = mapped_column(JSON)  # field -> [start, end] in source_text
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="promise", order_by="Commitment.position", cascade="all, delete-orphan")


class Commitment(Base):
    __tablename__ = "commitment"
    __table_args__ = (UniqueConstraint("promise_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(ForeignKey("promise.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    text_note: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(20))
    themes: Mapped[list] = mapped_column(JSON)
    method: Mapped[str | None] = mapped_column(String(20))
    target: Mapped[dict | None] = mapped_column(JSON)
    whole_municipality: Mapped[bool] = mapped_column(default=False)
    details: Mapped[dict | None] = mapped_column(JSON)  # areas_note, areas_inferred, group, … (SCHEMA.md)
    # Its place in the area's history, set by a planner: continued/changed (with the predecessor), new, dropped.
    lineage: Mapped[str | None] = mapped_column(String(20))
    predecessor_id: Mapped[int | None] = mapped_column(
        ForeignKey("commitment.id", ondelete="SET NULL", name="fk_commitment_predecessor_id"))
    lineage_note: Mapped[str | None] = mapped_column(Text)
    promise: Mapped[Promise] = relationship(back_populates="commitments")
    areas: Mapped[list[Area]] = relationship(secondary=commitment_area, order_by="Area.name")
    camera_sites: Mapped[list["CameraSite"]] = relationship(secondary=commitment_camera_site)
    follow_ups: Mapped[list["FollowUp"]] = relationship(
        back_populates="commitment", order_by="(FollowUp.date, FollowUp.id)", cascade="all, delete-orphan")


class FollowUp(Base):
    """An append-only dated entry; a correction is a new entry that supersedes an older one."""
    __tablename__ = "follow_up"
    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    date_label: Mapped[str | None] = mapped_column(String(100))
    covers_first: Mapped[dt.date | None] = mapped_column(Date)  # the period the entry reports on
    covers_last: Mapped[dt.date | None] = mapped_column(Date)
    published_on: Mapped[dt.date | None] = mapped_column(Date)  # when its source was published, where known
    status: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(Text)
    evidence_title: Mapped[str | None] = mapped_column(Text)
    evidence_file: Mapped[str | None] = mapped_column(String(200))
    evidence_kind: Mapped[str | None] = mapped_column(String(20))  # parties, news or other
    recorded_by: Mapped[str] = mapped_column(String(100), default="källdata")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("follow_up.id"))
    commitment: Mapped[Commitment] = relationship(back_populates="follow_ups")


class CameraSite(Base):
    __tablename__ = "camera_site"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    precision: Mapped[str] = mapped_column(String(20))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    decided: Mapped[dt.date | None] = mapped_column(Date)
    date_label: Mapped[str | None] = mapped_column(String(200))
    start: Mapped[dt.date | None] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    count: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    location_note: Mapped[str | None] = mapped_column(Text)
    sensitive: Mapped[bool] = mapped_column(default=False)
    reported: Mapped[dt.date | None] = mapped_column(Date)  # the report it is known from (a plan, say)
    status_as_of: Mapped[dt.date | None] = mapped_column(Date)  # the date of the source behind the status
    details: Mapped[dict | None] = mapped_column(JSON)  # labels, status_note, further_sources
    source_url: Mapped[str] = mapped_column(Text)
    source_title: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    areas: Mapped[list[Area]] = relationship(secondary=camera_site_area, order_by="Area.name")
    commitments: Mapped[list[Commitment]] = relationship(secondary=commitment_camera_site, viewonly=True)


class DataVersion(Base):
    """One row whose counter changes on every write, so rendered maps know when to rebuild."""
    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class User(Base):
    """A planner or admin account; the password is stored only as a werkzeug hash."""
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)


class AuditEntry(Base):
    """One write: who, when, what, and the values before and after (written in the write's transaction)."""
    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)
    username: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str] = mapped_column(String(200), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class Place(Base):
    """A named place a citizen may search for: a point only where a source gives one, else its area."""
    __tablename__ = "place"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list] = mapped_column(JSON)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str] = mapped_column(Text)
    source_title: Mapped[str] = mapped_column(Text)
    area: Mapped[Area] = relationship()


class Presentation(Base):
    """A planner's named walk through a promise: which areas and commitments to show, in what order."""
    __tablename__ = "presentation"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    promise_id: Mapped[int] = mapped_column(ForeignKey("promise.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    area_slugs: Mapped[list] = mapped_column(JSON)  # in slide order
    commitment_keys: Mapped[list] = mapped_column(JSON)  # "promise/commitment", in the order shown
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    version: Mapped[int] = mapped_column(Integer, default=1)
    promise: Mapped[Promise] = relationship()


class NationalBase(DeclarativeBase):
    """Derived, reloadable data (`flask load-national`): kept out of Base, so seed, backup and restore
    leave it alone and a backup does not carry ~20 MB of pre-simplified geometry."""


class BackgroundArea(NationalBase):
    """One SCB RegSO 2025 area of the national background layer, with geometry pre-simplified per zoom band.

    Every geometry is GeoJSON text in EPSG:4326: `geometry` as in geodata/national (6 decimals), and
    `geometry_t<metres>` simplified in EPSG:3006 with that tolerance and rounded for display.
    """
    __tablename__ = "background_area"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # regsokod, e.g. 0581R006
    name: Mapped[str] = mapped_column(String(200))
    kommunkod: Mapped[str] = mapped_column(String(4), index=True)
    lanskod: Mapped[str] = mapped_column(String(2))
    area_km2: Mapped[float] = mapped_column(Float)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    geometry: Mapped[str] = mapped_column(Text)
    geometry_t75: Mapped[str] = mapped_column(Text)
    geometry_t300: Mapped[str] = mapped_column(Text)
    geometry_t1200: Mapped[str] = mapped_column(Text)
    batch: Mapped[str] = mapped_column(String(80))  # the load: source sha256 prefix and time; changes on reload


@event.listens_for(Area, "before_insert")
@event.listens_for(Area, "before_update")
def _shape_facts(_mapper, _connection, area: Area):
    """Keep the label point and the bounding box in step with the geometry, however an area is written."""
    if area.label_point is None or inspect(area).attrs.geometry.history.has_changes():
        area.label_point, area.bbox = shape_facts(area.geometry)
