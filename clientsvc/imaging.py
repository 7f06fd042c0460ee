"""Decoding evidence images for display (OpenCV), off the GUI thread, with hard limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import MAX_IMAGE_BYTES

MAX_PIXELS = 60_000_000


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
            if marker in (
                0xC0,
                0xC1,
                0xC2,
                0xC3,
                0xC5,
                0xC6,
                0xC7,
                0xC9,
                0xCA,
                0xCB,
                0xCD,
                0xCE,
                0xCF,
            ):
                return int.from_bytes(data[i + 7 : i + 9], "big"), int.from_bytes(
                    data[i + 5 : i + 7], "big"
                )
            i += 2 + length
    return None


@dataclass(frozen=True)
class Decoded:
    """An image decoded for display.

    ``pixels`` are BGRA, H×W×4 uint8: the byte order of Qt's ``Format_RGB32`` on a
    little-endian machine, so the UI wraps them without converting. ``width`` and ``height``
    are the image's own size; the pixels are smaller when it was reduced at decode time.
    """

    pixels: np.ndarray[Any, Any]
    width: int
    height: int

    @property
    def reduction(self) -> int:
        """1, 2, 4 or 8: how much smaller the pixels are than the image."""
        return max(1, round(self.width / int(self.pixels.shape[1])))


def decode_for_display(data: bytes, max_side: int = 2000) -> Decoded:
    """Decode, reduced at decode time (``IMREAD_REDUCED_COLOR_*``) when the image is much larger
    than ``max_side``, never below it.

    Raises ProtocolError(E_MALFORMED / E_TOO_LARGE) for what cannot or must not be decoded.
    """
    if not data:
        raise ProtocolError(ErrorCode.MALFORMED, "empty image")
    if len(data) > MAX_IMAGE_BYTES:
        raise ProtocolError(ErrorCode.TOO_LARGE, f"image is {len(data)} bytes")
    size = image_size(data)
    if size is not None and size[0] * size[1] > MAX_PIXELS:
        raise ProtocolError(ErrorCode.TOO_LARGE, f"image is {size[0]}×{size[1]} pixels")
    flag = cv2.IMREAD_COLOR
    if size is not None:
        longest = max(size)
        if longest >= max_side * 4:
            flag = cv2.IMREAD_REDUCED_COLOR_4
        elif longest >= max_side * 2:
            flag = cv2.IMREAD_REDUCED_COLOR_2
    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    except cv2.error as exc:
        raise ProtocolError(ErrorCode.TOO_LARGE, f"decoder refused the image: {exc}") from exc
    if image is None:
        raise ProtocolError(ErrorCode.MALFORMED, "not a decodable image")
    height, width = image.shape[:2]
    if size is not None:
        width, height = size
    return Decoded(cv2.cvtColor(image, cv2.COLOR_BGR2BGRA), width, height)


def fit_within(pixels: np.ndarray[Any, Any], width: int, height: int) -> np.ndarray[Any, Any]:
    """The pixels scaled down (never up) to fit ``width`` × ``height``, aspect kept.

    Halvings by area averaging first (OpenCV's fast exact-factor path: small text stays
    legible), then one bilinear step for what is left (a factor between 1/2 and 1). A general
    ``INTER_AREA`` resize costs 10-30× as much. OpenCV releases the GIL meanwhile, so a resize
    on the pool never holds up the GUI thread.
    """
    h, w = pixels.shape[:2]
    scale = min(width / w, height / h, 1.0)
    if scale >= 1.0:
        return pixels
    target = (max(1, round(w * scale)), max(1, round(h * scale)))
    while pixels.shape[1] >= 2 * target[0] and pixels.shape[0] >= 2 * target[1]:
        even = pixels[: pixels.shape[0] // 2 * 2, : pixels.shape[1] // 2 * 2]  # exactly 2:1
        half = (even.shape[1] // 2, even.shape[0] // 2)
        pixels = cv2.resize(even, half, interpolation=cv2.INTER_AREA)
    if (pixels.shape[1], pixels.shape[0]) == target:
        return pixels
    return cv2.resize(pixels, target, interpolation=cv2.INTER_LINEAR)
