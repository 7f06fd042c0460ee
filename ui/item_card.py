"""The item's header card (type, the teller's wait, what is asked and why, where from, the
amount, dual authorization, accounts and IDs grouped, the teller's note, the images' state,
the next item held) and the red banner of the machine's findings above the item."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtCore import QDateTime, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from clientsvc.crosscheck import Finding
from clientsvc.money import amount_in_figures, amount_in_words
from clientsvc.protocol.edge import display_name, visible
from clientsvc.workstation.desk import why_asked
from clientsvc.workstation.engine import ReceivedItem
from ui import texts
from ui.actions import ACTIONS_BY_ID
from ui.named import named
from ui.resubmission_panel import ResubmissionPanel
from ui.status_strip import mmss, repolish, set_level


class FindingBanner(QLabel):
    """Every disagreement the machine found, one line each, who says what is on the image, and
    what to do; never squeezed by a panel opening below."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("FindingBanner")
        self.setTextFormat(Qt.TextFormat.PlainText)  # peers' text
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.hide()

    def show_findings(self, findings: tuple[Finding, ...]) -> None:
        if not findings:
            self.hide()
            return
        lines = [self.tr("⚠ The machine check found a disagreement: approval is blocked.")]
        for f in findings:  # each said with its source: the reading's own words name theirs
            said = texts.finding(f)
            if f.source != "reader":
                said = self.tr("Teller system's report: %1").replace("%1", said)
            lines.append("•  " + said)
        lines.append(
            self.tr("Reject %1 · Return %2 · approve anyway: %3, a written reason and your PIN")
            .replace("%1", ACTIONS_BY_ID["reject"].shortcut)
            .replace("%2", ACTIONS_BY_ID["return"].shortcut)
            .replace("%3", ACTIONS_BY_ID["override"].shortcut)
        )
        self.setText("\n".join(lines))
        self.show()
        self.fit()

    def fit(self) -> None:
        """Tall enough for every line at its width: the splitter may not squeeze it."""
        if self.isVisible():
            self.setMinimumHeight(self.heightForWidth(max(240, self.width())))


class ItemCard(QFrame):
    def __init__(self, authorizer_id: str = "") -> None:
        super().__init__()
        self.setObjectName("Card")
        grid = QVBoxLayout(self)
        head = QHBoxLayout()
        self.lbl_title = named(QLabel(), "ItemTitle")
        self.lbl_wait = named(QLabel(), "WaitClock")
        head.addWidget(self.lbl_title, 1)
        head.addWidget(self.lbl_wait)
        grid.addLayout(head)
        self.lbl_asked = named(QLabel(), "AskedLine")  # level, single or dual, and why
        self.lbl_asked.setWordWrap(True)
        self.lbl_origin = named(QLabel(), "FieldLabel")
        self.lbl_origin.setTextFormat(Qt.TextFormat.PlainText)  # peers' text
        self.lbl_origin.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lbl_origin.setWordWrap(True)
        self.lbl_amount = named(QLabel(), "AmountFigures")
        self.lbl_amount_words = named(QLabel(), "AmountWords")
        self.lbl_amount_words.setWordWrap(True)
        self.lbl_dual = named(QLabel(), "Dual")
        self.lbl_dual.setWordWrap(True)
        self.lbl_dual.hide()
        for label in (
            self.lbl_asked,
            self.lbl_origin,
            self.lbl_amount,
            self.lbl_amount_words,
            self.lbl_dual,
        ):
            grid.addWidget(label)
        self.resubmission = ResubmissionPanel(authorizer_id)
        grid.addWidget(self.resubmission)
        self.fields = QGridLayout()
        self.fields.setColumnStretch(1, 1)
        self.fields.setVerticalSpacing(8)
        self._field_rows: list[tuple[QLabel, QLabel]] = []
        grid.addLayout(self.fields)
        self.lbl_next = named(QLabel(), "FieldLabel")
        self.lbl_evidence = named(QLabel(), "EvidenceStatus")
        for changing in (self.lbl_next, self.lbl_evidence, self.lbl_title, self.lbl_asked):
            # texts that change while an item is on screen must not move the panes
            changing.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        grid.addStretch(1)
        grid.addWidget(self.lbl_evidence)
        grid.addWidget(self.lbl_next)

    def show_item(self, item: ReceivedItem) -> None:
        r = item.request
        self.lbl_title.setText(
            texts.txn_type(r.txn_type) + (self.tr("   URGENT") if r.urgent else "")
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
        self.lbl_amount.setVisible(bool(r.amount_fen))
        self.lbl_amount_words.setVisible(bool(r.amount_fen))
        if r.amount_fen:
            self.lbl_amount.setText(amount_in_figures(r.amount_fen))
            self.lbl_amount_words.setText(f"人民币{amount_in_words(r.amount_fen)}")
        self.lbl_dual.setText(self._dual_text(item))
        self.lbl_dual.setVisible(item.approvals_needed > 1)
        self.resubmission.show_item(item)
        rows: list[tuple[str, str, bool]] = []
        if r.account_no:  # 尾箱超限 and other teller operations have no customer
            rows.append((self.tr("Account"), texts.group_digits(r.account_no), True))
        if r.account_name:
            rows.append((self.tr("Account name"), display_name(r.account_name), True))
        if r.id_number:
            rows.append((self.tr("ID number"), r.id_number, True))
        order = {key: i for i, key in enumerate(texts.ELEMENT_ORDER)}
        for key in sorted(r.elements, key=lambda k: (order.get(k, len(order)), k)):
            rows.append((texts.element(key), display_name(r.elements[key]), False))
        if r.summary:  # free text: anything invisible shown as a marked placeholder
            rows.append((self.tr("Teller's note"), visible(r.summary), False))
        self._fill_fields(rows)

    def _fill_fields(self, rows: list[tuple[str, str, bool]]) -> None:
        """Reuse the row widgets: creating widgets per item costs milliseconds on every item."""
        while len(self._field_rows) < len(rows):
            i = len(self._field_rows)
            label = named(QLabel(), "FieldLabel")
            value = named(QLabel(), "FieldValue")
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
                    repolish(value)
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

    def show_wait(self, waited: float, target_s: int) -> None:
        level = "ok" if waited < target_s / 2 else "warn" if waited < target_s else "late"
        self.lbl_wait.setText(self.tr("Teller waiting %1").replace("%1", mmss(waited)))
        set_level(self.lbl_wait, level)

    def show_evidence(self, count: int, ready: int, failed: int) -> None:
        """The images, counted, on this screen too: they may be on the other monitor."""
        if not count:
            self.lbl_evidence.setText("")
            return
        if failed:
            text = self.tr("⚠ %1 of %2 images cannot be shown or failed their check")
            level, n = "error", failed
        elif ready < count:
            text, level, n = self.tr("Images: %1 of %2 loaded…"), "warn", ready
        else:
            text = self.tr("Images: %1 of %2 verified (SHA-256) and shown ✓")
            level, n = "ok", ready
        self.lbl_evidence.setText(text.replace("%1", str(n)).replace("%2", str(count)))
        set_level(self.lbl_evidence, level)

    def show_next(self, upcoming: list[ReceivedItem]) -> None:
        self.lbl_next.setText(
            self.tr("Next item ready: %1").replace(
                "%1", texts.txn_type(upcoming[0].request.txn_type)
            )
            if upcoming
            else ""
        )


@runtime_checkable
class _RowsFit(Protocol):
    """A pane that grows to show every row (one screen, where the column scrolls)."""

    fit_rows: bool

    def fit(self) -> None: ...


def _fit_rows(pane: QWidget, fit: bool) -> None:
    if isinstance(pane, _RowsFit):
        pane.fit_rows = fit
        pane.fit()


class ItemView(QWidget):
    """The item: the finding banner across it, above the card, the element panel and the
    checklist. Two screens: the three side by side (the evidence is on the other monitor). One
    screen: one column beside the evidence, each pane at its full height, the column scrolling
    (never a table squeezed to one row), and the pane that takes the keys scrolled into view."""

    def __init__(self, banner: FindingBanner, panes: tuple[QWidget, ...]) -> None:
        super().__init__()
        self.panes = panes
        self.embedded: bool | None = None
        self.left_column = QSplitter(Qt.Orientation.Horizontal)
        self.column = named(QWidget(), "ItemColumn")
        self.column_layout = QVBoxLayout(self.column)
        self.column_layout.setContentsMargins(0, 0, 4, 0)
        self.column_scroll = named(QScrollArea(), "ItemScroll")
        self.column_scroll.setWidgetResizable(True)
        self.column_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.column_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.column_scroll.setWidget(self.column)
        self.column_scroll.setMinimumWidth(460)  # the element table's values whole
        self.item_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.item_splitter.addWidget(self.left_column)
        self.item_splitter.addWidget(self.column_scroll)
        self.column_scroll.hide()
        self._side_by_side()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(banner)
        column.addWidget(self.item_splitter, 1)
        QApplication.instance().focusChanged.connect(self._on_focus_changed)  # type: ignore[union-attr]

    def _side_by_side(self) -> None:
        for i, (pane, stretch) in enumerate(zip(self.panes, (2, 3, 2), strict=True)):
            self.left_column.addWidget(pane)
            self.left_column.setStretchFactor(i, stretch)
            _fit_rows(pane, False)
        self.left_column.setSizes([500, 800, 500])  # in proportion, whatever the width

    def embed(self, workspace: QWidget, embedded: bool) -> None:
        """One screen: the evidence workspace sits beside the column of panes. Two: it is
        elsewhere, and the card, the elements and the checklist share the window side by
        side."""
        if embedded == self.embedded:
            return
        self.embedded = embedded
        if embedded:
            for pane in self.panes:
                self.column_layout.addWidget(pane)
                _fit_rows(pane, True)
            self.column_layout.addStretch(1)
            self.left_column.hide()
            self.column_scroll.show()
            self.item_splitter.addWidget(workspace)
            self.item_splitter.setStretchFactor(1, 9)
            self.item_splitter.setStretchFactor(2, 11)
            self.item_splitter.setSizes([0, 900, 1100])  # in proportion, whatever the width
            workspace.show()
        else:
            while self.column_layout.count():
                self.column_layout.takeAt(0)
            self._side_by_side()
            self.column_scroll.hide()
            self.left_column.show()
            if workspace.parent() is self.item_splitter:
                workspace.setParent(None)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self.column_scroll.isVisible() and self.column.isAncestorOf(new):
            if isinstance(new, QAbstractItemView) and new.currentIndex().isValid():
                self.keep_in_view(new, new.currentIndex())
            else:
                self.column_scroll.ensureWidgetVisible(new, 0, 0)

    def keep_in_view(self, view: QAbstractItemView, index: QModelIndex) -> None:
        """One screen: the row the keys are on stays in view as Space, X and ↓ move it."""
        if not self.column_scroll.isVisible() or not index.isValid():
            return
        rect = view.visualRect(index)
        top = view.viewport().mapTo(self.column, rect.topLeft())
        self.column_scroll.ensureVisible(top.x(), top.y() + rect.height() // 2, 0, rect.height())
