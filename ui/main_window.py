"""The authorizer's main window: status strip, the item in hand, its checklist, the decision.

The evidence (images, video) is in an ``EvidenceWorkspace``: in the evidence window on the second
monitor, or embedded here when there is one screen. The window holds the item on screen and the
items the broker hands on as "next" (prefetch): deciding shows the next one at once, its images
already decoded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clientsvc.audit.sync import SyncStatus
from clientsvc.catalogue import TEXT_REQUIRED, reasons_for
from clientsvc.checklist import ChecklistRow, RegionRef, checklist_for
from clientsvc.crosscheck import Finding, crosscheck
from clientsvc.protocol.edge import display_name, visible
from clientsvc.protocol.messages import QueueStatus
from clientsvc.teller.evidence_render import amount_in_figures, amount_in_words
from clientsvc.workstation.desk import (
    OVERRIDE_MIN_CHARS,
    DeskState,
    Gate,
    Rekey,
    element_rows,
    finding_reason,
    finding_rows,
    gate,
    rekey_policy,
    why_asked,
)
from clientsvc.workstation.engine import ReceivedItem
from ui import texts, theme
from ui.actions import ACTIONS, ACTIONS_BY_ID, label
from ui.background import run_in_background
from ui.bridge import EngineBridge
from ui.checklist_panel import ChecklistPanel
from ui.element_panel import ElementPanel
from ui.evidence.library import EvidenceLibrary
from ui.evidence.video_pane import VideoBridge
from ui.evidence.workspace import EvidenceWorkspace
from ui.help_overlay import HelpOverlay
from ui.lock import LockScreen, PinPrompt


class DecisionService(Protocol):
    """What the window needs from the engine (thread-safe, non-blocking calls)."""

    def decide(
        self,
        request_id: str,
        verdict: str,
        reason_code: str | None,
        reason_text: str,
        checklist: dict[str, str] | None = None,
        lease_id: str | None = None,
        reauth_at: int | None = None,
        override: dict[str, Any] | None = None,
    ) -> None: ...
    def set_presence(self, state: str) -> None: ...
    def note(self, kind: str, payload: dict[str, Any], request_id: str | None = None) -> None: ...
    def item_displayed(self, request_id: str) -> None: ...
    def grab_frame(
        self, request_id: str, camera_id: str, captured_at_us: int, jpeg: bytes
    ) -> None: ...


FALLBACK_SHOWN_S = 30 * 60  # an outlet's local authorization is shown for half an hour


def _repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


SIGN_OUT_CONFIRM_MS = 5000  # a second Ctrl+Shift+Q within this signs out

# How long a delivered decision's item stays on screen, locked, before the empty state shows,
# when no next item is in hand.
SETTLED_HOLD_MS = 400


class MainWindow(QMainWindow):
    sig_sign_out_requested = Signal()
    """The authorizer asked to sign out."""
    sig_item_shown = Signal(str)
    """An item's elements are on screen (request id)."""
    sig_evidence_shown = Signal(str)
    """Every image of the item in hand is verified and painted (request id)."""
    sig_locked_changed = Signal(bool)
    """The session locked (True: no customer data on any screen) or unlocked."""
    sig_locked_out = Signal(str)
    """Too many wrong PINs: the session must end (the words to show at sign-in)."""

    def __init__(
        self,
        service: DecisionService,
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
        self.service = service
        self.bridge = bridge
        self.wait_target_s = wait_target_s
        self._clock = clock
        self.library = library or EvidenceLibrary(self)
        if workspace is None:  # tests: a workspace of its own, without video
            workspace = EvidenceWorkspace(self.library, VideoBridge(), authorizer_id)
        self.workspace = workspace
        self.item: ReceivedItem | None = None
        self.upcoming: list[ReceivedItem] = []  # held as "next", in the order received
        self._arrived: dict[str, float] = {}  # request id → when it reached this window
        self._received_mono = 0.0
        self._hash_failed: dict[str, str] = {}  # sha256 → code, for every item in hand
        self._evidence_announced: str | None = None
        self._sending = False
        self._settled = False  # the item on screen was decided and delivered
        self._reason_verdict: str | None = None
        self._presence = "available"
        self._connected = False
        self.sync_status: SyncStatus | None = None
        # decisions from before a restart: request id → "" (outcome unknown) or how it ended
        self.unresolved: dict[str, str] = {}
        self.orphaned: list[tuple[str, str, str, float]] = []  # request, why, outlet, when
        self.fallback_outlets: dict[str, float] = {}  # outlet → when it last authorized locally
        self._language = language
        self._help_on = False
        # the PIN, checked (and counted) by the key store, on the thread pool
        self._check_pin = check_pin
        self._locked = False
        self._presence_before_lock = "available"
        self._pin_busy = False  # a PIN is being checked
        # verdict, code, text, override: a decision waiting for the PIN again
        self._reauth_pending: tuple[str, str | None, str, dict[str, Any] | None] | None = None
        self._findings: tuple[Finding, ...] = ()  # the machine's, for the item on screen
        self._override_open = False
        # the re-key asked for, and what to do once it matches; the item re-keyed already
        self._rekey_pending: tuple[Rekey, Callable[[], None]] | None = None
        self._rekeyed: str | None = None
        self._rekey_wrong = 0
        self.setWindowTitle(
            self.tr("AuthDesk — Remote authorization — %1 (%2)")
            .replace("%1", authorizer_name)
            .replace("%2", authorizer_id)
        )
        self._build(authorizer_id, authorizer_name)
        self._build_actions()
        self._connect_bridge()
        self.library.sig_image_changed.connect(self._on_library_image_changed)
        self.workspace.sig_state_changed.connect(self._update_state)
        self.workspace.sig_frame_grabbed.connect(self._on_workspace_frame_grabbed)
        self.workspace.sig_evidence_viewed.connect(self._on_workspace_evidence_viewed)
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._on_tick_timeout)
        self._tick.start(1000)
        self._on_tick_timeout()
        self._settled_hold = QTimer(self, singleShot=True, interval=SETTLED_HOLD_MS)
        self._settled_hold.timeout.connect(self._on_settled_hold_timeout)
        self._grabs: dict[str, tuple[bytes, int]] = {}  # sha256 → (jpeg, captured_at) in flight
        self._held_images: list[tuple[str, str, bytes]] = []  # of held items, to decode later
        self._sign_out_asked = QTimer(self, singleShot=True, interval=SIGN_OUT_CONFIRM_MS)
        self._held_timer = QTimer(self, singleShot=True, interval=300)
        self._held_timer.timeout.connect(self._load_held_images)
        self._update_state()

    # --- construction ----------------------------------------------------------------------

    def _build(self, authorizer_id: str, authorizer_name: str) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        strip = QFrame(objectName="StatusStrip")
        self.status_strip = strip
        row = QHBoxLayout(strip)
        row.setContentsMargins(8, 4, 8, 4)
        self.lbl_connection = QLabel()
        self.lbl_presence = QLabel()
        self.lbl_waiting = QLabel()
        self.lbl_oldest = QLabel()
        self.lbl_my_count = QLabel()
        self.lbl_my_avg = QLabel()
        self.lbl_sync = QLabel(objectName="SyncStatus")  # the audit trail's way to the center
        self.lbl_orphans = QLabel()  # items ended at the teller's side while held here
        self.lbl_fallback = QLabel(objectName="SyncStatus")  # outlets on local authorization
        self.lbl_clock = QLabel()
        self.lbl_last_decision = QLabel(objectName="LastDecision")
        self.lbl_user = QLabel(f"{authorizer_name}  {authorizer_id}")
        for widget in (
            self.lbl_connection,
            self.lbl_presence,
            self.lbl_waiting,
            self.lbl_oldest,
            self.lbl_my_count,
            self.lbl_my_avg,
            self.lbl_sync,
            self.lbl_orphans,
            self.lbl_fallback,
        ):
            widget.setProperty("role", "value")
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.lbl_last_decision)
        row.addSpacing(16)
        row.addWidget(self.lbl_user)
        row.addWidget(self.lbl_clock)
        outer.addWidget(strip)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(12, 10, 12, 12)
        self.banner = QLabel(objectName="Banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self._banner_timer = QTimer(self, singleShot=True)
        self._banner_timer.timeout.connect(self.banner.hide)
        body_layout.addWidget(self.banner)

        self.stack = QStackedWidget()
        self.empty = QLabel(objectName="EmptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._build_item_view())
        body_layout.addWidget(self.stack, 1)
        body_layout.addWidget(self._build_decision_bar())
        outer.addWidget(body, 1)
        self.pages = QStackedWidget()  # the work, or the lock screen
        self.pages.addWidget(central)
        self.lock_screen = LockScreen(authorizer_id, authorizer_name)
        self.lock_screen.field.sig_submitted.connect(self._on_lock_pin_submitted)
        self.pages.addWidget(self.lock_screen)
        self.setCentralWidget(self.pages)

    def _build_item_view(self) -> QWidget:
        self.item_splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QSplitter(Qt.Orientation.Vertical)
        self.left_column = left
        card = QFrame(objectName="Card")
        grid = QVBoxLayout(card)
        # the machine's findings, first thing on the item: approval stops here
        self.finding_banner = QLabel(objectName="FindingBanner")
        self.finding_banner.setTextFormat(Qt.TextFormat.PlainText)  # peers' text
        self.finding_banner.setWordWrap(True)
        # never squeezed by a panel opening below: every line of it stays readable
        self.finding_banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.finding_banner.hide()
        head = QHBoxLayout()
        self.lbl_title = QLabel(objectName="ItemTitle")
        self.lbl_wait = QLabel(objectName="WaitClock")
        head.addWidget(self.lbl_title, 1)
        head.addWidget(self.lbl_wait)
        grid.addLayout(head)
        self.lbl_asked = QLabel(objectName="AskedLine")  # level, single or dual, and why
        self.lbl_asked.setWordWrap(True)
        grid.addWidget(self.lbl_asked)
        self.lbl_origin = QLabel(objectName="FieldLabel")
        self.lbl_origin.setTextFormat(Qt.TextFormat.PlainText)  # peers' text
        self.lbl_origin.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lbl_origin.setWordWrap(True)
        grid.addWidget(self.lbl_origin)
        self.lbl_amount = QLabel(objectName="AmountFigures")
        self.lbl_amount_words = QLabel(objectName="AmountWords")
        self.lbl_amount_words.setWordWrap(True)
        self.lbl_mismatch = QLabel(objectName="Mismatch")
        self.lbl_mismatch.setTextFormat(Qt.TextFormat.PlainText)  # peers' text
        self.lbl_mismatch.setWordWrap(True)
        self.lbl_dual = QLabel(objectName="Dual")
        self.lbl_dual.setWordWrap(True)
        self.lbl_dual.hide()
        grid.addWidget(self.lbl_amount)
        grid.addWidget(self.lbl_amount_words)
        grid.addWidget(self.lbl_mismatch)
        grid.addWidget(self.lbl_dual)
        self.fields = QGridLayout()
        self.fields.setColumnStretch(1, 1)
        self.fields.setVerticalSpacing(8)
        self._field_rows: list[tuple[QLabel, QLabel]] = []
        grid.addLayout(self.fields)
        self.lbl_next = QLabel(objectName="FieldLabel")
        self.lbl_evidence = QLabel(objectName="EvidenceStatus")
        for changing in (self.lbl_next, self.lbl_evidence, self.lbl_title, self.lbl_asked):
            # texts that change while an item is on screen must not move the panes
            changing.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        grid.addStretch(1)
        grid.addWidget(self.lbl_evidence)
        grid.addWidget(self.lbl_next)
        left.addWidget(card)
        self.elements = ElementPanel(self.library)
        self.elements.sig_row_selected.connect(self._on_elements_row_selected)
        left.addWidget(self.elements)
        self.checklist = ChecklistPanel(self._language)
        self.checklist.sig_row_selected.connect(self._on_checklist_row_selected)
        self.checklist.sig_results_changed.connect(self._update_state)
        left.addWidget(self.checklist)
        left.setStretchFactor(0, 2)
        left.setStretchFactor(1, 3)
        left.setStretchFactor(2, 2)
        self.item_splitter.addWidget(left)
        # the banner spans the item, above the elements and the evidence: nothing squeezes it
        view = QWidget()
        column = QVBoxLayout(view)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.finding_banner)
        column.addWidget(self.item_splitter, 1)
        return view

    def embed_workspace(self, embedded: bool) -> None:
        """One screen: the evidence workspace sits beside the elements. Two: it is elsewhere,
        and the elements and the checklist share this window side by side."""
        if embedded:
            self.left_column.setOrientation(Qt.Orientation.Vertical)
            self.item_splitter.addWidget(self.workspace)
            self.item_splitter.setStretchFactor(0, 2)
            self.item_splitter.setStretchFactor(1, 5)
            self.workspace.show()
        else:
            self.left_column.setOrientation(Qt.Orientation.Horizontal)
            if self.workspace.parent() is self.item_splitter:
                self.workspace.setParent(None)

    def _build_decision_bar(self) -> QWidget:
        bar = QWidget()
        layout = QVBoxLayout(bar)
        layout.setContentsMargins(0, 8, 0, 0)
        buttons = QHBoxLayout()
        self.btn_approve = QPushButton(objectName="Approve")
        self.btn_reject = QPushButton(objectName="Reject")
        self.btn_return = QPushButton(objectName="Return")
        for button in (self.btn_approve, self.btn_reject, self.btn_return):
            button.setMinimumHeight(48)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(button, 1)
        self.lbl_decision_hint = QLabel(objectName="FieldLabel")
        buttons.addWidget(self.lbl_decision_hint, 1)
        # the decision keys and the prompts that stand in for them (the PIN again, the re-key)
        # share one row of constant height: a prompt showing never moves the panes above, so
        # the evidence is not refitted and repainted on the way to the next item
        button_row = QWidget()
        button_row.setLayout(buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        self.decision_row = QStackedWidget()
        self.decision_row.addWidget(button_row)
        layout.addWidget(self.decision_row)

        self.reason_panel = QFrame(objectName="Card")
        reason_layout = QHBoxLayout(self.reason_panel)
        self.reason_list = QListWidget()
        self.reason_list.setMinimumHeight(150)
        self.reason_list.itemActivated.connect(self._on_reason_list_activated)
        self.reason_text = QLineEdit()
        self.reason_text.setMaxLength(200)
        self.reason_text.returnPressed.connect(self._send_reason)
        side = QVBoxLayout()
        self.lbl_reason_title = QLabel(objectName="ItemTitle")
        side.addWidget(self.lbl_reason_title)
        side.addWidget(QLabel(self.tr("Message to the teller (optional; required for “Other”):")))
        side.addWidget(self.reason_text)
        self.btn_send_reason = QPushButton()
        self.btn_cancel_reason = QPushButton()
        row = QHBoxLayout()
        row.addWidget(self.btn_send_reason)
        row.addWidget(self.btn_cancel_reason)
        side.addLayout(row)
        side.addStretch(1)
        reason_layout.addWidget(self.reason_list, 1)
        reason_layout.addLayout(side, 1)
        self.reason_panel.hide()
        layout.addWidget(self.reason_panel)
        self.override_panel = QFrame(objectName="Card")
        override_layout = QVBoxLayout(self.override_panel)
        self.lbl_override_title = QLabel(objectName="OverrideTitle")
        self.lbl_override_title.setWordWrap(True)
        self.lbl_override_findings = QLabel(objectName="Mismatch")
        self.lbl_override_findings.setTextFormat(Qt.TextFormat.PlainText)
        self.lbl_override_findings.setWordWrap(True)
        self.override_text = QLineEdit()
        self.override_text.setMaxLength(200)
        self.override_text.returnPressed.connect(self._send_reason)
        self.lbl_override_error = QLabel(objectName="FieldError")  # at the field it is about
        self.lbl_override_error.setWordWrap(True)
        self.btn_send_override = QPushButton()
        self.btn_cancel_override = QPushButton()
        head_row = QHBoxLayout()
        head_row.addWidget(self.lbl_override_title)
        head_row.addWidget(self.lbl_override_findings, 1)
        field_row = QHBoxLayout()
        field_row.addWidget(
            QLabel(
                self.tr("Your reason (at least %1 characters):").replace(
                    "%1", str(OVERRIDE_MIN_CHARS)
                )
            )
        )
        field_row.addWidget(self.override_text, 1)
        field_row.addWidget(self.btn_send_override)
        field_row.addWidget(self.btn_cancel_override)
        override_layout.addLayout(head_row)
        override_layout.addLayout(field_row)
        override_layout.addWidget(self.lbl_override_error)
        self.override_panel.hide()
        layout.addWidget(self.override_panel)
        self.pin_prompt = PinPrompt()
        self.pin_prompt.field.sig_submitted.connect(self._on_reauth_pin_submitted)
        self.pin_prompt.field.sig_cancelled.connect(self._close_reason)
        self.decision_row.addWidget(self.pin_prompt)
        # blind re-key: typed from the voucher, never shown, before a high-risk approval
        self.rekey_prompt = PinPrompt(self.tr("Last 4 digits"))
        self.rekey_prompt.field.setMaxLength(8)
        self.rekey_prompt.field.sig_submitted.connect(self._on_rekey_submitted)
        self.rekey_prompt.field.sig_cancelled.connect(self._close_reason)
        self.decision_row.addWidget(self.rekey_prompt)
        return bar

    def _build_actions(self) -> None:
        ws = self.workspace
        handlers: dict[str, Callable[[], object]] = {
            "approve": self._on_action_approve,
            "override": self._open_override,
            "reject": lambda: self._open_reason("reject"),
            "return": lambda: self._open_reason("return"),
            "send_reason": self._send_reason,
            "cancel_reason": self._close_reason,
            "checklist": self.checklist.focus_list,
            "next_image": lambda: ws.step_image(1),
            "previous_image": lambda: ws.step_image(-1),
            "fit": ws.fit,
            "actual_size": ws.actual_size,
            "zoom_in": lambda: ws.zoom(1),
            "zoom_out": lambda: ws.zoom(-1),
            "pan_left": lambda: ws.pan(-1, 0),
            "pan_right": lambda: ws.pan(1, 0),
            "pan_up": lambda: ws.pan(0, -1),
            "pan_down": lambda: ws.pan(0, 1),
            "rotate_right": lambda: ws.rotate(90),
            "rotate_left": lambda: ws.rotate(-90),
            "flip_horizontal": lambda: ws.flip(True),
            "flip_vertical": lambda: ws.flip(False),
            "brighter": lambda: ws.adjust(brightness=15),
            "darker": lambda: ws.adjust(brightness=-15),
            "more_contrast": lambda: ws.adjust(contrast=15),
            "less_contrast": lambda: ws.adjust(contrast=-15),
            "sharpen": lambda: ws.adjust(sharpen=True),
            "magnifier": ws.toggle_magnifier,
            "compare": ws.toggle_compare,
            "switch_pane": ws.switch_pane,
            "reset_view": ws.reset_view,
            "grab_frame": ws.grab,
            "help": self._on_action_help,
            "bigger_text": lambda: self._on_action_comfort(scale_step=1),
            "smaller_text": lambda: self._on_action_comfort(scale_step=-1),
            "dark_theme": lambda: self._on_action_comfort(toggle_theme=True),
            "toggle_away": self._on_action_toggle_away,
            "lock": lambda: self.lock("manual"),
            "sign_out": self._on_action_sign_out,
        }
        self.actions_by_id: dict[str, QAction] = {}
        self._enabled_when: dict[str, str] = {}
        for spec in ACTIONS:
            if spec.scope != "window":
                continue
            action = QAction(label(spec.id), self)
            action.setShortcuts(
                [QKeySequence(spec.shortcut), *(QKeySequence(k) for k in spec.alternates)]
            )
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            handler = handlers[spec.id]
            action.triggered.connect(lambda _=False, handler=handler: handler())
            self.addAction(action)
            self.actions_by_id[spec.id] = action
            self._enabled_when[spec.id] = spec.enabled_when
        # F9 while approval is blocked: not silence, but the words that say why
        self.action_approve_refused = QAction(self)
        self.action_approve_refused.setShortcut(QKeySequence(ACTIONS_BY_ID["approve"].shortcut))
        self.action_approve_refused.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.action_approve_refused.triggered.connect(self._on_approve_refused)
        self.addAction(self.action_approve_refused)
        self._action_buttons = (
            (self.btn_approve, "approve"),
            (self.btn_reject, "reject"),
            (self.btn_return, "return"),
            (self.btn_send_reason, "send_reason"),
            (self.btn_cancel_reason, "cancel_reason"),
            (self.btn_send_override, "send_reason"),
            (self.btn_cancel_override, "cancel_reason"),
        )
        for button, action_id in self._action_buttons:
            action = self.actions_by_id[action_id]
            button.setText(f"{action.text()}   [{action.shortcut().toString()}]")
            button.clicked.connect(action.trigger)
        self.help = HelpOverlay(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the main window signs out: a workstation left "available" with nobody
        looking would hold items for the lease time."""
        self.sig_sign_out_requested.emit()
        super().closeEvent(event)

    def _on_action_comfort(self, scale_step: int = 0, toggle_theme: bool = False) -> None:
        """Text size and colours, for every window at once; kept for this terminal."""
        name, scale = theme.current()
        if toggle_theme:
            name = "light" if name == "dark" else "dark"
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        theme.apply(app, name, theme.step_scale(scale, scale_step) if scale_step else scale)
        theme.remember()
        # colours set per row (not by the sheet) follow the switch too
        self.checklist.recolour()
        if self.item is not None:
            self.elements.set_rows(self.item.request, self.elements.rows())

    def _on_action_help(self) -> None:
        """F1: the keys, over the evidence (wherever it is) and over this window unless the
        evidence is on screen in it."""
        self._help_on = not self._help_on
        self._place_help()

    def _place_help(self) -> None:
        here = self.workspace.window() is self and self.workspace.isVisible()
        self.workspace.help.set_shown(self._help_on)
        self.help.set_shown(self._help_on and not here)

    def _connect_bridge(self) -> None:
        b = self.bridge
        b.sig_connection_changed.connect(self._on_bridge_connection_changed)
        b.sig_presence_changed.connect(self._on_bridge_presence_changed)
        b.sig_item_received.connect(self._on_bridge_item_received)
        b.sig_item_revoked.connect(self._on_bridge_item_revoked)
        b.sig_evidence_loaded.connect(self._on_bridge_evidence_loaded)
        b.sig_evidence_failed.connect(self._on_bridge_evidence_failed)
        b.sig_decision_settled.connect(self._on_bridge_decision_settled)
        b.sig_capture_recorded.connect(self._on_bridge_capture_recorded)
        b.sig_queue_status.connect(self._on_bridge_queue_status)
        b.sig_failed.connect(self._on_bridge_failed)
        b.sig_sync_status.connect(self._on_bridge_sync_status)
        b.sig_decisions_unresolved.connect(self._on_bridge_decisions_unresolved)

    # --- state -----------------------------------------------------------------------------

    def evidence_problem(self, sha256: str) -> str:
        """Why an image cannot be shown (an error code), or ""."""
        image = self.library.get(sha256)
        return self._hash_failed.get(sha256) or (image.error if image is not None else "")

    def evidence_complete(self) -> bool:
        """Every image of the item on screen is verified and decoded, none failed."""
        if self.item is None:
            return False
        for ref in self.item.request.evidence:
            image = self.library.get(ref.sha256)
            if self.evidence_problem(ref.sha256) or image is None or not image.ready:
                return False
        return True

    def desk_state(self) -> DeskState:
        """What the desk's rules (``clientsvc.workstation.desk``) look at, now."""
        refs = self.item.request.evidence if self.item is not None else []
        return DeskState(
            has_item=self.item is not None,
            locked=self._locked,
            sending=self._sending or self._settled,
            panel_open=self._panel_open(),
            evidence_failed=any(self.evidence_problem(r.sha256) for r in refs),
            evidence_loading=self.item is not None and not self.evidence_complete(),
            findings=self._findings,
            failing_rows=tuple(self.checklist.marked_failing()),
            open_required=tuple(r.id for r in self.checklist.open_required()),
        )

    def gate(self) -> Gate:
        return gate(self.desk_state())

    def _panel_open(self) -> bool:
        return (
            self._reason_verdict is not None
            or self._reauth_pending is not None
            or self._override_open
            or self._rekey_pending is not None
        )

    def _state(self) -> dict[str, bool]:
        has_item = self.item is not None and not self._sending and not self._settled
        panel_open = self._panel_open()
        desk = self.gate()
        return {
            "always": True,
            "unlocked": not self._locked,
            "item": has_item and not panel_open,
            "decidable": desk.may("approve"),
            "overridable": desk.may("override"),
            "approve_refused": has_item and not panel_open and not desk.may("approve"),
            "reason_open": has_item and panel_open,
            "image": self.item is not None and self.workspace.has_image(),
            "video": has_item and self.workspace.has_video(),
        }

    def _update_state(self) -> None:
        state = self._state()
        for action_id, action in self.actions_by_id.items():
            action.setEnabled(state[self._enabled_when[action_id]])
        self.action_approve_refused.setEnabled(state["approve_refused"])
        for button, action_id in self._action_buttons:
            button.setEnabled(self.actions_by_id[action_id].isEnabled())
        if self.item is None:
            hint = ""
        elif self._settled:
            hint = self.tr("Delivered. Waiting for the next item…")
        elif self._sending:
            hint = self.tr("Signing and sending…")
        elif any(self.evidence_problem(r.sha256) for r in self.item.request.evidence):
            hint = self.tr("An image failed verification or cannot be shown: approval is blocked.")
        elif self._findings:
            hint = self.tr("The machine check found a disagreement: approval is blocked.")
        elif self.checklist.open_required():
            hint = self.tr(
                "Answer the required checklist rows before approving (F2; Shift+Space: the "
                "rest fine)."
            )
        elif not self.evidence_complete():
            hint = self.tr("Loading evidence…")
        else:
            hint = ""
        self.lbl_decision_hint.setText(hint)
        if self.item is None:
            if self._presence == "away":
                self.empty.setText(
                    self.tr("You are away: no items are sent to you.\nPress F12 when you are back.")
                )
            elif not self._connected:
                self.empty.setText(self.tr("Connecting to the branch broker…"))
            else:
                self.empty.setText(self.tr("Waiting for the next item…"))
            self.stack.setCurrentIndex(0)
        else:
            self.stack.setCurrentIndex(1)
        self._update_evidence_status()
        self.lbl_next.setText(
            self.tr("Next item ready: %1").replace(
                "%1", texts.txn_type(self.upcoming[0].request.txn_type)
            )
            if self.upcoming
            else ""
        )
        self._update_strip()
        if self._help_on:
            self._place_help()
        if (
            state["item"]
            and self.evidence_complete()
            and self.item is not None
            and self._evidence_announced != self.item.request.request_id
        ):
            self._evidence_announced = self.item.request.request_id
            QTimer.singleShot(0, lambda rid=self.item.request.request_id: self._announce(rid))

    def _update_evidence_status(self) -> None:
        """The images, counted, on this screen too: they may be on the other monitor."""
        if self.item is None or not self.item.request.evidence:
            self.lbl_evidence.setText("")
            return
        refs = self.item.request.evidence
        failed = sum(1 for r in refs if self.evidence_problem(r.sha256))
        ready = sum(1 for r in refs if (i := self.library.get(r.sha256)) is not None and i.ready)
        if failed:
            text, level = (
                self.tr("⚠ %1 of %2 images cannot be shown or failed their check"),
                "error",
            )
            count = failed
        elif ready < len(refs):
            text, level, count = self.tr("Images: %1 of %2 loaded…"), "warn", ready
        else:
            text, level, count = (
                self.tr("Images: %1 of %2 verified (SHA-256) and shown ✓"),
                "ok",
                ready,
            )
        self.lbl_evidence.setText(text.replace("%1", str(count)).replace("%2", str(len(refs))))
        if self.lbl_evidence.property("level") != level:
            self.lbl_evidence.setProperty("level", level)
            _repolish(self.lbl_evidence)

    def _announce(self, request_id: str) -> None:
        """After the paint that showed the last image: the evidence is on screen."""
        if self.item is not None and self.item.request.request_id == request_id:
            self.sig_evidence_shown.emit(request_id)
            self._load_held_images()

    def _update_strip(self) -> None:
        self.lbl_connection.setText(
            self.tr("● Connected") if self._connected else self.tr("○ Disconnected")
        )
        self.lbl_presence.setText(
            self.tr("Available") if self._presence == "available" else self.tr("Away (F12)")
        )

    # --- the items in hand -------------------------------------------------------------------

    def _in_hand(self) -> list[ReceivedItem]:
        return ([self.item] if self.item is not None else []) + self.upcoming

    def _on_bridge_item_received(self, item: ReceivedItem) -> None:
        if self._locked:  # sent before the broker knew: it takes it back
            return
        rid = item.request.request_id
        if self.item is not None and self.item.request.request_id == rid:
            # the item on screen, sent again under a new lease (the broker requeued it while
            # the connection was down, or the teller resubmitted it)
            if item.digest == self.item.digest:
                self.item = item  # the same content: carry on, under the new lease
            else:
                self._show(item)  # other content: everything looked at so far is void
                self._present("warn", self.tr("The teller's request changed: look at it again."))
            return
        self.upcoming = [held for held in self.upcoming if held.request.request_id != rid]
        for ref in item.request.evidence:
            self.library.expect(ref.sha256, ref.label or ref.kind, ref.kind, item=rid)
        self._arrived[item.request.request_id] = self._clock()
        self.upcoming.append(item)  # held as next while one is on screen: its images load
        if self.item is None or self._settled:
            self._next()
        else:
            self._update_state()

    def _show(self, item: ReceivedItem) -> None:
        self.item = item
        self._grabs.clear()  # a grab not yet recorded belongs to the item before
        # the teller has waited since the item reached this workstation, shown or not
        self._received_mono = self._arrived.pop(item.request.request_id, self._clock())
        self._sending = self._settled = False
        self._settled_hold.stop()
        self._hide_reason()
        self._rekeyed, self._rekey_wrong = None, 0  # other content: typed again
        self._show_item(item)
        self.workspace.set_item(item)
        for sha, code in self._hash_failed.items():
            if any(ref.sha256 == sha for ref in item.request.evidence):
                self.workspace.set_failed(sha, code)
        self.checklist.set_rows(
            checklist_for(item.request.txn_type), frozenset(finding_rows(self._findings))
        )
        self._update_state()
        self.service.item_displayed(item.request.request_id)
        self.sig_item_shown.emit(item.request.request_id)

    def _next(self) -> None:
        """The item on screen is done: show the next one in hand, or nothing."""
        self.item = None
        self._evidence_announced = None
        if self.upcoming:
            self._show(self.upcoming.pop(0))
        else:
            self._clear_item()
        self.library.keep_only({r.sha256 for i in self._in_hand() for r in i.request.evidence})
        self._hash_failed = {
            sha: code
            for sha, code in self._hash_failed.items()
            if any(r.sha256 == sha for i in self._in_hand() for r in i.request.evidence)
        }

    def _show_item(self, item: ReceivedItem) -> None:
        r = item.request
        self.lbl_title.setText(
            f"{texts.txn_type(r.txn_type)}" + (self.tr("   URGENT") if r.urgent else "")
        )
        origin = (
            self.tr("%1 · %2 · teller %3 · request %4")
            .replace("%1", display_name(r.outlet_name) or r.outlet_id)
            .replace("%2", r.outlet_id)
            .replace("%3", r.teller_id)
            .replace("%4", r.request_id)
        )
        if item.attempt > 1:
            origin += self.tr(" · re-dispatched (attempt %1)").replace("%1", str(item.attempt))
        self.lbl_origin.setText(origin)
        self.lbl_asked.setText(
            texts.asked(why_asked(r, item.approvals_needed, item.reauth_required))
        )
        if r.amount_fen:
            self.lbl_amount.setText(amount_in_figures(r.amount_fen))
            self.lbl_amount_words.setText(f"人民币{amount_in_words(r.amount_fen)}")
            self.lbl_amount.show()
            self.lbl_amount_words.show()
        else:
            self.lbl_amount.hide()
            self.lbl_amount_words.hide()
        today = dt.date.today()
        self._findings = tuple(crosscheck(item.request, today))
        self.elements.set_rows(r, element_rows(r, today))
        self.lbl_mismatch.setText("")
        self._show_findings()
        self.lbl_dual.setText(self._dual_text(item))
        self.lbl_dual.setVisible(item.approvals_needed > 1)
        rows = [
            (self.tr("Account"), _group_digits(r.account_no), True),
            (self.tr("Account name"), display_name(r.account_name), True),
            (self.tr("ID number"), r.id_number, True),
        ]
        order = {key: i for i, key in enumerate(texts.ELEMENT_ORDER)}
        for key in sorted(r.elements, key=lambda k: (order.get(k, len(order)), k)):
            rows.append((texts.element(key), display_name(r.elements[key]), False))
        if r.summary:  # free text: anything invisible shown as a marked placeholder
            rows.append((self.tr("Teller's note"), visible(r.summary), False))
        self._fill_fields(rows)
        self._update_wait_clock()

    def _fill_fields(self, rows: list[tuple[str, str, bool]]) -> None:
        """Reuse the row widgets: creating widgets per item costs milliseconds on every item."""
        while len(self._field_rows) < len(rows):
            i = len(self._field_rows)
            label = QLabel(objectName="FieldLabel")
            value = QLabel(objectName="FieldValue")
            value.setTextFormat(Qt.TextFormat.PlainText)  # a teller's "<img …>" is only text
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields.addWidget(label, i, 0)
            self.fields.addWidget(value, i, 1)
            self._field_rows.append((label, value))
        for i, (label, value) in enumerate(self._field_rows):
            if i < len(rows):
                text, content, key = rows[i]
                label.setText(text)
                value.setText(content)
                if value.property("key") != ("true" if key else "false"):
                    value.setProperty("key", "true" if key else "false")
                    _repolish(value)
            label.setVisible(i < len(rows))
            value.setVisible(i < len(rows))

    def _dual_text(self, item: ReceivedItem) -> str:
        if item.approvals_needed < 2:
            return ""
        if not item.prior_approvals:
            return self.tr(
                "双人授权 · Two approvals needed: you are the first; "
                "another authorizer approves after you."
            )
        first = item.prior_approvals[0]
        when = QDateTime.fromMSecsSinceEpoch(first.decided_at).toString("HH:mm:ss")
        return (
            self.tr(
                "双人授权 · Second approval: %1 approved at %2. "
                "A reject or a return by you ends it."
            )
            .replace("%1", first.authorizer_id)
            .replace("%2", when)
        )

    def _show_findings(self) -> None:
        """The red banner at the top of the item: every disagreement the machine found, one
        line each (``clientsvc.crosscheck``), who says what is on the image, and what to do."""
        if not self._findings:
            self.finding_banner.hide()
            return
        lines = [self.tr("⚠ The machine check found a disagreement: approval is blocked.")]
        lines += ["•  " + texts.finding(f) for f in self._findings]
        lines.append(
            self.tr(
                "What is on the image: as the teller system reports it.  Reject %1 · Return %2 · "
                "approve anyway: %3, a written reason and your PIN"
            )
            .replace("%1", ACTIONS_BY_ID["reject"].shortcut)
            .replace("%2", ACTIONS_BY_ID["return"].shortcut)
            .replace("%3", ACTIONS_BY_ID["override"].shortcut)
        )
        self.finding_banner.setText("\n".join(lines))
        self.finding_banner.show()
        self._fit_finding_banner()

    def _fit_finding_banner(self) -> None:
        """Tall enough for every line at its width: the splitter may not squeeze it."""
        if self.finding_banner.isVisible():
            width = max(240, self.finding_banner.width())
            self.finding_banner.setMinimumHeight(self.finding_banner.heightForWidth(width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_finding_banner()

    def _on_approve_refused(self) -> None:
        """F9 while approval is blocked: say why, at the top, and record that it was refused."""
        if self.item is None:
            return
        why = self.gate().approve
        problems = [self.evidence_problem(r.sha256) for r in self.item.request.evidence]
        first = next((p for p in problems if p), "")
        open_rows = [r.label(self.checklist.language) for r in self.checklist.open_required()]
        self._present("error", texts.approve_refused(why, self._findings, first, open_rows))
        self.service.note(
            "approve_refused", {"why": [w.value for w in why]}, self.item.request.request_id
        )

    def _on_bridge_evidence_loaded(self, request_id: str, sha256: str, data: bytes) -> None:
        if self.item is not None and self.item.request.request_id == request_id:
            self.library.load(sha256, data)
        elif any(i.request.request_id == request_id for i in self.upcoming):
            # a held item's images decode once the one on screen is painted, not against it
            self._held_images.append((request_id, sha256, data))
            if self.item is None or self._evidence_announced == self.item.request.request_id:
                self._load_held_images()
            else:
                self._held_timer.start()

    def _load_held_images(self) -> None:
        held, self._held_images = self._held_images, []
        upcoming = {i.request.request_id for i in self.upcoming}
        for request_id, sha256, data in held:
            if request_id in upcoming:
                self.library.load(sha256, data)

    def _on_library_image_changed(self, sha256: str) -> None:
        if self.item is not None and any(r.sha256 == sha256 for r in self.item.request.evidence):
            self._update_state()

    def _on_bridge_evidence_failed(self, request_id: str, sha256: str, code: str) -> None:
        if not any(i.request.request_id == request_id for i in self._in_hand()):
            return
        self._hash_failed[sha256] = code
        if self.item is not None and self.item.request.request_id == request_id:
            self.workspace.set_failed(sha256, code)
            self._present("error", texts.error(code) + f"  ({sha256[:12]}…)")
            self._update_state()

    def _on_elements_row_selected(self, kind: str, region: str) -> None:
        """An element selected: the evidence zooms to where it was found."""
        located = (
            RegionRef(kind, region).locate(list(self.item.request.evidence)) if self.item else None
        )
        if located is not None:
            self.workspace.zoom_to_place(*located)

    def _on_checklist_row_selected(self, row: ChecklistRow) -> None:
        self.workspace.zoom_to_row(row)

    def _on_workspace_frame_grabbed(self, camera_id: str, captured_at_us: int, jpeg: bytes) -> None:
        if self.item is None:
            return
        self._grabs[hashlib.sha256(jpeg).hexdigest()] = (jpeg, captured_at_us)
        self.service.grab_frame(self.item.request.request_id, camera_id, captured_at_us, jpeg)

    def _on_bridge_capture_recorded(self, request_id: str, sha256: str) -> None:
        grabbed = self._grabs.pop(sha256, None)
        if grabbed is None or self.item is None or self.item.request.request_id != request_id:
            return
        jpeg, captured_at_us = grabbed
        self.workspace.add_capture(sha256, jpeg, captured_at_us)

    def _on_bridge_item_revoked(self, request_id: str, reason: str) -> None:
        self._note_taken_back(request_id, reason)
        for held in self.upcoming:
            if held.request.request_id == request_id:  # never shown: it just goes
                self.upcoming.remove(held)
                self._arrived.pop(request_id, None)
                self._update_state()
                return
        if self.item is not None and self.item.request.request_id == request_id:
            self._present("warn", texts.revoke_reason(reason))
            self._next()

    def _note_taken_back(self, request_id: str, reason: str) -> None:
        """Items the teller's side ended while this workstation held them (orphaned: timed
        out, cancelled, authorized locally at the outlet), and the outlets on local
        authorization in the last 30 minutes — both in the status strip."""
        if reason not in ("timed_out", "cancelled", "fallback_local"):
            return
        held = [
            i
            for i in ([self.item] if self.item else []) + self.upcoming
            if i.request.request_id == request_id
        ]
        outlet = held[0].request.outlet_id if held else ""
        now = self._clock()
        self.orphaned.append((request_id, reason, outlet, now))
        if reason == "fallback_local" and outlet:
            self.fallback_outlets[outlet] = now
        self._show_taken_back()

    def _show_taken_back(self) -> None:
        now = self._clock()
        self.fallback_outlets = {
            o: t for o, t in self.fallback_outlets.items() if now - t < FALLBACK_SHOWN_S
        }
        if self.orphaned:
            self.lbl_orphans.setText(
                self.tr("Taken back: %1").replace("%1", str(len(self.orphaned)))
            )
            self.lbl_orphans.setToolTip(
                "\n".join(
                    f"{rid} {outlet}: {texts.revoke_reason(why)}"
                    for rid, why, outlet, _ in self.orphaned[-20:]
                )
            )
        if self.fallback_outlets:
            self.lbl_fallback.setText(
                self.tr("Local authorization at: %1").replace(
                    "%1", ", ".join(sorted(self.fallback_outlets))
                )
            )
            self.lbl_fallback.setProperty("level", "warn")
        else:
            self.lbl_fallback.setText("")
        _repolish(self.lbl_fallback)

    def _clear_item(self) -> None:
        self.item = None
        self._sending = self._settled = False
        self._settled_hold.stop()
        self._hide_reason()
        self.workspace.set_item(None)
        self.checklist.set_rows(())
        self.elements.set_rows(None, [])
        self._update_state()

    # --- deciding ----------------------------------------------------------------------------

    def _on_action_approve(self) -> None:
        if self.item is None or not self.gate().may("approve"):
            self._on_approve_refused()
            return
        self._rekey_then(lambda: self._send_decision("approve", None, ""))

    def _rekey_then(self, then: Callable[[], None]) -> None:
        """A high-risk approval (``clientsvc/data/rekey.json``) is made only after the
        authorizer types, from the voucher, the last four digits of its amount or payee account:
        blind, never shown, a wrong entry refused and counted. Then ``then``."""
        assert self.item is not None
        rekey = rekey_policy().for_item(self.item.request, self.item.reauth_required)
        if rekey is None or self._rekeyed == self.item.request.request_id:
            then()
            return
        self._rekey_pending = (rekey, then)
        what = {
            "amount": self.tr("of the amount in figures (whole yuan)"),
            "payee_account": self.tr("of the payee's account number"),
            "account": self.tr("of the account number"),
        }[rekey.field]
        self.decision_row.setCurrentWidget(self.rekey_prompt)
        self.rekey_prompt.ask(
            self.tr(
                "Re-key from the voucher: type the last 4 digits %1 as written on it.   [Enter]   "
                "Back: [Esc]"
            ).replace("%1", what)
        )
        self._update_state()

    def _prompt_done(self, prompt: PinPrompt) -> None:
        """A prompt is answered or left: the decision keys come back in its place."""
        if self.decision_row.currentWidget() is prompt:
            self.decision_row.setCurrentIndex(0)

    def _on_rekey_submitted(self, typed: str) -> None:
        if self._rekey_pending is None or self.item is None:
            return
        rekey, then = self._rekey_pending
        if not rekey.matches(typed):
            self._rekey_wrong += 1
            self.service.note(
                "rekey_refused",
                {"field": rekey.field, "wrong": self._rekey_wrong},
                self.item.request.request_id,
            )
            self.rekey_prompt.message.setText(
                self.tr("That is not what the voucher says (%1 wrong). Look at it again.").replace(
                    "%1", str(self._rekey_wrong)
                )
            )
            self.rekey_prompt.field.setFocus()
            return
        request_id = self.item.request.request_id
        self._rekey_pending = None
        self._rekeyed = request_id
        self._prompt_done(self.rekey_prompt)
        then()  # the decision first: its durable record is not queued behind this note
        self.service.note("rekey_matched", {"field": rekey.field}, request_id)

    def _open_override(self) -> None:
        """Shift+F9: approve despite the machine's findings, deliberately: the findings again,
        a written reason of at least OVERRIDE_MIN_CHARS characters, then the PIN again."""
        if self.item is None or not self.gate().may("override"):
            return
        self._override_open = True
        self.lbl_override_title.setText(
            self.tr(
                "Approve despite the machine's findings (override): signed, recorded and always "
                "reviewed by the center lead"
            )
        )
        self.lbl_override_findings.setText(
            "\n".join("⚠ " + texts.finding(f) for f in self._findings)
        )
        self.override_text.clear()
        self.lbl_override_error.setText("")
        self.override_panel.show()
        self.override_text.setFocus()
        self.service.note(
            "override_opened",
            {"findings": sorted({f.code for f in self._findings})},
            self.item.request.request_id,
        )
        self._update_state()

    def _send_override(self) -> None:
        note = self.override_text.text().strip()
        if len("".join(note.split())) < OVERRIDE_MIN_CHARS:
            self.lbl_override_error.setText(
                self.tr("Write why, in at least %1 characters.").replace(
                    "%1", str(OVERRIDE_MIN_CHARS)
                )
            )
            self.override_text.setFocus()
            return
        override = {"findings": sorted({f.code for f in self._findings}), "note": note}
        self._override_open = False
        self.override_panel.hide()
        self._rekey_then(lambda: self._ask_pin_again("approve", None, "", override))

    def _open_reason(self, verdict: str) -> None:
        if not self._state()["item"]:
            return
        # a failing row routes to a reject or a return as its data says: F10 on a row that
        # calls for a return (凭证日期非当日, T01) opens the return, and says so
        failing_all = self.checklist.failing()
        routed = bool(failing_all) and all(r.fail_verdict != verdict for r in failing_all)
        if routed:
            verdict = failing_all[0].fail_verdict
        self._reason_verdict = verdict
        title = (
            self.tr("Reject: choose a reason")
            if verdict == "reject"
            else self.tr("Return for correction: choose a reason")
        )
        if routed:
            title += "  " + (
                self.tr("(the failing checklist rows call for a reject)")
                if verdict == "reject"
                else self.tr("(the failing checklist rows call for a return)")
            )
        self.lbl_reason_title.setText(title)
        self.reason_list.clear()
        for i, code in enumerate(reasons_for(verdict), start=1):
            entry = QListWidgetItem(f"{i}   {code}   {texts.reason(code)}")
            entry.setData(Qt.ItemDataRole.UserRole, code)
            self.reason_list.addItem(entry)
        failing = [row for row in self.checklist.failing() if row.fail_verdict == verdict]
        codes = list(reasons_for(verdict))
        # a failing row's reason first, then a finding's (as its kind says: R rejects, T returns)
        wanted = [row.fail_reason for row in failing]
        wanted += [finding_reason(f, self.checklist.rows()) for f in self._findings]
        wanted = [c for c in wanted if c in codes]
        self.reason_list.setCurrentRow(codes.index(wanted[0]) if wanted else 0)
        # a failing checklist row says what is wrong, in the teller's language: its failure
        # ("凭证日期非当日"), not its requirement
        self.reason_text.setText("；".join(row.failure("zh") for row in failing)[:200])
        self.reason_panel.show()
        self.reason_list.setFocus()
        self._update_state()

    def _close_reason(self) -> None:
        self._hide_reason()
        self._update_state()

    def _hide_reason(self) -> None:
        self._reason_verdict = None
        self.reason_panel.hide()
        self._override_open = False
        self.override_panel.hide()
        self._rekey_pending = None
        self.rekey_prompt.field.clear()
        self._prompt_done(self.rekey_prompt)
        self._reauth_pending = None
        self.pin_prompt.field.clear()
        self._prompt_done(self.pin_prompt)

    def _on_reason_list_activated(self, _entry: QListWidgetItem) -> None:
        self._send_reason()

    def _send_reason(self) -> None:
        if self._reauth_pending is not None:  # the PIN prompt is open: Ctrl+Enter is its Enter
            self.pin_prompt.field.returnPressed.emit()
            return
        if self._rekey_pending is not None:  # the re-key prompt is open: Ctrl+Enter is Enter
            self.rekey_prompt.field.returnPressed.emit()
            return
        if self._override_open:
            self._send_override()
            return
        if self._reason_verdict is None or self.item is None or self._sending:
            return
        entry = self.reason_list.currentItem()
        if entry is None:
            return
        code = str(entry.data(Qt.ItemDataRole.UserRole))
        text = self.reason_text.text().strip()
        if code in TEXT_REQUIRED and not text:
            self._present("warn", self.tr("“Other” needs a message to the teller."))
            self.reason_text.setFocus()
            return
        verdict = self._reason_verdict
        self.reason_panel.hide()
        self._reason_verdict = None
        self._send_decision(verdict, code, text)

    def _send_decision(
        self,
        verdict: str,
        code: str | None,
        text: str,
        reauth_at: int | None = None,
        override: dict[str, Any] | None = None,
    ) -> None:
        assert self.item is not None
        if (self.item.reauth_required or override is not None) and reauth_at is None:
            self._ask_pin_again(verdict, code, text, override)
            return
        self._sending = True  # locks every decision key before anything else can run
        ticked = self.checklist.results()
        self.workspace.flush_views()  # what was looked at, recorded before the decision
        self.service.decide(
            self.item.request.request_id,
            verdict,
            code,
            text,
            ticked if any(ticked.values()) else None,  # recorded when the checklist was used
            self.item.lease_id,  # the item as shown: a re-sent one is refused, not signed
            reauth_at,
            override,
        )
        self._update_state()  # the engine is already signing meanwhile

    # --- the PIN again, for items at the top authority level ---------------------------------

    def _ask_pin_again(
        self, verdict: str, code: str | None, text: str, override: dict[str, Any] | None = None
    ) -> None:
        if self._check_pin is None:  # nothing to check it with: never decided without it
            self._present("error", texts.error("E_REAUTH_REQUIRED"))
            return
        self._reauth_pending = (verdict, code, text, override)
        what = {
            "approve": self.tr("approve"),
            "reject": self.tr("reject"),
            "return": self.tr("return"),
        }[verdict]
        self.decision_row.setCurrentWidget(self.pin_prompt)
        self.pin_prompt.ask(
            self.tr("Override: enter your PIN to approve this item.   [Enter]   Back: [Esc]")
            if override is not None
            else self.tr(
                "Top authority level: enter your PIN to %1 this item.   [Enter]   Back: [Esc]"
            ).replace("%1", what)
        )
        self._update_state()

    def _on_reauth_pin_submitted(self, pin: str) -> None:
        if self._reauth_pending is None or self._pin_busy or self.item is None:
            return
        request_id = self.item.request.request_id
        self._verify_pin(
            pin,
            lambda: self._on_reauth_pin_accepted(request_id),
            self._on_reauth_pin_refused,
        )
        self.pin_prompt.field.setEnabled(False)
        self.pin_prompt.message.setText(self.tr("Checking…"))

    def _on_reauth_pin_accepted(self, request_id: str) -> None:
        pending, self._reauth_pending = self._reauth_pending, None
        self._prompt_done(self.pin_prompt)
        if pending is None or self.item is None or self.item.request.request_id != request_id:
            self._update_state()  # the item went while the PIN was checked: nothing to sign
            return
        verdict, code, text, override = pending
        self._send_decision(
            verdict, code, text, reauth_at=time.time_ns() // 1_000_000, override=override
        )

    def _on_reauth_pin_refused(self, message: str) -> None:
        self.pin_prompt.field.setEnabled(True)
        self.pin_prompt.field.setFocus()
        self.pin_prompt.message.setText(message)

    def _verify_pin(
        self, pin: str, on_ok: Callable[[], None], on_wrong: Callable[[str], None]
    ) -> None:
        """Check the PIN off the GUI thread; a wrong one is audited and said, the last one
        allowed ends the session."""
        assert self._check_pin is not None
        check = self._check_pin
        self._pin_busy = True

        def done(_: object) -> None:
            self._pin_busy = False
            on_ok()

        def refused(exc: BaseException) -> None:
            self._pin_busy = False
            code = getattr(getattr(exc, "code", None), "value", "E_BAD_CREDENTIALS")
            message = texts.pin_refused(exc)
            self.service.note("pin_refused", {"code": code, "detail": str(exc)})
            if code == "E_PIN_LOCKED":
                self.sig_locked_out.emit(message)
            else:
                on_wrong(message)

        run_in_background(lambda: check(pin), done, refused, owner=self)

    # --- locking ---------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self._locked

    def lock(self, why: str) -> None:
        """Lock: every customer image and field leaves the screens, what this workstation held
        goes back to the queue, and only the PIN unlocks. ``why``: "idle" or "manual"."""
        if self._locked:
            return
        self._locked = True
        self._presence_before_lock = self._presence if self._presence != "locked" else "available"
        self.upcoming.clear()
        self._arrived.clear()
        self._held_images.clear()
        self._grabs.clear()
        self._clear_item()  # the reason panel and the PIN prompt too
        self.library.keep_only(set())
        self._hash_failed.clear()
        self.banner.hide()
        self.service.set_presence("locked")
        self.service.note("locked", {"why": why})
        self.lock_screen.show_locked(
            self.tr("Locked after a while without input.")
            if why == "idle"
            else self.tr("You locked the screen.")
        )
        self.pages.setCurrentWidget(self.lock_screen)
        self._update_state()
        self.sig_locked_changed.emit(True)

    def _on_lock_pin_submitted(self, pin: str) -> None:
        if not self._locked or self._pin_busy:
            return
        self.lock_screen.set_checking(True)
        self._verify_pin(pin, self._unlock, self._on_lock_pin_refused)

    def _on_lock_pin_refused(self, message: str) -> None:
        self.lock_screen.set_checking(False)
        self.lock_screen.message.setText(message)

    def _unlock(self) -> None:
        if not self._locked:
            return
        self._locked = False
        self.lock_screen.set_checking(False)
        self.pages.setCurrentIndex(0)
        self.service.set_presence(self._presence_before_lock)
        self.service.note("unlocked", {})
        self._update_state()
        self.sig_locked_changed.emit(False)

    def _on_bridge_decisions_unresolved(self, request_ids: list[str]) -> None:
        self.unresolved = {rid: "" for rid in request_ids}
        self._show_unresolved()

    def _show_unresolved(self) -> None:
        """Decisions signed before a restart: "outcome unknown" until the broker answers."""
        unknown = [rid for rid, how in self.unresolved.items() if not how]
        if unknown:
            self._present(
                "warn",
                self.tr(
                    "Outcome unknown for %n decision(s) made before the restart (%1): "
                    "checking with the broker…",
                    "",
                    len(unknown),
                ).replace("%1", ", ".join(unknown)),
            )
            return
        refused = {rid: how for rid, how in self.unresolved.items() if how != "delivered"}
        if refused:
            text = "; ".join(f"{rid}: {texts.error(code)}" for rid, code in refused.items())
            self._present(
                "error",
                self.tr("Decisions from before the restart were not applied — %1").replace(
                    "%1", text
                ),
            )
        else:
            self._present(
                "ok",
                self.tr("Decisions from before the restart were delivered: %1").replace(
                    "%1", ", ".join(self.unresolved)
                ),
                timeout_ms=15_000,
            )

    def _on_bridge_decision_settled(
        self, request_id: str, accepted: bool, code: str, detail: str
    ) -> None:
        if request_id in self.unresolved:
            self.unresolved[request_id] = "delivered" if accepted else code
            self._show_unresolved()
        if self.item is None or self.item.request.request_id != request_id:
            return
        if accepted:
            self.lbl_last_decision.setText(
                self.tr("✓ %1 delivered %2")
                .replace("%1", request_id)
                .replace("%2", QDateTime.currentDateTime().toString("HH:mm:ss"))
            )
            if self.upcoming:
                self._next()  # decided → the next item, its images already decoded
                return
            # nothing in hand: the item stays a moment, locked, so that one arriving right
            # now replaces it without the empty screen flashing in between
            self._settled = True
            self._update_state()
            self._settled_hold.start()
        else:
            self._sending = False
            self._present("error", texts.error(code))
            if code in ("E_NOT_LEASED", "E_ALREADY_DECIDED", "E_INVALID_STATE"):
                self._next()
            self._update_state()

    def _on_settled_hold_timeout(self) -> None:
        if self._settled:
            self._next()

    # --- presence, queue, errors ---------------------------------------------------------------

    def _on_action_toggle_away(self) -> None:
        self.service.set_presence("away" if self._presence == "available" else "available")

    def _on_bridge_presence_changed(self, state: str) -> None:
        self._presence = state
        # away colours the whole strip: seen from across the room, and by the authorizer
        if self.status_strip.property("presence") != state:
            self.status_strip.setProperty("presence", state)
            _repolish(self.status_strip)
            for child in self.status_strip.findChildren(QLabel):
                _repolish(child)
        self._update_state()

    def _on_action_sign_out(self) -> None:
        """Ctrl+Shift+Q asks first: a second press within a few seconds signs out, back to the
        sign-in window (the items held go back to the queue)."""
        if self._sign_out_asked.isActive():
            self._sign_out_asked.stop()
            self.sig_sign_out_requested.emit()
            return
        self._sign_out_asked.start()
        self._present(
            "warn",
            self.tr(
                "Sign out? Press Ctrl+Shift+Q again to sign out; the items you hold go back to "
                "the queue."
            ),
            timeout_ms=SIGN_OUT_CONFIRM_MS,
        )

    def _on_bridge_connection_changed(self, connected: bool, detail: str) -> None:
        self._connected = connected
        if not connected:
            self._present(
                "error",
                self.tr(
                    "Lost the connection to the branch broker; reconnecting… "
                    "The item in hand stays on screen."
                ),
            )
        else:
            self.banner.hide()
        self._update_state()

    def _on_bridge_queue_status(self, status: QueueStatus, my_count: int, my_total_ms: int) -> None:
        self._connected = True
        self.lbl_waiting.setText(self.tr("Waiting: %1").replace("%1", str(status.waiting)))
        oldest = ""
        if status.oldest_enqueued_at is not None:
            oldest = _mmss((status.server_time - status.oldest_enqueued_at) / 1000)
        self.lbl_oldest.setText(self.tr("Oldest: %1").replace("%1", oldest or "—"))
        self.lbl_my_count.setText(self.tr("My items today: %1").replace("%1", str(my_count)))
        avg = f"{my_total_ms / my_count / 1000:.0f} s" if my_count else "—"
        self.lbl_my_avg.setText(self.tr("My average: %1").replace("%1", avg))
        self._update_strip()

    def _on_workspace_evidence_viewed(
        self, request_id: str, sha256: str, ms: int, zoom: float
    ) -> None:
        payload = {"sha256": sha256, "ms": ms, "zoom_pct": round(zoom * 100)}  # integers only
        self.service.note("evidence_viewed", payload, request_id)

    def _on_bridge_sync_status(self, status: SyncStatus) -> None:
        """Events not yet at the center, and since when: offline is normal, but it shows."""
        self.sync_status = status
        if status.problem == "no receipt key":
            text, level = self.tr("Center: not set up (no receipt key)"), "warn"
        elif status.problem:
            code = status.problem.split(":", 1)[0]
            text = self.tr("Center refused our records (%1): call IT").replace("%1", code)
            level = "error"
        elif status.pending == 0:
            text, level = self.tr("Center: up to date"), ""
        else:
            since = ""
            if status.oldest_ms is not None:
                since = time.strftime("%H:%M", time.localtime(status.oldest_ms / 1000))
            text = (
                self.tr("%1 events not yet at the center, since %2")
                .replace("%1", str(status.pending))
                .replace("%2", since)
            )
            old = status.oldest_ms is not None and time.time() * 1000 - status.oldest_ms > 600_000
            level = "warn" if (not status.reachable or old) else ""
            if not status.reachable:
                text += self.tr(" (center not reachable)")
        self.lbl_sync.setText(text)
        self.lbl_sync.setProperty("level", level)
        _repolish(self.lbl_sync)

    def _on_bridge_failed(self, code: str, detail: str) -> None:
        self._present("error", texts.error(code), tooltip=detail)

    def _present(self, level: str, message: str, timeout_ms: int = 0, tooltip: str = "") -> None:
        """The one place that shows a message to the authorizer."""
        self.banner.setText(message)
        self.banner.setToolTip(tooltip)
        self.banner.setProperty("level", level)
        _repolish(self.banner)
        self.banner.show()
        if timeout_ms:
            self._banner_timer.start(timeout_ms)
        else:
            self._banner_timer.stop()

    # --- the clock ---------------------------------------------------------------------------

    def waited_seconds(self) -> float:
        """How long the teller has waited: broker-side wait at dispatch + time on this screen."""
        if self.item is None:
            return 0.0
        at_dispatch = (self.item.dispatched_at - self.item.enqueued_at) / 1000
        return at_dispatch + (self._clock() - self._received_mono)

    def _update_wait_clock(self) -> None:
        if self.item is None:
            return
        waited = self.waited_seconds()
        level = (
            "ok"
            if waited < self.wait_target_s / 2
            else "warn"
            if waited < self.wait_target_s
            else "late"
        )
        self.lbl_wait.setText(self.tr("Teller waiting %1").replace("%1", _mmss(waited)))
        if self.lbl_wait.property("level") != level:
            self.lbl_wait.setProperty("level", level)
            _repolish(self.lbl_wait)

    def _on_tick_timeout(self) -> None:
        self._update_wait_clock()
        if self.fallback_outlets:  # an outlet drops off the list half an hour after
            self._show_taken_back()
        self.lbl_clock.setText(QDateTime.currentDateTime().toString("HH:mm:ss"))


def _mmss(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _group_digits(account: str) -> str:
    return " ".join(account[i : i + 4] for i in range(0, len(account), 4))
