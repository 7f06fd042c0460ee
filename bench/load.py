"""One broker at city-center scale: many workstation and teller connections over CURVE.

    python -m bench.load [--quick] [--workers N] [--tellers N]

The AuthDesk broker (a process of its own, CURVE with a known key per connection, its journal
on disk, every acknowledgement after an fsync: group commit) gets N workstation connections
(each signed in, heartbeating, deciding every item at once) and M teller connections from
generator processes (``bench._load_gen``; as many as the file-descriptor limit needs).
After a warm-up at 50/s (not reported), requests go out round-robin over the teller
connections at a rate doubling each step until the broker falls behind; the generator times
submit → item at a workstation (dispatch latency) and decides. Beside it, in the same run, a
bare Python ROUTER broker (no CURVE, no journal, no checks: the raw limit) under the same
generator. Reported: dispatch p50/p99 at 100 requests/s, the maximum sustainable rate (the
highest step where ≥ 95 % of the offered rate was dispatched with p99 under 500 ms), the bare
broker's, their ratio, the broker's memory per connection, and CPU per request of each broker
and of the generators (the machine's cores are shared by all of them: ratios hold, absolute
rates drift).

Also beside it, the floor of the broker's own work: ``bench._floor_broker``, a bare loop doing
only what every request needs (CURVE, the validations, one signature verification, the
journal's commits with group commit), under the same generator.

Targets: p99 ≤ 10 ms at 100 req/s; CPU per request ≤ 2× the floor's. (The bare broker's
throughput is reported for comparison; it does none of that work, so it is not the limit.)

RESULT keys: dispatch_p99_ms max_rate bare_rate ratio kb_per_connection broker_cpu_ms
bare_cpu_ms cpu_floor_ms cpu_ratio.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import zmq

from bench.common import ROOT, free_port, pct

# each connection costs a generator process two file descriptors (the TCP socket and the zmq
# socket's mailbox); a process may hold 20,000 here: the connections are spread over several
FDS_PER_CONNECTION = 2
FDS_PER_GENERATOR = 15_000


def bare_broker(endpoint: str) -> None:
    """ROUTER: tellers' requests to the least recently used worker, answers back."""
    ctx = zmq.Context()
    router = ctx.socket(zmq.ROUTER)
    router.setsockopt(zmq.ROUTER_MANDATORY, 1)
    router.bind(endpoint)
    idle: list[bytes] = []
    queue: list[tuple[bytes, bytes]] = []
    while True:
        frames = router.recv_multipart()
        identity, body = frames[0], frames[2:]
        if body[0] == b"READY" or body[0] == b"DONE":
            if body[0] == b"DONE":
                router.send_multipart([body[1], b"", b"OK", body[2]])
            idle.append(identity)
        elif body[0] == b"PING":
            router.send_multipart([identity, b"", b"PONG"])
        else:
            queue.append((identity, body[0]))
        while idle and queue:
            client, rid = queue.pop(0)
            router.send_multipart([idle.pop(0), b"", b"ITEM", client, rid])


def _raise_file_limit() -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def provision(root: Path, workers: int, tellers: int) -> dict[str, Any]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from app.admin import provision_server
    from app.config import load_settings
    from clientsvc.identity import AuthorizerProfile, Directory

    settings = load_settings(None, env={}, data_dir=root)
    provision_server(settings, "broker")
    server_public = (settings.servers / "broker.key").read_text()
    import zmq.auth

    public, _ = zmq.auth.load_certificate(str(settings.servers / "broker.key"))
    settings.terminals.mkdir(parents=True, exist_ok=True)

    def client(name: str) -> list[str]:
        pub, sec = zmq.curve_keypair()
        (settings.terminals / f"{name}.key").write_text(
            f'metadata\n    name = "{name}"\ncurve\n    public-key = "{pub.decode()}"\n'
        )
        return [pub.decode(), sec.decode()]

    directory = Directory(settings.directory)
    signing = []
    for w in range(workers):
        key = Ed25519PrivateKey.generate()
        directory.publish(
            AuthorizerProfile(
                authorizer_id=f"W{w:04d}", name=f"W{w}", level=3, public_key=key.public_key()
            )
        )
        signing.append(
            key.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            ).hex()
        )
    del server_public
    return {
        "server_public": public.decode(),
        "worker_keys": [client(f"WS{w}") for w in range(workers)],
        "teller_keys": [client(f"TT{t}") for t in range(tellers)],
        "signing_keys": signing,
    }


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_listening(broker: subprocess.Popen[bytes], log: Path) -> None:
    """Until the broker says it listens; its own words if it stopped instead."""
    while "broker listening" not in log.read_text(errors="replace"):
        if broker.poll() is not None:
            raise RuntimeError(f"the broker stopped: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.05)  # a benchmark's start-up, not a test: nothing to wait on but the log


def run_stage_set(
    mode: str, endpoint: str, setup: dict[str, Any], root: Path, broker_pid: int
) -> tuple[list[dict[str, Any]], float, dict[str, float]]:
    """Run the stages with the connections spread over generator processes; merged stages,
    the broker's memory per connection, and CPU per request (broker, generators)."""
    path = root / f"setup-{mode}.json"
    path.write_text(json.dumps(setup))
    connections = setup["workers"] + setup["tellers"]
    parts = max(1, math.ceil(connections * FDS_PER_CONNECTION / FDS_PER_GENERATOR))
    before = rss_kb(broker_pid)
    gens = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench._load_gen",
                mode,
                endpoint,
                str(path),
                str(i),
                str(parts),
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(parts)
    ]
    for gen in gens:
        assert gen.stdout is not None
        line = gen.stdout.readline()
        if not line.startswith("CONNECTED"):
            raise RuntimeError(f"a generator did not connect: {line!r}")
    per_connection = (rss_kb(broker_pid) - before) / connections
    broker_cpu, gen_cpu = cpu_s(broker_pid), sum(cpu_s(g.pid) for g in gens)
    results: list[list[dict[str, Any]]] = [[] for _ in gens]
    stages = []
    for _ in setup["stages"]:  # each stage started in every generator at once
        for gen in gens:
            assert gen.stdin is not None
            gen.stdin.write("go\n")
            gen.stdin.flush()
        for i, gen in enumerate(gens):
            assert gen.stdout is not None
            results[i].append(json.loads(gen.stdout.readline()))
        parts_k = [r[-1] for r in results]
        latencies = [x for p in parts_k for x in p["latencies"]]
        stage = {
            "rate": round(sum(p["rate"] for p in parts_k)),
            "sent": sum(p["sent"] for p in parts_k),
            "dispatched": len(latencies),
            "achieved": sum(p["achieved"] for p in parts_k),
            "p50_ms": pct(latencies, 50),
            "p99_ms": pct(latencies, 99),
        }
        if len(results[0]) == 1:
            continue  # the warm-up
        stages.append(stage)
        if not kept_up(stage):  # past it the backlog only grows
            break
    dispatched = max(1, sum(p["dispatched"] for r in results for p in r))
    cpu = {  # ms of CPU per request dispatched (and decided), over every stage
        "broker_ms": (cpu_s(broker_pid) - broker_cpu) * 1000 / dispatched,
        "generator_ms": (sum(cpu_s(g.pid) for g in gens) - gen_cpu) * 1000 / dispatched,
        "generators": parts,
    }
    for gen in gens:
        assert gen.stdin is not None and gen.stdout is not None
        try:
            gen.stdin.write("stop\n")  # when a stage was cut short; else it ended on its own
            gen.stdin.flush()
        except BrokenPipeError:
            pass
        for line in gen.stdout:
            if line.startswith("DONE"):
                break
    for gen in gens:
        gen.wait(60)
    return stages, per_connection, cpu


def kept_up(stage: dict[str, Any]) -> bool:
    """A stage the broker sustained: ≥ 95 % of the offered rate dispatched, p99 under 500 ms."""
    return bool(stage["achieved"] >= 0.95 * stage["rate"] and stage["p99_ms"] < 500)


def sustained(stages: list[dict[str, Any]]) -> float:
    return max((s["achieved"] for s in stages if kept_up(s)), default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--tellers", type=int)
    parser.add_argument("--bare-broker", metavar="ENDPOINT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    _raise_file_limit()  # thousands of connections: the children inherit it
    if args.bare_broker:
        bare_broker(args.bare_broker)
        return
    workers = args.workers or (50 if args.quick else 500)
    tellers = args.tellers or (1000 if args.quick else 10_000)
    seconds = 3 if args.quick else 10
    # a warm-up first (not reported: first connections' caches, the journal's first pages),
    # then doubling until the broker falls behind (the generator stops there): the bare
    # broker's limit is found, not capped by the last step
    stages = [[50, seconds]] + [[100, seconds * 2]] + [[100 * 2**k, seconds] for k in range(1, 8)]
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        root = Path(tmp)
        start = time.monotonic()
        keys = provision(root, workers, tellers)
        print(
            f"{workers} workstation and {tellers} teller identities and CURVE keys made in "
            f"{time.monotonic() - start:.1f} s"
        )
        setup = {"workers": workers, "tellers": tellers, "stages": stages, **keys}
        endpoint = f"tcp://127.0.0.1:{free_port()}"
        env = {
            **os.environ,
            "AUTHDESK_VIDEO_ENDPOINT": "",
            "AUTHDESK_CAMERA_ENDPOINT": "",
            "AUTHDESK_CENTER_ENDPOINT": "",
            "PYTHONUNBUFFERED": "1",
        }
        log = (root / "broker.log").open("ab")
        profile = os.environ.get("AUTHDESK_BENCH_PROFILE")  # where to write the broker's profile
        wrap = ["-m", "cProfile", "-o", profile] if profile else []
        broker = subprocess.Popen(
            [
                sys.executable,
                *wrap,
                "-m",
                "app.main",
                "broker",
                "--data-dir",
                str(root),
                "--endpoint",
                endpoint,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            _wait_listening(broker, root / "broker.log")
            ours, kb, our_cpu = run_stage_set("authdesk", endpoint, setup, root, broker.pid)
        finally:
            broker.terminate()
            broker.wait(30)
            kept = Path(tempfile.gettempdir()) / "bench-load-broker.log"
            kept.write_bytes((root / "broker.log").read_bytes())
            print(f"the broker's log: {kept}")
        floor_ep = f"tcp://127.0.0.1:{free_port()}"
        floor_log = root / "floor.log"
        floor = subprocess.Popen(
            [sys.executable, "-m", "bench._floor_broker", str(root), floor_ep],
            cwd=ROOT,
            env=env,
            stdout=floor_log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_listening(floor, floor_log)
            floors, _, floor_cpu = run_stage_set("authdesk", floor_ep, setup, root, floor.pid)
        finally:
            floor.terminate()
            floor.wait(30)
        bare_ep = f"tcp://127.0.0.1:{free_port()}"
        bare = subprocess.Popen(
            [sys.executable, "-m", "bench.load", "--bare-broker", bare_ep], cwd=ROOT
        )
        try:
            plain = {**setup, "server_public": None}
            theirs, _, bare_cpu = run_stage_set("bare", bare_ep, plain, root, bare.pid)
        finally:
            bare.kill()
            bare.wait()
    for name, result in (
        ("AuthDesk broker (CURVE, journal)", ours),
        ("its floor: CURVE, validations, one signature, the commits (bench._floor_broker)", floors),
        ("bare ROUTER broker", theirs),
    ):
        print(name)
        for s in result:
            print(
                f"  offered {s['rate']:>5}/s: dispatched {s['achieved']:7.1f}/s, "
                f"p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms"
            )
    at_100 = next(s for s in ours if s["rate"] == 100)
    max_rate, bare_rate = sustained(ours), sustained(theirs)
    ratio = max_rate / bare_rate if bare_rate else 0.0
    print(f"memory per connection at the broker: {kb:.1f} KB ({workers + tellers} connections)")
    print(
        f"CPU per request: AuthDesk broker {our_cpu['broker_ms']:.3f} ms "
        f"(its generator {our_cpu['generator_ms']:.3f} ms); bare broker "
        f"{bare_cpu['broker_ms']:.3f} ms (its generator {bare_cpu['generator_ms']:.3f} ms); "
        f"{os.cpu_count()} cores shared by the broker and {our_cpu['generators']:.0f} "
        "generator process(es)"
    )
    cpu_ratio = our_cpu["broker_ms"] / floor_cpu["broker_ms"]
    print(
        f"the floor of that work (CURVE, the validations, the signature, the commits): "
        f"{floor_cpu['broker_ms']:.3f} ms per request; the broker is {cpu_ratio:.2f}× it"
    )
    print(
        f"targets: p99 at 100/s ≤ 10 ms: {at_100['p99_ms']:.1f} ms; "
        f"CPU per request ≤ 2× its floor: {cpu_ratio:.2f}×"
    )
    print(
        f"RESULT dispatch_p99_ms={at_100['p99_ms']:.2f} max_rate={max_rate:.0f} "
        f"bare_rate={bare_rate:.0f} ratio={ratio:.2f} kb_per_connection={kb:.1f} "
        f"broker_cpu_ms={our_cpu['broker_ms']:.3f} bare_cpu_ms={bare_cpu['broker_ms']:.3f} "
        f"cpu_floor_ms={floor_cpu['broker_ms']:.3f} cpu_ratio={cpu_ratio:.2f}"
    )


if __name__ == "__main__":
    main()
