"""Uploaded ledger files kept between the preview and its confirmation, in the instance's ``uploads`` folder.

Each upload is a file named for its owner (``u12-<token>.xlsx``) and, beside it, the name it had on the person's
disk (``u12-<token>.xlsx.name``), which is what every message about the file shows. An upload lives until it is
confirmed, refused or its preview fails; one abandoned after a good preview is swept once older than
CASETRACK_IMPORT_UPLOAD_MAX_AGE_SECONDS."""

from __future__ import annotations

import logging
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

log = logging.getLogger(__name__)

_NAME = re.compile(r"^u(\d+)-[A-Za-z0-9_-]+\.(xlsx|csv)$")
_ORIGINAL_SUFFIX = ".name"
#: The longest file name kept for display; a name is user data and goes no further than the person's own pages.
MAX_ORIGINAL_NAME = 200


@dataclass(frozen=True)
class StoredUpload:
    #: The name the confirmation form carries.
    name: str
    path: Path
    #: The file's name on the uploader's disk, for display.
    original_name: str


def directory(instance_path: str) -> Path:
    path = Path(instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def display_name(filename: str | None) -> str:
    """The last part of an uploaded file's name (some browsers send C:\\fakepath\\…), without control characters."""
    name = PureWindowsPath(filename or "").name
    name = "".join(char for char in name if unicodedata.category(char) != "Cc").strip()
    return name[:MAX_ORIGINAL_NAME] or "upload"


def store(file, owner_id: int, folder: Path) -> StoredUpload:
    """Keep an uploaded file (a werkzeug FileStorage) for its owner, with the name it came under."""
    original = display_name(file.filename)
    name = f"u{owner_id}-{secrets.token_urlsafe(12)}{Path(original).suffix.lower()}"
    path = folder / name
    file.save(path)
    _original_path(path).write_text(original, encoding="utf-8")
    return StoredUpload(name, path, original)


def find(name: str | None, owner_id: int, folder: Path) -> StoredUpload | None:
    """The upload of this name, only ever its owner's own."""
    match = _NAME.match(name or "")
    if not match or int(match.group(1)) != owner_id:
        return None
    path = folder / name
    if not path.is_file():
        return None
    try:
        original = _original_path(path).read_text(encoding="utf-8")
    except OSError:
        original = name
    return StoredUpload(name, path, original)


def discard(upload: StoredUpload) -> None:
    upload.path.unlink(missing_ok=True)
    _original_path(upload.path).unlink(missing_ok=True)


def sweep(folder: Path, max_age_seconds: int, now: float | None = None) -> int:
    """Delete files in the folder older than ``max_age_seconds`` (previews nobody confirmed, and the leftovers of
    a process killed between storing and discarding); returns how many."""
    cutoff = (time.time() if now is None else now) - max_age_seconds
    removed = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # another request swept it first
    if removed:
        log.info("swept %s ledger uploads older than %s s", removed, max_age_seconds)
    return removed


def _original_path(path: Path) -> Path:
    return path.with_name(path.name + _ORIGINAL_SUFFIX)
