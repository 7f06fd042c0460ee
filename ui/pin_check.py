"""The PIN, checked (and counted) by the key store off the GUI thread: a wrong one is audited
and said, the last one allowed ends the session (``sig_locked_out``)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from clientsvc.workstation.desk_model import Desk
from ui import texts
from ui.background import run_in_background


class PinCheck(QObject):
    sig_locked_out = Signal(str)  # too many wrong PINs: the words to show at sign-in

    def __init__(self, desk: Desk, check: Callable[[str], None] | None, parent: QObject) -> None:
        super().__init__(parent)
        self.desk, self._check, self.busy = desk, check, False

    def verify(self, pin: str, ok: Callable[[], None], wrong: Callable[[str], None]) -> None:
        if self._check is None or self.busy:
            return
        check, self.busy = self._check, True

        def refused(exc: BaseException) -> None:
            self.busy = False
            code = getattr(getattr(exc, "code", None), "value", "E_BAD_CREDENTIALS")
            self.desk.audit("pin_refused", {"code": code, "detail": str(exc)})
            message = texts.pin_refused(exc)
            if code == "E_PIN_LOCKED":
                self.sig_locked_out.emit(message)
            else:
                wrong(message)

        def done(_: object) -> None:
            self.busy = False
            ok()

        run_in_background(lambda: check(pin), done, refused, owner=self)
