"""Drawn icons (``resources/icons/*.svg``) instead of symbol characters: an emoji or a symbol
that the fonts on a terminal lack renders as a box, a drawing always renders. Each icon is
drawn in ``currentColor``; it is painted here in the colour of the words beside it, so it
has their contrast in every theme and follows a live theme switch."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QLabel, QWidget

from resources import ROOT

ICONS = ROOT / "icons"
_ROOT_COLOUR = re.compile(r'(<svg\b[^>]*?\bcolor=")[^"]*(")')


def path(name: str) -> Path:
    return ICONS / f"{name}.svg"


def pixmap(name: str, size: int, colour: QColor, ratio: float = 1.0) -> QPixmap:
    """The icon ``name`` as a square ``size`` × ``size`` (device-independent pixels), drawn
    in ``colour``."""
    svg = path(name).read_text(encoding="utf-8")
    svg = _ROOT_COLOUR.sub(lambda m: f"{m.group(1)}{colour.name()}{m.group(2)}", svg, count=1)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    side = max(1, round(size * ratio))
    image = QPixmap(side, side)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.end()
    image.setDevicePixelRatio(ratio)
    return image


def icon(name: str, colour: QColor, sizes: tuple[int, ...] = (16, 24, 32, 48)) -> QIcon:
    made = QIcon()
    for size in sizes:
        made.addPixmap(pixmap(name, size, colour))
    return made


class IconLabel(QLabel):
    """An icon as tall as the label's font, in the label's own text colour (the style sheet's
    colour for its object name): give it the object name of the words it stands beside."""

    def __init__(self, name: str, parent: QWidget | None = None, objectName: str = "") -> None:
        super().__init__(parent)
        if objectName:
            self.setObjectName(objectName)
        self.icon_name = name
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._draw()

    def colour(self) -> QColor:
        return self.palette().color(self.foregroundRole())

    def side(self) -> int:
        return QFontMetrics(self.font()).height()

    def _draw(self) -> None:
        side = self.side()
        self.setPixmap(pixmap(self.icon_name, side, self.colour(), self.devicePixelRatioF()))
        self.setFixedSize(QSize(side, side))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.StyleChange,
            QEvent.Type.FontChange,
        ):
            self._draw()
