"""The decision desk's rules without Qt (clientsvc/workstation/desk.py) and the override
check the engine and the broker apply to a signed decision (clientsvc/crosscheck.py)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientsvc.checklist import checklist_for
from clientsvc.crosscheck import Finding, check_override, crosscheck
from clientsvc.identity import verify_decision
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import OVERRIDE_MIN_CHARS, AuthRequest, Decision
from clientsvc.workstation.desk import (
    FINDING_ROW,
    Blocked,
    DeskState,
    finding_reason,
    finding_rows,
    gate,
)
from sim.teller import make_request
from tests.helpers import Identities

AMOUNT = Finding("amount", "voucher", "1105868", "1115868")
DATE = Finding("voucher_date", "voucher", "2026-12-02", "2026-11-30")

states = st.builds(
    DeskState,
    has_item=st.booleans(),
    locked=st.booleans(),
    sending=st.booleans(),
    panel_open=st.booleans(),
    evidence_loading=st.booleans(),
    evidence_failed=st.booleans(),
    findings=st.lists(st.sampled_from([AMOUNT, DATE]), max_size=2).map(tuple),
    failing_rows=st.lists(st.sampled_from(["amount", "seal"]), max_size=2).map(tuple),
)


@given(states)
def test_approval_needs_an_item_every_image_no_finding_and_no_failing_row(s: DeskState) -> None:
    ready = s.has_item and not (s.locked or s.sending or s.panel_open)
    shown = not (s.evidence_loading or s.evidence_failed)
    g = gate(s)
    assert g.may("approve") == (ready and shown and not s.findings and not s.failing_rows)
    assert g.may("reject") == ready and g.may("return") == ready
    # the override is the only way past a finding, and only past a finding
    assert g.may("override") == (ready and shown and bool(s.findings) and not s.failing_rows)
    assert not (g.may("approve") and g.may("override"))
    if ready and shown and s.findings:
        assert Blocked.FINDINGS in g.approve


@given(states)
def test_a_finding_always_blocks_approval_whatever_else_is_true(s: DeskState) -> None:
    if s.findings:
        assert not gate(s).may("approve")


def test_a_finding_fails_its_checklist_row_and_pre_selects_its_reason() -> None:
    rows = checklist_for("cash_withdrawal")
    assert finding_rows((AMOUNT, DATE)) == {"amount", "date"}
    assert finding_reason(AMOUNT, rows) == "R02"  # a reject
    assert finding_reason(DATE, rows) == "T01"  # a return, as the row's data says
    assert all(
        row in {r.id for r in checklist_for("transfer")} | {"teller"}
        for row in FINDING_ROW.values()
    )


# --- the override, as the engine and the broker check it --------------------------------------


def _mismatched(seed: int = 5) -> AuthRequest:
    sim = make_request(random.Random(seed), txn_type="cash_withdrawal", mismatch_rate=1.0)
    assert [f.code for f in crosscheck(sim.request)] == ["amount"]
    return sim.request


def _sign(ids: Identities, request: AuthRequest, verdict: str = "approve", **kw: Any) -> Decision:
    key = ids.keys["A1"]
    now = kw.pop("decided_at", None)
    decision = key.sign_decision(
        request_id=request.request_id,
        lease_id="L1",
        request_digest="0" * 64,
        evidence=[e.sha256 for e in request.evidence],
        verdict=verdict,
        reason_code=kw.pop("reason_code", None),
        reason_text="",
        decided_at=now,
        **kw,
    )
    return decision


def test_an_approval_of_a_request_with_findings_is_refused_without_an_override(
    ids: Identities,
) -> None:
    request = _mismatched()
    with pytest.raises(ProtocolError) as info:
        check_override(request, _sign(ids, request))
    assert info.value.code is ErrorCode.OVERRIDE_REQUIRED and "amount" in info.value.detail


def test_an_override_must_name_every_finding(ids: Identities) -> None:
    request = _mismatched()
    decision = _sign(
        ids, request, override={"findings": ["account"], "note": "客户现场确认，凭证笔误已更正"}
    )
    with pytest.raises(ProtocolError) as info:
        check_override(request, decision)
    assert info.value.code is ErrorCode.OVERRIDE_REQUIRED


def test_an_override_needs_the_pin_again(ids: Identities) -> None:
    request = _mismatched()
    override = {"findings": ["amount"], "note": "客户现场确认，凭证笔误已更正"}
    with pytest.raises(ProtocolError) as info:
        check_override(request, _sign(ids, request, override=override))
    assert info.value.code is ErrorCode.REAUTH_REQUIRED
    at = request.submitted_at  # the instant the voucher was dated: the same day
    signed = _sign(ids, request, override=override, decided_at=at, reauth_at=at - 10_000)
    check_override(request, signed)  # named, with the PIN: accepted
    assert signed.override is not None and signed.override.findings == ["amount"]


def test_only_an_approval_carries_an_override(ids: Identities) -> None:
    request = _mismatched()
    decision = _sign(
        ids,
        request,
        "reject",
        reason_code="R02",
        override={"findings": ["amount"], "note": "客户现场确认，凭证笔误已更正"},
    )
    with pytest.raises(ProtocolError) as info:
        check_override(request, decision)
    assert info.value.code is ErrorCode.OVERRIDE_REQUIRED
    check_override(request, _sign(ids, request, "reject", reason_code="R02"))  # a plain reject


def test_an_override_with_a_reason_too_short_cannot_be_made(ids: Identities) -> None:
    with pytest.raises(ValueError, match=str(OVERRIDE_MIN_CHARS)):
        _sign(ids, _mismatched(), override={"findings": ["amount"], "note": "ok  fine  "})


def test_the_override_is_covered_by_the_signature(ids: Identities) -> None:
    request = _mismatched()
    signed = _sign(
        ids,
        request,
        override={"findings": ["amount"], "note": "客户现场确认，凭证笔误已更正"},
        decided_at=request.submitted_at,
        reauth_at=request.submitted_at - 10_000,
    )
    directory = ids.directory
    verify_decision(signed, directory)
    data = signed.to_dict()
    data["override"]["note"] = "另一个理由，签名之后才改的"
    with pytest.raises(ProtocolError) as info:
        verify_decision(Decision.model_validate(data), directory)
    assert info.value.code is ErrorCode.BAD_SIGNATURE
    del data["override"]  # dropped on the way: the signature no longer verifies either
    with pytest.raises(ProtocolError):
        verify_decision(Decision.model_validate(data), directory)


def test_a_decision_without_an_override_encodes_as_before(ids: Identities) -> None:
    """The field is omitted when empty: signatures and PROTOCOL.md's test vectors unchanged."""
    plain = _sign(ids, _mismatched(), "reject", reason_code="R02")
    assert "override" not in plain.to_dict()


def test_the_re_key_rule_follows_the_data_and_the_top_level() -> None:
    from clientsvc.workstation.desk import RekeyPolicy

    policy = RekeyPolicy(
        {"cash_withdrawal": (50_000_00, "amount"), "transfer": (50_000_00, "payee_account")}
    )
    small = make_request(random.Random(1), txn_type="cash_withdrawal").request
    small = small.model_copy(update={"amount_fen": 49_999_00})
    assert policy.for_item(small, top_level=False) is None
    assert policy.for_item(small, top_level=True) is not None  # on for the top level
    large = small.model_copy(update={"amount_fen": 1_234_567_89})
    rekey = policy.for_item(large, top_level=False)
    assert rekey is not None and (rekey.field, rekey.expected) == ("amount", "4567")
    assert rekey.matches(" 4567 ") and not rekey.matches("4576")
    transfer = make_request(random.Random(2), txn_type="transfer").request
    transfer = transfer.model_copy(update={"amount_fen": 60_000_00})
    rekey = policy.for_item(transfer, top_level=False)
    assert rekey is not None and rekey.field == "payee_account"
    assert rekey.expected == transfer.elements["payee_account"][-4:]
    off = RekeyPolicy({}, top_level=False)
    assert off.for_item(large, top_level=True) is None


def test_the_header_says_why_an_item_was_asked() -> None:
    from clientsvc.workstation.desk import why_asked

    cash = make_request(random.Random(3), txn_type="cash_withdrawal").request
    asked = why_asked(cash, approvals=1, pin_again=False)
    assert asked.trigger == "over_teller_limit" and asked.teller_limit_fen == 50_000_00
    assert asked.level == 2  # ¥154,106.00: the second amount band
    reset = make_request(random.Random(3), txn_type="password_reset").request
    assert why_asked(reset, approvals=1, pin_again=False).trigger == "type_always"
    assert why_asked(reset, approvals=2, pin_again=True).approvals == 2


# --- the element panel's rows ----------------------------------------------------------------


def test_element_rows_agree_with_the_findings_and_unknown_is_never_ok() -> None:
    import datetime as dt

    from clientsvc.workstation.desk import FINDING_ROW, MISMATCH, OK, UNKNOWN, element_rows

    today = dt.date.today()
    code_of = {
        "amount": "amount",
        "account": "account",
        "payee_name": "payee_name",
        "payee_account": "payee_account",
        "account_name": "name",
        "id_name": "name",
        "id_number": "id_number",
        "voucher_date": "voucher_date",
        "id_validity": "id_expired",
    }
    for seed in range(40):
        rng = random.Random(seed)
        sim = make_request(rng, mismatch_rate=0.5)
        rows = element_rows(sim.request, today)
        found = {f.code for f in crosscheck(sim.request, today)}
        for row in rows:
            assert row.state in (OK, MISMATCH, UNKNOWN)
            if row.found is None:
                assert row.state == UNKNOWN  # not found: "?", never ✓
            code = code_of.get(row.key)
            if code is not None and row.state == MISMATCH:
                assert code in found, (seed, row)
        for code in found - {"teller"}:
            assert any(code_of.get(r.key) == code and r.state == MISMATCH for r in rows), code
        assert set(FINDING_ROW) >= found


def test_an_element_the_teller_system_does_not_report_is_unknown() -> None:
    import datetime as dt

    from clientsvc.workstation.desk import UNKNOWN, element_rows

    sim = make_request(random.Random(3), txn_type="cash_withdrawal", mismatch_rate=0.0)
    raw = sim.request.to_dict()
    raw["evidence"][0]["meta"].pop("account_no")
    raw["evidence"][1]["meta"]["valid_to"] = "不详"  # unreadable as a date
    rows = {r.key: r for r in element_rows(AuthRequest.model_validate(raw), dt.date.today())}
    assert rows["account"].state == UNKNOWN and rows["account"].found is None
    assert rows["id_validity"].state == UNKNOWN


def test_a_padded_amount_or_validity_is_still_a_finding_and_the_panel_agrees() -> None:
    """Values the teller system sent with spaces slipped past the finding, while the panel
    showed a mismatch (found in review)."""
    import datetime as dt

    from clientsvc.workstation.desk import MISMATCH, UNKNOWN, element_rows

    sim = make_request(random.Random(3), txn_type="cash_withdrawal", mismatch_rate=0.0)
    raw = sim.request.to_dict()
    raw["evidence"][0]["meta"]["amount_fen"] = "99999999 "
    raw["evidence"][1]["meta"]["valid_to"] = " 2001-03-01"
    request = AuthRequest.model_validate(raw)
    today = dt.date(2026, 12, 2)
    assert {f.code for f in crosscheck(request, today)} >= {"amount", "id_expired"}
    rows = {r.key: r for r in element_rows(request, today)}
    assert rows["amount"].state == MISMATCH and rows["id_validity"].state == MISMATCH
    raw["evidence"][0]["meta"]["amount_fen"] = "1,000.00"  # not the documented fen digits
    raw["evidence"][1]["meta"]["valid_to"] = "长期"  # no end
    request = AuthRequest.model_validate(raw)
    assert not {f.code for f in crosscheck(request, today)} & {"amount", "id_expired"}
    rows = {r.key: r for r in element_rows(request, today)}
    assert rows["amount"].state == UNKNOWN and rows["id_validity"].state == "ok"


def test_a_decision_time_past_any_calendar_is_a_clock_error_not_a_crash(ids: Identities) -> None:
    request = _mismatched()
    decision = _sign(ids, request, decided_at=2**53 - 1)
    with pytest.raises(ProtocolError) as info:
        check_override(request, decision)
    assert info.value.code is ErrorCode.CLOCK_SKEW
