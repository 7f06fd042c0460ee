"""What an evidence image's bytes declare, read from its headers before any pixel is decoded.

No OpenCV here: the broker checks images at submit with it, and the workstation checks them
before it lets the decoder allocate anything. A decoder trusts a header's size and allocates
it; a JPEG of 940 bytes can claim 7,745 × 7,745 pixels and decode to 60 million grey ones, and a
PNG's compressed data can inflate far past the size its header declares. So, before decoding:

- **one structure**, walked the way the decoders walk it: a JPEG's marker segments up to its
  end-of-image marker (one frame header, its scans counted), a PNG's chunks from IHDR to IEND;
- **kinds the workstation shows**: baseline, extended and progressive Huffman JPEG; PNG of any
  standard colour type. Arithmetic-coded, lossless and hierarchical JPEGs (no browser shows
  them either) are refused;
- **sizes**: each side at least ``MIN_SIDE``, the long side at most ``MAX_ASPECT`` times the
  short one, at most ``MAX_PIXELS`` in all (a caller may ask for fewer: a video frame);
- **enough data for the size declared**: every 8 × 8 block of a Huffman-coded JPEG costs at least
  one bit, and deflate never shrinks more than 1,032 : 1, so a file too small for its declared
  size is cut short or forged, whatever end marker it carries;
- **decode cost**: at most ``MAX_SCANS`` scans in a progressive JPEG (each scan is a pass over
  every coefficient); a PNG's data inflated with a bound (``check_inflate``: at most the bytes its
  size needs, on the decode pool, never on the broker's loop);
- **orientation**: the EXIF orientation (JPEG APP1, PNG eXIf), so that every consumer shows the
  image the same way up (``ImageInfo.width`` and ``height`` are as displayed).

Sizes add up: ``ITEM_PIXELS`` is the most one item's images may declare together, and
``WORKSTATION_PIXELS`` what a workstation holds decoded at once (the item on screen and the
one prefetched).
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import MAX_IMAGE_BYTES

MAX_PIXELS = 60_000_000
"""One image (OpenCV's own limit, OPENCV_IO_MAX_IMAGE_PIXELS, is set to the same in
clientsvc/__init__.py): a 600 dpi A3 scan is 35 million."""
ITEM_PIXELS = 80_000_000
"""One item's images together: nine 300 dpi A4 scans (8.7 million pixels each)."""
WORKSTATION_PIXELS = 2 * ITEM_PIXELS
"""A workstation's decoded images at once: the item on screen and the one prefetched."""
MIN_SIDE = 8
"""The shortest side: a smaller image shows nothing an authorizer could check."""
MAX_ASPECT = 20
"""The long side at most 20 times the short one (a long till receipt is about 8 : 1)."""
MAX_SCANS = 64
"""Scans in one JPEG (an encoder writes 1, or about 10 when progressive)."""
MAX_SEGMENTS = 1000
"""Marker segments walked in one JPEG (a camera's file has a few dozen): the walk is Python,
so its length is bounded by this, never by the file's bytes."""
MAX_COMPRESSED_CHUNKS = 4
"""zTXt, iTXt and iCCP chunks in one PNG: libpng inflates each (up to 8 MB) whether or not
anyone reads it; a camera or a scanner writes at most an ICC profile and a comment."""
MAX_COMPRESSED_CHUNK_BYTES = 256 * 1024
"""Their compressed bytes together."""
DEFLATE_MAX_RATIO = 1033
"""Deflate's best case is about 1,032 : 1, so compressed data never holds more than that."""

_JPEG_SOF_SHOWN = {0xC0: "baseline", 0xC1: "extended", 0xC2: "progressive"}
_JPEG_SOF_OTHER = frozenset({0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
# a marker in entropy-coded data: 0xFF followed by anything but stuffing (00), a restart
# (D0-D7) or a fill byte (FF)
_MARKER_IN_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_NOT_FILL = re.compile(rb"[^\xff]")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# colour type → samples per pixel, and the bit depths allowed (PNG §11.2.2)
_PNG_COLOUR = {0: (1, {1, 2, 4, 8, 16}), 2: (3, {8, 16}), 3: (1, {1, 2, 4, 8}), 4: (2, {8, 16})}
_PNG_COLOUR[6] = (4, {8, 16})
# (x0, y0, dx, dy) of the seven passes
_ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2)]
_ADAM7.append((0, 1, 1, 2))


@dataclass(frozen=True)
class ImageInfo:
    """What an image's headers declare. ``width`` × ``height`` as displayed: after its EXIF
    orientation (5 to 8 swap the sides)."""

    kind: str  # "jpeg" or "png"
    width: int
    height: int
    orientation: int = 1  # EXIF: 1 as stored; 3 upside down; 6 and 8 turned a quarter; …
    scans: int = 1
    data_bytes: int = 0  # JPEG: entropy-coded bytes; PNG: IDAT bytes
    raw_bytes: int = 0  # PNG: the bytes its IDAT must inflate to, exactly

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def stored_size(self) -> tuple[int, int]:
        """(width, height) as the pixels are stored, before the orientation is applied."""
        if self.orientation >= 5:
            return self.height, self.width
        return self.width, self.height


class _Unreadable(Exception):
    """The structure cannot be walked: (code, detail)."""

    def __init__(self, code: ErrorCode, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def image_format(data: bytes) -> str | None:
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == _PNG_SIGNATURE:
        return "png"
    return None


def read_header(data: bytes) -> ImageInfo:
    """The image's headers, or ``ProtocolError`` saying why its structure cannot be trusted:
    ``E_IMAGE_EMPTY``, ``E_IMAGE_TOO_LARGE`` (bytes), ``E_IMAGE_FORMAT`` (not JPEG or PNG, or a
    kind not shown), ``E_IMAGE_TRUNCATED`` (no end marker), ``E_IMAGE_CORRUPT`` (a malformed
    structure). Sizes are not judged here: ``check_image`` does."""
    if not data:
        raise ProtocolError(ErrorCode.IMAGE_EMPTY, "the image has no bytes")
    if len(data) > MAX_IMAGE_BYTES:
        raise ProtocolError(ErrorCode.IMAGE_TOO_LARGE, f"the image is {len(data):,} bytes")
    kind = image_format(data)
    if kind is None:
        raise ProtocolError(ErrorCode.IMAGE_FORMAT, f"not JPEG or PNG (starts {data[:4].hex()})")
    try:
        return _jpeg(data) if kind == "jpeg" else _png(data)
    except _Unreadable as err:
        raise ProtocolError(err.code, err.detail) from None


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) as displayed, from the headers, or None when they cannot be read."""
    try:
        info = read_header(data)
    except ProtocolError:
        return None
    return info.width, info.height


def check_image(data: bytes, max_pixels: int = MAX_PIXELS) -> ImageInfo:
    """The image's headers, checked: everything ``read_header`` checks, then ``E_IMAGE_SHAPE``
    (a side under ``MIN_SIDE``, or longer than ``MAX_ASPECT`` times the other),
    ``E_IMAGE_TOO_LARGE`` (over ``max_pixels``), ``E_IMAGE_TRUNCATED`` (too few bytes for the
    size declared), ``E_IMAGE_CORRUPT`` (over ``MAX_SCANS`` scans)."""
    info = read_header(data)
    check_declared(info, max_pixels)
    return info


def check_declared(info: ImageInfo, max_pixels: int = MAX_PIXELS) -> None:
    """``check_image``'s judgement of sizes, for headers already read."""
    w, h = info.width, info.height
    if min(w, h) < MIN_SIDE:
        raise ProtocolError(
            ErrorCode.IMAGE_SHAPE, f"{w}×{h} pixels: each side must be at least {MIN_SIDE}"
        )
    if max(w, h) > MAX_ASPECT * min(w, h):
        raise ProtocolError(
            ErrorCode.IMAGE_SHAPE,
            f"{w}×{h} pixels: the long side is more than {MAX_ASPECT} times the short one",
        )
    if w * h > max_pixels:
        raise ProtocolError(
            ErrorCode.IMAGE_TOO_LARGE, f"{w}×{h} pixels: at most {max_pixels:,} in all"
        )
    if info.kind == "jpeg":
        if info.scans > MAX_SCANS:
            raise ProtocolError(
                ErrorCode.IMAGE_CORRUPT, f"{info.scans} scans: at most {MAX_SCANS} are decoded"
            )
        blocks = -(-w // 8) * -(-h // 8)
        if info.data_bytes * 8 < blocks:  # at least one bit per block of the first component
            raise ProtocolError(
                ErrorCode.IMAGE_TRUNCATED,
                f"{info.data_bytes:,} bytes of image data cannot hold {w}×{h} pixels",
            )
    elif info.data_bytes * DEFLATE_MAX_RATIO < info.raw_bytes:
        raise ProtocolError(
            ErrorCode.IMAGE_TRUNCATED,
            f"{info.data_bytes:,} compressed bytes cannot inflate to the {info.raw_bytes:,} "
            f"that {w}×{h} pixels need",
        )


def check_item(infos: list[ImageInfo], budget: int = ITEM_PIXELS) -> None:
    """``E_IMAGE_BUDGET`` when one item's images declare more than ``budget`` pixels together
    (each image counted once)."""
    total = sum(i.pixels for i in infos)
    if total > budget:
        raise ProtocolError(
            ErrorCode.IMAGE_BUDGET,
            f"{len(infos)} images of {total:,} pixels together: at most {budget:,} per item",
        )


class PixelLedger:
    """The pixels a workstation holds decoded (or is decoding), by image and by item, as
    their headers declare them: the budget is checked before the decoder allocates.

    ``expect`` says which item an image belongs to (an image shared by two items counts once);
    ``check_item`` refuses an image that would take its item past ``item_budget``
    (``E_IMAGE_BUDGET``); ``fits`` says whether it fits the workstation's ``total_budget`` now
    (if not, it waits); ``admit`` counts it; ``release`` and ``keep_only`` give pixels back."""

    def __init__(self, item_budget: int = ITEM_PIXELS, total_budget: int = WORKSTATION_PIXELS):
        self.item_budget = item_budget
        self.total_budget = total_budget
        self._items: dict[str, set[str]] = {}  # image → the items it belongs to
        self._held: dict[str, int] = {}  # image → pixels admitted

    @property
    def held(self) -> int:
        """Pixels admitted and not given back."""
        return sum(self._held.values())

    def expect(self, sha256: str, item: str) -> None:
        self._items.setdefault(sha256, set()).add(item)

    def item_pixels(self, item: str) -> int:
        return sum(p for sha, p in self._held.items() if item in self._items.get(sha, ()))

    def check_item(self, sha256: str, pixels: int) -> None:
        for item in sorted(self._items.get(sha256, {""})):
            total = self.item_pixels(item) + (0 if sha256 in self._held else pixels)
            if total > self.item_budget:
                raise ProtocolError(
                    ErrorCode.IMAGE_BUDGET,
                    f"item {item or '?'}: {total:,} pixels with this image; at most "
                    f"{self.item_budget:,} per item",
                )

    def fits(self, sha256: str, pixels: int) -> bool:
        return sha256 in self._held or self.held + pixels <= self.total_budget

    def admit(self, sha256: str, pixels: int) -> None:
        self._held[sha256] = pixels

    def release(self, sha256: str) -> None:
        self._held.pop(sha256, None)

    def keep_only(self, wanted: set[str]) -> None:
        for sha in [s for s in self._items if s not in wanted]:
            del self._items[sha]
        for sha in [s for s in self._held if s not in wanted]:
            del self._held[sha]


def check_inflate(data: bytes, info: ImageInfo, chunk: int = 1 << 20) -> None:
    """A PNG's compressed data inflated, in pieces of ``chunk`` bytes and thrown away, to check
    it holds exactly the bytes its size needs: ``E_IMAGE_CORRUPT`` if it holds more (a zlib bomb
    behind a modest header: libpng would inflate the excess too, seconds of CPU for nothing) or
    is not valid deflate, ``E_IMAGE_TRUNCATED`` if less. At most ``info.raw_bytes`` + ``chunk``
    bytes are inflated; memory stays at one piece. Nothing to do for a JPEG."""
    if info.kind != "png":
        return
    inflater = zlib.decompressobj()
    produced = 0
    try:
        for payload in _png_idat(data):
            pending: bytes | memoryview = payload
            while pending:
                produced += len(inflater.decompress(pending, chunk))
                pending = inflater.unconsumed_tail
                if produced > info.raw_bytes:
                    raise ProtocolError(
                        ErrorCode.IMAGE_CORRUPT,
                        f"the image data inflates past the {info.raw_bytes:,} bytes its "
                        f"{info.width}×{info.height} pixels need",
                    )
            if inflater.eof:
                break
        produced += len(inflater.flush())
    except zlib.error as exc:
        raise ProtocolError(
            ErrorCode.IMAGE_CORRUPT, f"the image data is not deflate: {exc}"
        ) from None
    if produced > info.raw_bytes:
        raise ProtocolError(ErrorCode.IMAGE_CORRUPT, "the image data inflates past its size")
    if produced < info.raw_bytes or not inflater.eof:
        raise ProtocolError(
            ErrorCode.IMAGE_TRUNCATED,
            f"the image data inflates to {produced:,} of the {info.raw_bytes:,} bytes needed",
        )


def _refuse_huge(width: int, height: int) -> None:
    """A size past every limit is the answer, whatever else is wrong with the file: a bomb's
    other bytes need not be well formed for it to be one."""
    if width * height > MAX_PIXELS:
        raise _Unreadable(
            ErrorCode.IMAGE_TOO_LARGE, f"{width}×{height} pixels: at most {MAX_PIXELS:,} in all"
        )


def _past_the_end(data: bytes, kind: str, end: bytes) -> _Unreadable:
    """A segment or chunk longer than the bytes left: a file cut short, unless the file ends
    with its end marker (then its structure is wrong, not its length)."""
    if data.rstrip(b"\x00").endswith(end):
        return _Unreadable(ErrorCode.IMAGE_CORRUPT, f"a {kind} segment runs past the end")
    return _Unreadable(ErrorCode.IMAGE_TRUNCATED, f"the {kind} file is cut short")


# --- JPEG ------------------------------------------------------------------------------------


def _jpeg(data: bytes) -> ImageInfo:
    n = len(data)
    i = 2
    frame: tuple[int, int] | None = None
    orientation, scans, data_bytes = 1, 0, 0
    for _segment in range(MAX_SEGMENTS):
        if i >= n:
            raise _Unreadable(ErrorCode.IMAGE_TRUNCATED, "the jpeg file is cut short (no EOI)")
        if data[i] != 0xFF:
            raise _Unreadable(ErrorCode.IMAGE_CORRUPT, f"no marker at byte {i:,}")
        marker_at = _NOT_FILL.search(data, i)  # past the fill bytes before a marker
        if marker_at is None:
            raise _Unreadable(ErrorCode.IMAGE_TRUNCATED, "the jpeg file is cut short (no EOI)")
        i = marker_at.start()
        marker = data[i]
        i += 1
        if marker == 0xD9:  # end of image
            break
        if marker in (0xD8, 0x00):
            raise _Unreadable(ErrorCode.IMAGE_CORRUPT, f"marker {marker:02X} at byte {i - 2:,}")
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # stand-alone: no length
            continue
        if i + 2 > n:
            raise _Unreadable(ErrorCode.IMAGE_TRUNCATED, "the jpeg file is cut short")
        length = int.from_bytes(data[i : i + 2], "big")
        if length < 2:
            raise _Unreadable(ErrorCode.IMAGE_CORRUPT, f"a segment of length {length}")
        if i + length > n:
            raise _past_the_end(data, "jpeg", b"\xff\xd9")
        segment = data[i + 2 : i + length]
        i += length
        if marker in _JPEG_SOF_OTHER:
            raise _Unreadable(
                ErrorCode.IMAGE_FORMAT,
                f"a JPEG of kind {marker:02X} (arithmetic-coded, lossless or hierarchical): "
                "not shown",
            )
        if marker in _JPEG_SOF_SHOWN:
            if frame is not None:
                raise _Unreadable(ErrorCode.IMAGE_CORRUPT, "two frame headers")
            if len(segment) < 6:
                raise _Unreadable(ErrorCode.IMAGE_CORRUPT, "a frame header cut short")
            height, width = struct.unpack(">HH", segment[1:5])
            components = segment[5]
            if components not in (1, 3, 4) or len(segment) < 6 + 3 * components:
                raise _Unreadable(ErrorCode.IMAGE_CORRUPT, f"{components} colour components")
            if width == 0 or height == 0:
                raise _Unreadable(ErrorCode.IMAGE_CORRUPT, f"{width}×{height} pixels declared")
            _refuse_huge(width, height)
            frame = (width, height)
        elif marker == 0xE1 and segment.startswith(b"Exif\x00\x00") and frame is None:
            orientation = _exif_orientation(segment[6:])
        elif marker == 0xDA:  # start of scan: entropy-coded data follows, to the next marker
            if frame is None:
                raise _Unreadable(ErrorCode.IMAGE_CORRUPT, "a scan before the frame header")
            scans += 1
            if scans > MAX_SCANS:
                break  # judged by check_declared; no need to walk further
            found = _MARKER_IN_SCAN.search(data, i)
            if found is None:
                raise _Unreadable(ErrorCode.IMAGE_TRUNCATED, "the jpeg file is cut short (no EOI)")
            data_bytes += found.start() - i
            i = found.start()
    else:
        raise _Unreadable(ErrorCode.IMAGE_CORRUPT, f"over {MAX_SEGMENTS:,} marker segments")
    if frame is None or scans == 0:
        raise _Unreadable(ErrorCode.IMAGE_CORRUPT, "the jpeg file holds no image (no scan)")
    width, height = frame if orientation < 5 else (frame[1], frame[0])
    return ImageInfo("jpeg", width, height, orientation, scans, data_bytes)


def _exif_orientation(tiff: bytes) -> int:
    """Tag 0x0112 of IFD0 in a TIFF structure, 1 when absent or unreadable (as every viewer
    does: a broken EXIF block is no reason to refuse the picture)."""
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return 1
    order = "<" if tiff[:2] == b"II" else ">"
    (offset,) = struct.unpack(order + "I", tiff[4:8])
    if offset + 2 > len(tiff):
        return 1
    (count,) = struct.unpack(order + "H", tiff[offset : offset + 2])
    for k in range(min(count, 512)):
        entry = offset + 2 + 12 * k
        if entry + 12 > len(tiff):
            return 1
        tag, kind, _n = struct.unpack(order + "HHI", tiff[entry : entry + 8])
        if tag == 0x0112 and kind == 3:  # SHORT
            (value,) = struct.unpack(order + "H", tiff[entry + 8 : entry + 10])
            return value if 1 <= value <= 8 else 1
    return 1


# --- PNG -------------------------------------------------------------------------------------


def _png_chunks(data: bytes) -> list[tuple[bytes, int, int]]:
    """(type, start, length) of every chunk up to IEND."""
    chunks = []
    i, n = 8, len(data)
    while True:
        if i + 8 > n:
            raise _Unreadable(ErrorCode.IMAGE_TRUNCATED, "the png file is cut short (no IEND)")
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        if length > 0x7FFFFFFF or not kind.isalpha():
            raise _Unreadable(ErrorCode.IMAGE_CORRUPT, f"a malformed chunk at byte {i:,}")
        if i + 12 + length > n:
            raise _past_the_end(data, "png", b"IEND\xaeB`\x82")
        chunks.append((kind, i + 8, length))
        i += 12 + length
        if kind == b"IEND":
            return chunks
        if len(chunks) > 100_000:
            raise _Unreadable(ErrorCode.IMAGE_CORRUPT, "over 100,000 chunks")


def _png_idat(data: bytes) -> list[memoryview]:
    view = memoryview(data)
    return [view[s : s + n] for kind, s, n in _png_chunks(data) if kind == b"IDAT"]


def _png(data: bytes) -> ImageInfo:
    # the header is at a fixed place: its size is judged before anything else is read
    if len(data) < 33 or data[8:16] != b"\x00\x00\x00\x0dIHDR":
        raise _Unreadable(ErrorCode.IMAGE_CORRUPT, "the png file does not start with its header")
    if zlib.crc32(data[12:29]) != int.from_bytes(data[29:33], "big"):
        raise _Unreadable(ErrorCode.IMAGE_CORRUPT, "the png header fails its checksum")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", data[16:29]
    )
    if width and height:
        _refuse_huge(width, height)
    chunks = _png_chunks(data)
    if colour not in _PNG_COLOUR or depth not in _PNG_COLOUR[colour][1]:
        raise _Unreadable(ErrorCode.IMAGE_CORRUPT, f"colour type {colour} at {depth} bits")
    if compression or filtering or interlace > 1:
        raise _Unreadable(ErrorCode.IMAGE_CORRUPT, "an unknown compression, filter or interlace")
    if not (0 < width < 2**31 and 0 < height < 2**31):
        raise _Unreadable(ErrorCode.IMAGE_CORRUPT, f"{width}×{height} pixels declared")
    idat = [(s, n) for k, s, n in chunks if k == b"IDAT"]
    if not idat:
        raise _Unreadable(ErrorCode.IMAGE_CORRUPT, "the png file holds no image data")
    kinds = [k for k, _s, _n in chunks]
    first = kinds.index(b"IDAT")
    if any(k != b"IDAT" for k in kinds[first : first + len(idat)]):
        raise _Unreadable(ErrorCode.IMAGE_CORRUPT, "the png image data is not in one run")
    compressed = [n for k, _s, n in chunks if k in (b"zTXt", b"iTXt", b"iCCP")]
    if len(compressed) > MAX_COMPRESSED_CHUNKS or sum(compressed) > MAX_COMPRESSED_CHUNK_BYTES:
        raise _Unreadable(
            ErrorCode.IMAGE_CORRUPT,
            f"{len(compressed)} compressed text or profile chunks of {sum(compressed):,} bytes: "
            f"at most {MAX_COMPRESSED_CHUNKS} of {MAX_COMPRESSED_CHUNK_BYTES:,} bytes together",
        )
    orientation = 1
    for k, s, n in chunks[:first]:
        if k == b"eXIf":
            orientation = _exif_orientation(data[s : s + n])
    bits = _PNG_COLOUR[colour][0] * depth
    if interlace:
        raw = 0
        for x0, y0, dx, dy in _ADAM7:
            pw, ph = -(-(width - x0) // dx), -(-(height - y0) // dy)
            if pw > 0 and ph > 0:
                raw += ph * (1 + -(-(pw * bits) // 8))
    else:
        raw = height * (1 + -(-(width * bits) // 8))
    if orientation >= 5:
        width, height = height, width
    return ImageInfo("png", width, height, orientation, 1, sum(n for _s, n in idat), raw)
