"""The evidence window: the workspace on its own, for the second monitor."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow

from ui.evidence.workspace import EvidenceWorkspace


class EvidenceWindow(QMainWindow):
    sig_closing = Signal()
    """The window is closing (its placement is saved)."""

    def __init__(self, workspace: EvidenceWorkspace, authorizer: str) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("AuthDesk — Evidence — %1").replace("%1", authorizer))
        self.workspace = workspace
        self.setCentralWidget(workspace)

    def release_workspace(self) -> EvidenceWorkspace:
        """Hand the workspace back (the main window shows it when this window is closed)."""
        self.takeCentralWidget()
        return self.workspace

    def closeEvent(self, event: QCloseEvent) -> None:
        self.sig_closing.emit()
        super().closeEvent(event)
