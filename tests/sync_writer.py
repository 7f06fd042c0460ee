"""A workstation's audit writer and sync loop in a process of its own, for the fault tests:
``python -m tests.sync_writer CACHE CENTER_ENDPOINT RECEIPT_PUBLIC_PEM SIGNING_KEY_PEM``.

It signs and records a decision every few milliseconds (as ``AuditStore.record_decision`` does
on a real workstation: event and outbox in one commit), prints ``COMMITTED <request id>`` after
each commit, and syncs to the center with the workstation's own ``CenterSync``. It prints
``STATUS <pending> <reachable>`` when the sync status changes. On SIGTERM it stops deciding,
syncs until nothing is pending, prints ``DONE`` and exits 0. It is killed with SIGKILL by the
tests at any moment.
"""

from __future__ import annotations

import signal
import sys
import threading
import uuid
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.audit.chain import read_receipt_public
from clientsvc.audit.store import AuditStore
from clientsvc.audit.sync import CenterSync, SyncConfig, SyncStatus
from clientsvc.identity import SigningKey

TERMINAL = "WS-FAULTS"


def main(argv: list[str]) -> int:
    cache, endpoint, public_pem, key_pem = argv
    private = serialization.load_pem_private_key(Path(key_pem).read_bytes(), password=None)
    assert isinstance(private, Ed25519PrivateKey)
    key = SigningKey("A1", private)
    audit = AuditStore(Path(cache))
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    last: list[SyncStatus] = []

    def on_status(status: SyncStatus) -> None:
        last[:] = [status]
        print(f"STATUS {status.pending} {int(status.reachable)} {status.problem}", flush=True)

    sync = CenterSync(
        SyncConfig(
            endpoint=endpoint,
            terminal_id=TERMINAL,
            center_public=read_receipt_public(Path(public_pem)),
            batch=200,
            timeout_ms=500,
            retry_ms=100,
            poll_ms=20,
        ),
        audit,
        on_status,
    )
    n = 0
    while True:
        if sync.socket.poll(2):
            sync.receive()
        if not stopping.is_set():
            n += 1
            request_id = f"R-{uuid.uuid4().hex[:12]}"
            decision = key.sign_decision(
                request_id=request_id,
                lease_id=f"L{n}",
                request_digest="0" * 64,
                evidence=[],
                verdict="approve",
                reason_code=None,
                reason_text="",
            )
            audit.record_decision(decision)
            print(f"COMMITTED {request_id}", flush=True)
        sync.tick(idle=True)
        if stopping.is_set():
            sync.report(force=False)
            if last and last[0].pending == 0 and last[0].reachable:
                break
    print("DONE", flush=True)
    sync.close()
    audit.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
