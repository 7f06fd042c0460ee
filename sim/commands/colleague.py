"""``authdesk colleague``: a simulated second authorizer without a screen."""

from __future__ import annotations

import argparse
from typing import Any

from app.commands.common import common_options, settings_of, stop_on_signals


def register(sub: Any) -> None:
    co = sub.add_parser(
        "colleague", help="a simulated second authorizer without a screen (demo, tests)"
    )
    common_options(co)
    co.add_argument("--broker", help="broker endpoint")
    co.add_argument("--signin", default="A1003:123456", metavar="ID:PIN")
    co.add_argument("--think", type=float, default=4.0, help="seconds before each decision")


def run_colleague(args: argparse.Namespace) -> int:
    import threading

    from app.keys import client_transport, make_keystore, sync_config
    from clientsvc.workstation.engine import EngineConfig, WorkstationEngine
    from sim.colleague import Colleague
    from sim.counter import counter_scenes

    settings = settings_of(args, broker_endpoint=args.broker)
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
    stop_on_signals(stop.set)
    engine.start()
    print(f"colleague {authorizer_id} signed in", flush=True)
    while not stop.wait(0.5):
        pass
    engine.stop()
    print(f"colleague {authorizer_id}: {colleague.decided} decisions", flush=True)
    return 0


def run(args: argparse.Namespace) -> int:
    return run_colleague(args)
