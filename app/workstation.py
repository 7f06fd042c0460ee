"""Composition of the workstation: settings → key store → sign-in → engine → windows."""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import zmq
from PySide6.QtCore import QCoreApplication, Qt, QThreadPool, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from app.allocator import keep_image_buffers_in_heap
from app.config import Settings
from app.keys import client_transport, sync_config
from clientsvc.curve import Transport
from clientsvc.identity import Directory, SigningKey
from clientsvc.keystore import KeyStore
from clientsvc.video.subscriber import VideoSubscriber
from clientsvc.workstation.engine import EngineConfig, WorkstationEngine
from clientsvc.workstation.engine_host import EngineProcess
from ui import i18n, theme
from ui.background import wait_for_background
from ui.bridge import EngineBridge
from ui.engine_link import EngineLink
from ui.evidence.library import EvidenceLibrary
from ui.evidence.video_pane import VideoBridge
from ui.evidence.workspace import EvidenceWorkspace
from ui.evidence_window import EvidenceWindow
from ui.lock import IdleWatch
from ui.main_window import MainWindow
from ui.placement import Placement, evidence_screen
from ui.signin import SignInDialog

log = logging.getLogger("authdesk.app")


@dataclass
class WorkstationApp:
    """Everything one signed-in session owns; built by ``on_signed_in`` and torn down by
    ``close``."""

    settings: Settings
    keystore: KeyStore
    screenshot_dir: Path | None = None
    signin_dialog: SignInDialog | None = None
    window: MainWindow | None = None
    evidence_window: EvidenceWindow | None = None
    engine: EngineProcess | WorkstationEngine | None = None
    link: EngineLink | None = None
    bridge: EngineBridge | None = None
    video: VideoSubscriber | None = None
    placement: Placement | None = None
    idle: IdleWatch | None = None
    extra_windows: list[QWidget] = field(default_factory=list)
    _shot_taken: bool = False
    _shot_deadline: float = 0.0
    _closing: bool = False
    raised: int = 0  # times a second start brought this one to the front

    def show_sign_in(self, authorizer_id: str = "", hint: str = "") -> SignInDialog:
        dialog = SignInDialog(self.keystore.unlock, authorizer_id=authorizer_id, hint=hint)
        dialog.sig_signed_in.connect(self.on_signed_in)
        dialog.show()
        self.signin_dialog = dialog
        log.info("sign-in window shown (%s)", i18n.current())
        return dialog

    @property
    def transport(self) -> Transport:
        """This terminal's CURVE keys (from its key store) and the broker's pinned key."""
        return client_transport(self.settings, self.keystore)

    def on_signed_in(self, key: SigningKey) -> MainWindow:
        profile = Directory(self.settings.directory).get(key.authorizer_id)
        bridge = EngineBridge()
        # the engine in a process of its own (its own GIL), where ZeroMQ has ipc:// sockets;
        # else, as a thread of this one
        engine_class = EngineProcess if zmq.has("ipc") else WorkstationEngine
        engine = engine_class(
            EngineConfig(
                endpoint=self.settings.broker_endpoint,
                terminal_id=self.settings.terminal_id,
                audit_path=self.settings.audit_path,
                heartbeat_ms=self.settings.heartbeat_ms,
                evidence_cache_bytes=self.settings.evidence_cache_mb * 1024 * 1024,
                transport=self.transport,
                sync=sync_config(self.settings, self.keystore),
            ),
            key,
            bridge,
        )
        library = EvidenceLibrary()
        video_bridge = VideoBridge()
        workspace = EvidenceWorkspace(library, video_bridge, key.authorizer_id)
        window = MainWindow(
            engine,
            bridge,
            authorizer_id=key.authorizer_id,
            authorizer_name=profile.name if profile else key.authorizer_id,
            wait_target_s=self.settings.wait_target_s,
            library=library,
            workspace=workspace,
            language=i18n.current(),
            check_pin=lambda pin: self.keystore.check_pin(key.authorizer_id, pin),
        )
        library.setParent(window)
        window.sig_sign_out_requested.connect(self.sign_out)
        window.sig_locked_out.connect(self.end_session)
        window.sig_locked_changed.connect(self._on_window_locked_changed)
        if self.settings.lock_after_min > 0:
            self.idle = IdleWatch(self.settings.lock_after_min * 60, window)
            self.idle.sig_idle.connect(lambda: window.desk.lock("idle"))
        if self.screenshot_dir is not None:
            window.sig_evidence_shown.connect(self._on_window_evidence_shown)
        if self.settings.video_endpoint:
            self.video = VideoSubscriber(
                self.settings.video_endpoint, video_bridge, transport=self.transport
            )
            workspace.sig_camera_changed.connect(self.video.watch)
            self.video.start()
        self.placement = Placement()
        second = evidence_screen()
        primary = QGuiApplication.primaryScreen()
        if second is None:
            window.embed_workspace(True)
        else:
            window.embed_workspace(False)
            self.evidence_window = EvidenceWindow(
                workspace, key.authorizer_id, profile.name if profile else ""
            )
            self.evidence_window.sig_closing.connect(self._on_evidence_window_closing)
            self.extra_windows = [self.evidence_window]
            self.placement.restore(self.evidence_window, "evidence", second)
            self.evidence_window.show()
        self.placement.restore(window, "main", primary)
        window.show()
        self.bridge, self.engine, self.window = bridge, engine, window
        engine.start()
        if isinstance(engine, EngineProcess):
            self.link = EngineLink(engine, window)
        return window

    def _on_window_evidence_shown(self, _request_id: str) -> None:
        if self._shot_taken or self.screenshot_dir is None or self.window is None:
            return
        self._shot_taken = True
        self._shot_deadline = time.monotonic() + 5.0
        self._shoot_when_settled()

    def _shoot_when_settled(self) -> None:
        """Grab the windows once the counter video (if the item has a camera) is live too, or
        after a few seconds at most: a screenshot should show what the authorizer sees."""
        window = self.window
        video = window.workspace.video if window is not None else None
        waiting = video is not None and video.camera_id is not None and video.frame is None
        if waiting and time.monotonic() < self._shot_deadline:
            QTimer.singleShot(100, self._shoot_when_settled)
        else:
            QTimer.singleShot(0, self.take_screenshots)

    def take_screenshots(self) -> list[Path]:
        assert self.screenshot_dir is not None
        self.screenshot_dir.mkdir(parents=True, exist_ok=True)
        saved = []
        named = [("main", self.window), *(("evidence", w) for w in self.extra_windows)]
        for name, widget in named:
            if widget is None:
                continue
            path = self.screenshot_dir / f"{name}-{i18n.current()}.png"
            widget.grab().save(str(path))
            saved.append(path)
            print(f"screenshot: {path}", flush=True)
        return saved

    def _on_evidence_window_closing(self) -> None:
        """The evidence window was closed: its layout is kept, and the evidence moves into the
        main window rather than disappearing while items keep coming."""
        evidence, window = self.evidence_window, self.window
        if evidence is None or window is None or self._closing:
            return
        if self.placement is not None:
            self.placement.save(evidence, "evidence")
        evidence.release_workspace()
        window.embed_workspace(True)
        self.evidence_window, self.extra_windows = None, []

    def _on_window_locked_changed(self, locked: bool) -> None:
        if self.evidence_window is not None:
            self.evidence_window.set_locked(locked)
        if not locked and self.idle is not None:
            self.idle.reset()

    def sign_out(self) -> None:
        """Ctrl+Shift+Q (asked twice): the session ends and the sign-in window comes back,
        for this authorizer or the next; the program keeps running."""
        if self._closing:
            return
        self.end_session(QCoreApplication.translate("WorkstationApp", "Signed out."))

    def end_session(self, hint: str) -> SignInDialog:
        """End the session but not the application (too many wrong PINs): the sign-in comes
        back, saying why, and everything of the session goes."""
        authorizer_id = self.engine.key.authorizer_id if self.engine is not None else ""
        dialog = self.show_sign_in(authorizer_id, hint)  # first: a window stays open
        self.close()
        self.window = self.evidence_window = None
        self.engine, self.bridge, self.placement, self.idle = None, None, None, None
        self.extra_windows = []
        self._closing = False
        return dialog

    def bring_to_front(self) -> None:
        """A second start of the workstation: the window in use comes to the front."""
        front = self.window if self.window is not None else self.signin_dialog
        if front is None:
            return
        front.setWindowState(
            (front.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
        )
        front.show()
        front.raise_()
        front.activateWindow()
        self.raised += 1

    def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        if self.placement is not None and self.window is not None:
            self.placement.save(self.window, "main")
            if self.evidence_window is not None:
                self.placement.save(self.evidence_window, "evidence")
        if self.idle is not None:
            self.idle.stop()
        if self.video is not None:
            self.video.stop()
            self.video = None
        if self.engine is not None:
            if self.link is not None:
                self.link.close()  # stop() hands over the engine's last events itself
                self.link = None
            self.engine.stop()
            self.engine = None
        wait_for_background()
        if self.evidence_window is not None:
            self.evidence_window.close()
        if self.window is not None:
            self.window.close()


def make_qapplication(
    settings: Settings | None = None, language: str | None = None
) -> QApplication:
    """The application, themed and in the language this terminal's authorizer chose, else as
    ``settings`` say; ``language`` (a command-line choice) wins over both."""
    settings = settings or Settings()
    keep_image_buffers_in_heap()  # this is the process that decodes and paints evidence
    if QApplication.instance() is None:
        # High DPI: each monitor at its own factor, fractional ones (125 %, 150 %) as they are,
        # not rounded (Qt 6's default, said here so that it stays so)
        QApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # Items come a minute apart: pool threads that expired in between would be re-created
    # for each, and a new thread's first large decode costs 2-3× (a fresh malloc arena).
    QThreadPool.globalInstance().setExpiryTimeout(-1)
    app.setApplicationName("AuthDesk")
    app.setOrganizationName("AuthDesk")
    theme.apply(app, *theme.chosen(settings.theme, settings.font_scale))  # type: ignore[arg-type]
    i18n.install(language or i18n.chosen(settings.language))
    return app  # type: ignore[return-value]
