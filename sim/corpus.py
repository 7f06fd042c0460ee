"""The reader's corpus: the simulator's requests, some with one injected discrepancy, their
images degraded as scanners and phones degrade them. The truth (which element disagrees, and
how) is kept here, in the corpus's own record, never on the wire: the reader sees only the
request and its images.

    item = corpus_item(random.Random(1), 0)
    item.request, item.images, item.kind, item.degradation, item.discrepant
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from clientsvc.catalogue import TXN_KINDS
from clientsvc.protocol.messages import TXN_TYPES, AuthRequest, EvidenceRef
from sim.render.fonts import find_kai_font
from sim.render.seal import seal_alpha, stamp
from sim.teller import make_request

# an injected discrepancy, and the reading's elements it must show as a mismatch
KINDS: dict[str, frozenset[str]] = {
    "amount": frozenset({"amount"}),  # written one digit off the keyed amount
    "words_figures": frozenset({"amount"}),  # the voucher's 大写 and 小写 disagree
    "account": frozenset({"account_no"}),  # two digits transposed
    "name": frozenset({"account_name"}),  # one character changed
    "check_digit": frozenset({"id_number", "id_card_number"}),  # keyed with a wrong one
    "voucher_date": frozenset({"voucher_date"}),  # not today
    "expired_id": frozenset({"id_valid"}),
}


def _applies(kind: str, txn_type: str) -> bool:
    k = TXN_KINDS[txn_type]
    customer = txn_type != "cashbox_override"
    return {
        "amount": k.monetary,
        "words_figures": k.monetary,
        "account": customer,
        "name": customer,
        "check_digit": customer,
        "voucher_date": True,
        "expired_id": k.needs_id,
    }[kind]


Pixels = np.ndarray


def _scale(img: Pixels, rng: random.Random) -> Pixels:
    f = rng.uniform(0.55, 0.7)
    return cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)


def _blur(img: Pixels, rng: random.Random) -> Pixels:
    return cv2.GaussianBlur(img, (5, 5), rng.uniform(1.0, 1.6))


def _noise(img: Pixels, rng: random.Random) -> Pixels:
    gen = np.random.default_rng(rng.getrandbits(32))
    noisy = img.astype(np.int16) + gen.normal(0, 12, img.shape).astype(np.int16)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def _rotate(img: Pixels, rng: random.Random) -> Pixels:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.choice((-1, 1)) * rng.uniform(1.5, 3.5), 1)
    return cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE)


def _perspective(img: Pixels, rng: random.Random) -> Pixels:
    """A phone photo: the page at a slant, a little smaller, on a darker desk."""
    h, w = img.shape[:2]
    d = [rng.uniform(0.02, 0.06) for _ in range(8)]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    dst = np.array(
        [
            [w * d[0], h * d[1]],
            [w * (1 - d[2]), h * d[3]],
            [w * (1 - d[4]), h * (1 - d[5])],
            [w * d[6], h * (1 - d[7])],
        ],
        dtype=np.float32,
    )
    m = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(img, m, (w, h), borderValue=(70, 75, 80))


def _shadow(img: Pixels, rng: random.Random) -> Pixels:
    w = img.shape[1]
    low = rng.uniform(0.5, 0.65)
    ramp = np.linspace(low, 1.0, w, dtype=np.float32)
    if rng.random() < 0.5:
        ramp = ramp[::-1]
    shaded: Pixels = np.clip(img.astype(np.float32) * ramp[None, :, None], 0, 255)
    return shaded.astype(np.uint8)


def _low_contrast(img: Pixels, rng: random.Random) -> Pixels:
    alpha = rng.uniform(0.4, 0.5)
    return cv2.convertScaleAbs(img, alpha=alpha, beta=255 * (1 - alpha) * 0.8)


def _seal_over_text(img: Pixels, rng: random.Random) -> Pixels:
    """A second seal stamped where the teller should not have: over the written fields."""
    h, w = img.shape[:2]
    dia = round(min(h, w) * rng.uniform(0.28, 0.36))
    alpha = seal_alpha("中国XX银行营业部", dia, np.random.default_rng(rng.getrandbits(32)))
    x = round(w * rng.uniform(0.35, 0.75) - dia / 2)
    y = round(h * rng.uniform(0.35, 0.65) - dia / 2)
    out = img.copy()
    stamp(out, alpha * rng.uniform(0.55, 0.8), x, y, (44, 34, 214))  # red, in BGR
    return out


DEGRADATIONS: dict[str, Callable[[Pixels, random.Random], Pixels] | None] = {
    "clean": None,
    "scale": _scale,
    "jpeg": None,  # JPEG quality 30–40
    "blur": _blur,
    "noise": _noise,
    "rotate": _rotate,
    "perspective": _perspective,
    "shadow": _shadow,
    "low_contrast": _low_contrast,
    "seal": _seal_over_text,
}


def degrade(data: bytes, degradation: str, rng: random.Random) -> bytes:
    if degradation == "clean":
        return data
    img: Pixels | None = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        raise ValueError("the image does not decode")
    change = DEGRADATIONS[degradation]
    quality = rng.randint(30, 40) if degradation == "jpeg" else 88
    if change is not None:
        img = change(img, rng)
    ok, out = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return bytes(out)


@dataclass(frozen=True)
class CorpusItem:
    request: AuthRequest
    images: dict[str, bytes]
    kind: str | None  # the injected discrepancy, or None
    degradation: str
    discrepant: frozenset[str]  # the elements that must read as a mismatch
    today: dt.date
    style: str = "a"  # the voucher's layout (``VoucherSpec.style``)
    handwritten: bool = False  # its names and 大写 written by hand (a 楷体 face)


def _swap_images(
    request: AuthRequest, images: dict[str, bytes], change: Callable[[bytes], bytes]
) -> tuple[AuthRequest, dict[str, bytes]]:
    refs: list[EvidenceRef] = []
    out: dict[str, bytes] = {}
    for ref in request.evidence:
        data = change(images[ref.sha256])
        sha = hashlib.sha256(data).hexdigest()
        refs.append(ref.model_copy(update={"sha256": sha, "size": len(data), "mime": "image/jpeg"}))
        out[sha] = data
    return request.model_copy(update={"evidence": refs}), out


@dataclass(frozen=True)
class Slot:
    """What item ``index`` of a corpus is: its type, degradation, layout, hand, and whether it
    carries a discrepancy."""

    txn_type: str
    degradation: str
    style: str
    handwritten: bool
    discrepant: bool


def schedule(index: int, discrepancy_rate: float = 0.25) -> Slot:
    """The corpus's plan, with no drawing: the types in turn; the degradations in turn, moving
    on by one more each round of the eight types, so that every type × degradation pair comes
    up within 80 items; layout "b" on half the items; names and 大写 by hand on one item in
    three; a discrepancy on one item in ``round(1 / rate)``.

    The discrepancies are spread over the types and the degradations alike: at a quarter, on
    the pairs whose type and degradation numbers add up to a multiple of four, which is two
    items of every degradation and two or three of every type in each 80. (The first rule,
    ``(round + type) % 4``, only ever fell on the even-numbered degradations: a corpus
    measured no recall under blur, rotation, scaling, shadow or a seal.) At another rate,
    one item in ``round(1 / rate)``, spread by the round as well as the index.

    The layout alternates with the round and with ``(type + degradation) // 4``, so that the
    discrepancies fall on both layouts, for every type and every degradation. (Layout "b" on
    the odd rounds alone never met a discrepancy: ``type + degradation`` has the parity of
    the round, so no recall was measured on the second layout.)"""
    types = len(TXN_TYPES)
    names = list(DEGRADATIONS)
    t, r = index % types, index // types
    d = (index + r) % len(names)
    every = round(1 / discrepancy_rate) if discrepancy_rate > 0 else 0
    discrepant = (t + d) % 4 == 0 if every == 4 else bool(every) and (index + r) % every == 0
    return Slot(
        txn_type=TXN_TYPES[t],
        degradation=names[d],
        style="b" if ((t + d) // 4 + r) % 2 else "a",
        handwritten=index % 3 == 1,
        discrepant=discrepant,
    )


def corpus_item(
    rng: random.Random,
    index: int,
    *,
    discrepancy_rate: float = 0.25,
    degradation: str | None = None,
    today: dt.date | None = None,
) -> CorpusItem:
    """One item: the types in turn, the degradations in turn (or the one given), and a
    discrepancy on one item in ``1 / discrepancy_rate`` (one of ``KINDS`` that applies to the
    type, drawn). Every other round of the types uses the second voucher layout ("b"), and
    one item in three has its names and 大写 written by hand (when a 楷体 face is installed)."""
    today = today or dt.date.today()
    slot = schedule(index, discrepancy_rate)
    txn_type = slot.txn_type
    degradation = degradation or slot.degradation
    style = slot.style
    handwritten = slot.handwritten and find_kai_font() is not None
    kind = None
    if slot.discrepant:
        kind = rng.choice([k for k in KINDS if _applies(k, txn_type)])
    defect = kind if kind in ("amount", "account", "name", "voucher_date", "expired_id") else None
    if kind == "words_figures":
        defect = "words_figures"
    sim = make_request(
        rng,
        txn_type=txn_type,
        mismatch_rate=0.0,
        expired_rate=0.0,
        defect=defect,
        today=today,
        voucher_style=style,
        handwritten=handwritten,
    )
    request = sim.request
    if kind == "check_digit":  # keyed with a wrong check digit: the card shows the right one
        n = request.id_number
        wrong = rng.choice([c for c in "0123456789X" if c != n[-1]])
        request = request.model_copy(update={"id_number": n[:-1] + wrong})
    request, images = _swap_images(
        request, sim.evidence, lambda data: degrade(data, degradation, rng)
    )
    return CorpusItem(
        request,
        images,
        kind,
        degradation,
        KINDS[kind] if kind else frozenset(),
        today,
        style,
        handwritten,
    )
