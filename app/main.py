"""``authdesk``: workstation (the default), broker, teller, center, admin and demo."""

from __future__ import annotations

import argparse
import logging
import os
import random
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

from app.config import (
    ConfigError,
    Settings,
    default_config_path,
    default_data_dir,
    load_settings,
)

log = logging.getLogger("authdesk")


def _common(p: argparse.ArgumentParser, nested: bool = False) -> None:
    """``nested``: on a sub-subcommand, given before or after it (no default that would
    overwrite the one given before)."""
    extra: dict[str, Any] = {"default": argparse.SUPPRESS} if nested else {}
    p.add_argument("--config", type=Path, help="the terminal's TOML configuration file", **extra)
    p.add_argument(
        "--data-dir",
        type=Path,
        help="where data files live (default: per-user data dir)",
        **extra,
    )


def _language_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--language",
        choices=("zh_CN", "en"),
        help="the interface's language for this run (over the configured and remembered one)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="authdesk", description="AuthDesk remote authorization")
    sub = parser.add_subparsers(dest="command")

    ws = sub.add_parser("workstation", help="the authorizer's workstation (GUI; the default)")
    _common(ws)
    ws.add_argument("--broker", help="broker endpoint, e.g. tcp://127.0.0.1:5555")
    ws.add_argument(
        "--screenshot",
        type=Path,
        metavar="DIR",
        help="save a PNG of each window once the first item is on screen",
    )
    ws.add_argument(
        "--quit-after", type=float, metavar="SECONDS", help="exit after this many seconds"
    )
    ws.add_argument(
        "--signin", metavar="ID:PIN", help="sign in without the dialog (tests, benchmarks)"
    )
    ws.add_argument(
        "--autopilot",
        action="store_true",
        help="decide items by simulated key presses (demo checks)",
    )
    _language_option(ws)

    br = sub.add_parser("broker", help="the branch broker")
    _common(br)
    br.add_argument("--endpoint", help="bind address (default from the configuration)")
    br.add_argument("--heartbeat-ms", type=int)
    br.add_argument("--video-endpoint", help="where workstations subscribe to counter video")
    br.add_argument("--camera-endpoint", help="where counter cameras publish their frames")
    br.add_argument("--center", help="the center's endpoint, for every request's record")

    cam = sub.add_parser("camera", help="a counter camera publishing to the broker's video relay")
    _common(cam)
    cam.add_argument("--camera-endpoint", help="the broker's camera endpoint")
    cam.add_argument(
        "--source",
        default="simulate",
        help="'simulate' (any camera id asked for, drawn) or an OpenCV source: a device "
        "number or a stream URL (then --camera-id is required)",
    )
    cam.add_argument("--camera-id", help="the camera id a real source publishes as")
    cam.add_argument("--fps", type=float, default=25.0)

    te = sub.add_parser("teller", help="submit a request, or simulate a stream of them")
    tsub = te.add_subparsers(dest="teller_command", required=True)
    one = tsub.add_parser("submit", help="submit one simulated request and wait for the decision")
    sim = tsub.add_parser("simulate", help="submit a stream of realistic requests")
    for p in (one, sim):
        _common(p)
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

    co = sub.add_parser(
        "colleague", help="a simulated second authorizer without a screen (demo, tests)"
    )
    _common(co)
    co.add_argument("--broker", help="broker endpoint")
    co.add_argument("--signin", default="A1003:123456", metavar="ID:PIN")
    co.add_argument("--think", type=float, default=4.0, help="seconds before each decision")

    ce = sub.add_parser("center", help="the center service (and its tools)")
    _common(ce)
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
    _common(ver, nested=True)
    ver.add_argument(
        "--db", help="database: a SQLite file or a postgresql:// URL", default=argparse.SUPPRESS
    )
    cmp = ce_sub.add_parser(
        "compare", help="compare a terminal's audit cache (a copy of its file) with the center's"
    )
    _common(cmp, nested=True)
    cmp.add_argument(
        "--db", help="database: a SQLite file or a postgresql:// URL", default=argparse.SUPPRESS
    )
    cmp.add_argument("--cache", type=Path, required=True, help="the terminal's audit.sqlite3")
    cmp.add_argument("--terminal", help="the terminal id (default: the one its receipts name)")
    smp = ce_sub.add_parser(
        "sample", help="draw the day's re-review sample (reproducible: prints ids and plan)"
    )
    _common(smp, nested=True)
    smp.add_argument(
        "--db", help="database: a SQLite file or a postgresql:// URL", default=argparse.SUPPRESS
    )
    smp.add_argument("--date", required=True, help="the day (YYYY-MM-DD), or the first of a range")
    smp.add_argument("--to", help="the last day of a range (default: --date)")
    smp.add_argument("--seed", type=int, required=True)
    smp.add_argument("--plan", type=Path, help="a plan file (TOML or JSON; default: the center's)")

    ld = sub.add_parser("lead", help="the center lead's desk (GUI): board, sample, review, reports")
    _common(ld)
    ld.add_argument("--center", help="the center's endpoint (default from the configuration)")
    ld.add_argument("--signin", metavar="ID:PIN", help="sign in without the dialog (tests, demo)")
    ld.add_argument("--screenshot", type=Path, metavar="DIR")
    ld.add_argument("--quit-after", type=float, metavar="SECONDS")
    _language_option(ld)

    ad = sub.add_parser("admin", help="provision identities and keys")
    asub = ad.add_subparsers(dest="admin_command", required=True)
    add = asub.add_parser("add-authorizer", help="create an authorizer's key pair and profile")
    _common(add)
    add.add_argument("--id", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--level", type=int, required=True)
    add.add_argument("--pin", help="PIN (asked for when omitted)")
    add.add_argument("--types", default="", help="comma-separated transaction types (default: all)")
    add.add_argument("--limit-yuan", type=int, help="amount limit in yuan (default: none)")
    add.add_argument(
        "--staff-id", default="", help="their teller/staff id, for maker ≠ checker (default: id)"
    )
    add.add_argument("--roles", default="", help='"lead" for the center lead (comma-separated)')
    add.add_argument("--joined", default="", help="the day they started (default: today)")
    term = asub.add_parser("add-terminal", help="create this terminal's CURVE key pair")
    _common(term)
    term.add_argument("--id", required=True, help="the terminal id (default setting: host name)")
    srv = asub.add_parser("server-key", help="create a server's CURVE key pair (broker, center)")
    _common(srv)
    srv.add_argument("--name", default="broker")
    rev = asub.add_parser("revoke", help="revoke an authorizer's key or a terminal's key")
    _common(rev)
    who = rev.add_mutually_exclusive_group(required=True)
    who.add_argument("--authorizer", metavar="ID")
    who.add_argument("--terminal", metavar="ID")
    lst = asub.add_parser("list", help="authorizers, terminals and servers with their keys")
    _common(lst)
    demo_ids = asub.add_parser("demo-identities", help="provision the demo's throwaway identities")
    _common(demo_ids)
    aud = asub.add_parser(
        "audit-verify",
        help="check this terminal's audit cache (its chain, its receipts, the center's head)",
    )
    _common(aud)
    aud.add_argument(
        "--offline",
        action="store_true",
        help="do not ask the center for its head (a cut tail then cannot show)",
    )
    cfg = asub.add_parser("config", help="check a configuration file, or print a template")
    cfg_sub = cfg.add_subparsers(dest="config_command", required=True)
    chk = cfg_sub.add_parser("check", help="explain every problem of a TOML configuration file")
    chk.add_argument("file", type=Path)
    cfg_sub.add_parser("template", help="a configuration file with every setting at its default")

    de = sub.add_parser(
        "demo", help="broker, teller simulator, center and the workstation together"
    )
    de.add_argument(
        "--data-dir",
        type=Path,
        help="keep all the demo's files here, from run to run (default: a new directory for "
        "each run under the per-user data dir)",
    )
    de.add_argument("--screenshot", type=Path, metavar="DIR")
    de.add_argument(
        "--gallery",
        type=Path,
        metavar="DIR",
        help="stage each state of the decision desk (empty, item, mismatch, override, away, "
        "locked, re-key, resubmission, one screen) in each language, save a screenshot of "
        "each to DIR (docs/screenshots is the README's) and stop",
    )
    _language_option(de)
    de.add_argument("--quit-after", type=float, metavar="SECONDS")
    de.add_argument(
        "--autopilot", action="store_true", help="decide items by simulated key presses"
    )
    de.add_argument("--rate", type=float, default=0.25, help="simulated requests per second")
    de.add_argument("--count", type=int, default=200)
    de.add_argument(
        "--seed", type=int, default=6, help="the simulator's seed (same seed, same requests)"
    )
    de.add_argument(
        "--resubmit-after",
        type=float,
        default=25.0,
        metavar="SECONDS",
        help="about how long the simulated teller takes to resubmit a returned item",
    )
    de.add_argument(
        "--lead", action="store_true", help="also open the center lead's desk (as the demo lead)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # each migration step is not news
    command = args.command or "workstation"
    if args.command is None:
        args = build_parser().parse_args(["workstation", *(argv or sys.argv[1:])])
    try:
        handler = {
            "workstation": run_workstation,
            "broker": run_broker,
            "camera": run_camera,
            "colleague": run_colleague,
            "teller": run_teller,
            "center": run_center,
            "lead": run_lead,
            "admin": run_admin,
            "demo": run_demo,
        }[command]
        return handler(args)
    except ConfigError as exc:
        print(f"authdesk: configuration error: {exc}", file=sys.stderr)
        return 2


def _settings(args: argparse.Namespace, **overrides: Any) -> Settings:
    named = getattr(args, "config", None) or os.environ.get("AUTHDESK_CONFIG")
    if named is None:
        named = default_config_path()
    return load_settings(
        Path(named) if named else None,  # AUTHDESK_CONFIG="": no file at all (demo, tests)
        data_dir=getattr(args, "data_dir", None),
        **overrides,
    )


def _stop_on_signals(stop: Any) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop())


# --- services ------------------------------------------------------------------------------


def run_broker(args: argparse.Namespace) -> int:
    from app.keys import client_transport, server_transport
    from clientsvc.broker import Broker, BrokerConfig
    from clientsvc.broker.feed import CenterFeed
    from clientsvc.protocol.errors import ProtocolError
    from clientsvc.video.relay import VideoRelay

    settings = _settings(
        args,
        broker_endpoint=args.endpoint,
        heartbeat_ms=args.heartbeat_ms,
        video_endpoint=args.video_endpoint,
        camera_endpoint=args.camera_endpoint,
        center_endpoint=args.center,
    )
    transport = server_transport(settings, settings.broker_key)
    journal: Path | None = settings.data_dir / "broker" / "journal.sqlite3"
    broker = Broker(
        BrokerConfig(
            endpoint=settings.broker_endpoint,
            directory=settings.directory,
            journal=journal,
            heartbeat_ms=settings.heartbeat_ms,
            transport=transport,
            resubmit_hold_ms=round(settings.resubmit_hold_s * 1000),
        )
    )
    broker.bind()  # first: with CURVE this starts the ZAP handler the relay relies on too
    relay = None
    if settings.video_endpoint and settings.camera_endpoint:
        relay = VideoRelay(settings.camera_endpoint, settings.video_endpoint, transport=transport)
        relay.start()
    feed = None
    if settings.center_endpoint and journal is not None:  # every request's record to the center
        try:
            feed_transport = client_transport(settings, server=settings.center_key)
        except ProtocolError as err:  # the journal keeps everything: it catches up once fixed
            logging.getLogger("authdesk.feed").error(
                "no records to the center until this is fixed: %s", err.detail
            )
        else:
            feed = CenterFeed(
                journal,
                settings.terminal_id,
                settings.center_endpoint,
                transport=feed_transport,
                durable=lambda: broker.journal.durable_seq,
            )
            feed.start()
    _stop_on_signals(broker._stop.set)
    try:
        broker.serve_forever()
    finally:
        if relay is not None:
            relay.stop()
        if feed is not None:
            feed.stop()
    return 0


def run_colleague(args: argparse.Namespace) -> int:
    import threading

    from app.keys import client_transport, make_keystore, sync_config
    from clientsvc.video.camera import counter_scenes
    from clientsvc.workstation.colleague import Colleague
    from clientsvc.workstation.engine import EngineConfig, WorkstationEngine

    settings = _settings(args, broker_endpoint=args.broker)
    authorizer_id, _, pin = args.signin.partition(":")
    keystore = make_keystore(settings)
    key = keystore.unlock(authorizer_id, pin)
    colleague = Colleague(
        think_s=args.think,
        confirm_pin=lambda: keystore.check_pin(authorizer_id, pin),
        scenes=counter_scenes(settings.data_dir),  # the demo's counters, as the video shows them
    )
    engine = WorkstationEngine(
        EngineConfig(
            endpoint=settings.broker_endpoint,
            terminal_id=settings.terminal_id,
            audit_path=settings.data_dir / f"audit-{authorizer_id}.sqlite3",
            heartbeat_ms=settings.heartbeat_ms,
            prefetch=0,
            transport=client_transport(settings, keystore),
            sync=sync_config(settings, keystore),
        ),
        key,
        colleague,
    )
    colleague.attach(engine)
    stop = threading.Event()
    _stop_on_signals(stop.set)
    engine.start()
    print(f"colleague {authorizer_id} signed in", flush=True)
    while not stop.wait(0.5):
        pass
    engine.stop()
    print(f"colleague {authorizer_id}: {colleague.decided} decisions", flush=True)
    return 0


def run_camera(args: argparse.Namespace) -> int:
    from clientsvc.video.camera import (
        CameraPublisher,
        CapturedCamera,
        FrameSource,
        SimulatedCounter,
        counter_scenes,
    )

    settings = _settings(args, camera_endpoint=args.camera_endpoint)
    if args.source == "simulate":
        scenes = counter_scenes(settings.data_dir)  # who the teller simulator put at each

        def open_source(camera_id: str) -> FrameSource | None:
            return SimulatedCounter(camera_id, scenes=scenes)

    else:
        if not args.camera_id:
            print("authdesk: --camera-id is required with a real camera", file=sys.stderr)
            return 2
        CapturedCamera(args.source).close()  # fails now, with its reason, if it cannot open

        def open_source(camera_id: str) -> FrameSource | None:
            # opened while somebody watches, released when nobody does
            return CapturedCamera(args.source) if camera_id == args.camera_id else None

    from app.keys import client_transport

    publisher = CameraPublisher(
        settings.camera_endpoint,
        open_source,
        fps=args.fps,
        transport=client_transport(settings),
    )
    _stop_on_signals(publisher._stop.set)
    publisher.run()
    return 0


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
    settings = _settings(args, **overrides)
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
    _stop_on_signals(center.stop)
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


def run_teller(args: argparse.Namespace) -> int:
    from app.keys import client_transport
    from clientsvc.identity import Directory
    from clientsvc.protocol.errors import ProtocolError
    from clientsvc.teller.client import TellerClient
    from clientsvc.teller.simulator import POSITIONS, Position, StreamMix, make_request, simulate
    from clientsvc.video.camera import counter_scenes

    settings = _settings(args, broker_endpoint=args.broker)
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
    _stop_on_signals(lambda: stopping.__setitem__("now", True))

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


def run_admin(args: argparse.Namespace) -> int:
    from app.admin import AdminError, ensure_demo_identities
    from clientsvc.protocol.errors import ProtocolError

    if args.admin_command == "config":
        return _config_command(args)
    if args.admin_command == "demo-identities":
        data = args.data_dir or default_data_dir() / "demo"
        settings = load_settings(
            args.config,
            data_dir=data,
            keyring="memory",
            demo_secrets_file=data / "demo-secrets.json",
        )
        ensure_demo_identities(settings)
        print(f"demo identities in {settings.directory}")
        return 0
    settings = _settings(args)
    try:
        return _admin_command(args, settings)
    except (AdminError, ProtocolError) as exc:
        print(f"authdesk admin: {exc}", file=sys.stderr)
        return 2


def _audit_verify(settings: Settings, offline: bool = False) -> int:
    """Open the audit cache (upgrading it to this version's schema) and walk its chain against
    the center's receipts it holds and against the center's head, asked for now: a cache cut
    back to an earlier state of itself (its tail and that tail's receipts deleted, or a suffix
    re-hashed and the later receipts deleted) is a valid chain, and only the center's word
    shows it. Exit 0 intact, 1 broken, 3 intact here but the center could not be asked."""
    from app.keys import sync_config
    from clientsvc.audit.chain import ChainProblem, Receipt, read_receipt_public
    from clientsvc.audit.store import AuditStore
    from clientsvc.audit.sync import center_head
    from clientsvc.protocol.errors import ProtocolError

    if not settings.audit_path.exists():
        print(f"no audit cache at {settings.audit_path}", file=sys.stderr)
        return 2
    try:
        public = read_receipt_public(settings.receipt_public(settings.center_key))
    except ProtocolError:
        public = None  # the chain is still checked; receipts cannot be
    anchor: Receipt | None = None
    asked, unasked = False, "offline" if offline else ""
    if public is None:
        unasked = "no receipt key for the center"
    elif not offline:
        try:
            anchor = center_head(sync_config(settings), timeout_ms=5000)
            asked = True
        except ProtocolError as err:
            unasked = f"{err.code.value} {err.detail}"
    store = AuditStore(settings.audit_path)
    try:
        events, problems = len(store.events()), store.verify_chain(public, anchor=anchor)
        held = store.receipts()
    finally:
        store.close()
    if asked and anchor is None and held:
        problems.append(
            ChainProblem(
                "truncated",
                1,
                f"the center holds no row of terminal {settings.terminal_id}, yet the cache "
                f"holds {len(held)} receipt(s) it signed: the center's copy was deleted",
            )
        )
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    if asked:
        where = f"the center's head: seq {anchor.head_seq}" if anchor else "the center: no rows"
        checked = f" (checked against {where})"
    else:
        checked = f"; NOT checked against the center ({unasked}): a cut tail would not show"
    print(
        f"{settings.audit_path}: {events} events, chain "
        f"{'intact' if not problems else 'BROKEN'}{checked}"
    )
    if problems:
        return 1
    return 3 if unasked and public is not None and not offline else 0


def _config_command(args: argparse.Namespace) -> int:
    from app.config import check_file, template

    if args.config_command == "template":
        print(template())
        return 0
    problems = check_file(args.file)
    if not problems:
        print(f"{args.file}: fine")
        return 0
    print(f"{args.file}: {len(problems)} problem(s)", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem.removeprefix(f'{args.file}: ')}", file=sys.stderr)
    return 2


def _admin_command(args: argparse.Namespace, settings: Settings) -> int:
    from app.admin import (
        AdminError,
        add_authorizer,
        add_terminal,
        listing,
        provision_server,
        revoke_authorizer,
        revoke_terminal,
    )
    from app.keys import make_keystore

    if args.admin_command == "list":
        print("\n".join(listing(settings)))
        return 0
    if args.admin_command == "audit-verify":
        return _audit_verify(settings, args.offline)
    if args.admin_command == "server-key":
        if settings.server_secret(args.name).exists():
            raise AdminError(f"{args.name} has a key already: {settings.server_secret(args.name)}")
        path = provision_server(settings, args.name)
        print(f"public key written: {path} (give it to every terminal: directory/servers/)")
        print(f"secret key: {settings.server_secret(args.name)} (stays on this server, 0600)")
        if args.name == settings.center_key:
            print(
                f"receipt key: {settings.receipt_public(args.name)} (to every workstation: "
                f"directory/servers/); its secret {settings.receipt_secret(args.name)} stays here"
            )
        return 0
    if args.admin_command == "revoke":
        if args.authorizer:
            path = revoke_authorizer(settings, args.authorizer)
            print(f"revoked: {path} (copy it to the broker, the tellers and the center)")
        else:
            path = revoke_terminal(settings, args.terminal)
            print(f"deleted: {path} (delete it at the broker and the center too)")
        return 0
    if settings.keyring != "os":  # its secrets would vanish with this process
        raise AdminError('keys are made into the OS keyring only (keyring = "os")')
    keystore = make_keystore(settings)
    if args.admin_command == "add-terminal":
        path = add_terminal(settings, keystore, args.id)
        print(f"public key written: {path} (copy it to the broker's and the center's terminals/)")
        return 0
    pin = args.pin
    if pin is None:
        import getpass

        pin = getpass.getpass("PIN: ")
    path = add_authorizer(
        settings,
        keystore,
        authorizer_id=args.id,
        name=args.name,
        level=args.level,
        pin=pin,
        txn_types=tuple(t for t in args.types.split(",") if t),
        amount_limit_fen=None if args.limit_yuan is None else args.limit_yuan * 100,
        staff_id=args.staff_id,
        roles=tuple(r for r in args.roles.split(",") if r),
        joined=args.joined,
    )
    print(f"profile written: {path} (give this file to the broker and the tellers)")
    return 0


# --- the workstation -----------------------------------------------------------------------


def run_workstation(
    args: argparse.Namespace,
    settings: Settings | None = None,
    *,
    hint: str = "",
    signin: str | None = None,
    default_id: str = "",
) -> int:

    from app.autopilot import Autopilot
    from app.keys import make_keystore
    from app.single_instance import SingleInstance
    from app.workstation import WorkstationApp, make_qapplication
    from clientsvc.video.camera import counter_scenes
    from ui.background import run_in_background

    settings = settings or _settings(args, broker_endpoint=getattr(args, "broker", None))
    qapp = make_qapplication(settings, getattr(args, "language", None))
    instance = SingleInstance(settings.data_dir)
    if not instance.claim():
        print("authdesk: the workstation is already running; brought it to the front", flush=True)
        return 0
    session = WorkstationApp(settings, make_keystore(settings), screenshot_dir=args.screenshot)
    instance.sig_raise.connect(session.bring_to_front)
    signin = signin or getattr(args, "signin", None)
    if signin:
        authorizer_id, _, pin = signin.partition(":")

        def failed(exc: BaseException) -> None:
            print(f"authdesk: sign-in failed: {exc}", file=sys.stderr)
            qapp.exit(3)

        run_in_background(
            lambda: session.keystore.unlock(authorizer_id, pin),
            session.on_signed_in,
            failed,
            owner=qapp,
        )
    else:
        session.show_sign_in(default_id, hint)
    pilot = (
        Autopilot(
            session,
            pin=signin.partition(":")[2] if signin else None,
            scenes=counter_scenes(settings.data_dir),  # the demo's counters, as the video shows
        )
        if args.autopilot
        else None
    )
    code = _exec_qt(qapp, args.quit_after)
    instance.release()
    session.close()
    if pilot is not None:
        pilot.stop()
        said = ", ".join(f"{verdict} {n}" for verdict, n in sorted(pilot.decided.items()))
        print(f"autopilot: decided {said or 'nothing'}", flush=True)
    return int(code)


def _exec_qt(qapp: Any, quit_after: float | None) -> int:
    """Run Qt's loop until quit (or ``quit_after`` seconds), with SIGTERM/SIGINT honoured."""
    from PySide6.QtCore import QTimer

    if quit_after:
        QTimer.singleShot(int(quit_after * 1000), qapp.quit)
    _stop_on_signals(qapp.quit)
    heartbeat = QTimer()  # lets Python see the signals while Qt's loop runs
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(200)
    return int(qapp.exec())


def run_lead(args: argparse.Namespace) -> int:
    """The lead's desk: sign in (key and PIN), then every call to the center signed by them."""

    from app.keys import client_transport, make_keystore
    from app.workstation import make_qapplication
    from clientsvc.center.lead_client import LeadClient
    from clientsvc.identity import Directory
    from ui.background import run_in_background
    from ui.lead.window import LeadWindow
    from ui.signin import SignInDialog

    settings = _settings(args, center_endpoint=args.center)
    qapp = make_qapplication(settings, args.language)
    keystore = make_keystore(settings)
    held: list[Any] = []  # the windows, kept alive
    clients: list[Any] = []

    def open_desk(key: Any) -> None:
        profile = Directory(settings.directory).get(key.authorizer_id)
        client = LeadClient(
            settings.center_endpoint,
            key,
            client_transport(settings, keystore, server=settings.center_key),
        )
        window = LeadWindow(client, key.authorizer_id, profile.name if profile else "")
        window.resize(1500, 950)
        window.show()
        held[:] = [window]
        clients.append(client)
        if args.screenshot is not None:
            args.screenshot.mkdir(parents=True, exist_ok=True)

            def shoot() -> None:
                from ui import i18n

                window.grab().save(str(args.screenshot / f"lead-board-{i18n.current()}.png"))

            window.sig_board_updated.connect(shoot)

    if args.signin:
        person, _, pin = args.signin.partition(":")

        def failed(exc: BaseException) -> None:
            print(f"authdesk lead: sign-in failed: {exc}", file=sys.stderr)
            qapp.exit(3)

        run_in_background(lambda: keystore.unlock(person, pin), open_desk, failed, owner=qapp)
    else:
        dialog = SignInDialog(keystore.unlock, hint="")
        dialog.sig_signed_in.connect(open_desk)
        dialog.show()
        held.append(dialog)
    code = _exec_qt(qapp, args.quit_after)
    for client in clients:
        client.close()
    return code


# --- the demo ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In a demo child (Linux): end when the demo's own process ends, however it ends — an
    aborted workstation must not leave a broker and a center running on their own."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


_DEMO_CHILDREN = {
    "broker": "broker",
    "camera": "camera",
    "colleague": "colleague",
    "center": "center",
    "teller": "teller simulator",
    "lead": "lead's desk",
}


def _say_demo_child_exit(event: Any) -> None:
    """The demo's word on a child that ended by itself (a ``ChildExit``): restarted, finished,
    or left stopped after too many failures."""
    what = f"the {_DEMO_CHILDREN.get(event.name, event.name)}"
    if event.outcome == "restarted":
        print(f"demo: {what} stopped (exit code {event.returncode}); restarted (pid {event.pid})")
    elif event.outcome == "finished":
        print(f"demo: {what} finished")
    else:
        print(
            f"demo: {what} stopped (exit code {event.returncode}) after {event.failures - 1} "
            "restarts; not restarted again"
        )
    sys.stdout.flush()


DEMO_RUNS_KEPT = 5  # earlier runs' directories kept (their files, to look at afterwards)
HEADLESS_QUIT_AFTER_S = 40.0
HEADLESS_SCREENSHOTS = Path("demo-screenshots")


def _headless() -> bool:
    """No screen to show a window on: Qt is told to draw offscreen, or there is no display."""
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0]
    if platform:
        return platform in ("offscreen", "minimal")
    if sys.platform.startswith("linux"):
        return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return False


def _apply_headless_defaults(args: argparse.Namespace) -> list[str]:
    """With no display nobody can sign in: the demo signs in by itself and decides by
    simulated key presses, saves a screenshot of each window to ./demo-screenshots and stops
    after 40 s, each unless told otherwise (``--quit-after 0``: never), on two simulated
    monitors. Returns what it applied, to say so."""
    applied = []
    if not os.environ.get("QT_QPA_PLATFORM"):
        from resources import ROOT

        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={ROOT / 'screens-two.json'}"
        applied.append("offscreen on two simulated monitors")
    if not args.autopilot:
        args.autopilot = True
        applied.append("deciding by simulated key presses")
    if args.screenshot is None:
        args.screenshot = HEADLESS_SCREENSHOTS
        applied.append(f"screenshots to ./{HEADLESS_SCREENSHOTS}")
    if args.quit_after is None:
        args.quit_after = HEADLESS_QUIT_AFTER_S
        applied.append(f"stopping after {HEADLESS_QUIT_AFTER_S:g} s")
    return applied


def _demo_run_dir(root: Path) -> Path:
    """A new directory for this run under ``root`` (``runs/<time>``), the oldest beyond
    ``DEMO_RUNS_KEPT`` removed: each run starts clean — its own broker journal, center
    database, audit caches and identities — so nothing of an earlier run shows."""
    import shutil
    import tempfile

    runs = root / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    earlier = sorted(p for p in runs.iterdir() if p.is_dir())  # named by when they started
    for old in earlier[: max(0, len(earlier) - DEMO_RUNS_KEPT + 1)]:
        shutil.rmtree(old, ignore_errors=True)
    now = time.time_ns()
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now / 1e9)) + f".{now % 10**9:09d}-"
    return Path(tempfile.mkdtemp(prefix=stamp, dir=runs))


def _drain_audit(settings: Settings, timeout_s: float = 5.0) -> int:
    """Push what the workstation wrote as it stopped (its sign-out) to the demo's center
    before the center stops, so that a next run on the same data directory starts with
    nothing outstanding ("events not yet at the center since" an earlier run). The
    workstation's engine has stopped: this is the audit cache's one writer now. Returns how
    many events are still not at the center."""
    from app.keys import make_keystore, sync_config
    from clientsvc.audit.store import AuditStore
    from clientsvc.audit.sync import CenterSync

    if not settings.audit_path.exists():
        return 0
    store = AuditStore(settings.audit_path)
    try:
        pending, _ = store.backlog()
        if not pending:
            return 0
        sync = CenterSync(sync_config(settings, make_keystore(settings)), store, lambda _: None)
        deadline = time.monotonic() + timeout_s
        try:
            while pending and time.monotonic() < deadline:
                sync.tick(idle=True)
                if sync.socket.poll(100):
                    sync.on_frames(sync.socket.recv_multipart())
                pending, _ = store.backlog()
        finally:
            sync.close()
        return pending
    finally:
        store.close()


def _run_gallery(out: Path, language: str | None) -> int:
    """``demo --gallery``: on two simulated monitors, offscreen, whatever the display."""
    from resources import ROOT

    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={ROOT / 'screens-two.json'}"
    from app import gallery
    from app.workstation import make_qapplication

    make_qapplication(None, None)
    languages = (language,) if language else gallery.LANGUAGES
    saved = gallery.run(out, languages)
    print(f"gallery: {len(saved)} screenshots in {out}", flush=True)
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from app.admin import DEMO_AUTHORIZERS, DEMO_LEAD, ensure_demo_identities
    from clientsvc.supervise import Supervisor

    if args.gallery is not None:
        return _run_gallery(args.gallery, args.language)
    if _headless():
        applied = _apply_headless_defaults(args)
        if applied:
            print(f"demo: no display: {', '.join(applied)}", flush=True)
    if args.data_dir is not None:  # the demo's files there, kept from run to run
        data = args.data_dir.resolve()
    else:
        data = _demo_run_dir((default_data_dir() / "demo").resolve())
    settings = load_settings(
        None,
        data_dir=data,
        keyring="memory",
        demo_secrets_file=data / "demo-secrets.json",
        broker_endpoint=f"tcp://127.0.0.1:{_free_port()}",
        center_endpoint=f"tcp://127.0.0.1:{_free_port()}",
        video_endpoint=f"tcp://127.0.0.1:{_free_port()}",
        camera_endpoint=f"tcp://127.0.0.1:{_free_port()}",
        terminal_id="DEMO-WS-01",
    )
    ensure_demo_identities(settings)
    print(f"demo data: {data}", flush=True)
    env = {
        **os.environ,
        "AUTHDESK_DATA_DIR": str(data),
        "PYTHONUNBUFFERED": "1",
        # the demo's throwaway identities (the simulated colleague signs in with one)
        "AUTHDESK_KEYRING": "memory",
        "AUTHDESK_DEMO_SECRETS_FILE": str(settings.demo_secrets_file),
        "AUTHDESK_CENTER_BROKERS": "DEMO-BROKER",  # the demo's broker pushes its records
        "AUTHDESK_CENTER_ENDPOINT": settings.center_endpoint,  # the colleague syncs there too
        "AUTHDESK_CONFIG": "",  # the demo runs on its own settings, not the machine's file
    }
    # the same program: the packaged one is its own executable, a checkout runs the module
    exe = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "app.main"]
    supervisor = Supervisor(_say_demo_child_exit)  # a child that dies is started again
    children = {
        "broker": (
            [
                "broker",
                "--endpoint",
                settings.broker_endpoint,
                "--video-endpoint",
                settings.video_endpoint,
                "--camera-endpoint",
                settings.camera_endpoint,
                "--center",
                settings.center_endpoint,
            ],
            {"AUTHDESK_TERMINAL_ID": "DEMO-BROKER"},
        ),
        "camera": (
            ["camera", "--camera-endpoint", settings.camera_endpoint],
            {"AUTHDESK_TERMINAL_ID": "DEMO-CAMERA"},
        ),
        "colleague": (
            ["colleague", "--broker", settings.broker_endpoint],
            {"AUTHDESK_TERMINAL_ID": "DEMO-COLLEAGUE"},
        ),
        "center": (["center", "--endpoint", settings.center_endpoint], {}),
        "teller": (
            [
                "teller",
                "simulate",
                "--broker",
                settings.broker_endpoint,
                "--rate",
                str(args.rate),
                "--count",
                str(args.count),
                "--seed",
                str(args.seed),
                "--resubmit-after",
                str(args.resubmit_after),
                "--showcase",  # every outcome within the first minutes, then the shares
            ],
            {"AUTHDESK_TERMINAL_ID": "DEMO-TELLER"},
        ),
    }
    if args.lead:  # the center lead's desk, on the demo's center, as the demo lead
        lead_args = [
            "lead",
            "--center",
            settings.center_endpoint,
            "--signin",
            f"{DEMO_LEAD[0]}:{DEMO_LEAD[3]}",
        ]
        if args.quit_after:
            lead_args += ["--quit-after", str(args.quit_after)]
        if args.screenshot:
            lead_args += ["--screenshot", str(args.screenshot)]
        if args.language:
            lead_args += ["--language", args.language]
        children["lead"] = (lead_args, {"AUTHDESK_TERMINAL_ID": "DEMO-LEAD"})
    try:
        started = []
        for child, (argv, extra) in children.items():
            process = supervisor.start(
                child, [*exe, *argv], env={**env, **extra}, preexec_fn=_die_with_parent
            )
            started.append(f"{child} (pid {process.pid})")
        print(f"demo: started {', '.join(started)}", flush=True)
        authorizer_id, name, _, pin = DEMO_AUTHORIZERS[0]
        hint = f"demo:{authorizer_id}:{name}:{pin}"  # said in the sign-in's language
        auto = (
            f"{authorizer_id}:{pin}"
            if (args.autopilot or args.screenshot or args.quit_after)
            else None
        )
        code = run_workstation(
            args, settings=settings, hint=hint, signin=auto, default_id=authorizer_id
        )
        left = _drain_audit(settings)  # while the center still runs
        if left:
            print(f"demo: {left} audit events not yet at the center (sent on the next run)")
        return code
    finally:
        supervisor.stop(10)  # shutting down: what ends now is not restarted


if __name__ == "__main__":
    sys.exit(main())
