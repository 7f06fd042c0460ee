"""Hostile peers (issue 14): every case an outside attacker found, each named, on real sockets.

After each hostile input to the broker, its memory is compared with a broker rebuilt from its
journal: one message's failure must never drop another message's records.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zmq
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.audit.chain import ReceiptSigner
from clientsvc.broker.broker import Broker, BrokerConfig
from clientsvc.center.service import CenterService
from clientsvc.center.store import CenterStore
from clientsvc.protocol import mdp
from clientsvc.protocol.edge import display_name, loads, name_problem, visible
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import Cancel, LocalAuthorization, Wait, parse
from tests.helpers import Identities, Peer, Worker, authdesk, free_port, request, start_broker

# --- the shared edge: one parser for every JSON a peer sends ---------------------------------


@pytest.mark.parametrize(
    "document, why",
    [
        (b"[" * 1000, "nested"),
        (b'{"a":' * 900 + b"1" + b"}" * 900, "nested"),
        (b"[" * 100_000, "nested"),
        (b'{"amount_fen": 100, "amount_fen": 1999900}', "duplicate key"),
        (b'{"a": {"x": 1, "x": 1}}', "duplicate key"),
        (b'{"a": "\\u0000"}', "control character"),
        (b'{"a\\u0007": 1}', "control character"),
        (b'{"a": "\\ud800"}', "lone surrogate"),
        (b'{"a": "\\udfff x"}', "lone surrogate"),
        (b'{"a": "\\u009b"}', "control character"),
        (b'{"a": NaN}', "not JSON"),
        (b'{"a": 1' + b"0" * 5000 + b"}", "not JSON"),
        (b'{"a": "\xff"}', "not JSON"),
        (b"", "not JSON"),
    ],
)
def test_the_edge_refuses_what_a_later_reader_would_choke_on(document: bytes, why: str) -> None:
    with pytest.raises(ProtocolError) as refused:
        loads(document, 1 << 20)
    assert refused.value.code is ErrorCode.MALFORMED and why in refused.value.detail


def test_newline_and_tab_pass_in_free_text_and_the_edge_is_not_recursive() -> None:
    assert loads(b'{"note": "line 1\\nline 2\\tend"}', 1024) == {"note": "line 1\nline 2\tend"}
    assert loads(b"[" * 32 + b"]" * 32, 1024) is not None  # the limit itself is fine


@pytest.mark.parametrize(
    "name",
    [
        "张\u202e三",  # right-to-left override
        "张\u200b三",  # zero-width space
        "Ivan\u2066",  # isolate
        "Аlice",  # Cyrillic А before Latin letters
        "李\n四",
        "\ue000",  # private use
    ],
)
def test_a_name_with_invisible_or_look_alike_characters_is_refused(name: str) -> None:
    assert name_problem(name) is not None
    req, _ = request()
    raw = {**req.to_dict(), "account_name": name}
    with pytest.raises(ProtocolError) as refused:
        parse(json.dumps(raw).encode())
    assert refused.value.code is ErrorCode.MALFORMED


@pytest.mark.parametrize("field", ["outlet_name", "elements"])
def test_invisible_characters_are_refused_in_every_name_and_element(field: str) -> None:
    req, _ = request()
    raw = req.to_dict()
    raw[field] = {"payee_account": "6222\u202e0202"} if field == "elements" else "新街口\u200d"
    with pytest.raises(ProtocolError):
        parse(json.dumps(raw).encode())


def test_free_text_shows_invisible_characters_as_marked_placeholders() -> None:
    shown = visible("退回\u202e原因\u200b。\n第二行")
    assert "\u202e" not in shown and "\u200b" not in shown
    assert "[U+202E]" in shown and "[U+200B]" in shown and "\n第二行" in shown
    assert display_name("e\u0301") == "é"  # names in NFC
    assert display_name("Zoë") == "Zoë" and name_problem("Zoë Müller") is None
    assert name_problem("王小明") is None and name_problem("Алексей Иванов") is None


# --- the center survives every frame --------------------------------------------------------


@pytest.fixture
def center(tmp_path: Path, ids: Identities) -> Iterator[tuple[CenterService, str]]:
    store = CenterStore(
        tmp_path / "center.sqlite3",
        tmp_path / "images",
        ReceiptSigner(Ed25519PrivateKey.generate()),
        ids.directory,
    )
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    service = CenterService(endpoint, store, context=zmq.Context.instance())
    thread = threading.Thread(target=service.serve_forever, name="center")
    thread.start()
    assert service.bound.wait(10)
    yield service, endpoint
    service.stop()
    thread.join(10)
    store.close()


def _ask(peer: Peer, service: str, body: list[bytes]) -> dict[str, Any]:
    peer.send_raw(mdp.client_request(service, body))
    assert peer.sock.poll(10_000), f"no answer from {service}"
    value = json.loads(mdp.parse_client_reply(peer.sock.recv_multipart()).body[0])
    assert isinstance(value, dict)
    return value


@pytest.mark.parametrize(
    "service", ["center.status", "audit.push", "broker.push", "lead.call", "lead.image"]
)
def test_a_deeply_nested_body_does_not_stop_the_center(
    center: tuple[CenterService, str], service: str
) -> None:
    """``b"[" * 1000`` raised RecursionError in the error path (the body parsed a second time)
    and the center's process exited."""
    svc, endpoint = center
    peer = Peer(endpoint)
    try:
        for hostile in (
            b"[" * 1000,
            b'{"batch": "B1", "x": ' + b"[" * 5000 + b"}",
            b'{"batch": "B1", "batch": "B2"}',
            b'{"terminal_id": "\\ud800"}',
            b"\xff\xfe",
        ):
            answer = _ask(peer, service, [hostile])
            assert answer["type"] == "error" and answer["code"] == "E_MALFORMED", answer
        peer.send_raw([b"\x00" * 10])  # not MDP at all: dropped
        assert _ask(peer, "center.status", [b"{}"])["type"] == "center_status"
        assert svc.stats["internal_errors"] == 0
    finally:
        peer.close()


def test_a_refused_push_names_its_batch(center: tuple[CenterService, str]) -> None:
    _, endpoint = center
    peer = Peer(endpoint)
    try:
        answer = _ask(peer, "audit.push", [b'{"batch": "B7", "terminal_id": "", "events": []}'])
        assert answer["code"] == "E_MALFORMED" and answer["batch"] == "B7"
    finally:
        peer.close()


# --- the broker: every hostile case, then its memory against its journal -----------------------


def rebuilt_view(broker: Broker) -> dict[str, tuple[Any, ...]]:
    """A broker rebuilt from the live broker's journal (as after a restart)."""
    again = Broker(
        BrokerConfig(directory=broker.config.directory, journal=broker.config.journal),
        zmq.Context.instance(),
    )
    try:
        return again.state_view()
    finally:
        again.journal.close()


def quiet(broker: Broker) -> None:
    """Wait until the broker has written what it deferred (it does so when idle)."""
    deadline = time.monotonic() + 10
    while broker._deferred or broker.journal.unsynced:
        assert time.monotonic() < deadline, "the broker never went idle"
        time.sleep(0.005)  # sleep-ok: polls a condition; the broker has no "idle" signal


def assert_journal_matches(broker: Broker) -> None:
    quiet(broker)
    live = broker.state_view()
    assert rebuilt_view(broker) == live


def _local(request_raw: dict[str, Any], **kw: Any) -> bytes:
    body = LocalAuthorization(
        request_id=request_raw["request_id"],
        teller_id=request_raw["teller_id"],
        supervisor_id="SUP1",
        verdict="approve",
        why="no_decision_in_time",
        at=int(time.time() * 1000),
        request=request_raw,
        **kw,
    ).to_dict()
    return json.dumps(body).encode()


def test_a_lone_surrogate_in_a_local_authorization_drops_no_other_record(
    ids: Identities,
) -> None:
    """``\\ud800`` in authz.local's carried request gave E_MALFORMED internal error
    (UnicodeEncodeError) and dropped the broker's deferred records of the same burst: a
    request leased meanwhile had ``accepted, approved`` in its journal and no ``leased``."""
    broker = start_broker(ids)
    worker = Worker(broker.bound_endpoint, ids.keys["A1"])
    teller = Peer(broker.bound_endpoint)
    try:
        worker.sign_in()
        req, blobs = request("R1")
        teller.sock.send_multipart(
            mdp.client_request("authz.submit", [req.to_frame(), *blobs.values()])
        )
        # in the same burst: a local authorization for another request, carrying a surrogate
        other, _ = request("R2")
        hostile = _local(other.to_dict()).replace(b'"\\u5f20', b'"\\ud800')
        assert b"\\ud800" in hostile
        teller.sock.send_multipart(mdp.client_request("authz.local", [hostile]))
        first, _ = teller.reply("authz.submit")
        second, _ = teller.reply("authz.local")
        assert first.type == "submit_ack"  # type: ignore[attr-defined]
        assert second.type == "error" and second.code == "E_MALFORMED"  # type: ignore[attr-defined]
        item = worker.next_work()
        assert item is not None and item.type == "item"
        reply, _ = worker.decide(item)
        assert reply.type == "decision_ack"  # type: ignore[attr-defined]
        assert_journal_matches(broker)
        events = [event for event, _ in broker.journal.events("R1")]
        assert events == ["accepted", "leased", "approved"]
    finally:
        worker.close()
        teller.close()
        broker.stop()


def test_a_journal_write_that_fails_keeps_the_records_deferred_before_it(
    ids: Identities,
) -> None:
    broker = start_broker(ids)
    broker.stop()  # driven by hand from here: the loop's own step, one message
    broker.journal = type(broker.journal)(ids.root / "again.sqlite3")
    try:
        broker._deferred.append((1, "R9", "leased", {"lease": "L1", "to": "A1"}))
        with pytest.raises(UnicodeEncodeError):
            broker._journal("R8", "approved", {"detail": "\ud800"})
        assert [d[1] for d in broker._deferred] == ["R9"]  # not dropped
        broker._journal("R8", "approved", {"detail": "fine"})
        assert broker._deferred == []
        assert [e for e, _ in broker.journal.events("R9")] == ["leased"]
    finally:
        broker.journal.close()


HOSTILE_BODIES: list[tuple[str, bytes]] = [
    ("authz.submit", b'{"v": 1, "type": "auth_request", "v": 1}'),
    ("authz.submit", b"[" * 1000),
    (
        "authz.cancel",
        b'{"v":1,"type":"cancel","request_id":"R1","teller_id":"T1","reason":"\\u0000"}',
    ),
    (
        "authz.wait",
        b'{"v":1,"type":"wait","request_id":"R1","teller_id":"T1","wait_ms":1,"wait_ms":2}',
    ),
    ("authz.decide", b'{"v":1,"type":"decision","reason_text":"\\ud83d"}'),
    ("authz.presence", b"\xc3\x28"),
    ("authz.local", b'{"v":1,"type":"local_authorization","request":' + b"[" * 900 + b"}"),
    ("evidence.get", b'{"v":1,"type":"evidence_get","sha256":"' + b"a" * 64 + b'","x":NaN}'),
    ("authz.queue", b'{"v":1,"type":"queue_status_get","\\u202e":1}'),
]


def test_after_every_hostile_input_the_broker_holds_what_its_journal_says(
    ids: Identities,
) -> None:
    broker = start_broker(ids)
    worker = Worker(broker.bound_endpoint, ids.keys["A1"])
    teller = Peer(broker.bound_endpoint)
    try:
        worker.sign_in()
        for n in range(3):  # one leased, two waiting
            req, blobs = request(f"Q{n}")
            ack, _ = teller.call("authz.submit", [req.to_frame(), *blobs.values()])
            assert ack.type == "submit_ack"  # type: ignore[attr-defined]
        assert worker.next_work() is not None
        for service, body in HOSTILE_BODIES:
            answer, _ = teller.call(service, [body])
            assert answer.type == "error", (service, body)  # type: ignore[attr-defined]
            assert answer.code in ("E_MALFORMED", "E_TOO_LARGE", "E_UNKNOWN_TYPE")  # type: ignore[attr-defined]
            assert_journal_matches(broker)
        for local in (_local(request("Q1")[0].to_dict(), reason_text="ok\u202e"),):
            answer, _ = teller.call("authz.local", [local])
            assert answer.type == "outcome"  # type: ignore[attr-defined]  (free text: kept)
            assert_journal_matches(broker)
        assert broker.stats["internal_errors"] == 0
    finally:
        worker.close()
        teller.close()
        broker.stop()


def test_duplicate_json_keys_are_refused_at_submit(ids: Identities) -> None:
    """``{"amount_fen": 100, "amount_fen": 1999900}`` was accepted, the last key winning: a
    teller whose JSON library keeps the first would compute another digest."""
    broker = start_broker(ids)
    teller = Peer(broker.bound_endpoint)
    try:
        req, blobs = request("D1", amount_fen=100)
        frame = req.to_frame().replace(
            b'"amount_fen":100', b'"amount_fen":100,"amount_fen":1999900'
        )
        assert frame.count(b"amount_fen") == 2
        answer, _ = teller.call("authz.submit", [frame, *blobs.values()])
        assert answer.type == "error" and answer.code == "E_MALFORMED"  # type: ignore[attr-defined]
        assert "duplicate key" in answer.detail  # type: ignore[attr-defined]
        assert "D1" not in broker.entries
    finally:
        teller.close()
        broker.stop()


def test_a_control_character_in_a_local_authorization_is_refused_at_the_broker(
    ids: Identities,
) -> None:
    """A NUL in a local authorization's reason reached the PostgreSQL center and stalled the
    broker's feed for good: the protocol now refuses it at the edge."""
    broker = start_broker(ids)
    teller = Peer(broker.bound_endpoint)
    try:
        req, _ = request("N1")
        answer, _ = teller.call("authz.local", [_local(req.to_dict(), reason_text="a\x00b")])
        assert answer.type == "error" and answer.code == "E_MALFORMED"  # type: ignore[attr-defined]
        assert "U+0000" in answer.detail  # type: ignore[attr-defined]
        answer, _ = teller.call(
            "authz.cancel",
            [
                Cancel(request_id="N1", teller_id="T1", reason="x")
                .to_frame()
                .replace(b'"x"', b'"\\u001b[2J"')
            ],
        )
        assert answer.code == "E_MALFORMED"  # type: ignore[attr-defined]
        assert broker.journal.events("N1") == []
    finally:
        teller.close()
        broker.stop()


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_held_waits_keep_none_of_the_frames_they_carried(
    tmp_path: Path, ids: Identities, spawned: list[Any]
) -> None:
    """Six authz.waits, each carrying 4 × 16 MiB of frames they don't use, took the broker from
    97 to 753 MiB for as long as they waited. Measured on a real broker process."""
    from app.admin import ensure_demo_identities
    from app.config import load_settings

    endpoint = f"tcp://127.0.0.1:{free_port()}"
    settings = load_settings(
        None,
        env={},
        data_dir=tmp_path,
        keyring="memory",
        demo_secrets_file=tmp_path / "secrets.json",
        transport="plain",
    )
    ensure_demo_identities(settings)
    env = {
        "AUTHDESK_TRANSPORT": "plain",
        "AUTHDESK_VIDEO_ENDPOINT": "",
        "AUTHDESK_CENTER_ENDPOINT": "",
    }
    proc = authdesk("broker", "--data-dir", str(tmp_path), "--endpoint", endpoint, env=env)
    spawned.append(proc)
    from tests.helpers import wait_for_broker

    wait_for_broker(endpoint)
    teller = Peer(endpoint)
    try:
        req, blobs = request("W1")
        ack, _ = teller.call("authz.submit", [req.to_frame(), *blobs.values()])
        assert ack.type == "submit_ack"  # type: ignore[attr-defined]
        junk = os.urandom(16 * 1024 * 1024)
        wait = Wait(request_id="W1", teller_id="T1", wait_ms=30_000).to_frame()
        peers: list[Peer] = []

        def hold_six() -> float:
            """Six more held waits with 64 MiB each; what the broker grew by (MiB)."""
            before = _rss_kb(proc.pid)
            batch = [Peer(endpoint) for _ in range(6)]
            for peer in batch:
                peer.send_raw(mdp.client_request("authz.wait", [wait, junk, junk, junk, junk]))
            # every wait is held once the broker answers a later call from each connection
            for peer in batch:
                answer, _ = peer.call("authz.queue", [b'{"v":1,"type":"queue_status_get"}'])
                assert answer.type == "queue_status"  # type: ignore[attr-defined]
            peers.extend(batch)
            return (_rss_kb(proc.pid) - before) / 1024

        grown = [hold_six(), hold_six(), hold_six()]
        # 18 held waits that carried 1,152 MiB: what stays is the allocator keeping a few
        # receive buffers for reuse, not the frames (it was 656 MiB for the first six alone)
        assert sum(grown) < 256, grown
        for peer in peers:
            peer.close()
    finally:
        teller.close()
        proc.terminate()
        proc.wait(10)


def test_one_connection_cannot_hold_more_than_its_share_of_waits(ids: Identities) -> None:
    """Memory per held connection is bounded: past MAX_WAITS_PER_PEER a wait is answered at
    once with the state as it is, not held."""
    from clientsvc.broker.broker import MAX_WAITS_PER_PEER

    broker = start_broker(ids)
    teller = Peer(broker.bound_endpoint)
    holder = Peer(broker.bound_endpoint)
    try:
        count = MAX_WAITS_PER_PEER + 5
        for n in range(count):
            req, blobs = request(f"H{n}")
            ack, _ = teller.call("authz.submit", [req.to_frame(), *blobs.values()])
            assert ack.type == "submit_ack"  # type: ignore[attr-defined]
        for n in range(count):
            wait = Wait(request_id=f"H{n}", teller_id="T1", wait_ms=30_000).to_frame()
            holder.send_raw(mdp.client_request("authz.wait", [wait]))
        answered = [holder.reply("authz.wait") for _ in range(count - MAX_WAITS_PER_PEER)]
        assert all(a.state == "pending" for a, _ in answered)  # type: ignore[attr-defined]
        assert sum(len(e.waiters) for e in broker.entries.values()) == MAX_WAITS_PER_PEER
        assert sum(broker._waits_held.values()) == MAX_WAITS_PER_PEER
        cancel = Cancel(request_id="H0", teller_id="T1", reason="x").to_frame()
        teller.call("authz.cancel", [cancel])  # answers H0's held wait: one fewer held
        assert holder.reply("authz.wait")[0].state == "cancelled"  # type: ignore[attr-defined]
        assert sum(broker._waits_held.values()) == MAX_WAITS_PER_PEER - 1
    finally:
        teller.close()
        holder.close()
        broker.stop()
