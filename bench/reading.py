"""Reading: the reader on the simulator's corpus (sim/corpus.py), element by element, against
the truth the corpus keeps; and its time per item beside the raw OCR engine on the same images,
in the same run.

    python -m bench.reading [--quick] [--count N] [--degradation NAME] [--shown N]

The path is the real service path (docs/PROTOCOL.md §4.15): a broker on loopback, a reader
(``ReaderService``: its worker socket, ``evidence.get`` for the images, the OCR child, the
rules, the signature), each item submitted by a teller client and its reading checked and kept
by the broker. Seconds per item run from the teller's submit acknowledged to the reading kept
at the broker, one item at a time. The raw engine (decode + rapidocr in this process) reads the
same images in the same run.

Then ``ready_before_shown``: an authorizer with a held next item (prefetch 1, as the demo's
workstation) takes items as the demo's teller submits them (one every ``--gap`` seconds) and
looks at each for ``--think`` seconds; for every item it held as next, was its reading there
when the item came on screen?
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import zmq
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.common import pct, result_line
from clientsvc.broker import Broker, BrokerConfig
from clientsvc.curve import Transport
from clientsvc.identity import Directory, SigningKey
from clientsvc.keystore import KeyStore, MemoryKeyring
from clientsvc.protocol import mdp
from clientsvc.protocol.messages import WorkerOptions, parse
from clientsvc.reading.ocr import Engine, OcrProcess
from clientsvc.reading.reader import ReadingDesk, TextCache
from clientsvc.reading.service import ReaderConfig, ReaderService
from clientsvc.teller.client import TellerClient
from sim.corpus import DEGRADATIONS, corpus_item

READER_ID = "BENCH-READER"


class Services:
    """A broker and a reader on loopback, and an authorizer's identity."""

    def __init__(self, root: Path, ocr: OcrProcess) -> None:
        self.directory = Directory(root / "directory")
        store = KeyStore(root, MemoryKeyring())
        store.provision(self.directory, authorizer_id="A1", name="甲", level=3, pin="1234")
        self.key: SigningKey = store.unlock("A1", "1234")
        signing = Ed25519PrivateKey.generate()
        (root / "directory" / "readers").mkdir(parents=True, exist_ok=True)
        (root / "directory" / "readers" / f"{READER_ID}.pem").write_bytes(
            signing.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        self.ctx: zmq.Context[Any] = zmq.Context.instance()
        self.broker = Broker(
            BrokerConfig(
                endpoint="tcp://127.0.0.1:0",
                directory=root / "directory",
                journal=root / "journal.sqlite3",
            ),
            self.ctx,
        )
        endpoint = self.broker.start()
        self.endpoint = endpoint
        desk = ReadingDesk(ocr, TextCache(":memory:"), signing, READER_ID)
        self.reader = ReaderService(ReaderConfig(endpoint, Transport.plain()), desk, self.ctx)
        self.reader.start()
        assert self.broker.readers.wait_for(lambda: bool(self.broker.readers.peers), 30)
        self.tellers: dict[str, TellerClient] = {}

    def teller(self, teller_id: str) -> TellerClient:
        """The teller's own client: a teller may cancel only its own requests."""
        if teller_id not in self.tellers:
            self.tellers[teller_id] = TellerClient(
                self.endpoint, teller_id, self.directory, context=self.ctx
            )
        return self.tellers[teller_id]

    def read_one(self, item: Any) -> tuple[Any, float]:
        """Submit, and wait for the broker to keep its reading: (the reading, seconds)."""
        started = time.perf_counter()
        teller = self.teller(item.request.teller_id)
        teller.submit(item.request, item.images)
        entry = self.broker.entries[item.request.request_id]
        if not self.broker.readers.wait_for(lambda: entry.reading is not None, 120):
            raise RuntimeError(f"no reading of {item.request.request_id} in 120 s")
        assert entry.reading is not None
        took = time.perf_counter() - started
        teller.cancel(item.request.request_id, "bench: read only")  # not for a desk
        return entry.reading, took

    def close(self) -> None:
        for teller in self.tellers.values():
            teller.close()
        self.reader.stop()
        self.broker.stop()


def ready_before_shown(
    services: Services, rng: random.Random, count: int, gap_s: float, think_s: float
) -> tuple[int, int]:
    """An authorizer holding one next item: of the items held as next, how many had their
    reading when they came on screen. Returns (ready, held)."""
    sock = services.ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(services.endpoint)
    key = services.key

    def call(service: str, frame: bytes) -> None:
        sock.send_multipart(mdp.client_request(service, [frame]))
        while True:
            frames = sock.recv_multipart()
            rest = frames[1:] if frames and frames[0] == b"" else frames
            if rest and rest[0] in (mdp.C_CLIENT_V1, mdp.C_CLIENT_V2):
                return

    call("authz.presence", key.sign_presence(terminal_id="WS-BENCH", state="available").to_frame())
    sock.send_multipart(mdp.worker_frames(mdp.WorkerCommand.READY, service="authz"))
    call("authz.options", WorkerOptions(prefetch=1).to_frame())
    held: list[Any] = []  # in the order sent: held[0] on screen
    readings: dict[str, bool] = {}  # request id → its reading has arrived
    was_next: set[str] = set()
    ready = total = 0
    shown_at = time.monotonic()
    submitted = 0
    next_submit = time.monotonic()
    decided = 0
    while decided < count:
        now = time.monotonic()
        if submitted < count and now >= next_submit:
            item = corpus_item(rng, 1000 + submitted)
            services.teller(item.request.teller_id).submit(item.request, item.images)
            submitted += 1
            next_submit = now + gap_s
        if held and now - shown_at >= think_s:
            item = held.pop(0)
            rid = item.request["request_id"]
            decision = key.sign_decision(
                request_id=rid,
                lease_id=item.lease_id,
                request_digest=item.request_digest,
                evidence=[e["sha256"] for e in item.request["evidence"]],
                verdict="reject",
                reason_code="R01",
                reason_text="",
                decided_at=(at := time.time_ns() // 1_000_000),
                reauth_at=at,  # the PIN again (items at the top level ask for it)
            )
            sock.send_multipart(mdp.client_request("authz.decide", [decision.to_frame()]))
            decided += 1
            shown_at = time.monotonic()
            if held:  # the next one comes on screen now
                nxt = held[0].request["request_id"]
                if nxt in was_next:
                    total += 1
                    ready += readings.get(nxt, False)
        wait = max(1, int(1000 * min(0.2, max(0.0, next_submit - now))))
        if not sock.poll(wait):
            continue
        frames = sock.recv_multipart()
        rest = frames[1:] if frames and frames[0] == b"" else frames
        if rest and rest[0] in (mdp.C_CLIENT_V1, mdp.C_CLIENT_V2):  # the decision's answer
            answer: Any = parse(mdp.parse_client_reply(frames).body[0])[0]
            if answer.type == "error":
                raise RuntimeError(f"decision refused: {answer.code} {answer.detail}")
            continue
        if not rest or rest[0] != mdp.W_WORKER_V1:
            continue
        message = mdp.parse_from_broker(frames)
        if message.command is mdp.WorkerCommand.HEARTBEAT:
            sock.send_multipart(mdp.worker_frames(mdp.WorkerCommand.HEARTBEAT))
        elif message.command is mdp.WorkerCommand.REQUEST:
            body: Any = parse(message.body[0], max_bytes=3 * 64 * 1024)[0]
            if body.type == "item":
                rid = body.request["request_id"]
                readings[rid] = body.reading is not None
                if held:
                    was_next.add(rid)  # held as next: on screen when the one before is done
                else:
                    shown_at = time.monotonic()
                held.append(body)
            elif body.type == "item_reading" and body.reading is not None:
                readings[body.request_id] = True
    sock.close(linger=0)
    return ready, total


def _share(n: int, d: int) -> float:
    return n / d if d else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a run under a minute (6 items)")
    parser.add_argument("--count", type=int, help="items (default 300; quick 6)")
    parser.add_argument("--degradation", choices=list(DEGRADATIONS), help="only this one")
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--shown", type=int, help="items for ready_before_shown (default 40)")
    parser.add_argument("--gap", type=float, default=4.0, help="seconds between submits")
    parser.add_argument("--think", type=float, default=8.0, help="seconds on each item")
    args = parser.parse_args(argv)
    count = args.count or (6 if args.quick else 300)
    shown = args.shown or (4 if args.quick else 40)
    think = 6.0 if args.quick else args.think
    gap = 2.0 if args.quick else args.gap
    raw_every = 2 if args.quick else 5  # the raw engine on every n-th item's images

    rng = random.Random(args.seed)
    ocr = OcrProcess()
    raw = Engine()
    tmp = tempfile.TemporaryDirectory(prefix="bench-reading-")
    services = Services(Path(tmp.name), ocr)
    print(f"engine: {ocr.identity}; models {ocr.models}")

    # per field, per degradation: counts of what the reader said against the truth
    # keyed (element, degradation, layout, printed / handwritten)
    agree: dict[tuple[str, str, str, str], Counter[str]] = defaultdict(Counter)
    injected: dict[tuple[str, str, str, str], Counter[str]] = defaultdict(Counter)
    item_s: list[float] = []
    pairs: list[tuple[float, float]] = []  # (reader, raw) on the same items
    try:
        for i in range(count):
            item = corpus_item(rng, i, degradation=args.degradation)
            signed, took = services.read_one(item)
            item_s.append(took)
            if i % raw_every == 0:
                t = time.perf_counter()
                for ref in item.request.evidence:
                    raw.read(item.images[ref.sha256])
                pairs.append((took, time.perf_counter() - t))
            how = "handwritten" if item.handwritten else "printed"
            for e in signed.reading.elements:
                key = (e.element, item.degradation, f"layout {item.style}", how)
                if e.element in item.discrepant:
                    injected[key][e.verdict.value] += 1
                else:
                    agree[key][e.verdict.value] += 1
            sys.stdout.write(
                f"\r{i + 1}/{count} {item.request.txn_type:<16} {item.degradation:<12}"
                f" {item.style}{'✍' if item.handwritten else ' '} {item.kind or '-':<13}"
                f" {took:5.2f} s"
            )
            sys.stdout.flush()
        print()
        ready, held = ready_before_shown(services, rng, shown, gap, think)
    finally:
        services.close()
        ocr.close()
        tmp.cleanup()
    print(
        f"ready before shown: {ready} of {held} items held as next had their reading when they"
        f" came on screen (a submit every {gap:g} s, {think:g} s on each item)"
    )

    def total(
        table: dict[tuple[str, str, str, str], Counter[str]], by: int, name: str
    ) -> Counter[str]:
        out: Counter[str] = Counter()
        for key, c in table.items():
            if key[by] == name:
                out.update(c)
        return out

    def line(label: str, a: Counter[str], inj: Counter[str]) -> str:
        n_a, n_i = sum(a.values()), sum(inj.values())
        return (
            f"{label:<16} agreeing {n_a:5d}: read right {_share(a['match'], n_a):6.1%}"
            f"  false alarm {_share(a['mismatch'], n_a):6.1%}"
            f"  unreadable {_share(a['unreadable'], n_a):6.1%}   "
            f"injected {n_i:4d}: recall {_share(inj['mismatch'], n_i):6.1%}"
            f"  shown ✓ {inj['match']}"
        )

    fields = sorted({k[0] for k in (*agree, *injected)})
    degradations = sorted({k[1] for k in (*agree, *injected)})
    print("\nper field")
    for f in fields:
        print(line(f, total(agree, 0, f), total(injected, 0, f)))
    print("\nper degradation")
    for d in degradations:
        print(line(d, total(agree, 1, d), total(injected, 1, d)))
    print("\nper layout, and printed or handwritten (names and 大写)")
    for by, name in ((2, "layout a"), (2, "layout b"), (3, "printed"), (3, "handwritten")):
        print(line(name, total(agree, by, name), total(injected, by, name)))
    all_a: Counter[str] = Counter()
    all_i: Counter[str] = Counter()
    for c in agree.values():
        all_a.update(c)
    for c in injected.values():
        all_i.update(c)
    print()
    print(line("all", all_a, all_i))

    reader_s = sum(p[0] for p in pairs)
    raw_s = sum(p[1] for p in pairs)
    ratio = reader_s / raw_s if raw_s else float("nan")
    print(
        f"\nseconds per item: p50 {pct(item_s, 50):.2f}  p99 {pct(item_s, 99):.2f}"
        f"   raw engine on the same {len(pairs)} items: p50 "
        f"{pct([p[1] for p in pairs], 50):.2f}  → reader / raw {ratio:.2f}×"
    )
    n_a, n_i = sum(all_a.values()), sum(all_i.values())
    printed, hand = total(injected, 3, "printed"), total(injected, 3, "handwritten")
    values: dict[str, Any] = {
        "items": count,
        "recall": _share(printed["mismatch"], sum(printed.values())),
        "recall_handwriting": _share(hand["mismatch"], sum(hand.values())),
        "false_alarm": _share(all_a["mismatch"], n_a),
        "unreadable": _share(all_a["unreadable"] + all_i["unreadable"], n_a + n_i),
        "wrong_match": all_i["match"],
        "overhead_ratio": ratio,
        "s_per_item_p50": pct(item_s, 50),
        "s_per_item_p99": pct(item_s, 99),
        "raw_s_per_item_p50": pct([p[1] for p in pairs], 50),
        "ready_before_shown": _share(ready, held),
    }
    print(result_line(values))
    return 0


if __name__ == "__main__":
    sys.exit(main())
