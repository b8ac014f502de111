"""Uploaded zip archives: checked for unsafe paths, links, nesting and bombs before anything is extracted."""
import io
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass

from ..core.errors import MapappError
from ..core.messages import _

# Signatures of archives that must not hide inside an upload (zip, gzip, 7z, rar, bzip2, xz).
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"BZh", b"\xfd7zXZ")
_ARCHIVE_EXTENSIONS = (".zip", ".kmz", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".jar")
# What zipfile raises on damaged, truncated or unsupported archives.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError,
              zlib.error, OSError, ValueError, struct.error, KeyError, UnicodeDecodeError)


class UnsafeArchive(MapappError):
    """The zip is damaged, or unsafe to unpack."""

    status = 422


@dataclass
class ZipLimits:
    max_members: int = 50
    max_unpacked: int = 100 * 1024 * 1024  # the sum of the members' declared sizes
    max_ratio: int = 200  # uncompressed : compressed, for members over a megabyte


def _name_problem(name: str) -> str | None:
    parts = name.replace("\\", "/").split("/")
    if "\x00" in name or any(ord(c) < 32 for c in name):
        return _("ett filnamn innehåller styrtecken")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return _("sökvägen %(name)s är absolut", name=repr(name[:80]))
    if ".." in parts:
        return _("sökvägen %(name)s pekar ut ur arkivet (../)", name=repr(name[:80]))
    return None


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)  # refused from any system: we only ever write plain files


def open_checked(data: bytes, label: str, limits: ZipLimits) -> zipfile.ZipFile:
    """Open an archive whose every member is safe to extract; UnsafeArchive says what is wrong."""
    # zipfile builds an object per central-directory entry, so count the entries' signatures first.
    if data.count(b"PK\x01\x02") > limits.max_members:
        raise UnsafeArchive(_("%(file)s: zip-filen har fler än %(n)s filer.", file=label, n=limits.max_members))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS as exc:
        raise UnsafeArchive(_("%(file)s: inte en läsbar zip-fil (%(why)s).", file=label, why=why(exc))) from None
    if not infos:
        raise UnsafeArchive(_("%(file)s: zip-filen är tom.", file=label))
    if len(infos) > limits.max_members:
        raise UnsafeArchive(_("%(file)s: zip-filen har %(count)s filer; högst %(n)s.", file=label,
                              count=len(infos), n=limits.max_members))
    total = 0
    for info in infos:
        problem = _member_problem(info, limits)
        if problem:
            raise UnsafeArchive(f"{label}: {problem}")
        total += info.file_size
        if total > limits.max_unpacked:
            raise UnsafeArchive(_("%(file)s: zip-filen packas upp till mer än %(mb)s MB (en zip-bomb?); "
                                  "ingenting packades upp.", file=label, mb=limits.max_unpacked // 2**20))
    for info in infos:
        if not info.is_dir() and _peek(archive, info, label).startswith(_ARCHIVE_MAGIC):
            raise UnsafeArchive(_("%(file)s: %(name)s är ett arkiv i arkivet; packa upp det först.",
                                  file=label, name=repr(info.filename[:80])))
    return archive


def _member_problem(info: zipfile.ZipInfo, limits: ZipLimits) -> str | None:
    name = info.filename
    problem = _name_problem(name)
    if problem:
        return problem
    if _is_link(info):
        return _("%(name)s är en symbolisk länk; länkar packas inte upp.", name=repr(name[:80]))
    if info.flag_bits & 0x1:
        return _("%(name)s är krypterad.", name=repr(name[:80]))
    if name.lower().endswith(_ARCHIVE_EXTENSIONS):
        return _("%(name)s är ett arkiv i arkivet; packa upp det först.", name=repr(name[:80]))
    if info.file_size > 2**20 and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        return _("%(name)s packas upp %(ratio)s gånger större än den packade storleken (en zip-bomb?); "
                 "ingenting packades upp.", name=repr(name[:80]), ratio=info.file_size // max(info.compress_size, 1))
    return None


def _peek(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> bytes:
    try:
        with archive.open(info) as member:
            return member.read(8)
    except ZIP_ERRORS as exc:
        raise UnsafeArchive(_("%(file)s: %(name)s kan inte läsas (%(why)s).", file=label,
                              name=repr(info.filename[:80]), why=why(exc))) from None


def extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target, label: str, budget: int) -> int:
    """Copy one member to target, never writing more than it declared or than budget; returns bytes written."""
    limit = min(info.file_size, budget)
    written = 0
    try:
        with archive.open(info) as member, open(target, "xb") as out:
            while chunk := member.read(64 * 1024):
                written += len(chunk)
                if written > limit:
                    raise UnsafeArchive(_("%(file)s: %(name)s packas upp större än den säger (en zip-bomb?).",
                                          file=label, name=repr(info.filename[:80])))
                out.write(chunk)
    except ZIP_ERRORS as exc:
        raise UnsafeArchive(_("%(file)s: %(name)s kan inte packas upp (%(why)s).", file=label,
                              name=repr(info.filename[:80]), why=why(exc))) from None
    return written


def why(exc: Exception) -> str:
    """The first line of an exception's text, or its type's name."""
    text = str(exc).splitlines()[0][:120] if str(exc) else ""
    return text or type(exc).__name__
