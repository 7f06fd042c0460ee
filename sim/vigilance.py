"""The demo's vigilance test pack: what a center lead prepares outside the product, made here by
the simulator — requests and images like any teller's, each with one defect planted — and
signed with the lead's key (``clientsvc.vigilance``)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from clientsvc.catalogue import TXN_KINDS
from clientsvc.dual import DualPolicy
from clientsvc.identity import SigningKey
from clientsvc.vigilance import TestPack, sign_pack, write_pack
from sim.teller import POSITIONS, Position, defect_applies, make_request

# the simulator's planted defects, and the pack's name for each (with the lead's note)
DEFECT_OF = {
    "amount": ("amount_mismatch", "凭证金额与录入金额不一致"),
    "account": ("account_mismatch", "凭证账号与录入账号不一致"),
    "name": ("name_mismatch", "凭证户名与录入户名不一致"),
    "expired_id": ("id_expired", "客户身份证已过有效期"),
    "voucher_date": ("date_wrong", "凭证日期不是当日"),
}
TYPES = ("cash_withdrawal", "transfer", "account_closing", "password_reset", "loss_report")


def make_pack(
    key: SigningKey,
    folder: Path,
    *,
    day: dt.date,
    rate_per_mille: int,
    cases: int,
    rng: random.Random,
    issued_at: int,
    positions: tuple[Position, ...] = POSITIONS,
    pack_id: str = "",
) -> TestPack:
    """A signed pack of ``cases`` test items for ``day``, written to ``folder``."""
    dual = DualPolicy()
    made: list[dict[str, Any]] = []
    images: dict[str, bytes] = {}
    defects = list(DEFECT_OF)
    while len(made) < cases:
        txn_type = TYPES[len(made) % len(TYPES)]
        planted = defects[len(made) % len(defects)]
        if not defect_applies(planted, TXN_KINDS[txn_type]):
            planted = "name"
        at = positions[len(made) % len(positions)]  # the counter the test item claims to be from
        sim = make_request(
            rng,
            teller_id=at.teller_id,
            terminal_id=at.terminal_id,
            outlet=(at.outlet_id, at.outlet_name),
            txn_type=txn_type,
            defect=planted,
            mismatch_rate=0.0,
            expired_rate=0.0,
            today=day,
        )
        if dual.approvals_needed(sim.request) > 1:  # one authorizer decides a test item
            continue
        code, note = DEFECT_OF[planted]
        made.append(
            {
                "case_id": f"C{len(made) + 1:03d}",
                "request": sim.request.to_dict(),
                "defect": code,
                "note": note,
            }
        )
        images.update(sim.evidence)
    pack = sign_pack(
        key,
        pack_id=pack_id or f"TP{day:%Y%m%d}",
        day=day.isoformat(),
        rate_per_mille=rate_per_mille,
        cases=made,
        issued_at=issued_at,
    )
    write_pack(folder, pack, images)
    return pack
