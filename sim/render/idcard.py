"""The front and back of a PRC resident ID card (居民身份证)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from sim.render.common import (
    U8,
    Box,
    Canvas,
    IdCardSpec,
    RenderedEvidence,
    Rgb,
    as_scanned,
    blank_paper,
    encode,
    fit_size,
    normalize_regions,
    pt,
    smooth_field,
    text_width,
    union,
)
from sim.render.person import Face, face_photo
from sim.render.voucher import parse_date


def _guilloche(img: U8, rng: np.random.Generator, s: float) -> None:
    """Fine pale interference lines like the printed security background of the card."""
    h, w = img.shape[:2]
    xs = np.linspace(0, w, max(200, w // 3))
    colors: tuple[Rgb, ...] = ((200, 214, 226), (226, 206, 204), (206, 222, 206))
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
            pt(cx, cy),
            pt(r, r * 0.35),
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
        if cur and text_width(cur + unit, size) > max_width:
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
    birth = parse_date(spec.birth, "birth")
    parse_date(spec.valid_from, "valid_from")
    if spec.valid_to != "长期":
        parse_date(spec.valid_to, "valid_to")
    rng = np.random.default_rng([spec.seed, 0x1DCA])
    s = width / 1012.0
    height = round(width * 54.0 / 85.6)

    def S(v: float) -> int:
        return round(v * s)

    base: Rgb = (
        int(rng.integers(236, 244)),
        int(rng.integers(238, 246)),
        int(rng.integers(236, 244)),
    )
    img = blank_paper(rng, height, width, base)
    _guilloche(img, rng, s)
    # Soft warm glow toward the lower right, as on the printed card.
    glow = smooth_field(rng, height, width, 3, 0.0, 1.0)
    img[..., 2] = np.clip(img[..., 2].astype(np.float32) - 8.0 * glow, 0, 255).astype(np.uint8)

    # photo
    px0, py0, pw, ph = S(640), S(66), S(290), S(370)
    face = spec.face or Face.of_id(spec.id_number, parse_date(spec.valid_from, "valid_from"))
    photo = face_photo(face, pw, ph, rng)
    img[py0 : py0 + ph, px0 : px0 + pw] = photo
    boxes: dict[str, Box] = {"photo": (px0, py0, px0 + pw, py0 + ph)}

    cv = Canvas(img)
    label_ink: Rgb = (58, 108, 168)
    val_ink: Rgb = (22, 22, 26)
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
    boxes["sex"] = union([boxes["sex"], eth_box])
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
    bboxes: list[Box] = []
    for text, color, size, adv in parts:
        bboxes.append(cv.text(bx, y, text, size, color))
        bx += max(adv, text_width(text, size) + S(12))
    boxes["birth"] = union(bboxes)

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
    abox: list[Box] = []
    for i, line in enumerate(addr_lines):
        abox.append(cv.text(vx, y + i * line_h, line, asz, val_ink))
    boxes["address"] = union(abox)

    y = S(318) + max(3 * S(46), len(addr_lines) * line_h) + S(10)
    small_lab, small_val = S(23), S(27)
    cv.text(lx, y, "签发机关", small_lab, label_ink)
    isz = fit_size(spec.issuer, width - S(180) - S(40), small_val)
    boxes["issuer"] = cv.text(S(180), y, spec.issuer, isz, val_ink)
    y += S(42)
    validity = f"{_dotted(spec.valid_from)}-{_dotted(spec.valid_to)}"
    cv.text(lx, y, "有效期限", small_lab, label_ink)
    boxes["validity"] = cv.text(S(180), y, validity, small_val, val_ink)

    y = S(590)
    cv.text(lx, y, "公民身份号码", lab, label_ink)
    idsz = fit_size(spec.id_number, width - S(330) - S(60), S(40))
    boxes["id_number"] = cv.text(S(330), y, spec.id_number, idsz, val_ink, tracking=S(5))
    cv.flush_text()
    img = cv.img

    # Rounded corners against the scanner lid, with a faint edge shadow.
    mask = np.zeros((height, width), dtype=np.uint8)
    r = S(40)
    inset = S(3)
    cv2.rectangle(mask, pt(inset + r, inset), pt(width - inset - r, height - inset), 255, -1)
    cv2.rectangle(mask, pt(inset, inset + r), pt(width - inset, height - inset - r), 255, -1)
    for cx, cy in (
        (inset + r, inset + r),
        (width - inset - r, inset + r),
        (inset + r, height - inset - r),
        (width - inset - r, height - inset - r),
    ):
        cv2.circle(mask, pt(cx, cy), r, 255, -1, cv2.LINE_AA)
    a = (np.asarray(cv2.GaussianBlur(mask, (5, 5), 1.2), dtype=np.float32) / 255.0)[..., None]
    backdrop = np.array([226, 226, 224], dtype=np.float32)
    img = np.clip(img.astype(np.float32) * a + backdrop * (1.0 - a) * 0.97, 0, 255).astype(np.uint8)

    out, m = as_scanned(img, rng, 0.4)
    fields = id_card_fields(spec)
    return RenderedEvidence(
        data=encode(out),
        width=width,
        height=height,
        mime="image/jpeg",
        regions=normalize_regions(boxes, m, width, height),
        fields=fields,
    )
