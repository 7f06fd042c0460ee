"""One video frame on the wire: a single ZeroMQ frame (CONFLATE needs single-part messages).

    <camera id, ASCII> 0x00 | "ADV1" | seq u32 | captured_at µs u64 | width u16 | height u16 | JPEG

Big-endian integers. Subscribers subscribe to ``<camera id> 0x00`` so that ``CAM1`` never
matches ``CAM10``. ``captured_at`` is the camera host's wall clock in microseconds since the
epoch: the frame's age is only as good as the two clocks' agreement (NTP on the branch LAN).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

MAGIC = b"ADV1"
_HEADER = struct.Struct(">4sIQHH")
MAX_FRAME_BYTES = 2 * 1024 * 1024
CAMERA_ID = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}")


class BadFrame(ValueError):
    """A message on the video socket that is not a frame of this format."""


@dataclass(frozen=True)
class FrameHeader:
    camera_id: str
    seq: int
    captured_at_us: int
    width: int
    height: int


def topic(camera_id: str) -> bytes:
    raw = camera_id.encode("ascii")
    if not CAMERA_ID.fullmatch(raw):
        raise ValueError(f"not a camera id: {camera_id!r}")
    return raw + b"\x00"


def pack(header: FrameHeader, jpeg: bytes) -> bytes:
    return (
        topic(header.camera_id)
        + _HEADER.pack(MAGIC, header.seq, header.captured_at_us, header.width, header.height)
        + jpeg
    )


def unpack(message: bytes) -> tuple[FrameHeader, bytes]:
    """The header and the JPEG bytes; ``BadFrame`` for anything else."""
    if len(message) > MAX_FRAME_BYTES:
        raise BadFrame(f"{len(message)} bytes")
    cut = message.find(b"\x00", 0, 66)
    if cut <= 0 or not CAMERA_ID.fullmatch(message[:cut]):
        raise BadFrame("no camera id")
    start = cut + 1
    if len(message) < start + _HEADER.size + 4:
        raise BadFrame("too short")
    magic, seq, captured_at_us, width, height = _HEADER.unpack_from(message, start)
    if magic != MAGIC:
        raise BadFrame(f"unknown format {magic!r}")
    jpeg = message[start + _HEADER.size :]
    if jpeg[:3] != b"\xff\xd8\xff":
        raise BadFrame("the payload is not a JPEG")
    return FrameHeader(message[:cut].decode("ascii"), seq, captured_at_us, width, height), jpeg
