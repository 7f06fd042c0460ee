"""``authdesk lead``: the center lead's desk."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from app.commands.common import common_options, exec_qt, language_option, settings_of


def register(sub: Any) -> None:
    ld = sub.add_parser("lead", help="the center lead's desk (GUI): board, sample, review, reports")
    common_options(ld)
    ld.add_argument("--center", help="the center's endpoint (default from the configuration)")
    ld.add_argument("--signin", metavar="ID:PIN", help="sign in without the dialog (tests, demo)")
    ld.add_argument("--screenshot", type=Path, metavar="DIR")
    ld.add_argument("--quit-after", type=float, metavar="SECONDS")
    ld.add_argument(
        "--day",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the day the sample and the statistics open on (default: today)",
    )
    language_option(ld)


def run_lead(args: argparse.Namespace) -> int:
    """The lead's desk: sign in (key and PIN), then every call to the center signed by them."""
    from app.keys import make_keystore
    from app.lead import LeadApp
    from app.workstation import make_qapplication

    settings = settings_of(args, center_endpoint=args.center)
    qapp = make_qapplication(settings, args.language)
    session = LeadApp(
        settings, make_keystore(settings), screenshot_dir=args.screenshot, day=args.day
    )
    if args.signin:
        person, _, pin = args.signin.partition(":")
        session.sign_in(person, pin, owner=qapp)
    else:
        session.show_sign_in()
    code = exec_qt(qapp, args.quit_after)
    session.close()
    return code


def run(args: argparse.Namespace) -> int:
    return run_lead(args)
