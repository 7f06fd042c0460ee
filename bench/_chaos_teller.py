"""A teller terminal for the chaos run: ``python -m bench._chaos_teller ENDPOINT TELLER_ID
COUNT RATE SEED OUT DATA_DIR``.

Submits COUNT requests at RATE per second (Lazy Pirate, the same id on every retry), follows
each to its end, and falls back to local authorization (本地授权, recorded through the library
with a local log) for any the center does not decide in time. Writes one JSON line per request
when it ends: ``{"request_id", "acked", "state", "verified", "at"}``; ``progress`` lines as it
goes. Exits when every request has ended.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

from clientsvc.identity import Directory
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import FINAL_STATES, AuthRequest, EvidenceRef
from clientsvc.teller.client import TellerClient, verify_outcome

WAIT_S = 10


def make(teller_id: str, i: int) -> tuple[AuthRequest, dict[str, bytes]]:
    blob = b"\xff\xd8\xff\xe0" + f"voucher {teller_id} {i}".encode() * 20 + b"\xff\xd9"
    sha = hashlib.sha256(blob).hexdigest()
    request = AuthRequest(
        request_id=f"{teller_id}-{i:05d}",
        outlet_id=f"O{teller_id[-1]}",
        teller_id=teller_id,
        terminal_id=f"TT-{teller_id}",
        txn_type="password_reset",  # one approval, any level
        amount_fen=0,
        account_no="6222020200112233",
        account_name="张三",
        id_number="11010519491231002X",
        submitted_at=int(time.time() * 1000),
        evidence=[EvidenceRef(sha256=sha, kind="voucher", mime="image/jpeg", size=len(blob))],
        wait_s=WAIT_S,
    )
    return request, {sha: blob}


def main(argv: list[str]) -> int:
    endpoint, teller_id, count, rate, _seed, out, data_dir = argv
    directory = Directory(Path(data_dir) / "directory")
    client = TellerClient(
        endpoint,
        teller_id,
        directory,
        reply_timeout_ms=1000,
        retries=1,
        local_log=Path(data_dir) / f"teller-{teller_id}.sqlite3",
    )
    total, interval = int(count), 1.0 / float(rate)
    requests: dict[str, tuple[AuthRequest, dict[str, bytes], float, bool]] = {}
    ended: set[str] = set()
    results = open(out, "a", encoding="utf-8")  # noqa: SIM115 - open for the whole run

    def end(request_id: str, acked: bool, state: str, verified: bool) -> None:
        ended.add(request_id)
        results.write(
            json.dumps(
                {
                    "request_id": request_id,
                    "acked": acked,
                    "state": state,
                    "verified": verified,
                    "at": time.time(),
                }
            )
            + "\n"
        )
        results.flush()

    def fall_back(request_id: str, why: str) -> None:
        request, _, _, acked = requests[request_id]
        try:
            client.record_local(request, f"SUP-{teller_id}", "approve", "主管现场授权", why=why)
            end(request_id, acked, "fallback_local", False)
        except ProtocolError as err:
            if err.code is ErrorCode.ALREADY_DECIDED:  # the center answered first: it stands
                return
            if err.code is ErrorCode.UNREACHABLE:  # kept in the local log: sent later
                end(request_id, acked, "fallback_local", False)
                return
            raise

    next_submit = time.monotonic()
    i = 0
    while len(ended) < total:
        now = time.monotonic()
        if i < total and now >= next_submit:
            request, blobs = make(teller_id, i)
            requests[request.request_id] = (request, blobs, now + WAIT_S + 2, False)
            i += 1
            next_submit = now + interval
        for request_id, (request, blobs, deadline, acked) in list(requests.items()):
            if request_id in ended:
                continue
            try:
                if not acked:
                    client.submit(request, blobs)
                    requests[request_id] = (request, blobs, deadline, True)
                    continue
                outcome = client.status(request_id)
            except ProtocolError as err:
                if err.code is ErrorCode.UNREACHABLE:
                    if time.monotonic() > deadline:
                        fall_back(request_id, "unreachable")
                    break  # the broker is down: try again on the next round
                if err.code is ErrorCode.UNKNOWN_REQUEST:  # acked, then forgotten: lost
                    end(request_id, acked, "lost", False)
                    continue
                raise
            if outcome.state in FINAL_STATES:
                if outcome.state in ("timed_out", "cancelled"):
                    fall_back(request_id, "no_decision_in_time")
                    continue
                verified = False
                if outcome.state in ("approved", "rejected", "returned"):
                    verify_outcome(outcome, request.to_dict(), directory)
                    verified = True
                end(request_id, True, outcome.state, verified)
        client.flush_local()
        waiting = [r for r, v in requests.items() if r not in ended and v[3]]
        if waiting and not (i < total and time.monotonic() >= next_submit):
            try:  # a long-poll on the oldest open request paces the rounds: back on a change
                client.wait(waiting[0], min(0.2, max(0.0, next_submit - time.monotonic())))
            except ProtocolError:
                pass
    while client.flush_local():  # what the broker did not have yet
        pass
    results.close()
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
