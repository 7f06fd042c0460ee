"""The images of the items in hand, on their way into the evidence library: the one on screen
decodes at once; a held item's images decode once the item on screen is painted, not against
it. Frames grabbed from the video are recorded through the engine and shown once recorded."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

from clientsvc.workstation.desk_model import Desk
from clientsvc.workstation.engine import ReceivedItem
from ui import texts
from ui.bridge import EngineBridge
from ui.evidence.library import EvidenceLibrary
from ui.evidence.workspace import EvidenceWorkspace


class EvidenceFeed(QObject):
    def __init__(
        self,
        desk: Desk,
        library: EvidenceLibrary,
        workspace: EvidenceWorkspace,
        painted: Callable[[], bool],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.desk, self.library, self.workspace = desk, library, workspace
        self._painted = painted  # the item on screen is painted (its evidence announced)
        self._held: list[tuple[str, str, bytes]] = []  # of held items, to decode later
        self._grabs: dict[str, tuple[bytes, int]] = {}  # sha256 → (jpeg, captured_at) in flight
        self._timer = QTimer(self, singleShot=True, interval=300)
        self._timer.timeout.connect(self.load_held)

    def connect_bridge(self, bridge: EngineBridge) -> None:
        bridge.sig_evidence_loaded.connect(self.loaded)
        bridge.sig_capture_recorded.connect(self.recorded)
        bridge.sig_evidence_failed.connect(self.failed)
        self.workspace.sig_frame_grabbed.connect(self.grabbed)
        self.workspace.sig_evidence_viewed.connect(self._on_workspace_evidence_viewed)

    def _on_workspace_evidence_viewed(self, rid: str, sha256: str, ms: int, zoom: float) -> None:
        payload = {"sha256": sha256, "ms": ms, "zoom_pct": round(zoom * 100)}  # integers only
        self.desk.audit("evidence_viewed", payload, rid)

    def problem(self, sha256: str) -> str:
        """Why an image cannot be shown (an error code), or ""."""
        image = self.library.get(sha256)
        return self.desk.hash_failed.get(sha256) or (image.error if image is not None else "")

    def facts(self) -> tuple[bool, str]:
        """The item on screen's images: still loading, and the first one's problem."""
        count, ready, failed = self.counts()
        refs = self.desk.item.request.evidence if self.desk.item is not None else []
        problem = next((p for r in refs if (p := self.problem(r.sha256))), "")
        return ready < count and not failed, problem

    def counts(self) -> tuple[int, int, int]:
        """The item on screen's images: how many, how many ready, how many failed."""
        refs = self.desk.item.request.evidence if self.desk.item is not None else []
        failed = sum(1 for r in refs if self.problem(r.sha256))
        ready = sum(1 for r in refs if (i := self.library.get(r.sha256)) is not None and i.ready)
        return len(refs), ready, failed

    def expect(self, item: ReceivedItem) -> None:
        for ref in item.request.evidence:
            self.library.expect(
                ref.sha256,
                texts.evidence_label(ref.label, ref.kind),
                ref.kind,
                item=item.request.request_id,
            )

    def loaded(self, request_id: str, sha256: str, data: bytes) -> None:
        item = self.desk.item
        if item is not None and item.request.request_id == request_id:
            self.library.load(sha256, data)
        elif any(i.request.request_id == request_id for i in self.desk.upcoming):
            self._held.append((request_id, sha256, data))
            if item is None or self._painted():
                self.load_held()
            else:
                self._timer.start()

    def failed(self, request_id: str, sha256: str, code: str) -> None:
        if self.desk.image_failed(request_id, sha256, code):  # on screen: marked there
            self.workspace.set_failed(sha256, code)

    def load_held(self) -> None:
        held, self._held = self._held, []
        upcoming = {i.request.request_id for i in self.desk.upcoming}
        for request_id, sha256, data in held:
            if request_id in upcoming:
                self.library.load(sha256, data)

    def shown(self, item: ReceivedItem | None) -> None:
        """A new item on screen (or none): only the items in hand keep their images."""
        self._grabs.clear()  # a grab not yet recorded belongs to the item before
        self.workspace.set_item(item)
        if item is not None:
            for ref in item.request.evidence:
                if code := self.desk.hash_failed.get(ref.sha256):
                    self.workspace.set_failed(ref.sha256, code)
        self.library.keep_only({r.sha256 for i in self.desk.in_hand() for r in i.request.evidence})

    def drop_all(self) -> None:
        self._held.clear()
        self._grabs.clear()
        self.library.keep_only(set())

    def grabbed(self, camera_id: str, captured_at_us: int, jpeg: bytes) -> None:
        if self.desk.item is None:
            return
        self._grabs[hashlib.sha256(jpeg).hexdigest()] = (jpeg, captured_at_us)
        rid = self.desk.item.request.request_id
        self.desk.service.grab_frame(rid, camera_id, captured_at_us, jpeg)

    def recorded(self, request_id: str, sha256: str) -> None:
        grabbed = self._grabs.pop(sha256, None)
        item = self.desk.item
        if grabbed is not None and item is not None and item.request.request_id == request_id:
            self.workspace.add_capture(sha256, grabbed[0], grabbed[1])


def workspace_handlers(ws: EvidenceWorkspace) -> dict[str, Callable[[], Any]]:
    """The evidence keys (``ui/actions.py``), on the workspace wherever it is."""
    return {
        "next_image": lambda: ws.step_image(1),
        "previous_image": lambda: ws.step_image(-1),
        "fit": ws.fit,
        "actual_size": ws.actual_size,
        "zoom_in": lambda: ws.zoom(1),
        "zoom_out": lambda: ws.zoom(-1),
        "pan_left": lambda: ws.pan(-1, 0),
        "pan_right": lambda: ws.pan(1, 0),
        "pan_up": lambda: ws.pan(0, -1),
        "pan_down": lambda: ws.pan(0, 1),
        "rotate_right": lambda: ws.rotate(90),
        "rotate_left": lambda: ws.rotate(-90),
        "flip_horizontal": lambda: ws.flip(True),
        "flip_vertical": lambda: ws.flip(False),
        "brighter": lambda: ws.adjust(brightness=15),
        "darker": lambda: ws.adjust(brightness=-15),
        "more_contrast": lambda: ws.adjust(contrast=15),
        "less_contrast": lambda: ws.adjust(contrast=-15),
        "sharpen": lambda: ws.adjust(sharpen=True),
        "magnifier": ws.toggle_magnifier,
        "compare": ws.toggle_compare,
        "switch_pane": ws.switch_pane,
        "reset_view": ws.reset_view,
        "grab_frame": ws.grab_frame,
    }
