"""The reader's work, without its socket: a request and its images in, a signed reading out.

Each image's text is cached by its SHA-256 and the engine's identity (versions and model
hashes): the same voucher sent again, or the same ID card on a second request, is not read
twice, and a new engine never answers from an old engine's cache. An image the engine could
not finish in time is not cached: it is read again next time."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from clientsvc.identity import key_id_of
from clientsvc.protocol.canonical import canonical_bytes, canonical_digest
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import AuthRequest
from clientsvc.reading.compare import ImagePage, compare
from clientsvc.reading.fields import Line
from clientsvc.reading.model import ImageRead, Reading
from clientsvc.reading.ocr import MAX_LINES, MAX_SIDE, PageText
from clientsvc.sqlitedb import configure

READING_TAG = b"authdesk-reading-v1\x00"
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


@dataclass(frozen=True)
class SignedReading:
    reading: Reading
    key_id: str
    signature: str  # hex Ed25519 over READING_TAG + the reading's canonical bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": 1,
            "type": "reading",
            "reading": self.reading.fields(),
            "key_id": self.key_id,
            "signature": self.signature,
        }

    @property
    def digest(self) -> str:
        """What a decision's signature covers: the digest of the reading as signed."""
        return self.reading.digest()

    @classmethod
    def from_dict(cls, raw: Any) -> SignedReading:
        """Parse a reading from the wire; ``E_MALFORMED`` for anything not a reading."""
        if not isinstance(raw, dict) or raw.get("type") != "reading" or raw.get("v") != 1:
            raise ProtocolError(ErrorCode.MALFORMED, "not a reading")
        if set(raw) != {"v", "type", "reading", "key_id", "signature"}:
            raise ProtocolError(ErrorCode.MALFORMED, "a reading's fields are not its own")
        key_id, signature = raw["key_id"], raw["signature"]
        if type(raw["v"]) is not int:
            raise ProtocolError(ErrorCode.MALFORMED, "not a reading")
        if not isinstance(key_id, str) or not re.fullmatch(r"[0-9a-f]{16}", key_id):
            raise ProtocolError(ErrorCode.MALFORMED, "a reading's key id is not one")
        if not isinstance(signature, str) or not re.fullmatch(r"[0-9a-f]{128}", signature):
            raise ProtocolError(ErrorCode.MALFORMED, "a reading's signature is not one")
        try:
            # as JSON: strict, with the enums' words as on the wire
            reading = Reading.model_validate_json(json.dumps(raw["reading"]))
        except (ValueError, TypeError) as exc:
            raise ProtocolError(ErrorCode.MALFORMED, "the reading is not well formed") from exc
        return cls(reading, key_id, signature)


def reading_signed_bytes(reading: Reading) -> bytes:
    return READING_TAG + canonical_bytes(reading.fields())


def verify_reading(signed: SignedReading, readers: dict[str, Ed25519PublicKey]) -> None:
    """The reading was signed by a reader whose key is known (key id → public key);
    ``E_UNKNOWN_KEY`` or ``E_BAD_SIGNATURE`` otherwise."""
    public = readers.get(signed.key_id)
    if public is None:
        raise ProtocolError(ErrorCode.UNKNOWN_KEY, f"no reader has the key {signed.key_id}")
    try:
        public.verify(bytes.fromhex(signed.signature), reading_signed_bytes(signed.reading))
    except (InvalidSignature, ValueError) as exc:
        raise ProtocolError(ErrorCode.BAD_SIGNATURE, "the reading's signature is wrong") from exc


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
