"""The review checklist (审核要点) per transaction type, kept as data in
``clientsvc/data/checklists.json``: rows, the image region each points at, and the reason code
a failing row pre-fills."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

from clientsvc.catalogue import REJECT_REASONS, RETURN_REASONS
from clientsvc.protocol.messages import TXN_TYPES, EvidenceRef

EVIDENCE_KINDS = frozenset({"voucher", "id_front", "id_back", "photo", "other"})


@dataclass(frozen=True)
class RegionRef:
    kind: str  # which evidence image (EvidenceRef.kind)
    name: str  # which of its regions (EvidenceRef.regions)

    def locate(self, evidence: list[EvidenceRef]) -> tuple[EvidenceRef, tuple[int, ...]] | None:
        """The image and the region (x, y, w, h in 1/10000) this points at, if present."""
        for ref in evidence:
            if ref.kind == self.kind and self.name in ref.regions:
                return ref, tuple(ref.regions[self.name])
        return None


@dataclass(frozen=True)
class ChecklistRow:
    id: str
    text: dict[str, str]  # language → text ("zh", "en")
    region: RegionRef | None
    fail_reason: str  # a reject (R..) or return (T..) code
    fail_text: dict[str, str] = field(default_factory=dict)  # what the teller reads on failure
    required: bool = False  # answered (fine or failing) before an approval, for its type

    @property
    def fail_verdict(self) -> str:
        return "reject" if self.fail_reason.startswith("R") else "return"

    def label(self, language: str) -> str:
        return self.text.get(language) or self.text.get("en") or self.id

    def failure(self, language: str) -> str:
        """The sentence the teller reads when this row fails ("凭证日期非当日"), not the
        requirement itself ("凭证日期为当日")."""
        return self.fail_text.get(language) or self.fail_text.get("zh") or self.label(language)

    def locate(self, evidence: list[EvidenceRef]) -> tuple[EvidenceRef, tuple[int, ...]] | None:
        """The image and the region (x, y, w, h in 1/10000) this row points at, if present."""
        return None if self.region is None else self.region.locate(evidence)


class ChecklistError(ValueError):
    pass


def parse_checklists(data: dict[str, Any]) -> dict[str, tuple[ChecklistRow, ...]]:
    """Validate the checklist data: every type has rows, every code and kind exists."""
    if data.get("schema_version") != 1:
        raise ChecklistError(f"unknown schema_version {data.get('schema_version')!r}")
    codes = set(REJECT_REASONS) | set(RETURN_REASONS)
    rows: dict[str, ChecklistRow] = {}
    for row_id, spec in data["rows"].items():
        if spec["fail_reason"] not in codes:
            raise ChecklistError(f"row {row_id}: unknown reason code {spec['fail_reason']}")
        region = spec.get("region")
        if region is not None and region["kind"] not in EVIDENCE_KINDS:
            raise ChecklistError(f"row {row_id}: unknown image kind {region['kind']}")
        if not spec.get("fail_zh"):
            raise ChecklistError(f"row {row_id}: no fail_zh (what the teller reads on failure)")
        rows[row_id] = ChecklistRow(
            id=row_id,
            text={k: str(spec[k]) for k in ("zh", "en") if k in spec},
            region=None if region is None else RegionRef(str(region["kind"]), str(region["name"])),
            fail_reason=str(spec["fail_reason"]),
            fail_text={k[5:]: str(spec[k]) for k in ("fail_zh", "fail_en") if k in spec},
        )
    out: dict[str, tuple[ChecklistRow, ...]] = {}
    for txn_type in TXN_TYPES:
        ids = data["types"].get(txn_type)
        if not ids:
            raise ChecklistError(f"no checklist for {txn_type}")
        missing = [i for i in ids if i not in rows]
        if missing:
            raise ChecklistError(f"{txn_type}: unknown rows {missing}")
        required = set(data.get("required", {}).get(txn_type, ()))
        if required - set(ids):
            raise ChecklistError(f"{txn_type}: required rows not in its list {required - set(ids)}")
        out[txn_type] = tuple(replace(rows[i], required=i in required) for i in ids)
    return out


@cache
def checklists() -> dict[str, tuple[ChecklistRow, ...]]:
    text = resources.files("clientsvc").joinpath("data/checklists.json").read_text("utf-8")
    return parse_checklists(json.loads(text))


def checklist_for(txn_type: str) -> tuple[ChecklistRow, ...]:
    return checklists().get(txn_type, ())
