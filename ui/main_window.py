"""The authorizer's main window: a shell around the desk model (``clientsvc.workstation.
desk_model.Desk``) built from small widgets: the status strip, the finding banner, the item
card, the element panel, the checklist and the decision bar.

The window feeds the desk what happened (the engine's events, the keys, the images' state, the
checklist) and draws what the desk says; every key's enablement is read from the desk. The
evidence (images, video) is in an ``EvidenceWorkspace``: in the evidence window on the second
monitor, or embedded here when there is one screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clientsvc.checklist import RegionRef, checklist_for
from clientsvc.workstation import desk_model as dm
from clientsvc.workstation.desk import element_rows, finding_rows, reading_rows
from clientsvc.workstation.engine import ReceivedItem
from ui import texts
from ui.bridge import EngineBridge
from ui.checklist_panel import ChecklistPanel
from ui.decision_bar import DecisionBar
from ui.element_panel import ElementPanel
from ui.evidence.library import EvidenceLibrary
from ui.evidence.video_pane import VideoBridge
from ui.evidence.workspace import EvidenceWorkspace
from ui.evidence_feed import EvidenceFeed, workspace_handlers
from ui.help_overlay import HelpOverlay
from ui.item_card import FindingBanner, ItemCard, ItemView
from ui.lock import LockScreen
from ui.named import named
from ui.pin_check import PinCheck
from ui.status_strip import MessageBanner, StatusStrip
from ui.window_actions import WindowActions, comfort

SIGN_OUT_CONFIRM_MS = 5000  # a second Ctrl+Shift+Q within this signs out
TEST_REVEAL_MS = 15_000  # how long "that was a vigilance test" stays above the next item
SETTLED_HOLD_MS = 400  # a delivered item stays, locked, before the empty state shows


class MainWindow(QMainWindow):
    sig_sign_out_requested = Signal()
    sig_item_shown = Signal(str)  # an item's elements are on screen (request id)
    sig_evidence_shown = Signal(str)  # every image of the item is verified and painted
    sig_locked_changed = Signal(bool)  # True: no customer data on any screen

    def __init__(
        self,
        service: dm.DecisionService,
        bridge: EngineBridge,
        *,
        authorizer_id: str,
        authorizer_name: str,
        wait_target_s: int = 60,
        clock: Callable[[], float] = time.monotonic,
        library: EvidenceLibrary | None = None,
        workspace: EvidenceWorkspace | None = None,
        language: str = "en",
        check_pin: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.wait_target_s = wait_target_s
        self.desk = dm.Desk(service, clock=clock, can_check_pin=check_pin is not None)
        self.desk.listeners.append(self._on_desk_event)
        self.library = library or EvidenceLibrary(self)
        self.workspace = workspace or EvidenceWorkspace(self.library, VideoBridge(), authorizer_id)
        self.feed = EvidenceFeed(self.desk, self.library, self.workspace, self._painted, self)
        self._announced: str | None = None
        self._help_on = False
        self.pins = PinCheck(self.desk, check_pin, self)
        self.sig_locked_out = self.pins.sig_locked_out
        self.setWindowTitle(
            self.tr("AuthDesk — Remote authorization — %1 (%2)")
            .replace("%1", authorizer_name)
            .replace("%2", authorizer_id)
        )
        self.strip = StatusStrip(authorizer_id, authorizer_name)
        self.banner = MessageBanner()
        self.finding_banner, self.card = FindingBanner(), ItemCard(authorizer_id)
        self.elements = ElementPanel(self.library)
        self.checklist = ChecklistPanel(language)
        self.bar = DecisionBar()
        self.empty = named(QLabel(), "EmptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lock_screen = LockScreen(authorizer_id, authorizer_name)
        self._layout()
        self._timers()
        self._build_actions()
        self._connect(bridge)
        self._refresh()

    # --- construction ----------------------------------------------------------------------

    def _layout(self) -> None:
        self.view = ItemView(self.finding_banner, (self.card, self.elements, self.checklist))
        rows, table = self.checklist.list, self.elements.table
        rows.currentRowChanged.connect(
            lambda r: self.view.keep_in_view(rows, rows.model().index(r, 0))
        )
        table.currentCellChanged.connect(
            lambda r, *_: self.view.keep_in_view(table, table.model().index(r, 0))
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.view)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(12, 10, 12, 12)
        for widget, stretch in ((self.banner, 0), (self.stack, 1), (self.bar, 0)):
            inner.addWidget(widget, stretch)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.strip)
        outer.addWidget(body, 1)
        self.pages = QStackedWidget()  # the work, or the lock screen
        self.pages.addWidget(central)
        self.pages.addWidget(self.lock_screen)
        self.setCentralWidget(self.pages)

    def _timers(self) -> None:
        self._settled_hold = QTimer(self, singleShot=True, interval=SETTLED_HOLD_MS)
        self._settled_hold.timeout.connect(self.desk.settled_hold_over)
        self._sign_out_asked = QTimer(self, singleShot=True, interval=SIGN_OUT_CONFIRM_MS)
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._on_tick_timeout)
        self._tick.start(1000)

    def embed_workspace(self, embedded: bool) -> None:
        self.view.embed(self.workspace, embedded)

    def _build_actions(self) -> None:
        d, bar = self.desk, self.bar
        self.acts = WindowActions(
            self,
            {
                **workspace_handlers(self.workspace),
                "approve": d.approve,
                "override": d.open_override,
                "reject": lambda: d.open_reason("reject"),
                "return": lambda: d.open_reason("return"),
                "send_reason": bar.send,
                "cancel_reason": d.cancel,
                "checklist": self.checklist.focus_list,
                "help": self._on_action_help,
                "bigger_text": lambda: self._on_action_comfort(scale_step=1),
                "smaller_text": lambda: self._on_action_comfort(scale_step=-1),
                "dark_theme": lambda: self._on_action_comfort(toggle_theme=True),
                "toggle_away": d.toggle_away,
                "lock": lambda: d.lock("manual"),
                "sign_out": self._on_action_sign_out,
            },
        )
        self.actions_by_id = self.acts.by_id
        self.acts.bind(bar.buttons())
        self.help = HelpOverlay(self)

    def _connect(self, b: EngineBridge) -> None:
        d = self.desk
        b.drive(d)
        self.feed.connect_bridge(b)
        self.bar.drive(d)
        b.sig_item_received.connect(self._on_bridge_item_received)
        b.sig_queue_status.connect(self._on_bridge_queue_status)
        b.sig_failed.connect(lambda code, why: self.banner.present("error", texts.error(code), why))
        b.sig_sync_status.connect(lambda s: self.strip.show_sync(dm.sync_line(s, d.wall_ms())))
        b.sig_test_revealed.connect(self._on_bridge_test_revealed)
        self.library.sig_image_changed.connect(self._on_library_image_changed)
        self.workspace.sig_state_changed.connect(self._refresh)
        self.elements.sig_row_selected.connect(self._on_elements_row_selected)
        self.elements.sig_box_selected.connect(self._on_elements_box_selected)
        self.checklist.sig_row_selected.connect(self.workspace.zoom_to_row)
        self.checklist.sig_results_changed.connect(self._on_checklist_results_changed)
        self.bar.sig_pin_typed.connect(self._on_bar_pin_typed)
        self.lock_screen.field.sig_submitted.connect(self._on_lock_pin_submitted)

    def _on_bridge_test_revealed(self, request_id: str, code: str, note: str, caught: bool) -> None:
        level, message = texts.test_revealed(request_id, code, note, caught)
        self.banner.present(level, message, timeout_ms=TEST_REVEAL_MS)

    # --- the desk's events -------------------------------------------------------------------

    def _on_desk_event(self, event: dm.Event) -> None:
        match event:
            case dm.Shown(item=item):
                self._show(item)
            case dm.ReadingShown(item=item):
                self._show_elements(item)
                self.finding_banner.show_findings(self.desk.findings)
            case dm.Cleared():
                self.feed.shown(None)
                self.checklist.set_rows(())
                self.elements.set_rows(None, [])
                self.finding_banner.show_findings(())
            case dm.Notice():
                self.banner.present(*texts.notice(event, self.checklist.language))
            case dm.Delivered(request_id=rid, at_ms=at):
                self.strip.show_delivered(rid, at)
                if not self.desk.upcoming:
                    self._settled_hold.start()
            case dm.LockChanged(locked=locked, why=why):
                self._on_lock_changed(locked, why)
            case dm.Signing():
                self.workspace.flush_views()  # what was looked at, recorded before
            case dm.Changed():
                self._refresh()

    def _show(self, item: ReceivedItem) -> None:
        self._settled_hold.stop()
        self._announced = None
        self.card.show_item(item)
        self.card.show_wait(self.desk.waited_seconds(), self.wait_target_s)
        self._show_elements(item)
        self.finding_banner.show_findings(self.desk.findings)
        self.feed.shown(item)
        self.desk.evidence_loading, self.desk.evidence_problem = self.feed.facts()
        fails = frozenset(finding_rows(self.desk.findings))
        self.checklist.set_rows(checklist_for(item.request.txn_type), fails)
        self._on_checklist_results_changed()
        self.sig_item_shown.emit(item.request.request_id)

    def _show_elements(self, item: ReceivedItem) -> None:
        """The machine reading's rows first, then the teller system's, each labelled."""
        rows = reading_rows(item.reading.reading) if item.reading is not None else []
        rows += element_rows(item.request, self.desk.today())
        status = texts.reading_status(item.reading, item.reading_status)
        self.elements.set_rows(item.request, rows, status)

    def _refresh(self) -> None:
        d = self.desk
        self.acts.enable(d.enablement(self.workspace.has_image(), self.workspace.has_video()))
        self.bar.show_desk(d)
        self.empty.setText(texts.empty_desk(d.presence, d.connected))
        self.stack.setCurrentIndex(0 if d.item is None else 1)
        self.card.show_evidence(*self.feed.counts())
        self.card.show_next(d.upcoming)
        self.strip.show_state(d.connected, d.presence)
        self.strip.show_taken_back(d.orphaned, d.outlets_on_fallback())
        if self._help_on:
            self._place_help()
        rid = d.item.request.request_id if d.item is not None else None
        if rid is not None and d.evidence_announced() and self._announced != rid:
            self._announced = rid
            QTimer.singleShot(0, lambda: self._announce(rid))

    def _announce(self, request_id: str) -> None:
        """After the paint that showed the last image: the evidence is on screen."""
        if self.desk.item is not None and self.desk.item.request.request_id == request_id:
            self.sig_evidence_shown.emit(request_id)
            self.feed.load_held()

    def _painted(self) -> bool:
        return self.desk.item is not None and self._announced == self.desk.item.request.request_id

    # --- what happened -----------------------------------------------------------------------

    def _on_bridge_item_received(self, item: ReceivedItem) -> None:
        if not self.desk.locked:
            self.feed.expect(item)
        self.desk.receive(item)

    def _on_library_image_changed(self, sha256: str) -> None:
        item = self.desk.item
        if item is not None and any(r.sha256 == sha256 for r in item.request.evidence):
            self.desk.evidence_loading, self.desk.evidence_problem = self.feed.facts()
            self._refresh()

    def _on_checklist_results_changed(self) -> None:
        self.checklist.tell(self.desk)
        self._refresh()

    def _on_elements_row_selected(self, kind: str, region: str) -> None:
        """An element selected: the evidence zooms to where it was found."""
        item = self.desk.item
        located = RegionRef(kind, region).locate(list(item.request.evidence)) if item else None
        if located is not None:
            self.workspace.zoom_to_place(*located)

    def _on_elements_box_selected(self, sha256: str, box: tuple[int, int, int, int]) -> None:
        """A row of the machine reading: the evidence zooms to the box it was read in."""
        item = self.desk.item
        ref = next((e for e in item.request.evidence if e.sha256 == sha256), None) if item else None
        image = self.library.get(sha256) if ref is not None else None
        if ref is None or image is None or not image.ready or not image.width or not image.height:
            return
        x0, y0, x1, y1 = box
        region = (
            x0 * 10_000 // image.width,
            y0 * 10_000 // image.height,
            max(1, (x1 - x0) * 10_000 // image.width),
            max(1, (y1 - y0) * 10_000 // image.height),
        )
        self.workspace.zoom_to_place(ref, region)

    def _on_bridge_queue_status(self, status: object, my_count: int, my_total_ms: int) -> None:
        if not self.desk.connected:
            self.desk.set_connected(True)
        self.strip.show_queue(status, my_count, my_total_ms)  # type: ignore[arg-type]

    # --- the PIN, the lock, the session --------------------------------------------------------

    def _on_bar_pin_typed(self, pin: str) -> None:
        if self.desk.step is dm.Step.PIN and self.desk.item is not None and not self.pins.busy:
            rid = self.desk.item.request.request_id
            self.bar.pin_checking(True)
            wrong = lambda m: self.bar.pin_checking(False, m)  # noqa: E731
            self.pins.verify(pin, lambda: self.desk.pin_accepted(rid), wrong)

    def _on_lock_pin_submitted(self, pin: str) -> None:
        if self.desk.locked and not self.pins.busy:
            self.lock_screen.set_checking(True)
            self.pins.verify(pin, self.desk.unlock, self._on_lock_pin_refused)

    def _on_lock_pin_refused(self, message: str) -> None:
        self.lock_screen.set_checking(False)
        self.lock_screen.message.setText(message)

    def _on_lock_changed(self, locked: bool, why: str) -> None:
        if locked:
            self.feed.drop_all()
            self.banner.hide()
            self.lock_screen.show_locked(texts.locked_because(why))
        self.lock_screen.set_checking(False)
        self.pages.setCurrentIndex(1 if locked else 0)
        self._refresh()
        self.sig_locked_changed.emit(locked)

    def _on_action_sign_out(self) -> None:
        """Ctrl+Shift+Q asks first: a second press within a few seconds signs out, back to the
        sign-in window (the items held go back to the queue)."""
        if self._sign_out_asked.isActive():
            self._sign_out_asked.stop()
            self.sig_sign_out_requested.emit()
            return
        self._sign_out_asked.start()
        self.banner.present("warn", texts.sign_out_asked(), timeout_ms=SIGN_OUT_CONFIRM_MS)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing signs out: a workstation left "available" would hold items for the lease."""
        self.sig_sign_out_requested.emit()
        super().closeEvent(event)

    # --- comfort, help, messages, the clock ---------------------------------------------------

    def _on_action_comfort(self, scale_step: int = 0, toggle_theme: bool = False) -> None:
        comfort(scale_step, toggle_theme)
        self.checklist.recolour()  # colours set per row (not by the sheet) follow the switch
        if self.desk.item is not None:
            self.elements.set_rows(self.desk.item.request, self.elements.rows())

    def _on_action_help(self) -> None:
        """F1: the keys, over the evidence (wherever it is) and over this window unless the
        evidence is on screen in it."""
        self._help_on = not self._help_on
        self._place_help()

    def _place_help(self) -> None:
        here = self.workspace.window() is self and self.workspace.isVisible()
        self.workspace.help.set_shown(self._help_on)
        self.help.set_shown(self._help_on and not here)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.finding_banner.fit()

    def _on_tick_timeout(self) -> None:
        if self.desk.item is not None:
            self.card.show_wait(self.desk.waited_seconds(), self.wait_target_s)
        if self.desk.fallback_outlets:  # an outlet drops off the list half an hour after
            self.strip.show_taken_back(self.desk.orphaned, self.desk.outlets_on_fallback())
        self.strip.tick()
