"""Decoding evidence images for display (OpenCV), off the GUI thread, with hard limits."""

from __future__ import annotations

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


def decode_for_display(data: bytes, max_side: int = 2000) -> np.ndarray[Any, Any]:
    """RGB pixels, reduced at decode time when the image is much larger than ``max_side``.

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
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
