"""The decision bar: approve, reject and return across the width, the line that says why a key
does nothing now, and the steps of a decision (``desk_model.Step``): the reason panel, the
override's written reason, the blind re-key and the PIN again. The prompts stand in for the
keys in one row of constant height, so that nothing above is refitted when one shows.

The bar draws the desk's state and reports what was typed; the desk decides what it means.
Errors appear at the field they are about."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clientsvc.workstation.desk import OVERRIDE_MIN_CHARS, Blocked
from clientsvc.workstation.desk_model import Desk, ReasonChoice, Step
from ui import texts
from ui.lock import PinPrompt
from ui.named import named


class DecisionBar(QWidget):
    sig_reason_chosen = Signal(str, str)
    """Reject or return: the code and the message to the teller."""
    sig_override_written = Signal(str)
    sig_rekey_typed = Signal(str)
    sig_pin_typed = Signal(str)
    sig_cancelled = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        self.btn_approve = named(QPushButton(), "Approve")
        self.btn_reject = named(QPushButton(), "Reject")
        self.btn_return = named(QPushButton(), "Return")
        for button in (self.btn_approve, self.btn_reject, self.btn_return):
            button.setMinimumHeight(48)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(button, 1)
        self.lbl_decision_hint = named(QLabel(), "FieldLabel")
        self.lbl_decision_hint.setWordWrap(True)
        buttons.addWidget(self.lbl_decision_hint, 1)
        button_row = QWidget()
        button_row.setLayout(buttons)
        self.decision_row = QStackedWidget()
        self.decision_row.addWidget(button_row)
        self.pin_prompt = PinPrompt()
        self.pin_prompt.field.sig_submitted.connect(self.sig_pin_typed)
        self.pin_prompt.field.sig_cancelled.connect(self.sig_cancelled)
        self.decision_row.addWidget(self.pin_prompt)
        # blind re-key: typed from the voucher, never shown, before a high-risk approval
        self.rekey_prompt = PinPrompt(self.tr("Last 4 digits"))
        self.rekey_prompt.field.setMaxLength(8)
        self.rekey_prompt.field.sig_submitted.connect(self.sig_rekey_typed)
        self.rekey_prompt.field.sig_cancelled.connect(self.sig_cancelled)
        self.decision_row.addWidget(self.rekey_prompt)
        layout.addWidget(self.decision_row)
        layout.addWidget(self._build_reason_panel())
        layout.addWidget(self._build_override_panel())
        self._shown_reason: ReasonChoice | None = None
        self._shown_step = Step.NONE

    def _build_reason_panel(self) -> QFrame:
        self.reason_panel = named(QFrame(), "Card")
        reason_layout = QHBoxLayout(self.reason_panel)
        self.reason_list = QListWidget()
        self.reason_list.setMinimumHeight(150)
        self.reason_list.itemActivated.connect(lambda _: self.send())
        self.reason_text = QLineEdit()
        self.reason_text.setMaxLength(200)
        self.reason_text.returnPressed.connect(self.send)
        self.lbl_reason_error = named(QLabel(), "FieldError")  # at the field it is about
        self.lbl_reason_error.setWordWrap(True)
        side = QVBoxLayout()
        self.lbl_reason_title = named(QLabel(), "ItemTitle")
        self.lbl_reason_title.setWordWrap(True)
        side.addWidget(self.lbl_reason_title)
        side.addWidget(QLabel(self.tr("Message to the teller (optional; required for “Other”):")))
        side.addWidget(self.reason_text)
        side.addWidget(self.lbl_reason_error)
        self.btn_send_reason = QPushButton()
        self.btn_cancel_reason = QPushButton()
        row = QHBoxLayout()
        row.addWidget(self.btn_send_reason)
        row.addWidget(self.btn_cancel_reason)
        side.addLayout(row)
        side.addStretch(1)
        reason_layout.addWidget(self.reason_list, 1)
        reason_layout.addLayout(side, 1)
        self.reason_panel.hide()
        return self.reason_panel

    def _build_override_panel(self) -> QFrame:
        self.override_panel = named(QFrame(), "Card")
        override_layout = QVBoxLayout(self.override_panel)
        self.lbl_override_title = named(QLabel(), "OverrideTitle")
        self.lbl_override_title.setWordWrap(True)
        self.lbl_override_findings = named(QLabel(), "Mismatch")
        self.lbl_override_findings.setTextFormat(Qt.TextFormat.PlainText)
        self.lbl_override_findings.setWordWrap(True)
        self.override_text = QLineEdit()
        self.override_text.setMaxLength(200)
        self.override_text.returnPressed.connect(self.send)
        self.lbl_override_error = named(QLabel(), "FieldError")  # at the field it is about
        self.lbl_override_error.setWordWrap(True)
        self.btn_send_override = QPushButton()
        self.btn_cancel_override = QPushButton()
        # one above the other: two word-wrapped labels side by side overlap when squeezed
        head_row = QVBoxLayout()
        head_row.setSpacing(2)
        head_row.addWidget(self.lbl_override_title)
        head_row.addWidget(self.lbl_override_findings)
        field_row = QHBoxLayout()
        field_row.addWidget(
            QLabel(
                self.tr("Your reason (at least %1 characters):").replace(
                    "%1", str(OVERRIDE_MIN_CHARS)
                )
            )
        )
        field_row.addWidget(self.override_text, 1)
        field_row.addWidget(self.btn_send_override)
        field_row.addWidget(self.btn_cancel_override)
        override_layout.addLayout(head_row)
        override_layout.addLayout(field_row)
        override_layout.addWidget(self.lbl_override_error)
        self.override_panel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.override_panel.hide()
        return self.override_panel

    def buttons(self) -> tuple[tuple[QPushButton, str], ...]:
        """Each button and the action it stands for (``ui/actions.py``)."""
        return (
            (self.btn_approve, "approve"),
            (self.btn_reject, "reject"),
            (self.btn_return, "return"),
            (self.btn_send_reason, "send_reason"),
            (self.btn_cancel_reason, "cancel_reason"),
            (self.btn_send_override, "send_reason"),
            (self.btn_cancel_override, "cancel_reason"),
        )

    def drive(self, desk: Desk) -> None:
        """What is typed goes to the desk; what it refuses is said at the field."""

        def reason_chosen(code: str, text: str) -> None:
            if not desk.send_reason(code, text):
                self.message_required()

        def override_written(text: str) -> None:
            if not desk.send_override(text):
                self.override_too_short()

        def rekey_typed(typed: str) -> None:
            if not desk.rekey_typed(typed):
                self.rekey_wrong(desk.rekey_wrong)

        self.sig_reason_chosen.connect(reason_chosen)
        self.sig_override_written.connect(override_written)
        self.sig_rekey_typed.connect(rekey_typed)
        self.sig_cancelled.connect(desk.cancel)

    # --- what the desk says ----------------------------------------------------------------

    def show_desk(self, desk: Desk) -> None:
        """The step the decision is at, and the line that says why a key does nothing."""
        step = desk.step
        if step is not self._shown_step or desk.reason is not self._shown_reason:
            self._open(desk, step)
        self.lbl_decision_hint.setText(self._hint(desk))

    def _open(self, desk: Desk, step: Step) -> None:
        left = self._shown_step
        self._shown_step, self._shown_reason = step, desk.reason
        self.reason_panel.setVisible(step is Step.REASON)
        self.override_panel.setVisible(step is Step.OVERRIDE)
        if left is Step.REKEY and step is not Step.REKEY:
            self.rekey_prompt.field.clear()
        if left is Step.PIN and step is not Step.PIN:
            self.pin_prompt.field.clear()
        prompt = {Step.REKEY: self.rekey_prompt, Step.PIN: self.pin_prompt}.get(step)
        self.decision_row.setCurrentIndex(
            0 if prompt is None else self.decision_row.indexOf(prompt)
        )
        if step is Step.REASON and desk.reason is not None:
            self._fill_reasons(desk.reason)
        elif step is Step.OVERRIDE:
            self.lbl_override_title.setText(
                self.tr(
                    "Approve despite the machine's findings (override): signed, recorded and "
                    "always reviewed by the center lead"
                )
            )
            self.lbl_override_findings.setText(
                "\n".join("⚠ " + texts.finding(f) for f in desk.findings)
            )
            self.override_text.clear()
            self.lbl_override_error.setText("")
            self.override_text.setFocus()
        elif step is Step.REKEY and desk.rekey is not None:
            what = {
                "amount": self.tr("of the amount in figures (whole yuan)"),
                "payee_account": self.tr("of the payee's account number"),
                "account": self.tr("of the account number"),
            }[desk.rekey.field]
            self.rekey_prompt.ask(
                self.tr(
                    "Re-key from the voucher: type the last 4 digits %1 as written on it.   "
                    "[Enter]   Back: [Esc]"
                ).replace("%1", what)
            )
        elif step is Step.PIN:
            verdict = desk.pending_verdict() or "approve"
            what = {
                "approve": self.tr("approve"),
                "reject": self.tr("reject"),
                "return": self.tr("return"),
            }[verdict]
            self.pin_prompt.ask(
                self.tr("Override: enter your PIN to approve this item.   [Enter]   Back: [Esc]")
                if desk.pending_is_override()
                else self.tr(
                    "Top authority level: enter your PIN to %1 this item.   [Enter]   Back: [Esc]"
                ).replace("%1", what)
            )

    def _fill_reasons(self, choice: ReasonChoice) -> None:
        title = (
            self.tr("Reject: choose a reason")
            if choice.verdict == "reject"
            else self.tr("Return for correction: choose a reason")
        )
        if choice.routed:
            title += "  " + (
                self.tr("(the failing checklist rows call for a reject)")
                if choice.verdict == "reject"
                else self.tr("(the failing checklist rows call for a return)")
            )
        self.lbl_reason_title.setText(title)
        self.reason_list.clear()
        for i, code in enumerate(choice.codes, start=1):
            entry = QListWidgetItem(f"{i}   {code}   {texts.reason(code)}")
            entry.setData(Qt.ItemDataRole.UserRole, code)
            self.reason_list.addItem(entry)
        self.reason_list.setCurrentRow(choice.codes.index(choice.selected))
        self.reason_text.setText(choice.message)
        self.lbl_reason_error.setText("")
        self.reason_list.setFocus()

    def _hint(self, desk: Desk) -> str:
        if desk.item is None:
            return ""
        if desk.settled:
            return self.tr("Delivered. Waiting for the next item…")
        if desk.sending:
            return self.tr("Signing and sending…")
        why = desk.gate().approve
        if Blocked.EVIDENCE_FAILED in why:
            return self.tr("An image failed verification or cannot be shown: approval is blocked.")
        if Blocked.FINDINGS in why:
            return self.tr("The machine check found a disagreement: approval is blocked.")
        if Blocked.CHECKLIST_OPEN in why:
            return self.tr(
                "Answer the required checklist rows before approving (F2; Shift+Space: the "
                "rest fine)."
            )
        if Blocked.EVIDENCE_LOADING in why:
            return self.tr("Loading evidence…")
        return ""

    # --- what the authorizer typed -------------------------------------------------------

    def send(self) -> None:
        """Ctrl+Enter, Enter in a field, or a send button: the open step's answer."""
        step = self._shown_step
        if step is Step.PIN:
            self.pin_prompt.field.returnPressed.emit()
        elif step is Step.REKEY:
            self.rekey_prompt.field.returnPressed.emit()
        elif step is Step.OVERRIDE:
            self.sig_override_written.emit(self.override_text.text())
        elif step is Step.REASON and (entry := self.reason_list.currentItem()) is not None:
            self.sig_reason_chosen.emit(
                str(entry.data(Qt.ItemDataRole.UserRole)), self.reason_text.text()
            )

    def override_too_short(self) -> None:
        self.lbl_override_error.setText(
            self.tr("Write why, in at least %1 characters.").replace("%1", str(OVERRIDE_MIN_CHARS))
        )
        self.override_text.setFocus()

    def message_required(self) -> None:
        self.lbl_reason_error.setText(self.tr("“Other” needs a message to the teller."))
        self.reason_text.setFocus()

    def rekey_wrong(self, wrong: int) -> None:
        self.rekey_prompt.message.setText(
            self.tr("That is not what the voucher says (%1 wrong). Look at it again.").replace(
                "%1", str(wrong)
            )
        )
        self.rekey_prompt.field.setFocus()

    def pin_checking(self, checking: bool, message: str = "") -> None:
        self.pin_prompt.field.setEnabled(not checking)
        self.pin_prompt.message.setText(self.tr("Checking…") if checking else message)
        if not checking:
            self.pin_prompt.field.setFocus()
