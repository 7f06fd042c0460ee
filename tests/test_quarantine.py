"""A record the center cannot store is kept aside (``center_quarantine``) with its bytes, the rest
of its batch is stored, and the feed goes on after it: on SQLite and on a real PostgreSQL server.

The protocol's edge refuses C0 controls in every text, so these records are given to the store
directly (or to the center's socket by a peer of our own), as one that got past the edge would
come."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zmq

from app.config import load_settings
from clientsvc.audit.chain import read_receipt_signer, write_receipt_key
from clientsvc.center.api import LEAD_ONLY, dispatch
from clientsvc.center.lead import LeadDesk
from clientsvc.center.service import CenterService
from clientsvc.center.store import CenterStore
from clientsvc.protocol import mdp
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import request_digest
from tests.helpers import Identities, authdesk, free_port, make_identities, request

POISON = "checked at the counter\u0000; the supervisor was there"  # NUL: PostgreSQL text can't


def _records(first_seq: int, request_id: str, reason: str = "the line was down") -> list[Any]:
    """A request accepted, then authorized locally at the outlet with ``reason`` (the text
    that held a NUL in the field)."""
    req, _ = request(request_id)
    local = {
        "supervisor_id": "SUP-01",
        "why": "unreachable",
        "verdict": "approve",
        "reason_text": reason,
    }
    bodies = [
        ("accepted", {"request": req.to_dict(), "digest": request_digest(req.to_dict())}),
        ("fallback_local", {"detail": "local authorization", "local": local}),
    ]
    return [
        {
            "seq": first_seq + i,
            "at_ms": 1_796_000_000_000 + i,
            "request_id": request_id,
            "event": event,
            "body": json.dumps(body),
        }
        for i, (event, body) in enumerate(bodies)
    ]


@pytest.fixture
def center(tmp_path: Path, center_db: str) -> Iterator[tuple[CenterStore, Path]]:
    data = tmp_path / "data"
    make_identities(data)
    settings = load_settings(None, env={}, data_dir=data)
    write_receipt_key(settings.receipt_secret("center"), settings.receipt_public("center"))
    signer = read_receipt_signer(settings.receipt_secret("center"))
    from clientsvc.identity import Directory

    store = CenterStore(
        center_db, data / "center" / "images", signer, Directory(settings.directory)
    )
    try:
        yield store, data
    finally:
        store.close()


def test_a_record_postgresql_cannot_store_is_quarantined_and_the_rest_of_the_batch_goes_through(
    center: tuple[CenterStore, Path],
) -> None:
    store, _ = center
    good = _records(1, "R1")
    poison = _records(3, "R2", reason=POISON)
    after = _records(5, "R3")
    got = store.broker_push("B1", 0, [*good, *poison, *after])
    assert got.held_seq == 6  # acknowledged to the end: the broker moves on
    assert got.quarantined == 1  # the fallback_local of R2; its "accepted" is fine
    assert got.stored == 5
    assert store.request("R1")["state"] == "fallback_local"  # type: ignore[index]
    assert store.request("R3")["state"] == "fallback_local"  # type: ignore[index]
    assert store.request("R2")["state"] == "pending"  # type: ignore[index]  # not yet known
    (kept,) = store.quarantined()
    assert (kept["source"], kept["sender"], kept["seq"]) == ("broker", "B1", 4)
    assert kept["request_id"] == "R2" and kept["event"] == "fallback_local"
    assert "U+0000" in kept["error"]
    record = json.loads(kept["record"])  # the record as it came, NUL and all
    assert json.loads(record["body"])["local"]["reason_text"] == POISON
    assert kept["at_ms"] > 0


def test_the_database_refusing_one_record_quarantines_it_and_stores_the_rest(
    center: tuple[CenterStore, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store's second line: with the edge check taken away, the record reaches the
    database. PostgreSQL refuses the NUL: that record alone is quarantined (a savepoint
    each), the others are stored. SQLite holds a NUL, so there it is simply stored."""
    import clientsvc.center.store as center_store

    store, _ = center
    monkeypatch.setattr(center_store, "check_text", lambda value, where="": None)
    monkeypatch.setattr(
        center_store.edge, "loads", lambda data, max_bytes, max_depth=32: json.loads(data)
    )
    got = store.broker_push("B1", 0, [*_records(1, "R1"), *_records(3, "R2", POISON)])
    assert got.held_seq == 4
    if store.dialect == "postgresql":
        assert got.quarantined == 1 and got.stored == 3
        (kept,) = store.quarantined()
        assert kept["seq"] == 4 and "DataError" in kept["error"], kept["error"]
        assert store.request("R1")["state"] == "fallback_local"  # type: ignore[index]
    else:
        assert got.quarantined == 0 and store.quarantined() == []
    assert store.broker_push("B1", 4, _records(5, "R3")).held_seq == 6


def test_a_quarantined_record_is_shown_to_the_lead_and_by_center_verify(
    center: tuple[CenterStore, Path], center_db: str
) -> None:
    store, data = center
    store.broker_push("B1", 0, [*_records(1, "R1"), *_records(3, "R2", POISON)])
    shown = LeadDesk(store).quarantine()
    assert shown["count"] == 1
    (record,) = shown["records"]
    assert (record["sender"], record["seq"], record["request_id"]) == ("B1", 4, "R2")
    assert "\\u0000" in record["record"] and "\x00" not in record["record"]
    assert "quarantine" in LEAD_ONLY  # the desk op: the lead's alone
    with pytest.raises(ProtocolError) as refused:
        dispatch(LeadDesk(store), "A1", "quarantine", {})  # A1 is an authorizer, not the lead
    assert refused.value.code is ErrorCode.FORBIDDEN
    proc = authdesk("center", "verify", "--data-dir", str(data), "--db", center_db)
    output, _ = proc.communicate(timeout=120)
    assert proc.returncode == 1, output
    assert "quarantine: 1 record(s) held aside" in output, output
    assert "broker B1 seq 4 (R2 fallback_local" in output, output
    assert "U+0000" in output and "Traceback" not in output


class _Center:
    def __init__(self, store: CenterStore) -> None:
        self.endpoint = f"tcp://127.0.0.1:{free_port()}"
        self.service = CenterService(self.endpoint, store, context=zmq.Context.instance())
        self.thread = threading.Thread(target=self.service.serve_forever, name="center")

    def __enter__(self) -> _Center:
        self.thread.start()
        assert self.service.bound.wait(10)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.service.stop()
        self.thread.join(10)


def _push(sock: zmq.Socket[Any], after: int, records: list[Any]) -> dict[str, Any]:
    body = {"v": 1, "type": "broker_push", "broker_id": "B1", "after_seq": after}
    sock.send_multipart(
        mdp.client_request("broker.push", [json.dumps({**body, "records": records}).encode()])
    )
    assert sock.poll(20_000), "the center did not answer"
    reply = mdp.parse_client_reply(sock.recv_multipart())
    return dict(json.loads(reply.body[0]))


def test_a_poison_record_does_not_stall_the_feed_the_next_batch_is_accepted(
    center: tuple[CenterStore, Path], ids: Identities
) -> None:
    """Over the center's real socket, as the broker's feed sends: the batch with the poison
    record is acknowledged to its end, the next batch (built on it) is accepted, and sending
    the first again changes nothing (the broker's resend after a lost answer)."""
    store, _ = center
    with _Center(store) as c:
        sock = zmq.Context.instance().socket(zmq.DEALER)
        sock.setsockopt(zmq.LINGER, 0)
        sock.connect(c.endpoint)
        try:
            first = _push(sock, 0, [*_records(1, "R1", POISON)])
            assert first["type"] == "broker_ack", first
            assert first["held_seq"] == 2 and first["stored"] == 1
            again = _push(sock, 0, [*_records(1, "R1", POISON)])
            assert again["type"] == "error" and again["code"] == "E_CHAIN_GAP"  # held already
            second = _push(sock, 2, _records(3, "R2"))
            assert second["type"] == "broker_ack" and second["held_seq"] == 4, second
        finally:
            sock.close(linger=0)
    assert store.request("R2")["state"] == "fallback_local"  # type: ignore[index]
    assert [q["seq"] for q in store.quarantined()] == [2]
