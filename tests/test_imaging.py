"""Decoding for display: real JPEGs, corrupt and oversized input."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest

from clientsvc.imaging import (
    Adjustment,
    adjust,
    decode,
    decode_for_display,
    fit_within,
    halvings,
    image_size,
    preview_reduction,
)
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


def _valid_jpeg() -> bytes:
    return _jpeg(320, 200)


def _corrupt_jpeg() -> bytes:
    """Right header and end marker, scrambled entropy-coded data in between."""
    data = bytearray(_valid_jpeg())
    start = data.index(b"\xff\xda") + 20  # start of scan
    rng = np.random.default_rng(7)
    data[start:-2] = rng.integers(0, 255, len(data) - 2 - start, dtype=np.uint8).tobytes()
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param(b"", ErrorCode.IMAGE_EMPTY, id="zero bytes"),
        pytest.param(
            b"GIF89a" + b"\x00" * 40, ErrorCode.IMAGE_FORMAT, id="unsupported format (GIF)"
        ),
        pytest.param(b"BM" + b"\x00" * 60, ErrorCode.IMAGE_FORMAT, id="unsupported format (BMP)"),
        pytest.param(b"garbage", ErrorCode.IMAGE_FORMAT, id="random bytes"),
        pytest.param(_valid_jpeg()[:-4000], ErrorCode.IMAGE_TRUNCATED, id="truncated JPEG"),
        pytest.param(_png_header(10, 10), ErrorCode.IMAGE_TRUNCATED, id="truncated PNG"),
        pytest.param(
            b"\xff\xd8\xff\xe0 no frame header \xff\xd9",
            ErrorCode.IMAGE_CORRUPT,
            id="JPEG without a frame header",
        ),
    ],
)
def test_bad_images_are_refused_with_their_reason(data: bytes, code: ErrorCode) -> None:
    with pytest.raises(ProtocolError) as info:
        decode(data)
    assert info.value.code is code


def test_a_corrupt_jpeg_is_refused_or_decodes_without_crashing() -> None:
    try:
        decoded = decode(_corrupt_jpeg())
    except ProtocolError as err:
        assert err.code is ErrorCode.IMAGE_CORRUPT
    else:  # libjpeg may recover a scrambled scan: then it is an image of the right size
        assert decoded.pixels.shape == (200, 320, 4)


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = _png_header(30_000, 30_000) + b"\x00" * 100 + b"IEND\xaeB`\x82"
    with pytest.raises(ProtocolError) as info:
        decode(bomb)
    assert info.value.code is ErrorCode.IMAGE_TOO_LARGE


def test_a_real_png_bomb_is_refused_by_its_header() -> None:
    """A real PNG of 30,000 × 30,000 (a few hundred KB compressed): refused from the header,
    never handed to the decoder."""
    ok, data = cv2.imencode(".png", np.zeros((1, 1, 3), np.uint8))
    assert ok
    png = bytearray(bytes(data))
    png[16:24] = (30_000).to_bytes(4, "big") * 2  # width and height in IHDR
    png[29:33] = zlib.crc32(bytes(png[12:29])).to_bytes(4, "big")  # a valid header
    with pytest.raises(ProtocolError) as info:
        decode(bytes(png))
    assert info.value.code is ErrorCode.IMAGE_TOO_LARGE


def test_too_many_bytes_are_refused() -> None:
    with pytest.raises(ProtocolError) as info:
        decode(b"\xff\xd8\xff" + b"\x00" * (17 * 1024 * 1024))
    assert info.value.code is ErrorCode.IMAGE_TOO_LARGE


def test_a_preview_is_a_decode_time_reduction_of_the_same_image() -> None:
    data = _jpeg(2480, 3508)
    assert preview_reduction((2480, 3508), 800) == 4
    assert preview_reduction((1654, 952), 800) == 2
    assert preview_reduction((1012, 638), 800) == 1
    preview = decode(data, 4)
    assert preview.pixels.shape[:2] == (877, 620) and preview.reduction == 4


def test_pyramid_levels_halve_down_to_the_minimum() -> None:
    levels = halvings(np.zeros((3508, 2480, 4), np.uint8), min_side=400)
    assert [lv.shape[:2] for lv in levels] == [(3508, 2480), (1754, 1240), (877, 620), (438, 310)]


def test_adjustments_change_pixels_for_display_only() -> None:
    pixels = np.full((10, 10, 4), 100, np.uint8)
    pixels[..., 3] = 255
    brighter = adjust(pixels, Adjustment(brightness=40))
    assert int(brighter[0, 0, 0]) == 140 and int(brighter[0, 0, 3]) == 255
    flatter = adjust(pixels, Adjustment(contrast=-50))
    assert 100 < int(flatter[0, 0, 0]) < 128  # pulled towards mid grey
    assert int(pixels[0, 0, 0]) == 100  # the source is untouched
    assert adjust(pixels, Adjustment()) is pixels
    edge = np.zeros((20, 20, 4), np.uint8)
    edge[:, 10:] = 200
    sharpened = adjust(edge, Adjustment(sharpen=True))
    assert int(sharpened[10, 10, 0]) > 200  # overshoot at the edge: sharper
