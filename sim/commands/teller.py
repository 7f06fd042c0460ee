"""``authdesk teller``: submit one request, or simulate a teller system's stream."""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

from app.commands.common import common_options, settings_of, stop_on_signals


def register(sub: Any) -> None:
    te = sub.add_parser("teller", help="submit a request, or simulate a stream of them")
    tsub = te.add_subparsers(dest="teller_command", required=True)
    one = tsub.add_parser("submit", help="submit one simulated request and wait for the decision")
    sim = tsub.add_parser("simulate", help="submit a stream of realistic requests")
    for p in (one, sim):
        common_options(p)
        p.add_argument("--broker", help="broker endpoint")
        p.add_argument("--seed", type=int, default=int(time.time()))
    one.add_argument("--teller-id", default="T0101")
    sim.add_argument(
        "--teller-id",
        help="one teller position only (default: two tellers at each of three outlets)",
    )
    one.add_argument("--type", dest="txn_type", help="transaction type code, e.g. cash_withdrawal")
    one.add_argument("--wait", type=float, default=300.0, help="seconds to wait for the decision")
    one.add_argument(
        "--mismatch",
        action="store_true",
        help="write another amount on the voucher than the request's (a machine finding)",
    )
    sim.add_argument(
        "--rate",
        type=float,
        default=0.2,
        help="new customers per second (0: as fast as the tellers' positions free up)",
    )
    sim.add_argument("--count", type=int, default=50, help="new requests (resubmissions on top)")
    sim.add_argument(
        "--resubmit-after",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="about how long a teller takes to resubmit a returned item (half to 1.5 times)",
    )
    sim.add_argument(
        "--showcase",
        action="store_true",
        help="open with one of each outcome (the demo: approve, mismatch, return and its "
        "resubmission, dual, impostor, expired ID) before the stream's shares",
    )


def run_teller(args: argparse.Namespace) -> int:
    from app.keys import client_transport
    from clientsvc.identity import Directory
    from clientsvc.protocol.errors import ProtocolError
    from clientsvc.teller.client import TellerClient
    from sim.counter import counter_scenes
    from sim.teller import POSITIONS, Position, StreamMix, make_request, simulate

    settings = settings_of(args, broker_endpoint=args.broker)
    directory = Directory(settings.directory)
    transport = client_transport(settings)
    if args.teller_command == "submit":
        import secrets

        sim = make_request(
            random.Random(args.seed),
            teller_id=args.teller_id,
            txn_type=args.txn_type,
            mismatch_rate=1.0 if args.mismatch else 0.05,
            id_salt=secrets.randbits(128),  # a new id each time: ids are never reused
        )
        with TellerClient(
            settings.broker_endpoint, args.teller_id, directory, transport=transport
        ) as client:
            try:
                verified = client.submit_and_wait(sim.request, sim.evidence, args.wait)
            except ProtocolError as err:
                print(f"{sim.request.request_id}: {err.code.value} {err.detail}")
                return 1
        print(_describe(sim.request.request_id, verified.outcome, "verified"))
        return 0

    stopping = {"now": False}
    stop_on_signals(lambda: stopping.__setitem__("now", True))

    def report(sim: Any, outcome: Any, verdict: str) -> None:
        line = _describe(sim.request.request_id, outcome, verdict)
        if sim.request.supersedes:
            line += f" (resubmission of {sim.request.supersedes})"
        print(line, flush=True)

    def submitted(sim: Any) -> None:
        if sim.request.supersedes:
            what = "corrected, a new voucher" if sim.corrected else "not corrected"
            print(
                f"teller: {sim.request.request_id} resubmits {sim.request.supersedes} ({what})",
                flush=True,
            )

    positions = POSITIONS
    if args.teller_id:  # one teller at the first outlet
        first = POSITIONS[0]
        positions = (
            Position(first.outlet_id, first.outlet_name, args.teller_id, f"TERM-{args.teller_id}"),
        )
    totals = simulate(
        settings.broker_endpoint,
        directory,
        transport=transport,
        rate_per_s=args.rate,
        count=args.count,
        seed=args.seed,
        on_final=report,
        on_submit=submitted,
        should_stop=lambda: stopping["now"],
        mix=StreamMix(resubmit_after_s=args.resubmit_after),
        showcase=args.showcase,
        scenes=counter_scenes(settings.data_dir),  # who stands at each counter, for its camera
        positions=positions,
    )
    print("teller totals: " + " ".join(f"{k}={v}" for k, v in totals.items()), flush=True)
    return 0


def _describe(request_id: str, outcome: Any, verdict: str) -> str:
    decision = outcome.decision
    if decision is None:
        return f"teller: {request_id} {outcome.state} {outcome.detail}"
    reason = (
        f" {decision.reason_code} {decision.reason_text}".rstrip() if decision.reason_code else ""
    )
    check = "signature verified" if verdict == "verified" else f"REFUSED {verdict}"
    who = decision.authorizer_id
    if outcome.approvals and outcome.state == "approved":  # dual authorization
        who = " + ".join(a.authorizer_id for a in outcome.approvals) + ", dual"
        check = "signatures verified" if verdict == "verified" else check
    line = f"teller: {request_id} {outcome.state} by {who}{reason} ({check})"
    if decision.override is not None:  # approved despite the machine's findings: signed
        line += f" OVERRIDE of {','.join(decision.override.findings)}: {decision.override.note}"
    return line


def run(args: argparse.Namespace) -> int:
    return run_teller(args)
