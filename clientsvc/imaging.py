"""Evidence images for display (OpenCV), decoded off the GUI thread, with hard limits.

Pixels are BGRA, H×W×4 uint8 (the byte order of Qt's ``Format_RGB32`` on a little-endian
machine, so the UI wraps them without converting), or BGR, H×W×3, as the decoder gives them
(Qt's ``Format_BGR888``), where converting a whole large scan would cost more than it saves.
Every function here releases the GIL while OpenCV works, so running them on a thread pool never
holds up the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from clientsvc.imagecheck import (
    MAX_PIXELS,
    ImageInfo,
    check_image,
    check_inflate,
    image_format,
    image_size,
)
from clientsvc.protocol.errors import ErrorCode, ProtocolError

__all__ = [
    "MAX_PIXELS",
    "ImageInfo",
    "check_image",
    "decode",
    "decode_for_display",
    "image_format",
    "image_size",
]

REDUCTIONS = {
    2: cv2.IMREAD_REDUCED_COLOR_2,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    8: cv2.IMREAD_REDUCED_COLOR_8,
}
# EXIF orientation → how the stored pixels become the displayed ones (None: as stored)
_ORIENT: dict[int, tuple[int | None, int | None]] = {
    2: (None, 1),  # (cv2.rotate code, then cv2.flip code)
    3: (cv2.ROTATE_180, None),
    4: (None, 0),
    5: (cv2.ROTATE_90_CLOCKWISE, 1),
    6: (cv2.ROTATE_90_CLOCKWISE, None),
    7: (cv2.ROTATE_90_COUNTERCLOCKWISE, 1),
    8: (cv2.ROTATE_90_COUNTERCLOCKWISE, None),
}
BLANK_RANGE = 6
"""An image whose darkest and lightest pixels (in grey, on a small copy) differ by no more than
this is a flat field: blank paper, or a decoder's grey fill for data that is not there."""

Pixels = np.ndarray[Any, Any]


@dataclass(frozen=True)
class Decoded:
    """An image decoded for display. ``width`` and ``height`` are the image's own size; the
    pixels are smaller by ``reduction`` when it was reduced at decode time."""

    pixels: Pixels
    width: int
    height: int

    @property
    def reduction(self) -> int:
        """1, 2, 4 or 8: how much smaller the pixels are than the image."""
        return max(1, round(self.width / int(self.pixels.shape[1])))


def decode(
    data: bytes,
    reduction: int = 1,
    *,
    bgra: bool = True,
    max_pixels: int = MAX_PIXELS,
    info: ImageInfo | None = None,
    refuse_blank: bool = True,
) -> Decoded:
    """Decode to BGRA (or to BGR with ``bgra=False``), optionally reduced at decode time
    (``IMREAD_REDUCED_COLOR_*``: the JPEG decoder skips the work, a quarter-size A4 decodes in
    a third of the time), turned the way its EXIF orientation says, once, here: every viewer,
    thumbnail and reading gets the same pixels.

    Nothing is allocated before the headers are checked (``check_image``, with ``max_pixels``)
    and, for a PNG, its data inflated within its size (``check_inflate``). What the decoder
    gives must be the size the headers declared; an image that decodes to a flat field is
    refused (``E_IMAGE_BLANK``) unless ``refuse_blank`` is False (a video frame of a covered
    lens is what the camera sees)."""
    if info is None:
        info = check_image(data, max_pixels)
    check_inflate(data, info)
    flag = REDUCTIONS.get(reduction, cv2.IMREAD_COLOR) | cv2.IMREAD_IGNORE_ORIENTATION
    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    except cv2.error as exc:
        raise ProtocolError(ErrorCode.IMAGE_TOO_LARGE, f"the decoder refused it: {exc}") from exc
    if image is None:
        raise ProtocolError(ErrorCode.IMAGE_CORRUPT, "the image data cannot be decoded")
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    stored_w, stored_h = info.stored_size
    got_h, got_w = image.shape[:2]
    factor = reduction if reduction in REDUCTIONS else 1
    # reduced: a JPEG rounds up, a PNG (resized by OpenCV) down
    if abs(got_w - stored_w / factor) >= 1 or abs(got_h - stored_h / factor) >= 1:
        raise ProtocolError(
            ErrorCode.IMAGE_CORRUPT,
            f"decoded {got_w}×{got_h}, not the {stored_w}×{stored_h} its header declares",
        )
    image = orient(image, info.orientation)
    if refuse_blank and is_blank(image):
        raise ProtocolError(
            ErrorCode.IMAGE_BLANK, "the image decodes to a flat field: nothing is on it"
        )
    return Decoded(
        cv2.cvtColor(image, cv2.COLOR_BGR2BGRA) if bgra else image, info.width, info.height
    )


def orient(pixels: Pixels, orientation: int) -> Pixels:
    """The stored pixels turned and mirrored as EXIF ``orientation`` (1 to 8) says."""
    rotate, flip = _ORIENT.get(orientation, (None, None))
    if rotate is not None:
        pixels = cv2.rotate(pixels, rotate)
    if flip is not None:
        pixels = cv2.flip(pixels, flip)
    return pixels


def is_blank(pixels: Pixels) -> bool:
    """True when the image is one flat colour (within ``BLANK_RANGE``), judged on a copy of
    at most about 256 pixels on the long side: blank paper, or a decoder's fill."""
    small = pixels
    while max(small.shape[:2]) > 512 and min(small.shape[:2]) >= 4:
        small = halve(small)
    grey = small if small.ndim == 2 else cv2.cvtColor(small[..., :3], cv2.COLOR_BGR2GRAY)
    low, high, _lp, _hp = cv2.minMaxLoc(grey)
    return bool(high - low <= BLANK_RANGE)


def to_bgra(pixels: Pixels) -> Pixels:
    return pixels if pixels.shape[2] == 4 else cv2.cvtColor(pixels, cv2.COLOR_BGR2BGRA)


def preview_reduction(size: tuple[int, int], side: int) -> int:
    """The largest decode-time reduction that still leaves ``side`` pixels on the long side;
    1 when the image is small enough that a preview would not be faster than the whole."""
    longest = max(size)
    for reduction in (8, 4, 2):
        if longest // reduction >= side:
            return reduction
    return 1


def decode_for_display(data: bytes, max_side: int = 2000) -> Decoded:
    """One decode, reduced when the image is much larger than ``max_side`` (never below it)."""
    info = check_image(data)
    return decode(data, preview_reduction((info.width, info.height), max_side), info=info)


def halve(pixels: Pixels) -> Pixels:
    """Exactly half the size by area averaging (OpenCV's fast 2:1 path; an odd last row or
    column is dropped)."""
    if min(pixels.shape[:2]) < 2:
        return pixels  # nothing left to halve on one side (a strip is refused before this)
    even = pixels[: pixels.shape[0] // 2 * 2, : pixels.shape[1] // 2 * 2]
    return cv2.resize(even, (even.shape[1] // 2, even.shape[0] // 2), interpolation=cv2.INTER_AREA)


def halvings(pixels: Pixels, min_side: int = 320) -> list[Pixels]:
    """The pixels and their successive halvings, down to ``min_side`` on the long side: the
    levels a view picks from so that it never shrinks an image by more than 2 when painting."""
    levels = [pixels]
    while max(levels[-1].shape[:2]) // 2 >= min_side:
        levels.append(halve(levels[-1]))
    return levels


def fit_within(pixels: Pixels, width: int, height: int) -> Pixels:
    """The pixels scaled down (never up) to fit ``width`` × ``height``, aspect kept.

    Exact halvings first (small text stays legible), then one bilinear step for what is left
    (a factor between 1/2 and 1). A general ``INTER_AREA`` resize costs 10-30× as much.
    """
    h, w = pixels.shape[:2]
    scale = min(width / w, height / h, 1.0)
    if scale >= 1.0:
        return pixels
    target = (max(1, round(w * scale)), max(1, round(h * scale)))
    while pixels.shape[1] >= 2 * target[0] and pixels.shape[0] >= 2 * target[1]:
        pixels = halve(pixels)
    if (pixels.shape[1], pixels.shape[0]) == target:
        return pixels
    return cv2.resize(pixels, target, interpolation=cv2.INTER_LINEAR)


@dataclass(frozen=True)
class Adjustment:
    """Display-only corrections: never applied to stored or signed images."""

    brightness: int = 0  # added to every channel, −100…100
    contrast: int = 0  # percent, −50…100: pixels are scaled by 1 + contrast/100 around grey
    sharpen: bool = False

    def is_identity(self) -> bool:
        return self == Adjustment()


def adjust(pixels: Pixels, how: Adjustment) -> Pixels:
    if how.is_identity():
        return pixels
    out = pixels
    if how.brightness or how.contrast:
        alpha = 1.0 + how.contrast / 100.0
        beta = how.brightness + 128.0 * (1.0 - alpha)  # contrast pivots around mid grey
        out = cv2.convertScaleAbs(out, alpha=alpha, beta=beta)
    if how.sharpen:  # unsharp mask
        blurred = cv2.GaussianBlur(out, (0, 0), 1.5)
        out = cv2.addWeighted(out, 1.8, blurred, -0.8, 0)
    if out.shape[2] == 4:
        out[..., 3] = 255
    return out
