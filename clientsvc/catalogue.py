"""Transaction types and reason codes, as data. The UI maps codes to words."""

from __future__ import annotations

from dataclasses import dataclass

from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import TXN_TYPES


@dataclass(frozen=True)
class TxnKind:
    code: str
    voucher_title: str  # the title printed on the synthetic voucher (data, not UI text)
    monetary: bool
    amount_range_yuan: tuple[int, int]
    needs_id: bool = True
    # a teller decides alone below this (yuan); None: the type always needs remote authorization
    teller_limit_yuan: int | None = None


TXN_KINDS: dict[str, TxnKind] = {
    k.code: k
    for k in (
        TxnKind(
            "cash_withdrawal", "个人业务取款凭条", True, (50_000, 300_000), teller_limit_yuan=50_000
        ),
        TxnKind("transfer", "转账汇款凭证", True, (50_000, 2_000_000), teller_limit_yuan=50_000),
        TxnKind("reversal", "冲正交易申请书", True, (100, 500_000)),
        TxnKind("password_reset", "密码重置申请书", False, (0, 0)),
        TxnKind("loss_report", "挂失申请书", False, (0, 0)),
        TxnKind("account_opening", "个人开户申请书", False, (0, 0)),
        TxnKind("account_closing", "销户申请书", True, (0, 80_000)),
        TxnKind("cashbox_override", "尾箱超限审批单", True, (1_000, 200_000), needs_id=False),
    )
}
assert tuple(TXN_KINDS) == TXN_TYPES, "catalogue and protocol disagree on transaction types"

# Structured reason codes: R = reject, T = return for correction. X99 needs free text.
REJECT_REASONS: tuple[str, ...] = ("R01", "R02", "R03", "R04", "R05", "R06", "R07", "R08", "R99")
RETURN_REASONS: tuple[str, ...] = ("T01", "T02", "T03", "T04", "T99")
TEXT_REQUIRED = frozenset({"R99", "T99"})


def reasons_for(verdict: str) -> tuple[str, ...]:
    return {"reject": REJECT_REASONS, "return": RETURN_REASONS}.get(verdict, ())


def check_reason(verdict: str, reason_code: str | None, reason_text: str) -> None:
    """A reject needs an R code, a return a T code, "other" a text; an approval none."""
    if verdict == "approve":
        if reason_code is not None:
            raise ProtocolError(ErrorCode.REASON_REQUIRED, "an approval carries no reason code")
        return
    if reason_code not in reasons_for(verdict):
        raise ProtocolError(ErrorCode.REASON_REQUIRED, f"{verdict} needs one of its reason codes")
    if reason_code in TEXT_REQUIRED and not reason_text.strip():
        raise ProtocolError(ErrorCode.REASON_REQUIRED, f"{reason_code} needs a text")
