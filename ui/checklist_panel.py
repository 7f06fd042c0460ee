"""The review checklist (审核要点) of the item in hand: tick rows from the keyboard; selecting a
row zooms the evidence to the place it is about; a failing row pre-fills the reason."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QListWidget, QListWidgetItem, QVBoxLayout

from clientsvc.checklist import ChecklistRow
from clientsvc.workstation.desk_model import Desk
from ui import theme
from ui.actions import ACTIONS, ACTIONS_BY_ID, key_name
from ui.named import named

MARKS = {"": "☐", "pass": "✓", "fail": "✗"}


class ChecklistPanel(QFrame):
    sig_row_selected = Signal(object)
    """A row was selected or asked to zoom (ChecklistRow): show its place on the image."""
    sig_results_changed = Signal()
    """A row was ticked as fine or failing, or cleared."""

    def __init__(self, language: str = "en") -> None:
        super().__init__()
        self.setObjectName("Card")
        self.language = "zh" if language.startswith("zh") else "en"
        layout = QVBoxLayout(self)
        self.title = named(QLabel(), "SectionTitle")
        layout.addWidget(self.title)
        self.hint = named(QLabel(), "FieldLabel")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.list = named(QListWidget(), "Checklist")
        self.list.setWordWrap(True)  # a long row wraps in a narrow column, never cut off
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.fit_rows = False  # one screen: tall enough for every row (the column scrolls)
        self._refit = QTimer(self, singleShot=True, interval=0)
        self._refit.timeout.connect(self.fit)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.list.installEventFilter(self)
        layout.addWidget(self.list, 1)
        self._rows: tuple[ChecklistRow, ...] = ()
        self._results: dict[str, str] = {}
        self._machine: set[str] = set()  # rows the machine's findings fail
        self._keys = {
            spec.id: QKeySequence(spec.shortcut) for spec in ACTIONS if spec.scope == "checklist"
        }
        self.title.setText(self.tr("Checklist"))
        self.hint.setText(
            self.tr("F2 to start · ↑↓ rows · %1 fine · %2 fails · %4 the rest fine · %3 zoom to it")
            .replace(
                "%4",
                key_name(ACTIONS_BY_ID["check_rest_fine"].shortcut),
            )
            .replace("%1", key_name(ACTIONS_BY_ID["check_pass"].shortcut))
            .replace("%2", key_name(ACTIONS_BY_ID["check_fail"].shortcut))
            .replace("%3", key_name(ACTIONS_BY_ID["check_zoom"].shortcut))
        )

    def set_rows(
        self, rows: tuple[ChecklistRow, ...], machine_failing: frozenset[str] = frozenset()
    ) -> None:
        """The item's rows; ``machine_failing``: rows a machine finding fails, shown failing
        (the authorizer cannot tick them fine)."""
        self._rows = rows
        self._results = {row.id: "" for row in rows}
        self._machine = set(machine_failing)
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            entry = QListWidgetItem()
            entry.setData(Qt.ItemDataRole.UserRole, row.id)
            self.list.addItem(entry)
            self._render(self.list.count() - 1)
        self.list.blockSignals(False)
        self.fit()

    def fit(self) -> None:
        """With ``fit_rows``, every row shown whole: the column around it scrolls instead."""
        if not self.fit_rows:
            if self.list.minimumHeight():
                self.list.setMinimumHeight(0)
            return
        view = self.list
        view.doItemsLayout()  # the rows as wrapped at the list's width now
        model = view.model()
        rows = sum(view.visualRect(model.index(i, 0)).height() for i in range(view.count()))
        view.setMinimumHeight(rows + 2 * view.frameWidth() + 2 * view.spacing() * view.count() + 4)

    def rows(self) -> tuple[ChecklistRow, ...]:
        return self._rows

    def results(self) -> dict[str, str]:
        """Row id → "pass", "fail" or "" (not ticked)."""
        return dict(self._results)

    def failing(self) -> list[ChecklistRow]:
        """Rows failing: marked by the authorizer or failed by a machine finding."""
        return [
            row
            for row in self._rows
            if self._results.get(row.id) == "fail" or row.id in self._machine
        ]

    def open_required(self) -> list[ChecklistRow]:
        """Rows the type requires answered before an approval, still unanswered."""
        return [
            row
            for row in self._rows
            if row.required and not self._results.get(row.id) and row.id not in self._machine
        ]

    def mark_rest_fine(self) -> None:
        """Every row not yet answered (and not failed by the machine) is fine."""
        changed = False
        for index, row in enumerate(self._rows):
            if not self._results.get(row.id) and row.id not in self._machine:
                self._results[row.id] = "pass"
                self._render(index)
                changed = True
        if changed:
            self.sig_results_changed.emit()

    def tell(self, desk: Desk) -> None:
        """The desk's rules read the checklist as answered now."""
        desk.checklist_answered(
            self._rows,
            self.failing(),
            tuple(self.marked_failing()),
            tuple(self.open_required()),
            self.results(),
        )

    def marked_failing(self) -> list[str]:
        """Rows the authorizer marked failing (not those a finding fails)."""
        return [row.id for row in self._rows if self._results.get(row.id) == "fail"]

    def focus_list(self) -> None:
        if self.list.count() and self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def mark(self, index: int, result: str) -> None:
        """Tick row ``index`` as "pass" or "fail"; the same again clears it."""
        if not 0 <= index < len(self._rows):
            return
        row = self._rows[index]
        if row.id in self._machine:
            return  # failed by the machine's finding: only a reject, a return or an override
        self._results[row.id] = "" if self._results[row.id] == result else result
        self._render(index)
        self.sig_results_changed.emit()

    def recolour(self) -> None:
        """After a theme switch: every row in the new theme's colours."""
        for index in range(len(self._rows)):
            self._render(index)

    def _next_row(self, index: int) -> None:
        if 0 <= index < len(self._rows) - 1:
            self.list.setCurrentRow(index + 1)

    def _render(self, index: int) -> None:
        row = self._rows[index]
        result = "fail" if row.id in self._machine else self._results.get(row.id, "")
        entry = self.list.item(index)
        machine = self.tr("  (machine check)") if row.id in self._machine else ""
        required = self.tr("  (required)") if row.required and not result else ""
        entry.setText(f"{MARKS[result]}  {row.label(self.language)}{machine}{required}")
        entry.setData(Qt.ItemDataRole.AccessibleDescriptionRole, result or "unchecked")
        entry.setForeground(theme.colour({"pass": "ok", "fail": "error"}.get(result, "text")))

    def _on_list_current_row_changed(self, index: int) -> None:
        if 0 <= index < len(self._rows):
            self.sig_row_selected.emit(self._rows[index])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.list and event.type() == QEvent.Type.Resize and self.fit_rows:
            assert isinstance(event, QResizeEvent)
            if event.size().width() != event.oldSize().width():
                self._refit.start()  # the rows wrap at the new width: their heights change
        if watched is self.list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            pressed = QKeySequence(event.keyCombination())
            index = self.list.currentRow()
            if pressed.matches(self._keys["check_pass"]) == QKeySequence.SequenceMatch.ExactMatch:
                self.mark(index, "pass")
                self._next_row(index)
                return True
            if pressed.matches(self._keys["check_fail"]) == QKeySequence.SequenceMatch.ExactMatch:
                self.mark(index, "fail")
                self._next_row(index)
                return True
            if (
                pressed.matches(self._keys["check_rest_fine"])
                == QKeySequence.SequenceMatch.ExactMatch
            ):
                self.mark_rest_fine()
                return True
            if pressed.matches(self._keys["check_zoom"]) == QKeySequence.SequenceMatch.ExactMatch:
                if 0 <= index < len(self._rows):
                    self.sig_row_selected.emit(self._rows[index])
                return True
        return super().eventFilter(watched, event)
