"""Evidence images for the items in hand, decoded and scaled on the pool, kept ready to paint.

One ``EvidenceLibrary`` per window set. Bytes arrive (already checked against their SHA-256 by
the engine); a large scan is first decoded reduced (``IMREAD_REDUCED_*``) so that a legible
picture paints at once, then in full. Each image becomes a pyramid of exact halvings that the
viewers paint from. Display adjustments (brightness, contrast, sharpen) are computed here too.
Images of items no longer in hand are dropped (``keep_only``), so memory stays bounded.

Nothing is decoded before its headers are checked and its pixels admitted to the budget
(``clientsvc.imagecheck.PixelLedger``): an item's images together at most ``ITEM_PIXELS`` (the
image that goes past fails with ``E_IMAGE_BUDGET``, which blocks approval like any bad image),
and all images held at most ``WORKSTATION_PIXELS`` (an image past it waits, shown as loading,
until images of items no longer in hand are let go).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QPointF, QRectF, QSize, Signal
from PySide6.QtGui import QImage

from clientsvc.imagecheck import ImageInfo, PixelLedger
from clientsvc.imaging import (
    Adjustment,
    adjust,
    check_image,
    decode,
    halvings,
    preview_reduction,
    to_bgra,
)
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from ui.background import run_in_background

log = logging.getLogger("authdesk.ui")

PREVIEW_SIDE = 800  # a reduced first decode keeps at least this many pixels on the long side
PRIORITY_PREVIEW, PRIORITY_FULL, PRIORITY_ADJUST = 3, 1, 2


class ShownImage:
    """A QImage over pixels it keeps alive, without a copy: BGRA as Qt's RGB32, or BGR as
    Qt's BGR888."""

    __slots__ = ("image", "pixels")

    def __init__(self, pixels: np.ndarray[Any, Any]) -> None:
        self.pixels = np.ascontiguousarray(pixels)
        height, width, channels = self.pixels.shape
        fmt = QImage.Format.Format_RGB32 if channels == 4 else QImage.Format.Format_BGR888
        self.image = QImage(self.pixels.data, width, height, self.pixels.strides[0], fmt)

    def size(self) -> QSize:
        return self.image.size()


@dataclass
class EvidenceImage:
    """One image and what is known of it. ``levels[0]`` is the most detailed decoded so far;
    each next level is half the size. ``width`` × ``height`` is the image's own size."""

    sha256: str
    label: str
    kind: str
    width: int = 0
    height: int = 0
    levels: list[ShownImage] = field(default_factory=list)
    full: bool = False  # levels[0] is the whole resolution (not a preview)
    error: str = ""  # an error code when the image cannot be shown
    adjusted: dict[Adjustment, list[ShownImage]] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return bool(self.levels)

    def rect(self) -> QRectF:
        return QRectF(0, 0, self.width, self.height)

    def level_for(
        self, scale: float, adjustment: Adjustment | None = None
    ) -> tuple[ShownImage, float]:
        """The least detailed level still at least as detailed as ``scale`` display pixels per
        image pixel, and that level's own scale."""
        levels = self.levels
        if (
            adjustment is not None
            and not adjustment.is_identity()
            and self.adjusted.get(adjustment)
        ):
            levels = self.adjusted[adjustment]
        chosen = levels[0]
        for level in levels:
            if level.image.width() / self.width >= scale:
                chosen = level
        return chosen, chosen.image.width() / self.width

    def region_rect(self, region: tuple[int, ...]) -> QRectF:
        """A region in 1/10000 of width and height, in image pixels."""
        x, y, w, h = region
        return QRectF(
            QPointF(x * self.width / 10_000, y * self.height / 10_000),
            QPointF((x + w) * self.width / 10_000, (y + h) * self.height / 10_000),
        )


BGRA_MAX_PIXELS = 4_000_000


def _shown(pixels: np.ndarray[Any, Any]) -> ShownImage:
    """BGRA, Qt's fastest to paint, for every level up to 4 megapixels; a larger one (a
    300 dpi A4 scan) stays BGR as decoded. Converting it would cost a third of its decode and a
    fresh 35 MB buffer, which the kernel hands out slowly (page faults; here 50-80 ms); a view
    paints from it only when zoomed in, and then only the part on screen."""
    if pixels.shape[0] * pixels.shape[1] <= BGRA_MAX_PIXELS:
        pixels = to_bgra(pixels)
    return ShownImage(pixels)


def _prepare(
    data: bytes, reduction: int, above: int = 0, info: ImageInfo | None = None
) -> tuple[int, int, list[ShownImage]]:
    """Decode and build the pyramid, stopping at levels longer than ``above`` pixels: the
    preview decoded beside it provides the smaller ones. ``info``: the headers, checked."""
    decoded = decode(data, reduction, bgra=False, info=info)
    levels = halvings(decoded.pixels)
    if above:
        levels = [levels[0], *(level for level in levels[1:] if max(level.shape[:2]) > above)]
    return decoded.width, decoded.height, [_shown(level) for level in levels]


class EvidenceLibrary(QObject):
    sig_image_changed = Signal(str)
    """An image got a preview, its full resolution, an adjustment, or failed (sha256)."""

    def __init__(self, parent: QObject | None = None, ledger: PixelLedger | None = None) -> None:
        super().__init__(parent)
        self._images: dict[str, EvidenceImage] = {}
        self.ledger = ledger or PixelLedger()
        self._waiting: dict[str, tuple[bytes, ImageInfo]] = {}  # admitted once memory frees

    def get(self, sha256: str) -> EvidenceImage | None:
        return self._images.get(sha256)

    def expect(self, sha256: str, label: str, kind: str, item: str = "") -> EvidenceImage:
        """Announce an image of ``item`` (its bytes come later): it shows as loading
        meanwhile. The item's images are counted together against its pixel budget."""
        image = self._images.get(sha256)
        if image is None:
            image = self._images[sha256] = EvidenceImage(sha256, label, kind)
        self.ledger.expect(sha256, item)
        return image

    def keep_only(self, wanted: set[str]) -> None:
        """Forget the images of items no longer in hand; their pixels go back to the budget,
        and images that waited for them are decoded."""
        for sha in [s for s in self._images if s not in wanted]:
            del self._images[sha]
            self._waiting.pop(sha, None)
        self.ledger.keep_only(wanted)
        self._admit_waiting()

    def _admit_waiting(self) -> None:
        """Images that waited for memory, in the order they came, as far as it now fits."""
        for sha, (data, info) in list(self._waiting.items()):
            if sha not in self._waiting:  # let in (or failed) by a call made on the way
                continue
            image = self._images.get(sha)
            if image is None:
                del self._waiting[sha]
            elif self.ledger.fits(sha, info.pixels):
                del self._waiting[sha]
                try:
                    self.ledger.check_item(sha, info.pixels)
                except ProtocolError as err:  # its item filled up meanwhile
                    self.fail(sha, err.code.value)
                    continue
                self._admit(image, data, info)

    def fail(self, sha256: str, code: str) -> None:
        image = self._images.get(sha256)
        self.ledger.release(sha256)  # nothing of it is held
        if image is not None:
            image.error, image.levels, image.adjusted = code, [], {}
            self.sig_image_changed.emit(sha256)
        self._admit_waiting()  # what it held may let an image that waits in

    def load(self, sha256: str, data: bytes) -> None:
        """Decode on the pool: a reduced preview first when the scan is large, then the whole.
        The headers are checked and the pixels admitted first (here, before any allocation)."""
        image = self._images.get(sha256)
        if image is None or image.ready or image.error or sha256 in self._waiting:
            return
        try:
            info = check_image(data)
            self.ledger.check_item(sha256, info.pixels)
        except ProtocolError as err:
            log.warning("image %s refused: %s", sha256[:12], err)
            self.fail(sha256, err.code.value)
            return
        if not self.ledger.fits(sha256, info.pixels):
            log.info("image %s waits for memory (%s pixels)", sha256[:12], f"{info.pixels:,}")
            self._waiting[sha256] = (data, info)
            return
        self._admit(image, data, info)

    def _admit(self, image: EvidenceImage, data: bytes, info: ImageInfo) -> None:
        self.ledger.admit(image.sha256, info.pixels)
        size = (info.width, info.height)
        reduction = preview_reduction(size, PREVIEW_SIDE)
        if reduction > 1:
            self._decode(image, data, info, reduction, PRIORITY_PREVIEW)
            # the whole at the same time, without the small levels the preview brings
            self._decode(image, data, info, 1, PRIORITY_FULL, above=max(size) // reduction + 1)
        else:
            self._decode(image, data, info, 1, PRIORITY_FULL)

    def _decode(
        self,
        image: EvidenceImage,
        data: bytes,
        info: ImageInfo,
        reduction: int,
        priority: int,
        above: int = 0,
    ) -> None:
        def done(result: tuple[int, int, list[ShownImage]]) -> None:
            if self._images.get(image.sha256) is not image or image.error:
                return
            if image.full:
                return  # the whole image came first: the preview is not needed
            width, height, levels = result
            if reduction == 1 and above:  # the preview's levels complete the pyramid
                smaller = [lv for lv in image.levels if lv.image.width() < levels[-1].image.width()]
                levels = [*levels, *smaller]
            image.width, image.height, image.levels = width, height, levels
            image.full = reduction == 1
            image.adjusted = {}
            self.sig_image_changed.emit(image.sha256)

        def failed(exc: BaseException) -> None:
            code = (
                exc.code.value if isinstance(exc, ProtocolError) else ErrorCode.IMAGE_CORRUPT.value
            )
            log.warning("image %s could not be decoded: %s", image.sha256[:12], exc)
            if self._images.get(image.sha256) is image:
                self.fail(image.sha256, code)

        run_in_background(
            lambda: _prepare(data, reduction, above, info),
            done,
            failed,
            owner=self,
            priority=priority,
        )

    def request_adjusted(self, sha256: str, how: Adjustment) -> bool:
        """True if the adjusted levels are ready; otherwise they are computed and
        ``sig_image_changed`` follows."""
        image = self._images.get(sha256)
        if image is None or not image.ready or how.is_identity():
            return True
        if how in image.adjusted:
            return True
        source = list(image.levels)
        image.adjusted = {how: []}  # in progress: asked once; only the latest is kept

        def done(levels: list[ShownImage]) -> None:
            current = self._images.get(sha256) is image and image.levels[0] is source[0]
            if current and how in image.adjusted:  # still the adjustment wanted
                image.adjusted[how] = levels
                self.sig_image_changed.emit(sha256)

        def failed(exc: BaseException) -> None:
            log.warning("adjustment failed for %s: %s", sha256[:12], exc)
            if image.adjusted.get(how) == []:
                del image.adjusted[how]  # asked again, it is tried again

        run_in_background(
            lambda: [ShownImage(adjust(level.pixels, how)) for level in source],
            done,
            failed,
            owner=self,
            priority=PRIORITY_ADJUST,
        )
        return False
