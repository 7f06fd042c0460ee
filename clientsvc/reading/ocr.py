"""The OCR engine: text lines from an image's bytes, by the PP-OCR models shipped inside the
``rapidocr`` wheel, on ``onnxruntime`` (CPU). Nothing is downloaded: the models are the
wheel's own, and the process that runs them refuses every network connection.

Each image has a budget:
* memory: the headers are checked and the pixels counted before anything is decoded
  (``clientsvc.imaging.decode``); the engine works on at most ``MAX_SIDE`` pixels a side;
* time: the engine runs in a child process (``OcrProcess``); an image that takes longer than
  its budget has the child killed and started again, and is answered ``E_READ_TIMEOUT``;
* output: at most ``MAX_LINES`` lines, each at most 200 characters.

``rapidocr`` and ``onnxruntime`` are the reader's extra (``authdesk[reader]``): this module
imports them only when an engine is made."""

from __future__ import annotations

import hashlib
import logging
import math
import multiprocessing as mp
import socket
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from clientsvc.imaging import decode
from clientsvc.protocol.errors import ProtocolError
from clientsvc.reading.fields import Line

log = logging.getLogger(__name__)

MAX_SIDE = 2000  # the engine's detection input, pixels a side (rapidocr's max_side_len)
MAX_LINES = 400
READ_TIMEOUT_S = 20.0  # one image; a slip reads in 1–3 s on two cores
READ_TIMEOUT = "E_READ_TIMEOUT"
READ_FAILED = "E_READ_FAILED"  # the engine or its process failed on this image


@dataclass(frozen=True)
class PageText:
    lines: list[Line] = field(default_factory=list)
    ms: int = 0
    problem: str = ""  # an E_ code: the image was not read


class NetworkRefused(OSError):
    pass


def refuse_network() -> None:
    """From now on this process opens no network connection: only Unix sockets and loopback
    (the process's own pipes) are let through. The OCR has no business with the network."""

    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def allowed(sock: socket.socket, address: Any) -> bool:
        if sock.family == socket.AF_UNIX:
            return True
        host = address[0] if isinstance(address, tuple) else address
        return host in ("127.0.0.1", "::1", "localhost")

    def connect(sock: socket.socket, address: Any) -> None:
        if not allowed(sock, address):
            raise NetworkRefused(f"the OCR process opens no network connection ({address!r})")
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        if not allowed(sock, address):
            raise NetworkRefused(f"the OCR process opens no network connection ({address!r})")
        return real_connect_ex(sock, address)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]


def _short_sha(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def engine_identity() -> tuple[str, dict[str, str]]:
    """The engine's versions, and each model file's short SHA-256: what a reading was made
    with, and what its cache entries are keyed by."""
    from importlib.metadata import version

    import rapidocr

    models = Path(rapidocr.__file__).parent / "models"
    files = {p.name: _short_sha(p) for p in sorted(models.glob("*.onnx"))}
    return f"rapidocr {version('rapidocr')} / onnxruntime {version('onnxruntime')}", files


class Engine:
    """The engine itself, in this process (``OcrProcess`` runs one in a child)."""

    def __init__(self, threads: int = 0) -> None:
        from rapidocr import RapidOCR

        params: dict[str, Any] = {
            "Global.log_level": "error",
            "Global.max_side_len": MAX_SIDE,
        }
        if threads:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
        self._ocr = RapidOCR(params=params)
        self.identity, self.models = engine_identity()

    def read_pixels(self, pixels: Any) -> list[Line]:
        out: Any = self._ocr(pixels)
        if out.txts is None or out.boxes is None or out.scores is None:
            return []
        lines = []
        for box, text, score in zip(out.boxes, out.txts, out.scores, strict=True):
            xs, ys = box[:, 0], box[:, 1]
            sure = float(score)
            lines.append(
                Line(
                    str(text)[:200],
                    (int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())),
                    min(1.0, max(0.0, sure)) if math.isfinite(sure) else 0.0,
                )
            )
            if len(lines) >= MAX_LINES:
                break
        return lines

    def read(self, data: bytes) -> PageText:
        """The image's lines; an image that cannot be decoded within its budget is answered
        with its code (``E_IMAGE_*``), not read."""
        started = time.perf_counter()
        try:
            pixels = decode(data, bgra=False).pixels
        except ProtocolError as err:
            return PageText([], _ms(started), err.code.value)
        return PageText(self.read_pixels(pixels), _ms(started))


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _child(conn: Connection, threads: int) -> None:
    refuse_network()
    engine = Engine(threads)
    conn.send(("ready", engine.identity, engine.models))
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            page = engine.read(data)
        except Exception:  # the engine's own failure: said, and the child goes on
            log.exception("the OCR engine failed")
            page = PageText([], 0, READ_FAILED)
        conn.send(page)


class OcrProcess:
    """The engine in a child process, so that an image over its time budget can be stopped:
    the child is killed and a new one started (the models load again, a second or two)."""

    def __init__(self, threads: int = 0, timeout_s: float = READ_TIMEOUT_S) -> None:
        self.threads, self.timeout_s = threads, timeout_s
        self._ctx = mp.get_context("spawn")
        self._proc: Any = None
        self._conn: Connection | None = None
        self.identity = ""
        self.models: dict[str, str] = {}
        self.restarts = 0
        self._lock = threading.Lock()  # one image at a time through the one pipe
        self._start()

    def _start(self) -> None:
        """A child with its engine loaded; ``RuntimeError`` when it does not come up."""
        parent, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(
            target=_child, args=(child, self.threads), name="ocr", daemon=True
        )
        self._proc.start()
        child.close()
        self._conn = parent
        try:
            if not parent.poll(120):
                raise RuntimeError("the OCR engine did not start in 120 s")
            _, self.identity, self.models = parent.recv()
        except (EOFError, OSError) as exc:
            self._kill()
            raise RuntimeError("the OCR engine's process ended as it started") from exc
        except RuntimeError:
            self._kill()
            raise

    def _kill(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def read(self, data: bytes) -> PageText:
        with self._lock:
            return self._read(data)

    def _read(self, data: bytes) -> PageText:
        started = time.perf_counter()
        if self._conn is None:
            try:
                self._start()
            except RuntimeError:
                log.exception("the OCR engine cannot start")
                return PageText([], _ms(started), READ_FAILED)
        assert self._conn is not None
        try:
            self._conn.send_bytes(data)
            if self._conn.poll(self.timeout_s):
                page: PageText = self._conn.recv()
                return page
            log.warning(
                "an image took over %.0f s to read: the OCR child is restarted", self.timeout_s
            )
            problem = READ_TIMEOUT
        except (EOFError, OSError):
            log.warning("the OCR child ended while reading: it is restarted")
            problem = READ_FAILED
        self._kill()
        self.restarts += 1
        try:
            self._start()
        except RuntimeError:
            log.exception("the OCR engine cannot start again: the next image tries")
        return PageText([], _ms(started), problem)

    def close(self) -> None:
        self._kill()
