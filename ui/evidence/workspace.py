"""The evidence workspace: the item's images in one or two viewers, their thumbnails, the live
counter video and frame grabs. It lives in the evidence window on the second monitor, or inside
the main window when there is one screen."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from clientsvc.checklist import ChecklistRow
from clientsvc.imaging import Adjustment
from clientsvc.protocol.messages import EvidenceRef
from clientsvc.workstation.desk import element_rows
from clientsvc.workstation.engine import ReceivedItem
from clientsvc.workstation.resubmit import new_evidence
from ui import icons, texts, theme
from ui.evidence.library import EvidenceLibrary
from ui.evidence.video_pane import VideoBridge, VideoPane
from ui.evidence.viewer import STEP, ImageViewer
from ui.help_overlay import HelpOverlay
from ui.icons import IconLabel
from ui.named import named

THUMB = QSize(140, 90)


@dataclass(frozen=True)
class Shown:
    """One entry of the thumbnail strip: an image of the request or a grabbed frame."""

    sha256: str
    label: str
    kind: str
    regions: dict[str, list[int]]
    # the boxes of the key fields on it (amounts, accounts, names, the ID number, dates: the
    # places the element panel points at), which the watermark keeps off
    key_regions: tuple[tuple[int, int, int, int], ...] = ()
    new: bool = False  # a resubmission's image its original did not have


class EvidenceWorkspace(QWidget):
    sig_frame_grabbed = Signal(str, object, bytes)
    """The authorizer grabbed a video frame (camera id, captured_at µs, JPEG)."""
    sig_state_changed = Signal()
    """What the keys can act on changed (an image became ready, compare, the video)."""
    sig_camera_changed = Signal(object)
    """The item on screen has another counter camera, or none (camera id or None)."""
    sig_evidence_viewed = Signal(str, str, int, float)
    """An image was looked at: (request id, sha256, ms on screen, highest zoom), for the
    audit trail."""

    def __init__(self, library: EvidenceLibrary, video: VideoBridge, authorizer_id: str) -> None:
        super().__init__()
        self.library = library
        self.authorizer_id = authorizer_id
        self.item: ReceivedItem | None = None
        self._entries: list[Shown] = []
        self._failed: dict[str, str] = {}  # sha256 → code (the engine's hash check)
        self.viewers = (ImageViewer(library), ImageViewer(library))
        self._active = 0
        self._current = [0, 1]  # entry index shown in each viewer
        self.live_video = True  # False: a re-review, with no counter to watch
        self._build(video)
        library.sig_image_changed.connect(self._on_library_image_changed)
        self._watermark_timer = QTimer(self, interval=15_000)
        self._watermark_timer.timeout.connect(self._update_watermark)
        self._watermark_timer.start()
        self._update_watermark()
        self.set_item(None)

    # --- construction ------------------------------------------------------------------------

    def _build(self, video: VideoBridge) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(6)
        self.caption = named(QLabel(), "EvidenceCaption")
        # the caption's text changes with every zoom step: it must never resize the panes
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        caption_row = QHBoxLayout()
        caption_row.addWidget(self.caption, 1)
        # sharpening and the magnifier, when on: a drawn icon and a word each
        self.indicators: dict[str, QWidget] = {}
        for name, words in (
            ("sharpen", self.tr("Sharpened")),
            ("magnifier", self.tr("Magnifier")),
        ):
            badge = named(QWidget(), "Indicator")
            row = QHBoxLayout(badge)
            row.setContentsMargins(8, 0, 0, 0)
            row.setSpacing(4)
            row.addWidget(IconLabel(name, objectName="EvidenceCaption"))
            row.addWidget(named(QLabel(words), "EvidenceCaption"))
            badge.hide()
            caption_row.addWidget(badge)
            self.indicators[name] = badge
        outer.addLayout(caption_row)
        body = QSplitter(Qt.Orientation.Horizontal)
        self.panes = QSplitter(Qt.Orientation.Horizontal)
        for i, viewer in enumerate(self.viewers):
            viewer.sig_activated.connect(lambda i=i: self._activate(i))
            viewer.sig_view_changed.connect(self._update_caption)
            viewer.sig_viewed.connect(self._on_viewer_viewed)
            self.panes.addWidget(viewer)
            self.panes.setStretchFactor(i, 1)  # compared side by side: two equal halves
        self.panes.setChildrenCollapsible(False)
        self.viewers[1].hide()
        body.addWidget(self.panes)
        side = self.video_column = named(QFrame(), "VideoColumn")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        self.video = VideoPane(video)
        self.video.sig_live_changed.connect(lambda _live: self.sig_state_changed.emit())
        side_layout.addWidget(self.video)
        self.grab_hint = named(QLabel(), "FieldLabel")
        self.grab_hint.setWordWrap(True)
        side_layout.addWidget(self.grab_hint)
        # the ID card's photo under the live picture: the face check at a glance
        self.face_title = named(QLabel(self.tr("ID photo")), "FieldLabel")
        side_layout.addWidget(self.face_title)
        self.face = ImageViewer(self.library)
        self.face.setMinimumSize(200, 200)
        side_layout.addWidget(self.face, 1)
        body.addWidget(side)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 1)
        body.setSizes([1000, 420])
        outer.addWidget(body, 1)
        self.thumbs = named(QListWidget(), "Thumbnails")
        self.thumbs.setViewMode(QListWidget.ViewMode.IconMode)
        self.thumbs.setFlow(QListWidget.Flow.LeftToRight)
        self.thumbs.setWrapping(False)
        self.thumbs.setFixedHeight(128)
        self.thumbs.setIconSize(THUMB)
        self.thumbs.setGridSize(QSize(170, 118))
        self.thumbs.setWordWrap(True)
        self.thumbs.setMovement(QListWidget.Movement.Static)
        self.thumbs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.thumbs.itemClicked.connect(self._on_thumbs_item_clicked)
        row = QHBoxLayout()
        row.addWidget(self.thumbs, 1)
        outer.addLayout(row)
        self.help = HelpOverlay(self)

    # --- the item ----------------------------------------------------------------------------

    def _on_viewer_viewed(self, sha256: str, ms: int, zoom: float) -> None:
        if self.item is not None:
            self.sig_evidence_viewed.emit(self.item.request.request_id, sha256, ms, zoom)

    def flush_views(self) -> None:
        """Report what is on screen now (before a decision is signed, or the item leaves)."""
        for viewer in self.viewers:
            viewer.flush_view()

    def set_item(self, item: ReceivedItem | None) -> None:
        """Show an item's images (the first in the left pane), or nothing."""
        if item is not self.item:
            self.flush_views()  # while self.item is still the item they belong to
            for viewer in self.viewers:
                viewer.show_image(None)
        self.item = item
        self._failed = {}
        self._entries = []
        if item is not None:
            keys = {(row.kind, row.region) for row in element_rows(item.request, date.today())}
            new = (
                set(new_evidence(item.original.request, item.request))
                if item.original is not None
                else set()
            )
            self._entries = [
                Shown(
                    ref.sha256,
                    self.tr("NEW · %1").replace("%1", texts.evidence_label(ref.label, ref.kind))
                    if ref.sha256 in new
                    else texts.evidence_label(ref.label, ref.kind),
                    ref.kind,
                    dict(ref.regions),
                    tuple(
                        (x, y, w, h)
                        for name, (x, y, w, h) in ref.regions.items()
                        if (ref.kind, name) in keys
                    ),
                    ref.sha256 in new,
                )
                for ref in item.request.evidence
            ]
        self._current = [0, self._second_default()]
        self._active = 0
        self.viewers[1].hide()
        self._rebuild_thumbs()
        self._show_entries()
        self._show_face()
        camera = None if item is None else item.request.camera_id
        self.video.has_item = item is not None
        self.video.update()
        if camera != self.video.camera_id:
            self.video.watch(camera)
            self.sig_camera_changed.emit(camera)
        self._update_grab_hint()
        self.sig_state_changed.emit()

    def without_live_video(self) -> None:
        """For a re-review: no live picture, no grab hint; the ID photo's column only when
        the item has an ID card, else the images take the width."""
        self.live_video = False
        self.video.hide()
        self.grab_hint.hide()
        self._show_face()

    def _second_default(self) -> int:
        """For comparing: the ID card if there is one, else the second image."""
        for i, entry in enumerate(self._entries):
            if entry.kind.startswith("id_"):
                return i
        return min(1, max(0, len(self._entries) - 1))

    def set_failed(self, sha256: str, code: str) -> None:
        self._failed[sha256] = code
        self.library.fail(sha256, code)

    def problem(self, sha256: str) -> str:
        image = self.library.get(sha256)
        code = self._failed.get(sha256) or (image.error if image is not None else "")
        return code

    def _rebuild_thumbs(self) -> None:
        self.thumbs.clear()
        for entry in self._entries:
            item = QListWidgetItem(entry.label)
            item.setData(Qt.ItemDataRole.UserRole, entry.sha256)
            if entry.new:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.thumbs.addItem(item)
            self._update_thumb(self.thumbs.count() - 1)

    def _update_thumb(self, row: int) -> None:
        entry = self._entries[row]
        item = self.thumbs.item(row)
        image = self.library.get(entry.sha256)
        if image is not None and image.ready:
            smallest = image.levels[-1].image
            icon = smallest.scaled(
                THUMB,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            item.setIcon(QIcon(QPixmap.fromImage(icon)))
            item.setText(entry.label)
        elif self.problem(entry.sha256):
            item.setIcon(icons.icon("warning", theme.colour("error"), (THUMB.height(),)))
            item.setText("⚠ " + entry.label)
        else:
            item.setText(entry.label + " …")

    def _show_entries(self) -> None:
        for pane, viewer in enumerate(self.viewers):
            viewer.active = pane == self._active and self.viewers[1].isVisible()
            viewer.watermark = self._watermark
            if not self._entries:
                viewer.show_image(None, "" if self.item is None else self.tr("No images attached"))
                continue
            index = min(self._current[pane], len(self._entries) - 1)
            sha = self._entries[index].sha256
            viewer.key_regions = self._entries[index].key_regions
            problem = self.problem(sha)
            placeholder = texts.image_problem(problem) if problem else self.tr("Loading…")
            viewer.show_image(sha, placeholder)
            viewer.update()
        if self._entries:
            self.thumbs.setCurrentRow(min(self._current[self._active], len(self._entries) - 1))
        self._update_caption()

    def _on_library_image_changed(self, sha256: str) -> None:
        for row, entry in enumerate(self._entries):
            if entry.sha256 == sha256:
                self._update_thumb(row)
        self._show_entries()
        self._show_face()
        self.sig_state_changed.emit()

    def _show_face(self) -> None:
        """The ID card zoomed to its photo region, when the item has one."""
        card = next(
            (e for e in self._entries if e.kind == "id_front" and "photo" in e.regions), None
        )
        image = None if card is None else self.library.get(card.sha256)
        ready = image is not None and image.ready and not self.problem(card.sha256)  # type: ignore[union-attr]
        self.face.watermark = self._watermark
        self.face.key_regions = () if card is None else card.key_regions
        self.face.setVisible(card is not None)
        self.face_title.setVisible(card is not None)
        if not self.live_video:  # the column holds only the ID photo: gone without one
            self.video_column.setVisible(card is not None)
        if card is None:
            self.face.show_image(None)
            return
        self.face.show_image(card.sha256 if ready else None, self.tr("Loading…"))
        if ready and image is not None:
            self.face.zoom_to(image.region_rect(tuple(card.regions["photo"])), keep=True)

    def _on_thumbs_item_clicked(self, item: QListWidgetItem) -> None:
        self._current[self._active] = self.thumbs.row(item)
        self._show_entries()

    def _activate(self, pane: int) -> None:
        if pane == 1 and not self.viewers[1].isVisible():
            return
        self._active = pane
        self._show_entries()

    # --- what the keys act on ----------------------------------------------------------------

    def active_viewer(self) -> ImageViewer:
        return self.viewers[self._active]

    def has_image(self) -> bool:
        image = self.active_viewer().image()
        return image is not None and image.ready

    def has_video(self) -> bool:
        return self.item is not None and self.video.is_live()

    def step_image(self, delta: int) -> None:
        if self._entries:
            self._current[self._active] = (self._current[self._active] + delta) % len(self._entries)
            self._show_entries()

    def fit(self) -> None:
        self.active_viewer().fit()

    def actual_size(self) -> None:
        self.active_viewer().actual_size()

    def zoom(self, steps: int) -> None:
        self.active_viewer().zoom(STEP**steps)

    def pan(self, x: int, y: int) -> None:
        self.active_viewer().pan_step(x, y)

    def rotate(self, degrees: int) -> None:
        self.active_viewer().rotate(degrees)

    def flip(self, horizontal: bool) -> None:
        self.active_viewer().flip(horizontal)

    def adjust(self, brightness: int = 0, contrast: int = 0, sharpen: bool = False) -> None:
        viewer = self.active_viewer()
        now = viewer.adjustment
        viewer.set_adjustment(
            Adjustment(
                brightness=max(-100, min(100, now.brightness + brightness)),
                contrast=max(-50, min(100, now.contrast + contrast)),
                sharpen=now.sharpen != sharpen,
            )
        )

    def toggle_magnifier(self) -> None:
        self.active_viewer().toggle_magnifier()

    def reset_view(self) -> None:
        self.active_viewer().reset()

    def _equal_panes(self) -> None:
        """The two panes of a comparison, the same width (the splitter scales the halves)."""
        half = max(1, self.panes.width() // 2)
        self.panes.setSizes([half, half])

    def toggle_compare(self) -> None:
        second = self.viewers[1]
        second.setVisible(not second.isVisible())
        if second.isVisible():
            self._equal_panes()
        else:
            self._active = 0
        self._show_entries()
        self.sig_state_changed.emit()

    def switch_pane(self) -> None:
        if self.viewers[1].isVisible():
            self._active = 1 - self._active
            self._show_entries()
            self.sig_state_changed.emit()

    def zoom_to_row(self, row: ChecklistRow) -> None:
        """Show the image and region a checklist row is about, in the active pane."""
        if self.item is None:
            return
        located = row.locate(list(self.item.request.evidence))
        if located is not None:
            self.zoom_to_place(*located)

    def zoom_to_place(self, ref: EvidenceRef, region: tuple[int, ...]) -> None:
        """Show an image and a region of it (1/10000 of its sides) in the active pane."""
        index = next(i for i, e in enumerate(self._entries) if e.sha256 == ref.sha256)
        self._current[self._active] = index
        self._show_entries()
        image = self.library.get(ref.sha256)
        if image is not None and image.ready:
            self.active_viewer().zoom_to(image.region_rect(region))

    # --- video and grabs -----------------------------------------------------------------------

    def grab_frame(self) -> bool:
        """Grab the frame on screen (the caller records it; ``add_capture`` shows it)."""
        frame = self.video.frame
        if self.item is None or frame is None or not self.video.is_live():
            return False
        self.sig_frame_grabbed.emit(frame.header.camera_id, frame.header.captured_at_us, frame.jpeg)
        return True

    def add_capture(self, sha256: str, jpeg: bytes, captured_at_us: int) -> None:
        """A recorded grab: a new image in the strip, compared side by side with the ID photo."""
        if any(e.sha256 == sha256 for e in self._entries):
            return
        when = time.strftime("%H:%M:%S", time.localtime(captured_at_us / 1e6))
        label = self.tr("Counter camera %1").replace("%1", when)
        self.library.expect(sha256, label, "capture")
        self.library.load(sha256, jpeg)
        self._entries.append(Shown(sha256, label, "capture", {}))
        self._rebuild_thumbs()
        self._current = [len(self._entries) - 1, self._second_default()]
        self.viewers[1].show()
        self._equal_panes()
        self._active = 0
        self._show_entries()
        id_card = self._entries[self._current[1]]
        photo = id_card.regions.get("photo")
        image = self.library.get(id_card.sha256)
        if photo and image is not None and image.ready:
            self.viewers[1].zoom_to(image.region_rect(tuple(photo)))
        self._update_grab_hint()
        self.sig_state_changed.emit()

    def captures(self) -> list[str]:
        return [e.sha256 for e in self._entries if e.kind == "capture"]

    def _update_grab_hint(self) -> None:
        count = len(self.captures())
        if self.item is None:  # nothing to grab for: no hint
            self.grab_hint.setText("")
            return
        text = self.tr("G grabs the picture and puts it beside the ID photo.")
        if count:
            text += "  " + self.tr("%1 frame(s) kept with this decision.").replace("%1", str(count))
        self.grab_hint.setText(text)

    # --- caption and watermark ---------------------------------------------------------------

    def _update_watermark(self) -> None:
        self._watermark = f"{self.authorizer_id}  {time.strftime('%Y-%m-%d %H:%M')}"
        self.video.watermark = self._watermark
        for viewer in (*self.viewers, self.face):
            viewer.watermark = self._watermark
            viewer.update()
        self.video.update()

    def _update_caption(self) -> None:
        viewer = self.active_viewer()
        on = viewer.indicators() if self._entries else []
        for name, badge in self.indicators.items():
            badge.setVisible(name in on)
        if not self._entries:
            self.caption.setText("")
            return
        index = min(self._current[self._active], len(self._entries) - 1)
        entry = self._entries[index]
        pane = ""
        if self.viewers[1].isVisible():
            pane = self.tr("left pane") if self._active == 0 else self.tr("right pane")
            pane += "  ·  "
        image = viewer.image()
        size = f"{image.width}×{image.height}" if image is not None and image.width else ""
        preview = (
            self.tr("  (preview, full resolution loading)")
            if image and image.ready and not image.full
            else ""
        )
        self.caption.setText(
            f"{pane}{entry.label}   ({index + 1}/{len(self._entries)})   {size}   "
            f"SHA-256 {entry.sha256[:12]}…   {viewer.describe()}{preview}"
        )

    def thumbnail_image(self, row: int) -> QImage:
        return self.thumbs.item(row).icon().pixmap(THUMB).toImage()
