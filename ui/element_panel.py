"""The element panel: each element that matters for the type, keyed, beside what was found on
an image, with a crop of the place it was found and a state: ✓, ✗ or ? (not found or
unreadable; never shown as ✓). Selecting a row zooms the evidence to that place.

The rows come from ``clientsvc.workstation.desk.element_rows`` (no Qt there); this widget only
shows them. Two sources, each row labelled with its own: the machine reading of the pixels
(``desk.reading_rows``, the reader's signed reading, docs/READING.md) and what the teller
system says is written on its images (``EvidenceRef.meta``). Above the table a line says how
the machine reading stands: done (by which reader and engine), under way, or unavailable.
Tab and Shift+Tab move through the elements while the table has the focus."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from clientsvc.money import amount_in_figures
from clientsvc.protocol.edge import display_name
from clientsvc.protocol.messages import AuthRequest
from clientsvc.workstation.desk import MISMATCH, OK, ElementRow
from ui import texts, theme
from ui.evidence.library import EvidenceLibrary
from ui.named import named

MARK = {OK: "✓", MISMATCH: "✗"}
CROP_HEIGHT = 30
SIZED_TO_CONTENTS = (0, 1, 2, 4, 5)
CROP_PAD = 6  # pixels around a box the reader found, in the crop


class ElementTable(QTableWidget):
    """Tab and Shift+Tab go to the next and the previous element (row), not cell by cell;
    past the last (or before the first) the focus moves on as anywhere else."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and self.rowCount():
            step = -1 if key == Qt.Key.Key_Backtab else 1
            row = self.currentRow() + step if self.currentRow() >= 0 else (0 if step > 0 else -1)
            if 0 <= row < self.rowCount():
                self.setCurrentCell(row, 0)
                event.accept()
                return
        super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        row = self.currentRow() + (1 if next else -1)
        if self.hasFocus() and 0 <= row < self.rowCount():
            self.setCurrentCell(row, 0)
            return True
        return super().focusNextPrevChild(next)


class ElementPanel(QFrame):
    sig_row_selected = Signal(str, str)
    """A row was selected: (image kind, region name) to zoom the evidence to."""
    sig_box_selected = Signal(str, object)
    """A row of the machine reading was selected: (image sha256, box in its pixels)."""

    def __init__(self, library: EvidenceLibrary) -> None:
        super().__init__()
        self.setObjectName("Card")
        self.library = library
        layout = QVBoxLayout(self)
        self.title = named(QLabel(self.tr("Elements: keyed, and on the image")), "SectionTitle")
        self.source = named(QLabel(), "FieldLabel")
        self.source.setWordWrap(True)
        self.table = named(ElementTable(0, 6), "Elements")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Element"),
                self.tr("Keyed"),
                self.tr("On the image"),
                self.tr("Where"),
                self.tr("Check"),
                self.tr("Source"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        # the values whole (a truncated number is no number): sized to their contents once per
        # item, after every cell is filled (re-measuring at each cell cost milliseconds)
        for column in SIZED_TO_CONTENTS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        self.table.verticalHeader().setDefaultSectionSize(CROP_HEIGHT + 6)
        self.table.currentCellChanged.connect(self._on_table_current_cell_changed)
        layout.addWidget(self.title)
        layout.addWidget(self.source)
        layout.addWidget(self.table, 1)
        self._rows: list[ElementRow] = []
        self._request: AuthRequest | None = None
        self.fit_rows = False  # one screen: tall enough for every row (the column scrolls)
        # crops are drawn after the item is on screen, never on the way to it, coalesced
        self._crop_timer = QTimer(self, singleShot=True, interval=0)
        self._crop_timer.timeout.connect(self._draw_crops)
        library.sig_image_changed.connect(self._on_library_image_changed)

    def rows(self) -> list[ElementRow]:
        return list(self._rows)

    def set_rows(
        self, request: AuthRequest | None, rows: list[ElementRow], status: str = ""
    ) -> None:
        """``status``: the machine reading's line (``texts.reading_status``). When the
        machine reading is there, the teller system's rows that report nothing are left out
        (the reading's row says what is on the image)."""
        self.source.setText(status)
        self.source.setVisible(bool(status))
        if any(r.source == "reader" for r in rows):
            rows = [r for r in rows if r.source == "reader" or r.found is not None]
        self._request, self._rows = request, rows
        self.table.blockSignals(True)
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(len(rows))  # rows removed take their cell widgets with them
        for i, row in enumerate(rows):
            state = MARK.get(row.state, "?")
            cells = [
                texts.element_row(row.key),
                _shown(row.key, row.keyed, keyed=True),
                _shown(row.key, row.found, keyed=False) if row.found is not None else "—",
                "",
                state,
                texts.element_source(row.source),
            ]
            for column, text in enumerate(cells):
                item = self.table.item(i, column)
                if item is None:  # created once per cell, reused: items cost on every item
                    item = QTableWidgetItem()
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    self.table.setItem(i, column, item)
                item.setText(text)
                if column == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    item.setForeground(
                        theme.colour({OK: "ok", MISMATCH: "error"}.get(row.state, "warn"))
                    )
                    item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, row.state)
            self._crop_label(i).clear()
        for column in SIZED_TO_CONTENTS:
            self.table.resizeColumnToContents(column)
        self.table.setUpdatesEnabled(True)
        self.table.blockSignals(False)
        self.fit()
        self._crop_timer.start()

    def fit(self) -> None:
        """With ``fit_rows``, every row shown whole: the column around it scrolls instead."""
        table = self.table
        if not self.fit_rows:
            if table.minimumHeight():
                table.setMinimumHeight(0)
            return
        rows = sum(table.rowHeight(i) for i in range(table.rowCount()))
        height = table.horizontalHeader().sizeHint().height() + rows + 2 * table.frameWidth()
        # room for the sideways bar, which comes and goes with the column's width
        table.setMinimumHeight(height + table.horizontalScrollBar().sizeHint().height())

    def _crop_label(self, index: int) -> QLabel:
        """The crop cell's label, made once per row the table holds (the table owns it)."""
        label = self.table.cellWidget(index, 3)
        if not isinstance(label, QLabel):
            label = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
            self.table.setCellWidget(index, 3, label)
        return label

    def _on_library_image_changed(self, sha256: str) -> None:
        if self._request is not None and any(e.sha256 == sha256 for e in self._request.evidence):
            self._crop_timer.start()

    def _draw_crops(self) -> None:
        for i in range(len(self._rows)):
            self._set_crop(i)

    def _set_crop(self, index: int) -> None:
        """A crop of the place on the image where the element was found, beside it."""
        row, request = self._rows[index], self._request
        label = self._crop_label(index)
        if row.box is not None:
            self._set_box_crop(label, row.sha256, row.box)
            return
        ref = next((e for e in request.evidence if e.kind == row.kind), None) if request else None
        image = self.library.get(ref.sha256) if ref is not None else None
        if ref is not None and image is not None and image.ready and row.region in ref.regions:
            rect = image.region_rect(tuple(ref.regions[row.region]))
            level, scale = image.level_for(CROP_HEIGHT / max(1.0, rect.height()))
            part = QRectF(
                rect.x() * scale, rect.y() * scale, rect.width() * scale, rect.height() * scale
            ).toAlignedRect()
            crop = level.image.copy(part)
            if not crop.isNull():
                label.setPixmap(
                    QPixmap.fromImage(crop).scaled(
                        max(40, self.table.columnWidth(3) - 6),
                        CROP_HEIGHT,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                )

    def _set_box_crop(self, label: QLabel, sha256: str, box: tuple[int, int, int, int]) -> None:
        """A crop of the box the reader read the element in (pixels of the image)."""
        image = self.library.get(sha256)
        if image is None or not image.ready:
            return
        x0, y0 = max(0, box[0] - CROP_PAD), max(0, box[1] - CROP_PAD)
        x1, y1 = min(image.width, box[2] + CROP_PAD), min(image.height, box[3] + CROP_PAD)
        if x1 <= x0 or y1 <= y0:
            return
        level, scale = image.level_for(CROP_HEIGHT / max(1.0, y1 - y0))
        part = QRectF(x0 * scale, y0 * scale, (x1 - x0) * scale, (y1 - y0) * scale)
        crop = level.image.copy(part.toAlignedRect())
        if not crop.isNull():
            label.setPixmap(
                QPixmap.fromImage(crop).scaled(
                    max(40, self.table.columnWidth(3) - 6),
                    CROP_HEIGHT,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )

    def _on_table_current_cell_changed(self, row: int, *_: int) -> None:
        if not 0 <= row < len(self._rows):
            return
        chosen = self._rows[row]
        if chosen.box is not None:
            self.sig_box_selected.emit(chosen.sha256, chosen.box)
        elif chosen.region:
            self.sig_row_selected.emit(chosen.kind, chosen.region)


def _shown(key: str, value: str | None, *, keyed: bool) -> str:
    if value is None:
        return "—"
    if key == "amount" and value.isdigit():
        return amount_in_figures(int(value))
    if key == "voucher_date" and keyed:
        return texts.today_is(value)
    if key in ("id_validity", "id_valid") and keyed:
        return texts.valid_after(value)
    return display_name(value)
