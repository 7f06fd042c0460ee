"""Turns the engine's callbacks (engine thread) into queued Qt signals (GUI thread)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from clientsvc.audit.sync import SyncStatus
from clientsvc.protocol.messages import QueueStatus
from clientsvc.workstation.desk_model import Desk
from clientsvc.workstation.engine import ReceivedItem


class EngineBridge(QObject):
    """Implements ``WorkstationEvents``; lives on the GUI thread, emitted from the engine's."""

    sig_connection_changed = Signal(bool, str)
    """The broker link went up (True) or down (False, with why)."""
    sig_presence_changed = Signal(str)
    """The broker confirmed a presence state: available, away, signed_out."""
    sig_item_received = Signal(object)
    """A leased item (ReceivedItem) was recorded and is ready to show."""
    sig_item_revoked = Signal(str, str)
    """An item was taken back (request id, reason)."""
    sig_item_reading = Signal(object)
    """The machine reading of an item in hand arrived, or its status changed (ReceivedItem)."""
    sig_evidence_loaded = Signal(str, str, object)
    """Image bytes arrived and matched their hash (request id, sha256, bytes)."""
    sig_evidence_failed = Signal(str, str, str)
    """An image could not be fetched or failed its hash (request id, sha256, code)."""
    sig_decision_settled = Signal(str, bool, str, str)
    """The broker accepted or refused a decision (request id, accepted, code, detail)."""
    sig_capture_recorded = Signal(str, str)
    """A grabbed camera frame was recorded with the item (request id, sha256)."""
    sig_queue_status = Signal(object, int, int)
    """Queue figures (QueueStatus) and my decisions today (count, total ms)."""
    sig_failed = Signal(str, str)
    """Something failed that the user must know about (code, detail)."""
    sig_decisions_unresolved = Signal(list)
    """Decisions signed and recorded before a crash, resent: outcome unknown until answered."""
    sig_test_revealed = Signal(str, str, str, bool)
    """The decided item was a vigilance test (request id, defect code, note, caught)."""
    sig_sync_status = Signal(object)
    """The audit sync to the center (SyncStatus): events not yet there, since when."""

    def connection_changed(self, connected: bool, detail: str) -> None:
        self.sig_connection_changed.emit(connected, detail)

    def presence_changed(self, state: str) -> None:
        self.sig_presence_changed.emit(state)

    def item_received(self, item: ReceivedItem) -> None:
        self.sig_item_received.emit(item)

    def item_revoked(self, request_id: str, reason: str) -> None:
        self.sig_item_revoked.emit(request_id, reason)

    def item_reading(self, item: ReceivedItem) -> None:
        self.sig_item_reading.emit(item)

    def evidence_loaded(self, request_id: str, sha256: str, data: bytes) -> None:
        self.sig_evidence_loaded.emit(request_id, sha256, data)

    def evidence_failed(self, request_id: str, sha256: str, code: str) -> None:
        self.sig_evidence_failed.emit(request_id, sha256, code)

    def decision_settled(self, request_id: str, accepted: bool, code: str, detail: str) -> None:
        self.sig_decision_settled.emit(request_id, accepted, code, detail)

    def capture_recorded(self, request_id: str, sha256: str) -> None:
        self.sig_capture_recorded.emit(request_id, sha256)

    def queue_status(self, status: QueueStatus, my_count: int, my_total_ms: int) -> None:
        self.sig_queue_status.emit(status, my_count, my_total_ms)

    def failed(self, code: str, detail: str) -> None:
        self.sig_failed.emit(code, detail)

    def sync_status(self, status: SyncStatus) -> None:
        self.sig_sync_status.emit(status)

    def decisions_unresolved(self, request_ids: list[str]) -> None:
        self.sig_decisions_unresolved.emit(list(request_ids))

    def test_revealed(self, request_id: str, defect: str, note: str, caught: bool) -> None:
        self.sig_test_revealed.emit(request_id, defect, note, caught)

    def drive(self, desk: Desk) -> None:
        """The engine's events that are the desk's to judge go straight to it."""
        self.sig_connection_changed.connect(lambda up, _detail: desk.set_connected(up))
        self.sig_presence_changed.connect(desk.set_presence)
        self.sig_item_revoked.connect(desk.revoke)
        self.sig_item_reading.connect(desk.reading_arrived)
        self.sig_decision_settled.connect(lambda rid, ok, code, _: desk.settle(rid, ok, code))
        self.sig_decisions_unresolved.connect(desk.set_unresolved)
