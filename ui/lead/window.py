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
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pyqtgraph as pg
import zmq
from pydantic import BaseModel
from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
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

from clientsvc.center import api
from clientsvc.center.lead import ERROR_CATEGORIES
from clientsvc.center.sampling import sample_size
from clientsvc.imaging import decode_for_display, fit_within
from clientsvc.protocol.edge import display_name, visible
from clientsvc.protocol.errors import ProtocolError
from ui import texts, theme
from ui.background import run_in_background
from ui.evidence.library import ShownImage
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
            [self.tr("Type"), self.tr("Waiting"), self.tr("In review"), self.tr("Oldest wait (s)")]
        )
        self.board_people = _table(
            [
                self.tr("Authorizer"),
                self.tr("State"),
                self.tr("On item"),
                self.tr("For (s)"),
                self.tr("Items today"),
                self.tr("Average (s)"),
            ]
        )
        self.board_alerts = _table(
            [self.tr("Request"), self.tr("Type"), self.tr("Outlet"), self.tr("Waiting (s)")]
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
        queue = list(board.queue.items())
        _fill(
            self.board_queue,
            [[t, q.waiting, q.in_review, q.oldest_wait_s] for t, q in queue],
            {i for i, (_, q) in enumerate(queue) if q.oldest_wait_s > target},
        )
        _fill(
            self.board_people,
            [
                [
                    a,
                    p.state,
                    p.on_item or "",
                    p.on_item_s or "",
                    p.items_today,
                    p.avg_s if p.avg_s is not None else "—",
                ]
                for a, p in board.authorizers.items()
            ],
        )
        _fill(
            self.board_alerts,
            [[a.request_id, a.txn_type, a.outlet_id, a.wait_s] for a in board.alerts],
            set(range(len(board.alerts))),
        )
        _fill(self.board_fallback, [[o, n] for o, n in board.fallback_outlets.items()])
        alerts = len(board.alerts)
        at = dt.datetime.fromtimestamp(board.at_ms / 1000).strftime("%H:%M:%S")
        self.board_time.setText(
            self.tr("Updated %1 · target %2 s · %3 waiting past it")
            .replace("%1", at)
            .replace("%2", str(target))
            .replace("%3", str(alerts))
        )
        self.sig_board_updated.emit()

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
            self.tr("suggested: %1 items (zero expected errors)").replace("%1", str(n))
        )

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
            self.show_sample,
        )

    def refresh_samples(self) -> None:
        def shown(samples: api.Samples) -> None:
            self.samples_box.clear()
            for s in samples.root:
                self.samples_box.addItem(
                    f"{s.sample_id} · {s.day_from}–{s.day_to} · seed {s.seed}", s.sample_id
                )

        self._ask(api.SAMPLES, api.NoArgs(), shown)

    def _on_samples_box_activated(self, index: int) -> None:
        sample_id = self.samples_box.itemData(index)
        if sample_id:
            self._ask(api.SAMPLE, api.SampleRef(sample_id=sample_id), self.show_sample)

    def show_sample(self, sample: api.Sample) -> None:
        self.sample = sample
        self.sample_info.setText(
            self.tr("Sample %1: %2 of %3 approved items · seed %4 · plan %5 · eligible %6")
            .replace("%1", sample.sample_id)
            .replace("%2", str(len(sample.items)))
            .replace("%3", str(sample.eligible_count))
            .replace("%4", str(sample.seed))
            .replace("%5", sample.plan_fingerprint[:16])
            .replace("%6", sample.eligible_hash[:16])
        )
        rows = []
        for i in sample.items:
            finding = i.finding
            text = (
                "" if finding is None else f"{finding.outcome} {finding.category} · {finding.state}"
            )
            amount = "" if i.amount_fen is None else f"{i.amount_fen / 100:,.2f}"
            how = {
                "drawn": self.tr("drawn"),
                "minimum": self.tr("authorizer minimum"),
                "manual": self.tr("added by hand"),
                "flagged": self.tr("local authorization (flagged)"),
            }.get(i.how, i.how)
            rows.append(
                [i.request_id, i.txn_type, how, i.weight, amount, ", ".join(i.reviewed_by), text]
            )
        _fill(self.sample_items, rows)
        self.sig_sample_shown.emit()

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
        page = QWidget()
        outer = QHBoxLayout(page)
        left = QVBoxLayout()
        self.review_title = QLabel(self.tr("Double-click an item of the sample to review it."))
        self.review_elements = QTextEdit(readOnly=True)
        self.review_images = QHBoxLayout()
        left.addWidget(self.review_title)
        left.addWidget(self.review_elements, 1)
        images = QWidget()
        images.setLayout(self.review_images)
        left.addWidget(images, 2)
        outer.addLayout(left, 3)
        right = QVBoxLayout()
        verdict_box = QGroupBox(self.tr("1 · Your verdict (blind: the original is not shown)"))
        vb = QVBoxLayout(verdict_box)
        self.review_note = QLineEdit(placeholderText=self.tr("your note"))
        vb.addWidget(self.review_note)
        row = QHBoxLayout()
        self.btn_verdicts = {}
        for verdict, text in (
            ("approve", self.tr("Approve")),
            ("reject", self.tr("Reject")),
            ("return", self.tr("Return")),
        ):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, v=verdict: self.record_verdict(v))
            self.btn_verdicts[verdict] = button
            row.addWidget(button)
        vb.addLayout(row)
        right.addWidget(verdict_box)
        self.original_box = QGroupBox(self.tr("2 · The original decision"))
        ob = QVBoxLayout(self.original_box)
        self.original = QLabel(wordWrap=True)
        self.original.setTextFormat(Qt.TextFormat.PlainText)  # what deciders wrote is only text
        ob.addWidget(self.original)
        right.addWidget(self.original_box)
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
            text = texts.error_category(code)
            self.category.addItem(f"{code} {text}", code)
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
        right.addWidget(self.finding_box)
        right.addStretch(1)
        outer.addLayout(right, 2)
        self.tabs.addTab(page, self.tr("Re-review"))
        self._blind()

    def _blind(self) -> None:
        """Nothing of the original decision on screen; finding and confirmation wait."""
        self.revealed = None
        self.original.setText(self.tr("Shown once your own verdict is recorded."))
        self.finding_box.setEnabled(False)
        for button in self.btn_verdicts.values():
            button.setEnabled(self.current is not None)

    def open_review(self, request_id: str) -> None:
        if self.sample is None:
            return
        self.current = request_id
        self.tabs.setCurrentIndex(2)
        self._blind()
        self.review_title.setText(self.tr("Reviewing %1").replace("%1", request_id))
        ref = api.ItemRef(sample_id=self.sample.sample_id, request_id=request_id)
        self._ask(api.EVIDENCE, ref, self._show_evidence)
        mine = next((i for i in self.sample.items if i.request_id == request_id), None)
        if mine is not None and self.actor in mine.reviewed_by:  # decided before: reveal
            self._ask(api.REVEAL, ref, self._show_original)

    def _show_evidence(self, seen: api.Evidence) -> None:
        request = seen.request
        lines = [
            f"{self.tr('Type')}: {request.get('txn_type')}",
            f"{self.tr('Amount')}: ¥{request.get('amount_fen', 0) / 100:,.2f}",
            f"{self.tr('Account')}: {request.get('account_no')} "
            f"{display_name(str(request.get('account_name', '')))}",
            f"{self.tr('Outlet')}: {request.get('outlet_id')} "
            f"{display_name(str(request.get('outlet_name', '')))}",
            f"{self.tr('Teller')}: {request.get('teller_id')}",
        ]
        lines += [
            f"{visible(str(k))}: {display_name(str(v))}"
            for k, v in request.get("elements", {}).items()
        ]
        if seen.checklist:
            lines.append("")
            lines.append(self.tr("Checklist as ticked:"))
            lines += [f"  {k}: {v or '—'}" for k, v in seen.checklist.items()]
        self.review_elements.setPlainText("\n".join(lines))
        while self.review_images.count():
            old = self.review_images.takeAt(0)
            if old is not None and (widget := old.widget()) is not None:
                widget.deleteLater()
        for sha in [*seen.images, *seen.frame_grabs]:
            label = QLabel(self.tr("loading…"), alignment=Qt.AlignmentFlag.AlignCenter)
            label.setMinimumSize(220, 160)
            self.review_images.addWidget(label)

            def decode(sha: str = sha) -> QImage:
                # the workstation's checks and decode: budgets, orientation, blank fields
                decoded = decode_for_display(self.client.image(sha), max_side=880)
                return ShownImage(fit_within(decoded.pixels, 440, 320)).image.copy()

            def show(image: QImage, label: QLabel = label) -> None:
                label.setPixmap(QPixmap.fromImage(image))

            def missing(exc: BaseException, label: QLabel = label) -> None:
                if isinstance(exc, ProtocolError) and exc.code.value.startswith("E_IMAGE"):
                    label.setText(texts.error(exc.code.value))
                    label.setWordWrap(True)
                else:
                    label.setText(self.tr("image not at the center: %1").replace("%1", str(exc)))

            run_in_background(decode, show, missing, owner=label)
        self.sig_review_changed.emit()

    def record_verdict(self, verdict: str) -> None:
        if self.sample is None or self.current is None:
            return
        ref = api.ItemRef(sample_id=self.sample.sample_id, request_id=self.current)

        def recorded(_: api.Recorded) -> None:
            for button in self.btn_verdicts.values():
                button.setEnabled(False)
            self._ask(api.REVEAL, ref, self._show_original)

        args = api.VerdictArgs.model_validate(
            {**ref.model_dump(), "verdict": verdict, "note": self.review_note.text()[:500]}
        )
        self._ask(api.RECORD_VERDICT, args, recorded)

    def _show_original(self, shown: api.Reveal) -> None:
        if shown.request_id != self.current:
            return
        self.revealed = shown
        parts = [
            self.tr("Your verdict: %1 · original: %2 · %3")
            .replace("%1", shown.your_verdict)
            .replace("%2", shown.original_verdict)
            .replace("%3", self.tr("agree") if shown.agree else self.tr("DISAGREE"))
        ]
        for d in shown.decisions:
            at = (
                ""
                if d.decided_at is None
                else dt.datetime.fromtimestamp(d.decided_at / 1000).strftime("%Y-%m-%d %H:%M:%S")
            )
            parts.append(
                f"{d.authorizer_id}: {d.verdict} {d.reason_code or ''} "
                f"{visible(d.reason_text)} ({at})"
            )
        for f in shown.findings:
            parts.append(
                self.tr("Center re-check: %1 %2").replace("%1", f.code).replace("%2", f.detail)
            )
        mark = {"match": "✓", "mismatch": "✗"}
        for r in shown.readings:
            seen_by = (
                self.tr("shown to the authorizer")
                if r.named
                else self.tr("not named by the decision (arrived after it, or not shown)")
            )
            parts.append(
                self.tr("Machine reading by %1 (%2), %3:")
                .replace("%1", r.reader_id)
                .replace("%2", r.engine)
                .replace("%3", seen_by)
            )
            for e in r.elements:
                read = visible(e.seen.replace("\n", " / ")) or "—"
                parts.append(
                    f"  {mark.get(e.verdict, '?')} {texts.element_row(e.element)}: "
                    f"{visible(e.keyed)} · {read}"
                )
        self.original.setText("\n".join(parts))
        for button in self.btn_verdicts.values():
            button.setEnabled(False)
        self.finding_box.setEnabled(True)
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
        by = str(finding.confirmed_by)
        state = {
            "final": self.tr("recorded"),
            "awaiting_confirmation": self.tr("awaiting a second person's confirmation"),
            "confirmed": self.tr("confirmed by %1").replace("%1", by),
            "rejected": self.tr("not confirmed by %1").replace("%1", by),
        }[finding.state]
        self.finding_state.setText(
            f"{finding.outcome} {finding.category} — {state} ({finding.reviewer})"
        )
        self.sig_review_changed.emit()

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
        charts = QGridLayout()
        self.chart_hours = pg.PlotWidget(title=self.tr("Requests by hour of day"))
        self.chart_people = pg.PlotWidget(title=self.tr("笔均授权时间 by authorizer (s)"))
        self.chart_parts = pg.PlotWidget(title=self.tr("Where the time goes (s)"))
        self.chart_rates = pg.PlotWidget(title=self.tr("Outcomes (%)"))
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
        outer.addWidget(QLabel(self.tr("Re-review: blind verdicts against the original")))
        outer.addWidget(self.agreement_table)
        outer.addWidget(self.repeat)
        self.tabs.addTab(page, self.tr("Statistics"))

    def refresh_stats(self) -> None:
        days = api.DayRange(day_from=_date(self.stats_from), day_to=_date(self.stats_to))
        self._ask(api.STATS, days, self.show_stats)
        self._ask(api.AGREEMENT, api.NoArgs(), self.show_agreement)

    def show_agreement(self, agreement: api.Agreement) -> None:
        """Agreement rates per category and per authorizer; confirmed errors; repeats."""
        errors = agreement.errors_by_authorizer
        rows = []
        for rates, group in ((agreement.by_category, None), (agreement.by_authorizer, errors)):
            for name, v in rates.items():
                rate = "—" if v.rate is None else f"{v.rate * 100:.0f}%"
                found = "" if group is None else sum(group.get(name, {}).values())
                rows.append([name, v.reviews, v.agree, rate, found])
        _fill(self.agreement_table, rows)
        repeat = agreement.repeat_findings
        self.repeat.setText(
            self.tr("Repeat findings (two or more confirmed errors): %1").replace(
                "%1", ", ".join(repeat) if repeat else self.tr("none")
            )
        )

    def show_stats(self, stats: api.Stats) -> None:
        self.stats = stats
        rates = stats.rates
        self.stats_summary.setText(
            self.tr(
                "Volume %1 · decided %2 · 笔均授权时间 %3 s (queue %4, viewing %5, deciding %6) · "
                "teller rework %7 s · approved %8% · rejected %9% · returned %10% · timed out "
                "%11% · peak hours %12"
            )
            .replace("%10", f"{rates['returned'] * 100:.1f}")
            .replace("%11", f"{rates['timed_out'] * 100:.1f}")
            .replace("%12", ", ".join(f"{h}:00" for h in stats.peak_hours))
            .replace("%1", str(stats.volume))
            .replace("%2", str(stats.decided))
            .replace("%3", _num(stats.avg_total_s))
            .replace("%4", _num(stats.avg_queue_s))
            .replace("%5", _num(stats.avg_viewing_s))
            .replace("%6", _num(stats.avg_deciding_s))
            .replace("%7", _num(stats.avg_rework_s))
            .replace("%8", f"{rates['approved'] * 100:.1f}")
            .replace("%9", f"{rates['rejected'] * 100:.1f}")
        )
        _bars(
            self.chart_hours,
            [int(h) for h in stats.by_hour],
            [v.volume for v in stats.by_hour.values()],
        )
        people = stats.by_authorizer
        names = [p for p in people if p]
        _bars(
            self.chart_people,
            list(range(len(names))),
            [people[p].avg_total_s or 0 for p in names],
            names,
        )
        parts = [stats.avg_queue_s, stats.avg_viewing_s, stats.avg_deciding_s, stats.avg_rework_s]
        _bars(
            self.chart_parts,
            list(range(4)),
            [p or 0 for p in parts],
            [self.tr("queue"), self.tr("viewing"), self.tr("deciding"), self.tr("rework")],
        )
        outcome_names = ["approved", "rejected", "returned", "timed_out", "cancelled"]
        _bars(
            self.chart_rates,
            list(range(len(outcome_names))),
            [rates[o] * 100 for o in outcome_names],
            outcome_names,
        )
        self.sig_stats_shown.emit()

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
        from ui.lead.report import write_csv, write_pdf

        assert self.stats is not None
        if kind == "pdf":
            write_pdf(
                path,
                self.stats,
                self.sample,
                self.charts(),
                _date(self.stats_from),
                _date(self.stats_to),
            )
        else:
            write_csv(path, self.stats, self.sample)
        self.status.setText(self.tr("Written: %1").replace("%1", str(path)))


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _bars(
    chart: pg.PlotWidget, x: list[int], heights: list[float], labels: list[str] | None = None
) -> None:
    chart.clear()
    if not x:
        return
    chart.addItem(pg.BarGraphItem(x=x, height=heights, width=0.7, brush="#2f6db5"))
    axis = chart.getAxis("bottom")
    if labels is not None:
        axis.setTicks([list(zip(x, labels, strict=True))])
    else:
        axis.setTicks(None)
