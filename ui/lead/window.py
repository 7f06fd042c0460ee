"""The center lead's desk (``authdesk lead``): the live board, the daily sample, blind
re-review with two-person findings, statistics with charts, the report.

Every call to the center runs on the thread pool (``run_in_background``); the GUI thread only
paints what comes back. Charts are pyqtgraph: pure Python on numpy, which the application ships
already, instead of PySide6-Addons' QtCharts (about 150 MB more for one module).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pyqtgraph as pg
import zmq
from pydantic import BaseModel
from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from clientsvc.catalogue import REJECT_REASONS, RETURN_REASONS, TEXT_REQUIRED, reasons_for
from clientsvc.center import api
from clientsvc.center.lead import ERROR_CATEGORIES, VERDICTS
from clientsvc.center.sampling import sample_size
from clientsvc.checklist import ChecklistRow, checklist_for
from clientsvc.protocol.edge import display_name, visible
from clientsvc.protocol.errors import ProtocolError
from clientsvc.protocol.messages import AuthRequest
from clientsvc.workstation.engine import ReceivedItem
from ui import i18n, texts, theme
from ui.actions import ACTIONS, label
from ui.background import run_in_background
from ui.checklist_panel import MARKS as CHECK_MARKS
from ui.evidence.library import EvidenceLibrary
from ui.evidence.video_pane import VideoBridge
from ui.evidence.workspace import EvidenceWorkspace
from ui.evidence_feed import workspace_handlers
from ui.lead import words

log = logging.getLogger("authdesk.lead")
pg.setConfigOptions(antialias=True, background="w", foreground="#333")


class DeskClient(Protocol):
    def call(self, op: str, **args: Any) -> Any: ...
    def image(self, sha256: str) -> bytes: ...


A = TypeVar("A", bound=api.Args)
R = TypeVar("R", bound=BaseModel)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _day_field(day: QDate) -> QDateEdit:
    field = QDateEdit(day)
    field.setCalendarPopup(True)
    field.setDisplayFormat("yyyy-MM-dd")
    return field


def _fill(table: QTableWidget, rows: list[list[Any]], late: set[int] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if late and r in late:
                item.setForeground(theme.colour("error"))  # readable in both themes
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


def _date(edit: QDateEdit) -> str:
    return edit.date().toString("yyyy-MM-dd")


class LeadWindow(QMainWindow):
    sig_board_updated = Signal()
    sig_sample_shown = Signal()
    sig_review_changed = Signal()
    sig_stats_shown = Signal()
    sig_exported = Signal(str)  # a report written (its path)

    def __init__(
        self,
        client: DeskClient,
        actor: str,
        name: str,
        board_every_ms: int = 2000,
        today: dt.date | None = None,
    ):
        """``today``: the day the date fields and the seed start on (the local date when not
        given; tests pass one, so that nothing depends on the date the suite runs on)."""
        super().__init__()
        self._today = (
            QDate(today.year, today.month, today.day) if today is not None else QDate.currentDate()
        )
        self.client = client
        self.actor = actor
        self.setWindowTitle(
            self.tr("AuthDesk — Center lead — %1 (%2)").replace("%1", name).replace("%2", actor)
        )
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        self.status = QLabel()
        self.statusBar().addWidget(self.status, 1)
        self.sample: api.Sample | None = None
        self.current: str | None = None  # the request under review
        self.revealed: api.Reveal | None = None
        self.stats: api.Stats | None = None
        self.agreement: api.Agreement | None = None
        self.names: dict[str, str] = {}  # id → name, from every answer that names people
        self._review_request: AuthRequest | None = None
        self._build_board()
        self._build_sample()
        self._build_review()
        self._build_stats()
        self._board_timer = QTimer(self, interval=board_every_ms)
        self._board_timer.timeout.connect(self.refresh_board)
        self.is_lead: bool | None = None
        self._ask(api.WHOAMI, api.NoArgs(), self._on_whoami)
        self.refresh_samples()

    def _on_whoami(self, me: api.Whoami) -> None:
        """The board and the statistics name who decided what: the lead's alone. A reviewer
        gets the sample and the re-review."""
        self.is_lead = me.lead
        self.tabs.setTabEnabled(0, self.is_lead)
        self.tabs.setTabEnabled(3, self.is_lead)
        self.btn_draw.setEnabled(self.is_lead)
        if self.is_lead:
            self._board_timer.start()
            self.refresh_board()
        else:
            self.tabs.setCurrentIndex(1)
            self.status.setText(self.tr("Reviewer: the board and the statistics are the lead's."))

    # --- calls ------------------------------------------------------------------------------

    def _ask(self, call: api.Call[A, R], args: A, done: Callable[[R], None]) -> None:
        """``call`` on the thread pool; ``done`` gets its typed result on the GUI thread."""

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ProtocolError):
                self.status.setText(words.refusal(exc.code.value, exc.detail))
            elif isinstance(exc, (OSError, zmq.ZMQError)):
                self.status.setText(words.refusal("E_UNREACHABLE", ""))
            else:  # a fault of this desk's, not the center's word: logged with its trace
                log.error("the call %s failed", call.op, exc_info=exc)
                self.status.setText(words.refusal("E_MALFORMED", ""))

        run_in_background(lambda: api.ask(self.client, call, args), done, failed, owner=self)

    # --- the board ----------------------------------------------------------------------------

    def _build_board(self) -> None:
        page = QWidget()
        grid = QGridLayout(page)
        self.board_queue = _table(
            [self.tr("Type"), self.tr("Waiting"), self.tr("In review"), self.tr("Oldest wait")]
        )
        self.board_people = _table(
            [
                self.tr("Authorizer"),
                self.tr("State"),
                self.tr("On item"),
                self.tr("For"),
                self.tr("Decisions today"),
                self.tr("Average viewing"),
            ]
        )
        self.board_alerts = _table(
            [self.tr("Request"), self.tr("Type"), self.tr("Outlet"), self.tr("Waiting")]
        )
        self.board_fallback = _table([self.tr("Outlet"), self.tr("Timed out today")])
        self.board_time = QLabel()
        grid.addWidget(QLabel(self.tr("Queue by transaction type")), 0, 0)
        grid.addWidget(self.board_queue, 1, 0)
        grid.addWidget(QLabel(self.tr("Authorizers")), 0, 1)
        grid.addWidget(self.board_people, 1, 1)
        grid.addWidget(QLabel(self.tr("Waits past the center's target")), 2, 0)
        grid.addWidget(self.board_alerts, 3, 0)
        grid.addWidget(QLabel(self.tr("Outlets falling back to local authorization")), 2, 1)
        grid.addWidget(self.board_fallback, 3, 1)
        grid.addWidget(self.board_time, 4, 0, 1, 2)
        self.tabs.addTab(page, self.tr("Center board"))

    def refresh_board(self) -> None:
        self._ask(api.BOARD, api.NoArgs(), self._show_board)

    def _show_board(self, board: api.Board) -> None:
        target = board.wait_target_s
        names = board.names
        self.names.update(names)
        queue = list(board.queue.items())
        _fill(
            self.board_queue,
            [
                [texts.txn_type(t), q.waiting, q.in_review, words.duration(q.oldest_wait_s)]
                for t, q in queue
            ],
            {i for i, (_, q) in enumerate(queue) if q.oldest_wait_s > target},
        )
        people = list(board.authorizers.items())
        _fill(
            self.board_people,
            [
                [
                    words.person(a, names),
                    self._state(p, dt.date.fromtimestamp(board.at_ms / 1000)),
                    p.on_item or "",
                    words.duration(p.on_item_s) if p.on_item else "",
                    p.items_today,
                    words.duration(p.avg_s),
                ]
                for a, p in people
            ],
            {i for i, (_, p) in enumerate(people) if p.state == "offline"},
        )
        _fill(
            self.board_alerts,
            [
                [
                    a.request_id,
                    texts.txn_type(a.txn_type),
                    words.person(a.outlet_id, names),
                    words.duration(a.wait_s),
                ]
                for a in board.alerts
            ],
            set(range(len(board.alerts))),
        )
        _fill(
            self.board_fallback,
            [[words.person(o, names), n] for o, n in board.fallback_outlets.items()],
        )
        alerts = len(board.alerts)
        at = dt.datetime.fromtimestamp(board.at_ms / 1000).strftime("%H:%M:%S")
        self.board_time.setText(
            self.tr("Updated %1 · target %2 · %3 waiting past it")
            .replace("%1", at)
            .replace("%2", words.duration(target))
            .replace("%3", str(alerts))
        )
        self.sig_board_updated.emit()

    def _state(self, p: api.PersonRow, today: dt.date) -> str:
        """The state in words; offline with since when (the time, and the day if not today)."""
        if p.state != "offline" or p.offline_since_ms is None:
            return words.presence(p.state)
        since = dt.datetime.fromtimestamp(p.offline_since_ms / 1000)
        when = since.strftime("%H:%M" if since.date() == today else "%Y-%m-%d %H:%M")
        return self.tr("Offline since %1").replace("%1", when)

    # --- the sample ---------------------------------------------------------------------------

    def _build_sample(self) -> None:
        page = QWidget()
        outer = QVBoxLayout(page)
        form_box = QGroupBox(self.tr("Plan and draw"))
        form = QFormLayout(form_box)
        today = self._today
        self.day_from = _day_field(today)
        self.day_to = _day_field(today)
        self.seed = QSpinBox(minimum=0, maximum=2_000_000_000)
        self.seed.setValue(int(today.toString("yyyyMMdd")))
        self.rate = QDoubleSpinBox(minimum=0, maximum=1, singleStep=0.01, decimals=3, value=0.05)
        self.minimum = QSpinBox(minimum=0, maximum=50, value=1)
        self.confidence = QDoubleSpinBox(
            minimum=0.5, maximum=0.999, decimals=3, value=0.95, singleStep=0.01
        )
        self.tolerable = QDoubleSpinBox(
            minimum=0.001, maximum=0.5, decimals=3, value=0.05, singleStep=0.01
        )
        self.suggested = QLabel()
        for spin in (self.confidence, self.tolerable):
            spin.valueChanged.connect(self._suggest)
        self._suggest()
        form.addRow(self.tr("From"), self.day_from)
        form.addRow(self.tr("To"), self.day_to)
        form.addRow(self.tr("Seed"), self.seed)
        form.addRow(self.tr("Rate per category"), self.rate)
        form.addRow(self.tr("Minimum per authorizer"), self.minimum)
        helper = QHBoxLayout()
        helper.addWidget(QLabel(self.tr("Confidence")))
        helper.addWidget(self.confidence)
        helper.addWidget(QLabel(self.tr("Tolerable error rate")))
        helper.addWidget(self.tolerable)
        helper.addWidget(self.suggested, 1)
        form.addRow(self.tr("Sample size"), helper)
        buttons = QHBoxLayout()
        self.btn_draw = QPushButton(self.tr("Draw"))
        self.btn_draw.clicked.connect(self.draw)
        self.btn_rerun = QPushButton(self.tr("Re-run and compare"))
        self.btn_rerun.clicked.connect(self.rerun)
        self.manual = QLineEdit(placeholderText=self.tr("request id to add by hand"))
        self.btn_manual = QPushButton(self.tr("Add"))
        self.btn_manual.clicked.connect(self.add_manual)
        for w in (self.btn_draw, self.btn_rerun, self.manual, self.btn_manual):
            buttons.addWidget(w)
        form.addRow(buttons)
        outer.addWidget(form_box)
        self.samples_box = QComboBox()
        self.samples_box.activated.connect(self._on_samples_box_activated)
        self.sample_info = QLabel(
            wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse
        )
        outer.addWidget(self.samples_box)
        outer.addWidget(self.sample_info)
        self.sample_items = _table(
            [
                self.tr("Request"),
                self.tr("Type"),
                self.tr("How"),
                self.tr("Weight"),
                self.tr("Amount (yuan)"),
                self.tr("Reviewed by"),
                self.tr("Finding"),
            ]
        )
        self.sample_items.cellDoubleClicked.connect(self._on_sample_items_double_clicked)
        outer.addWidget(self.sample_items, 1)
        self.tabs.addTab(page, self.tr("Sample"))

    def _suggest(self) -> None:
        n = sample_size(self.confidence.value(), self.tolerable.value())
        self.suggested.setText(
            self.tr("%1 requests needed (if none has an error)").replace("%1", str(n))
        )
        if self.sample is not None:  # the explanation under the sample, at the new figures
            self.show_sample(self.sample)

    def plan(self) -> dict[str, Any]:
        return {"default_rate": self.rate.value(), "min_per_authorizer": self.minimum.value()}

    def draw(self) -> None:
        self._ask(
            api.DRAW,
            api.DrawArgs(
                day_from=_date(self.day_from),
                day_to=_date(self.day_to),
                seed=self.seed.value(),
                plan=self.plan(),
            ),
            self._drawn,
        )

    def _drawn(self, sample: api.Sample) -> None:
        self.show_sample(sample)
        self.refresh_samples()  # the new one in the list, chosen

    def refresh_samples(self) -> None:
        def shown(samples: api.Samples) -> None:
            self.samples_box.clear()
            for s in samples.root:
                self.samples_box.addItem(
                    self.tr("%1 · %2 to %3 · seed %4")
                    .replace("%1", s.sample_id)
                    .replace("%2", s.day_from)
                    .replace("%3", s.day_to)
                    .replace("%4", str(s.seed)),
                    s.sample_id,
                )
            if self.sample is not None:
                self.samples_box.setCurrentIndex(self.samples_box.findData(self.sample.sample_id))

        self._ask(api.SAMPLES, api.NoArgs(), shown)

    def _on_samples_box_activated(self, index: int) -> None:
        sample_id = self.samples_box.itemData(index)
        if sample_id:
            self._ask(api.SAMPLE, api.SampleRef(sample_id=sample_id), self.show_sample)

    def show_sample(self, sample: api.Sample) -> None:
        self.sample = sample
        self.names.update(sample.names)
        self.sample_info.setText(
            self.tr("Sample %1: %2 of %3 approved requests · seed %4 · plan %5 · eligible %6")
            .replace("%1", sample.sample_id)
            .replace("%2", str(len(sample.items)))
            .replace("%3", str(sample.eligible_count))
            .replace("%4", str(sample.seed))
            .replace("%5", sample.plan_fingerprint[:16])
            .replace("%6", sample.eligible_hash[:16])
            + "\n"
            + self._size_explained(sample)
        )
        rows = []
        for i in sample.items:
            finding = i.finding
            text = ""
            if finding is not None:
                text = words.finding_outcome(finding.outcome)
                text += (
                    f" {finding.category} {texts.error_category(finding.category)}"
                    if finding.category
                    else ""
                )
                text += f" · {words.finding_state(finding.state)}"
            amount = "" if i.amount_fen is None else f"{i.amount_fen / 100:,.2f}"
            rows.append(
                [
                    i.request_id,
                    texts.txn_type(i.txn_type),
                    words.how(i.how),
                    i.weight,
                    amount,
                    words.people(i.reviewed_by, self.names) if i.reviewed_by else "",
                    text,
                ]
            )
        _fill(self.sample_items, rows)
        self.sig_sample_shown.emit()

    def _size_explained(self, sample: api.Sample) -> str:
        """Why the draw took as many as it did, beside what the confidence asks for."""
        plan = sample.plan
        rate = float(plan.get("default_rate", 0) or 0)
        minimum = int(plan.get("min_per_authorizer", 0) or 0)
        n = sample_size(self.confidence.value(), self.tolerable.value())
        drawn, eligible = len(sample.items), sample.eligible_count
        text = (
            self.tr(
                "The plan draws %1 of each transaction type (rounded up) and at least %2 per "
                "authorizer: %3 requests. To say with %4 confidence that the error rate is "
                "below %5, %6 requests without an error are needed."
            )
            .replace("%1", words.percent(rate))
            .replace("%2", str(minimum))
            .replace("%3", str(drawn))
            .replace("%4", words.percent(self.confidence.value()))
            .replace("%5", words.percent(self.tolerable.value()))
            .replace("%6", str(n))
        )
        if drawn >= n:
            then = self.tr("This sample is large enough.")
        elif eligible < n:
            then = self.tr(
                "Only %1 requests are eligible: review them all, or widen the days."
            ).replace("%1", str(eligible))
        else:
            then = self.tr("A rate of %1 would draw about that many.").replace(
                "%1", words.percent(min(1.0, n / max(1, eligible)))
            )
        # two sentences: a space between them in English, none after a Chinese 。
        return self.tr("%1 %2").replace("%1", text).replace("%2", then)

    def rerun(self) -> None:
        if self.sample is None:
            return

        def shown(result: api.Rerun) -> None:
            ok = result.same_items and result.same_eligible
            self.status.setText(
                self.tr("Re-run: the same items ✓") if ok else self.tr("Re-run: the items differ ✗")
            )

        self._ask(api.RERUN, api.SampleRef(sample_id=self.sample.sample_id), shown)

    def add_manual(self) -> None:
        if self.sample is None or not self.manual.text().strip():
            return
        try:  # checked here, as the center checks it: a clear word, not a refusal later
            ref = api.ItemRef(
                sample_id=self.sample.sample_id, request_id=self.manual.text().strip()
            )
        except ValueError:
            self.status.setText(self.tr("Not a request id: letters, digits and . _ : - only."))
            return
        self._ask(api.ADD_MANUAL, ref, self.show_sample)

    def _on_sample_items_double_clicked(self, row: int, _column: int) -> None:
        item = self.sample_items.item(row, 0)
        if item is not None:
            self.open_review(item.text())

    # --- blind re-review ----------------------------------------------------------------------

    def _build_review(self) -> None:
        """The workstation's own evidence workspace (zoom, pan, compare, the same keys), the
        request's elements, then three steps: the blind verdict, the original, the finding."""
        page = QWidget()
        outer = QHBoxLayout(page)
        self.review_library = EvidenceLibrary(self)
        self.workspace = EvidenceWorkspace(self.review_library, VideoBridge(), self.actor)
        self.workspace.without_live_video()  # a re-review has no live counter
        self._review_keys(page)
        outer.addWidget(self.workspace, 3)
        right = QVBoxLayout()
        self.review_title = QLabel(self.tr("Double-click an item of the sample to review it."))
        self.review_title.setWordWrap(True)
        right.addWidget(self.review_title)
        self.review_elements = QTextEdit(readOnly=True)
        self.review_elements.setMinimumHeight(140)
        right.addWidget(self.review_elements, 2)
        verdict_box = QGroupBox(self.tr("1 · Your verdict (blind: the original is not shown)"))
        vb = QFormLayout(verdict_box)
        self.review_reason = QComboBox()  # the authorizer's own lists: R.. reject, T.. return
        self.review_reason.addItem(self.tr("— (an approval has no reason)"), None)
        for code in (*REJECT_REASONS, *RETURN_REASONS):
            self.review_reason.addItem(f"{code} {texts.reason(code)}", code)
        vb.addRow(self.tr("Reason"), self.review_reason)
        self.review_note = QLineEdit(placeholderText=self.tr("your note (needed with “other”)"))
        vb.addRow(self.tr("Note"), self.review_note)
        row = QHBoxLayout()
        self.btn_verdicts = {}
        for verdict in VERDICTS:
            button = QPushButton(words.verdict(verdict))
            button.clicked.connect(lambda _=False, v=verdict: self.record_verdict(v))
            self.btn_verdicts[verdict] = button
            row.addWidget(button)
        vb.addRow(row)
        right.addWidget(verdict_box)
        self.original_box = QGroupBox(self.tr("2 · What the authorizer decided and saw"))
        ob = QVBoxLayout(self.original_box)
        self.original = QTextEdit(readOnly=True)
        self.original.setAcceptRichText(False)  # what deciders wrote is only text
        self.original.setMinimumHeight(120)
        ob.addWidget(self.original)
        right.addWidget(self.original_box, 3)
        self.finding_box = QGroupBox(self.tr("3 · Finding (差错认定)"))
        fb = QFormLayout(self.finding_box)
        self.no_error = QRadioButton(self.tr("No error"))
        self.no_error.setChecked(True)
        self.is_error = QRadioButton(self.tr("Error"))
        outcome = QHBoxLayout()
        outcome.addWidget(self.no_error)
        outcome.addWidget(self.is_error)
        fb.addRow(outcome)
        self.category = QComboBox()
        for code in ERROR_CATEGORIES:
            self.category.addItem(f"{code} {texts.error_category(code)}", code)
        fb.addRow(self.tr("Category"), self.category)
        self.finding_note = QLineEdit()
        fb.addRow(self.tr("Note"), self.finding_note)
        self.btn_finding = QPushButton(self.tr("Record the finding"))
        self.btn_finding.clicked.connect(self.record_finding)
        fb.addRow(self.btn_finding)
        self.finding_state = QLabel(wordWrap=True)
        fb.addRow(self.finding_state)
        confirm = QHBoxLayout()
        self.btn_confirm = QPushButton(self.tr("Confirm the error (lead)"))
        self.btn_confirm.clicked.connect(lambda: self.confirm(True))
        self.btn_reject_finding = QPushButton(self.tr("Not an error (lead)"))
        self.btn_reject_finding.clicked.connect(lambda: self.confirm(False))
        confirm.addWidget(self.btn_confirm)
        confirm.addWidget(self.btn_reject_finding)
        fb.addRow(confirm)
        self.confirm_why = QLabel(wordWrap=True)  # why confirming is not open to this person
        fb.addRow(self.confirm_why)
        right.addWidget(self.finding_box)
        outer.addLayout(right, 2)
        self.tabs.addTab(page, self.tr("Re-review"))
        self._blind()

    def _review_keys(self, page: QWidget) -> None:
        """The evidence keys of the workstation (``ui/actions.py``), live on this tab only;
        a text field keeps its letters (Qt gives printable keys to the field first)."""
        handlers = workspace_handlers(self.workspace)
        self.review_actions: dict[str, QAction] = {}
        for spec in ACTIONS:
            if spec.group != "evidence" or spec.scope != "window":
                continue
            action = QAction(label(spec.id), page)
            action.setShortcuts([QKeySequence(k) for k in (spec.shortcut, *spec.alternates)])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, h=handlers[spec.id]: h())
            page.addAction(action)
            self.review_actions[spec.id] = action

    def _blind(self) -> None:
        """Nothing of the original decision on screen; finding and confirmation wait."""
        self.revealed = None
        self.original.setPlainText(self.tr("Shown once your own verdict is recorded."))
        self.finding_box.setEnabled(False)
        self.finding_state.setText("")
        self.confirm_why.setText("")
        for button in self.btn_verdicts.values():
            button.setEnabled(self.current is not None)
        self.review_reason.setCurrentIndex(0)
        self.review_note.clear()

    def open_review(self, request_id: str) -> None:
        if self.sample is None:
            return
        self.current = request_id
        self.tabs.setCurrentIndex(2)
        self._blind()
        self.review_title.setText(self.tr("Reviewing %1").replace("%1", request_id))
        self.review_elements.setPlainText(self.tr("loading…"))
        self.workspace.set_item(None)
        self.review_library.keep_only(set())
        ref = api.ItemRef(sample_id=self.sample.sample_id, request_id=request_id)
        self._ask(api.EVIDENCE, ref, self._show_evidence)
        mine = next((i for i in self.sample.items if i.request_id == request_id), None)
        if mine is not None and self.actor in mine.reviewed_by:  # decided before: reveal
            self._ask(api.REVEAL, ref, self._show_original)

    def _show_evidence(self, seen: api.Evidence) -> None:
        if seen.request_id != self.current:
            return
        try:  # the request as the teller signed it; the center checked it on the way in
            request = AuthRequest.model_validate(seen.request)
        except ValueError:
            log.warning("the request %s at the center does not validate", seen.request_id)
            self.review_elements.setPlainText(self.tr("The request could not be shown."))
            return
        self._review_request = request
        self.review_elements.setPlainText("\n".join(self._request_lines(request)))
        self.workspace.set_item(_shown_item(request))
        for ref in request.evidence:
            self.review_library.expect(
                ref.sha256, texts.evidence_label(ref.label, ref.kind), ref.kind, request.request_id
            )
            self._fetch(ref.sha256, self.review_library.load)
        for sha in seen.frame_grabs:
            self._fetch(sha, partial(self._add_grab, at=seen.grabbed_at_us.get(sha, 0)))
        self.sig_review_changed.emit()

    def _add_grab(self, sha: str, jpeg: bytes, at: int) -> None:
        self.workspace.add_capture(sha, jpeg, at)

    def _fetch(self, sha: str, done: Callable[[str, bytes], None]) -> None:
        """An image from the center, off the GUI thread; decoded by the library's own checks."""
        request_id = self.current

        def fetched(data: bytes) -> None:
            if self.current == request_id:
                done(sha, data)

        def missing(exc: BaseException) -> None:
            if self.current != request_id:
                return
            code = exc.code.value if isinstance(exc, ProtocolError) else "E_IMAGE_MISSING"
            self.workspace.set_failed(sha, code)

        run_in_background(lambda: self.client.image(sha), fetched, missing, owner=self)

    def _checklist_rows(self) -> tuple[ChecklistRow, ...]:
        request = self._review_request
        return () if request is None else checklist_for(request.txn_type)

    def _request_lines(self, request: AuthRequest) -> list[str]:
        """The request as the reviewer reads it: in words, amounts in yuan, names shown safely."""

        def line(label: str, value: str) -> str:
            return self.tr("%1: %2").replace("%1", label).replace("%2", value)

        lines = [
            line(self.tr("Type"), texts.txn_type(request.txn_type)),
            line(self.tr("Amount"), f"¥{request.amount_fen / 100:,.2f}"),
            line(
                self.tr("Account"),
                f"{request.account_no} {display_name(request.account_name)}".strip(),
            ),
            line(
                self.tr("Outlet"),
                f"{display_name(request.outlet_name)} {request.outlet_id}".strip(),
            ),
            line(self.tr("Teller"), request.teller_id),
        ]
        for key, value in request.elements.items():
            lines.append(line(texts.request_field(key), display_name(str(value))))
        return lines

    def record_verdict(self, verdict: str) -> None:
        if self.sample is None or self.current is None:
            return
        code = None if verdict == "approve" else self.review_reason.currentData()
        if verdict != "approve" and code not in reasons_for(verdict):
            self.status.setText(
                self.tr("A rejection takes a reason R01–R99, a return T01–T99: choose it first.")
                if verdict == "reject"
                else self.tr("A return takes a reason T01–T99: choose it first.")
            )
            self.review_reason.setFocus()
            return
        if code in TEXT_REQUIRED and not self.review_note.text().strip():
            self.status.setText(self.tr("“Other” needs your note."))
            self.review_note.setFocus()
            return
        ref = api.ItemRef(sample_id=self.sample.sample_id, request_id=self.current)

        def recorded(_: api.Recorded) -> None:
            for button in self.btn_verdicts.values():
                button.setEnabled(False)
            self._ask(api.REVEAL, ref, self._show_original)

        args = api.VerdictArgs.model_validate(
            {
                **ref.model_dump(),
                "verdict": verdict,
                "reason_code": code,
                "note": self.review_note.text()[:500],
            }
        )
        self._ask(api.RECORD_VERDICT, args, recorded)

    def _show_original(self, shown: api.Reveal) -> None:
        if shown.request_id != self.current:
            return
        self.revealed = shown
        names = shown.names
        agree = self.tr("the same") if shown.agree else self.tr("DIFFERENT")
        parts = [
            self.tr("Your verdict: %1 · the original: %2 · %3")
            .replace("%1", words.verdict(shown.your_verdict))
            .replace("%2", words.outcome(shown.state))
            .replace("%3", agree),
            "",
        ]
        for d in shown.decisions:
            verdict = words.verdict(d.verdict or "")
            if d.reason_code:
                verdict += f" {d.reason_code} {texts.reason(d.reason_code)}"
            parts.append(
                self.tr("%1 — %2, %3")
                .replace("%1", words.person(d.authorizer_id or "", names))
                .replace("%2", verdict)
                .replace("%3", "" if d.decided_at is None else _when(d.decided_at))
            )
            if d.reason_text:
                parts.append("  " + visible(d.reason_text))
        parts += ["", self.tr("The checklist as the authorizer ticked it:")]
        ticked = {k: v for k, v in shown.checklist.items() if v}
        if ticked:
            language = "zh" if i18n.current().startswith("zh") else "en"
            rows = {row.id: row.label(language) for row in self._checklist_rows()}
            parts += [
                f"  {CHECK_MARKS.get(v, '?')}  {rows.get(k, visible(k))}"
                for k, v in sorted(ticked.items())
            ]
        else:
            parts.append("  " + self.tr("Not ticked: no row of the checklist was ticked."))
        parts += ["", self.tr("The center's re-check:")]
        parts += [f"  {words.center_finding(f.code)} ({f.code})" for f in shown.findings] or [
            "  " + self.tr("no finding")
        ]
        mark = {"match": "✓", "mismatch": "✗"}
        for r in shown.readings:
            seen_by = (
                self.tr("shown to the authorizer")
                if r.named
                else self.tr("not named by the decision (arrived after it, or not shown)")
            )
            parts.append(
                self.tr("Machine reading by %1, %2:")
                .replace("%1", r.reader_id)
                .replace("%2", seen_by)
            )
            for e in r.elements:
                read = visible(e.seen.replace("\n", " / ")) or "—"
                parts.append(
                    f"  {mark.get(e.verdict, '?')} {texts.element_row(e.element)}: "
                    f"{visible(e.keyed)} · {read}"
                )
        if not shown.readings:
            parts.append(self.tr("No machine reading of its images."))
        self.original.setPlainText("\n".join(parts))
        for button in self.btn_verdicts.values():
            button.setEnabled(False)
        self.finding_box.setEnabled(True)
        items = self.sample.items if self.sample is not None else []
        mine = next((i for i in items if i.request_id == self.current), None)
        if mine is not None and mine.finding is not None:
            self._show_finding(mine.finding)
        else:
            self._confirmable(None)
        self.sig_review_changed.emit()

    def record_finding(self) -> None:
        if self.sample is None or self.current is None:
            return
        error = self.is_error.isChecked()
        args = api.FindingArgs(
            sample_id=self.sample.sample_id,
            request_id=self.current,
            outcome="error" if error else "no_error",
            category=self.category.currentData() if error else "",
            note=self.finding_note.text()[:500],
        )
        self._ask(api.RECORD_FINDING, args, self._show_finding)

    def _show_finding(self, finding: api.Finding) -> None:
        names = {**self.names, **(self.revealed.names if self.revealed is not None else {})}
        state = words.finding_state(finding.state)
        if finding.confirmed_by:
            state = (
                self.tr("%1 by %2")
                .replace("%1", state)
                .replace("%2", words.person(finding.confirmed_by, names))
            )
        what = words.finding_outcome(finding.outcome)
        if finding.category:
            what += f" {finding.category} {texts.error_category(finding.category)}"
        self.finding_state.setText(
            self.tr("%1 — %2 (recorded by %3)")
            .replace("%1", what)
            .replace("%2", state)
            .replace("%3", words.person(finding.reviewer, names))
        )
        self.btn_finding.setEnabled(False)
        self._confirmable(finding)
        self.sig_review_changed.emit()

    def _confirmable(self, finding: api.Finding | None) -> None:
        """Confirming is the lead's, and never the recorder's own: disabled, with why."""
        why = ""
        if finding is None or finding.state != "awaiting_confirmation":
            why = "" if finding is None else self.tr("The finding is settled.")
            self.btn_finding.setEnabled(finding is None)
        elif not self.is_lead:
            why = self.tr("Only the center lead confirms a finding of error.")
        elif finding.reviewer == self.actor:
            why = self.tr("You recorded this finding: a second person must confirm it.")
        open_ = finding is not None and finding.state == "awaiting_confirmation" and not why
        self.btn_confirm.setEnabled(open_)
        self.btn_reject_finding.setEnabled(open_)
        self.confirm_why.setText(why)

    def confirm(self, accept: bool) -> None:
        if self.sample is None or self.current is None:
            return
        args = api.ConfirmArgs(
            sample_id=self.sample.sample_id, request_id=self.current, accept=accept
        )
        self._ask(api.CONFIRM_FINDING, args, self._show_finding)

    # --- statistics and the report -------------------------------------------------------------

    def _build_stats(self) -> None:
        page = QWidget()
        outer = QVBoxLayout(page)
        top = QHBoxLayout()
        today = self._today
        self.stats_from = _day_field(today)
        self.stats_to = _day_field(today)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh_stats)
        self.btn_pdf = QPushButton(self.tr("Export PDF…"))
        self.btn_pdf.clicked.connect(lambda: self._export("pdf"))
        self.btn_csv = QPushButton(self.tr("Export CSV…"))
        self.btn_csv.clicked.connect(lambda: self._export("csv"))
        for w in (
            QLabel(self.tr("From")),
            self.stats_from,
            QLabel(self.tr("To")),
            self.stats_to,
            refresh,
            self.btn_pdf,
            self.btn_csv,
        ):
            top.addWidget(w)
        top.addStretch(1)
        outer.addLayout(top)
        self.stats_summary = QLabel(wordWrap=True)
        outer.addWidget(self.stats_summary)
        self.parts_table = _table(
            [
                self.tr("Part of 笔均授权时间"),
                self.tr("From → to"),
                self.tr("Average"),
                self.tr("Requests measured"),
            ]
        )
        self.parts_table.setMaximumHeight(190)
        outer.addWidget(self.parts_table)
        charts = QGridLayout()
        self.chart_hours = pg.PlotWidget(title=self.tr("Requests by hour of day"))
        self.chart_people = pg.PlotWidget(title=self.tr("Average viewing by authorizer (s)"))
        self.chart_parts = pg.PlotWidget(title=self.tr("Where the time goes (s)"))
        self.chart_rates = pg.PlotWidget(title=self.tr("Outcomes of the decided requests (%)"))
        for i, chart in enumerate(
            (self.chart_hours, self.chart_people, self.chart_parts, self.chart_rates)
        ):
            chart.setMinimumSize(420, 240)
            chart.setMouseEnabled(False, False)
            # pyqtgraph's own right-click menu and "A" button speak English only
            chart.setMenuEnabled(False)
            chart.hideButtons()
            charts.addWidget(chart, i // 2, i % 2)
        outer.addLayout(charts, 1)
        self.agreement_table = _table(
            [
                self.tr("Category / authorizer"),
                self.tr("Reviews"),
                self.tr("Agree"),
                self.tr("Agreement"),
                self.tr("Confirmed errors"),
            ]
        )
        self.agreement_table.setMaximumHeight(180)
        self.repeat = QLabel(wordWrap=True)
        self.vigilance_table = _table(words.vigilance_headers(with_agreement=True))
        self.vigilance_table.setMaximumHeight(180)
        below = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(QLabel(self.tr("Re-review: blind verdicts against the original")))
        left.addWidget(self.agreement_table)
        left.addWidget(self.repeat)
        right.addWidget(
            QLabel(
                self.tr(
                    "Vigilance tests: items with a known defect from the lead's signed pack, "
                    "caught when not approved"
                ),
                wordWrap=True,
            )
        )
        right.addWidget(self.vigilance_table)
        note = QLabel(words.vigilance_footnote(), wordWrap=True)
        note.setObjectName("VigilanceNote")
        right.addWidget(note)
        right.addStretch(1)
        below.addLayout(left, 1)
        below.addLayout(right, 1)
        outer.addLayout(below)
        self.tabs.addTab(page, self.tr("Statistics"))

    def refresh_stats(self) -> None:
        days = api.DayRange(day_from=_date(self.stats_from), day_to=_date(self.stats_to))
        self._ask(api.STATS, days, self.show_stats)
        self._ask(api.AGREEMENT, api.NoArgs(), self.show_agreement)

    def _show_vigilance(self) -> None:
        """Each authorizer's detection of test items, beside their re-review agreement."""
        if self.stats is None:
            return
        agreement = self.agreement.by_authorizer if self.agreement is not None else {}
        rows = words.vigilance_rows(self.stats.vigilance, self.names, agreement)
        _fill(self.vigilance_table, rows)

    def show_agreement(self, agreement: api.Agreement) -> None:
        """Agreement rates per category and per authorizer; confirmed errors; repeats."""
        self.agreement = agreement
        self._show_vigilance()
        errors = agreement.errors_by_authorizer
        rows = []
        for rates, group in ((agreement.by_category, None), (agreement.by_authorizer, errors)):
            for name, v in rates.items():
                found = "" if group is None else sum(group.get(name, {}).values())
                who = texts.txn_type(name) if group is None else words.person(name, self.names)
                rows.append([who, v.reviews, v.agree, words.percent(v.rate), found])
        _fill(self.agreement_table, rows)
        repeat = agreement.repeat_findings
        self.repeat.setText(
            self.tr("Repeat findings (two or more confirmed errors): %1").replace(
                "%1", "、".join(words.person(r, self.names) for r in repeat) or self.tr("none")
            )
        )

    def show_stats(self, stats: api.Stats) -> None:
        """Every figure as ``clientsvc.center.metrics`` defines it: rates over the decided
        requests, the open ones apart, durations as mm:ss, people and outlets by name."""
        self.stats = stats
        rates, names = stats.rates, stats.names
        self.names.update(names)
        self.stats_summary.setText(
            "<br>".join(
                (
                    self.tr("Requests %1 · decided %2 · still open %3 · ended without a verdict %4")
                    .replace("%1", str(stats.volume))
                    .replace("%2", str(stats.decided))
                    .replace("%3", str(stats.pending))
                    .replace("%4", str(stats.unanswered)),
                    self.tr(
                        "Of the decided: approved %1 · rejected %2 · returned %3 · approved past "
                        "the machine's findings %4"
                    )
                    .replace("%1", words.percent(rates.get("approved")))
                    .replace("%2", words.percent(rates.get("rejected")))
                    .replace("%3", words.percent(rates.get("returned")))
                    .replace("%4", str(stats.overrides)),
                    self.tr(
                        "笔均授权时间 %1 (submitted → decided) · peak hours %2 · test items %3 "
                        "(counted in no figure)"
                    )
                    .replace("%1", words.duration(stats.avg_total_s))
                    .replace("%2", "、".join(f"{h}:00" for h in stats.peak_hours) or "—")
                    .replace("%3", str(stats.test_items)),
                )
            )
        )
        spans = self._part_spans()
        _fill(
            self.parts_table,
            [
                [words.part(name), spans[name], words.duration(fig.avg_s), fig.measured]
                for name, fig in stats.parts.items()
            ],
        )
        hours = list(range(24))
        _bars(self.chart_hours, hours, [stats.by_hour.get(h, 0) for h in hours])
        self.chart_hours.setXRange(-0.5, 23.5, padding=0)
        self.chart_hours.getAxis("bottom").setTicks(
            [[(h, f"{h}:00") for h in range(0, 24, 3)], [(h, "") for h in hours]]
        )
        people = [(p, v) for p, v in stats.by_authorizer.items() if p]
        _bars(
            self.chart_people,
            list(range(len(people))),
            [v.avg_viewing_s or 0 for _, v in people],
            [words.person(p, names) for p, _ in people],
        )
        parts = list(stats.parts.items())
        _bars(
            self.chart_parts,
            list(range(len(parts))),
            [fig.avg_s or 0 for _, fig in parts],
            [words.part(name) for name, _ in parts],
        )
        self._show_vigilance()
        outcomes = ("approved", "rejected", "returned")
        _bars(
            self.chart_rates,
            list(range(len(outcomes))),
            [(rates.get(o) or 0) * 100 for o in outcomes],
            [words.outcome(o) for o in outcomes],
        )
        self.sig_stats_shown.emit()

    def _part_spans(self) -> dict[str, str]:
        return {
            "queue_s": self.tr("submitted → first on an authorizer's screen"),
            "hold_s": self.tr("dispatched → on screen (in the workstation's prefetch)"),
            "viewing_s": self.tr("on screen → decided"),
            "second_wait_s": self.tr("first approval → on the second approver's screen"),
            "rework_s": self.tr("returned → the teller's resubmission"),
        }

    def charts(self) -> list[pg.PlotWidget]:
        return [self.chart_hours, self.chart_people, self.chart_parts, self.chart_rates]

    def _export(self, kind: str) -> None:
        if self.stats is None:
            self.status.setText(self.tr("Refresh the statistics first."))
            return
        suffix = "PDF (*.pdf)" if kind == "pdf" else "CSV (*.csv)"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the report"), "", suffix)
        if path:
            self.export(Path(path), kind)

    def export(self, path: Path, kind: str) -> None:
        """The report written off the GUI thread; the charts are grabbed here first, at twice
        the width they show at (legible on paper)."""
        from ui.lead.report import write_csv, write_pdf

        assert self.stats is not None
        stats, sample = self.stats, self.sample
        day_from, day_to = _date(self.stats_from), _date(self.stats_to)
        if kind == "pdf":
            images = [_chart_image(c) for c in self.charts()]

            def work() -> None:
                write_pdf(path, stats, sample, images, day_from, day_to)
        else:

            def work() -> None:
                write_csv(path, stats, sample)

        def written(_: None) -> None:
            self.status.setText(self.tr("Written: %1").replace("%1", str(path)))
            self.sig_exported.emit(str(path))

        def failed(exc: BaseException) -> None:
            log.error("the report %s could not be written", path, exc_info=exc)
            self.status.setText(
                self.tr("The report could not be written: %1").replace("%1", str(path))
            )

        run_in_background(work, written, failed, owner=self)


def _when(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M:%S")


def _shown_item(request: AuthRequest) -> ReceivedItem:
    """The request as the evidence workspace takes it: an item with no lease (a re-review
    holds nothing at a broker)."""
    return ReceivedItem(
        lease_id="",
        request=request,
        raw={},
        digest="",
        enqueued_at=0,
        dispatched_at=0,
        received_at=0,
        lease_expires_at=0,
        attempt=0,
    )


def _chart_image(chart: pg.PlotWidget) -> QImage:
    from pyqtgraph.exporters import ImageExporter

    exporter = ImageExporter(chart.plotItem)
    exporter.parameters()["width"] = max(1200, chart.width() * 2)
    image = exporter.export(toBytes=True)
    return image if isinstance(image, QImage) else chart.grab().toImage()


def _bars(
    chart: pg.PlotWidget, x: list[int], heights: list[float], labels: list[str] | None = None
) -> None:
    chart.clear()
    if not x:
        return
    chart.addItem(pg.BarGraphItem(x=x, height=heights, width=0.7, brush="#2f6db5"))
    # from zero up: a count or a duration has no negative half, even when all bars are 0
    chart.setYRange(0, max(1.0, max(heights)) * 1.1, padding=0)
    axis = chart.getAxis("bottom")
    if labels is not None:
        axis.setTicks([list(zip(x, labels, strict=True))])
    else:
        axis.setTicks(None)
