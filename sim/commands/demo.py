"""``authdesk demo``: broker, camera, center, teller simulator, colleague and the workstation
together, or the screenshot gallery."""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from app.commands.common import free_port, language_option
from app.commands.workstation import run_workstation
from app.config import (
    Settings,
    default_data_dir,
    load_settings,
)


def register(sub: Any) -> None:
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
    language_option(de)
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
    de.add_argument(
        "--test-rate",
        type=int,
        default=60,
        metavar="PER_MILLE",
        help="vigilance test items the demo lead's pack asks for, per 1,000 real requests "
        "(0: none)",
    )


def _seed_lead_day(settings: Any, seed: int) -> Any:
    """Yesterday at the demo's center, for the lead's desk: a simulated day of three
    authorizers with its vigilance test items, sent as a broker and the workstations send it,
    then sampled and re-reviewed, with a confirmed finding (``sim.day``). Once per data
    directory and day."""
    import datetime as dt
    import random

    from app.admin import DEMO_AUTHORIZERS, DEMO_LEAD
    from app.commands.center import open_center_store
    from clientsvc.center.lead import LeadDesk
    from clientsvc.identity import Directory
    from clientsvc.keystore import KeyStore, memory_keyring_from_file
    from sim.day import build_day, load_day, review_day

    day = dt.date.today() - dt.timedelta(days=1)
    marker = settings.center_dir / f"demo-day-{day:%Y%m%d}.done"
    if marker.exists():
        return day
    print(f"demo: preparing {day} at the center for the lead's desk…", flush=True)
    settings.center_dir.mkdir(parents=True, exist_ok=True)
    keystore = KeyStore(settings.data_dir, memory_keyring_from_file(settings.demo_secrets_file))
    keys = {person: keystore.unlock(person, pin) for person, _, _, pin in DEMO_AUTHORIZERS}
    store = open_center_store(settings)
    try:
        reviewer = DEMO_AUTHORIZERS[2][0]
        built = build_day(
            keys, Directory(settings.directory), day, random.Random(seed), reviewer=reviewer
        )
        load_day(store, built, broker_id=f"DEMO-DAY-{day:%Y%m%d}")
        desk = LeadDesk(store, wait_target_s=settings.wait_target_s)
        review_day(desk, built, DEMO_LEAD[0], reviewer)
    finally:
        store.close()
    marker.touch()
    return day


def _make_test_pack(settings: Any, per_mille: int, seed: int) -> None:
    """The demo lead's signed vigilance test pack for today (prepared outside the product in a
    real center; here by the simulator), where the demo's broker looks for packs."""
    import datetime as dt
    import random

    from app.admin import DEMO_LEAD
    from clientsvc.clock import now_ms
    from clientsvc.keystore import KeyStore, memory_keyring_from_file
    from sim.vigilance import make_pack

    today = dt.date.today()
    folder = settings.test_packs / f"TP{today:%Y%m%d}"
    if per_mille <= 0 or (folder / "pack.json").exists():
        return
    keystore = KeyStore(settings.data_dir, memory_keyring_from_file(settings.demo_secrets_file))
    key = keystore.unlock(DEMO_LEAD[0], DEMO_LEAD[3])
    staging = settings.test_packs / f".staging-{today:%Y%m%d}"
    make_pack(
        key,
        staging,
        day=today,
        rate_per_mille=min(per_mille, 200),
        cases=12,
        rng=random.Random(seed * 7919 + 1),
        issued_at=now_ms(),
    )
    staging.replace(folder)  # published whole: the broker never sees half a pack


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
            sync.tick(idle=True)  # the first batch out, then the one loop (CenterSync.pump)
            while pending and time.monotonic() < deadline:
                sync.pump(100)
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
    from app.workstation import make_qapplication
    from sim import gallery

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
        broker_endpoint=f"tcp://127.0.0.1:{free_port()}",
        center_endpoint=f"tcp://127.0.0.1:{free_port()}",
        video_endpoint=f"tcp://127.0.0.1:{free_port()}",
        camera_endpoint=f"tcp://127.0.0.1:{free_port()}",
        terminal_id="DEMO-WS-01",
    )
    ensure_demo_identities(settings)
    _make_test_pack(settings, args.test_rate, args.seed)
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
    if importlib.util.find_spec("rapidocr") is not None:  # the machine reading (要素比对)
        children["reader"] = (
            ["reader", "--broker", settings.broker_endpoint, "--id", "DEMO-READER"],
            {"AUTHDESK_TERMINAL_ID": "DEMO-READER"},
        )
    else:
        print("demo: no reader (the reader extra is not installed): no machine reading")
    if args.lead:  # the center lead's desk, on the demo's center, as the demo lead
        lead_args = [
            "lead",
            "--center",
            settings.center_endpoint,
            "--signin",
            f"{DEMO_LEAD[0]}:{DEMO_LEAD[3]}",
            "--day",  # yesterday's day, sampled and re-reviewed; the board is today's, live
            _seed_lead_day(settings, args.seed).isoformat(),
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


def run(args: argparse.Namespace) -> int:
    return run_demo(args)
