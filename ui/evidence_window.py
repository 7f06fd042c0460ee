"""The evidence window: the workspace on its own, for the second monitor."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QMainWindow

from ui.evidence.workspace import EvidenceWorkspace


class EvidenceWindow(QMainWindow):
    sig_closing = Signal()
    """The window is closing (its placement is saved)."""

    def __init__(self, workspace: EvidenceWorkspace, authorizer: str) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("AuthDesk — Evidence — %1").replace("%1", authorizer))
        self.workspace = workspace
        self.setCentralWidget(workspace)
        self._cover = QLabel(
            self.tr("🔒 Locked: no customer images are shown."), objectName="EmptyState"
        )
        self._cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._cover.hide()

    def set_locked(self, locked: bool) -> None:
        """Cover the window while the session is locked (the workspace is empty then too)."""
        self._cover.setParent(self if locked else None)
        if locked:
            self._cover.setGeometry(self.rect())
            self._cover.setAutoFillBackground(True)
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
