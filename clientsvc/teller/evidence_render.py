"""Synthetic evidence images for the teller simulator.

Renders realistic-looking (but obviously synthetic) Chinese bank vouchers and the front of a PRC
resident ID card as JPEG bytes.  Geometry, rulings, the seal, the signature stroke and the photo
placeholder are drawn with OpenCV; all text is drawn with Pillow using a CJK font, because OpenCV
cannot render Chinese.  Every random choice comes from ``numpy.random.default_rng(seed)`` so the
same spec and seed always yield the same bytes.

No Qt here: the workstation turns the bytes into pixmaps itself.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import math
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from clientsvc.idnumber import id_birth, id_check_digit, id_sex
from clientsvc.money import MAX_AMOUNT_FEN, amount_in_figures, amount_in_words, check_amount

__all__ = [
    "ENV_FONT",
    "MAX_AMOUNT_FEN",
    "CjkFontMissing",
    "Face",
    "IdCardSpec",
    "Region",
    "RenderedEvidence",
    "VoucherSpec",
    "amount_in_figures",
    "amount_in_words",
    "find_cjk_font",
    "id_birth",
    "id_card_fields",
    "id_check_digit",
    "id_sex",
    "person_sprite",
    "render_id_card",
    "render_voucher",
    "voucher_fields",
]

ENV_FONT = "AUTHDESK_CJK_FONT"
"""Environment variable naming a font file to use instead of searching for one."""

_U8 = npt.NDArray[np.uint8]
_F32 = npt.NDArray[np.float32]
_F64 = npt.NDArray[np.float64]
_RGB = tuple[int, int, int]
_Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels

JPEG_QUALITY = 85

# --------------------------------------------------------------------------------------------
# Font discovery
# --------------------------------------------------------------------------------------------

_WELL_KNOWN_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)
_FC_PATTERNS: tuple[str, ...] = (
    "Noto Sans CJK SC:lang=zh",
    "WenQuanYi Micro Hei:lang=zh",
    "sans-serif:lang=zh",
)
_PROBE_CHAR = "授"
_INSTALL_HINT = (
    "install a CJK font, e.g. `sudo apt-get install fonts-noto-cjk` "
    "(or fonts-wqy-microhei), or set "
    f"{ENV_FONT} to the path of a TrueType/OpenType font with Chinese glyphs"
)


class CjkFontMissing(RuntimeError):
    """No usable font with Chinese glyphs was found, so evidence images cannot be rendered."""


def _fontconfig_candidates(patterns: Iterable[str] = _FC_PATTERNS) -> list[Path]:
    """Paths ``fc-match`` proposes for the given patterns (empty when fontconfig is absent)."""
    exe = shutil.which("fc-match")
    if exe is None:
        return []
    found: list[Path] = []
    for pattern in patterns:
        try:
            proc = subprocess.run(
                [exe, "-f", "%{file}", pattern],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        out = proc.stdout.strip()
        if proc.returncode == 0 and out:
            found.append(Path(out))
    return found


@functools.lru_cache(maxsize=16)
def _face_index(path: Path) -> int:
    """Index of the Simplified-Chinese face inside a font collection (0 for plain fonts)."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    names: list[str] = []
    for index in range(32):
        try:
            family = ImageFont.truetype(str(path), 12, index=index).getname()[0] or ""
        except OSError:
            break
        names.append(family)
    for tokens in (("SC",), ("GB",), ("CN",)):
        for index, family in enumerate(names):
            words = family.replace("-", " ").split()
            if any(t in words for t in tokens) and "Mono" not in words:
                return index
    return 0


def _has_cjk_glyphs(path: Path) -> bool:
    """True when ``path`` is a loadable font that really draws ``授`` (not a tofu box)."""
    try:
        if not path.is_file():
            return False
        font = ImageFont.truetype(
            str(path), 48, index=_face_index(path), layout_engine=ImageFont.Layout.BASIC
        )
    except (OSError, ValueError):
        return False

    def raster(ch: str) -> bytes | None:
        img = Image.new("L", (64, 64), 0)
        ImageDraw.Draw(img).text((32, 32), ch, font=font, fill=255, anchor="mm")
        return img.tobytes() if img.getbbox() is not None else None

    probe = raster(_PROBE_CHAR)
    if probe is None:
        return False
    # Glyph index 0 (.notdef) is what a font draws for characters it lacks; a private-use /
    # noncharacter code point reliably produces it.  A second common character must differ too.
    return probe != raster("\uffff") and probe != raster("权")


def _find_cjk_font_uncached(
    env: Mapping[str, str] | None = None,
    candidates: Sequence[str | Path] | None = None,
    *,
    use_fontconfig: bool = True,
) -> Path:
    """Locate a CJK font without caching (testable core of :func:`find_cjk_font`).

    ``env`` defaults to ``os.environ``; if it sets ``AUTHDESK_CJK_FONT`` that file is used and
    nothing else is tried (a broken explicit override is an error, not silently ignored).
    Otherwise fontconfig (if ``use_fontconfig`` and ``fc-match`` exists) and then ``candidates``
    (default: well-known Linux/Windows/macOS paths) are probed in order.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    override = environ.get(ENV_FONT, "").strip()
    if override:
        path = Path(override).expanduser()
        if _has_cjk_glyphs(path):
            return path
        raise CjkFontMissing(
            f"{ENV_FONT}={override!r} is not a readable font with Chinese glyphs "
            f"(checked for {_PROBE_CHAR!r}); fix the variable or unset it and {_INSTALL_HINT}"
        )
    ordered: list[Path] = []
    if use_fontconfig:
        ordered.extend(_fontconfig_candidates())
    ordered.extend(Path(c) for c in (_WELL_KNOWN_FONTS if candidates is None else candidates))
    tried: list[Path] = []
    for path in ordered:
        if path in tried:
            continue
        tried.append(path)
        if _has_cjk_glyphs(path):
            return path
    shown = ", ".join(str(p) for p in tried) or "(none)"
    raise CjkFontMissing(
        f"No font with Chinese glyphs found for rendering teller evidence; tried {shown}. "
        f"To fix: {_INSTALL_HINT}."
    )


@functools.lru_cache(maxsize=1)
def find_cjk_font() -> Path:
    """Path of a font that can draw Chinese text.

    ``AUTHDESK_CJK_FONT`` overrides the search; otherwise fontconfig and well-known paths are
    probed.  The chosen font is verified to contain a real glyph for ``授``.  The result is
    cached; call ``find_cjk_font.cache_clear()`` after changing the environment.

    Raises:
        CjkFontMissing: no usable font (the message says to install ``fonts-noto-cjk``).
    """
    return _find_cjk_font_uncached()


def _font(size: int) -> ImageFont.FreeTypeFont:
    """The CJK font at ``size`` px (caches are keyed by font path, so a changed override and
    ``find_cjk_font.cache_clear()`` take effect)."""
    return _font_at(find_cjk_font(), size)


@functools.lru_cache(maxsize=64)
def _font_at(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(
        str(path), max(6, size), index=_face_index(path), layout_engine=ImageFont.Layout.BASIC
    )


# --------------------------------------------------------------------------------------------
# Amounts and ID numbers
# --------------------------------------------------------------------------------------------

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
    fill: _RGB
    anchor: str
    stroke: int
    tracking: float  # extra space between characters, pixels


class _Canvas:
    """An RGB numpy image; shapes go straight to OpenCV, text is queued for one Pillow pass."""

    def __init__(self, img: _U8) -> None:
        self.img = img
        self._texts: list[_TextOp] = []

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: int,
        fill: _RGB,
        *,
        anchor: str = "ls",
        stroke: int = 0,
        tracking: float = 0.0,
    ) -> _Box:
        """Queue ``text`` and return its bounding box (pixels)."""
        op = _TextOp(x, y, text, size, fill, anchor, stroke, tracking)
        self._texts.append(op)
        return _measure(op)

    def flush_text(self) -> None:
        """Draw all queued text in one Pillow pass (glyph masks are cached across renders)."""
        if not self._texts:
            return
        pil = Image.fromarray(self.img)
        for op in self._texts:
            if op.tracking == 0.0:
                _paste_text(pil, op.x, op.y, op.text, op.size, op.fill, op.anchor, op.stroke)
                continue
            x = op.x
            anchor = "l" + op.anchor[1]
            for ch in op.text:
                _paste_text(pil, x, op.y, ch, op.size, op.fill, anchor, op.stroke)
                x += _text_width(ch, op.size) + op.tracking
        self.img = np.asarray(pil).copy()
        self._texts.clear()


def _text_mask(text: str, size: int, anchor: str, stroke: int) -> tuple[Image.Image, int, int]:
    """Anti-aliased coverage mask of ``text`` and its offset from the anchor point."""
    return _text_mask_at(find_cjk_font(), text, size, anchor, stroke)


@functools.lru_cache(maxsize=1024)
def _text_mask_at(
    path: Path, text: str, size: int, anchor: str, stroke: int
) -> tuple[Image.Image, int, int]:
    font = _font_at(path, size)
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
    fill: _RGB,
    anchor: str,
    stroke: int,
) -> None:
    mask, left, top = _text_mask(text, size, anchor, stroke)
    x0, y0 = round(x) + left, round(y) + top
    pil.paste(fill, (x0, y0, x0 + mask.width, y0 + mask.height), mask)


def _measure(op: _TextOp) -> _Box:
    if op.tracking == 0.0:
        mask, left, top = _text_mask(op.text, op.size, op.anchor, op.stroke)
        x0, y0 = round(op.x) + left, round(op.y) + top
        return (float(x0), float(y0), float(x0 + mask.width), float(y0 + mask.height))
    width = sum(_text_width(ch, op.size) for ch in op.text)
    width += op.tracking * max(0, len(op.text) - 1)
    _, t, _, b = _font(op.size).getbbox(op.text or " ", anchor="l" + op.anchor[1])
    return (op.x, op.y + t, op.x + width, op.y + b)


def _text_width(text: str, size: int) -> float:
    return _text_width_at(find_cjk_font(), text, size)


@functools.lru_cache(maxsize=4096)
def _text_width_at(path: Path, text: str, size: int) -> float:
    return float(_font_at(path, size).getlength(text))


def _fit_size(text: str, max_width: float, size: int, min_size: int = 10) -> int:
    """Largest font size <= ``size`` at which ``text`` fits in ``max_width`` pixels."""
    width = _text_width(text, size)
    if width <= max_width or not text:
        return size
    fitted = int(size * max_width / width)
    while fitted > min_size and _text_width(text, fitted) > max_width:
        fitted -= 1
    return max(min_size, fitted)


def _pt(x: float, y: float) -> tuple[int, int]:
    return (round(x), round(y))


def _union(boxes: Iterable[_Box]) -> _Box:
    bs = list(boxes)
    return (
        min(b[0] for b in bs),
        min(b[1] for b in bs),
        max(b[2] for b in bs),
        max(b[3] for b in bs),
    )


def _pad(box: _Box, px: float) -> _Box:
    return (box[0] - px, box[1] - px, box[2] + px, box[3] + px)


def _smooth_field(
    rng: np.random.Generator, h: int, w: int, cells: int, lo: float, hi: float
) -> _F32:
    """Low-frequency random field in [lo, hi] of shape (h, w)."""
    gh = max(2, round(cells * h / max(h, w)))
    gw = max(2, round(cells * w / max(h, w)))
    small = rng.uniform(lo, hi, size=(gh, gw)).astype(np.float32)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC), dtype=np.float32)


def _paper(rng: np.random.Generator, h: int, w: int, base: _RGB) -> _U8:
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


def _scan(img: _U8, rng: np.random.Generator, max_deg: float) -> tuple[_U8, _F64]:
    """Slight skew and softness of a flatbed scan of an RGB image.

    Returns the result in BGR (ready for :func:`_encode`) and the 2x3 affine that was applied.
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


def _normalize_regions(
    boxes: Mapping[str, _Box], m: npt.NDArray[np.float64], w: int, h: int
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


def _encode(bgr: _U8) -> bytes:
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:  # pragma: no cover - OpenCV always encodes a valid uint8 image
        raise RuntimeError("JPEG encoding failed")
    return bytes(np.asarray(buf).tobytes())


def _star_points(cx: float, cy: float, r_out: float, rot_deg: float) -> npt.NDArray[np.int32]:
    pts: list[tuple[float, float]] = []
    r_in = r_out * 0.382
    for k in range(10):
        r = r_out if k % 2 == 0 else r_in
        a = math.radians(rot_deg + k * 36.0)
        pts.append((cx + r * math.sin(a), cy - r * math.cos(a)))
    return np.round(np.array(pts)).astype(np.int32)


@functools.lru_cache(maxsize=8)
def _polar_angle(d: int) -> _F32:
    """Angle of every pixel of a d x d square around its centre (read-only, cached)."""
    c = d / 2.0
    ys, xs = np.mgrid[0:d, 0:d].astype(np.float32)
    ang = np.asarray(np.arctan2(ys - c, xs - c), dtype=np.float32)
    ang.setflags(write=False)
    return ang


def _seal_alpha(outlet: str, diameter: int, rng: np.random.Generator) -> _F32:
    """Ink coverage (0..1) of a round 业务专用章 with a star and ``outlet`` around the rim."""
    d = int(diameter)
    c = d / 2.0
    img = Image.new("L", (d, d), 0)
    draw = ImageDraw.Draw(img)
    ring = max(2, round(d * 0.034))
    draw.ellipse(
        (ring / 2 + 1, ring / 2 + 1, d - ring / 2 - 2, d - ring / 2 - 2), outline=255, width=ring
    )
    rot = float(rng.uniform(-14.0, 14.0))
    star = _star_points(c, c, d * 0.15, rot)
    draw.polygon([(int(p[0]), int(p[1])) for p in star], fill=255)

    chars = [ch for ch in outlet if not ch.isspace()] or ["银", "行"]
    n = len(chars)
    span = math.radians(min(250.0, 30.0 + 19.0 * n))
    r_text = c - ring - d * 0.085
    size = int(min(d * 0.125, 0.92 * r_text * span / max(1, n - 1)))
    for i, ch in enumerate(chars):
        theta = -span / 2 + (span * i / (n - 1) if n > 1 else span / 2)
        theta += math.radians(rot)
        glyph, _, _ = _text_mask(ch, size, "mm", 1)
        glyph = glyph.rotate(-math.degrees(theta), resample=Image.Resampling.BILINEAR, expand=True)
        gx = c + r_text * math.sin(theta) - glyph.width / 2
        gy = c - r_text * math.cos(theta) - glyph.height / 2
        img.paste(glyph, (round(gx), round(gy)), glyph)

    lsize = max(8, round(d * 0.095))
    lab, _, _ = _text_mask("业务专用章", lsize, "mm", 1)
    lab = lab.rotate(-rot, resample=Image.Resampling.BILINEAR, expand=True)
    lx = c + d * 0.3 * math.sin(math.radians(rot + 180))
    ly = c - d * 0.3 * math.cos(math.radians(rot + 180))
    img.paste(lab, (round(lx - lab.width / 2), round(ly - lab.height / 2)), lab)

    alpha = np.asarray(img, dtype=np.float32) * np.float32(1.0 / 255.0)
    # Uneven inking: slow density variation, a lighter side, and speckled dropouts.
    density = _smooth_field(rng, d, d, 5, 0.6, 1.05)
    side = np.float32(rng.uniform(0.0, 2 * math.pi))
    fade = np.float32(0.84) + np.float32(0.16) * np.cos(_polar_angle(d) - side)
    speck = (rng.random((d, d), dtype=np.float32) > 0.09).astype(np.float32)
    alpha = alpha * density * fade * speck
    alpha = np.asarray(cv2.GaussianBlur(alpha, (3, 3), 0.8), dtype=np.float32)
    return np.asarray(np.clip(alpha * np.float32(0.95), 0.0, 1.0), dtype=np.float32)


def _stamp(img: _U8, alpha: _F32, x0: int, y0: int, ink: _RGB) -> _Box:
    """Multiply-blend ``ink`` through ``alpha`` at (x0, y0); returns the covered box (clipped)."""
    h, w = img.shape[:2]
    ah, aw = alpha.shape
    cx0, cy0 = max(0, x0), max(0, y0)
    cx1, cy1 = min(w, x0 + aw), min(h, y0 + ah)
    if cx0 >= cx1 or cy0 >= cy1:
        return (0.0, 0.0, 0.0, 0.0)
    a = alpha[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0][..., None]
    roi = img[cy0:cy1, cx0:cx1].astype(np.float32)
    tint = np.array(ink, dtype=np.float32) / 255.0
    img[cy0:cy1, cx0:cx1] = np.clip(roi * (1.0 - a + a * tint), 0, 255).astype(np.uint8)
    return (float(cx0), float(cy0), float(cx1), float(cy1))


def _smooth_noise(rng: np.random.Generator, n: int, knots: int, amp: float) -> _F64:
    """A smooth random 1-D wobble of ``n`` samples (eased interpolation of ``knots`` values)."""
    vals = rng.normal(0.0, amp, knots + 1)
    t = np.linspace(0.0, knots, n)
    i = np.minimum(t.astype(np.int64), knots - 1)
    f = t - i
    f = f * f * (3.0 - 2.0 * f)
    return np.asarray(vals[i] * (1.0 - f) + vals[i + 1] * f, dtype=np.float64)


def _draw_pen(img: _U8, pts: _F64, widths: _F64, ink: _RGB) -> None:
    """Polyline whose width follows ``widths``; runs of equal width go to OpenCV in one call."""
    ints = np.round(pts).astype(np.int32)
    w = np.maximum(1, np.round(widths)).astype(np.int64)
    start = 0
    n = len(ints)
    while start < n - 1:
        end = start + 1
        while end < n - 1 and w[end] == w[start]:
            end += 1
        cv2.polylines(img, [ints[start : end + 1]], False, ink, int(w[start]), cv2.LINE_AA)
        start = end


def _signature(img: _U8, box: _Box, rng: np.random.Generator, scale: float) -> _Box:
    """Draw a fluent, seeded running-script pen signature inside ``box``; returns its bbox."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    ink: _RGB = (
        int(rng.integers(18, 40)),
        int(rng.integers(30, 55)),
        int(rng.integers(105, 150)),
    )
    n_glyphs = int(rng.integers(2, 4))
    gw = w * float(rng.uniform(0.6, 0.75)) / n_glyphs
    gx = x0 + w * float(rng.uniform(0.05, 0.14))
    mid = y0 + h * float(rng.uniform(0.45, 0.55))
    slant = float(rng.uniform(0.15, 0.35))  # forward lean: x shifts with height
    strokes: list[_F64] = []
    for g in range(n_glyphs):
        n = 90
        t = np.linspace(0.0, 1.0, n)
        loops = float(rng.uniform(1.2, 2.4))
        phase = float(rng.uniform(0.0, 2 * math.pi))
        ax = gw * float(rng.uniform(0.16, 0.26))
        ay = h * float(rng.uniform(0.2, 0.32)) * (1.25 if g == 0 else 1.0)
        wave = 2 * math.pi * loops * t + phase
        amod = np.clip(1.0 + _smooth_noise(rng, n, 3, 0.35), 0.35, 1.5)  # uneven loop sizes
        ys = mid - ay * amod * np.sin(wave) + _smooth_noise(rng, n, 4, h * 0.07)
        xs = gx + gw * 0.85 * (t + _smooth_noise(rng, n, 3, 0.06)) + ax * amod * np.cos(wave)
        xs += _smooth_noise(rng, n, 4, gw * 0.05) - slant * (ys - mid)
        strokes.append(np.stack([xs, ys], axis=1))
        if rng.random() < 0.7:  # a separate tall stroke (a radical) before the run
            sx = gx + gw * float(rng.uniform(0.05, 0.3))
            sy0 = mid - h * float(rng.uniform(0.3, 0.42))
            sy1 = mid + h * float(rng.uniform(0.1, 0.3))
            m = 24
            ty = np.linspace(sy0, sy1, m)
            tx = sx - slant * (ty - mid) + _smooth_noise(rng, m, 2, gw * 0.03)
            strokes.append(np.stack([tx, ty], axis=1))
        gx += gw * float(rng.uniform(0.9, 1.08))
    # A trailing flourish under the name, returning leftwards.
    m = 60
    t = np.linspace(0.0, 1.0, m)
    fx = gx - gw * 0.1 - (gx - x0 - w * 0.06) * t
    fy = mid + h * 0.28 + h * 0.08 * np.sin(math.pi * t) + _smooth_noise(rng, m, 3, h * 0.025)
    strokes.append(np.stack([fx, fy], axis=1))

    # Shrink the whole signature about its centre if it would leave the cell.
    allp = np.vstack(strokes)
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    fit = min(1.0, w / max(1e-6, float(hi[0] - lo[0])), h / max(1e-6, float(hi[1] - lo[1])))
    centre = (lo + hi) / 2.0
    target = np.clip(
        centre,
        [x0 + (hi[0] - lo[0]) * fit / 2, y0 + (hi[1] - lo[1]) * fit / 2],
        [x1 - (hi[0] - lo[0]) * fit / 2, y1 - (hi[1] - lo[1]) * fit / 2],
    )
    strokes = [(pts - centre) * fit + target for pts in strokes]
    for pts in strokes:
        k = len(pts)
        # pressure: light at entry and exit, heavier through the middle
        env = np.sin(np.linspace(0.15, math.pi - 0.15, k))
        widths = scale * (1.4 + 2.4 * env * float(rng.uniform(0.7, 1.0)))
        _draw_pen(img, pts, widths, ink)
    allp = np.vstack(strokes)
    return _pad(
        (
            float(allp[:, 0].min()),
            float(allp[:, 1].min()),
            float(allp[:, 0].max()),
            float(allp[:, 1].max()),
        ),
        4 * scale,
    )


def _parse_date(text: str, what: str) -> _dt.date:
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(f"{what} must be YYYY-MM-DD, got {text!r}")
    try:
        return _dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{what} must be YYYY-MM-DD, got {text!r}") from exc


def _bank_name(outlet: str) -> str:
    idx = outlet.find("银行")
    return outlet[: idx + 2] if idx >= 0 else outlet


# --------------------------------------------------------------------------------------------
# Voucher
# --------------------------------------------------------------------------------------------

_FORM_INKS: tuple[_RGB, ...] = (
    (28, 104, 72),  # green
    (34, 74, 146),  # blue
    (22, 96, 112),  # teal
    (112, 70, 36),  # brown
)
_PRINT_INK: _RGB = (28, 28, 36)
_SEAL_INK: _RGB = (214, 34, 44)
_Cell = tuple[str, str, str]  # label, value, region key
_Row = tuple[str, list[_Cell]]  # kind ('pair', 'full', 'words', 'figures'), cells
_UNIT_LABELS = (
    "分",
    "角",
    "元",
    "十",
    "百",
    "千",
    "万",
    "十",
    "百",
    "千",
    "亿",
    "十",
    "百",
    "千",
    "万",
    "十",
    "百",
    "千",
)


def voucher_fields(spec: VoucherSpec, written_amount_fen: int | None = None) -> dict[str, str]:
    """What :func:`render_voucher` writes on the voucher, as the teller system reports it
    (``RenderedEvidence.fields``, but the serial number, which the drawing picks): also without
    drawing it, for a dry run of a stream."""
    amount = spec.amount_fen if written_amount_fen is None else written_amount_fen
    fields = {
        "title": spec.title,
        "date": spec.date,
        "outlet_name": spec.outlet_name,
        "teller_id": spec.teller_id,
    }
    if spec.customer:
        fields.update(
            account_no=spec.account_no, account_name=spec.account_name, id_number=spec.id_number
        )
    if amount is not None:
        fields.update(
            amount_words=amount_in_words(amount),
            amount_fen=str(amount),
            amount_figures=amount_in_figures(amount),
        )
    for label, value in spec.extra:
        fields[f"extra:{label}"] = value
    return fields


def render_voucher(
    spec: VoucherSpec, *, width: int = 1654, written_amount_fen: int | None = None
) -> RenderedEvidence:
    """A scanned-looking voucher (JPEG) for ``spec``.

    Layout: bank header with a serial number, the title, a ruled table with labelled cells
    (日期, 柜员号, 账号, 户名, 证件类型, 证件号码, 金额(大写) with :func:`amount_in_words`,
    金额(小写) with figures and a 亿…分 digit grid, then ``spec.extra`` rows), a 客户签名 cell
    holding a seeded dark-blue pen signature, and a faded, slightly rotated red round seal
    (业务专用章, star, outlet name on the rim) overlapping the bottom right.

    ``written_amount_fen`` (default ``spec.amount_fen``) is the amount actually WRITTEN on the
    voucher, so a simulator can plant a mismatch; ``fields['amount_fen']`` reports the written
    one.  With neither set the amount rows are omitted.  The height follows from the content
    (about ``0.6 * width`` for a typical form).

    Region keys: ``date``, ``account``, ``name``, ``id_number``, ``signature``, ``seal``,
    ``title``, ``teller``, plus ``amount``/``amount_words`` when there is an amount and
    ``extra:<label>`` for each extra row.
    """
    if width < 400:
        raise ValueError(f"width too small for a legible voucher: {width}")
    date = _parse_date(spec.date, "date")
    amount = spec.amount_fen if written_amount_fen is None else written_amount_fen
    if amount is not None:
        check_amount(amount)
    rng = np.random.default_rng([spec.seed, 0x70C4])
    s = width / 1654.0

    def S(v: float) -> int:
        return round(v * s)

    ink = _FORM_INKS[int(rng.integers(len(_FORM_INKS)))]
    light_ink: _RGB = (
        round(ink[0] * 0.35 + 255 * 0.65),
        round(ink[1] * 0.35 + 255 * 0.65),
        round(ink[2] * 0.35 + 255 * 0.65),
    )
    # The printer never registers perfectly with the pre-printed form.
    ox, oy = float(rng.uniform(-4, 6)) * s, float(rng.uniform(-3, 4)) * s

    margin = S(70)
    tx0, tx1 = margin, width - margin - S(34)
    row_h = S(82)
    label_w = S(190)
    mid_x = tx0 + (tx1 - tx0) * 0.5
    lab_size, val_size = S(30), S(34)

    # Rows of (kind, [(label, value, region key)]); the height derives from the row list.
    rows: list[_Row] = [
        (
            "pair",
            [
                ("日期", f"{date.year}年{date.month:02d}月{date.day:02d}日", "date"),
                ("柜员号", spec.teller_id, "teller"),
            ],
        ),
    ]
    if spec.customer:
        rows.append(
            ("pair", [("账号", spec.account_no, "account"), ("户名", spec.account_name, "name")])
        )
        rows.append(
            (
                "pair",
                [("证件类型", "居民身份证", "id_type"), ("证件号码", spec.id_number, "id_number")],
            )
        )
    if amount is not None:
        rows.append(("words", [("金额(大写)", amount_in_words(amount), "amount_words")]))
        rows.append(("figures", [("金额(小写)", amount_in_figures(amount), "amount")]))
    pending: list[_Cell] = []
    half_val_w = mid_x - tx0 - label_w - S(30)
    for label, value in spec.extra:
        cell = (label, value, f"extra:{label}")
        if _text_width(value, val_size) > half_val_w:
            if pending:
                rows.append(("pair", [*pending, ("", "", "")]))
                pending = []
            rows.append(("full", [cell]))
        else:
            pending.append(cell)
            if len(pending) == 2:
                rows.append(("pair", pending))
                pending = []
    if pending:
        rows.append(("pair", [*pending, ("", "", "")]))

    header_h = S(262)
    sig_h = S(190)
    footer_h = S(112)
    table_y0 = header_h
    row_heights = [S(96) if kind == "figures" else row_h for kind, _ in rows]
    table_y1 = table_y0 + sum(row_heights) + sig_h
    height = table_y1 + footer_h

    paper_base: _RGB = (
        int(rng.integers(243, 250)),
        int(rng.integers(240, 247)),
        int(rng.integers(228, 238)),
    )
    cv = _Canvas(_paper(rng, height, width, paper_base))
    img = cv.img
    boxes: dict[str, _Box] = {}
    fields = voucher_fields(spec, written_amount_fen)

    # ---- header: emblem, bank name, serial number, title, outlet line
    ex, ey, er = tx0 + S(34), S(64), S(30)
    cv2.circle(img, _pt(ex, ey), er, ink, max(2, S(5)), cv2.LINE_AA)
    sq = er * 0.55
    diamond = np.array(
        [[ex, ey - sq], [ex + sq, ey], [ex, ey + sq], [ex - sq, ey]], dtype=np.float64
    )
    cv2.fillPoly(img, [np.round(diamond).astype(np.int32)], ink, cv2.LINE_AA)
    cv.text(ex + er + S(16), ey, _bank_name(spec.outlet_name), S(40), ink, anchor="lm", stroke=1)
    serial = f"{int(rng.integers(10**7, 10**8)):08d}"
    fields["serial_no"] = serial
    cv.text(tx1, ey, f"No. {serial}", S(30), (176, 40, 44), anchor="rm")

    title_size = _fit_size(spec.title, (tx1 - tx0) * 0.7, S(60))
    tb = cv.text((tx0 + tx1) / 2, S(150), spec.title, title_size, ink, anchor="mm", stroke=1)
    boxes["title"] = tb
    u0, u1 = tb[0] - S(24), tb[2] + S(24)
    cv2.line(img, _pt(u0, tb[3] + S(14)), _pt(u1, tb[3] + S(14)), ink, max(1, S(3)), cv2.LINE_AA)
    cv2.line(img, _pt(u0, tb[3] + S(21)), _pt(u1, tb[3] + S(21)), ink, max(1, S(1)), cv2.LINE_AA)
    info_y = table_y0 - S(16)
    cv.text(tx0, info_y, "机构名称：", S(26), ink)
    cv.text(
        tx0 + _text_width("机构名称：", S(26)), info_y + oy, spec.outlet_name, S(28), _PRINT_INK
    )
    if amount is not None:
        cv.text(tx1, info_y, "币种：人民币    单位：元", S(26), ink, anchor="rs")

    # ---- table
    thick, thin = max(2, S(3)), max(1, S(1))
    y = table_y0
    for (kind, cells), rh in zip(rows, row_heights, strict=True):
        y_next = y + rh
        cv2.line(img, _pt(tx0, y_next), _pt(tx1, y_next), ink, thin, cv2.LINE_AA)
        base = y + rh * 0.5
        spans = [(tx0, mid_x), (mid_x, tx1)] if kind == "pair" else [(tx0, tx1)]
        for (x_a, x_b), (label, value, key) in zip(spans, cells, strict=False):
            if x_a > tx0:
                cv2.line(img, _pt(x_a, y), _pt(x_a, y_next), ink, thin, cv2.LINE_AA)
            if not label:
                continue
            lx1 = x_a + label_w
            cv2.rectangle(img, _pt(x_a + 1, y + 1), _pt(lx1 - 1, y_next - 1), light_ink, -1)
            cv2.line(img, _pt(lx1, y), _pt(lx1, y_next), ink, thin, cv2.LINE_AA)
            lsz = _fit_size(label, label_w - S(20), lab_size)
            cv.text((x_a + lx1) / 2, base, label, lsz, ink, anchor="mm")
            vx0, vx1 = lx1 + S(18), x_b - S(14)
            cell_box: _Box = (lx1, y, x_b, y_next)
            if kind == "words":
                pre = "人民币"
                cv.text(vx0, base, pre, lab_size, ink, anchor="lm")
                wx = vx0 + _text_width(pre, lab_size) + S(16)
                wsz = _fit_size(value, vx1 - wx, val_size)
                cv.text(wx + ox, base + oy, value, wsz, _PRINT_INK, anchor="lm")
            elif kind == "figures":
                assert amount is not None
                _draw_digit_grid(cv, amount, (lx1, y, x_b, y_next), ink, light_ink, s, ox, oy)
                fsz = _fit_size(value, (x_b - lx1) * 0.38, val_size)
                cv.text(vx0 + ox, base + oy, value, fsz, _PRINT_INK, anchor="lm")
            else:
                vsz = _fit_size(value, vx1 - vx0, val_size)
                cv.text(vx0 + ox, base + oy, value, vsz, _PRINT_INK, anchor="lm")
            if key != "id_type":
                boxes[key] = cell_box
        y = y_next

    # ---- signature / handling row: the customer's signature, then the handling staff's
    sy0, sy1 = y, table_y1
    handling_x: float = tx0 + S(24)
    sig_cell: _Box | None = None
    if spec.customer:
        cv2.line(img, _pt(mid_x, sy0), _pt(mid_x, sy1), ink, thin, cv2.LINE_AA)
        cv2.rectangle(img, _pt(tx0 + 1, sy0 + 1), _pt(tx0 + label_w - 1, sy1 - 1), light_ink, -1)
        cv2.line(img, _pt(tx0 + label_w, sy0), _pt(tx0 + label_w, sy1), ink, thin, cv2.LINE_AA)
        cy = (sy0 + sy1) / 2
        cv.text(tx0 + label_w / 2, cy - S(20), "客户签名", lab_size, ink, anchor="mm")
        cv.text(tx0 + label_w / 2, cy + S(22), "(签字确认)", S(22), ink, anchor="mm")
        sig_cell = (tx0 + label_w, sy0, mid_x, sy1)
        handling_x = mid_x + S(24)
    step = (tx1 - handling_x) / 3
    for i, lab in enumerate(("经办：", "复核：", "授权：")):
        cv.text(handling_x + i * step, sy0 + S(46), lab, lab_size, ink)
    cv.text(
        handling_x + _text_width("经办：", lab_size) + ox,
        sy0 + S(46) + oy,
        spec.teller_id,
        S(28),
        _PRINT_INK,
    )
    if spec.customer:
        cv.text(
            tx0 + S(6),
            sy1 + S(40),
            "客户确认：以上内容准确无误，本人已知悉并同意办理上述业务。",
            S(24),
            ink,
        )
    cv.text(tx0 + S(6), sy1 + S(74), "注：本凭证须经柜员、复核及授权人员签章后生效。", S(22), ink)

    # outer frame (drawn last so it sits over the shaded label cells)
    cv2.rectangle(img, _pt(tx0, table_y0), _pt(tx1, table_y1), ink, thick, cv2.LINE_AA)
    # copy marker printed vertically in the right margin
    copy_txt = "第一联银行记账联"
    vx = tx1 + S(20)
    vstep = S(30)
    vy = table_y0 + ((table_y1 - table_y0) - vstep * len(copy_txt)) / 2 + vstep / 2
    for i, ch in enumerate(copy_txt):
        cv.text(vx, vy + i * vstep, ch, S(22), ink, anchor="mm")

    cv.flush_text()
    img = cv.img
    if sig_cell is not None:
        boxes["signature"] = _union([sig_cell, _signature(img, _pad(sig_cell, -S(10)), rng, s)])

    # ---- the seal: over the handling signatures at the bottom right, where the teller
    # stamps it, clear of every key field's box (it must not hide a digit)
    dia = S(240)
    left = (mid_x if spec.customer else tx0 + (tx1 - tx0) * 0.5) + dia / 2 + S(30)
    scx = float(rng.uniform(left, tx1 - dia / 2 + S(20)))
    scy = sy0 + S(16) + dia / 2 + float(rng.uniform(0, S(18)))
    alpha = _seal_alpha(spec.outlet_name, dia, rng)
    boxes["seal"] = _stamp(img, alpha, round(scx - dia / 2), round(scy - dia / 2), _SEAL_INK)

    out, m = _scan(img, rng, 0.35)
    return RenderedEvidence(
        data=_encode(out),
        width=width,
        height=height,
        mime="image/jpeg",
        regions=_normalize_regions(boxes, m, width, height),
        fields=fields,
    )


def _draw_digit_grid(
    cv: _Canvas,
    amount: int,
    cell: _Box,
    ink: _RGB,
    light_ink: _RGB,
    s: float,
    ox: float,
    oy: float,
) -> None:
    """The classic 亿千百十万千百十元角分 box grid with one digit per column and ¥ before them."""
    x0, y0, x1, y1 = cell
    digits = f"{amount:03d}"  # at least 元, 角 and 分: ¥0.05 is written ¥ 0 0 5
    ncols = max(11, len(digits) + 1)
    col_w = min(46.0 * s, (x1 - x0) * 0.58 / ncols)
    gx1 = x1 - 12 * s
    gx0 = gx1 - ncols * col_w
    head_y = y0 + (y1 - y0) * 0.36
    thin = max(1, round(s))
    cv2.line(cv.img, _pt(gx0, y0), _pt(gx0, y1), ink, thin, cv2.LINE_AA)
    cv2.line(cv.img, _pt(gx0, head_y), _pt(gx1, head_y), ink, thin, cv2.LINE_AA)
    for i in range(ncols):
        cx0 = gx1 - (i + 1) * col_w
        if i:
            # 元 and 万/亿 boundaries drawn heavier, as on printed forms
            heavy = i in (2, 6, 10, 14)
            cv2.line(
                cv.img,
                _pt(cx0 + col_w, y0 + (0 if heavy else 3 * s)),
                _pt(cx0 + col_w, y1),
                ink if heavy else light_ink,
                thin * (2 if i == 2 else 1),
                cv2.LINE_AA,
            )
        label = _UNIT_LABELS[i] if i < len(_UNIT_LABELS) else ""
        cv.text(cx0 + col_w / 2, (y0 + head_y) / 2, label, round(20 * s), ink, anchor="mm")
    dy = (head_y + y1) / 2 + oy
    for i, ch in enumerate(reversed(digits)):
        cx = gx1 - (i + 0.5) * col_w + ox * 0.3
        cv.text(cx, dy, ch, round(30 * s), _PRINT_INK, anchor="mm")
    lead = len(digits)
    cv.text(gx1 - (lead + 0.5) * col_w + ox * 0.3, dy, "¥", round(30 * s), _PRINT_INK, anchor="mm")


# --------------------------------------------------------------------------------------------
# ID card
# --------------------------------------------------------------------------------------------

_SKIN_TONES: tuple[_RGB, ...] = (
    (232, 196, 168),
    (222, 182, 150),
    (208, 166, 132),
    (238, 206, 182),
    (198, 152, 118),
)
_CLOTHES: dict[str, tuple[_RGB, ...]] = {
    "男": ((30, 34, 48), (62, 64, 72), (238, 238, 236), (52, 70, 98), (96, 84, 70)),
    "女": ((30, 34, 48), (238, 238, 236), (150, 44, 60), (70, 96, 140), (200, 170, 150)),
}
_HAIR_STYLES = {"男": ("crop", "side", "buzz"), "女": ("long", "bob", "bun")}


def _years(birth: _dt.date, on: _dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class Face:
    """How a person looks, as drawn: on the ID photo and in the counter video alike.

    ``features`` picks the drawn features that do not change with the years (face shape,
    skin, hair colour and style, glasses, clothes, brows); ``age`` adds what does (grey hair,
    lines). Two drawings of one person share ``features``; an impostor's differ."""

    sex: str  # 男 / 女
    age: int
    features: int  # a 32-bit seed of the lasting features

    @staticmethod
    def of_id(id_number: str, on: _dt.date) -> Face:
        """The owner of this ID number, at the date ``on``: the sex and birth the number says,
        the features it hashes to (a person is drawn the same wherever they appear)."""
        birth = id_birth(id_number)
        age = _years(birth, on) if birth is not None else 40
        digest = hashlib.sha256(id_number.encode()).digest()
        return Face(id_sex(id_number) or "男", max(0, age), int.from_bytes(digest[:4], "big"))

    def looks_like(self, other: Face) -> bool:
        """The same person to an authorizer's eye: sex and lasting features (age differs
        between an ID photo taken years ago and the person at the counter today)."""
        return self.sex == other.sex and self.features == other.features

    def traits(self) -> Traits:
        """The drawn features, named (for tests and for a person comparing two drawings)."""
        rng = np.random.default_rng([self.features, 0xFACE])
        female = self.sex == "女"
        styles = _HAIR_STYLES["女" if female else "男"]
        clothes = _CLOTHES["女" if female else "男"]
        return Traits(
            skin=_SKIN_TONES[int(rng.integers(len(_SKIN_TONES)))],
            skin_k=float(rng.uniform(0.92, 1.04)),
            hair_value=int(rng.integers(14, 46)),
            hair_style=styles[int(rng.integers(len(styles)))],
            side=1 if rng.random() < 0.5 else -1,
            width=float(rng.uniform(0.205, 0.245)),
            length=float(rng.uniform(0.19, 0.225)),
            cloth=clothes[int(rng.integers(len(clothes)))],
            glasses=bool(rng.random() < 0.22 + (0.25 if self.age >= 50 else 0.0)),
            brow=float(rng.uniform(0.8, 1.25)) * (0.7 if female else 1.0),
            receding=(not female) and bool(rng.random() < 0.5) and self.age >= 48,
            earrings=female and bool(rng.random() < 0.4),
        )


@dataclass(frozen=True)
class Traits:
    """What :func:`_paint_person` draws of a :class:`Face`."""

    skin: _RGB
    skin_k: float
    hair_value: int
    hair_style: str  # crop, side, buzz (men); long, bob, bun (women)
    side: int  # the fringe's side, -1 or 1
    width: float  # the face's half-width, as a share of the photo's width
    length: float  # its half-height, as a share of the photo's height
    cloth: _RGB
    glasses: bool
    brow: float
    receding: bool
    earrings: bool


def _mix(a: _RGB, b: _RGB, t: float) -> _RGB:
    return (
        round(a[0] * (1 - t) + b[0] * t),
        round(a[1] * (1 - t) + b[1] * t),
        round(a[2] * (1 - t) + b[2] * t),
    )


def _paint_person(
    img: _U8, face: Face, x0: float, y0: float, w: float, h: float, outfit: int | None = None
) -> None:
    """A head and shoulders in the box (x0, y0, w, h) of an RGB image, drawn as the ID photo
    frames a person: the head a little above the middle, the shoulders at the bottom edge.
    ``outfit`` picks other clothes than the photo's (a person at the counter today)."""
    t = face.traits()
    if outfit is not None:
        clothes = _CLOTHES["女" if face.sex == "女" else "男"]
        t = replace(t, cloth=clothes[outfit % len(clothes)])
    tone, k = t.skin, t.skin_k
    skin: _RGB = (min(255, round(tone[0] * k)), min(255, round(tone[1] * k)), round(tone[2] * k))
    shadow: _RGB = (round(skin[0] * 0.8), round(skin[1] * 0.76), round(skin[2] * 0.74))
    hv = t.hair_value
    grey = min(0.8, max(0.0, (face.age - 50) / 32.0))  # greying from about fifty
    hair = _mix((hv + 8, hv + 3, hv), (168, 166, 164), grey)
    cloth, style, side = t.cloth, t.hair_style, t.side
    female = face.sex == "女"
    aa = cv2.LINE_AA

    def P(fx: float, fy: float) -> tuple[int, int]:
        return _pt(x0 + fx, y0 + fy)

    def A(ax_: float, ay_: float) -> tuple[int, int]:
        return _pt(max(1.0, ax_), max(1.0, ay_))

    cx = w / 2
    hy = h * 0.42
    ax = w * t.width * (0.94 if female else 1.0)
    ay = h * t.length

    if style == "long":  # hair falling behind the shoulders
        cv2.ellipse(img, P(cx, hy + ay * 0.45), A(ax * 1.28, ay * 1.38), 0, 0, 360, hair, -1, aa)
    # shoulders, then the neck with a shadow under the chin
    shoulder_w = w * (0.5 if female else 0.58)
    cv2.ellipse(img, P(cx, h * 1.04), A(shoulder_w, h * 0.28), 0, 180, 360, cloth, -1, aa)
    neck = ax * (0.36 if female else 0.44)
    cv2.rectangle(img, P(cx - neck, hy + ay * 0.5), P(cx + neck, h * 0.8), skin, -1)
    cv2.ellipse(img, P(cx, h * 0.8), A(neck, h * 0.035), 0, 0, 180, skin, -1, aa)
    chin = _mix(skin, shadow, 0.5)
    cv2.ellipse(img, P(cx, hy + ay * 0.9), A(neck, ay * 0.12), 0, 0, 180, chin, -1, aa)
    if cloth == (238, 238, 236):  # a white shirt: collar lines
        for sgn in (-1, 1):
            cv2.line(img, P(cx + sgn * w * 0.12, h * 0.79), P(cx, h * 0.9), (160, 160, 160), 2, aa)
    elif not female:  # a jacket's lapels over a shirt
        cv2.fillPoly(
            img,
            [np.array([P(cx - w * 0.07, h * 0.8), P(cx + w * 0.07, h * 0.8), P(cx, h * 0.93)])],
            (236, 236, 232),
            aa,
        )
    else:  # a round neckline
        cv2.ellipse(img, P(cx, h * 0.8), A(neck * 1.5, h * 0.05), 0, 0, 180, skin, -1, aa)
    for sgn in (-1, 1):  # ears
        cv2.ellipse(
            img,
            P(cx + sgn * ax * 0.97, hy + ay * 0.05),
            A(ax * 0.14, ay * 0.2),
            0,
            0,
            360,
            shadow,
            -1,
            aa,
        )
        if t.earrings:
            cv2.circle(
                img,
                P(cx + sgn * ax * 0.98, hy + ay * 0.27),
                max(2, round(ax * 0.05)),
                (222, 196, 120),
                -1,
                aa,
            )
    # hair: a skull-sized ellipse the face then covers, leaving a hairline and temples
    crown = 1.0 if style != "buzz" else 0.96
    cv2.ellipse(
        img, P(cx, hy - ay * 0.1), A(ax * 1.06 * crown, ay * 1.0 * crown), 0, 0, 360, hair, -1, aa
    )
    if style == "bob":  # to the jaw on both sides
        for sgn in (-1, 1):
            cv2.ellipse(
                img,
                P(cx + sgn * ax * 0.82, hy + ay * 0.3),
                A(ax * 0.36, ay * 0.72),
                0,
                0,
                360,
                hair,
                -1,
                aa,
            )
    if style == "bun":  # tied up behind the crown
        cv2.circle(img, P(cx + side * ax * 0.35, hy - ay * 1.05), round(ax * 0.36), hair, -1, aa)
    hairline = ay * (0.2 if t.receding else 0.08)
    cv2.ellipse(
        img,
        P(cx, hy + hairline),
        A(ax * 0.95, ay * 0.93 - (hairline - ay * 0.08)),
        0,
        0,
        360,
        skin,
        -1,
        aa,
    )
    if style in ("long", "bob"):  # hair framing the face down its sides
        for sgn in (-1, 1):
            cv2.ellipse(
                img,
                P(cx + sgn * ax * 0.9, hy + ay * 0.05),
                A(ax * 0.16, ay * 0.62),
                sgn * -8,
                0,
                360,
                hair,
                -1,
                aa,
            )
    if style in ("side", "long", "bob"):  # a side-swept fringe
        cv2.ellipse(
            img,
            P(cx - side * ax * 0.25, hy - ay * 0.62),
            A(ax * 0.72, ay * 0.26),
            side * 12.0,
            0,
            360,
            hair,
            -1,
            aa,
        )
    elif style == "crop" and not t.receding:  # a short even fringe line
        cv2.ellipse(img, P(cx, hy - ay * 0.7), A(ax * 0.8, ay * 0.2), 0, 0, 360, hair, -1, aa)
    # eyes, brows, nose, mouth
    eye_y = hy + ay * 0.1
    lw = max(2, round(ax * 0.05))
    brow_w = max(1, round(lw * t.brow))
    for sgn in (-1, 1):
        ex = cx + sgn * ax * 0.4
        cv2.ellipse(img, P(ex, eye_y), A(ax * 0.15, ay * 0.05), 0, 0, 360, (248, 248, 248), -1, aa)
        cv2.circle(img, P(ex, eye_y), max(2, round(ax * 0.06)), (38, 30, 28), -1, aa)
        arch = ay * (0.05 if female else 0.0)
        cv2.ellipse(
            img,
            P(ex, eye_y - ay * 0.13),
            A(ax * 0.19, arch + ay * 0.03),
            0,
            200,
            340,
            hair if grey < 0.5 else _mix(hair, (60, 60, 60), 0.5),
            brow_w,
            aa,
        )
    if t.glasses:
        frame_ink: _RGB = (40, 36, 34)
        for sgn in (-1, 1):
            ex = cx + sgn * ax * 0.4
            cv2.ellipse(
                img, P(ex, eye_y), A(ax * 0.24, ay * 0.13), 0, 0, 360, frame_ink, max(1, lw - 1), aa
            )
        cv2.line(img, P(cx - ax * 0.16, eye_y), P(cx + ax * 0.16, eye_y), frame_ink, max(1, lw - 1))
    cv2.line(
        img,
        P(cx, eye_y + ay * 0.06),
        P(cx - side * ax * 0.06, hy + ay * 0.42),
        shadow,
        max(1, round(ax * 0.035)),
        aa,
    )
    lips: _RGB = (
        (round(skin[0] * 0.82), round(skin[1] * 0.42), round(skin[2] * 0.46))
        if female
        else (round(skin[0] * 0.78), round(skin[1] * 0.5), round(skin[2] * 0.52))
    )
    cv2.ellipse(img, P(cx, hy + ay * 0.6), A(ax * 0.22, ay * 0.07), 0, 10, 170, lips, lw, aa)
    if face.age >= 50:  # lines from the nose's wings past the mouth's corners
        for sgn in (-1, 1):
            fold = np.array(
                [
                    P(cx + sgn * ax * 0.17, hy + ay * 0.36),
                    P(cx + sgn * ax * 0.3, hy + ay * 0.47),
                    P(cx + sgn * ax * 0.32, hy + ay * 0.64),
                ],
                dtype=np.int32,
            )
            cv2.polylines(img, [fold], False, shadow, max(1, lw // 2), aa)
    if face.age >= 60:  # and across the forehead
        for i in (0, 1):
            fy = hy - ay * (0.3 + 0.12 * i)
            cv2.ellipse(
                img,
                P(cx, fy + ay * 0.2),
                A(ax * 0.4, ay * 0.2),
                0,
                240,
                300,
                shadow,
                max(1, lw // 2),
                aa,
            )


def person_sprite(
    face: Face, w: int, h: int, margin: int = 0, outfit: int | None = None
) -> tuple[_U8, _F32]:
    """The person of :func:`_paint_person` framed as in a w x h photo, on a canvas ``margin``
    wider on each side (the shoulders go on past a photo's edges), with its coverage (0..1):
    painted once on black and once on white, the two give colour and anti-aliased edges."""
    cw = w + 2 * margin
    on_black = np.zeros((h, cw, 3), np.uint8)
    on_white = np.full((h, cw, 3), 255, np.uint8)
    _paint_person(on_black, face, margin, 0, w, h, outfit)
    _paint_person(on_white, face, margin, 0, w, h, outfit)
    diff = on_white.astype(np.float32) - on_black.astype(np.float32)
    alpha = np.clip(1.0 - diff.mean(axis=2) / 255.0, 0.0, 1.0).astype(np.float32)
    safe = np.maximum(alpha, 1e-3)[..., None]
    colour = np.clip(on_black.astype(np.float32) / safe, 0, 255).astype(np.uint8)
    return colour, alpha


def _face_photo(face: Face, w: int, h: int, rng: np.random.Generator) -> _U8:
    """The ID photo: ``face`` on a pale backdrop, softened as a printed photo is."""
    bg = np.array(
        [int(rng.integers(232, 246)), int(rng.integers(236, 248)), int(rng.integers(240, 252))],
        dtype=np.uint8,
    )
    img = np.empty((h, w, 3), dtype=np.uint8)
    img[:] = bg
    _paint_person(img, face, 0, 0, w, h)
    soft = cv2.GaussianBlur(img, (0, 0), max(0.8, w / 240.0))
    return np.asarray(soft, dtype=np.uint8)


def _guilloche(img: _U8, rng: np.random.Generator, s: float) -> None:
    """Fine pale interference lines like the printed security background of the card."""
    h, w = img.shape[:2]
    xs = np.linspace(0, w, max(200, w // 3))
    colors: tuple[_RGB, ...] = ((200, 214, 226), (226, 206, 204), (206, 222, 206))
    for k in range(34):
        amp = h * float(rng.uniform(0.03, 0.09))
        freq = float(rng.uniform(1.2, 3.2)) * 2 * math.pi / w
        phase = float(rng.uniform(0, 2 * math.pi))
        base = h * (k + 0.5) / 34
        ys = base + amp * np.sin(xs * freq + phase) + amp * 0.35 * np.sin(xs * freq * 2.7)
        pts = np.stack([xs, ys], axis=1).round().astype(np.int32)
        cv2.polylines(img, [pts], False, colors[k % 3], max(1, round(s)), cv2.LINE_AA)
    # faint rosette in the lower left
    cx, cy, r = w * 0.2, h * 0.7, h * 0.22
    for k in range(24):
        a = k * math.pi / 12
        cv2.ellipse(
            img,
            _pt(cx, cy),
            _pt(r, r * 0.35),
            math.degrees(a),
            0,
            360,
            (214, 222, 232),
            max(1, round(s)),
            cv2.LINE_AA,
        )


def _wrap(text: str, size: int, max_width: float) -> list[str]:
    """Greedy wrap between characters (Chinese has no spaces to break at), but never inside a
    house number: a run of digits stays on one line with the 号/栋/室 that follows it."""
    units: list[str] = []
    for ch in text:
        joins = units and (
            (ch.isdigit() and units[-1][-1].isdigit())
            or (ch in "号栋幢室楼单元弄" and units[-1][-1].isdigit())
        )
        if joins:
            units[-1] += ch
        else:
            units.append(ch)
    lines: list[str] = []
    cur = ""
    for unit in units:
        if cur and _text_width(cur + unit, size) > max_width:
            lines.append(cur)
            cur = unit
        else:
            cur += unit
    if cur:
        lines.append(cur)
    return lines or [""]


def _dotted(date_text: str) -> str:
    return date_text if date_text == "长期" else date_text.replace("-", ".")


def id_card_fields(spec: IdCardSpec) -> dict[str, str]:
    """What :func:`render_id_card` prints, as the teller system reports it (without drawing)."""
    return {
        "name": spec.name,
        "sex": spec.sex,
        "ethnicity": spec.ethnicity,
        "birth": spec.birth,
        "address": spec.address,
        "id_number": spec.id_number,
        "issuer": spec.issuer,
        "valid_from": spec.valid_from,
        "valid_to": spec.valid_to,
        "validity": f"{_dotted(spec.valid_from)}-{_dotted(spec.valid_to)}",
    }


def render_id_card(spec: IdCardSpec, *, width: int = 1012) -> RenderedEvidence:
    """Front of a PRC resident ID card (85.6 x 54 mm aspect) as JPEG.

    Pale guilloche background with rounded corners, labels 姓名 性别 民族 出生 住址 公民身份号码 in
    the card's blue with black values, a synthetic face-like photo on the right (seeded skin
    tone, hair and clothes), plus 签发机关 and 有效期限 lines (those are on the back of a real
    card; putting them on the front keeps the evidence to one image).

    Region keys: ``photo``, ``name``, ``sex``, ``birth``, ``address``, ``issuer``, ``validity``,
    ``id_number``.
    """
    if width < 300:
        raise ValueError(f"width too small for a legible ID card: {width}")
    birth = _parse_date(spec.birth, "birth")
    _parse_date(spec.valid_from, "valid_from")
    if spec.valid_to != "长期":
        _parse_date(spec.valid_to, "valid_to")
    rng = np.random.default_rng([spec.seed, 0x1DCA])
    s = width / 1012.0
    height = round(width * 54.0 / 85.6)

    def S(v: float) -> int:
        return round(v * s)

    base: _RGB = (
        int(rng.integers(236, 244)),
        int(rng.integers(238, 246)),
        int(rng.integers(236, 244)),
    )
    img = _paper(rng, height, width, base)
    _guilloche(img, rng, s)
    # Soft warm glow toward the lower right, as on the printed card.
    glow = _smooth_field(rng, height, width, 3, 0.0, 1.0)
    img[..., 2] = np.clip(img[..., 2].astype(np.float32) - 8.0 * glow, 0, 255).astype(np.uint8)

    # photo
    px0, py0, pw, ph = S(640), S(66), S(290), S(370)
    face = spec.face or Face.of_id(spec.id_number, _parse_date(spec.valid_from, "valid_from"))
    photo = _face_photo(face, pw, ph, rng)
    img[py0 : py0 + ph, px0 : px0 + pw] = photo
    boxes: dict[str, _Box] = {"photo": (px0, py0, px0 + pw, py0 + ph)}

    cv = _Canvas(img)
    label_ink: _RGB = (58, 108, 168)
    val_ink: _RGB = (22, 22, 26)
    lab, val = S(27), S(33)
    lx, vx = S(64), S(160)

    y = S(108)
    boxes["name"] = cv.text(vx, y, spec.name, S(36), val_ink, tracking=S(4))
    cv.text(lx, y, "姓  名", lab, label_ink)
    y = S(178)
    cv.text(lx, y, "性  别", lab, label_ink)
    boxes["sex"] = cv.text(vx, y, spec.sex, val, val_ink)
    cv.text(S(300), y, "民  族", lab, label_ink)
    eth_box = cv.text(S(394), y, spec.ethnicity, val, val_ink)
    boxes["sex"] = _union([boxes["sex"], eth_box])
    y = S(248)
    cv.text(lx, y, "出  生", lab, label_ink)
    parts = [
        (str(birth.year), val_ink, val, S(92)),
        ("年", label_ink, lab, S(50)),
        (str(birth.month), val_ink, val, S(50)),
        ("月", label_ink, lab, S(50)),
        (str(birth.day), val_ink, val, S(50)),
        ("日", label_ink, lab, S(40)),
    ]
    bx = float(vx)
    bboxes: list[_Box] = []
    for text, color, size, adv in parts:
        bboxes.append(cv.text(bx, y, text, size, color))
        bx += max(adv, _text_width(text, size) + S(12))
    boxes["birth"] = _union(bboxes)

    y = S(318)
    cv.text(lx, y, "住  址", lab, label_ink)
    # Real cards wrap the address at about 11 characters over up to 3 lines; a longer address
    # is set smaller rather than running into the photo.
    addr_w = px0 - vx - S(24)
    asz = val
    addr_lines = _wrap(spec.address, asz, addr_w)
    while len(addr_lines) > 3 and asz > S(20):
        asz -= 1
        addr_lines = _wrap(spec.address, asz, addr_w)
    line_h = round(asz * 1.4)
    abox: list[_Box] = []
    for i, line in enumerate(addr_lines):
        abox.append(cv.text(vx, y + i * line_h, line, asz, val_ink))
    boxes["address"] = _union(abox)

    y = S(318) + max(3 * S(46), len(addr_lines) * line_h) + S(10)
    small_lab, small_val = S(23), S(27)
    cv.text(lx, y, "签发机关", small_lab, label_ink)
    isz = _fit_size(spec.issuer, width - S(180) - S(40), small_val)
    boxes["issuer"] = cv.text(S(180), y, spec.issuer, isz, val_ink)
    y += S(42)
    validity = f"{_dotted(spec.valid_from)}-{_dotted(spec.valid_to)}"
    cv.text(lx, y, "有效期限", small_lab, label_ink)
    boxes["validity"] = cv.text(S(180), y, validity, small_val, val_ink)

    y = S(590)
    cv.text(lx, y, "公民身份号码", lab, label_ink)
    idsz = _fit_size(spec.id_number, width - S(330) - S(60), S(40))
    boxes["id_number"] = cv.text(S(330), y, spec.id_number, idsz, val_ink, tracking=S(5))
    cv.flush_text()
    img = cv.img

    # Rounded corners against the scanner lid, with a faint edge shadow.
    mask = np.zeros((height, width), dtype=np.uint8)
    r = S(40)
    inset = S(3)
    cv2.rectangle(mask, _pt(inset + r, inset), _pt(width - inset - r, height - inset), 255, -1)
    cv2.rectangle(mask, _pt(inset, inset + r), _pt(width - inset, height - inset - r), 255, -1)
    for cx, cy in (
        (inset + r, inset + r),
        (width - inset - r, inset + r),
        (inset + r, height - inset - r),
        (width - inset - r, height - inset - r),
    ):
        cv2.circle(mask, _pt(cx, cy), r, 255, -1, cv2.LINE_AA)
    a = (np.asarray(cv2.GaussianBlur(mask, (5, 5), 1.2), dtype=np.float32) / 255.0)[..., None]
    backdrop = np.array([226, 226, 224], dtype=np.float32)
    img = np.clip(img.astype(np.float32) * a + backdrop * (1.0 - a) * 0.97, 0, 255).astype(np.uint8)

    out, m = _scan(img, rng, 0.4)
    fields = id_card_fields(spec)
    return RenderedEvidence(
        data=_encode(out),
        width=width,
        height=height,
        mime="image/jpeg",
        regions=_normalize_regions(boxes, m, width, height),
        fields=fields,
    )
