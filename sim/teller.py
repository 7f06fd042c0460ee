"""A teller simulator: realistic requests from the transaction catalogue, with synthetic
vouchers and ID cards, submitted at a rate; every decision received is verified.

The stream is what a center sees in practice (BRIEF §1: about 5 % of items rejected): mostly
clean items, and, at their shares (``StreamMix``), vouchers whose written amount, account or
name differs from what the teller keyed (a machine finding), expired IDs, a customer at the
counter who is not the person on the ID, and vouchers not dated today, which a careful
authorizer returns for correction. A share of returned items is resubmitted after a while
(``supersedes`` = the returned request, from the same teller terminal), corrected or not.

Each teller position serves one customer at a time, as at a real counter: the customer stays
until the request is final, or until its correction is resubmitted and decided; the position's
counter camera shows that customer (``CounterScenes``): the person on the ID, or somebody else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import random
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import zmq

from clientsvc.catalogue import TXN_KINDS, TxnKind
from clientsvc.curve import Transport
from clientsvc.dual import DualPolicy
from clientsvc.identity import Directory
from clientsvc.protocol import mdp
from clientsvc.protocol.errors import ProtocolError
from clientsvc.protocol.messages import (
    FINAL_STATES,
    AuthRequest,
    Error,
    EvidenceRef,
    Outcome,
    SubmitAck,
    Wait,
    parse_any,
)
from clientsvc.teller.client import verify_outcome
from sim.counter import CounterScenes
from sim.render import (
    Face,
    IdCardSpec,
    RenderedEvidence,
    VoucherSpec,
    id_card_fields,
    id_check_digit,
    id_sex,
    render_id_card,
    render_voucher,
    voucher_fields,
)

log = logging.getLogger("authdesk.simulator")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = (
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
)
# given names a woman is given (敏 and 洋 are given to both): a name that says 女 beside 男
# on the ID would be the first thing a bank employee noticed
_FEMALE_GIVEN = frozenset({"芳", "娜", "秀英", "敏", "静", "丽", "艳", "娟", "秀兰", "霞"})
_MALE_GIVEN = tuple(g for g in GIVEN if g not in _FEMALE_GIVEN or g == "敏")
_WOMEN_GIVEN = tuple(g for g in GIVEN if g in _FEMALE_GIVEN or g == "洋")
# (area code, address, the police office that issues the IDs there)
CITIES = (
    ("320102", "江苏省南京市玄武区中山路", "南京市公安局玄武分局"),
    ("320106", "江苏省南京市鼓楼区北京西路", "南京市公安局鼓楼分局"),
    ("110105", "北京市朝阳区建国路", "北京市公安局朝阳分局"),
    ("440305", "广东省深圳市南山区科技园路", "深圳市公安局南山分局"),
)
# how each element is labelled on the paper voucher (data printed on the image, not UI text)
VOUCHER_LABELS = {
    "payee_name": "收款人",
    "payee_account": "收款账号",
    "purpose": "用途",
    "original_txn": "原交易流水号",
    "original_time": "原交易时间",
    "cashbox_no": "尾箱号",
    "cashbox_limit": "尾箱限额",
    "over_reason": "超限原因",
}
OUTLETS = (
    ("O3201001", "南京新街口支行"),
    ("O3201002", "南京鼓楼支行"),
    ("O3201003", "南京河西支行"),
)


@dataclass(frozen=True)
class Position:
    """A teller's place at an outlet's counter: one terminal, one camera, one customer at a
    time."""

    outlet_id: str
    outlet_name: str
    teller_id: str
    terminal_id: str

    @property
    def camera_id(self) -> str:
        return f"CAM-{self.outlet_id}-{self.teller_id}"


# two tellers at each outlet
POSITIONS = tuple(
    Position(outlet_id, outlet_name, f"T0{n}0{k}", f"TERM-0{n}0{k}")
    for n, (outlet_id, outlet_name) in enumerate(OUTLETS, start=1)
    for k in (1, 2)
)

# What can be wrong with a request, as the stream plants it. The first three are mismatches
# (the voucher's written element differs from the keyed one: a machine finding, rejected);
# an expired ID is a finding too; an impostor (the customer at the counter is not the person
# on the ID) only a person sees, in the video; a voucher not dated today is returned (T01).
MISMATCHES = ("amount", "account", "name")
DEFECTS = (*MISMATCHES, "expired_id", "impostor", "voucher_date")
# what a correction can fix: the papers, not the person nor their ID
_CORRECTABLE = frozenset({*MISMATCHES, "voucher_date"})


def defect_applies(defect: str | None, kind: TxnKind) -> bool:
    """Whether a transaction of ``kind`` can carry ``defect`` (no amount on a password reset,
    no customer on a 尾箱超限)."""
    customer = kind.code != "cashbox_override"
    return {
        None: True,
        "amount": kind.monetary,
        "account": customer,
        "name": customer,
        "expired_id": kind.needs_id,
        "impostor": kind.needs_id,
        "voucher_date": True,
    }[defect]


@dataclass(frozen=True)
class Customer:
    """A person at the counter and their account."""

    name: str
    id_number: str
    birth: dt.date
    address: str
    issuer: str
    account_no: str

    @property
    def sex(self) -> str:
        return id_sex(self.id_number) or "男"


@dataclass(frozen=True)
class _Recipe:
    """Everything a request's evidence is rendered from, kept to render its correction."""

    kind: TxnKind
    customer: Customer
    amount_fen: int
    elements: dict[str, str]
    teller_id: str
    outlet_name: str
    today: dt.date
    defect: str | None
    written_amount_fen: int | None
    voucher_seed: int
    id_seed: int
    valid_from: str
    valid_to: str
    voucher_style: str = "a"  # the form's layout (``VoucherSpec.style``)
    handwritten: bool = False  # names and 大写 written by hand (``VoucherSpec.handwritten``)


@dataclass(frozen=True)
class SimulatedRequest:
    request: AuthRequest
    evidence: dict[str, bytes]
    defect: str | None = None  # what the stream planted (None: a clean item)
    person: Face | None = None  # who stands at the counter (None: no customer)
    recipe: _Recipe | None = field(default=None, repr=False)
    corrected: bool | None = None  # a resubmission: were the papers put right (None: not one)


def _id_number(rng: random.Random, area: str, birth: dt.date) -> str:
    first17 = f"{area}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_check_digit(first17)


def _given_name(drawn: str, sex: str) -> str:
    """The drawn given name if it suits the sex the ID number says, else one that does (the
    same draw either way: a seed gives the same requests as before, with fitting names)."""
    names = _WOMEN_GIVEN if sex == "女" else _MALE_GIVEN
    return drawn if drawn in names else names[GIVEN.index(drawn) % len(names)]


def _years(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _validity_years(age_at_issue: int) -> int | None:
    """A resident ID's validity by the holder's age when it is issued (居民身份证法 §5): under
    16, 5 years; 16–25, 10; 26–45, 20; from 46, 长期 (None)."""
    if age_at_issue < 16:
        return 5
    if age_at_issue < 26:
        return 10
    if age_at_issue < 46:
        return 20
    return None


def id_validity(
    rng: random.Random, birth: dt.date, today: dt.date, expired: bool = False
) -> tuple[str, str]:
    """(valid_from, valid_to) of an ID this person could hold today: issued in the past, for
    the period the law gives their age then; ``expired``: one whose period ended already."""
    for _ in range(40):
        if expired:
            issued = today - dt.timedelta(days=rng.randint(365 * 10 + 30, 365 * 21))
        else:
            issued = today - dt.timedelta(days=rng.randint(30, 365 * 20))
        age = _years(birth, issued)
        if age < 16:
            continue
        years = _validity_years(age)
        end = None if years is None else _add_years(issued, years)
        if expired == (end is not None and end < today):
            return f"{issued:%Y-%m-%d}", "长期" if end is None else f"{end:%Y-%m-%d}"
    # (an old person's expired ID: their last card issued before they were 46)
    issued = _add_years(birth, 30)
    return f"{issued:%Y-%m-%d}", f"{_add_years(issued, 20):%Y-%m-%d}"


def impostor_of(owner: Face, rng: random.Random) -> Face:
    """Somebody presenting ``owner``'s ID: the same sex and about the same age (a fraud picks
    an ID that could pass), but not the same face."""
    features = rng.getrandbits(32)
    if features == owner.features:
        features ^= 1
    return Face(owner.sex, max(18, owner.age + rng.randint(-6, 6)), features)


def _ref(kind: str, label: str, rendered: RenderedEvidence) -> tuple[EvidenceRef, bytes]:
    regions = {
        name: [round(r.x * 10000), round(r.y * 10000), round(r.w * 10000), round(r.h * 10000)]
        for name, r in rendered.regions.items()
    }
    ref = EvidenceRef(
        sha256=hashlib.sha256(rendered.data).hexdigest(),
        kind=kind,  # type: ignore[arg-type]
        mime="image/jpeg",
        size=len(rendered.data),
        label=label,
        meta={k: v[:200] for k, v in rendered.fields.items()},
        regions={k: [min(10000, max(0, v)) for v in vs] for k, vs in regions.items()},
    )
    return ref, rendered.data


def _render(recipe: _Recipe, images: bool = True) -> tuple[list[EvidenceRef], dict[str, bytes]]:
    """The voucher (and the ID card, for a type that needs one) of a recipe. ``images=False``:
    a dry run — what the teller system reports is on them (their meta), no pixels drawn (the
    bytes are a stand-in that only names what they would show)."""
    kind, who = recipe.kind, recipe.customer
    customer = kind.code != "cashbox_override"  # 尾箱超限: the teller's own cash box
    date = recipe.today
    if recipe.defect == "voucher_date":  # an old pre-filled voucher: yesterday's, or before
        date = recipe.today - dt.timedelta(days=1 + recipe.voucher_seed % 3)
    account_no, account_name = who.account_no, who.name
    if recipe.defect == "account":  # two digits swapped, as a hurried hand writes them
        digits = list(account_no)
        i = 6 + recipe.voucher_seed % (len(digits) - 8)
        if digits[i] == digits[i + 1]:
            digits[i + 1] = str((int(digits[i + 1]) + 3) % 10)
        digits[i], digits[i + 1] = digits[i + 1], digits[i]
        account_no = "".join(digits)
    if recipe.defect == "name":  # a near-homophone of the keyed name
        account_name = who.name[0] + ("玲" if who.name[-1] != "玲" else "琳")
    voucher_spec = VoucherSpec(
        title=kind.voucher_title,
        date=f"{date:%Y-%m-%d}",
        amount_fen=recipe.amount_fen if kind.monetary else None,
        account_no=account_no,
        account_name=account_name,
        id_number=who.id_number,
        outlet_name=f"中国XX银行{recipe.outlet_name}",
        teller_id=recipe.teller_id,
        extra=tuple((VOUCHER_LABELS.get(k, k), v) for k, v in recipe.elements.items()),
        seed=recipe.voucher_seed,
        customer=customer,
        words_amount_fen=_words_differ(recipe) if recipe.defect == "words_figures" else None,
        style=recipe.voucher_style,
        handwritten=recipe.handwritten,
    )
    written = recipe.written_amount_fen if kind.monetary else None
    card_spec = IdCardSpec(
        name=who.name,
        sex=who.sex,
        ethnicity="汉",
        birth=f"{who.birth:%Y-%m-%d}",
        address=who.address,
        id_number=who.id_number,
        issuer=who.issuer,
        valid_from=recipe.valid_from,
        valid_to=recipe.valid_to,
        seed=recipe.id_seed,
    )
    made: list[tuple[str, str, RenderedEvidence]] = []
    if images:
        made.append(
            (
                "voucher",
                kind.voucher_title,
                render_voucher(voucher_spec, written_amount_fen=written),
            )
        )
        if kind.needs_id:
            made.append(("id_front", "居民身份证", render_id_card(card_spec)))
    else:
        made.append(
            (
                "voucher",
                kind.voucher_title,
                _dry(voucher_fields(voucher_spec, written), recipe.voucher_seed),
            )
        )
        if kind.needs_id:
            made.append(("id_front", "居民身份证", _dry(id_card_fields(card_spec), recipe.id_seed)))
    refs: list[EvidenceRef] = []
    blobs: dict[str, bytes] = {}
    for image_kind, label, rendered in made:
        ref, data = _ref(image_kind, label, rendered)
        refs.append(ref)
        blobs[ref.sha256] = data
    return refs, blobs


def _words_differ(recipe: _Recipe) -> int:
    """大写 one digit off the figures (the reader's corpus: a voucher that disagrees with
    itself, the figures being the keyed amount)."""
    step: int = 100 * 10 ** (recipe.voucher_seed % 3)
    amount = recipe.amount_fen
    return amount + step if amount < step * 5 or recipe.voucher_seed % 2 else amount - step


def _dry(fields: dict[str, str], seed: int) -> RenderedEvidence:
    """An image not drawn: its meta, and bytes that stand for it (one per content and seed)."""
    data = json.dumps([fields, seed], ensure_ascii=False, sort_keys=True).encode()
    return RenderedEvidence(data, 0, 0, "image/jpeg", {}, fields)


def _request_id(rng: random.Random, today: dt.date, id_salt: int) -> str:
    bits = rng.getrandbits(128)
    tag = (
        uuid.UUID(int=bits).hex
        if not id_salt
        else hashlib.sha256(f"{bits}:{id_salt}".encode()).hexdigest()
    )
    return f"R{today:%Y%m%d}-{tag[:12]}"


def make_request(
    rng: random.Random,
    *,
    teller_id: str = "T0101",
    terminal_id: str = "TERM-0101",
    outlet: tuple[str, str] | None = None,
    txn_type: str | None = None,
    mismatch_rate: float = 0.05,
    with_evidence: bool = True,
    id_salt: int = 0,
    defect: str | None = None,
    expired_rate: float = 0.03,
    amount_fen: int | None = None,
    today: dt.date | None = None,
    images: bool = True,
    voucher_style: str = "a",
    handwritten: bool = False,
) -> SimulatedRequest:
    """One realistic request; ``mismatch_rate`` writes a different amount on the voucher and
    ``expired_rate`` gives the customer an expired ID, at random; ``defect`` plants one of
    ``DEFECTS`` instead (the stream's way: its shares are its own). ``id_salt`` makes the
    request ids of one run differ from another's with the same seed (a teller system never
    reuses an id; the broker remembers them across restarts). A 尾箱超限 (``cashbox_override``)
    is the teller's own operation: no customer, no ID, no customer signature."""
    kind = TXN_KINDS[txn_type or rng.choice(list(TXN_KINDS))]
    outlet_id, outlet_name = outlet or rng.choice(OUTLETS)
    today = today or dt.date.today()
    surname, drawn = rng.choice(SURNAMES), rng.choice(GIVEN)
    area, street, issuer = rng.choice(CITIES)
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 50))
    id_number = _id_number(rng, area, birth)
    account_no = "6222" + "".join(str(rng.randint(0, 9)) for _ in range(15))
    name = surname + _given_name(drawn, id_sex(id_number) or "男")
    if amount_fen is None:
        amount_fen = 0
        if kind.monetary:
            low, high = kind.amount_range_yuan
            amount_fen = rng.randint(low, high) * 100 + rng.choice((0, 0, 0, rng.randint(1, 99)))
    request_id = _request_id(rng, today, id_salt)
    elements: dict[str, str] = {}
    if kind.code == "transfer":
        elements = {
            "payee_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "payee_account": "6217" + "".join(str(rng.randint(0, 9)) for _ in range(15)),
            "purpose": rng.choice(("货款", "购房款", "学费", "还款")),
        }
    elif kind.code == "reversal":
        elements = {
            "original_txn": f"{rng.randint(10**9, 10**10 - 1)}",
            "original_time": f"{today:%Y-%m-%d} {rng.randint(8, 16):02d}:{rng.randint(0, 59):02d}",
        }
    elif kind.code == "cashbox_override":
        limit_yuan = rng.choice((50_000, 100_000, 150_000, 200_000))  # the box's 核定限额
        elements = {
            "cashbox_no": f"{outlet_id[-4:]}{teller_id[-2:]}",
            "cashbox_limit": f"¥{limit_yuan:,}.00",
            "over_reason": rng.choice(
                ("大额现金存款入账，尚未上缴", "午间现金未及时上缴", "代发工资现金回笼")
            ),
        }
    written = amount_fen
    if defect is None and kind.monetary and rng.random() < mismatch_rate:
        defect = "amount"
    if defect == "amount":
        written = amount_fen + rng.choice((-1, 1)) * 100 * rng.choice((1, 10, 100))
        written = max(written, 100)
    voucher_seed = rng.getrandbits(32)
    house = f"{rng.randint(1, 300)}号"
    if defect is None and kind.needs_id and rng.random() < expired_rate:
        defect = "expired_id"
    valid_from, valid_to = id_validity(rng, birth, today, expired=defect == "expired_id")
    customer = Customer(name, id_number, birth, street + house, issuer, account_no)
    recipe = _Recipe(
        kind=kind,
        customer=customer,
        amount_fen=amount_fen,
        elements=elements,
        teller_id=teller_id,
        outlet_name=outlet_name,
        today=today,
        defect=defect,
        written_amount_fen=written,
        voucher_seed=voucher_seed,
        id_seed=rng.getrandbits(32),
        valid_from=valid_from,
        valid_to=valid_to,
        voucher_style=voucher_style,
        handwritten=handwritten,
    )
    refs, blobs = _render(recipe, images) if with_evidence else ([], {})
    person = None
    if kind.code != "cashbox_override":
        owner = Face.of_id(id_number, today)
        person = impostor_of(owner, rng) if defect == "impostor" else owner
    if kind.code == "cashbox_override":  # no customer: the cash box's own account, no ID
        account_no = f"9{outlet_id[-4:]}1001{teller_id[-2:]}"
    request = AuthRequest(
        request_id=request_id,
        outlet_id=outlet_id,
        outlet_name=outlet_name,
        teller_id=teller_id,
        terminal_id=terminal_id,
        txn_type=kind.code,  # type: ignore[arg-type]
        amount_fen=amount_fen,
        account_no=account_no,
        account_name=name if kind.code != "cashbox_override" else "",
        id_type="resident_id" if kind.code != "cashbox_override" else "other",
        id_number=id_number if kind.code != "cashbox_override" else teller_id,
        elements=elements,
        evidence=refs,
        submitted_at=time.time_ns() // 1_000_000,
        wait_s=600,
        urgent=rng.random() < 0.05,
        camera_id=f"CAM-{outlet_id}-{teller_id}",  # the counter camera at this teller's place
    )
    return SimulatedRequest(request, blobs, defect, person, recipe)


def resubmission(
    returned: SimulatedRequest,
    rng: random.Random,
    *,
    corrected: bool,
    id_salt: int = 0,
    images: bool = True,
    today: dt.date | None = None,
) -> SimulatedRequest:
    """What the teller sends after ``returned`` came back for correction: a new request id,
    ``supersedes`` the returned one, the same terminal, customer and elements. ``corrected``:
    the papers are put right (a new voucher, written as keyed and dated today; the ID and the
    person at the counter cannot change); otherwise the same images again."""
    old = returned.request
    recipe = returned.recipe
    today = today or dt.date.today()
    refs, blobs = list(old.evidence), dict(returned.evidence)
    defect = returned.defect
    if corrected and recipe is not None:
        defect = defect if defect not in _CORRECTABLE else None
        fixed = replace(
            recipe,
            defect=defect,
            written_amount_fen=recipe.amount_fen,
            voucher_seed=rng.getrandbits(32),
            today=today,
        )
        refs, blobs = _render(fixed, images)
        recipe = fixed
    request = old.model_copy(
        update={
            "request_id": _request_id(rng, today, id_salt),
            "evidence": refs,
            "submitted_at": time.time_ns() // 1_000_000,
            "supersedes": old.request_id,
        }
    )
    return SimulatedRequest(request, blobs, defect, returned.person, recipe, corrected)


# --- the stream ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StreamMix:
    """The shares of a stream, per new request. Rejects come from the mismatches, expired IDs
    and impostors: together 5 %, as in practice (BRIEF §1: 5.1 %); returns from vouchers not
    dated today (4 %). Of the returned, ``resubmit`` are sent again after about
    ``resubmit_after_s`` (half to one and a half times that), ``corrected`` of them put right.
    Amounts are log-uniform in each type's range (``Stream._amount``)."""

    amount: float = 0.02
    account: float = 0.008
    name: float = 0.007
    expired_id: float = 0.01
    impostor: float = 0.005
    voucher_date: float = 0.04
    resubmit: float = 0.85
    corrected: float = 0.8
    resubmit_after_s: float = 120.0
    max_resubmissions: int = 2  # of one original: a teller then gives up and starts over

    def share(self, defect: str) -> float:
        return float(getattr(self, defect))


# The demo's first customers (``showcase``): a newcomer sees every outcome within minutes —
# an approval, a mismatch rejected, a return that comes back corrected, a dual authorization,
# an impostor, an expired ID — before the stream goes on at its shares. (defect, type, dual)
SHOWCASE: tuple[tuple[str | None, str, bool], ...] = (
    (None, "cash_withdrawal", False),
    ("amount", "cash_withdrawal", False),
    ("voucher_date", "transfer", False),
    (None, "cash_withdrawal", True),
    (None, "password_reset", False),
    ("impostor", "cash_withdrawal", False),
    (None, "cashbox_override", False),
    ("account", "transfer", False),
    (None, "loss_report", False),
    ("expired_id", "account_closing", False),
)


@dataclass
class _Counter:
    """One position's state: free, or a customer's business in hand (a request out, or a
    correction being made)."""

    position: Position
    current: SimulatedRequest | None = None
    resubmit_at: float | None = None  # a correction goes out then
    corrected: bool = False
    rounds: int = 0  # resubmissions of this customer's business so far
    showcase: bool = False


class Stream:
    """The requests of a run, in order, and what follows from their outcomes: pure and
    clocked (``clock``), so a test drives a whole day without sockets.

    ``due()`` is the next request to send now, if any: a correction whose time has come, else
    a new customer at a free position when the pace (``rate_per_s``) allows. ``final(sim,
    state)`` takes an outcome: the customer leaves, or, for a return, stays while the teller
    corrects (a resubmission later, ``supersedes`` the returned request) or gives up."""

    def __init__(
        self,
        seed: int,
        count: int,
        *,
        rate_per_s: float = 0.0,
        mix: StreamMix | None = None,
        showcase: bool = False,
        positions: tuple[Position, ...] = POSITIONS,
        clock: Callable[[], float] = time.monotonic,
        id_salt: int = 0,
        scenes: CounterScenes | None = None,
        dual: DualPolicy | None = None,
        images: bool = True,
    ) -> None:
        """``images=False``: a dry run (what is on the images, not drawn: for a test of the
        stream's shares over thousands of requests)."""
        self.rng = random.Random(seed)
        self.count = count
        self.mix = mix or StreamMix()
        self.showcase = list(SHOWCASE) if showcase else []
        self.interval = 1.0 / rate_per_s if rate_per_s > 0 else 0.0
        self.clock = clock
        self.id_salt = id_salt
        self.scenes = scenes
        self.dual = dual or DualPolicy()
        self.images = images
        self.counters = [_Counter(p) for p in positions]
        self.made = 0  # new requests (customers)
        self.resubmitted = 0
        self._next_new = clock()
        self._by_id: dict[str, _Counter] = {}

    # --- what to send ---------------------------------------------------------------------

    @property
    def done(self) -> bool:
        """Every customer has come and gone."""
        return self.made >= self.count and all(c.current is None for c in self.counters)

    def wait_s(self) -> float:
        """How long until something may be due (for the caller's poll)."""
        now = self.clock()
        times = [c.resubmit_at - now for c in self.counters if c.resubmit_at is not None]
        if self.made < self.count and any(c.current is None for c in self.counters):
            times.append(self._next_new - now)
        return max(0.0, min(times)) if times else 1.0

    def due(self) -> SimulatedRequest | None:
        now = self.clock()
        for counter in self.counters:
            if counter.resubmit_at is not None and now >= counter.resubmit_at:
                return self._resubmit(counter)
        if self.made >= self.count or now < self._next_new:
            return None
        free = [c for c in self.counters if c.current is None]
        if not free:
            return None
        counter = free[self.rng.randrange(len(free))]
        # the pace: one new customer every ``interval``, a short catch-up after a full counter
        self._next_new = max(self._next_new, now - self.interval) + self.interval
        sim = self._new(counter)
        self.made += 1
        return sim

    def _new(self, counter: _Counter) -> SimulatedRequest:
        rng = self.rng
        p = counter.position
        planned_type: str | None = None
        dual = False
        if self.showcase:
            defect, planned_type, dual = self.showcase.pop(0)
            counter.showcase = True
        else:
            defect = self._draw_defect()
            counter.showcase = False
        kinds = [k for k in TXN_KINDS.values() if defect_applies(defect, k)]
        kind = TXN_KINDS[planned_type] if planned_type else kinds[rng.randrange(len(kinds))]
        amount = self._amount(kind) if kind.monetary else None
        if dual:  # at or over the type's threshold for two approvals
            threshold = dict(self.dual.thresholds)[kind.code]
            high = kind.amount_range_yuan[1] * 100
            amount = rng.randint(threshold, max(threshold, high)) // 100 * 100
        sim = make_request(
            rng,
            teller_id=p.teller_id,
            terminal_id=p.terminal_id,
            outlet=(p.outlet_id, p.outlet_name),
            txn_type=kind.code,
            mismatch_rate=0.0,
            expired_rate=0.0,
            defect=defect,
            amount_fen=amount,
            id_salt=self.id_salt,
            images=self.images,
        )
        counter.current, counter.rounds, counter.resubmit_at = sim, 0, None
        self._by_id[sim.request.request_id] = counter
        if self.scenes is not None:
            self.scenes.put(p.camera_id, sim.person, sim.request.request_id)
        return sim

    def _amount(self, kind: TxnKind) -> int:
        """An amount in the type's range, small ones more often than large (log-uniform, as
        amounts are): about one item in eight is then at a dual authorization's threshold."""
        low, high = (max(100, v) for v in kind.amount_range_yuan)
        yuan = round(math.exp(self.rng.uniform(math.log(low), math.log(high))))
        if yuan >= 10_000:
            yuan = yuan // 100 * 100  # large sums are round, mostly
        return yuan * 100 + (self.rng.randint(1, 99) if self.rng.random() < 0.25 else 0)

    def _draw_defect(self) -> str | None:
        roll = self.rng.random()
        for defect in DEFECTS:
            roll -= self.mix.share(defect)
            if roll < 0:
                return defect
        return None

    def _resubmit(self, counter: _Counter) -> SimulatedRequest:
        assert counter.current is not None
        sim = resubmission(
            counter.current,
            self.rng,
            corrected=counter.corrected,
            id_salt=self.id_salt,
            images=self.images,
        )
        self._by_id.pop(counter.current.request.request_id, None)
        counter.current, counter.resubmit_at = sim, None
        counter.rounds += 1
        self._by_id[sim.request.request_id] = counter
        self.resubmitted += 1
        if self.scenes is not None:  # the same customer, still at the counter
            self.scenes.put(counter.position.camera_id, sim.person, sim.request.request_id)
        return sim

    # --- what came back -------------------------------------------------------------------

    def final(self, sim: SimulatedRequest, state: str) -> float | None:
        """The outcome of ``sim``; returns the delay of the resubmission it leads to, if any."""
        counter = self._by_id.pop(sim.request.request_id, None)
        if counter is None or counter.current is not sim:
            return None
        if state == "returned" and counter.rounds < self.mix.max_resubmissions:
            rng = self.rng
            if counter.showcase or rng.random() < self.mix.resubmit:
                delay = self.mix.resubmit_after_s * rng.uniform(0.5, 1.5)
                counter.corrected = counter.showcase or rng.random() < self.mix.corrected
                counter.resubmit_at = self.clock() + delay
                counter.showcase = False  # its correction goes on at the shares
                return delay
        counter.current, counter.resubmit_at = None, None  # the customer leaves
        if self.scenes is not None:
            self.scenes.put(counter.position.camera_id, None)
        return None

    def refused(self, sim: SimulatedRequest) -> None:
        """The broker refused ``sim``: the customer's business ends here."""
        self.final(sim, "refused")


@dataclass
class Outstanding:
    sim: SimulatedRequest
    raw: dict[str, Any]
    submitted_ns: int
    last_sent: float


def simulate(
    endpoint: str,
    directory: Directory,
    *,
    rate_per_s: float,
    count: int,
    seed: int = 1,
    on_final: Callable[[SimulatedRequest, Outcome, str], None] | None = None,
    on_submit: Callable[[SimulatedRequest], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    context: zmq.Context[Any] | None = None,
    reply_timeout_s: float = 15.0,
    transport: Transport | None = None,
    mix: StreamMix | None = None,
    showcase: bool = False,
    scenes: CounterScenes | None = None,
    positions: tuple[Position, ...] = POSITIONS,
) -> dict[str, int]:
    """Submit ``count`` new requests at ``rate_per_s`` (0: as fast as the positions free up),
    and the resubmissions their returns lead to, and wait for every outcome.

    One DEALER socket carries every submit and long-poll; replies are matched by request id.
    ``on_final(sim, outcome, verdict)`` gets "verified" or the error code of a refused
    decision; ``on_submit(sim)`` each request as it is sent (a resubmission ``supersedes``).
    """
    ctx = context or zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    (transport or Transport.plain()).secure_client(sock)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(endpoint)
    stream = Stream(
        seed,
        count,
        rate_per_s=rate_per_s,
        mix=mix,
        showcase=showcase,
        positions=positions,
        id_salt=secrets.randbits(128),  # this run's ids: new ones, the same requests otherwise
        scenes=scenes,
    )
    outstanding: dict[str, Outstanding] = {}
    totals = {
        "submitted": 0,
        "resubmitted": 0,
        "final": 0,
        "verified": 0,
        "refused": 0,
        "errors": 0,
    }

    def send_wait(request_id: str) -> None:
        entry = outstanding[request_id]
        body = Wait(
            request_id=request_id, teller_id=entry.sim.request.teller_id, wait_ms=10_000
        ).to_frame()
        sock.send_multipart(mdp.client_request("authz.wait", [body]))
        entry.last_sent = time.monotonic()

    def submit(sim: SimulatedRequest) -> None:
        blobs = [sim.evidence[e.sha256] for e in sim.request.evidence]
        sock.send_multipart(mdp.client_request("authz.submit", [sim.request.to_frame(), *blobs]))

    try:
        while not stream.done and not should_stop():
            sim = stream.due()
            if sim is not None:
                raw = sim.request.to_dict()
                outstanding[sim.request.request_id] = Outstanding(
                    sim, raw, time.time_ns(), time.monotonic()
                )
                submit(sim)
                totals["submitted"] += 1
                totals["resubmitted"] += sim.request.supersedes is not None
                if on_submit is not None:
                    on_submit(sim)
                continue
            timeout = int(min(stream.wait_s(), 0.2) * 1000)
            if sock.poll(timeout, zmq.POLLIN):
                reply = mdp.parse_client_reply(sock.recv_multipart())
                message, _ = parse_any(reply.body[0])
                if isinstance(message, SubmitAck) and message.request_id in outstanding:
                    send_wait(message.request_id)
                elif isinstance(message, Outcome) and message.request_id in outstanding:
                    if message.state in FINAL_STATES:
                        entry = outstanding.pop(message.request_id)
                        totals["final"] += 1
                        try:
                            verify_outcome(message, entry.raw, directory)
                            verdict = "verified"
                            totals["verified"] += message.decision is not None
                        except ProtocolError as err:
                            verdict = err.code.value
                            totals["refused"] += 1
                        stream.final(entry.sim, message.state)
                        if on_final is not None:
                            on_final(entry.sim, message, verdict)
                    else:
                        send_wait(message.request_id)
                elif isinstance(message, Error):
                    totals["errors"] += 1
                    log.warning(
                        "broker refused %s: %s %s", message.request_id, message.code, message.detail
                    )
                    if message.request_id in outstanding:
                        stream.refused(outstanding.pop(message.request_id).sim)
            # a long-poll with no answer: the broker may have restarted; resubmit (same id)
            for entry in list(outstanding.values()):
                if time.monotonic() - entry.last_sent > reply_timeout_s:
                    submit(entry.sim)
                    entry.last_sent = time.monotonic()
    finally:
        sock.close(linger=0)
        if scenes is not None:
            for position in positions:  # the branch closes: nobody at the counters
                scenes.put(position.camera_id, None)
    return totals
