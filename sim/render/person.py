"""People: a customer's face (``Face``), drawn on the ID card's photo and at the counter
camera."""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass, replace

import cv2
import numpy as np

from clientsvc.idnumber import id_birth, id_sex
from sim.render.common import F32, U8, Rgb, pt

# --------------------------------------------------------------------------------------------
# ID card
# --------------------------------------------------------------------------------------------

_SKIN_TONES: tuple[Rgb, ...] = (
    (232, 196, 168),
    (222, 182, 150),
    (208, 166, 132),
    (238, 206, 182),
    (198, 152, 118),
)
_CLOTHES: dict[str, tuple[Rgb, ...]] = {
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

    skin: Rgb
    skin_k: float
    hair_value: int
    hair_style: str  # crop, side, buzz (men); long, bob, bun (women)
    side: int  # the fringe's side, -1 or 1
    width: float  # the face's half-width, as a share of the photo's width
    length: float  # its half-height, as a share of the photo's height
    cloth: Rgb
    glasses: bool
    brow: float
    receding: bool
    earrings: bool


def _mix(a: Rgb, b: Rgb, t: float) -> Rgb:
    return (
        round(a[0] * (1 - t) + b[0] * t),
        round(a[1] * (1 - t) + b[1] * t),
        round(a[2] * (1 - t) + b[2] * t),
    )


def _paint_person(
    img: U8, face: Face, x0: float, y0: float, w: float, h: float, outfit: int | None = None
) -> None:
    """A head and shoulders in the box (x0, y0, w, h) of an RGB image, drawn as the ID photo
    frames a person: the head a little above the middle, the shoulders at the bottom edge.
    ``outfit`` picks other clothes than the photo's (a person at the counter today)."""
    t = face.traits()
    if outfit is not None:
        clothes = _CLOTHES["女" if face.sex == "女" else "男"]
        t = replace(t, cloth=clothes[outfit % len(clothes)])
    tone, k = t.skin, t.skin_k
    skin: Rgb = (min(255, round(tone[0] * k)), min(255, round(tone[1] * k)), round(tone[2] * k))
    shadow: Rgb = (round(skin[0] * 0.8), round(skin[1] * 0.76), round(skin[2] * 0.74))
    hv = t.hair_value
    grey = min(0.8, max(0.0, (face.age - 50) / 32.0))  # greying from about fifty
    hair = _mix((hv + 8, hv + 3, hv), (168, 166, 164), grey)
    cloth, style, side = t.cloth, t.hair_style, t.side
    female = face.sex == "女"
    aa = cv2.LINE_AA

    def P(fx: float, fy: float) -> tuple[int, int]:
        return pt(x0 + fx, y0 + fy)

    def A(ax_: float, ay_: float) -> tuple[int, int]:
        return pt(max(1.0, ax_), max(1.0, ay_))

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
        frame_ink: Rgb = (40, 36, 34)
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
    lips: Rgb = (
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
) -> tuple[U8, F32]:
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


def face_photo(face: Face, w: int, h: int, rng: np.random.Generator) -> U8:
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
