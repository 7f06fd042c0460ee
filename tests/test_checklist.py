"""The review checklists (审核要点) are data: every type has one, and their regions exist."""

from __future__ import annotations

import copy
import json
import random
from importlib import resources

import pytest

from clientsvc.checklist import ChecklistError, checklist_for, parse_checklists
from clientsvc.protocol.messages import TXN_TYPES
from sim.teller import make_request


def _data() -> dict:  # type: ignore[type-arg]
    text = resources.files("clientsvc").joinpath("data/checklists.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@pytest.mark.parametrize("txn_type", TXN_TYPES)
def test_every_type_has_a_checklist_whose_regions_the_simulator_supplies(txn_type: str) -> None:
    rows = checklist_for(txn_type)
    assert len(rows) >= 4
    sim = make_request(random.Random(4), txn_type=txn_type)
    for row in rows:
        assert row.label("zh") and row.label("en")
        found = row.locate(list(sim.request.evidence))
        assert found is not None, f"{txn_type}: row {row.id} points at nothing"
        ref, (x, y, w, h) = found
        assert ref.kind == row.region.kind  # type: ignore[union-attr]
        assert 0 <= x < 10_000 and 0 <= y < 10_000 and w > 0 and h > 0


def test_a_failing_row_names_a_reason_of_the_right_verdict() -> None:
    amount = next(r for r in checklist_for("transfer") if r.id == "amount")
    assert (amount.fail_reason, amount.fail_verdict) == ("R02", "reject")
    date = next(r for r in checklist_for("transfer") if r.id == "date")
    assert date.fail_verdict == "return"


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["rows"]["amount"].__setitem__("fail_reason", "R42"),
        lambda d: d["rows"]["amount"]["region"].__setitem__("kind", "selfie"),
        lambda d: d["types"].pop("transfer"),
        lambda d: d["types"]["transfer"].append("no_such_row"),
        lambda d: d.__setitem__("schema_version", 2),
    ],
    ids=["unknown reason", "unknown image kind", "type without rows", "unknown row", "schema"],
)
def test_bad_checklist_data_is_refused(change) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(_data())
    change(data)
    with pytest.raises(ChecklistError):
        parse_checklists(data)
