"""Composition of the center lead's desk: settings → key store → sign-in → the center's
client → the desk's window (beside ``app/workstation.py``, which composes the authorizer's)."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.config import Settings
from app.keys import client_transport
from clientsvc.center.lead_client import LeadClient
from clientsvc.identity import Directory, SigningKey
from clientsvc.keystore import KeyStore
from ui import i18n
from ui.background import run_in_background
from ui.lead.window import LeadWindow
from ui.signin import SignInDialog


@dataclass
class LeadApp:
    """Everything one signed-in lead's session owns."""

    settings: Settings
    keystore: KeyStore
    screenshot_dir: Path | None = None
    day: dt.date | None = None  # the day the date fields open on (None: today)
    windows: list[Any] = field(default_factory=list)  # kept alive while shown
    clients: list[LeadClient] = field(default_factory=list)

    def show_sign_in(self) -> SignInDialog:
        dialog = SignInDialog(self.keystore.unlock, hint="")
        dialog.sig_signed_in.connect(self.open_desk)
        dialog.show()
        self.windows.append(dialog)
        return dialog

    def sign_in(self, person: str, pin: str, owner: Any) -> None:
        """Without the dialog (tests, the demo): unlocked on the pool, then the desk."""

        def failed(exc: BaseException) -> None:
            print(f"authdesk lead: sign-in failed: {exc}", file=sys.stderr)
            owner.exit(3)

        run_in_background(lambda: self.keystore.unlock(person, pin), self.open_desk, failed, owner)

    def open_desk(self, key: SigningKey) -> LeadWindow:
        """The desk of the lead whose key was unlocked: every call to the center signed by it."""
        settings = self.settings
        profile = Directory(settings.directory).get(key.authorizer_id)
        client = LeadClient(
            settings.center_endpoint,
            key,
            client_transport(settings, self.keystore, server=settings.center_key),
        )
        window = LeadWindow(
            client, key.authorizer_id, profile.name if profile else "", today=self.day
        )
        window.resize(1500, 950)
        window.show()
        self.windows[:] = [window]
        self.clients.append(client)
        if self.screenshot_dir is not None:
            shots = self.screenshot_dir
            shots.mkdir(parents=True, exist_ok=True)
            window.sig_board_updated.connect(
                lambda: window.grab().save(str(shots / f"lead-board-{i18n.current()}.png"))
            )
        return window

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.clients.clear()
