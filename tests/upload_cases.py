"""Malformed uploads for the upload suite: hand-made boundary files and documents, and hypothesis strategies."""
import copy
import functools
import io
import json
import random
import re
import sqlite3
import struct
import tempfile
import unicodedata
import warnings
import zipfile
from pathlib import Path

import numpy as np
import shapely
from hypothesis import strategies as st
from pypdf import PdfWriter
from shapely.geometry import box

from boundary_files import BOWTIE, LUNDBY, feature_collection, frame, geojson, gpkg, shapefile_zip

MB = 2**20
LIMIT = 20 * MB  # MAX_BOUNDARY_BYTES by default
NORRBY = box(16.15, 58.60, 16.18, 58.62)
IN_SWEREF = frame([{"name": "Lundby", "slug": "lundby"}], [LUNDBY], to_crs="EPSG:3006")
SWEREF_AS_WGS84 = IN_SWEREF.set_crs("EPSG:4326", allow_override=True)  # metres labelled as degrees
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


# ---- zip building ---------------------------------------------------------------------------------------------

def zip_of(members, method=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of (name or ZipInfo, bytes) pairs, duplicates and odd names allowed."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", method) as zf:
        warnings.simplefilter("ignore")  # "Duplicate name" is part of the test
        for name, data in members:
            zf.writestr(name, data)
    return buffer.getvalue()


@functools.lru_cache
def shapefile_members() -> tuple:
    """The members of a valid zipped Shapefile, to mix with bad ones."""
    with zipfile.ZipFile(io.BytesIO(shapefile_zip(IN_SWEREF))) as zf:
        return tuple((i.filename, zf.read(i)) for i in zf.infolist())


@functools.lru_cache
def bomb(expanded_bytes: int, name="omraden.shp") -> bytes:
    """A small zip whose member expands to expanded_bytes of zeros; streamed, never held in memory or on disk."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in shapefile_members():
            if not member.endswith(".shp"):
                zf.writestr(member, data)
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as out:
            chunk = bytes(MB)
            for _ in range(expanded_bytes // MB):
                out.write(chunk)
    return buffer.getvalue()


def _patch(data: bytes, name: str, local_at: int, central_at: int, fmt: str, value) -> bytes:
    """The zip with one field of one member's local and central headers rewritten (e.g. the size it declares)."""
    out, encoded = bytearray(data), name.encode()
    # (signature, offset of the field, of the name's length, of the name) in each kind of header
    for signature, field_at, length_at, name_at in ((b"PK\x03\x04", local_at, 26, 30),
                                                    (b"PK\x01\x02", central_at, 28, 46)):
        pos = out.find(signature)
        while pos >= 0:
            length = struct.unpack("<H", out[pos + length_at:pos + length_at + 2])[0]
            if out[pos + name_at:pos + name_at + length] == encoded:
                size = struct.calcsize(fmt)
                out[pos + field_at:pos + field_at + size] = struct.pack(fmt, value)
            pos = out.find(signature, pos + 4)
    return bytes(out)


def declared_size(data: bytes, name: str, size: int) -> bytes:
    return _patch(data, name, 22, 24, "<I", size)


def symlink_zip() -> bytes:
    link = zipfile.ZipInfo("omraden.prj")
    link.create_system, link.external_attr = 3, (0o120777 << 16)
    return zip_of([*[m for m in shapefile_members() if not m[0].endswith(".prj")], (link, b"/etc/passwd")])


def encrypted_zip() -> bytes:
    """The .dbf flagged as encrypted (zipfile clears the flag when writing, so it is set in the bytes)."""
    return _patch(zip_of(shapefile_members(), zipfile.ZIP_STORED), "omraden.dbf", 6, 8, "<H", 0x1)


def shapefile_without(*exts) -> bytes:
    return zip_of([m for m in shapefile_members() if m[0].rsplit(".", 1)[-1] not in exts])


def shapefile_with(extra_name: str, extra=b"x") -> bytes:
    return zip_of([*shapefile_members(), (extra_name, extra)])


# ---- big inputs, built once and lazily ------------------------------------------------------------------------

def circle(n: int):
    """A valid polygon with n vertices around Norrköping."""
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ring = np.column_stack([16.18 + 0.02 * np.cos(angles), 58.58 + 0.01 * np.sin(angles)])
    return shapely.Polygon(np.vstack([ring, ring[:1]]))


@functools.lru_cache
def geojson_millions() -> bytes:
    """About 3 million positions in under 20 MB: the text is repeated bytes, never a Python list of coordinates."""
    ring = b"[16.1,58.5]," + b"[1,2]," * 3_000_000 + b"[16.1,58.5]"
    return (b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Stor"},'
            b'"geometry":{"type":"Polygon","coordinates":[[' + ring + b"]]}}]}")


@functools.lru_cache
def gpkg_million() -> bytes:
    return gpkg(frame([{"name": "Stor"}], [circle(1_100_000)]))


@functools.lru_cache
def shapefile_million() -> bytes:
    return shapefile_zip(frame([{"name": "Stor"}], [circle(1_100_000)]), keep=("shp", "shx", "dbf", "prj"))


def lying_shp_header() -> bytes:
    """A .shp whose one record claims three million points that are not there."""
    members = dict(shapefile_members())
    shp = bytearray(members["omraden.shp"])
    shp[100 + 48:100 + 52] = struct.pack("<i", 3_000_000)
    members["omraden.shp"] = bytes(shp)
    return zip_of(list(members.items()))


def without_crs(gdf) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyogrio warns that the file will have no CRS: that is the point
        return gpkg(gdf.set_crs(None, allow_override=True))


def _edit_gpkg(data: bytes, statements) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.gpkg"
        path.write_bytes(data)
        con = sqlite3.connect(path)
        for (trigger,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            con.execute(f'DROP TRIGGER "{trigger}"')  # GDAL's triggers call SpatiaLite functions sqlite3 lacks
        for statement in statements:
            con.execute(statement)
        con.commit()
        con.close()
        return path.read_bytes()


def gpkg_latin1() -> bytes:
    return _edit_gpkg(gpkg(frame([{"name": "x"}], [LUNDBY])),
                      ["UPDATE areas SET name = CAST(x'536be46767657465f27270' AS TEXT)"])


def gpkg_with_view() -> bytes:
    """A layer that is a view running an endless recursive query."""
    return _edit_gpkg(gpkg(frame([{"name": "x"}], [LUNDBY])), [
        "DELETE FROM gpkg_contents", "DELETE FROM gpkg_geometry_columns", "DROP TABLE areas",
        "CREATE VIEW areas AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT x AS fid, NULL AS geom, 'x' AS name FROM c",
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('areas', 'features', 'areas', 4326)",
        "INSERT INTO gpkg_geometry_columns VALUES ('areas', 'geom', 'POLYGON', 4326, 0, 0)"])


def gpkg_two_layers() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.gpkg"
        frame([{"name": "A"}], [LUNDBY]).to_file(path, layer="a", driver="GPKG", engine="pyogrio")
        frame([{"name": "B"}], [NORRBY]).to_file(path, layer="b", driver="GPKG", engine="pyogrio")
        return path.read_bytes()


def many_features(n=501) -> bytes:
    return geojson([({"name": f"Område {i}", "slug": f"omrade-{i}"}, box(16 + i * 1e-3, 58, 16 + i * 1e-3 + 5e-4, 58.001))
                    for i in range(n)])


def nested_json(depth=100_000) -> bytes:
    return (b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},'
            b'"geometry":{"type":"Polygon","coordinates":' + b"[" * depth + b"]" * depth + b"}}]}")


def oversized(size=LIMIT + 1) -> bytes:
    head = b'{"type":"FeatureCollection","features":[]'
    return head + b" " * (size - len(head) - 1) + b"}"


# ---- the hand-made boundary cases: (id, file name, builder, form fields, a word the message must contain) --------

def _gj(features, crs=None):
    return lambda: geojson(features, crs)


_A = {"name": "Lundby", "slug": "lundby"}
BOUNDARY_CASES = [
    ("empty geojson", "a.geojson", lambda: b"", {}, "tom"),
    ("empty gpkg", "a.gpkg", lambda: b"", {}, "tom"),
    ("empty zip file", "a.zip", lambda: b"", {}, "tom"),
    ("zip without members", "a.zip", lambda: zip_of([]), {}, "tom"),
    ("oversized", "a.geojson", oversized, {}, "för stor"),
    ("zip bomb 150 MB", "bomb.zip", lambda: bomb(150 * MB), {}, "zip-bomb"),
    ("zip bomb by ratio", "bomb.zip", lambda: bomb(40 * MB), {}, "zip-bomb"),
    ("zip declaring 3 GB", "a.zip", lambda: declared_size(zip_of(shapefile_members()), "omraden.dbf", 3_000_000_000),
     {}, "zip-bomb"),
    ("zip expanding past its declared size", "a.zip",
     lambda: declared_size(zip_of([*shapefile_members()[:-1], ("omraden.cpg", bytes(2 * MB))]), "omraden.cpg", 100),
     {}, "omraden.cpg"),
    ("nested zip by name", "a.zip", lambda: shapefile_with("inner.zip", zip_of(shapefile_members())), {}, "arkiv"),
    ("nested zip by content", "a.zip", lambda: shapefile_with("readme.txt", zip_of([("x", b"y")])), {}, "arkiv"),
    ("../ path", "a.zip", lambda: shapefile_with("../../evil.txt"), {}, "../"),
    ("../ path in a folder", "a.zip", lambda: shapefile_with("data/../../../etc/cron.d/x"), {}, "../"),
    ("absolute path", "a.zip", lambda: shapefile_with("/etc/passwd"), {}, "absolut"),
    ("windows path", "a.zip", lambda: shapefile_with("..\\..\\evil.dll"), {}, "../"),
    ("drive letter", "a.zip", lambda: shapefile_with("C:/evil.txt"), {}, "absolut"),
    ("symlink", "a.zip", symlink_zip, {}, "länk"),
    ("encrypted member", "a.zip", encrypted_zip, {}, "krypterad"),
    ("too many members", "a.zip", lambda: zip_of([*shapefile_members(), *((f"f{i}.txt", b"") for i in range(60))]),
     {}, "filer"),
    ("no .shx", "a.zip", lambda: shapefile_without("shx"), {}, ".shx"),
    ("no .dbf", "a.zip", lambda: shapefile_without("dbf"), {}, ".dbf"),
    ("two shapefiles", "a.zip", lambda: zip_of([*shapefile_members(), *((f"b/{n}", d) for n, d in shapefile_members())]),
     {}, "exakt en"),
    ("geopackage inside a zip", "a.zip", lambda: zip_of([("omraden.gpkg", gpkg(IN_SWEREF))]), {}, ".shp"),
    ("lone .shp", "omraden.shp", lambda: dict(shapefile_members())["omraden.shp"], {}, "zip"),
    ("geojson named .gpkg", "a.gpkg", lambda: geojson(), {}, "GeoPackage"),
    ("gpkg named .zip", "a.zip", lambda: gpkg(IN_SWEREF), {}, "zip"),
    ("unknown type", "a.kml", lambda: b"<kml/>", {}, "filtyp"),
    ("EPSG:3006 coordinates in GeoJSON without crs", "a.geojson",
     lambda: json.dumps({**json.loads(IN_SWEREF.to_json()), "crs": None}).encode().replace(b', "crs": null', b""),
     {}, "EPSG:3006"),
    ("EPSG:3006 coordinates labelled EPSG:4326 in GeoJSON", "a.geojson",
     lambda: json.dumps({**json.loads(IN_SWEREF.to_json()), "crs": {"type": "name", "properties": {
         "name": "urn:ogc:def:crs:EPSG::4326"}}}).encode(), {}, "EPSG:3006"),
    ("EPSG:3006 coordinates labelled EPSG:4326 in GeoPackage", "a.gpkg", lambda: gpkg(SWEREF_AS_WGS84), {}, "EPSG:3006"),
    ("EPSG:3006 coordinates labelled EPSG:4326 in Shapefile", "a.zip", lambda: shapefile_zip(SWEREF_AS_WGS84), {},
     "EPSG:3006"),
    ("lon/lat labelled EPSG:3006", "a.gpkg",
     lambda: gpkg(frame([_A], [LUNDBY]).set_crs("EPSG:3006", allow_override=True)), {}, "utanför Sverige"),
    ("unknown CRS", "a.geojson", _gj([(_A, LUNDBY)], "EPSG:999999"), {}, "koordinatsystem"),
    ("unreadable .prj", "a.zip", lambda: zip_of([*[m for m in shapefile_members() if not m[0].endswith(".prj")],
                                                 ("omraden.prj", b"this is not WKT")]), {}, ".prj"),
    ("missing CRS in Shapefile", "a.zip", lambda: shapefile_without("prj"), {}, "inget koordinatsystem"),
    ("missing CRS in GeoPackage", "a.gpkg", lambda: without_crs(IN_SWEREF), {}, "inget koordinatsystem"),
    ("self-intersecting GeoJSON", "a.geojson", _gj([(_A, BOWTIE)]), {}, "Self-intersection"),
    ("self-intersecting GeoPackage", "a.gpkg", lambda: gpkg(frame([_A], [BOWTIE], to_crs="EPSG:3006")), {},
     "Self-intersection"),
    ("self-intersecting Shapefile", "a.zip", lambda: shapefile_zip(frame([_A], [BOWTIE], to_crs="EPSG:3006")), {},
     "Self-intersection"),
    ("empty geometry GeoJSON", "a.geojson", _gj([(_A, {"type": "Polygon", "coordinates": []})]), {}, "tom"),
    ("null geometry GeoJSON", "a.geojson", _gj([(_A, None)]), {}, "saknar geometri"),
    # Found by the fuzz suite: the type quoted back with its carriage return split the command's last line.
    ("a geometry type with a carriage return", "a.geojson", _gj([(_A, {"type": "\r0", "coordinates": []})]), {},
     "fick \\r0"),
    ("empty geometry GeoPackage", "a.gpkg", lambda: gpkg(frame([_A], [shapely.Polygon()])), {}, "tom"),
    ("null geometry GeoPackage", "a.gpkg", lambda: gpkg(frame([_A], [None])), {}, "saknar geometri"),
    ("points, not polygons", "a.gpkg", lambda: gpkg(frame([_A], [shapely.Point(16.1, 58.5)])), {}, "Point"),
    ("lines in a Shapefile", "a.zip",
     lambda: shapefile_zip(frame([_A], [shapely.LineString([(16.1, 58.5), (16.2, 58.6)])])), {}, "linjer"),
    ("millions of vertices, GeoJSON", "a.geojson", geojson_millions, {}, "hörnpunkter"),
    ("a million vertices, GeoPackage", "a.gpkg", gpkg_million, {}, "hörnpunkter"),
    ("a million vertices, Shapefile", "a.zip", shapefile_million, {}, "hörnpunkter"),
    ("a .shp record claiming millions of points", "a.zip", lying_shp_header, {}, "hörnpunkter"),
    ("too many features", "a.geojson", many_features, {}, "objekt"),
    ("no features", "a.geojson", _gj([]), {}, "inga objekt"),
    ("non-UTF-8 GeoJSON", "a.geojson", lambda: geojson([({"name": "Skäggetorp"}, LUNDBY)]).decode().encode("latin-1"),
     {}, "UTF-8"),
    ("non-UTF-8 GeoPackage", "a.gpkg", gpkg_latin1, {}, "UTF-8"),
    ("non-UTF-8 Shapefile that says UTF-8", "a.zip",
     lambda: shapefile_zip(frame([{"name": "Skäggetorp"}], [LUNDBY]), encoding="latin1", cpg_text="UTF-8"), {}, "UTF-8"),
    ("UTF-16 GeoJSON", "a.geojson", lambda: geojson().decode().encode("utf-16"), {}, "GeoJSON"),
    ("NaN coordinates", "a.geojson", lambda: geojson().replace(b"16.1,", b"NaN,", 1), {}, "JSON"),
    ("deeply nested JSON", "a.geojson", nested_json, {}, "JSON"),
    ("a GeoPackage layer that is a view", "a.gpkg", gpkg_with_view, {}, "vy"),
    ("two layers, none chosen", "a.gpkg", gpkg_two_layers, {}, "lager"),
    ("a layer that is not there", "a.gpkg", lambda: gpkg(IN_SWEREF), {"layer": "finns-inte"}, "finns-inte"),
    ("name column missing", "a.geojson", _gj([({"title": "Lundby"}, LUNDBY)]), {}, "namnkolumn"),
    ("chosen slug column missing", "a.geojson", _gj([(_A, LUNDBY)]), {"slug_field": "kod"}, "kod"),
    ("slug that is not slug-safe", "a.geojson", _gj([({"name": "Lundby", "slug": "Lundby Norr"}, LUNDBY)]), {}, "slug"),
    ("slug with ../", "a.geojson", _gj([({"name": "Lundby", "slug": "../admin"}, LUNDBY)]), {}, "slug"),
    ("duplicate slugs", "a.geojson", _gj([(_A, LUNDBY), (_A, NORRBY)]), {}, "också av objekt 1"),
    ("name with control characters", "a.geojson", _gj([({"name": "Lund\x1bby"}, LUNDBY)]), {}, "styrtecken"),
    ("name with a direction override", "a.geojson", _gj([({"name": "Lund\u202eyb"}, LUNDBY)]), {}, "styrtecken"),
    ("name of 300 characters", "a.geojson", _gj([({"name": "L" * 300}, LUNDBY)]), {}, "200"),
    ("unclosed ring", "a.geojson", _gj([(_A, {"type": "Polygon", "coordinates": [[[16.1, 58.5], [16.2, 58.5],
                                                                                    [16.2, 58.6], [16.1, 58.6]]]})]),
     {}, "sluten"),
]


# ---- documents: (id, file name, builder) -----------------------------------------------------------------------

def minimal_pdf(text="Ingen löftestext här") -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text.encode('latin-1', 'replace').decode('latin-1')}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdf(encrypt=False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    if encrypt:
        writer.encrypt("hemligt", algorithm="RC4-128")  # RC4 needs no optional crypto package
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


_NOISE = bytes(random.Random(9).randrange(256) for _ in range(4000))
DOCUMENT_CASES = [
    ("empty", "a.txt", lambda: b""),
    ("whitespace only", "a.txt", lambda: b"  \n\t \r\n"),
    ("over the form's limit", "a.txt", lambda: b"a" * (5 * MB + 1)),
    ("over every limit", "a.txt", lambda: b"a " * (10 * MB + 1)),
    ("random bytes", "a.txt", lambda: _NOISE),
    ("random bytes named .pdf", "a.pdf", lambda: _NOISE),
    ("zip bomb named .pdf", "a.pdf", lambda: bomb(150 * MB)),
    ("zip with ../ named .txt", "a.txt", lambda: shapefile_with("../../evil.txt")),
    ("../ in the file name", "../../etc/passwd.txt", lambda: b"root:x:0:0:root:/root:/bin/bash\n"),
    ("non-UTF-8 text", "a.txt", lambda: "Det här är ingen löftestext; bara åäö och ÅÄÖ.".encode("latin-1")),
    ("UTF-16 text", "a.txt", lambda: "ingen löftestext här".encode("utf-16")),
    ("NUL bytes", "a.txt", lambda: b"Medborgarl\x00fte 2020\x00"),
    ("only scripts", "a.html", lambda: b"<html><script>alert(1)</script><style>p{}</style></html>"),
    ("deep HTML", "a.html", lambda: b"<div>" * 50_000 + b"x"),
    ("truncated PDF", "a.pdf", lambda: minimal_pdf()[:300]),
    ("PDF header and junk", "a.pdf", lambda: b"%PDF-1.7\n" + _NOISE),
    ("PDF without text", "a.pdf", _pdf),
    ("encrypted PDF", "a.pdf", lambda: _pdf(encrypt=True)),
    ("PDF with text that is no promise", "a.pdf", minimal_pdf),
    ("PNG named .pdf", "a.pdf", lambda: b"\x89PNG\r\n\x1a\n" + _NOISE),
]


# ---- hypothesis strategies -------------------------------------------------------------------------------------

_PREFIXES = [b"", b"SQLite format 3\x00", b"PK\x03\x04", b"PK\x05\x06", b"{", b"\xef\xbb\xbf{",
             b'{"type":"FeatureCollection","features":[']
_UPLOAD_NAMES = ["a.geojson", "a.json", "a.gpkg", "a.zip", "a.shp", "a", "A.GEOJSON", "../../a.gpkg", "a.txt", ""]
random_uploads = st.tuples(st.builds(lambda p, b: p + b, st.sampled_from(_PREFIXES), st.binary(max_size=2000)),
                           st.sampled_from(_UPLOAD_NAMES))


@functools.lru_cache
def valid_files() -> dict:
    return {"lundby.geojson": geojson(), "lundby.gpkg": gpkg(IN_SWEREF), "lundby.zip": shapefile_zip(IN_SWEREF)}


@st.composite
def truncated_files(draw):
    """A valid file cut short, or missing its start."""
    name = draw(st.sampled_from(sorted(valid_files())))
    data = valid_files()[name]
    if draw(st.booleans()):
        return data[:draw(st.integers(0, len(data.rstrip()) - 1))], name
    return data[draw(st.integers(1, len(data) - 1)):], name


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
                     max_leaves=8)


def _is_slug(value) -> bool:
    if not isinstance(value, str):
        return False
    text = unicodedata.normalize("NFC", value).strip()
    return bool(text) and len(text) <= 80 and bool(_SLUG.fullmatch(text))


def _is_position(value) -> bool:
    return isinstance(value, list) and 2 <= len(value) <= 3 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)


_NOT_TEXT = st.one_of(st.booleans(), st.lists(st.integers(), min_size=1, max_size=3),
                     st.dictionaries(st.text(max_size=3), st.integers(), min_size=1, max_size=2))
_BAD_NAMES = st.one_of(st.none(), st.just(""), st.text(" \t\n", max_size=3), st.text("ab", min_size=201, max_size=260),
                       st.text(max_size=8).map(lambda t: t + "\x07"), st.just("Lund\u202eby"), st.just("Lund\ufffdby"),
                       _NOT_TEXT)
_BAD_SLUGS = st.one_of(st.none(), _NOT_TEXT, st.text(max_size=90).filter(lambda t: not _is_slug(t)),
                       st.sampled_from(["Lundby", "../etc", "a" * 81, "lund by", "lundby-", "LUNDBY"]))
_BAD_CRS = st.one_of(st.sampled_from([{"type": "name", "properties": {"name": n}} for n in
                                      ("EPSG:999999", "EPSG:3006", "EPSG:3857", "inte ett koordinatsystem", "")]),
                     _JSON.filter(lambda v: v is not None and not isinstance(v, dict)))
MUTATIONS = ["top-type", "features", "feature", "geometry", "geometry-type", "coordinates", "position", "far-position",
             "unclosed", "short-ring", "bowtie", "name", "no-name", "slug", "duplicate", "properties", "crs",
             "no-features", "empty-geometry", "not-finite", "top-level", "latin-1"]


@st.composite
def mutated_geojson(draw) -> bytes:
    """A valid two-area FeatureCollection with one change that must make it refused."""
    doc = feature_collection([({"name": "Lundby", "slug": "lundby"}, LUNDBY), ({"name": "Norrby", "slug": "norrby"}, NORRBY)])
    kind = draw(st.sampled_from(MUTATIONS))
    feature = doc["features"][draw(st.integers(0, 1))]
    geometry, props = feature["geometry"], feature["properties"]
    ring = geometry["coordinates"][0]
    middle = draw(st.integers(1, len(ring) - 2))
    if kind == "top-type":
        doc["type"] = draw(st.text(max_size=20).filter(lambda t: t != "FeatureCollection"))
    elif kind == "features":
        doc["features"] = draw(_JSON.filter(lambda v: not isinstance(v, list)))
    elif kind == "feature":
        doc["features"][0] = draw(_JSON.filter(lambda v: not isinstance(v, dict) or v.get("type") != "Feature"))
    elif kind == "geometry":
        feature["geometry"] = draw(_JSON.filter(lambda v: not isinstance(v, dict) or "coordinates" not in v))
    elif kind == "geometry-type":
        geometry["type"] = draw(st.sampled_from(["Point", "LineString", "MultiPoint", "GeometryCollection", "polygon"])
                                | st.text(max_size=12).filter(lambda t: t not in ("Polygon", "MultiPolygon")))
    elif kind == "coordinates":
        geometry["coordinates"] = draw(_JSON)
    elif kind == "position":
        ring[draw(st.integers(0, len(ring) - 1))] = draw(_JSON.filter(lambda v: not _is_position(v)))
    elif kind == "far-position":
        ring[middle] = [draw(st.floats(200, 1e9)), draw(st.floats(-1e9, 1e9))]
    elif kind == "unclosed":
        ring.pop()
    elif kind == "short-ring":
        geometry["coordinates"][0] = ring[:draw(st.integers(0, 3))]
    elif kind == "bowtie":
        ring[1], ring[2] = ring[2], ring[1]
    elif kind == "name":
        props["name"] = draw(_BAD_NAMES)
    elif kind == "no-name":
        del props["name"]
    elif kind == "slug":
        props["slug"] = draw(_BAD_SLUGS)
    elif kind == "duplicate":
        doc["features"].append(copy.deepcopy(feature))
    elif kind == "properties":
        feature["properties"] = draw(_JSON.filter(lambda v: v is not None and not isinstance(v, dict)))
    elif kind == "crs":
        doc["crs"] = draw(_BAD_CRS)
    elif kind == "no-features":
        doc["features"] = []
    elif kind == "empty-geometry":
        feature["geometry"] = draw(st.sampled_from([None, {"type": "Polygon", "coordinates": []}, {"type": "Polygon"},
                                                    {"type": "MultiPolygon", "coordinates": [[]]}]))
    elif kind == "not-finite":
        ring[middle][draw(st.integers(0, 1))] = draw(st.sampled_from([float("nan"), float("inf"), -float("inf")]))
    elif kind == "top-level":
        return json.dumps(draw(_JSON.filter(lambda v: not isinstance(v, dict)))).encode()
    elif kind == "latin-1":
        props["name"] = "Skäggetorp"
        return json.dumps(doc, ensure_ascii=False).encode("latin-1")
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


_MEMBER_NAMES = st.one_of(st.sampled_from(["omraden.shp", "omraden.shx", "omraden.dbf", "omraden.prj", "omraden.cpg",
                                           "../omraden.shp", "/abs/omraden.shp", "a/../../omraden.dbf", "inner.zip",
                                           "x.gpkg", "__MACOSX/._omraden.shp", "dir/"]),
                          st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20))
_BAD_MEMBERS = ["../omraden.txt", "/etc/passwd", "a/../../b.txt", "..\\..\\evil.dll", "C:/evil.txt", "inner.zip", "x.gz"]


@st.composite
def random_zips(draw) -> bytes:
    """Random members; or a valid Shapefile plus one member that must not be unpacked."""
    members = draw(st.lists(st.tuples(_MEMBER_NAMES, st.binary(max_size=200)), max_size=6))
    if draw(st.booleans()):
        members = [*shapefile_members(), *members, (draw(st.sampled_from(_BAD_MEMBERS)), b"x")]
    method = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]))
    return zip_of(members, method)
