"""Vigilance test items (threat image projection): test cases a center lead prepares, signed by
the lead's key, that the broker slips into the queue among real requests (docs/PROTOCOL.md §7.16).

A *test pack* is a folder: ``pack.json`` (a ``TestPack``, signed) and each case's images, one
file per image named by its SHA-256. The pack names the day it is for and a rate; each case
is a request as a teller would send it and the defect it carries. Nothing here is Qt or
sockets: the broker loads and uses packs (``clientsvc.broker.vigilance``), the lead's desk
counts what the authorizers caught (``clientsvc.center.metrics.vigilance``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Annotated, Any, Literal

from cryptography.exceptions import InvalidSignature
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from clientsvc.identity import Directory, SigningKey
from clientsvc.protocol import edge
from clientsvc.protocol.canonical import canonical_bytes
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import (
    MAX_EVIDENCE_PER_REQUEST,
    MAX_IMAGE_BYTES,
    MAX_JSON_BYTES,
    AuthRequest,
    DefectCode,
    Id,
    KeyId,
    Millis,
    Signature,
    Text,
)

PACK_TAG = b"authdesk/test-pack/v1\n"
PACK_FILE = "pack.json"
MAX_CASES = 500
MAX_PACK_BYTES = MAX_CASES * MAX_JSON_BYTES // 8  # 4 MB of JSON: 500 requests of ~8 KB
MAX_PACK_IMAGE_BYTES = 512 * 1024 * 1024  # every image of one pack together
MAX_RATE_PER_MILLE = 200  # at most one test item for every five real requests
RELIABLE_AFTER = 100  # test items per authorizer before the detection rate is a firm figure
# what a vigilance test item's decision must be to count as caught: not an approval
CAUGHT_VERDICTS = frozenset({"reject", "return"})

Day = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]


class TestCase(BaseModel):
    """One test item: a request exactly as a teller would send it, and its defect."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    case_id: Id
    request: dict[str, Any]
    defect: DefectCode
    note: Text = ""  # the defect in the lead's words, shown to the authorizer after deciding


class TestPack(BaseModel):
    """The lead's signed pack (``pack.json``)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    v: Literal[1] = 1
    type: Literal["test_pack"] = "test_pack"
    pack_id: Id
    day: Day  # the local day the pack is for: its vouchers carry that date
    rate_per_mille: Annotated[int, Field(ge=1, le=MAX_RATE_PER_MILLE)]
    cases: Annotated[list[TestCase], Field(min_length=1, max_length=MAX_CASES)]
    lead_id: Id
    key_id: KeyId
    issued_at: Millis
    signature: Signature

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class TestMark(BaseModel):
    """What the broker's journal and the center keep of a test item (never sent to a worker
    before the decision): which case of which pack, and its defect."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    pack_id: Id
    case_id: Id
    lead_id: Id
    defect: DefectCode
    note: Text = ""

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def pack_signed_bytes(fields: dict[str, Any]) -> bytes:
    return PACK_TAG + canonical_bytes({k: v for k, v in fields.items() if k != "signature"})


def sign_pack(
    key: SigningKey,
    *,
    pack_id: str,
    day: str,
    rate_per_mille: int,
    cases: list[dict[str, Any]],
    issued_at: int,
) -> TestPack:
    fields: dict[str, Any] = {
        "v": 1,
        "type": "test_pack",
        "pack_id": pack_id,
        "day": day,
        "rate_per_mille": rate_per_mille,
        "cases": cases,
        "lead_id": key.authorizer_id,
        "key_id": key.key_id,
        "issued_at": issued_at,
    }
    fields["signature"] = key.private.sign(pack_signed_bytes(fields)).hex()
    return TestPack.model_validate(fields)


def write_pack(folder: Path, pack: TestPack, images: dict[str, bytes]) -> Path:
    """The pack as a folder: ``pack.json`` and each image under its SHA-256."""
    folder.mkdir(parents=True, exist_ok=True)
    for sha, data in images.items():
        (folder / sha).write_bytes(data)
    target = folder / PACK_FILE
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(canonical_bytes(pack.to_dict()))
    tmp.replace(target)
    return target


def _refused(code: ErrorCode, why: str) -> ProtocolError:
    return ProtocolError(code, f"test pack refused: {why}")


def verify_pack(pack: TestPack, directory: Directory) -> None:
    """The pack is signed by a lead's current key; nobody else can make one."""
    profile = directory.get(pack.lead_id)
    if profile is None or profile.revoked:
        raise _refused(ErrorCode.UNKNOWN_KEY, f"no valid key for {pack.lead_id}")
    if "lead" not in profile.roles:
        raise _refused(ErrorCode.FORBIDDEN, f"{pack.lead_id} is not a center lead")
    if profile.key_id != pack.key_id:
        raise _refused(ErrorCode.UNKNOWN_KEY, f"key {pack.key_id} is not {pack.lead_id}'s key")
    try:
        profile.public_key.verify(bytes.fromhex(pack.signature), pack_signed_bytes(pack.to_dict()))
    except (InvalidSignature, ValueError) as exc:
        raise _refused(ErrorCode.BAD_SIGNATURE, "the signature does not verify") from exc


@dataclass(frozen=True)
class LoadedPack:
    pack: TestPack
    requests: dict[str, AuthRequest]  # case id → its request, validated
    images: dict[str, bytes]  # sha256 → bytes, each checked against its hash and size


def load_pack(folder: Path, directory: Directory, day: str | None = None) -> LoadedPack | None:
    """A pack folder, read and checked whole: its JSON at the edge, its signature, every
    case's request as the broker checks a teller's, every image against its entry. Anything
    wrong refuses the whole pack (``ProtocolError``), naming what. ``day``: a pack signed for
    another day is None, its images not read."""
    try:
        data = (folder / PACK_FILE).read_bytes()
    except OSError as exc:
        raise _refused(ErrorCode.MALFORMED, f"{folder.name}: no readable {PACK_FILE}") from exc
    if len(data) > MAX_PACK_BYTES:
        raise _refused(ErrorCode.TOO_LARGE, f"{PACK_FILE} is over {MAX_PACK_BYTES:,} bytes")
    try:
        pack = TestPack.model_validate(edge.loads(data, MAX_PACK_BYTES))
    except ValidationError as exc:
        raise _refused(ErrorCode.MALFORMED, str(exc).splitlines()[0][:200]) from exc
    except ProtocolError as exc:  # not JSON, or hostile JSON (``edge``)
        raise _refused(exc.code, exc.detail) from exc
    verify_pack(pack, directory)
    if day is not None and pack.day != day:
        return None
    requests: dict[str, AuthRequest] = {}
    images: dict[str, bytes] = {}
    total = 0
    for case in pack.cases:
        if case.case_id in requests:
            raise _refused(ErrorCode.MALFORMED, f"case {case.case_id} appears twice")
        if len(canonical_bytes(case.request)) > MAX_JSON_BYTES:
            raise _refused(ErrorCode.TOO_LARGE, f"case {case.case_id}: the request is too large")
        try:
            request = AuthRequest.model_validate(case.request)
        except ValidationError as exc:
            raise _refused(
                ErrorCode.MALFORMED, f"case {case.case_id}: not a request: {str(exc)[:160]}"
            ) from exc
        if request.supersedes is not None:
            raise _refused(ErrorCode.MALFORMED, f"case {case.case_id}: a test corrects nothing")
        if len(request.evidence) > MAX_EVIDENCE_PER_REQUEST:
            raise _refused(ErrorCode.MALFORMED, f"case {case.case_id}: too many images")
        for ref in request.evidence:
            if ref.sha256 in images:
                continue
            path = folder / ref.sha256
            try:
                size = path.stat().st_size
                if size != ref.size or size > MAX_IMAGE_BYTES:
                    raise _refused(
                        ErrorCode.EVIDENCE_MISMATCH,
                        f"case {case.case_id}: image {ref.sha256[:12]} is not its entry's size",
                    )
                blob = path.read_bytes()
            except OSError as exc:
                raise _refused(
                    ErrorCode.EVIDENCE_MISSING, f"case {case.case_id}: image {ref.sha256[:12]}"
                ) from exc
            if hashlib.sha256(blob).hexdigest() != ref.sha256:
                raise _refused(
                    ErrorCode.EVIDENCE_MISMATCH,
                    f"case {case.case_id}: image {ref.sha256[:12]} fails its hash",
                )
            total += len(blob)
            if total > MAX_PACK_IMAGE_BYTES:
                raise _refused(ErrorCode.TOO_LARGE, "the images are over the pack's budget")
            images[ref.sha256] = blob
        requests[case.case_id] = request
    return LoadedPack(pack, requests, images)


def fresh_request_id(template: str, pack_day: str, today: dt.date, rng: Random) -> str:
    """A new request id shaped like the case's own: the pack's day in it (``20261203``)
    made today's, and its last part (after the last "-") drawn anew character by character
    in the same class (a digit for a digit, a hex letter for a hex letter, a letter for a
    letter, in the same case), so the item looks like any other request of its teller."""
    day = pack_day.replace("-", "")
    text = template.replace(day, today.strftime("%Y%m%d")) if len(day) == 8 else template
    head, sep, tail = text.rpartition("-")
    if not sep:  # no separator: the last 8 characters are taken as the random part
        head, tail = text[:-8], text[-8:]
    lower, upper = "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    digits = "0123456789"
    if tail.isdigit():
        pool = {c: digits for c in tail}
    elif all(c in digits + "abcdef" for c in tail):
        pool = {c: digits + "abcdef" for c in tail}  # lowercase hex, as most systems write it
    elif all(c in digits + "ABCDEF" for c in tail):
        pool = {c: digits + "ABCDEF" for c in tail}
    else:
        pool = {
            c: digits if c.isdigit() else lower if c in lower else upper if c in upper else c
            for c in tail
        }
    out = [rng.choice(pool[c]) for c in tail]
    return f"{head}{sep}{''.join(out)}"


def wilson(caught: int, total: int, z: float = 1.959964) -> tuple[float, float] | None:
    """The Wilson score interval (95 %) of a detection rate: it stays inside 0..1 and is
    honest for small counts, where the normal approximation is not."""
    if total <= 0:
        return None
    p = caught / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def mark_of(body: dict[str, Any]) -> TestMark | None:
    """The test mark in a journal record's body (``accepted``), if it is a test item."""
    raw = body.get("test")
    if raw is None:
        return None
    return TestMark.model_validate(raw)


def dumps_mark(mark: TestMark) -> str:
    return json.dumps(mark.to_dict(), ensure_ascii=False, sort_keys=True)
