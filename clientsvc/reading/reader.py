"""The reader's work, without its socket: a request and its images in, a signed reading out.

Each image's text is cached by its SHA-256 and the engine's identity (versions and model
hashes): the same voucher sent again, or the same ID card on a second request, is not read
twice, and a new engine never answers from an old engine's cache. An image the engine could
not finish in time is not cached: it is read again next time."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.identity import key_id_of
from clientsvc.protocol.canonical import canonical_digest
from clientsvc.protocol.errors import ErrorCode
from clientsvc.protocol.messages import AuthRequest
from clientsvc.reading.compare import ImagePage, compare
from clientsvc.reading.fields import Line
from clientsvc.reading.model import ImageRead, Reading
from clientsvc.reading.ocr import MAX_LINES, MAX_SIDE, PageText
from clientsvc.reading.signed import (
    SignedReading,
    reading_signed_bytes,
)
from clientsvc.sqlitedb import configure

READ_KINDS = ("voucher", "id_front", "id_back")  # the kinds a layout reads


class Ocr(Protocol):
    identity: str
    models: dict[str, str]

    def read(self, data: bytes) -> PageText: ...


class TextCache:
    """Lines read per (image, engine), in a SQLite file (or in memory with ``":memory:"``)."""

    def __init__(self, path: Path | str) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        configure(self._db, synchronous="NORMAL")  # a lost entry is only read again
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS page_text (sha256 TEXT NOT NULL, engine TEXT NOT NULL,"
            " lines TEXT NOT NULL, problem TEXT NOT NULL, ms INTEGER NOT NULL,"
            " PRIMARY KEY (sha256, engine))"
        )
        self._lock = threading.Lock()

    def get(self, sha256: str, engine: str) -> PageText | None:
        with self._lock:
            row = self._db.execute(
                "SELECT lines, problem, ms FROM page_text WHERE sha256 = ? AND engine = ?",
                (sha256, engine),
            ).fetchone()
        if row is None:
            return None
        lines = [Line(t, (b[0], b[1], b[2], b[3]), s / 1000) for t, b, s in json.loads(row[0])]
        return PageText(lines, row[2], row[1])

    def put(self, sha256: str, engine: str, page: PageText) -> None:
        lines = json.dumps(
            [[ln.text, list(ln.box), round(ln.score * 1000)] for ln in page.lines],
            ensure_ascii=False,
        )
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO page_text VALUES (?, ?, ?, ?, ?)",
                (sha256, engine, lines, page.problem, page.ms),
            )

    def close(self) -> None:
        self._db.close()


class ReadingDesk:
    """Reads a request's images (through the cache), applies the rules, signs the reading."""

    def __init__(self, ocr: Ocr, cache: TextCache, key: Ed25519PrivateKey, reader_id: str) -> None:
        self.ocr, self.cache, self.key, self.reader_id = ocr, cache, key, reader_id
        self.key_id = key_id_of(key.public_key())
        self.engine_key = canonical_digest(
            {
                "engine": ocr.identity,
                "models": ocr.models,
                "max_side": MAX_SIDE,
                "max_lines": MAX_LINES,
            }
        )[:32]

    def page(self, sha256: str, data: bytes | None) -> tuple[PageText, bool]:
        if data is None:
            return PageText([], 0, ErrorCode.EVIDENCE_MISSING.value), False
        if hashlib.sha256(data).hexdigest() != sha256:  # never cached under another's hash
            return PageText([], 0, ErrorCode.EVIDENCE_MISMATCH.value), False
        cached = self.cache.get(sha256, self.engine_key)
        if cached is not None:
            return cached, True
        page = self.ocr.read(data)
        if page.problem == "" or page.problem.startswith("E_IMAGE"):
            # what the engine read, or what the image is: the same next time. A timeout or a
            # failure of the engine's process is not cached: it is read again
            self.cache.put(sha256, self.engine_key, page)
        return page, False

    def read(
        self, request: AuthRequest, digest: str, images: dict[str, bytes], today: dt.date
    ) -> SignedReading:
        """``images``: the request's image bytes by SHA-256 (checked by the caller against
        the request's evidence); ``today``: the branch's day the voucher must carry."""
        started = time.perf_counter()
        pages: list[ImagePage] = []
        reads: list[ImageRead] = []
        for ref in request.evidence:
            if ref.kind not in READ_KINDS:
                continue
            page, cached = self.page(ref.sha256, images.get(ref.sha256))
            pages.append(ImagePage(ref.sha256, ref.kind, page.lines, page.problem))
            reads.append(
                ImageRead(
                    sha256=ref.sha256,
                    kind=ref.kind,
                    lines=len(page.lines),
                    ms=page.ms,
                    problem=page.problem,
                    cached=cached,
                )
            )
        elements = compare(request, pages, today)
        reading = Reading(
            request_id=request.request_id,
            request_digest=digest,
            reader_id=self.reader_id,
            engine=self.ocr.identity,
            models=self.ocr.models,
            layout=request.txn_type,
            day=today.isoformat(),
            images=reads,
            elements=elements,
            ms=round((time.perf_counter() - started) * 1000),
        )
        signature = self.key.sign(reading_signed_bytes(reading)).hex()
        return SignedReading(reading, self.key_id, signature)
