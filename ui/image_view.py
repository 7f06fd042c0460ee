"""Evidence images on screen: prepared on the pool, painted without scaling on the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from clientsvc.imaging import Decoded, decode_for_display, fit_within

THUMB_SIZE = QSize(140, 90)


class ShownImage:
    """A QImage over BGRA pixels it keeps alive (Qt's RGB32 layout: no conversion, no copy)."""

    __slots__ = ("image", "pixels")

    def __init__(self, pixels: np.ndarray[Any, Any]) -> None:
        self.pixels = np.ascontiguousarray(pixels)
        height, width = self.pixels.shape[:2]
        self.image = QImage(
            self.pixels.data, width, height, self.pixels.strides[0], QImage.Format.Format_RGB32
        )

    def size(self) -> QSize:
        return self.image.size()


@dataclass(frozen=True)
class PreparedImage:
    """One evidence image, ready to paint: the decoded pixels, a copy fitted to the view, and
    a thumbnail. Built on the pool (``prepare``); the GUI thread only draws them."""

    decoded: Decoded
    full: ShownImage
    fitted: ShownImage
    thumb: ShownImage

    def refit(self, size: QSize) -> ShownImage:
        return ShownImage(fit_within(self.decoded.pixels, size.width(), size.height()))


def prepare(data: bytes, fit: QSize) -> PreparedImage:
    """Decode and scale for the view and the thumbnail strip (runs on the pool)."""
    decoded = decode_for_display(data)
    fitted = fit_within(decoded.pixels, fit.width(), fit.height())
    return PreparedImage(
        decoded=decoded,
        full=ShownImage(decoded.pixels),
        fitted=ShownImage(fitted),
        thumb=ShownImage(fit_within(fitted, THUMB_SIZE.width(), THUMB_SIZE.height())),
    )


class ImageView(QWidget):
    """One image fitted to the widget, centred; a placeholder text when there is none.

    After a resize it paints the old fitted copy stretched (fast) and asks for a new one
    (``sig_refit_requested``), which the owner computes on the pool and hands back with
    ``set_fitted``.
    """

    sig_refit_requested = Signal(QSize)
    """The widget's size changed: a fitted copy for this size is wanted."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._prepared: PreparedImage | None = None
        self._fitted: ShownImage | None = None
        self._placeholder = ""
        self._refit_timer = QTimer(self, singleShot=True, interval=80)
        self._refit_timer.timeout.connect(self._on_refit_timer_timeout)

    def prepared(self) -> PreparedImage | None:
        return self._prepared

    def set_image(self, prepared: PreparedImage | None, placeholder: str = "") -> None:
        self._prepared = prepared
        self._fitted = None if prepared is None else prepared.fitted
        self._placeholder = placeholder
        if prepared is not None and not self._fits(prepared.fitted):
            self._refit_timer.start()
        self.update()

    def set_fitted(self, prepared: PreparedImage, fitted: ShownImage) -> None:
        if prepared is self._prepared:
            self._fitted = fitted
            self.update()

    def _fits(self, shown: ShownImage) -> bool:
        """Is this copy the right size for the widget as it is now?"""
        assert self._prepared is not None
        full = self._prepared.full.size()
        want = fit_size(full, self.size())
        got = shown.size()
        return abs(got.width() - want.width()) <= 1 and abs(got.height() - want.height()) <= 1

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._prepared is not None:
            self._refit_timer.start()

    def _on_refit_timer_timeout(self) -> None:
        if self._prepared is not None and (self._fitted is None or not self._fits(self._fitted)):
            self.sig_refit_requested.emit(self.size())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self._fitted is None:
            painter.setPen(QColor("#5b6b7f"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._placeholder)
            return
        assert self._prepared is not None
        target = QRect(0, 0, 0, 0)
        target.setSize(fit_size(self._prepared.full.size(), self.size()))
        target.moveCenter(self.rect().center())
        if target.size() == self._fitted.size():
            painter.drawImage(target.topLeft(), self._fitted.image)
        else:  # stale until the pool hands back a new fitted copy
            painter.drawImage(target, self._fitted.image)


def fit_size(image: QSize, box: QSize) -> QSize:
    """The size ``image`` has when fitted inside ``box`` (never enlarged)."""
    if image.isEmpty() or box.isEmpty():
        return QSize(0, 0)
    scale = min(box.width() / image.width(), box.height() / image.height(), 1.0)
    return QSize(max(1, round(image.width() * scale)), max(1, round(image.height() * scale)))
