"""The lead's desk calls, typed (clientsvc/center/api.py): every operation declared once, its
arguments checked at the edge, who may call it checked in one place, its result read as its
model; the center's refusals are codes, put into words by the desk (ui/lead/words.py)."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.audit.chain import ReceiptSigner
from clientsvc.center import api
from clientsvc.center.codes import Refusal
from clientsvc.center.lead import LeadDesk
from clientsvc.center.store import CenterStore
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from tests.helpers import Identities
from tests.test_lead import DAY, broker_records, end_of_day, people  # noqa: F401  (a fixture)
from tests.test_lead_ui import LocalClient
from ui import i18n
from ui.lead import words


@pytest.fixture
def desk(tmp_path: Path, people: Identities) -> Iterator[LeadDesk]:  # noqa: F811
    store = CenterStore(
        tmp_path / "c.sqlite3",
        tmp_path / "images",
        ReceiptSigner(Ed25519PrivateKey.generate()),
        people.directory,
    )
    store.broker_push("B1", 0, broker_records(people, 30, random.Random(5)))
    yield LeadDesk(store, wait_target_s=60, clock=end_of_day)
    store.close()


def _valid_args(desk: LeadDesk) -> dict[api.Op, dict[str, Any]]:
    """Arguments each operation accepts, for a sample drawn by the lead."""
    sample = api.ask(
        LocalClient(desk, "LEAD"),
        api.DRAW,
        api.DrawArgs(day_from=DAY, day_to=DAY, seed=3, plan={"default_rate": 0.5}),
    )
    ref = {"sample_id": sample.sample_id, "request_id": sample.items[0].request_id}
    return {
        api.Op.WHOAMI: {},
        api.Op.BOARD: {},
        api.Op.STATS: {"day_from": DAY, "day_to": DAY},
        api.Op.AGREEMENT: {},
        api.Op.QUARANTINE: {},
        api.Op.SAMPLES: {},
        api.Op.SAMPLE: {"sample_id": sample.sample_id},
        api.Op.DRAW: {"day_from": DAY, "day_to": DAY, "seed": 4, "plan": {}},
        api.Op.RERUN: {"sample_id": sample.sample_id},
        api.Op.ADD_MANUAL: ref,
        api.Op.EVIDENCE: ref,
        api.Op.RECORD_VERDICT: {**ref, "verdict": "approve"},
        api.Op.REVEAL: ref,
        api.Op.RECORD_FINDING: {**ref, "outcome": "no_error"},
        api.Op.CONFIRM_FINDING: {**ref, "accept": True},
    }


def test_every_operation_is_declared_once_with_its_models_and_who_may_call_it() -> None:
    assert set(api.CALLS) == set(api.Op)
    assert all(call.op is op for op, call in api.CALLS.items())
    assert {
        "board",
        "stats",
        "agreement",
        "quarantine",
        "draw",
        "add_manual",
        "confirm_finding",
    } == api.LEAD_ONLY


def test_only_the_lead_makes_the_leads_calls_whatever_the_arguments(desk: LeadDesk) -> None:
    """Checked before the arguments reach the desk: a reviewer's valid call to any of the
    lead's operations is refused, with the refusal as a code."""
    args = _valid_args(desk)
    for op, call in api.CALLS.items():
        if call.who is not api.Who.LEAD:
            continue
        with pytest.raises(ProtocolError) as refused:
            api.dispatch(desk, "A2", op.value, args[op])
        assert refused.value.code is ErrorCode.FORBIDDEN, op
        assert refused.value.detail == Refusal.LEAD_ONLY


def test_every_result_leaves_the_center_as_its_model_says(desk: LeadDesk) -> None:
    """Each operation run for real, in the review's order; its answer read back as its type."""
    lead = LocalClient(desk, "LEAD")
    args = _valid_args(desk)
    order = [op for op in api.Op if op is not api.Op.CONFIRM_FINDING]
    for op in order:
        raw = lead.call(op.value, **args[op])
        result = api.CALLS[op].read(raw)
        assert result.model_dump(mode="json") == raw, op
    # a finding of error by the lead, confirmed by the other lead
    item = args[api.Op.REVEAL]
    other = desk.sample(item["sample_id"])["items"][1]["request_id"]
    ref = {**item, "request_id": other}
    lead.call("record_verdict", **ref, verdict="reject", reason_code="R02")
    lead.call("record_finding", **ref, outcome="error", category="E02")
    confirmed = api.ask(
        LocalClient(desk, "LEAD2"), api.CONFIRM_FINDING, api.ConfirmArgs(**ref, accept=True)
    )
    assert confirmed.state == "confirmed" and confirmed.confirmed_by == "LEAD2"


@pytest.mark.parametrize(
    ("op", "args", "wrong"),
    [
        ("draw", {"day_from": DAY, "day_to": DAY, "seed": True, "plan": {}}, "seed"),
        ("draw", {"day_from": DAY, "day_to": DAY, "seed": 2**63, "plan": {}}, "seed"),
        ("draw", {"day_from": DAY, "day_to": DAY, "seed": 1, "plan": []}, "plan"),
        ("stats", {"day_from": "2" * 5000, "day_to": DAY}, "day_from"),
        ("stats", {"day_from": DAY}, "day_to"),
        ("sample", {"sample_id": "../../etc"}, "sample_id"),
        ("record_verdict", {"sample_id": "S1", "request_id": "R1", "verdict": "maybe"}, "verdict"),
        (
            "record_verdict",
            {"sample_id": "S1", "request_id": "R1", "verdict": "approve", "note": ["x"]},
            "note",
        ),
        ("confirm_finding", {"sample_id": "S1", "request_id": "R1", "accept": "yes"}, "accept"),
        ("whoami", {"actor": "LEAD2"}, "unknown argument 'actor'"),
        ("draw", {"day_from": DAY, "day_to": DAY, "seed": 1, "plan": {"weights": 5}}, "draw"),
        (
            "draw",
            {"day_from": DAY, "day_to": DAY, "seed": 1, "plan": {"default_rate": None}},
            "draw",
        ),
    ],
)
def test_arguments_are_checked_at_the_edge(
    desk: LeadDesk, op: str, args: dict[str, Any], wrong: str
) -> None:
    """A seed that is a boolean or past SQLite's 64 bits, a date of 5,000 characters, a plan
    that is a list, a path for an id, a verdict not in the list, a note that is a list, an
    "actor" smuggled in as an argument: ``E_MALFORMED``, naming the argument and not its value."""
    with pytest.raises(ProtocolError) as refused:
        api.dispatch(desk, "LEAD", op, args)
    assert refused.value.code is ErrorCode.MALFORMED
    assert wrong in refused.value.detail and "2222" not in refused.value.detail


def test_an_unknown_operation_and_a_result_off_its_model_are_refused(desk: LeadDesk) -> None:
    with pytest.raises(ProtocolError) as unknown:
        api.dispatch(desk, "LEAD", "drop_tables", {})
    assert unknown.value.code is ErrorCode.UNKNOWN_TYPE
    with pytest.raises(ProtocolError) as off:  # a center of another version, or a broken one
        api.BOARD.read({"at_ms": "noon", "queue": []})
    assert off.value.code is ErrorCode.MALFORMED
    newer = api.WHOAMI.read({"actor": "L1", "lead": True, "since": "2027"})  # fields added later
    assert newer == api.Whoami(actor="L1", lead=True)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_refusal_is_put_into_words_with_its_code(qapp: Any, language: str) -> None:
    """Each code the center answers with has its own words (not the fallback), in the desk's
    language: in Chinese no English word is left but the code itself."""
    i18n.install(language)
    try:
        fallback = words.refusal("E_NO_SUCH_CODE", "")
        seen = set()
        for refusal in Refusal:
            text = words.refusal("E_FORBIDDEN", refusal.value)
            assert text != fallback and "E_FORBIDDEN" in text
            seen.add(text)
            if language == "zh_CN":
                assert not re.search(r"[A-Za-z]{3,}", text.replace("E_FORBIDDEN", "")), text
        assert len(seen) == len(Refusal)
        for code in ErrorCode:
            text = words.refusal(code.value, "some detail in English")
            assert "some detail" not in text and code.value in text
    finally:
        i18n.install("en")
