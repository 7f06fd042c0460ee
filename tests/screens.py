"""What a window shows, read back from the window itself: every visible text with the font it is
drawn in, its colour and the colour actually painted behind it. The no-tofu test and the
contrast test (tests/test_screens.py) both read it, over every window of the application."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPalette, QRawFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QTabBar,
    QWidget,
)

# The fonts that draw AuthDesk's words on a terminal: the font a widget asks for, as the system
# resolves it, and Noto Sans CJK (the package depends on fonts-noto-cjk) for what it lacks.
CJK_FAMILY = "Noto Sans CJK SC"


@dataclass(frozen=True)
class Spot:
    """One visible text: where (in the window's pixels), what, in which font and colour."""

    where: str  # the widget's class and object name, for the message of a failure
    text: str
    font: QFont
    colour: QColor
    rect: QRect
    enabled: bool = True

    def large(self) -> bool:
        """WCAG's large text (18 pt, or 14 pt bold): 24 px, or 18.7 px bold."""
        px = self.font.pixelSize() if self.font.pixelSize() > 0 else self.font.pointSizeF() * 4 / 3
        return px >= 24 or (px >= 18.66 and self.font.weight() >= QFont.Weight.Bold)


def _plain(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text or "")
    return text.replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<")


def _colour(widget: QWidget, role: QPalette.ColorRole) -> QColor:
    group = QPalette.ColorGroup.Active if widget.isEnabled() else QPalette.ColorGroup.Disabled
    return widget.palette().color(group, role)


def _shown(window: QWidget, widget: QWidget, rect: QRect) -> bool:
    """The middle of the text is this widget's own pixel: not under an overlay, not scrolled
    away, not outside the window."""
    if rect.isEmpty() or not window.rect().contains(rect.center()):
        return False
    top = window.childAt(rect.center())
    while top is not None and top is not widget:
        top = top.parentWidget()
    return top is widget


def _in_window(window: QWidget, widget: QWidget, rect: QRect | None = None) -> QRect:
    local = widget.rect() if rect is None else rect
    return QRect(widget.mapTo(window, local.topLeft()), local.size())


def _item_spots(window: QWidget, view: QAbstractItemView, out: list[Spot]) -> None:
    model = view.model()
    if model is None:
        return
    port = view.viewport()

    def visit(parent: QModelIndex) -> None:
        try:
            columns = model.columnCount(parent)
        except TypeError:  # a list's model keeps it private: one column
            columns = 1
        for row in range(model.rowCount(parent)):
            for column in range(columns):
                index = model.index(row, column, parent)
                text = index.data(Qt.ItemDataRole.DisplayRole)
                rect = view.visualRect(index).intersected(port.rect())
                if text in (None, "") or rect.isEmpty():
                    continue
                brush = index.data(Qt.ItemDataRole.ForegroundRole)
                selected = view.selectionModel() is not None and (
                    view.selectionModel().isSelected(index)
                )
                if selected:  # drawn in the highlighted text's colour, whatever its own
                    colour = _colour(view, QPalette.ColorRole.HighlightedText)
                elif brush is not None:
                    colour = brush.color() if hasattr(brush, "color") else QColor(brush)
                else:
                    colour = _colour(view, QPalette.ColorRole.Text)
                font = index.data(Qt.ItemDataRole.FontRole)
                if isinstance(view, QListView) and view.viewMode() == QListView.ViewMode.IconMode:
                    # the words under the icon: the bottom lines of the cell
                    words = view.fontMetrics().lineSpacing() * 2 + 4
                    rect = rect.adjusted(0, max(0, rect.height() - words), 0, 0)
                box = _in_window(window, port, rect)
                if _shown(window, port, box):
                    out.append(
                        Spot(
                            f"{type(view).__name__}#{view.objectName()}[{row},{column}]",
                            str(text),
                            QFont(font) if font is not None else view.font(),
                            colour,
                            box,
                            view.isEnabled(),
                        )
                    )

    visit(view.rootIndex())


def _header_spots(window: QWidget, header: QHeaderView, out: list[Spot]) -> None:
    model = header.model()
    if model is None or not header.isVisible():
        return
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = model.headerData(section, header.orientation(), Qt.ItemDataRole.DisplayRole)
        position = header.sectionViewportPosition(section)
        size = header.sectionSize(section)
        if header.orientation() == Qt.Orientation.Horizontal:
            rect = QRect(position, 0, size, header.height())
        else:
            rect = QRect(0, position, header.width(), size)
        rect = rect.intersected(header.viewport().rect())
        box = _in_window(window, header.viewport(), rect)
        if text and _shown(window, header.viewport(), box):
            out.append(
                Spot(
                    f"QHeaderView[{section}]",
                    str(text),
                    header.font(),
                    _colour(header, QPalette.ColorRole.ButtonText),
                    box,
                )
            )


def spots(window: QWidget) -> list[Spot]:
    """Every visible text of a window (its title included), drawn by Qt's widgets."""
    out: list[Spot] = []
    if window.windowTitle():
        # the title bar is drawn by the desktop in its own font: the application's is the best
        # stand-in (its ground is not ours, so it takes no part in the contrast test)
        out.append(Spot("title", window.windowTitle(), window.font(), QColor(), QRect()))
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisible() or widget.window() is not window:
            continue
        box = _in_window(window, widget)
        name = f"{type(widget).__name__}#{widget.objectName()}"
        if widget.toolTip():
            out.append(
                Spot(name + " (tooltip)", widget.toolTip(), widget.font(), QColor(), QRect())
            )
        text, role = "", widget.foregroundRole()
        if isinstance(widget, QLabel):
            text = _plain(widget.text())
        elif isinstance(widget, QAbstractButton):
            text = widget.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        elif isinstance(widget, QLineEdit):
            if widget.text() and widget.echoMode() == QLineEdit.EchoMode.Normal:
                text, role = widget.text(), QPalette.ColorRole.Text
            elif not widget.text():
                text, role = widget.placeholderText(), QPalette.ColorRole.PlaceholderText
        elif isinstance(widget, QComboBox):
            text = widget.currentText()
        elif isinstance(widget, QGroupBox):
            text = widget.title().replace("&", "")
            fm_height = widget.fontMetrics().height()
            box = QRect(box.x(), box.y(), box.width(), fm_height + 4)
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                tab = _in_window(window, widget, widget.tabRect(i))
                colour = widget.tabTextColor(i)
                if not colour.isValid():
                    colour = _colour(widget, QPalette.ColorRole.WindowText)
                if _shown(window, widget, tab):
                    out.append(Spot(f"{name}[{i}]", widget.tabText(i), widget.font(), colour, tab))
        elif isinstance(widget, QHeaderView):
            _header_spots(window, widget, out)
        elif isinstance(widget, QAbstractItemView):
            _item_spots(window, widget, out)
        if text.strip() and _shown(window, widget, box):
            out.append(
                Spot(name, text, widget.font(), _colour(widget, role), box, widget.isEnabled())
            )
    return out


# --- glyphs -------------------------------------------------------------------------------------

_raw: dict[tuple[str, int, int], QRawFont] = {}


def _raw_font(font: QFont) -> QRawFont:
    key = (font.family(), font.pixelSize(), int(font.weight()))
    if key not in _raw:
        sized = QFont(font)
        if sized.pixelSize() <= 0:
            sized.setPixelSize(max(8, round(sized.pointSizeF() * 4 / 3)))
        _raw[key] = QRawFont.fromFont(sized)
    return _raw[key]


def fonts_for(font: QFont) -> list[QRawFont]:
    """The fonts that will draw a text in ``font``: the one it resolves to, then Noto CJK."""
    cjk = QFont(font)
    cjk.setFamilies([CJK_FAMILY])
    return [_raw_font(font), _raw_font(cjk)]


def missing_glyphs(text: str, font: QFont) -> list[str]:
    """The characters of ``text`` that no font drawing it has (each would be a box)."""
    chain = fonts_for(font)
    assert chain[-1].familyName() == CJK_FAMILY, "Noto Sans CJK is not installed"
    missing = []
    for ch in dict.fromkeys(text):
        if ch.isspace() or ord(ch) < 0x20 or ch in "\u200b\u00ad":
            continue
        if not any(raw.supportsCharacter(ord(ch)) for raw in chain):
            missing.append(f"{ch} U+{ord(ch):04X}")
    return missing


# --- colours ------------------------------------------------------------------------------------


def _luminance(colour: QColor) -> float:
    channels = [colour.redF(), colour.greenF(), colour.blueF()]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _commonest(image: QImage, points: list[tuple[int, int]]) -> QColor:
    """The commonest colour, near-equal colours counted together (a translucent fill over
    varied content); the exact colour is the commonest one of that group."""
    pixels = [image.pixel(x, y) & 0xFFFFFF for x, y in points]
    groups: Counter[int] = Counter(p & 0xF8F8F8 for p in pixels)
    best = groups.most_common(1)[0][0]
    rgb = Counter(p for p in pixels if p & 0xF8F8F8 == best).most_common(1)[0][0]
    return QColor((rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255)


def ground(image: QImage, rect: QRect, text: QColor) -> QColor:
    """The colour painted behind a text: the commonest colour inside its box (a label's
    ground, a button's or a banner's own fill); when that is the words' own colour (a bold
    letter or two filling a tight box), the commonest colour of the ring just around it."""
    box = rect.intersected(image.rect())
    inside = [
        (x, y)
        for y in range(box.top(), box.bottom() + 1)
        for x in range(box.left(), box.right() + 1)
    ]
    found = _commonest(image, inside)
    if (found.rgb() & 0xF8F8F8) != (text.rgb() & 0xF8F8F8):
        return found
    ring = rect.adjusted(-2, -2, 2, 2).intersected(image.rect())
    around = [
        (x, y) for x in range(ring.left(), ring.right() + 1) for y in (ring.top(), ring.bottom())
    ]
    around += [
        (x, y) for y in range(ring.top(), ring.bottom() + 1) for x in (ring.left(), ring.right())
    ]
    return _commonest(image, around)


def unreadable(window: QWidget) -> list[str]:
    """The texts of a window with too little contrast against what is painted behind them:
    4.5:1, or 3:1 for large text (WCAG AA). A disabled control is exempt (as in WCAG)."""
    image = window.grab().toImage()
    image.setDevicePixelRatio(1.0)
    if image.width() != window.width():  # a high-DPI grab: back to the window's pixels
        image = image.scaled(window.size())
    found = []
    for spot in spots(window):
        if spot.rect.isEmpty() or not spot.enabled:
            continue
        behind = ground(image, spot.rect, spot.colour)
        ratio = contrast(spot.colour, behind)
        if ratio < (3.0 if spot.large() else 4.5):
            found.append(
                f"{spot.where} {spot.text[:40]!r}: {spot.colour.name()} on {behind.name()} "
                f"= {ratio:.2f}"
            )
    return found


def tofu(window: QWidget) -> list[str]:
    """The texts of a window with a character no font drawing it has."""
    return [
        f"{spot.where} {spot.text[:50]!r}: {', '.join(missing)}"
        for spot in spots(window)
        if (missing := missing_glyphs(spot.text, spot.font))
    ]
