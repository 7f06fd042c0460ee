"""What the renderers share: the evidence's data types (specs, regions, the rendered
image), the canvas, text drawing, paper and the scanner's look."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from sim.render.fonts import cjk_font, cjk_font_at, find_cjk_font

if TYPE_CHECKING:
    from sim.render.person import Face


U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
Rgb = tuple[int, int, int]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels

JPEG_QUALITY = 85

# --------------------------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """A rectangle of the image in normalized coordinates (0..1), e.g. for a checklist zoom."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class RenderedEvidence:
    """An encoded evidence image plus where things are on it and what was written."""

    data: bytes
    width: int
    height: int
    mime: str
    regions: dict[str, Region]
    fields: dict[str, str]


@dataclass(frozen=True)
class VoucherSpec:
    """What a voucher says.  ``amount_fen=None`` is a non-monetary form (no amount rows);
    ``customer=False`` a teller's own operation (尾箱超限): no account, name or ID rows, no
    customer signature, only the handling signatures."""

    title: str
    date: str
    amount_fen: int | None
    account_no: str
    account_name: str
    id_number: str
    outlet_name: str
    teller_id: str
    extra: tuple[tuple[str, str], ...] = ()
    seed: int = 0
    customer: bool = True
    # the amount written in 大写 when it is not the figures' (a voucher that disagrees with
    # itself, for the reader's corpus); None: the same amount
    words_amount_fen: int | None = None
    # the form's layout: "a" (labels in a shaded column, values to their right, a digit
    # grid beside the figures, dates 2026年12月03日) or "b" (other label wording, each label
    # small above its value, figures on a ¥ line without a grid, dates 2026-12-03)
    style: str = "a"
    # the customer's name, the payee and the 大写 written by hand (a 楷体 face, each
    # character a little off its neighbours' line and size, in pen ink)
    handwritten: bool = False


@dataclass(frozen=True)
class IdCardSpec:
    """The front of a resident ID card (dates ``YYYY-MM-DD``; ``valid_to`` may be ``长期``)."""

    name: str
    sex: str
    ethnicity: str
    birth: str
    address: str
    id_number: str
    issuer: str
    valid_from: str
    valid_to: str
    seed: int = 0
    # the person on the photo; by default the owner of ``id_number`` when the card was issued
    face: Face | None = None


# --------------------------------------------------------------------------------------------
# Drawing helpers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TextOp:
    x: float
    y: float
    text: str
    size: int
    fill: Rgb
    anchor: str
    stroke: int
    tracking: float  # extra space between characters, pixels
    font: Path | None = None  # None: the CJK font (``find_cjk_font``)


class Canvas:
    """An RGB numpy image; shapes go straight to OpenCV, text is queued for one Pillow pass."""

    def __init__(self, img: U8) -> None:
        self.img = img
        self._texts: list[_TextOp] = []

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: int,
        fill: Rgb,
        *,
        anchor: str = "ls",
        stroke: int = 0,
        tracking: float = 0.0,
        font: Path | None = None,
    ) -> Box:
        """Queue ``text`` and return its bounding box (pixels); ``font``: another face."""
        op = _TextOp(x, y, text, size, fill, anchor, stroke, tracking, font)
        self._texts.append(op)
        return _measure(op)

    def flush_text(self) -> None:
        """Draw all queued text in one Pillow pass (glyph masks are cached across renders)."""
        if not self._texts:
            return
        pil = Image.fromarray(self.img)
        for op in self._texts:
            if op.tracking == 0.0:
                _paste_text(
                    pil, op.x, op.y, op.text, op.size, op.fill, op.anchor, op.stroke, op.font
                )
                continue
            x = op.x
            anchor = "l" + op.anchor[1]
            for ch in op.text:
                _paste_text(pil, x, op.y, ch, op.size, op.fill, anchor, op.stroke)
                x += text_width(ch, op.size) + op.tracking
        self.img = np.asarray(pil).copy()
        self._texts.clear()


def text_mask(
    text: str, size: int, anchor: str, stroke: int, font: Path | None = None
) -> tuple[Image.Image, int, int]:
    """Anti-aliased coverage mask of ``text`` and its offset from the anchor point."""
    return _text_mask_at(font or find_cjk_font(), text, size, anchor, stroke)


@functools.lru_cache(maxsize=1024)
def _text_mask_at(
    path: Path, text: str, size: int, anchor: str, stroke: int
) -> tuple[Image.Image, int, int]:
    font = cjk_font_at(path, size)
    fl, ft, fr, fb = font.getbbox(text, anchor=anchor, stroke_width=stroke)
    left, top = math.floor(fl), math.floor(ft)
    right, bottom = math.ceil(fr), math.ceil(fb)
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(mask).text(
        (-left, -top),
        text,
        font=font,
        fill=255,
        anchor=anchor,
        stroke_width=stroke,
        stroke_fill=255,
    )
    return mask, left, top


def _paste_text(
    pil: Image.Image,
    x: float,
    y: float,
    text: str,
    size: int,
    fill: Rgb,
    anchor: str,
    stroke: int,
    font: Path | None = None,
) -> None:
    mask, left, top = text_mask(text, size, anchor, stroke, font)
    x0, y0 = round(x) + left, round(y) + top
    pil.paste(fill, (x0, y0, x0 + mask.width, y0 + mask.height), mask)


def _measure(op: _TextOp) -> Box:
    if op.tracking == 0.0:
        mask, left, top = text_mask(op.text, op.size, op.anchor, op.stroke, op.font)
        x0, y0 = round(op.x) + left, round(op.y) + top
        return (float(x0), float(y0), float(x0 + mask.width), float(y0 + mask.height))
    width = sum(text_width(ch, op.size) for ch in op.text)
    width += op.tracking * max(0, len(op.text) - 1)
    _, t, _, b = cjk_font(op.size).getbbox(op.text or " ", anchor="l" + op.anchor[1])
    return (op.x, op.y + t, op.x + width, op.y + b)


def text_width(text: str, size: int, font: Path | None = None) -> float:
    return _text_width_at(font or find_cjk_font(), text, size)


@functools.lru_cache(maxsize=4096)
def _text_width_at(path: Path, text: str, size: int) -> float:
    return float(cjk_font_at(path, size).getlength(text))


def fit_size(text: str, max_width: float, size: int, min_size: int = 10) -> int:
    """Largest font size <= ``size`` at which ``text`` fits in ``max_width`` pixels."""
    width = text_width(text, size)
    if width <= max_width or not text:
        return size
    fitted = int(size * max_width / width)
    while fitted > min_size and text_width(text, fitted) > max_width:
        fitted -= 1
    return max(min_size, fitted)


def pt(x: float, y: float) -> tuple[int, int]:
    return (round(x), round(y))


def union(boxes: Iterable[Box]) -> Box:
    bs = list(boxes)
    return (
        min(b[0] for b in bs),
        min(b[1] for b in bs),
        max(b[2] for b in bs),
        max(b[3] for b in bs),
    )


def pad(box: Box, px: float) -> Box:
    return (box[0] - px, box[1] - px, box[2] + px, box[3] + px)


def smooth_field(rng: np.random.Generator, h: int, w: int, cells: int, lo: float, hi: float) -> F32:
    """Low-frequency random field in [lo, hi] of shape (h, w)."""
    gh = max(2, round(cells * h / max(h, w)))
    gw = max(2, round(cells * w / max(h, w)))
    small = rng.uniform(lo, hi, size=(gh, gw)).astype(np.float32)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC), dtype=np.float32)


def blank_paper(rng: np.random.Generator, h: int, w: int, base: Rgb) -> U8:
    """Off-white paper with slow blotches, uneven scanner lighting and fine grain."""
    gh = max(2, round(6 * h / max(h, w)))
    gw = max(2, round(6 * w / max(h, w)))
    light = rng.uniform(0.965, 1.0, size=(gh, gw))
    tilt = float(rng.uniform(-0.012, 0.012))
    light *= (1.0 + tilt * np.linspace(-1.0, 1.0, gw))[None, :]
    tone = np.array(base, dtype=np.float64)[None, None, :] * light[..., None] - 4.0
    small = np.clip(tone, 0, 247).astype(np.uint8)
    # Linear interpolation never overshoots, so adding grain 0..7 below cannot wrap past 255.
    out = np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR), dtype=np.uint8)
    grain = np.frombuffer(rng.bytes(h * w), dtype=np.uint8).reshape(h, w) & 7
    return np.asarray(cv2.add(out, cv2.merge([grain, grain, grain])), dtype=np.uint8)


def as_scanned(img: U8, rng: np.random.Generator, max_deg: float) -> tuple[U8, F64]:
    """Slight skew and softness of a flatbed scan of an RGB image.

    Returns the result in BGR (ready for :func:`encode`) and the 2x3 affine that was applied.
    """
    h, w = img.shape[:2]
    angle = float(rng.uniform(-max_deg, max_deg))
    m = np.asarray(cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0), dtype=np.float64)
    m[0, 2] += float(rng.uniform(-2.0, 2.0))
    m[1, 2] += float(rng.uniform(-2.0, 2.0))
    # Four channels take OpenCV's vectorized warp path (about twice as fast as three).
    bgra = cv2.cvtColor(img, cv2.COLOR_RGB2BGRA)
    warped = cv2.warpAffine(
        bgra, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    soft = cv2.GaussianBlur(warped, (3, 3), 0.55)
    return np.asarray(cv2.cvtColor(soft, cv2.COLOR_BGRA2BGR), dtype=np.uint8), m


def normalize_regions(
    boxes: Mapping[str, Box], m: npt.NDArray[np.float64], w: int, h: int
) -> dict[str, Region]:
    out: dict[str, Region] = {}
    for key, (x0, y0, x1, y1) in boxes.items():
        corners = np.array([[x0, y0, 1.0], [x1, y0, 1.0], [x0, y1, 1.0], [x1, y1, 1.0]])
        moved = corners @ m.T
        ax0 = min(max(float(moved[:, 0].min()), 0.0), float(w))
        ax1 = min(max(float(moved[:, 0].max()), 0.0), float(w))
        ay0 = min(max(float(moved[:, 1].min()), 0.0), float(h))
        ay1 = min(max(float(moved[:, 1].max()), 0.0), float(h))
        out[key] = Region(
            x=round(ax0 / w, 5),
            y=round(ay0 / h, 5),
            w=round((ax1 - ax0) / w, 5),
            h=round((ay1 - ay0) / h, 5),
        )
    return out


def encode(bgr: U8) -> bytes:
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:  # pragma: no cover - OpenCV always encodes a valid uint8 image
        raise RuntimeError("JPEG encoding failed")
    return bytes(np.asarray(buf).tobytes())
