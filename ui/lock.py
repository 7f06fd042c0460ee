"""Locking the session: the idle watch, the PIN field, the lock screen.

A locked session shows no customer data anywhere: the item and the images are taken off both
windows, the workstation tells the broker it is locked (what it held goes back to the queue),
and only the authorizer's PIN brings it back. Wrong PINs are counted by the key store; at the
limit the session ends (see ``KeyStore.check_pin``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.actions import ACTIONS_BY_ID, key_name
from ui.icons import IconLabel
from ui.named import named

# what counts as the authorizer being there
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatch(QObject):
    """Emits ``sig_idle`` once when no key, click, mouse move or wheel has reached any window
    of the application for ``idle_s`` seconds; ``reset`` arms it again."""

    sig_idle = Signal()

    def __init__(
        self,
        idle_s: float,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.idle_s = idle_s
        self._clock = clock
        self._last = clock()
        self._fired = False
        self._timer = QTimer(self)
        # checked often enough that the lock comes within a few percent of the limit
        self._timer.setInterval(max(50, min(1000, int(idle_s * 1000 / 20))))
        self._timer.timeout.connect(self._on_timer_timeout)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        if idle_s > 0:
            self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._last = self._clock()
        return False

    def reset(self) -> None:
        self._last = self._clock()
        self._fired = False

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def idle_for(self) -> float:
        return self._clock() - self._last

    def _on_timer_timeout(self) -> None:
        if not self._fired and self.idle_for() >= self.idle_s:
            self._fired = True
            self.sig_idle.emit()


class PinField(QLineEdit):
    """A PIN entry: hidden characters, Enter submits, Escape cancels."""

    sig_submitted = Signal(str)
    sig_cancelled = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setMaxLength(32)
        self.setMinimumWidth(180)
        self.returnPressed.connect(self._on_return_pressed)

    def _on_return_pressed(self) -> None:
        pin = self.text()
        self.clear()  # the PIN does not stay in the widget
        if pin:
            self.sig_submitted.emit(pin)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.clear()
            self.sig_cancelled.emit()
            return
        super().keyPressEvent(event)


class PinPrompt(QFrame):
    """The PIN asked again before a decision on a top-level item (in the decision bar)."""

    def __init__(self, label: str = "") -> None:
        super().__init__()
        self.setObjectName("Card")
        layout = QHBoxLayout(self)
        self.title = named(QLabel(), "ItemTitle")
        self.title.setWordWrap(True)
        self.field = PinField()
        self.message = named(QLabel(), "Mismatch")
        self.message.setWordWrap(True)
        side = QVBoxLayout()
        side.addWidget(self.title)
        side.addWidget(self.message)
        layout.addLayout(side, 2)
        layout.addWidget(QLabel(label or self.tr("PIN")))
        layout.addWidget(self.field)
        self.hide()

    def ask(self, title: str) -> None:
        self.title.setText(title)
        self.message.clear()
        self.field.setEnabled(True)
        self.show()
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)


class LockScreen(QWidget):
    """What a locked window shows: who is signed in, why it locked, the PIN field."""

    def __init__(self, authorizer_id: str, authorizer_name: str) -> None:
        super().__init__()
        self.setObjectName("LockScreen")
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        card = named(QFrame(), "Card")
        card.setMaximumWidth(560)
        box = QVBoxLayout(card)
        title = QHBoxLayout()
        title.addWidget(IconLabel("lock", objectName="ItemTitle"))
        title.addWidget(named(QLabel(self.tr("Locked")), "ItemTitle"), 1)
        who = named(QLabel(f"{authorizer_name}  {authorizer_id}"), "AmountWords")
        self.why = named(QLabel(), "FieldLabel")
        self.why.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("PIN")))
        self.field = PinField()
        row.addWidget(self.field, 1)
        unlock = self.tr("Unlock")
        self.button = named(QPushButton(f"{unlock}   [{key_name('Return')}]"), "Approve")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.field.returnPressed.emit)
        row.addWidget(self.button)
        self.message = named(QLabel(), "Mismatch")
        self.message.setWordWrap(True)
        hint = named(
            QLabel(
                self.tr(
                    "Nothing is sent to you while the screen is locked.   Sign out: %1"
                ).replace("%1", key_name(ACTIONS_BY_ID["sign_out"].shortcut))
            ),
            "FieldLabel",
        )
        hint.setWordWrap(True)
        box.addLayout(title)
        for widget in (who, self.why):
            box.addWidget(widget)
        box.addLayout(row)
        box.addWidget(self.message)
        box.addWidget(hint)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(card, 2)
        middle.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(3)

    def show_locked(self, why: str) -> None:
        self.why.setText(why)
        self.message.clear()
        self.set_checking(False)
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_checking(self, checking: bool) -> None:
        self.field.setEnabled(not checking)
        self.button.setEnabled(not checking)
        if checking:
            self.message.setText(self.tr("Checking…"))
        else:
            self.field.setFocus(Qt.FocusReason.OtherFocusReason)
