"""The request against what is written on its images."""

from __future__ import annotations

import datetime as dt
import random

from clientsvc.crosscheck import crosscheck
from clientsvc.protocol.messages import AuthRequest
from sim.teller import make_request


def _request(**meta_changes: dict[str, str]) -> AuthRequest:
    sim = make_request(random.Random(2), txn_type="transfer", mismatch_rate=0.0)
    raw = sim.request.to_dict()
    for ref in raw["evidence"]:
        ref["meta"].update(meta_changes.get(ref["kind"], {}))
    return AuthRequest.model_validate(raw)


def test_a_consistent_request_has_no_findings() -> None:
    assert crosscheck(_request(), dt.date.today()) == []


def test_every_disagreement_is_found_with_where_and_what() -> None:
    req = _request(
        voucher={"amount_fen": "100", "account_no": "6222000000000000000", "date": "2020-01-01"},
        id_front={"name": "王五", "valid_to": "2001-03-01"},
    )
    found = {(f.code, f.where): f for f in crosscheck(req, dt.date.today())}
    assert set(found) == {
        ("amount", "voucher"),
        ("account", "voucher"),
        ("voucher_date", "voucher"),
        ("name", "id_front"),
        ("id_expired", "id_front"),
    }
    assert found[("amount", "voucher")].seen == "100"
    assert found[("name", "id_front")].expected == req.account_name


def test_the_simulator_plants_amount_mismatches_that_are_found() -> None:
    sim = make_request(random.Random(5), txn_type="cash_withdrawal", mismatch_rate=1.0)
    assert [f.code for f in crosscheck(sim.request)] == ["amount"]
