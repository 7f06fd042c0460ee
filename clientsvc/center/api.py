"""The lead's desk calls (``lead.call``), typed: each operation, its arguments, its result, who
may make it — and the one place that runs a verified call and checks every permission.

- ``Op`` names the operations (the same words on the wire as before).
- ``Call`` ties an operation to its argument model, its result model and its ``Who``.
- ``dispatch`` validates the arguments, checks who may call and the review's order (one's
  own verdict before the original; a second person for a finding of error), runs the desk,
  and validates the result against its model before it leaves.

The center speaks in codes: a refusal's detail is a ``Refusal`` (or the argument that is
wrong), never a sentence for a person; the desk (``ui.lead``) puts them into words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Annotated, Any, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from clientsvc.center.codes import Refusal
from clientsvc.center.lead import LeadDesk
from clientsvc.center.sampling import SamplePlan
from clientsvc.protocol.errors import ErrorCode, ProtocolError


class Op(StrEnum):
    WHOAMI = "whoami"
    BOARD = "board"
    STATS = "stats"
    AGREEMENT = "agreement"
    QUARANTINE = "quarantine"
    SAMPLES = "samples"
    SAMPLE = "sample"
    DRAW = "draw"
    RERUN = "rerun"
    ADD_MANUAL = "add_manual"
    EVIDENCE = "evidence"
    RECORD_VERDICT = "record_verdict"
    REVEAL = "reveal"
    RECORD_FINDING = "record_finding"
    CONFIRM_FINDING = "confirm_finding"


class Who(Enum):
    ANYONE = "anyone"  # any person with a valid key in the directory (a reviewer)
    LEAD = "lead"  # a person with the "lead" role


# --- the arguments ---------------------------------------------------------------------------

_MAX_INT = 2**53 - 1
_ID = r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$"
Day = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", max_length=10)]
SampleId = Annotated[str, Field(pattern=_ID, max_length=16)]
RequestId = Annotated[str, Field(pattern=_ID, max_length=64)]
Note = Annotated[str, Field(max_length=500)]
Verdict = Literal["approve", "reject", "return"]


class Args(BaseModel):
    """Every argument known, of its type and within its range: checked before the desk sees
    it (a seed past SQLite's 64 bits, a date of 5,000 characters, a note that is a list …)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class NoArgs(Args):
    pass


class DayRange(Args):
    day_from: Day
    day_to: Day


class SampleRef(Args):
    sample_id: SampleId


class ItemRef(Args):
    sample_id: SampleId
    request_id: RequestId


class DrawArgs(DayRange):
    seed: Annotated[int, Field(ge=0, le=_MAX_INT)]
    plan: dict[str, Any] = Field(default_factory=dict)


class VerdictArgs(ItemRef):
    verdict: Verdict
    # the same lists as the authorizer's (clientsvc.catalogue): an R code with a reject, a T
    # code with a return, none with an approval; R99 / T99 need the note
    reason_code: Annotated[str, Field(max_length=8)] | None = None
    note: Note = ""


class FindingArgs(ItemRef):
    outcome: Literal["no_error", "error"]
    category: Annotated[str, Field(max_length=8)] = ""
    note: Note = ""


class ConfirmArgs(ItemRef):
    accept: bool
    note: Note = ""


# --- the results -----------------------------------------------------------------------------


class Result(BaseModel):
    """What the center answers. Fields the center adds later are ignored by an older desk."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Whoami(Result):
    actor: str
    lead: bool


class QueueRow(Result):
    waiting: int
    in_review: int
    oldest_wait_s: int


class PersonRow(Result):
    state: str  # available | away | locked | signed_out | offline | unknown
    offline_since_ms: int | None = None  # offline: when the broker last heard it
    on_item: str | None
    on_item_s: int
    items_today: int  # decisions signed today (``metrics.today_by_authorizer``)
    avg_s: float | None  # their average viewing time today (on screen → decided)


class WaitAlert(Result):
    request_id: str
    txn_type: str
    wait_s: int
    outlet_id: str


class Board(Result):
    at_ms: int
    wait_target_s: int
    queue: dict[str, QueueRow]  # by transaction type
    authorizers: dict[str, PersonRow]
    fallback_outlets: dict[str, int]  # outlet → requests timed out or authorized locally
    alerts: list[WaitAlert]
    names: dict[str, str] = {}  # authorizer and outlet ids → names


class Group(Result):
    """The outcomes of a group of requests (an outlet, a type): counts of every state, the
    verdicts' rates over the decided ones (None over none)."""

    volume: int
    decided: int
    pending: int
    unanswered: int
    counts: dict[str, int]
    rates: dict[str, float | None]
    overrides: int
    avg_total_s: float | None


class PartFigure(Result):
    avg_s: float | None
    measured: int  # the requests the average is over


class PersonFigures(Result):
    decisions: int  # every decision they signed (both approvers of a dual item)
    approved: int
    rejected: int
    returned: int
    overrides: int  # their approvals past the machine's findings
    avg_viewing_s: float | None
    avg_total_s: float | None  # over the requests whose final decision was theirs


class StatsRecord(Result):
    request_id: str
    outlet_id: str
    txn_type: str
    state: str
    authorizers: list[str]
    submitted_ms: int
    hour: int
    override: bool
    reason_code: str | None
    reason_text: str
    total_s: float | None
    queue_s: float | None
    hold_s: float | None
    viewing_s: float | None
    second_wait_s: float | None
    rework_s: float | None


class VigilanceFigures(Result):
    """One authorizer's vigilance test items (``metrics.vigilance``)."""

    tests: int
    caught: int
    rate: float
    low: float | None  # the Wilson 95 % interval
    high: float | None
    reliable: bool  # decided at least ``vigilance.RELIABLE_AFTER`` of them
    missed: dict[str, int] = {}  # defect code → test items approved with it


class Stats(Result):
    """``clientsvc.center.metrics.summarize``: every figure defined once (docs/LEAD.md §5)."""

    volume: int
    decided: int
    pending: int
    unanswered: int
    counts: dict[str, int]
    rates: dict[str, float | None]  # over the decided requests
    overrides: int
    avg_total_s: float | None
    parts: dict[str, PartFigure]  # queue_s, hold_s, viewing_s, second_wait_s, rework_s
    by_authorizer: dict[str, PersonFigures]
    by_outlet: dict[str, Group]
    by_category: dict[str, Group]
    by_hour: dict[int, int]  # 0..23 → requests submitted in that hour
    peak_hours: list[int]
    records: list[StatsRecord]
    test_items: int = 0  # vigilance test items, left out of every figure
    vigilance: dict[str, VigilanceFigures] = {}  # per authorizer, from the test items
    names: dict[str, str] = {}


class Rate(Result):
    reviews: int
    agree: int
    rate: float | None


class Agreement(Result):
    by_category: dict[str, Rate]
    by_authorizer: dict[str, Rate]
    errors_by_authorizer: dict[str, dict[str, int]]  # authorizer → category → confirmed
    repeat_findings: list[str]


class Quarantined(Result):
    id: int
    source: str
    sender: str
    seq: int
    request_id: str | None
    event: str | None
    error: str
    at_ms: int
    size: int
    record: str


class Quarantine(Result):
    count: int
    records: list[Quarantined]


class SampleHead(Result):
    sample_id: str
    day_from: str
    day_to: str
    seed: int
    plan_fingerprint: str
    created_by: str


class Samples(RootModel[list[SampleHead]]):
    model_config = ConfigDict(frozen=True)


class Finding(Result):
    sample_id: str
    request_id: str
    reviewer: str
    outcome: Literal["no_error", "error"]
    category: str
    note: str
    at_ms: int
    state: Literal["final", "awaiting_confirmation", "confirmed", "rejected"]
    confirmed_by: str | None
    confirmed_ms: int | None


class SampleItem(Result):
    request_id: str
    how: str  # drawn | minimum | manual | flagged
    txn_type: str
    weight: str
    added_by: str
    amount_fen: int | None
    reviewed_by: list[str]
    verdicts: dict[str, str] = {}  # reviewer → their blind verdict (a reviewer: their own)
    verdict_reasons: dict[str, str] = {}  # reviewer → the verdict's reason code ("" approve)
    decided_by: str = ""  # the original authorizers, "A1+A2" (blank for a reviewer)
    state: str = ""  # the original outcome (blank for a reviewer)
    finding: Finding | None  # None for a reviewer: findings are the lead's


class Sample(Result):
    sample_id: str
    day_from: str
    day_to: str
    seed: int
    plan: dict[str, Any]
    plan_fingerprint: str
    eligible_hash: str
    eligible_count: int
    created_by: str
    items: list[SampleItem]
    names: dict[str, str] = {}  # the people named, by id (the directory's names)


class Rerun(Result):
    same_items: bool
    same_eligible: bool
    plan_fingerprint: str


class Evidence(Result):
    request_id: str
    request: dict[str, Any]  # the request as the teller sent it (its elements)
    images: list[str]
    frame_grabs: list[str]
    grabbed_at_us: dict[str, int] = {}  # frame grab → when the camera took it


class Recorded(Result):
    recorded: bool


class OriginalDecision(Result):
    authorizer_id: str | None
    verdict: str | None
    reason_code: str | None
    reason_text: str
    decided_at: int | None


class CenterFinding(Result):
    """The center's own re-check of a decided request (``clientsvc.recheck``)."""

    request_id: str
    authorizer_id: str
    code: str
    detail: str
    source: str
    at_ms: int


class ReadElement(Result):
    element: str
    keyed: str
    seen: str  # what was read, each place on its own line ("" when nothing)
    verdict: str  # match, mismatch, unreadable
    why: str


class ReadingShown(Result):
    """A machine reading of the request's images, as the broker kept it (docs/READING.md)."""

    digest: str
    reader_id: str
    engine: str
    named: bool  # a decision names it: the authorizer was shown it
    elements: list[ReadElement]


class Reveal(Result):
    request_id: str
    state: str
    your_verdict: str
    original_verdict: str
    agree: bool
    decisions: list[OriginalDecision]
    findings: list[CenterFinding]
    readings: list[ReadingShown] = []
    # row → answer, as the authorizers who decided it ticked; empty: nothing was ticked
    checklist: dict[str, str] = {}
    names: dict[str, str] = {}  # the people named, by id (the directory's names)


# --- the calls -------------------------------------------------------------------------------

A = TypeVar("A", bound=Args)
R = TypeVar("R", bound=BaseModel)
Run = Callable[[LeadDesk, str, Any], Any]  # (desk, the verified signer, the arguments)


@dataclass(frozen=True)
class Call(Generic[A, R]):
    op: Op
    args: type[A]
    result: type[R]
    who: Who
    run: Run
    guard: Callable[[LeadDesk, str, A], None] | None = None  # the review's order

    def read(self, raw: Any) -> R:
        """The center's answer as this call's result (``E_MALFORMED`` when it is not)."""
        try:
            return self.result.model_validate(raw)
        except ValidationError as exc:
            raise ProtocolError(ErrorCode.MALFORMED, f"{self.op}: {_first(exc)}") from exc

    def wire(self, args: A) -> dict[str, Any]:
        """The arguments as they are sent (and signed)."""
        return args.model_dump(mode="json")


def _own_verdict_first(desk: LeadDesk, actor: str, a: ItemRef) -> None:
    if desk.verdict_of(a.sample_id, a.request_id, actor) is None:
        raise ProtocolError(ErrorCode.FORBIDDEN, Refusal.OWN_VERDICT_FIRST)


def _another_person(desk: LeadDesk, actor: str, a: ConfirmArgs) -> None:
    if desk.finding(a.sample_id, a.request_id)["reviewer"] == actor:
        raise ProtocolError(ErrorCode.FORBIDDEN, Refusal.SECOND_PERSON)


WHOAMI = Call(
    Op.WHOAMI,
    NoArgs,
    Whoami,
    Who.ANYONE,
    lambda desk, actor, _: {"actor": actor, "lead": desk.is_lead(actor)},
)
# the board, the statistics and the agreement rates name who decided what: a reviewer who
# could read them would not be reviewing blind
BOARD = Call(Op.BOARD, NoArgs, Board, Who.LEAD, lambda desk, _, __: desk.board())
STATS = Call(
    Op.STATS, DayRange, Stats, Who.LEAD, lambda desk, _, a: desk.stats(a.day_from, a.day_to)
)
AGREEMENT = Call(Op.AGREEMENT, NoArgs, Agreement, Who.LEAD, lambda desk, _, __: desk.agreement())
QUARANTINE = Call(
    Op.QUARANTINE, NoArgs, Quarantine, Who.LEAD, lambda desk, _, __: desk.quarantine()
)
SAMPLES = Call(Op.SAMPLES, NoArgs, Samples, Who.ANYONE, lambda desk, _, __: desk.samples())
SAMPLE = Call(
    Op.SAMPLE,
    SampleRef,
    Sample,
    Who.ANYONE,
    # a reviewer's view: whether they reviewed each item, no findings, no other reviewers
    lambda desk, actor, a: desk.sample(
        a.sample_id, reviewer=None if desk.is_lead(actor) else actor
    ),
)
DRAW = Call(
    Op.DRAW,
    DrawArgs,
    Sample,
    Who.LEAD,
    lambda desk, actor, a: desk.draw(
        a.day_from, a.day_to, SamplePlan.from_json(a.plan), a.seed, actor
    ),
)
RERUN = Call(Op.RERUN, SampleRef, Rerun, Who.ANYONE, lambda desk, _, a: desk.rerun(a.sample_id))
ADD_MANUAL = Call(
    Op.ADD_MANUAL,
    ItemRef,
    Sample,
    Who.LEAD,
    lambda desk, actor, a: desk.add_manual(a.sample_id, a.request_id, actor),
)
EVIDENCE = Call(
    Op.EVIDENCE,
    ItemRef,
    Evidence,
    Who.ANYONE,
    lambda desk, _, a: desk.evidence(a.sample_id, a.request_id),
)
RECORD_VERDICT = Call(
    Op.RECORD_VERDICT,
    VerdictArgs,
    Recorded,
    Who.ANYONE,
    lambda desk, actor, a: desk.record_verdict(
        a.sample_id, a.request_id, actor, a.verdict, a.note, a.reason_code
    ),
)
REVEAL = Call(
    Op.REVEAL,
    ItemRef,
    Reveal,
    Who.ANYONE,
    lambda desk, actor, a: desk.reveal(a.sample_id, a.request_id, actor),
    _own_verdict_first,
)
RECORD_FINDING = Call(
    Op.RECORD_FINDING,
    FindingArgs,
    Finding,
    Who.ANYONE,
    lambda desk, actor, a: desk.record_finding(
        a.sample_id, a.request_id, actor, a.outcome, a.category, a.note
    ),
    _own_verdict_first,
)
CONFIRM_FINDING = Call(
    Op.CONFIRM_FINDING,
    ConfirmArgs,
    Finding,
    Who.LEAD,
    lambda desk, actor, a: desk.confirm_finding(a.sample_id, a.request_id, actor, a.accept, a.note),
    _another_person,
)

CALLS: Mapping[Op, Call[Any, Any]] = {
    c.op: c
    for c in (
        WHOAMI,
        BOARD,
        STATS,
        AGREEMENT,
        QUARANTINE,
        SAMPLES,
        SAMPLE,
        DRAW,
        RERUN,
        ADD_MANUAL,
        EVIDENCE,
        RECORD_VERDICT,
        REVEAL,
        RECORD_FINDING,
        CONFIRM_FINDING,
    )
}
LEAD_ONLY = frozenset(op.value for op, c in CALLS.items() if c.who is Who.LEAD)


def _first(exc: ValidationError) -> str:
    """The first thing wrong, named by its place (never the value: it may be anything)."""
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"]) or "arguments"
    if error["type"] == "extra_forbidden":
        return f"unknown argument {where[:40]!r}"
    return f"{where[:40]} is not valid"


def dispatch(desk: LeadDesk, actor: str, op: str, args: dict[str, Any]) -> Any:
    """Run one verified call on the desk. Who acts is the verified signer, never an argument."""
    try:
        call = CALLS[Op(op)]
    except ValueError:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"no lead operation {op[:40]}") from None
    try:
        parsed = call.args.model_validate(args)
    except ValidationError as exc:
        raise ProtocolError(ErrorCode.MALFORMED, f"{op}: {_first(exc)}") from exc
    if call.who is Who.LEAD and not desk.is_lead(actor):
        raise ProtocolError(ErrorCode.FORBIDDEN, Refusal.LEAD_ONLY)
    if call.guard is not None:
        call.guard(desk, actor, parsed)
    try:
        raw = call.run(desk, actor, parsed)
    except (KeyError, TypeError, ValueError) as exc:  # a plan the sampler cannot read
        raise ProtocolError(ErrorCode.MALFORMED, f"{op}: {str(exc)[:200]}") from exc
    return call.read(raw).model_dump(mode="json")


class Caller(Protocol):
    """What makes a call: ``LeadClient`` over the wire, or the desk in-process (tests)."""

    def call(self, op: str, **args: Any) -> Any: ...


def ask(caller: Caller, call: Call[A, R], args: A) -> R:
    """Make ``call`` with typed arguments; its result, read as its type."""
    return call.read(caller.call(call.op.value, **call.wire(args)))


__all__ = ["CALLS", "LEAD_ONLY", "Call", "Caller", "Op", "Refusal", "Who", "ask", "dispatch"]
