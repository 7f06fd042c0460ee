"""A resubmission on screen: which returned request it corrects, who returned it, when and
why (the code and the words the teller received), what the teller changed, side by side, and
what became of the images. It draws ``clientsvc.workstation.resubmit``; it decides nothing."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from clientsvc.money import amount_in_figures
from clientsvc.protocol.edge import display_name, visible
from clientsvc.workstation.engine import ReceivedItem
from clientsvc.workstation.resubmit import Change, changes, dropped_evidence, new_evidence
from ui import texts
from ui.named import named

MAX_ROWS = 24  # a hostile request may change hundreds of keys; the card lists them all


class ResubmissionPanel(QFrame):
    def __init__(self, authorizer_id: str) -> None:
        super().__init__()
        self.setObjectName("Resubmission")
        self.authorizer_id = authorizer_id
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 8, 10, 8)
        self.lbl_title = named(QLabel(), "ResubmissionTitle")
        self.lbl_reason = named(QLabel(), "ResubmissionReason")
        self.lbl_unchanged = named(QLabel(), "ResubmissionWarn")
        self.lbl_images = named(QLabel(), "ResubmissionImages")
        for label in (self.lbl_title, self.lbl_reason, self.lbl_unchanged, self.lbl_images):
            label.setTextFormat(Qt.TextFormat.PlainText)  # the teller's and the returner's words
            label.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(14)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self._cells: list[tuple[QLabel, QLabel, QLabel]] = []
        self._header = tuple(
            named(QLabel(text), "ResubmissionHead")
            for text in (self.tr("Element"), self.tr("Original"), self.tr("Now"))
        )
        for col, cell in enumerate(self._header):
            self.grid.addWidget(cell, 0, col)
        column.addWidget(self.lbl_title)
        column.addWidget(self.lbl_reason)
        column.addWidget(self.lbl_unchanged)
        column.addLayout(self.grid)
        column.addWidget(self.lbl_images)
        self.shown_changes: list[Change] = []
        self.new_images: list[str] = []
        self.hide()

    def show_item(self, item: ReceivedItem) -> None:
        original = item.original
        if original is None:
            self.shown_changes, self.new_images = [], []
            self.hide()
            return
        who = (
            self.tr("you (%1)").replace("%1", original.authorizer_id)
            if original.authorizer_id == self.authorizer_id
            else original.authorizer_id
        )
        when = QDateTime.fromMSecsSinceEpoch(original.decided_at).toString("yyyy-MM-dd HH:mm:ss")
        self.lbl_title.setText(
            self.tr("Resubmission of request %1, returned by %2 at %3")
            .replace("%1", original.request.request_id)
            .replace("%2", who)
            .replace("%3", when)
        )
        code = original.reason_code or ""
        reason = f"{code} {texts.reason(code)}" if code else texts.absent()
        words = visible(original.reason_text)
        self.lbl_reason.setText(
            self.tr("Returned for: %1 — “%2”").replace("%1", reason).replace("%2", words)
            if words
            else self.tr("Returned for: %1").replace("%1", reason)
        )
        found = changes(original.request, item.request)
        added = new_evidence(original.request, item.request)
        dropped = dropped_evidence(original.request, item.request)
        self.shown_changes, self.new_images = found, added
        self.lbl_unchanged.setVisible(not found)
        self.lbl_unchanged.setText(
            self.tr("No element changed and no new image: what it was returned for may remain.")
            if not added
            else self.tr("No element changed: only the images are new.")
        )
        self._fill(found)
        parts = []
        if added:
            parts.append(
                self.tr("%1 new (marked NEW among the images)").replace("%1", str(len(added)))
            )
        if dropped:
            parts.append(self.tr("%1 of the original's withdrawn").replace("%1", str(len(dropped))))
        self.lbl_images.setText(
            self.tr("Images: %1").replace("%1", " · ".join(parts))
            if parts
            else self.tr("Images: the same as the original's")
        )
        self.show()

    def _fill(self, found: list[Change]) -> None:
        rows: list[tuple[str, str, str]] = []
        for cell in self._header:
            cell.setVisible(bool(found))
        for change in found[:MAX_ROWS]:
            old, new = _value(change, change.old), _value(change, change.new)
            if "".join(old.split()) == "".join(new.split()):  # spaces, or another encoding
                new += self.tr("  (differs in spaces or encoding only)")
            rows.append((_label(change), old, new))
        if len(found) > MAX_ROWS:
            rows.append(
                (
                    "",
                    self.tr("… %1 more changes not listed").replace(
                        "%1", str(len(found) - MAX_ROWS)
                    ),
                    "",
                )
            )
        while len(self._cells) < len(rows):
            i = len(self._cells)
            cells = (
                named(QLabel(), "FieldLabel"),
                named(QLabel(), "ResubmissionOld"),
                named(QLabel(), "ResubmissionNew"),
            )
            for col, cell in enumerate(cells):
                cell.setTextFormat(Qt.TextFormat.PlainText)
                cell.setWordWrap(True)
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.grid.addWidget(cell, i + 1, col)
            self._cells.append(cells)
        for i, cells in enumerate(self._cells):
            for cell, text in zip(cells, rows[i] if i < len(rows) else ("", "", ""), strict=True):
                cell.setText(text)
                cell.setVisible(i < len(rows))

    def rows(self) -> list[tuple[str, str, str]]:
        """What the table shows, the header first when there is a change (for tests)."""
        element, original, now = self._header
        shown = element.isVisibleTo(self)
        head = [(element.text(), original.text(), now.text())] if shown else []
        return head + [
            (a.text(), b.text(), c.text()) for a, b, c in self._cells if b.isVisibleTo(self)
        ]


def _label(change: Change) -> str:
    if change.in_elements:
        return texts.element(change.element)
    return texts.request_field(change.element)


def _value(change: Change, value: str | int | None) -> str:
    if value is None:
        return texts.absent()
    if change.in_elements:
        return display_name(str(value))
    match change.element:
        case "amount_fen" if isinstance(value, int):
            return amount_in_figures(value)
        case "txn_type":
            return texts.txn_type(str(value))
        case "account_no":
            return texts.group_digits(str(value))
        case _:
            return display_name(str(value))
