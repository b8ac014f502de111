"""Full backup and restore: `flask --app mapapp backup FILE` and `flask --app mapapp restore FILE [--yes]`.

A backup is one JSON document: format, version, creation time, every table, and a SHA-256 checksum
over the rest. A FILE ending in .zip holds that document as backup.json plus the files of the
instance's evidence/ folder, each listed in the document with its size and SHA-256; restoring a zip
replaces evidence/ too, restoring a .json leaves it alone. Restore checks the whole file first, then
replaces the database content in one transaction: a broken backup changes nothing. The one value
not restored as saved is the data version counter, moved past both the backup's and the replaced
one so that every running worker rebuilds its cached maps.
"""
import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import click
from flask import current_app
from flask.cli import with_appcontext

from ..store.db import describe_url, get_engine
from ..core.errors import MapappError
from ..store import backup as backup_store
from .messages import refused

FORMAT = "lofteskartan-backup"
VERSION = 1
DOCUMENT = "backup.json"
EVIDENCE = "evidence"


def evidence_dir(app) -> Path:
    """Where uploaded evidence files live: EVIDENCE_DIR, or instance/evidence."""
    return Path(app.config["EVIDENCE_DIR"] or os.path.join(app.instance_path, EVIDENCE))


def _checksum(doc: dict) -> str:
    """SHA-256 of the document without its checksum, as canonical JSON (sorted keys, no spaces)."""
    body = {k: v for k, v in doc.items() if k != "checksum"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _sha256(stream) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _evidence_files(app) -> list[tuple[Path, str]]:
    """(file, name inside the zip) for every regular file under evidence/, in a stable order."""
    root = evidence_dir(app)
    if not root.is_dir():
        return []
    return [(p, f"{EVIDENCE}/{p.relative_to(root).as_posix()}")
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()]


def create_backup(app, path) -> dict:
    """Write every table (and, for a .zip, the evidence files) to path; returns what was written."""
    path = Path(path)
    engine = get_engine(app)
    doc = {"format": FORMAT, "version": VERSION,
           "created": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
           "database": engine.dialect.name, "tables": backup_store.dump_tables(engine)}
    as_zip = path.suffix.lower() == ".zip"
    files = _evidence_files(app) if as_zip else []
    if as_zip:
        doc["files"] = []
        for file, name in files:
            with file.open("rb") as stream:
                digest, size = _sha256(stream)
            doc["files"].append({"path": name, "size": size, "sha256": digest})
    doc["checksum"] = {"algorithm": "sha256", "value": _checksum(doc)}
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")  # renamed into place only when complete
    try:
        if as_zip:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(DOCUMENT, body)
                for file, name in files:
                    archive.write(file, name)
        else:
            partial.write_bytes(body)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return {"tables": len(doc["tables"]), "rows": sum(len(t["rows"]) for t in doc["tables"].values()),
            "files": len(files), "created": doc["created"]}


@dataclass
class Backup:
    """A read and fully checked backup, ready to restore."""

    path: Path
    doc: dict
    tables: dict
    files: list[dict] | None = field(default=None)  # None: the backup does not carry evidence files

    @property
    def rows(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def _fail(path: Path, problem: str):
    raise MapappError(f"{path.name}: {problem}; nothing was changed", 422)


def _check_document(path: Path, doc) -> None:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        _fail(path, "not a Löfteskartan backup (no 'format': 'lofteskartan-backup')")
    if doc.get("version") != VERSION:
        _fail(path, f"backup format version {doc.get('version')!r} is not supported (this app reads {VERSION})")
    checksum = doc.get("checksum")
    if not isinstance(checksum, dict) or checksum.get("algorithm") != "sha256" or "value" not in checksum:
        _fail(path, "the checksum is missing")
    if checksum["value"] != _checksum(doc):
        _fail(path, "checksum mismatch: the file is damaged or was edited")


def _safe_name(name) -> bool:
    parts = PurePosixPath(name).parts if isinstance(name, str) else ()
    return (len(parts) >= 2 and parts[0] == EVIDENCE and ".." not in parts
            and "\\" not in name and not name.startswith("/"))


def _check_files(path: Path, archive: zipfile.ZipFile, listed) -> list[dict]:
    """Every listed evidence file is in the zip, safe to extract, and has the listed size and SHA-256."""
    if not isinstance(listed, list) or not all(isinstance(f, dict) for f in listed):
        _fail(path, "'files' must be a list of {path, size, sha256}")
    names = {f.get("path") for f in listed}
    in_zip = {n for n in archive.namelist() if n != DOCUMENT and not n.endswith("/")}
    if names != in_zip:
        _fail(path, f"the zip's files do not match the list in {DOCUMENT}")
    for entry in listed:
        if not _safe_name(entry["path"]):
            _fail(path, f"file name {entry['path']!r} is not inside {EVIDENCE}/")
        with archive.open(entry["path"]) as stream:
            digest, size = _sha256(stream)
        if (digest, size) != (entry.get("sha256"), entry.get("size")):
            _fail(path, f"{entry['path']} is damaged (size or checksum differs)")
    return listed


def read_backup(path) -> Backup:
    """Read and check everything (format, version, checksum, tables, files) before anything is changed."""
    path = Path(path)
    if not path.is_file():
        _fail(path, "no such file")
    if path.suffix.lower() == ".zip" and not zipfile.is_zipfile(path):
        _fail(path, "not a complete zip archive (damaged or cut short)")
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                if DOCUMENT not in archive.namelist():
                    _fail(path, f"the zip has no {DOCUMENT}")
                doc = json.loads(archive.read(DOCUMENT).decode("utf-8"))
                _check_document(path, doc)
                files = _check_files(path, archive, doc.get("files", []))
        else:
            doc = json.loads(path.read_text(encoding="utf-8"))
            _check_document(path, doc)
            if doc.get("files"):
                _fail(path, "lists evidence files but is not a zip")
            files = None
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        _fail(path, f"cannot be read ({exc.strerror if isinstance(exc, OSError) and exc.strerror else exc})")
    except json.JSONDecodeError as exc:
        _fail(path, f"not valid JSON (line {exc.lineno}, column {exc.colno}): damaged or not a backup")
    try:
        tables = backup_store.check_tables(doc.get("tables"))
    except MapappError as err:
        _fail(path, err.message)
    return Backup(path, doc, tables, files)


def _stage_evidence(app, backup: Backup) -> Path:
    """Extract the backup's evidence files next to evidence/, to be swapped in after the database."""
    target = evidence_dir(app)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=".evidence-restore-", dir=target.parent))
    # mkdtemp makes a private (0700) folder; the restored evidence/ keeps the mode it had, or the usual 0755.
    os.chmod(staged, target.stat().st_mode & 0o7777 if target.is_dir() else 0o755)
    try:
        with zipfile.ZipFile(backup.path) as archive:
            for entry in backup.files:
                out = staged / PurePosixPath(entry["path"]).relative_to(EVIDENCE)
                out.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(entry["path"]) as src, out.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
    except OSError as exc:
        shutil.rmtree(staged, ignore_errors=True)
        _fail(backup.path, f"evidence files could not be unpacked ({exc})")
    return staged


def _swap_in(staged: Path, target: Path):
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=".evidence-old-", dir=target.parent))
        os.replace(target, old / EVIDENCE)
    os.replace(staged, target)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def _test_hold(app):
    """In testing only: RESTORE_HOLD_FILE holds the restore inside its transaction, so a test can kill it there.

    The file is written once every row is in; the restore waits (at most 5 minutes) until it is removed.
    """
    hold = app.config["RESTORE_HOLD_FILE"]
    if not (hold and app.config["TESTING"]):
        return None

    def wait():
        Path(hold).write_text("every row written, transaction open\n", encoding="utf-8")
        deadline = time.monotonic() + 300
        while Path(hold).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    return wait


def restore_backup(app, backup: Backup) -> dict:
    """Replace the database content (and, from a zip, evidence/) with a checked backup."""
    staged = _stage_evidence(app, backup) if backup.files is not None else None
    try:
        counts = backup_store.replace_tables(get_engine(app), backup.tables, _test_hold(app))
    except BaseException as exc:
        if staged:
            shutil.rmtree(staged, ignore_errors=True)
        if isinstance(exc, MapappError):
            _fail(backup.path, exc.message)
        raise
    if staged:
        _swap_in(staged, evidence_dir(app))
    return counts


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(file):
    """Write every table to FILE (.json), or the tables and evidence files to FILE (.zip).

    Example: flask --app mapapp backup backups/lofteskartan-2024-05-01.zip
    """
    try:
        done = create_backup(current_app, file)
    except (MapappError, OSError) as err:
        raise refused(f"could not write {file}: {getattr(err, 'message', err)}") from None
    files = f" and {done['files']} evidence files" if Path(file).suffix.lower() == ".zip" else ""
    click.echo(f"backed up {done['rows']} rows in {done['tables']} tables{files} to {file}")
    left_out = 0 if files else len(_evidence_files(current_app))
    if left_out:
        click.echo(f"note: {left_out} evidence files are not in a .json backup; name it .zip to include them",
                   err=True)


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace the data without asking.")
@with_appcontext
def restore_command(file, yes):
    """Replace ALL data with the backup in FILE, after checking the whole file; all or nothing.

    Example: flask --app mapapp restore backups/lofteskartan-2024-05-01.zip --yes
    """
    try:
        backup = read_backup(file)
        if not yes:
            url = describe_url(current_app.config["DATABASE_URL"])
            evidence = " and evidence/" if backup.files is not None else ""
            click.confirm(f"Replace all data in {url}{evidence} with the backup made {backup.doc.get('created')} "
                          f"({backup.rows} rows)?", abort=True)
        counts = restore_backup(current_app, backup)
    except MapappError as err:
        raise refused(err.message) from None
    missing = [name for name in counts if name not in backup.tables]
    note = f"; not in the backup, now empty: {', '.join(missing)}" if missing else ""
    files = f" and {len(backup.files)} evidence files" if backup.files is not None else ""
    click.echo(f"restored {sum(counts.values())} rows in {len(counts)} tables{files} from {file}{note}")

