"""The screenshot gallery (issue 15): ``authdesk demo --gallery`` stages every state of the
desk on the product's windows, and each state shows what it is named for; on one 1366×768
screen every element row and every checklist row is whole (the column scrolls, nothing is
squeezed to one row). Real Qt widgets, offscreen; the gallery's own process for the files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from sim import gallery, lead_gallery
from ui import i18n, theme
from ui.main_window import MainWindow


def _state(name: str) -> Any:
    return gallery._state(name, seed=6)


def _fully_shown(window: MainWindow) -> None:
    """Every row of the element table and of the checklist inside its view: nothing to scroll
    to within them (the column around them scrolls instead)."""
    QApplication.processEvents()  # the rows wrap at their width, then the list refits
    table = window.elements.table
    assert table.rowCount() >= 5
    assert table.verticalScrollBar().maximum() == 0, "an element row is cut off"
    last = table.visualRect(table.model().index(table.rowCount() - 1, 0))
    assert last.bottom() <= table.viewport().height()
    listing = window.checklist.list
    assert listing.count() >= 5
    assert listing.verticalScrollBar().maximum() == 0, "a checklist row is cut off"
    last = listing.visualRect(listing.model().index(listing.count() - 1, 0))
    assert last.bottom() <= listing.viewport().height()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_each_state_shows_what_it_is_named_for(qapp: Any, language: str) -> None:
    i18n.install(language)
    theme.apply(qapp, "light", 1.0)  # as the gallery and the workstation draw
    try:
        seen = {}
        for name in gallery.STATES:
            for stage in _state(name):
                w = stage.window
                seen[name] = True
                item = w.desk.item
                if name in ("empty", "away", "locked"):
                    assert item is None
                else:
                    assert item is not None and w.feed.counts()[1] == len(item.request.evidence)
                if name == "empty":
                    assert w.stack.currentWidget() is w.empty and not w.desk.locked
                if name == "away":
                    assert w.desk.presence == "away"
                    assert w.strip.property("presence") == "away"
                if name == "locked":
                    assert w.pages.currentWidget() is w.lock_screen
                if name == "mismatch":
                    assert w.finding_banner.isVisible() and w.desk.findings
                    assert not w.bar.btn_approve.isEnabled()
                if name == "reading":  # the reader's ✗, not the teller system's
                    assert item is not None and item.reading is not None
                    assert [f.source for f in w.desk.findings] == ["reader"]
                    assert not w.bar.btn_approve.isEnabled()
                    rows = w.elements.rows()
                    assert rows[0].source == "reader" and any(r.state == "mismatch" for r in rows)
                if name == "override":
                    assert w.bar.override_panel.isVisible()
                    assert w.bar.override_text.text() == gallery.OVERRIDE_NOTE
                if name == "rekey":
                    assert w.bar.rekey_prompt.isVisible()
                    assert w.bar.rekey_prompt.field.text() == "07"
                if name == "resubmission":
                    panel = w.card.resubmission
                    assert panel.isVisible() and panel.rows()[1][0] == (
                        "金额" if language == "zh_CN" else "Amount"
                    )
                    assert panel.new_images and w.workspace.thumbs.item(0).font().bold()
                if name == "one-screen":
                    assert w.view.column_scroll.isVisible() and stage.evidence is None
                    assert w.workspace.isVisibleTo(w)
                    assert (w.width(), w.height()) == gallery.ONE_SCREEN
                    _fully_shown(w)
                if name == "item":
                    assert stage.evidence is not None and stage.evidence.isVisible()
                    _fully_shown(w)
        assert set(seen) == set(gallery.STATES)
    finally:
        i18n.install("en")


def test_one_screen_scrolls_the_pane_that_takes_the_keys_into_view(qapp: Any) -> None:
    for stage in _state("one-screen"):
        w = stage.window
        scroll = w.view.column_scroll
        assert scroll.verticalScrollBar().maximum() > 0, "the column fits: nothing to prove"
        # F2 was pressed and two rows answered: the row the keys are on is in view, and stays
        # in view as Space moves it down to the last
        rows = w.checklist.list

        def in_view(rows: Any = rows, w: Any = w, scroll: Any = scroll) -> bool:
            rect = rows.visualRect(rows.currentIndex())
            top = rows.viewport().mapTo(w.view.column, rect.topLeft()).y()
            shown = scroll.verticalScrollBar().value()
            return shown <= top and top + rect.height() <= shown + scroll.viewport().height()

        assert rows.currentRow() == 2 and in_view()
        for _ in range(rows.count()):
            QTest.keyClick(rows, Qt.Key.Key_Space)
            assert in_view(), rows.currentRow()
        assert rows.currentRow() == rows.count() - 1


def test_the_demo_writes_every_state_in_both_languages(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    done = subprocess.run(
        [sys.executable, "-m", "app.main", "demo", "--gallery", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for language in gallery.LANGUAGES:
        for name in gallery.STATES:
            image = QImage(str(out / f"{name}-{language}.png"))
            wide, high = gallery.ONE_SCREEN if name == "one-screen" else gallery.TWO_SCREENS
            assert (image.width(), image.height()) == (wide, high), name
        for name in gallery.EVIDENCE_SHOWN:
            image = QImage(str(out / f"{name}-evidence-{language}.jpg"))
            assert (image.width(), image.height()) == gallery.TWO_SCREENS, name
        for tab in lead_gallery.TABS:  # the lead's desk on the simulated day, every tab
            image = QImage(str(out / f"lead-{tab}-{language}.png"))
            assert (image.width(), image.height()) == lead_gallery.SIZE, tab
    shots = 2 * (len(gallery.STATES) + len(gallery.EVIDENCE_SHOWN) + len(lead_gallery.TABS))
    assert f"{shots} screenshots" in done.stdout
