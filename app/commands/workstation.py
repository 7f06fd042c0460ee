"""``authdesk workstation``: the authorizer's workstation (the default command)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.commands.common import common_options, exec_qt, language_option, settings_of
from app.config import Settings
from app.plugins import NO_SIMULATORS, simulators


def register(sub: Any) -> None:
    ws = sub.add_parser("workstation", help="the authorizer's workstation (GUI; the default)")
    common_options(ws)
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
        help="decide items by simulated key presses (demo checks; needs the simulators)",
    )
    language_option(ws)


def run_workstation(
    args: argparse.Namespace,
    settings: Settings | None = None,
    *,
    hint: str = "",
    signin: str | None = None,
    default_id: str = "",
) -> int:

    from app.keys import make_keystore
    from app.single_instance import SingleInstance
    from app.workstation import WorkstationApp, make_qapplication
    from ui.background import run_in_background

    settings = settings or settings_of(args, broker_endpoint=getattr(args, "broker", None))
    plugin = simulators() if args.autopilot else None
    if args.autopilot and plugin is None:
        print(f"authdesk: --autopilot: {NO_SIMULATORS}", file=sys.stderr)
        return 2
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
        plugin.autopilot(session, signin.partition(":")[2] if signin else None, settings.data_dir)
        if plugin is not None
        else None
    )
    code = exec_qt(qapp, args.quit_after)
    instance.release()
    session.close()
    if pilot is not None:
        pilot.stop()
        said = ", ".join(f"{verdict} {n}" for verdict, n in sorted(pilot.decided.items()))
        print(f"autopilot: decided {said or 'nothing'}", flush=True)
    return int(code)


def run(args: argparse.Namespace) -> int:
    return run_workstation(args)
