"""Marks on paper: the red seal (印章) and the handwritten signature stroke."""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from sim.render.common import F32, F64, U8, Box, Rgb, pad, smooth_field, text_mask


def _star_points(cx: float, cy: float, r_out: float, rot_deg: float) -> npt.NDArray[np.int32]:
    pts: list[tuple[float, float]] = []
    r_in = r_out * 0.382
    for k in range(10):
        r = r_out if k % 2 == 0 else r_in
        a = math.radians(rot_deg + k * 36.0)
        pts.append((cx + r * math.sin(a), cy - r * math.cos(a)))
    return np.round(np.array(pts)).astype(np.int32)


@functools.lru_cache(maxsize=8)
def _polar_angle(d: int) -> F32:
    """Angle of every pixel of a d x d square around its centre (read-only, cached)."""
    c = d / 2.0
    ys, xs = np.mgrid[0:d, 0:d].astype(np.float32)
    ang = np.asarray(np.arctan2(ys - c, xs - c), dtype=np.float32)
    ang.setflags(write=False)
    return ang


def seal_alpha(outlet: str, diameter: int, rng: np.random.Generator) -> F32:
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
        glyph, _, _ = text_mask(ch, size, "mm", 1)
        glyph = glyph.rotate(-math.degrees(theta), resample=Image.Resampling.BILINEAR, expand=True)
        gx = c + r_text * math.sin(theta) - glyph.width / 2
        gy = c - r_text * math.cos(theta) - glyph.height / 2
        img.paste(glyph, (round(gx), round(gy)), glyph)

    lsize = max(8, round(d * 0.095))
    lab, _, _ = text_mask("业务专用章", lsize, "mm", 1)
    lab = lab.rotate(-rot, resample=Image.Resampling.BILINEAR, expand=True)
    lx = c + d * 0.3 * math.sin(math.radians(rot + 180))
    ly = c - d * 0.3 * math.cos(math.radians(rot + 180))
    img.paste(lab, (round(lx - lab.width / 2), round(ly - lab.height / 2)), lab)

    alpha = np.asarray(img, dtype=np.float32) * np.float32(1.0 / 255.0)
    # Uneven inking: slow density variation, a lighter side, and speckled dropouts.
    density = smooth_field(rng, d, d, 5, 0.6, 1.05)
    side = np.float32(rng.uniform(0.0, 2 * math.pi))
    fade = np.float32(0.84) + np.float32(0.16) * np.cos(_polar_angle(d) - side)
    speck = (rng.random((d, d), dtype=np.float32) > 0.09).astype(np.float32)
    alpha = alpha * density * fade * speck
    alpha = np.asarray(cv2.GaussianBlur(alpha, (3, 3), 0.8), dtype=np.float32)
    return np.asarray(np.clip(alpha * np.float32(0.95), 0.0, 1.0), dtype=np.float32)


def stamp(img: U8, alpha: F32, x0: int, y0: int, ink: Rgb) -> Box:
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


def _smooth_noise(rng: np.random.Generator, n: int, knots: int, amp: float) -> F64:
    """A smooth random 1-D wobble of ``n`` samples (eased interpolation of ``knots`` values)."""
    vals = rng.normal(0.0, amp, knots + 1)
    t = np.linspace(0.0, knots, n)
    i = np.minimum(t.astype(np.int64), knots - 1)
    f = t - i
    f = f * f * (3.0 - 2.0 * f)
    return np.asarray(vals[i] * (1.0 - f) + vals[i + 1] * f, dtype=np.float64)


def _draw_pen(img: U8, pts: F64, widths: F64, ink: Rgb) -> None:
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


def draw_signature(img: U8, box: Box, rng: np.random.Generator, scale: float) -> Box:
    """Draw a fluent, seeded running-script pen signature inside ``box``; returns its bbox."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    ink: Rgb = (
        int(rng.integers(18, 40)),
        int(rng.integers(30, 55)),
        int(rng.integers(105, 150)),
    )
    n_glyphs = int(rng.integers(2, 4))
    gw = w * float(rng.uniform(0.6, 0.75)) / n_glyphs
    gx = x0 + w * float(rng.uniform(0.05, 0.14))
    mid = y0 + h * float(rng.uniform(0.45, 0.55))
    slant = float(rng.uniform(0.15, 0.35))  # forward lean: x shifts with height
    strokes: list[F64] = []
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
    return pad(
        (
            float(allp[:, 0].min()),
            float(allp[:, 1].min()),
            float(allp[:, 0].max()),
            float(allp[:, 1].max()),
        ),
        4 * scale,
    )
