"""The evidence window: the workspace on its own, for the second monitor."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMainWindow, QVBoxLayout

from ui.evidence.workspace import EvidenceWorkspace
from ui.icons import IconLabel
from ui.named import named


class EvidenceWindow(QMainWindow):
    sig_closing = Signal()
    """The window is closing (its placement is saved)."""

    def __init__(
        self, workspace: EvidenceWorkspace, authorizer_id: str, authorizer_name: str = ""
    ) -> None:
        super().__init__()
        # one title, said once: what the window shows and whose it is (as the main window's)
        if authorizer_name:
            title = self.tr("AuthDesk — Evidence — %1 (%2)").replace("%2", authorizer_name)
        else:
            title = self.tr("AuthDesk — Evidence — %1")
        self.setWindowTitle(title.replace("%1", authorizer_id))
        self.workspace = workspace
        self.setCentralWidget(workspace)
        self._cover = named(QFrame(), "LockCover")
        self._cover.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        line = QHBoxLayout()
        line.addStretch(1)
        line.addWidget(IconLabel("lock", objectName="EmptyState"))
        line.addWidget(
            named(QLabel(self.tr("Locked: no customer images are shown.")), "EmptyState")
        )
        line.addStretch(1)
        column = QVBoxLayout(self._cover)
        column.addStretch(1)
        column.addLayout(line)
        column.addStretch(1)
        self._cover.hide()

    def set_locked(self, locked: bool) -> None:
        """Cover the window while the session is locked (the workspace is empty then too)."""
        self._cover.setParent(self if locked else None)
        if locked:
            self._cover.setGeometry(self.rect())
            self._cover.show()
            self._cover.raise_()
        else:
            self._cover.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._cover.isVisible():
            self._cover.setGeometry(self.rect())

    def release_workspace(self) -> EvidenceWorkspace:
        """Hand the workspace back (the main window shows it when this window is closed)."""
        self.takeCentralWidget()
        return self.workspace

    def closeEvent(self, event: QCloseEvent) -> None:
        self.sig_closing.emit()
        super().closeEvent(event)
