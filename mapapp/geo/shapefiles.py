"""Zipped Shapefiles: the archive checked, the members unpacked with limits, records counted before GDAL reads them."""
import struct
from pathlib import Path

from . import safezip
from .formats import BoundaryError, Limits, RawLayer, read_ogr, too_many_features, too_many_vertices
from ..core.messages import _

_SHP_TYPES = {1: "punkter", 3: "linjer", 8: "multipunkter", 11: "punkter", 13: "linjer", 18: "multipunkter",
              21: "punkter", 23: "linjer", 28: "multipunkter", 31: "multipatch-ytor"}
_POLYGON_TYPES = (5, 15, 25)


def read_shapefile(data: bytes, label: str, limits: Limits, workdir: Path, columns) -> RawLayer:
    """The features of the one Shapefile in a zip; `columns` picks the attribute columns to read."""
    archive = safezip.open_checked(data, label, limits.zip)
    members = _shapefile_members(archive, label)
    budget = limits.zip.max_unpacked
    for ext, info in members.items():
        budget -= safezip.extract(archive, info, workdir / f"layer.{ext}", label, budget)
    _scan_shapefile(workdir, label, limits)
    raw = read_ogr(workdir / "layer.shp", label, None, "Shapefile", limits, columns)
    if "prj" not in members:
        raw.crs = None  # GDAL may guess; a missing .prj is a missing CRS
    elif raw.crs is None:
        raise BoundaryError(_("%(file)s: .prj-filen går inte att läsa som ett koordinatsystem.", file=label))
    raw.encoding_declared = "cpg" in members
    return raw


def _shapefile_members(archive, label: str) -> dict:
    files = [i for i in archive.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX/")
             and not i.filename.rsplit("/", 1)[-1].startswith("._")]
    shps = [i for i in files if i.filename.lower().endswith(".shp")]
    if len(shps) != 1:
        names = ", ".join(i.filename for i in shps)[:200]
        raise BoundaryError(_("%(file)s: zip-filen ska innehålla exakt en Shapefile (.shp); den har %(n)s%(names)s.",
                              file=label, n=len(shps), names=f" ({names})" if names else ""))
    stem = shps[0].filename[:-3].lower()
    found = {i.filename[len(stem):].lower(): i for i in files if i.filename.lower().startswith(stem)}
    missing = [f".{ext}" for ext in ("shx", "dbf") if ext not in found]
    if missing:
        raise BoundaryError(_("%(file)s: Shapefilen saknar %(missing)s (zippa .shp, .shx, .dbf och .prj tillsammans).",
                              file=label, missing=" och ".join(missing)))
    return {ext: found[ext] for ext in ("shp", "shx", "dbf", "prj", "cpg") if ext in found}


def _scan_shapefile(folder: Path, label: str, limits: Limits):
    """Count records and vertices from the .shp record headers, before GDAL reads any geometry."""
    damaged = _("%(file)s: .shp-filen är skadad.", file=label)
    shp = folder / "layer.shp"
    size = shp.stat().st_size
    with open(shp, "rb") as fh:
        head = fh.read(100)
        if len(head) < 100 or struct.unpack(">i", head[:4])[0] != 9994:
            raise BoundaryError(_("%(file)s: .shp-filen är ingen Shapefile (fel filhuvud).", file=label))
        shape_type = struct.unpack("<i", head[32:36])[0]
        if shape_type not in (0, *_POLYGON_TYPES):
            raise BoundaryError(_("%(file)s: Shapefilen innehåller %(what)s, inte polygoner.", file=label,
                                  what=_SHP_TYPES.get(shape_type, _("okänd geometrityp %(n)s", n=shape_type))))
        offsets, vertices, pos = set(), 0, 100
        while pos + 12 <= size:
            fh.seek(pos)
            record = fh.read(52)
            length = struct.unpack(">i", record[4:8])[0] * 2
            if length < 4 or pos + 8 + length > size:
                raise BoundaryError(damaged)
            if struct.unpack("<i", record[8:12])[0] in _POLYGON_TYPES:
                points = struct.unpack("<i", record[48:52])[0] if length >= 44 and len(record) == 52 else -1
                if points < 0:
                    raise BoundaryError(damaged)
                vertices += points
            offsets.add(pos)
            if len(offsets) > limits.max_features:
                raise too_many_features(label, limits, _("fler än %(n)s", n=limits.max_features))
            if vertices > limits.max_vertices:
                raise too_many_vertices(label, limits, _("fler än %(n)s", n=limits.max_vertices))
            pos += 8 + length
    # GDAL finds records through the .shx: each entry must be a distinct record counted above.
    index = (folder / "layer.shx").read_bytes()
    entries = [struct.unpack(">i", index[i:i + 4])[0] * 2 for i in range(100, len(index) - 7, 8)]
    if len(index) < 100 or len(set(entries)) != len(entries) or not set(entries) <= offsets:
        raise BoundaryError(_("%(file)s: .shx-filen stämmer inte med .shp-filen.", file=label))
