"""Sign-in: authorizer id and PIN; the key is unlocked off the GUI thread. The language is
picked here (remembered for this terminal) and changes at once."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from clientsvc.identity import SigningKey
from ui import i18n, texts
from ui.actions import key_name
from ui.background import run_in_background
from ui.named import named


class SignInDialog(QDialog):
    sig_signed_in = Signal(object)
    """The PIN was right and the key is unlocked (SigningKey)."""

    def __init__(
        self, unlock: Callable[[str, str], SigningKey], *, authorizer_id: str = "", hint: str = ""
    ) -> None:
        super().__init__()
        self._unlock = unlock
        self._message_source: Callable[[], str] | None = None  # the message, in any language
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = named(QLabel(), "ItemTitle")
        head.addWidget(self.title, 1)
        self.language = named(QComboBox(), "Language")
        for code in i18n.LANGUAGES:
            self.language.addItem(i18n.NATIVE_NAMES[code], code)
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.current())))
        self.language.currentIndexChanged.connect(self._on_language)
        head.addWidget(self.language)
        layout.addLayout(head)
        form = QFormLayout()
        self.authorizer_id = QLineEdit(authorizer_id)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.id_label, self.pin_label = QLabel(), QLabel()
        form.addRow(self.id_label, self.authorizer_id)
        form.addRow(self.pin_label, self.pin)
        layout.addLayout(form)
        self.message = named(QLabel(), "FieldLabel")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.button = named(QPushButton(), "Approve")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        layout.addWidget(self.button)
        if hint:
            self._message_source = lambda: self._hint_text(hint)
        self.retranslate()
        (self.pin if authorizer_id else self.authorizer_id).setFocus(
            Qt.FocusReason.OtherFocusReason
        )

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("AuthDesk — Sign in"))
        self.title.setText(self.tr("Remote authorization workstation"))
        self.id_label.setText(self.tr("Authorizer ID"))
        self.pin_label.setText(self.tr("PIN"))
        sign_in = self.tr("Sign in")
        self.button.setText(f"{sign_in}   [{key_name('Return')}]")
        if self._message_source is not None:
            self.message.setText(self._message_source())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _on_language(self) -> None:
        """Switch now (this window follows at once; the main window opens in it) and keep the
        choice for this terminal."""
        code = str(self.language.currentData())
        i18n.remember(i18n.install(code))

    def _hint_text(self, hint: str) -> str:
        """The hint in the language on screen: the demo's "ID:name:PIN" in words; any other
        hint as given."""
        if hint.startswith("demo:"):
            _, authorizer_id, name, pin = hint.split(":", 3)
            return (
                self.tr("Demo: sign in as %1 (%2) with PIN %3.")
                .replace("%1", authorizer_id)
                .replace("%2", name)
                .replace("%3", pin)
            )
        return hint

    def _say(self, source: Callable[[], str], error: bool = False) -> None:
        """A message under the fields: a refusal in red (objectName FieldError)."""
        self._message_source = source
        self.message.setText(source())
        wanted = "FieldError" if error else "FieldLabel"
        if self.message.objectName() != wanted:
            self.message.setObjectName(wanted)
            self.message.style().unpolish(self.message)
            self.message.style().polish(self.message)

    def submit(self) -> None:
        authorizer_id, pin = self.authorizer_id.text().strip(), self.pin.text()
        if not authorizer_id or not pin:
            self._say(lambda: self.tr("Enter your authorizer ID and PIN."), error=True)
            return
        self.button.setEnabled(False)
        self._say(lambda: self.tr("Checking…"))
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
        self._say(lambda: texts.pin_refused(exc), error=True)
