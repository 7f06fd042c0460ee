"""Application messages carried in MDP bodies: typed, strictly validated, versioned.

Every body's first frame is one JSON object with ``"v": 1`` and a ``"type"``. Unknown fields,
wrong types, out-of-range values, an unknown type or version are refused with a stable
error code (``ProtocolError``). Field meanings and limits are documented in docs/PROTOCOL.md.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from clientsvc.money import MAX_AMOUNT_FEN
from clientsvc.protocol.canonical import canonical_bytes, canonical_digest
from clientsvc.protocol.edge import loads, name_problem
from clientsvc.protocol.errors import ErrorCode, ProtocolError

PROTOCOL_VERSION = 1
MAX_JSON_BYTES = 64 * 1024
# an item (broker → worker) carries a request and, for a resubmission, the request it corrects
# with the decision that returned it: two requests of up to MAX_JSON_BYTES each, and room to spare
MAX_ITEM_BYTES = 3 * MAX_JSON_BYTES
MAX_IMAGE_BYTES = 16 * 1024 * 1024
MAX_EVIDENCE_PER_REQUEST = 16
MAX_WAIT_MS = 30_000
MAX_CAPTURES = 8
MAX_READING_BYTES = 48 * 1024  # a signed reading, encoded (docs/PROTOCOL.md §4.15)
# what the broker can say of an item's machine reading (§4.15): a reader has it or will,
# or no reader could read it (none connected, or every try failed)
ReadingStatus = Literal["pending", "unavailable"]

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Nonce = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
Signature = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{128}$")]
KeyId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]
ReasonCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9]{2}$")]
Millis = Annotated[int, Field(ge=0, le=2**53 - 1)]


def _name(value: str) -> str:
    problem = name_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


# Free text (a summary, a reason, a detail): newline and tab allowed, any other control
# character refused for every string at the edge (``edge.loads``); shown with invisible
# characters made visible (``edge.visible``).
Text = Annotated[str, StringConstraints(max_length=200)]
# Names, labels, keys and the values of transaction elements: no control, invisible or
# reordering character and no mixed look-alike scripts (``edge.name_problem``)
Name = Annotated[str, StringConstraints(max_length=64), AfterValidator(_name)]
ElementValue = Annotated[str, StringConstraints(max_length=200), AfterValidator(_name)]

TxnType = Literal[
    "cash_withdrawal",
    "transfer",
    "reversal",
    "password_reset",
    "loss_report",
    "account_opening",
    "account_closing",
    "cashbox_override",
]
TXN_TYPES: tuple[str, ...] = TxnType.__args__  # type: ignore[attr-defined]
# "locked": the workstation locked its screen: nothing is sent, and what it holds goes back
PresenceState = Literal["available", "away", "locked", "signed_out"]
Verdict = Literal["approve", "reject", "return"]


class RequestState(StrEnum):
    """Where a request is. The same words on the wire, in the broker's journal and in its
    memory: a member is the string it names (``RequestState.PENDING == "pending"``)."""

    PENDING = "pending"  # queued at the broker
    IN_REVIEW = "in_review"  # leased to an authorizer
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"  # returned for correction
    CANCELLED = "cancelled"  # cancelled by the teller
    TIMED_OUT = "timed_out"
    FALLBACK_LOCAL = "fallback_local"  # the teller fell back to local authorization

    @property
    def final(self) -> bool:
        return self in FINAL_STATES


FINAL_STATES: frozenset[RequestState] = frozenset(
    {
        RequestState.APPROVED,
        RequestState.REJECTED,
        RequestState.RETURNED,
        RequestState.CANCELLED,
        RequestState.TIMED_OUT,
        RequestState.FALLBACK_LOCAL,
    }
)
# what a remote decision makes of its request
DECIDED_STATES = frozenset({RequestState.APPROVED, RequestState.REJECTED, RequestState.RETURNED})
VERDICT_STATE: dict[str, RequestState] = {
    "approve": RequestState.APPROVED,
    "reject": RequestState.REJECTED,
    "return": RequestState.RETURNED,
}
# a state in a message: its word on the wire (strict mode would want the enum's instance)
StateField = Annotated[RequestState, Field(strict=False)]


class Message(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    v: Literal[1] = 1

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_frame(self) -> bytes:
        return canonical_bytes(self.to_dict())


class EvidenceRef(BaseModel):
    """One image attached to a request, addressed by the SHA-256 of its bytes."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    sha256: Sha256
    kind: Literal["voucher", "id_front", "id_back", "photo", "other"]
    mime: Literal["image/jpeg", "image/png"]
    size: Annotated[int, Field(ge=1, le=MAX_IMAGE_BYTES)]
    label: Name = ""
    # what the teller system knows was written on the image (e.g. written_amount_fen)
    meta: Annotated[dict[Name, ElementValue], Field(max_length=32)] = {}
    # regions of the image, x/y/w/h in 1/10000 of width/height, for checklist rows
    regions: Annotated[
        dict[
            Name,
            Annotated[
                list[Annotated[int, Field(ge=0, le=10_000)]], Field(min_length=4, max_length=4)
            ],
        ],
        Field(max_length=32),
    ] = {}


class AuthRequest(Message):
    """Teller → broker (service ``authz.submit``): please authorize this transaction."""

    type: Literal["auth_request"] = "auth_request"
    request_id: Id
    outlet_id: Id
    outlet_name: Name = ""
    teller_id: Id
    terminal_id: Id
    txn_type: TxnType
    amount_fen: Annotated[int, Field(ge=0, le=MAX_AMOUNT_FEN)] = 0
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "CNY"
    account_no: Annotated[str, StringConstraints(pattern=r"^[0-9]{6,32}$")]
    account_name: Name
    id_type: Literal["resident_id", "passport", "other"] = "resident_id"
    id_number: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,32}$")]
    elements: Annotated[dict[Name, ElementValue], Field(max_length=32)] = {}
    summary: Text = ""
    evidence: Annotated[list[EvidenceRef], Field(max_length=MAX_EVIDENCE_PER_REQUEST)] = []
    submitted_at: Millis
    wait_s: Annotated[int, Field(ge=10, le=3600)] = 300
    urgent: bool = False
    supersedes: Id | None = None
    camera_id: Id | None = None  # the counter camera at this teller's position (live video)


class SubmitAck(Message):
    type: Literal["submit_ack"] = "submit_ack"
    request_id: Id
    state: StateField
    position: Annotated[int, Field(ge=0)]
    server_time: Millis


class Wait(Message):
    """Teller → broker (``authz.wait``): answer when the request's state changes (leased,
    requeued, final) or after wait_ms, whichever is first; at once if it is final."""

    type: Literal["wait"] = "wait"
    request_id: Id
    teller_id: Id
    wait_ms: Annotated[int, Field(ge=0, le=MAX_WAIT_MS)] = 10_000


class Cancel(Message):
    """Teller → broker (``authz.cancel``)."""

    type: Literal["cancel"] = "cancel"
    request_id: Id
    teller_id: Id
    reason: Text = ""


class LocalAuthorization(Message):
    """Teller → broker (``authz.local``): the center gave no answer in time and the outlet's
    supervisor authorized locally (本地授权). Ends the request (state ``fallback_local``: no
    remote decision can follow) and reaches the center, flagged for review. Carries the request
    itself, for a broker that never received it."""

    type: Literal["local_authorization"] = "local_authorization"
    request_id: Id
    teller_id: Id
    supervisor_id: Id
    verdict: Verdict
    reason_text: Text = ""
    why: Literal["unreachable", "no_decision_in_time"]
    at: Millis
    request: dict[str, Any]


OVERRIDE_MIN_CHARS = 10
"""The shortest written reason for approving past a machine finding (in characters, white
space not counted): a sentence, not "ok"."""
FindingCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]


def _override_note(value: str) -> str:
    if len("".join(value.split())) < OVERRIDE_MIN_CHARS:
        raise ValueError(f"an override needs a reason of at least {OVERRIDE_MIN_CHARS} characters")
    return value


class Override(BaseModel):
    """An approval past the machine's findings (``clientsvc.crosscheck``): which findings the
    authorizer saw and approved past, and why, in words. Signed inside the decision."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    findings: Annotated[list[FindingCode], Field(min_length=1, max_length=16)]
    note: Annotated[str, StringConstraints(max_length=200), AfterValidator(_override_note)]


class Decision(Message):
    """Authorizer → broker (``authz.decide``), relayed to the teller. Signed (Ed25519)."""

    type: Literal["decision"] = "decision"
    request_id: Id
    lease_id: Id
    request_digest: Sha256
    evidence: Annotated[list[Sha256], Field(max_length=MAX_EVIDENCE_PER_REQUEST)]
    verdict: Verdict
    reason_code: ReasonCode | None = None
    reason_text: Text = ""
    authorizer_id: Id
    key_id: KeyId
    decided_at: Millis
    nonce: Nonce
    signature: Signature
    # frames grabbed from the counter camera while deciding (SHA-256 of each JPEG, sorted);
    # omitted from the encoding, and so from what is signed, when there are none
    captures: Annotated[list[Sha256], Field(max_length=MAX_CAPTURES)] = []
    # when the authorizer entered the PIN again for this decision (items at the top authority
    # level); omitted, and so not signed, when the item did not ask for it
    reauth_at: Millis | None = None
    # an approval past the machine's findings, with its written reason; omitted, and so not
    # signed, when the decision is not an override
    override: Override | None = None
    # the digest of the machine reading the authorizer was shown (§4.15, §5.4); omitted, and
    # so not signed, when none had arrived
    reading: Sha256 | None = None

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if not data["captures"]:
            del data["captures"]
        if data["reauth_at"] is None:
            del data["reauth_at"]
        if data["override"] is None:
            del data["override"]
        if data["reading"] is None:
            del data["reading"]
        return data


class Outcome(Message):
    """Broker → teller: the request's state, with the signed decision once there is one."""

    type: Literal["outcome"] = "outcome"
    request_id: Id
    state: StateField
    decision: Decision | None = None
    detail: Text = ""
    server_time: Millis
    # dual authorization: every approval, each signed by a different authorizer; omitted when
    # the request needed one
    approvals: Annotated[list[Decision], Field(max_length=2)] = []

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if self.decision is not None:  # encoded as the authorizer signed it (§4.5)
            data["decision"] = self.decision.to_dict()
        if self.approvals:
            data["approvals"] = [d.to_dict() for d in self.approvals]
        else:
            del data["approvals"]
        return data


class Presence(Message):
    """Workstation → broker (``authz.presence``): sign-in (available), away, sign-out. Signed."""

    type: Literal["presence"] = "presence"
    authorizer_id: Id
    terminal_id: Id
    state: PresenceState
    at: Millis
    nonce: Nonce
    key_id: KeyId
    signature: Signature


class PresenceAck(Message):
    type: Literal["presence_ack"] = "presence_ack"
    authorizer_id: Id
    state: PresenceState
    server_time: Millis


class Original(BaseModel):
    """What a resubmission corrects (``Item.original``): the request its ``supersedes`` names,
    exactly as its teller sent it, and the signed decision that returned it."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    request: dict[str, Any]  # the superseded AuthRequest exactly as the teller sent it
    decision: Decision  # the return, as its authorizer signed it

    @model_validator(mode="after")
    def _a_return_of_this_request(self) -> Original:
        if self.decision.verdict != "return":
            raise ValueError("the original's decision must be a return")
        if self.request.get("request_id") != self.decision.request_id:
            raise ValueError("the original's decision is about another request")
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"request": self.request, "decision": self.decision.to_dict()}


class Item(Message):
    """Broker → worker (MDP REQUEST body): an item leased to this authorizer."""

    type: Literal["item"] = "item"
    lease_id: Id
    request: dict[str, Any]  # the AuthRequest exactly as the teller sent it
    request_digest: Sha256
    enqueued_at: Millis
    dispatched_at: Millis
    lease_expires_at: Millis
    attempt: Annotated[int, Field(ge=1)]
    # dual authorization: how many approvals the request needs (omitted when 1) and the one
    # already given by another authorizer (omitted when none)
    approvals_needed: Annotated[int, Field(ge=1, le=2)] = 1
    prior_approvals: Annotated[list[Decision], Field(max_length=1)] = []
    # the item is at the top authority level: the decision must carry ``reauth_at`` (omitted
    # when false)
    reauth_required: bool = False
    # a resubmission (the request ``supersedes`` a returned one of the same teller): that
    # request and the decision that returned it (omitted when there is none)
    original: Original | None = None
    # the machine reading of the request's images (a signed reading, §4.15) when the broker
    # holds one as it sends the item; else whether one is still to come (omitted when there
    # is a reading)
    reading: dict[str, Any] | None = None
    reading_status: ReadingStatus | None = None

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if self.reading is None:
            del data["reading"]
        if self.reading_status is None:
            del data["reading_status"]
        if not self.reauth_required:
            del data["reauth_required"]
        if self.original is not None:  # the return encoded as its authorizer signed it
            data["original"] = self.original.to_dict()
        else:
            del data["original"]
        if self.prior_approvals:
            data["prior_approvals"] = [d.to_dict() for d in self.prior_approvals]
        else:
            del data["prior_approvals"]
        if self.approvals_needed == 1:
            del data["approvals_needed"]
        return data


class Revoke(Message):
    """Broker → worker (MDP REQUEST body, no reply expected): take this item off the screen."""

    type: Literal["revoke"] = "revoke"
    request_id: Id
    lease_id: Id
    reason: Literal[
        "cancelled",
        "timed_out",
        "lease_expired",
        "decided_elsewhere",
        "reassigned",
        "locked",
        "fallback_local",  # the outlet authorized it locally (本地授权)
    ]


class ItemReading(Message):
    """Broker → worker (MDP REQUEST body, no reply expected): the machine reading of an item
    the worker holds arrived, or no reader will make one (§4.15)."""

    type: Literal["item_reading"] = "item_reading"
    request_id: Id
    lease_id: Id
    reading: dict[str, Any] | None = None  # a signed reading; None with ``unavailable``
    reading_status: ReadingStatus | None = None

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if self.reading is None:
            del data["reading"]
        if self.reading_status is None:
            del data["reading_status"]
        return data


class ReadJob(Message):
    """Broker → reader (MDP REQUEST body on ``authz.read``): read this request's images."""

    type: Literal["read_job"] = "read_job"
    request: dict[str, Any]  # the AuthRequest exactly as the teller sent it
    request_digest: Sha256
    enqueued_at: Millis  # the branch's day the voucher must carry is this time's local day


class WorkerOptions(Message):
    """Workstation → broker (``authz.options``): how this worker wants items dispatched.

    ``prefetch``: how many items it will hold as "next" besides the one on screen (the broker
    grants at most 1). A worker that never sends this gets one item at a time, as in MDP.
    """

    type: Literal["worker_options"] = "worker_options"
    prefetch: Annotated[int, Field(ge=0, le=4)] = 0


class WorkerOptionsAck(Message):
    type: Literal["worker_options_ack"] = "worker_options_ack"
    prefetch: Annotated[int, Field(ge=0)]
    server_time: Millis


# the defect a vigilance test item carries (§7.16), as the lead's pack names it
DefectCode = Literal[
    "amount_mismatch",  # the voucher's amount is not the keyed amount
    "capital_mismatch",  # 大写 and 小写 disagree on the voucher
    "account_mismatch",  # the voucher's account number is not the keyed one
    "name_mismatch",  # a name on the voucher or the ID is not the keyed name
    "id_number_mismatch",  # the ID number, or its check digit, is wrong
    "id_expired",  # the ID card is past its validity
    "date_wrong",  # the voucher is dated another day
    "seal_missing",  # the voucher carries no seal, or not the outlet's
    "signature_missing",  # the customer did not sign
    "other",  # described in the note
]
DEFECT_CODES: tuple[str, ...] = DefectCode.__args__  # type: ignore[attr-defined]


class TestReveal(BaseModel):
    """In a decision's ack, only when the item was a vigilance test (§7.16): its defect, and
    whether the decision caught it (a rejection or a return does; an approval does not)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    defect: DefectCode
    note: Text = ""
    caught: bool


class DecisionAck(Message):
    type: Literal["decision_ack"] = "decision_ack"
    request_id: Id
    status: Literal["accepted", "duplicate"]
    server_time: Millis
    # the item was a vigilance test (§7.16): omitted for every real request
    test: TestReveal | None = None

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if data["test"] is None:
            del data["test"]
        return data


class EvidenceGet(Message):
    """Workstation → broker (``evidence.get``); the reply is an EvidenceBlob frame + the bytes."""

    type: Literal["evidence_get"] = "evidence_get"
    sha256: Sha256


class EvidenceBlob(Message):
    type: Literal["evidence"] = "evidence"
    sha256: Sha256
    mime: Literal["image/jpeg", "image/png"]
    size: Annotated[int, Field(ge=1, le=MAX_IMAGE_BYTES)]


class QueueStatusGet(Message):
    """Workstation → broker (``authz.queue``)."""

    type: Literal["queue_status_get"] = "queue_status_get"


class QueueStatus(Message):
    type: Literal["queue_status"] = "queue_status"
    waiting: Annotated[int, Field(ge=0)]
    in_review: Annotated[int, Field(ge=0)]
    oldest_enqueued_at: Millis | None
    authorizers_available: Annotated[int, Field(ge=0)]
    server_time: Millis


class Error(Message):
    type: Literal["error"] = "error"
    code: Annotated[str, StringConstraints(pattern=r"^E_[A-Z_]{1,40}$")]
    detail: Annotated[str, StringConstraints(max_length=500)] = ""
    request_id: Id | None = None


MESSAGE_TYPES: dict[str, type[Message]] = {
    cls.model_fields["type"].default: cls
    for cls in (
        AuthRequest,
        SubmitAck,
        Wait,
        Cancel,
        LocalAuthorization,
        Decision,
        Outcome,
        Presence,
        PresenceAck,
        Item,
        Revoke,
        ItemReading,
        ReadJob,
        WorkerOptions,
        WorkerOptionsAck,
        DecisionAck,
        EvidenceGet,
        EvidenceBlob,
        QueueStatusGet,
        QueueStatus,
        Error,
    )
}

M = TypeVar("M", bound=Message)


def decode_json(frame: bytes, max_bytes: int = MAX_JSON_BYTES) -> dict[str, Any]:
    """The first body frame as a JSON object, checked at the edge (``edge.loads``: size, UTF-8,
    duplicate keys, depth, control characters, lone surrogates), every failure a code."""
    value = loads(frame, max_bytes)
    if not isinstance(value, dict):
        raise ProtocolError(ErrorCode.MALFORMED, "message is not a JSON object")
    return value


def parse(
    frame: bytes, *expected: type[M], max_bytes: int = MAX_JSON_BYTES
) -> tuple[M, dict[str, Any]]:
    """Parse and validate one message frame; returns the model and the raw object.

    The raw object is what digests cover: the receiver hashes what the sender sent, never a
    re-serialization with defaults filled in. ``max_bytes``: ``MAX_ITEM_BYTES`` where items
    are read, ``MAX_JSON_BYTES`` for everything else.
    """
    raw = decode_json(frame, max_bytes)
    version = raw.get("v")
    if type(version) is not int or version != PROTOCOL_VERSION:  # not 1.0, not true
        raise ProtocolError(ErrorCode.UNSUPPORTED_VERSION, f"version {version!r}")
    kind = raw.get("type")
    cls = MESSAGE_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown message type {str(kind)[:40]!r}")
    if expected and cls not in expected:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"{kind} is not valid here")
    try:
        model = cls.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ProtocolError(ErrorCode.MALFORMED, f"{kind}.{where}: {first['msg']}") from exc
    return model, raw  # type: ignore[return-value]


def parse_any(frame: bytes) -> tuple[Message, dict[str, Any]]:
    """Parse a frame of any known message type."""
    return parse(frame, *MESSAGE_TYPES.values())


def request_digest(raw_request: dict[str, Any]) -> str:
    """Digest of the request's elements: SHA-256 of the canonical encoding of what was sent."""
    try:
        return canonical_digest(raw_request)
    except ValueError as exc:
        raise ProtocolError(ErrorCode.MALFORMED, f"not canonically encodable: {exc}") from exc


def error_frame(code: ErrorCode, detail: str = "", request_id: str | None = None) -> bytes:
    return Error(code=code.value, detail=detail[:500], request_id=request_id).to_frame()
