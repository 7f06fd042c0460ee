"""The broker's record of every request, sent to the center (``broker.push``).

A thread of its own in the broker process, with its own read-only connection to the journal
(WAL: it never blocks the broker's writes) and its own socket to the center. It asks the
center what it holds (a push of no records), then sends the journal's records after that, in
order, in batches, and the evidence images the center asks for. The center is the watermark:
nothing is kept here, so a broker restart, a lost answer or a center restored from a backup
all just resend from what the center says it holds (stored idempotently).

Every push also names the authorizers connected to the broker and how long each has been
silent (``workers``, from ``presence``): when it has no records to send it still pushes that
every ``beat_ms``, so the center can tell a workstation killed outright (silent past its
liveness window: 离线 on the lead's board) from one that is merely idle.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zmq

from clientsvc.curve import Transport
from clientsvc.protocol import mdp
from clientsvc.protocol.errors import ProtocolError
from clientsvc.protocol.messages import decode_json

log = logging.getLogger("authdesk.feed")


class CenterFeed:
    def __init__(
        self,
        journal: Path,
        broker_id: str,
        endpoint: str,
        transport: Transport | None = None,
        context: zmq.Context[Any] | None = None,
        batch: int = 1000,
        timeout_ms: int = 5000,
        retry_ms: int = 3000,
        poll_ms: int = 500,
        durable: Callable[[], int] | None = None,
        presence: Callable[[], list[dict[str, Any]]] | None = None,
        beat_ms: int = 2000,
    ) -> None:
        self.journal = journal
        # the broker's last durable record (``Journal.durable_seq``): a record committed but
        # not yet fsynced is not sent, so a power loss cannot leave the center holding
        # records the restarted broker never had (None: every committed record, for tests)
        self.durable = durable
        self.presence = presence  # the connected authorizers (``Broker.presence``)
        self.beat_ms = beat_ms
        self.broker_id = broker_id
        self.endpoint = endpoint
        self.transport = transport or Transport.plain()
        self._ctx = context or zmq.Context.instance()
        self.batch, self.timeout_ms, self.retry_ms, self.poll_ms = (
            batch,
            timeout_ms,
            retry_ms,
            poll_ms,
        )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.held_seq: int | None = None  # what the center last said it holds
        self.acked = threading.Condition()
        self.last_error = ""

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="center-feed", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def wait_for(self, seq: int, timeout: float) -> bool:
        """Until the center holds the journal up to ``seq`` (tests, the demo's shutdown)."""
        with self.acked:
            return self.acked.wait_for(
                lambda: self.held_seq is not None and self.held_seq >= seq, timeout
            )

    def _socket(self) -> zmq.Socket[Any]:
        sock: zmq.Socket[Any] = self._ctx.socket(zmq.DEALER)
        self.transport.secure_client(sock)
        sock.setsockopt(zmq.LINGER, 0)
        sock.connect(self.endpoint)
        return sock

    def _run(self) -> None:
        db: sqlite3.Connection | None = None
        sock = self._socket()
        want: list[str] = []
        beat_due = 0.0
        try:
            while not self._stop.is_set():
                if db is None:
                    if not self.journal.exists():
                        self._stop.wait(self.poll_ms / 1000)
                        continue
                    db = sqlite3.connect(f"file:{self.journal}?mode=ro", uri=True)
                records, images = self._next(db, want)
                caught_up = self.held_seq is not None and not records and not images
                if caught_up and (self.presence is None or time.monotonic() < beat_due):
                    self._stop.wait(self.poll_ms / 1000)  # caught up: look again shortly
                    continue
                body: dict[str, Any] = {
                    "v": 1,
                    "type": "broker_push",
                    "broker_id": self.broker_id,
                    "after_seq": self.held_seq or 0,
                    "records": records if self.held_seq is not None else [],
                    "images": list(images),
                }
                if self.presence is not None:
                    body["workers"] = self.presence()
                    beat_due = time.monotonic() + self.beat_ms / 1000
                sock.send_multipart(
                    mdp.client_request("broker.push", [json.dumps(body).encode(), *images.values()])
                )
                if not sock.poll(self.timeout_ms, zmq.POLLIN):
                    log.warning("the center did not answer: reconnecting")
                    sock.close(linger=0)
                    sock = self._socket()
                    self._stop.wait(self.retry_ms / 1000)
                    continue
                try:
                    reply = mdp.parse_client_reply(sock.recv_multipart())
                    data = decode_json(reply.body[0]) if reply.body else {}
                except (ProtocolError, IndexError) as err:
                    log.warning("a malformed answer from the center: %s", err)
                    continue
                if data.get("type") != "broker_ack":
                    self.last_error = f"{data.get('code')}: {data.get('detail')}"
                    log.error("the center refused the broker's records: %s", self.last_error)
                    if data.get("code") == "E_CHAIN_GAP":
                        self.held_seq = None  # ask again what it holds
                    self._stop.wait(self.retry_ms / 1000)
                    continue
                self.last_error = ""
                sent = set(images)
                want = [w for w in want if w not in sent]
                want += [w for w in data.get("want", []) if isinstance(w, str) and w not in want]
                with self.acked:
                    self.held_seq = int(data.get("held_seq", 0))
                    self.acked.notify_all()
        finally:
            sock.close(linger=0)
            if db is not None:
                db.close()

    def _next(
        self, db: sqlite3.Connection, want: list[str]
    ) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
        records = []
        if self.held_seq is not None:
            upto = self.durable() if self.durable is not None else 2**62
            rows = db.execute(
                "SELECT seq, at_ms, request_id, event, body FROM journal WHERE seq > ? "
                "AND seq <= ? ORDER BY seq LIMIT ?",
                (self.held_seq, upto, self.batch),
            ).fetchall()
            records = [
                {"seq": r[0], "at_ms": r[1], "request_id": r[2], "event": r[3], "body": r[4]}
                for r in rows
            ]
        images: dict[str, bytes] = {}
        for sha in want[:4]:
            row = db.execute("SELECT data FROM evidence WHERE sha256 = ?", (sha,)).fetchone()
            if row is not None:
                images[sha] = bytes(row[0])
            else:
                want.remove(sha)  # not in this journal: nothing to send
        return records, images
