"""A teller simulator: realistic requests from the transaction catalogue, with synthetic
vouchers and ID cards, submitted at a rate; every decision received is verified.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import zmq

from clientsvc.catalogue import TXN_KINDS
from clientsvc.curve import Transport
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
from clientsvc.teller.evidence_render import (
    IdCardSpec,
    RenderedEvidence,
    VoucherSpec,
    id_check_digit,
    render_id_card,
    render_voucher,
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
CITIES = (
    ("320102", "江苏省南京市玄武区中山路"),
    ("320106", "江苏省南京市鼓楼区北京西路"),
    ("110105", "北京市朝阳区建国路"),
    ("440305", "广东省深圳市南山区科技园路"),
)
# how each element is labelled on the paper voucher (data printed on the image, not UI text)
VOUCHER_LABELS = {
    "payee_name": "收款人",
    "payee_account": "收款账号",
    "purpose": "用途",
    "original_txn": "原交易流水号",
    "original_time": "原交易时间",
}
OUTLETS = (
    ("O3201001", "南京新街口支行"),
    ("O3201002", "南京鼓楼支行"),
    ("O3201003", "南京河西支行"),
)


@dataclass(frozen=True)
class SimulatedRequest:
    request: AuthRequest
    evidence: dict[str, bytes]


def _id_number(rng: random.Random, area: str, birth: dt.date) -> str:
    first17 = f"{area}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_check_digit(first17)


def _ref(kind: str, label: str, rendered: RenderedEvidence) -> tuple[EvidenceRef, bytes]:
    import hashlib

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
) -> SimulatedRequest:
    """One realistic request; ``mismatch_rate`` writes a different amount on the voucher.
    ``id_salt`` makes the request ids of one run differ from another's with the same seed
    (a teller system never reuses an id; the broker remembers them across restarts)."""
    kind = TXN_KINDS[txn_type or rng.choice(list(TXN_KINDS))]
    outlet_id, outlet_name = outlet or rng.choice(OUTLETS)
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    area, address = rng.choice(CITIES)
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 50))
    id_number = _id_number(rng, area, birth)
    account_no = "6222" + "".join(str(rng.randint(0, 9)) for _ in range(15))
    amount_fen = 0
    if kind.monetary:
        low, high = kind.amount_range_yuan
        amount_fen = rng.randint(low, high) * 100 + rng.choice((0, 0, 0, rng.randint(1, 99)))
    today = dt.date.today()
    bits = rng.getrandbits(128)
    tag = (
        uuid.UUID(int=bits).hex
        if not id_salt
        else hashlib.sha256(f"{bits}:{id_salt}".encode()).hexdigest()
    )
    request_id = f"R{today:%Y%m%d}-{tag[:12]}"
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
    refs: list[EvidenceRef] = []
    blobs: dict[str, bytes] = {}
    if with_evidence:
        written = amount_fen
        if kind.monetary and rng.random() < mismatch_rate:
            written = amount_fen + rng.choice((-1, 1)) * 100 * rng.choice((1, 10, 100))
            written = max(written, 100)
        voucher = render_voucher(
            VoucherSpec(
                title=kind.voucher_title,
                date=f"{today:%Y-%m-%d}",
                amount_fen=amount_fen if kind.monetary else None,
                account_no=account_no,
                account_name=name,
                id_number=id_number,
                outlet_name=f"中国XX银行{outlet_name}",
                teller_id=teller_id,
                extra=tuple((VOUCHER_LABELS.get(k, k), v) for k, v in elements.items()),
                seed=rng.getrandbits(32),
            ),
            written_amount_fen=written if kind.monetary else None,
        )
        ref, data = _ref("voucher", kind.voucher_title, voucher)
        refs.append(ref)
        blobs[ref.sha256] = data
        if kind.needs_id:
            card = render_id_card(
                IdCardSpec(
                    name=name,
                    sex=rng.choice(("男", "女")),
                    ethnicity="汉",
                    birth=f"{birth:%Y-%m-%d}",
                    address=address + f"{rng.randint(1, 300)}号",
                    id_number=id_number,
                    issuer="南京市公安局玄武分局",
                    valid_from=f"{today.year - 5}-03-01",
                    valid_to=f"{today.year + 5}-03-01"
                    if rng.random() > 0.03
                    else f"{today.year - 1}-03-01",
                    seed=rng.getrandbits(32),
                )
            )
            ref, data = _ref("id_front", "居民身份证", card)
            refs.append(ref)
            blobs[ref.sha256] = data
    request = AuthRequest(
        request_id=request_id,
        outlet_id=outlet_id,
        outlet_name=outlet_name,
        teller_id=teller_id,
        terminal_id=terminal_id,
        txn_type=kind.code,  # type: ignore[arg-type]
        amount_fen=amount_fen,
        account_no=account_no,
        account_name=name,
        id_number=id_number,
        elements=elements,
        evidence=refs,
        submitted_at=time.time_ns() // 1_000_000,
        wait_s=600,
        urgent=rng.random() < 0.05,
        camera_id=f"CAM-{outlet_id}-{teller_id}",  # the counter camera at this teller's place
    )
    return SimulatedRequest(request, blobs)


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
    teller_id: str = "T0101",
    on_final: Callable[[SimulatedRequest, Outcome, str], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    context: zmq.Context[Any] | None = None,
    reply_timeout_s: float = 15.0,
    transport: Transport | None = None,
) -> dict[str, int]:
    """Submit ``count`` requests at ``rate_per_s`` (0: all at once) and wait for every outcome.

    One DEALER socket carries every submit and long-poll; replies are matched by request id.
    ``on_final(sim, outcome, verdict)`` gets "verified" or the error code of a refused decision.
    """
    rng = random.Random(seed)
    ctx = context or zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    (transport or Transport.plain()).secure_client(sock)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(endpoint)
    outstanding: dict[str, Outstanding] = {}
    totals = {"submitted": 0, "final": 0, "verified": 0, "refused": 0, "errors": 0}
    interval = 1.0 / rate_per_s if rate_per_s > 0 else 0.0
    next_submit = time.monotonic()
    made = 0
    run_salt = secrets.randbits(128)  # this run's ids: new ones, the same requests otherwise

    def send_wait(request_id: str) -> None:
        body = Wait(request_id=request_id, teller_id=teller_id, wait_ms=10_000).to_frame()
        sock.send_multipart(mdp.client_request("authz.wait", [body]))
        outstanding[request_id].last_sent = time.monotonic()

    try:
        while (made < count or outstanding) and not should_stop():
            now = time.monotonic()
            if made < count and now >= next_submit:
                sim = make_request(rng, teller_id=teller_id, id_salt=run_salt)
                raw = sim.request.to_dict()
                outstanding[sim.request.request_id] = Outstanding(sim, raw, time.time_ns(), now)
                blobs = [sim.evidence[e.sha256] for e in sim.request.evidence]
                sock.send_multipart(
                    mdp.client_request("authz.submit", [sim.request.to_frame(), *blobs])
                )
                made += 1
                totals["submitted"] += 1
                next_submit += interval
                continue
            timeout = 200 if made >= count else max(0, int((next_submit - now) * 1000))
            if sock.poll(min(timeout, 200), zmq.POLLIN):
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
                        outstanding.pop(message.request_id)
            # a long-poll with no answer: the broker may have restarted; resubmit (same id)
            for entry in list(outstanding.values()):
                if time.monotonic() - entry.last_sent > reply_timeout_s:
                    blobs = [entry.sim.evidence[e.sha256] for e in entry.sim.request.evidence]
                    sock.send_multipart(
                        mdp.client_request("authz.submit", [entry.sim.request.to_frame(), *blobs])
                    )
                    entry.last_sent = time.monotonic()
    finally:
        sock.close(linger=0)
    return totals
