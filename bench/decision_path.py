"""Decision path: teller submit → item on the workstation's GUI thread, and F9 → teller holds a
verified decision. Real broker, teller and workstation processes on loopback; the raw ZeroMQ
round trip and a bare ROUTER-broker round trip are measured in the same run.

    python -m bench.decision_path [--quick] [--count N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import zmq

from app.admin import ensure_demo_identities
from app.config import load_settings
from bench.common import free_port, measure_raw, pct, result_line, spawn, stop
from clientsvc.protocol import mdp


def _wait_for_broker(endpoint: str) -> None:
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(endpoint)
    sock.send_multipart(mdp.client_request("mmi.service", [b"authz.submit"]))
    if not sock.poll(30_000):
        raise SystemExit("the broker did not start")
    sock.recv_multipart()
    sock.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a run under a minute (200 requests)")
    parser.add_argument("--count", type=int, help="requests measured (default 1000; quick 200)")
    args = parser.parse_args(argv)
    count = args.count or (200 if args.quick else 1000)
    warmup = 20

    raw = measure_raw(2000 if args.quick else 5000)
    print(
        f"raw ZeroMQ REQ/REP round trip, 1 KB:      p50 {raw['raw_p50_us']:8.0f} µs   p99 {raw['raw_p99_us']:8.0f} µs"
    )
    print(
        f"bare ROUTER broker round trip, 1 KB:      p50 {raw['bare_hop_p50_us']:8.0f} µs   p99 {raw['bare_hop_p99_us']:8.0f} µs"
    )

    with tempfile.TemporaryDirectory(prefix="authdesk-bench-") as tmp:
        data = Path(tmp)
        settings = load_settings(
            None, data_dir=data, keyring="memory", demo_secrets_file=data / "demo-secrets.json"
        )
        ensure_demo_identities(settings)
        endpoint = f"tcp://127.0.0.1:{free_port()}"
        broker = spawn("-m", "app.main", "broker", "--data-dir", str(data), "--endpoint", endpoint)
        workstation = teller = None
        try:
            _wait_for_broker(endpoint)
            workstation = spawn(
                "-m",
                "bench._workstation",
                "--data-dir",
                str(data),
                "--broker",
                endpoint,
                "--out",
                str(data / "ws.json"),
            )
            started = time.monotonic()
            teller = spawn(
                "-m",
                "bench._teller",
                "--data-dir",
                str(data),
                "--broker",
                endpoint,
                "--count",
                str(count + warmup),
                "--out",
                str(data / "teller.json"),
                quiet=False,
            )
            if teller.wait(600) != 0:
                raise SystemExit("the teller process failed")
            elapsed = time.monotonic() - started
        finally:
            if workstation is not None:
                stop(workstation)
            if teller is not None:
                stop(teller)
            stop(broker)
        ws = json.loads((data / "ws.json").read_text())
        tel = json.loads((data / "teller.json").read_text())

    records = tel["records"][warmup:]
    submit_to_gui = [
        (ws["shown"][r["id"]] - r["submit"]) / 1e6 for r in records if r["id"] in ws["shown"]
    ]
    decide_to_teller = [
        (r["verified"] - ws["pressed"][r["id"]]) / 1e6 for r in records if r["id"] in ws["pressed"]
    ]
    bare_p99_ms = raw["bare_hop_p99_us"] / 1000
    to_engine = [
        (ws["received"][r["id"]] - r["submit"]) / 1e6 for r in records if r["id"] in ws["received"]
    ]
    engine_to_gui = [(ws["shown"][k] - v) / 1e6 for k, v in ws["received"].items()]
    print(
        f"  of which teller → engine thread (ms resolution): p50 {pct(to_engine, 50):.1f} ms, engine → GUI shown: p50 {pct(engine_to_gui, 50):.1f} ms"
    )
    s50, s99 = pct(submit_to_gui, 50), pct(submit_to_gui, 99)
    d50, d99 = pct(decide_to_teller, 50), pct(decide_to_teller, 99)
    print(
        f"requests measured: {len(records)} (after {warmup} warm-up), all approved and verified: {tel['failures'] == 0}"
    )
    print(f"wall time for {count + warmup} requests one at a time: {elapsed:.1f} s")
    print(
        f"teller submit → item on the GUI thread:   p50 {s50:8.2f} ms   p99 {s99:8.2f} ms   ({s99 / bare_p99_ms:.1f}× bare-broker p99)"
    )
    print(
        f"F9 → teller holds a verified decision:    p50 {d50:8.2f} ms   p99 {d99:8.2f} ms   ({d99 / bare_p99_ms:.1f}× bare-broker p99)"
    )
    print("target: both p99 ≤ 5× the bare-broker round trip p99")
    print(
        result_line(
            {
                "submit_to_gui_p50_ms": s50,
                "submit_to_gui_p99_ms": s99,
                "decide_to_teller_p50_ms": d50,
                "decide_to_teller_p99_ms": d99,
                "raw_rtt_p99_ms": raw["raw_p99_us"] / 1000,
                "bare_hop_p99_ms": bare_p99_ms,
                "ratio_submit": s99 / bare_p99_ms,
                "ratio_decide": d99 / bare_p99_ms,
                "requests": len(records),
            }
        )
    )
    return (
        0
        if tel["failures"] == 0 and len(submit_to_gui) == len(records) == len(decide_to_teller)
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
