"""Composition of the workstation: settings → key store → sign-in → engine → windows."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app.allocator import keep_image_buffers_in_heap
from app.config import Settings
from clientsvc.identity import Directory, SigningKey
from clientsvc.keystore import KeyStore, memory_keyring_from_file, os_keyring
from clientsvc.workstation.engine import EngineConfig, WorkstationEngine
from ui import theme
from ui.background import wait_for_background
from ui.bridge import EngineBridge
from ui.main_window import MainWindow
from ui.signin import SignInDialog

log = logging.getLogger("authdesk.app")


def make_keystore(settings: Settings) -> KeyStore:
    if settings.keyring == "memory":
        backend = memory_keyring_from_file(settings.demo_secrets_file)
    else:
        backend = os_keyring()
    return KeyStore(settings.data_dir, backend)


@dataclass
class WorkstationApp:
    """Everything one signed-in session owns; built by ``start`` and torn down by ``close``."""

    settings: Settings
    keystore: KeyStore
    screenshot_dir: Path | None = None
    signin_dialog: SignInDialog | None = None
    window: MainWindow | None = None
    engine: WorkstationEngine | None = None
    bridge: EngineBridge | None = None
    extra_windows: list[QWidget] = field(default_factory=list)
    _shot_taken: bool = False

    def show_sign_in(self, authorizer_id: str = "", hint: str = "") -> SignInDialog:
        dialog = SignInDialog(self.keystore.unlock, authorizer_id=authorizer_id, hint=hint)
        dialog.sig_signed_in.connect(self.on_signed_in)
        dialog.show()
        self.signin_dialog = dialog
        return dialog

    def on_signed_in(self, key: SigningKey) -> MainWindow:
        profile = Directory(self.settings.directory).get(key.authorizer_id)
        bridge = EngineBridge()
        engine = WorkstationEngine(
            EngineConfig(
                endpoint=self.settings.broker_endpoint,
                terminal_id=self.settings.terminal_id,
                audit_path=self.settings.audit_path,
                heartbeat_ms=self.settings.heartbeat_ms,
            ),
            key,
            bridge,
        )
        window = MainWindow(
            engine,
            bridge,
            authorizer_id=key.authorizer_id,
            authorizer_name=profile.name if profile else key.authorizer_id,
            wait_target_s=self.settings.wait_target_s,
        )
        window.sig_sign_out_requested.connect(self.sign_out)
        if self.screenshot_dir is not None:
            window.sig_evidence_shown.connect(self._on_window_evidence_shown)
        window.resize(1600, 960)
        window.show()
        self.bridge, self.engine, self.window = bridge, engine, window
        engine.start()
        return window

    def _on_window_evidence_shown(self, _request_id: str) -> None:
        if self._shot_taken or self.screenshot_dir is None or self.window is None:
            return
        self._shot_taken = True
        # let the layout settle for one event-loop turn, then grab every window
        QTimer.singleShot(0, self.take_screenshots)

    def take_screenshots(self) -> list[Path]:
        assert self.screenshot_dir is not None
        self.screenshot_dir.mkdir(parents=True, exist_ok=True)
        saved = []
        for name, widget in (
            ("main", self.window),
            *((f"window{i}", w) for i, w in enumerate(self.extra_windows)),
        ):
            if widget is None:
                continue
            path = self.screenshot_dir / f"{name}.png"
            widget.grab().save(str(path))
            saved.append(path)
            print(f"screenshot: {path}", flush=True)
        return saved

    def sign_out(self) -> None:
        self.close()
        QApplication.instance().quit()  # type: ignore[union-attr]

    def close(self) -> None:
        if self.engine is not None:
            self.engine.stop()
            self.engine = None
        wait_for_background()
        if self.window is not None:
            self.window.close()


def make_qapplication(argv: list[str] | None = None) -> QApplication:
    keep_image_buffers_in_heap()  # this is the process that decodes and paints evidence
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("AuthDesk")
    app.setOrganizationName("AuthDesk")
    theme.apply(app)  # type: ignore[arg-type]
    return app  # type: ignore[return-value]
