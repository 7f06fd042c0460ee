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

from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import MAX_IMAGE_BYTES

# OpenCV's own limit (OPENCV_IO_MAX_IMAGE_PIXELS) is set in clientsvc/__init__.py to the same.
MAX_PIXELS = 60_000_000
REDUCTIONS = {
    2: cv2.IMREAD_REDUCED_COLOR_2,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    8: cv2.IMREAD_REDUCED_COLOR_8,
}
_SOF_MARKERS = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)

Pixels = np.ndarray[Any, Any]


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the JPEG/PNG header without decoding, or None if unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if marker in _SOF_MARKERS:
                height = int.from_bytes(data[i + 5 : i + 7], "big")
                width = int.from_bytes(data[i + 7 : i + 9], "big")
                return width, height
            i += 2 + length
    return None


def image_format(data: bytes) -> str | None:
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    return None


def check_image(data: bytes) -> tuple[int, int]:
    """The image's (width, height), or the reason it must not be decoded.

    Refused before any pixel is decoded: nothing, another format than JPEG / PNG, a file cut
    short (no JPEG EOI / PNG IEND at the end: OpenCV would paint the missing part grey),
    too many bytes, too many pixels (a decompression bomb), an unreadable header.
    """
    if not data:
        raise ProtocolError(ErrorCode.IMAGE_EMPTY, "the image has no bytes")
    if len(data) > MAX_IMAGE_BYTES:
        raise ProtocolError(ErrorCode.IMAGE_TOO_LARGE, f"the image is {len(data)} bytes")
    kind = image_format(data)
    if kind is None:
        raise ProtocolError(ErrorCode.IMAGE_FORMAT, f"not JPEG or PNG (starts {data[:4].hex()})")
    tail = data.rstrip(b"\x00")
    if (kind == "jpeg" and not tail.endswith(b"\xff\xd9")) or (
        kind == "png" and b"IEND" not in data[-16:]
    ):
        raise ProtocolError(ErrorCode.IMAGE_TRUNCATED, f"the {kind} file is cut short")
    size = image_size(data)
    if size is None or size[0] <= 0 or size[1] <= 0:
        raise ProtocolError(ErrorCode.IMAGE_CORRUPT, f"the {kind} header cannot be read")
    if size[0] * size[1] > MAX_PIXELS:
        raise ProtocolError(ErrorCode.IMAGE_TOO_LARGE, f"{size[0]}×{size[1]} pixels")
    return size


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


def decode(data: bytes, reduction: int = 1, *, bgra: bool = True) -> Decoded:
    """Decode to BGRA (or to BGR with ``bgra=False``), optionally reduced at decode time
    (``IMREAD_REDUCED_COLOR_*``: the JPEG decoder skips the work, a quarter-size A4 decodes in
    a third of the time)."""
    width, height = check_image(data)
    flag = REDUCTIONS.get(reduction, cv2.IMREAD_COLOR)
    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    except cv2.error as exc:
        raise ProtocolError(ErrorCode.IMAGE_TOO_LARGE, f"the decoder refused it: {exc}") from exc
    if image is None:
        raise ProtocolError(ErrorCode.IMAGE_CORRUPT, "the image data cannot be decoded")
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return Decoded(cv2.cvtColor(image, cv2.COLOR_BGR2BGRA) if bgra else image, width, height)


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
    return decode(data, preview_reduction(check_image(data), max_side))


def halve(pixels: Pixels) -> Pixels:
    """Exactly half the size by area averaging (OpenCV's fast 2:1 path; an odd last row or
    column is dropped)."""
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
