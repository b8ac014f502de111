"""Uploaded evidence documents: type checked by content, stored under a random name, served as attachments."""
import os
import secrets
from dataclasses import dataclass

from flask import current_app

# Magic bytes per stored type; the file's extension must name the same type.
TYPES = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
}
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpg": "jpg", "jpeg": "jpg"}


@dataclass
class Upload:
    data: bytes
    kind: str  # a key of TYPES

    @property
    def mimetype(self) -> str:
        return TYPES[self.kind][1]


def max_bytes(app=None) -> int:
    return int((app or current_app).config["MAX_EVIDENCE_BYTES"])


def folder(app=None) -> str:
    app = app or current_app
    return app.config["EVIDENCE_DIR"] or os.path.join(app.instance_path, "evidence")


def read_upload(storage, limit: int) -> Upload:
    """Read an uploaded file, or raise ValueError saying why it is refused (size, type, content)."""
    name = (storage.filename or "").lower()
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if ext not in EXTENSIONS:
        raise ValueError("Bara PDF, PNG och JPEG kan laddas upp.")
    data = storage.stream.read(limit + 1)  # never reads more than one byte past the limit
    if len(data) > limit:
        raise ValueError(f"Filen är för stor: högst {limit // 1024} kB.")
    if not data:
        raise ValueError("Filen är tom.")
    kind = EXTENSIONS[ext]
    if not data.startswith(TYPES[kind][0]):
        raise ValueError("Filens innehåll är inte en PDF, PNG eller JPEG som filnamnet säger.")
    return Upload(data, kind)


def save(upload: Upload) -> str:
    """Write the file under a fresh random name and return that name."""
    target = folder()
    os.makedirs(target, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{upload.kind}"
    with open(os.path.join(target, name), "xb") as fh:
        fh.write(upload.data)
    return name


def remove(name: str | None):
    """Delete a stored file (used when the write it belonged to fails)."""
    if name:
        try:
            os.remove(os.path.join(folder(), name))
        except FileNotFoundError:
            pass


def mimetype_of(name: str) -> str:
    return TYPES[name.rsplit(".", 1)[-1]][1]
