"""Sign-in: authorizer id and PIN; the key is unlocked off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from clientsvc.identity import SigningKey
from ui import texts
from ui.background import run_in_background


class SignInDialog(QDialog):
    sig_signed_in = Signal(object)
    """The PIN was right and the key is unlocked (SigningKey)."""

    def __init__(
        self, unlock: Callable[[str, str], SigningKey], *, authorizer_id: str = "", hint: str = ""
    ) -> None:
        super().__init__()
        self._unlock = unlock
        self.setWindowTitle(self.tr("AuthDesk — Sign in"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Remote authorization workstation"), objectName="ItemTitle")
        layout.addWidget(title)
        form = QFormLayout()
        self.authorizer_id = QLineEdit(authorizer_id)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Authorizer ID"), self.authorizer_id)
        form.addRow(self.tr("PIN"), self.pin)
        layout.addLayout(form)
        self.message = QLabel(hint, objectName="FieldLabel")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.button = QPushButton(self.tr("Sign in   [Enter]"), objectName="Approve")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        layout.addWidget(self.button)
        (self.pin if authorizer_id else self.authorizer_id).setFocus(
            Qt.FocusReason.OtherFocusReason
        )

    def submit(self) -> None:
        authorizer_id, pin = self.authorizer_id.text().strip(), self.pin.text()
        if not authorizer_id or not pin:
            self.message.setText(self.tr("Enter your authorizer ID and PIN."))
            return
        self.button.setEnabled(False)
        self.message.setText(self.tr("Checking…"))
        run_in_background(
            lambda: self._unlock(authorizer_id, pin),
            self._on_unlock_done,
            self._on_unlock_error,
            owner=self,
        )

    def _on_unlock_done(self, key: SigningKey) -> None:
        self.pin.clear()
        self.sig_signed_in.emit(key)
        self.accept()

    def _on_unlock_error(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        self.pin.clear()
        self.message.setText(texts.pin_refused(exc))
