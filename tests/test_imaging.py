"""Decoding for display: real JPEGs, corrupt and oversized input."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest

from clientsvc.imaging import decode_for_display, image_size
from clientsvc.protocol.errors import ErrorCode, ProtocolError


def _jpeg(width: int, height: int) -> bytes:
    image = np.random.default_rng(1).integers(0, 255, (height, width, 3), dtype=np.uint8)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok
    return bytes(data)


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


def test_a_real_jpeg_decodes_to_rgb() -> None:
    data = _jpeg(640, 480)
    assert image_size(data) == (640, 480)
    assert decode_for_display(data).shape == (480, 640, 3)


def test_a_large_scan_is_reduced_at_decode_time() -> None:
    data = _jpeg(2480, 3508)  # A4 at 300 dpi
    assert decode_for_display(data, max_side=1000).shape == (1754, 1240, 3)  # never below max_side
    assert decode_for_display(data, max_side=800).shape == (877, 620, 3)


@pytest.mark.parametrize(
    "data", [b"", b"garbage", b"\xff\xd8\xff\xe0 truncated jpeg", _png_header(10, 10)]
)
def test_corrupt_images_are_refused(data: bytes) -> None:
    with pytest.raises(ProtocolError) as info:
        decode_for_display(data)
    assert info.value.code is ErrorCode.MALFORMED


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    with pytest.raises(ProtocolError) as info:
        decode_for_display(_png_header(30_000, 30_000) + b"\x00" * 100)
    assert info.value.code is ErrorCode.TOO_LARGE


def test_too_many_bytes_are_refused() -> None:
    with pytest.raises(ProtocolError) as info:
        decode_for_display(b"\xff\xd8" + b"\x00" * (17 * 1024 * 1024))
    assert info.value.code is ErrorCode.TOO_LARGE
