"""Reading: the reader on the simulator's corpus (sim/corpus.py), element by element, against
the truth the corpus keeps; and its time per item beside the raw OCR engine on the same images,
in the same run.

    python -m bench.reading [--quick] [--count N] [--degradation NAME]

The path measured is the reader's own (``ReadingDesk``: the OCR child, the cache, the rules,
the signature). The service path on the broker is not built yet (docs/READING.md); its
``ready_before_shown`` cannot be measured until it is.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.common import pct, result_line
from clientsvc.protocol.messages import request_digest
from clientsvc.reading.ocr import Engine, OcrProcess
from clientsvc.reading.reader import ReadingDesk, TextCache
from sim.corpus import DEGRADATIONS, corpus_item


def _share(n: int, d: int) -> float:
    return n / d if d else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a run under a minute (6 items)")
    parser.add_argument("--count", type=int, help="items (default 300; quick 6)")
    parser.add_argument("--degradation", choices=list(DEGRADATIONS), help="only this one")
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args(argv)
    count = args.count or (6 if args.quick else 300)
    raw_every = 2 if args.quick else 5  # the raw engine on every n-th item's images

    rng = random.Random(args.seed)
    ocr = OcrProcess()
    raw = Engine()
    desk = ReadingDesk(ocr, TextCache(":memory:"), Ed25519PrivateKey.generate(), "BENCH-READER")
    print(f"engine: {ocr.identity}; models {ocr.models}")

    # per field, per degradation: counts of what the reader said against the truth
    agree: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    injected: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    item_s: list[float] = []
    pairs: list[tuple[float, float]] = []  # (reader, raw) on the same items
    try:
        for i in range(count):
            item = corpus_item(rng, i, degradation=args.degradation)
            digest = request_digest(item.request.to_dict())
            started = time.perf_counter()
            signed = desk.read(item.request, digest, item.images, item.today)
            took = time.perf_counter() - started
            item_s.append(took)
            if i % raw_every == 0:
                t = time.perf_counter()
                for ref in item.request.evidence:
                    raw.read(item.images[ref.sha256])
                pairs.append((took, time.perf_counter() - t))
            for e in signed.reading.elements:
                key = (e.element, item.degradation)
                if e.element in item.discrepant:
                    injected[key][e.verdict.value] += 1
                else:
                    agree[key][e.verdict.value] += 1
            sys.stdout.write(
                f"\r{i + 1}/{count} {item.request.txn_type:<16} {item.degradation:<12}"
                f" {item.kind or '-':<13} {took:5.2f} s"
            )
            sys.stdout.flush()
    finally:
        ocr.close()
    print()

    def total(table: dict[tuple[str, str], Counter[str]], by: int, name: str) -> Counter[str]:
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
    values: dict[str, Any] = {
        "items": count,
        "recall": _share(all_i["mismatch"], n_i),
        "false_alarm": _share(all_a["mismatch"], n_a),
        "unreadable": _share(all_a["unreadable"] + all_i["unreadable"], n_a + n_i),
        "wrong_match": all_i["match"],
        "overhead_ratio": ratio,
        "s_per_item_p50": pct(item_s, 50),
        "s_per_item_p99": pct(item_s, 99),
        "raw_s_per_item_p50": pct([p[1] for p in pairs], 50),
    }
    print(result_line(values))
    return 0


if __name__ == "__main__":
    sys.exit(main())
