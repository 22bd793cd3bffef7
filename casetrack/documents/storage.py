"""Where the bytes of documents live: a content-addressed store behind a small interface.

A blob's key is the SHA-256 of its content, so the same file uploaded twice is kept once and a changed file can be
told from the one that was stored. ``FilesystemStore`` is the one that exists (and is tested); a deployment that
wants an S3-compatible store implements ``BlobStore`` — ``put`` a stream, ``open`` a key verified, list and delete
keys — and names its factory in ``CASETRACK_DOCUMENT_STORE``."""

from __future__ import annotations

import hashlib
import importlib
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

CHUNK = 1024 * 1024
_HEX = frozenset("0123456789abcdef")


class BlobMissing(Exception):
    pass


class BlobCorrupt(Exception):
    """The bytes under a key no longer hash to it: changed or damaged on disk."""


class BlobTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int


class BlobStore(Protocol):
    def put(self, stream: BinaryIO, max_bytes: int | None = None) -> StoredBlob: ...

    def open(self, key: str) -> BinaryIO:
        """The blob, read through once to check it still hashes to its key (BlobMissing, BlobCorrupt)."""

    def local_path(self, key: str) -> Path | None:
        """A file the web server may send itself (sendfile), or None for a store that has no local files."""

    def check(self, key: str) -> str:
        """ "ok", "missing" or "corrupt"."""

    def keys(self) -> Iterator[str]: ...

    def age_seconds(self, key: str) -> float: ...

    def delete(self, key: str) -> None: ...


def is_key(key: str) -> bool:
    return len(key) == 64 and set(key) <= _HEX


class FilesystemStore:
    """Blobs as files ``<root>/ab/cd/<sha256>``, each written to a temporary file beside them and renamed into
    place only once complete and flushed to disk, so a crash never leaves half a file under a key."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not is_key(key):
            raise BlobMissing(key)
        return self.root / key[:2] / key[2:4] / key

    def put(self, stream: BinaryIO, max_bytes: int | None = None) -> StoredBlob:
        incoming = self.root / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, temporary = tempfile.mkstemp(dir=incoming)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise BlobTooLarge(max_bytes)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            key = digest.hexdigest()
            final = self._path(key)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, final)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return StoredBlob(key, size)

    def check(self, key: str) -> str:
        path = self._path(key)
        if not path.is_file():
            return "missing"
        digest = hashlib.sha256()
        with path.open("rb") as source:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
        return "ok" if digest.hexdigest() == key else "corrupt"

    def open(self, key: str) -> BinaryIO:
        state = self.check(key)
        if state == "missing":
            raise BlobMissing(key)
        if state == "corrupt":
            raise BlobCorrupt(key)
        return self._path(key).open("rb")

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in self.root.glob("??/??/*"):
            if path.is_file() and is_key(path.name):
                yield path.name

    def age_seconds(self, key: str) -> float:
        return time.time() - self._path(key).stat().st_mtime

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def stale_incoming(self, older_than_seconds: float) -> list[Path]:
        """Temporary files an interrupted upload left behind."""
        incoming = self.root / "incoming"
        now = time.time()
        return [p for p in incoming.glob("*") if p.is_file() and now - p.stat().st_mtime > older_than_seconds]


def configured_root(app=None) -> Path:
    app = app or current_app
    return Path(app.config["CASETRACK_DOCUMENTS_ROOT"] or Path(app.instance_path) / "documents")


def blob_store(app=None) -> BlobStore:
    """The store this deployment keeps documents in (one per app, made on first use)."""
    app = app or current_app
    store = app.extensions.get("casetrack_blob_store")
    if store is None:
        factory = app.config.get("CASETRACK_DOCUMENT_STORE") or ""
        if factory:
            module, _, name = factory.partition(":")
            store = getattr(importlib.import_module(module), name)(app)
        else:
            store = FilesystemStore(configured_root(app))
        app.extensions["casetrack_blob_store"] = store
    return store
