"""One evidence image on screen: fit, 1:1, zoom around a point, pan, rotate, flip, display
adjustments, a magnifier lens and the watermark. Only what is visible is painted, from the
pyramid level closest to the zoom, so a 300 dpi A4 scan pans as smoothly as a small photo."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from clientsvc.imaging import Adjustment
from ui.evidence.library import EvidenceImage, EvidenceLibrary

MIN_ZOOM, MAX_ZOOM = 0.05, 8.0
STEP = 1.25
LENS_RADIUS = 120
LENS_POWER = 3.0
BACKGROUND = QColor("#2b3038")
KEY_MARGIN = 6  # screen pixels kept clear around a key field's box
# The watermark's two passes, light and dark (so it shows on dark and light paper): faint
# enough to read the paper through, plain enough to be seen on a photograph of the screen
WATERMARK_INKS = (QColor(255, 255, 255, 56), QColor(0, 0, 0, 46))


class ImageViewer(QWidget):
    """Shows one image of the library. Keyboard actions call the public methods; the mouse
    zooms with the wheel around the cursor and pans by dragging."""

    sig_view_changed = Signal()
    """Zoom, position, orientation or adjustment changed (the caption follows)."""
    sig_activated = Signal()
    """The user clicked into this viewer (it becomes the one the keys act on)."""
    sig_viewed = Signal(str, int, float)
    """An image left this viewer: (sha256, ms on screen, the highest zoom it was seen at)."""

    def __init__(self, library: EvidenceLibrary) -> None:
        super().__init__()
        self.library = library
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 180)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.sha256: str | None = None
        self.placeholder = ""
        self.watermark = ""
        # the key fields' boxes (1/10000 of the image's sides): the watermark keeps off them
        self.key_regions: tuple[tuple[int, int, int, int], ...] = ()
        self.active = False
        self.fit_mode = True
        self.scale = 1.0
        self.center = QPointF()
        self.rotation = 0
        self.flip_h = self.flip_v = False
        self.adjustment = Adjustment()
        self.magnifier = False
        self._lens: QPointF | None = None
        self._kept_region: QRectF | None = None
        self._drag: QPointF | None = None
        self._shown_since = 0.0  # monotonic seconds: when the image came on screen here
        self._max_scale = 0.0
        library.sig_image_changed.connect(self._on_library_image_changed)

    # --- what is shown -----------------------------------------------------------------------

    def image(self) -> EvidenceImage | None:
        return None if self.sha256 is None else self.library.get(self.sha256)

    def show_image(self, sha256: str | None, placeholder: str = "") -> None:
        """Show an image (its view reset to fit), or nothing with a placeholder text."""
        changed = sha256 != self.sha256
        if changed:
            self.flush_view()
        self.sha256, self.placeholder = sha256, placeholder
        if changed:
            self.reset()
            self._shown_since, self._max_scale = time.monotonic(), self.scale
        self.update()

    def flush_view(self) -> None:
        """Report how long the image has been on screen here (and at what zoom); count
        afresh from now. Hidden viewers report nothing."""
        if self.sha256 is not None and self.isVisible() and self._shown_since:
            ms = int((time.monotonic() - self._shown_since) * 1000)
            self.sig_viewed.emit(self.sha256, ms, round(self._max_scale, 3))
        self._shown_since, self._max_scale = time.monotonic(), self.scale

    def _on_library_image_changed(self, sha256: str) -> None:
        if sha256 == self.sha256:
            if self.fit_mode:
                self._fit()
            if self.isVisible():
                self.repaint()  # now: the picture the authorizer waits for, not a turn later
            else:
                self.update()

    # --- the view transform --------------------------------------------------------------------

    def _oriented_size(self, image: EvidenceImage) -> tuple[float, float]:
        if self.rotation % 180:
            return image.height, image.width
        return image.width, image.height

    def fit_scale(self) -> float:
        image = self.image()
        if image is None or not image.width:
            return 1.0
        w, h = self._oriented_size(image)
        margin = 8
        return max(MIN_ZOOM, min((self.width() - margin) / w, (self.height() - margin) / h))

    def _fit(self) -> None:
        image = self.image()
        self.fit_mode = True
        if image is not None and image.width:
            self.scale = self.fit_scale()
            self.center = image.rect().center()

    def _linear(self) -> QTransform:
        t = QTransform()
        t.scale(self.scale, self.scale)
        t.rotate(self.rotation)
        t.scale(-1 if self.flip_h else 1, -1 if self.flip_v else 1)
        return t

    def transform(self) -> QTransform:
        """Image pixels → widget pixels."""
        c = QPointF(self.width() / 2, self.height() / 2)
        t = QTransform()
        t.translate(c.x(), c.y())
        t.scale(self.scale, self.scale)
        t.rotate(self.rotation)
        t.scale(-1 if self.flip_h else 1, -1 if self.flip_v else 1)
        t.translate(-self.center.x(), -self.center.y())
        return t

    def map_to_image(self, point: QPointF) -> QPointF:
        inverse, _ = self.transform().inverted()
        return inverse.map(point)

    def _changed(self) -> None:
        self._max_scale = max(self._max_scale, self.scale)
        self.update()
        self.sig_view_changed.emit()

    # --- actions ---------------------------------------------------------------------------

    def reset(self) -> None:
        self._kept_region = None
        self.rotation, self.flip_h, self.flip_v = 0, False, False
        self.adjustment = Adjustment()
        self.magnifier = False
        self._fit()
        self._changed()

    def fit(self) -> None:
        self._fit()
        self._changed()

    def actual_size(self) -> None:
        """1:1: one image pixel per screen pixel, around the same centre."""
        self.fit_mode = False
        self.scale = 1.0
        self._changed()

    def zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom by ``factor``; the image point under ``anchor`` (default: the cursor when it is
        over the view, else the centre) stays where it is."""
        if self.image() is None:
            return
        if anchor is None:
            cursor = self.mapFromGlobal(self.cursor().pos())
            inside = self.rect().contains(cursor)
            anchor = QPointF(cursor) if inside else QPointF(self.width() / 2, self.height() / 2)
        fixed = self.map_to_image(anchor)
        self.scale = min(MAX_ZOOM, max(MIN_ZOOM, self.scale * factor))
        self.fit_mode = False
        inverse, _ = self._linear().inverted()
        offset = inverse.map(anchor - QPointF(self.width() / 2, self.height() / 2))
        self.center = fixed - offset
        self._changed()

    def pan(self, dx: float, dy: float) -> None:
        """Move the picture by (dx, dy) screen pixels."""
        if self.image() is None:
            return
        inverse, _ = self._linear().inverted()
        self.center -= inverse.map(QPointF(dx, dy))
        self.fit_mode = False
        self._changed()

    def pan_step(self, x: int, y: int) -> None:
        """A keyboard step: a fifth of the view."""
        self.pan(-x * self.width() / 5, -y * self.height() / 5)

    def rotate(self, degrees: int) -> None:
        self.rotation = (self.rotation + degrees) % 360
        if self.fit_mode:
            self._fit()
        self._changed()

    def flip(self, horizontal: bool = True) -> None:
        if horizontal:
            self.flip_h = not self.flip_h
        else:
            self.flip_v = not self.flip_v
        self._changed()

    def set_adjustment(self, adjustment: Adjustment) -> None:
        self.adjustment = adjustment
        if self.sha256 is not None:
            self.library.request_adjusted(self.sha256, adjustment)
        self._changed()

    def toggle_magnifier(self) -> None:
        self.magnifier = not self.magnifier
        self._changed()

    def zoom_to(self, region: QRectF, keep: bool = False) -> None:
        """Show a region of the image (image pixels) as large as the view allows; with
        ``keep``, again whenever the view is resized."""
        self._kept_region = QRectF(region) if keep else None
        image = self.image()
        if image is None or region.isEmpty():
            return
        oriented = self._linear().mapRect(region)
        ratio = min(self.width() / oriented.width(), self.height() / oriented.height())
        self.scale = min(MAX_ZOOM, max(MIN_ZOOM, self.scale * ratio * 0.9))
        self.center = region.center()
        self.fit_mode = False
        self._changed()

    def describe(self) -> str:
        """The view in a few words, for the caption: zoom, orientation, adjustments (words,
        not symbols: a symbol the font lacks is a box). Sharpening and the magnifier are
        shown as drawn icons beside it (``indicators``)."""
        fit = self.tr(" (fit)") if self.fit_mode else ""
        parts = [f"{self.scale * 100:.0f}%{fit}"]
        if self.rotation:
            parts.append(self.tr("rotated %1°").replace("%1", str(self.rotation)))
        if self.flip_h:
            parts.append(self.tr("mirrored left–right"))
        if self.flip_v:
            parts.append(self.tr("mirrored top–bottom"))
        a = self.adjustment
        if a.brightness:
            parts.append(self.tr("brightness %1").replace("%1", f"{a.brightness:+d}"))
        if a.contrast:
            parts.append(self.tr("contrast %1").replace("%1", f"{a.contrast:+d}"))
        return "  ".join(parts)

    def indicators(self) -> list[str]:
        """The states shown as icons beside the caption: ``sharpen``, ``magnifier``."""
        return [
            name
            for name, on in (("sharpen", self.adjustment.sharpen), ("magnifier", self.magnifier))
            if on
        ]

    # --- events ------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._kept_region is not None:
            self.zoom_to(self._kept_region, keep=True)
        elif self.fit_mode:
            self._fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom(STEP**steps, event.position())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.sig_activated.emit()
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag = event.position()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            delta = event.position() - self._drag
            self._drag = event.position()
            self.pan(delta.x(), delta.y())
        if self.magnifier:
            self._lens = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.fit_mode:
            self.zoom(1.0 / self.scale, event.position())  # 1:1 at the point clicked
        else:
            self.fit()

    def leaveEvent(self, event: object) -> None:
        self._lens = None
        self.update()

    # --- painting ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        image = self.image()
        if image is None or not image.ready:
            painter.setPen(
                QColor("#e8eef6") if image is None or not image.error else QColor("#ffb4ab")
            )
            font = QFont(painter.font())
            font.setPixelSize(20)
            painter.setFont(font)
            painter.drawText(
                self.rect().adjusted(20, 20, -20, -20),
                int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap),
                self.placeholder,
            )
            self._paint_frame(painter)
            return
        transform = self.transform()
        inverse, _ = transform.inverted()
        visible = inverse.mapRect(QRectF(self.rect())).intersected(image.rect())
        if not visible.isEmpty():
            level, level_scale = image.level_for(self.scale, self.adjustment)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.setTransform(transform)
            source = QRectF(
                visible.x() * level_scale,
                visible.y() * level_scale,
                visible.width() * level_scale,
                visible.height() * level_scale,
            )
            painter.drawImage(visible, level.image, source)
            painter.resetTransform()
            area = transform.mapRect(visible)
            self._paint_watermark(painter, area, self.watermark_clip(image, area))
            if self.magnifier:
                self._paint_lens(painter, image)
        self._paint_frame(painter)

    def _paint_frame(self, painter: QPainter) -> None:
        if self.active:
            painter.setPen(QPen(QColor("#4d9be6"), 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.rect().adjusted(1, 1, -2, -2))

    def watermark_clip(self, image: EvidenceImage, area: QRectF) -> QPainterPath:
        """Where the watermark goes (widget pixels): the image on screen less the key fields'
        boxes, each with a margin, so that no digit of an amount or an account is crossed."""
        clip = QPainterPath()
        clip.addRect(area)
        if not self.key_regions:
            return clip
        transform = self.transform()
        keys = QPainterPath()
        keys.setFillRule(Qt.FillRule.WindingFill)
        for region in self.key_regions:
            box = transform.map(QPolygonF(image.region_rect(region))).boundingRect()
            keys.addRect(box.adjusted(-KEY_MARGIN, -KEY_MARGIN, KEY_MARGIN, KEY_MARGIN))
        return clip.subtracted(keys)

    def _paint_watermark(self, painter: QPainter, area: QRectF, clip: QPainterPath) -> None:
        """The authorizer's id and the time across the image: on screen only, never stored;
        never over the key fields."""
        if self.watermark:
            painter.save()
            painter.setClipPath(clip)
            painter.fillRect(area, QBrush(watermark_tile(self.watermark)))
            painter.restore()

    def _paint_lens(self, painter: QPainter, image: EvidenceImage) -> None:
        at = self._lens or QPointF(self.width() / 2, self.height() / 2)
        power = max(LENS_POWER * self.scale, 1.0)
        lens = QTransform()
        lens.translate(at.x(), at.y())
        lens.scale(power, power)
        lens.rotate(self.rotation)
        lens.scale(-1 if self.flip_h else 1, -1 if self.flip_v else 1)
        point = self.map_to_image(at)
        lens.translate(-point.x(), -point.y())
        half = LENS_RADIUS / power
        visible = QRectF(point.x() - half, point.y() - half, 2 * half, 2 * half).intersected(
            image.rect()
        )
        level, level_scale = image.level_for(power, self.adjustment)
        painter.save()
        path = QPainterPath()
        path.addEllipse(at, LENS_RADIUS, LENS_RADIUS)
        painter.setClipPath(path)
        painter.fillPath(path, BACKGROUND)
        painter.setTransform(lens)
        source = QRectF(
            visible.x() * level_scale,
            visible.y() * level_scale,
            visible.width() * level_scale,
            visible.height() * level_scale,
        )
        painter.drawImage(visible, level.image, source)
        painter.restore()
        painter.setPen(QPen(QColor("#f0c000"), 3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(at, LENS_RADIUS, LENS_RADIUS)


_tiles: dict[str, QPixmap] = {}


def watermark_tile(text: str) -> QPixmap:
    """A transparent tile with the text written twice on a slant, repeated over an image by a
    brush: one fill per paint instead of hundreds of text runs."""
    tile = _tiles.get(text)
    if tile is not None:
        return tile
    _tiles.clear()  # the text changes each minute: keep only the current one
    font = QFont()
    font.setPointSizeF(15)
    font.setBold(True)
    length = QFontMetricsF(font).horizontalAdvance(text) + 20
    angle = math.radians(24)
    run_x, run_y = length * math.cos(angle), length * math.sin(angle)
    width, height = int(run_x * 2 + 40), int(run_y * 2 + 80)
    tile = QPixmap(width, height)
    tile.fill(Qt.GlobalColor.transparent)
    painter = QPainter(tile)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.setFont(font)
    starts = (
        (QPointF(10, run_y + 30), WATERMARK_INKS[0]),
        (QPointF(run_x + 30, 2 * run_y + 70), WATERMARK_INKS[1]),
    )
    for start, colour in starts:
        painter.save()
        painter.translate(start)
        painter.rotate(-24)
        painter.setPen(colour)
        painter.drawText(QPointF(0, 0), text)
        painter.restore()
    painter.end()
    _tiles[text] = tile
    return tile
