"""A widget given its object name where it is made: the style sheet (``resources/style.qss``)
styles by object name. ``named(QLabel(), "Card")`` is ``QLabel(objectName="Card")``, which
PySide6's stubs refuse (they type a constructor's keyword properties only in part)."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

W = TypeVar("W", bound=QObject)


def named(made: W, name: str) -> W:
    """``made``, its object name set to ``name``."""
    made.setObjectName(name)
    return made
