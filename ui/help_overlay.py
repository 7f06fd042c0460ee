"""The keys, shown over a window (F1): read from the one action table."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from ui.actions import ACTIONS, group_title, keys_text, label
from ui.named import named

GROUPS = ("decide", "checklist", "evidence", "video", "session")


# the same dark fill in both themes: the keys on it have their own light colours (style.qss,
# #HelpTitle, #HelpGroup, #HelpKey, #HelpText)
OVERLAY_FILL = (16, 24, 36, 232)


class HelpOverlay(QWidget):
    """Covers its parent; F1 or Escape hides it again (the window's actions do that)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("HelpOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 30, 40, 30)
        title = named(QLabel(self.tr("Keys  (F1 closes)")), "HelpTitle")
        outer.addWidget(title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(2)
        column = 0
        row = 0
        for group in GROUPS:
            specs = [a for a in ACTIONS if a.group == group]
            if row + len(specs) + 1 > 22:
                column += 2
                row = 0
            heading = named(QLabel(group_title(group)), "HelpGroup")
            grid.addWidget(heading, row, column, 1, 2)
            row += 1
            for spec in specs:
                key = named(QLabel(keys_text(spec.id)), "HelpKey")
                what = named(QLabel(label(spec.id)), "HelpText")
                grid.addWidget(key, row, column, Qt.AlignmentFlag.AlignRight)
                grid.addWidget(what, row, column + 1)
                row += 1
            row += 1
        outer.addLayout(grid)
        outer.addStretch(1)
        parent.installEventFilter(self)
        self.hide()

    def set_shown(self, shown: bool) -> None:
        if shown:
            parent = self.parentWidget()  # the widget it covers, never None (__init__)
            if parent is not None:
                self.setGeometry(parent.rect())
            self.raise_()
        self.setVisible(shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        parent = self.parentWidget()
        if parent is not None and watched is parent and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(*OVERLAY_FILL))
