"""``authdesk lead``: the center lead's desk."""

from __future__ import annotations

import argparse
import sys
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
    language_option(ld)


def run_lead(args: argparse.Namespace) -> int:
    """The lead's desk: sign in (key and PIN), then every call to the center signed by them."""

    from app.keys import client_transport, make_keystore
    from app.workstation import make_qapplication
    from clientsvc.center.lead_client import LeadClient
    from clientsvc.identity import Directory
    from ui.background import run_in_background
    from ui.lead.window import LeadWindow
    from ui.signin import SignInDialog

    settings = settings_of(args, center_endpoint=args.center)
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
    code = exec_qt(qapp, args.quit_after)
    for client in clients:
        client.close()
    return code


def run(args: argparse.Namespace) -> int:
    return run_lead(args)
