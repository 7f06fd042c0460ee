"""``authdesk center``: the center service, and its verify, compare and sample tools."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.commands.common import common_options, settings_of, stop_on_signals
from app.config import (
    Settings,
)


def register(sub: Any) -> None:
    ce = sub.add_parser("center", help="the center service (and its tools)")
    common_options(ce)
    ce.add_argument("--endpoint")
    ce.add_argument(
        "--db", help="database: a SQLite file or a postgresql:// URL (setting center_db)"
    )
    ce_sub = ce.add_subparsers(dest="center_command")
    ver = ce_sub.add_parser(
        "verify",
        help="check every terminal's chain and the receipts, rebuild the lead's tables from "
        "the signed records and compare, list the records held in quarantine",
    )
    common_options(ver, nested=True)
    ver.add_argument(
        "--db", help="database: a SQLite file or a postgresql:// URL", default=argparse.SUPPRESS
    )
    cmp = ce_sub.add_parser(
        "compare", help="compare a terminal's audit cache (a copy of its file) with the center's"
    )
    common_options(cmp, nested=True)
    cmp.add_argument(
        "--db", help="database: a SQLite file or a postgresql:// URL", default=argparse.SUPPRESS
    )
    cmp.add_argument("--cache", type=Path, required=True, help="the terminal's audit.sqlite3")
    cmp.add_argument("--terminal", help="the terminal id (default: the one its receipts name)")
    smp = ce_sub.add_parser(
        "sample", help="draw the day's re-review sample (reproducible: prints ids and plan)"
    )
    common_options(smp, nested=True)
    smp.add_argument(
        "--db", help="database: a SQLite file or a postgresql:// URL", default=argparse.SUPPRESS
    )
    smp.add_argument("--date", required=True, help="the day (YYYY-MM-DD), or the first of a range")
    smp.add_argument("--to", help="the last day of a range (default: --date)")
    smp.add_argument("--seed", type=int, required=True)
    smp.add_argument("--plan", type=Path, help="a plan file (TOML or JSON; default: the center's)")


def open_center_store(settings: Settings) -> Any:
    """The center's store, found from the settings: its database (``center_db``, else the
    SQLite file under the data directory), its images, its receipt key, the directory."""
    from clientsvc.audit.chain import read_receipt_signer
    from clientsvc.center.store import CenterStore
    from clientsvc.identity import Directory

    signer = read_receipt_signer(settings.receipt_secret(settings.center_key))
    return CenterStore(
        settings.center_database,
        settings.center_dir / "images",
        signer,
        Directory(settings.directory),
    )


def run_center(args: argparse.Namespace) -> int:
    from app.keys import server_transport
    from clientsvc.center.service import CenterService
    from clientsvc.protocol.errors import ProtocolError

    overrides: dict[str, Any] = {"center_endpoint": getattr(args, "endpoint", None)}
    if getattr(args, "db", None):
        overrides["center_db"] = args.db
    settings = settings_of(args, **overrides)
    try:
        store = open_center_store(settings)
    except ProtocolError as err:
        print(f"authdesk center: {err.detail}", file=sys.stderr)
        return 2
    if args.center_command == "verify":
        return _center_verify(store)
    if args.center_command == "compare":
        return _center_compare(args, store)
    if args.center_command == "sample":
        return _center_sample(args, settings, store)
    brokers = frozenset(b.strip() for b in settings.center_brokers.split(",") if b.strip())
    center = CenterService(
        settings.center_endpoint,
        store,
        transport=server_transport(settings, settings.center_key),
        wait_target_s=settings.wait_target_s,
        brokers=brokers,
    )
    stop_on_signals(center.stop)
    try:
        center.serve_forever()
    finally:
        store.close()
    return 0


def center_plan(settings: Settings, path: Path | None = None) -> Any:
    """The sampling plan: the file given, else the center's own
    (``<data_dir>/center/sample-plan.toml``), else the built-in defaults."""
    from clientsvc.center.sampling import SamplePlan, plan_from_file

    path = path or settings.center_dir / "sample-plan.toml"
    if not path.exists():
        return SamplePlan()
    return plan_from_file(path.read_text(encoding="utf-8"))


def _center_sample(args: argparse.Namespace, settings: Settings, store: Any) -> int:
    """Draw without recording: anyone can re-run a recorded sample and compare."""
    from clientsvc.center.lead import LeadDesk
    from clientsvc.center.sampling import draw
    from clientsvc.protocol.errors import ProtocolError

    try:
        plan = center_plan(settings, args.plan)
        eligible = LeadDesk(store).eligible(args.date, args.to or args.date)
    except (ValueError, OSError) as exc:
        print(f"authdesk center sample: {exc}", file=sys.stderr)
        return 2
    except ProtocolError as err:
        print(f"authdesk center sample: {err.detail}", file=sys.stderr)
        return 2
    sample = draw(plan, args.seed, eligible)
    print(f"sample {sample.sample_id}: {len(sample.items)} of {len(eligible)} approved items")
    print(f"plan fingerprint {sample.plan_fingerprint}")
    print(f"eligible hash    {sample.eligible_hash}")
    print(f"seed             {sample.seed}")
    for item in sample.items:
        print(f"{item.request_id}\t{item.txn_type}\t{item.how}\tweight {item.weight:g}")
    store.close()
    return 0


def _center_verify(store: Any) -> int:
    """Print what ``clientsvc.center.verify.verify_center`` found; exit 1 on any problem."""
    from clientsvc.center.verify import verify_center

    try:
        report = verify_center(store)
    finally:
        store.close()
    bad = 0
    for terminal, chain in report.chains.items():
        state = "ok" if chain.ok else f"{len(chain.problems)} problem(s)"
        print(
            f"{terminal}: {chain.rows} rows, head {chain.head_seq}, "
            f"{chain.receipts} receipts: {state}"
        )
        for problem in chain.problems:
            print(f"  {problem.kind:<12} seq {problem.seq}: {problem.detail}")
        bad += not chain.ok
    if not report.chains:
        print("no terminal has pushed events yet")
    print(f"receipts, all terminals as one chain: {_state(report.receipts)}")
    for problem in report.receipts:
        print(f"  {problem.kind:<12} receipt {problem.seq}: {problem.detail}")
    print(
        "center_requests, brokers' records, findings against the signed records: "
        f"{_state(report.differences)}"
    )
    for difference in report.differences[:50]:
        print(f"  {difference}")
    if len(report.differences) > 50:
        print(f"  … and {len(report.differences) - 50} more")
    print(f"quarantine: {len(report.quarantined)} record(s) held aside")
    for q in report.quarantined:
        print(
            f"  {q['source']} {q['sender']} seq {q['seq']} ({q['request_id']} {q['event']}, "
            f"{len(q['record'])} bytes): {q['error']}"
        )
    print(
        f"verify: {len(report.chains)} terminal(s), {bad} with problems; "
        f"{len(report.receipts)} receipt problem(s), {len(report.differences)} table "
        f"difference(s), {len(report.quarantined)} quarantined: {'ok' if report.ok else 'BAD'}"
    )
    return 0 if report.ok else 1


def _state(problems: Any) -> str:
    return "ok" if not problems else f"{len(problems)} problem(s)"


def _center_compare(args: argparse.Namespace, store: Any) -> int:
    """A terminal's cache against the center's copy: the first difference first; exit 1 if
    they differ, 2 if the cache cannot be read."""
    from clientsvc.center.verify import compare_with_center, read_cache
    from clientsvc.protocol.errors import ProtocolError

    try:
        copy = read_cache(args.cache, args.terminal)
        differences = compare_with_center(copy, store)
    except ProtocolError as err:
        print(f"authdesk center compare: {err.detail}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print(
        f"{copy.terminal_id}: the cache {args.cache} holds {len(copy.rows)} rows and "
        f"{len(copy.receipts)} receipts"
    )
    if not differences:
        print("compare: the cache and the center's copy agree")
        return 0
    print(f"first difference: {differences[0]}")
    for difference in differences[1:50]:
        print(f"  {difference}")
    print(f"compare: {len(differences)} difference(s)")
    return 1


def run(args: argparse.Namespace) -> int:
    return run_center(args)
