"""Decoding for display: real JPEGs, corrupt and oversized input."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest

from clientsvc.imaging import decode_for_display, fit_within, image_size
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


def test_a_real_jpeg_decodes_to_bgra_with_its_colours() -> None:
    image = np.zeros((480, 640, 3), np.uint8)
    image[:, :320] = (255, 0, 0)  # blue on the left (OpenCV is BGR), red on the right
    image[:, 320:] = (0, 0, 255)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 95])
    assert ok and image_size(bytes(data)) == (640, 480)
    decoded = decode_for_display(bytes(data))
    assert decoded.pixels.shape == (480, 640, 4) and decoded.reduction == 1
    b, _g, r, a = (int(v) for v in decoded.pixels[240, 100])
    assert b > 200 and r < 50 and a == 255  # Qt's RGB32 byte order: B, G, R, 255
    b, _g, r, a = (int(v) for v in decoded.pixels[240, 500])
    assert r > 200 and b < 50


def test_a_large_scan_is_reduced_at_decode_time() -> None:
    data = _jpeg(2480, 3508)  # A4 at 300 dpi
    half = decode_for_display(data, max_side=1000)  # never below max_side
    assert half.pixels.shape[:2] == (1754, 1240) and half.reduction == 2
    assert (half.width, half.height) == (2480, 3508)
    quarter = decode_for_display(data, max_side=800)
    assert quarter.pixels.shape[:2] == (877, 620) and quarter.reduction == 4


def test_fitting_keeps_the_aspect_and_never_enlarges() -> None:
    pixels = np.zeros((3508, 2480, 4), np.uint8)
    assert fit_within(pixels, 800, 600).shape == (600, 424, 4)
    assert fit_within(pixels, 5000, 5000) is pixels


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
