"""The screenshot gallery (``authdesk demo --gallery DIR``): each state of the decision desk,
in each language, on the product's own windows, saved as PNG for the README and for review.

Each state is staged on a new main window (and, for the states with images, the evidence
window of the second monitor): the items and their images are the teller simulator's, the
counter camera's picture is the simulated counter's, and the window is driven by the keys an
authorizer presses. No broker is involved: a decision the keys make is recorded here, not
sent, so that every run draws the same states from the same seed (the clock in the pictures,
the request ids and the returner's key are each run's own).

The states: ``empty``, ``item``, ``mismatch``, ``override``, ``away``, ``locked``, ``rekey``,
``resubmission`` (the main window at 1920×1080; for the item and the resubmission the evidence
window of the second monitor too), and ``one-screen`` (the item on a single 1366×768 screen,
the evidence inside).
"""

from __future__ import annotations

import atexit
import copy
import datetime as dt
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cv2
from PySide6.QtCore import QEvent, QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from clientsvc.identity import SigningKey, generate_key
from clientsvc.protocol.messages import AuthRequest, Item, Original, QueueStatus, request_digest
from clientsvc.video.frames import FrameHeader
from clientsvc.video.subscriber import VideoFrame
from clientsvc.workstation.decision import DecisionRequest
from clientsvc.workstation.engine import ReceivedItem
from clientsvc.workstation.resubmit import original_of
from sim.counter import CounterScenes, SimulatedCounter
from sim.teller import SimulatedRequest, make_request
from ui import i18n, theme
from ui.bridge import EngineBridge
from ui.evidence.library import EvidenceLibrary
from ui.evidence.video_pane import VideoBridge
from ui.evidence.workspace import EvidenceWorkspace
from ui.evidence_window import EvidenceWindow
from ui.main_window import MainWindow

STATES = (
    "empty",
    "item",
    "mismatch",
    "reading",
    "override",
    "away",
    "locked",
    "rekey",
    "resubmission",
    "one-screen",
)
EVIDENCE_SHOWN = ("item", "resubmission")  # the states whose evidence window is saved too
LANGUAGES = ("zh_CN", "en")
AUTHORIZER = ("A1001", "李娜")
PIN = "2468"
RETURNER = "A1003"
TWO_SCREENS = (1920, 1080)
ONE_SCREEN = (1366, 768)
OVERRIDE_NOTE = "已致电网点主管核实：客户当面确认金额，凭证笔误已由客户签字更正"
RETURN_WORDS = "凭证小写金额有涂改，请客户重新填写凭证后提交"


@dataclass
class StagedService:
    """Takes the desk's calls (the engine's, in the product) and records them."""

    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)

    def decide(self, decision: DecisionRequest) -> None:
        self.calls.append(("decide", (decision,)))

    def set_presence(self, state: str) -> None:
        self.calls.append(("presence", (state,)))

    def note(self, kind: str, payload: dict[str, Any], request_id: str | None = None) -> None:
        self.calls.append(("note", (kind,)))

    def item_displayed(self, request_id: str) -> None:
        pass

    def grab_frame(self, request_id: str, camera_id: str, captured_at_us: int, jpeg: bytes) -> None:
        pass


def _check_pin(pin: str) -> None:
    if pin != PIN:
        raise ValueError("wrong PIN")


@dataclass
class Stage:
    """One state's windows: the main window, the evidence window (two screens), the bridge."""

    window: MainWindow
    evidence: EvidenceWindow | None
    bridge: EngineBridge
    video: VideoBridge
    service: StagedService

    def windows(self) -> list[tuple[str, QWidget]]:
        return [("main", self.window)] + ([("evidence", self.evidence)] if self.evidence else [])


def wait_until(condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    """Run the event loop until ``condition`` holds (the images decoded, the video drawn)."""
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the gallery's window did not reach its state")
        QTimer.singleShot(20, loop.quit)
        loop.exec()


@contextmanager
def _stage(one_screen: bool = False) -> Iterator[Stage]:
    service, bridge, video = StagedService(), EngineBridge(), VideoBridge()
    library = EvidenceLibrary()
    workspace = EvidenceWorkspace(library, video, AUTHORIZER[0])
    window = MainWindow(
        service,
        bridge,
        authorizer_id=AUTHORIZER[0],
        authorizer_name=AUTHORIZER[1],
        library=library,
        workspace=workspace,
        language=i18n.current(),
        check_pin=_check_pin,
    )
    library.setParent(window)
    evidence = None
    if one_screen:
        window.embed_workspace(True)
        window.resize(*ONE_SCREEN)
    else:
        window.embed_workspace(False)
        evidence = EvidenceWindow(workspace, AUTHORIZER[0], AUTHORIZER[1])
        evidence.resize(*TWO_SCREENS)
        evidence.show()
        window.resize(*TWO_SCREENS)
    window.show()
    bridge.sig_connection_changed.emit(True, "")
    now = int(time.time() * 1000)
    bridge.sig_queue_status.emit(
        QueueStatus(
            waiting=7,
            in_review=3,
            oldest_enqueued_at=now - 95_000,
            authorizers_available=4,
            server_time=now,
        ),
        41,
        41 * 48_000,
    )
    try:
        yield Stage(window, evidence, bridge, video, service)
    finally:
        for widget in (evidence, window):
            if widget is not None:
                widget.close()
                widget.deleteLater()
        # outside a running event loop deleteLater waits for one: delete them now
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _received(sim: SimulatedRequest, lease: str = "L1", **kw: Any) -> ReceivedItem:
    raw = sim.request.to_dict()
    now = int(time.time() * 1000)
    return ReceivedItem(
        lease_id=lease,
        request=AuthRequest.model_validate(raw),
        raw=raw,
        digest=request_digest(raw),
        enqueued_at=now - 48_000,
        dispatched_at=now - 3_000,
        received_at=0,
        lease_expires_at=now + 300_000,
        attempt=1,
        **kw,
    )


def _show(stage: Stage, item: ReceivedItem, sim: SimulatedRequest) -> None:
    """The item arrives, its images are fetched and decoded, and the counter camera shows the
    person at the counter."""
    stage.bridge.sig_item_received.emit(item)
    for sha, data in sim.evidence.items():
        stage.bridge.sig_evidence_loaded.emit(item.request.request_id, sha, data)
    camera = item.request.camera_id
    if camera:
        with tempfile.TemporaryDirectory() as scenes_dir:
            scenes = CounterScenes(Path(scenes_dir))
            scenes.put(camera, sim.person, item.request.request_id)
            bgr = SimulatedCounter(camera, scenes=scenes).read(int(time.time() * 1e6))
        ok, jpeg = cv2.imencode(".jpg", bgr)
        assert ok
        header = FrameHeader(camera, 1, int(time.time() * 1e6), bgr.shape[1], bgr.shape[0])
        bgra = cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)
        stage.video.video_state(camera, "live", "")
        stage.video.video_frame(VideoFrame(header, jpeg.tobytes(), bgra, header.captured_at_us))
    window = stage.window
    wait_until(lambda: window.desk.item is item and window.feed.counts()[1] == len(sim.evidence))
    wait_until(lambda: not camera or window.workspace.video.frame is not None)
    QApplication.processEvents()


def _sim(seed: int, **kw: Any) -> SimulatedRequest:
    kw.setdefault("mismatch_rate", 0.0)
    kw.setdefault("expired_rate", 0.0)
    return make_request(random.Random(seed), today=dt.date.today(), **kw)


def _checklist(window: MainWindow, answered: int | None = None) -> None:
    """F2, then Space down the rows (all of them: Shift+Space)."""
    QTest.keyClick(window, Qt.Key.Key_F2)
    rows = window.checklist.list
    if answered is None:
        QTest.keyClick(rows, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    else:
        for _ in range(answered):
            QTest.keyClick(rows, Qt.Key.Key_Space)


def _resubmission(seed: int) -> tuple[ReceivedItem, SimulatedRequest]:
    """A transfer returned by a colleague for a voucher whose amount was altered (T01, the
    voucher needs correcting), resubmitted on a new voucher with the amount put right."""
    sim = _sim(seed, txn_type="transfer", amount_fen=3_860_000)
    first = _sim(seed, txn_type="transfer", amount_fen=3_860_000, defect="amount")
    raw_old = copy.deepcopy(sim.request.to_dict())
    raw_old["request_id"] = sim.request.request_id + "-0"
    raw_old["amount_fen"] = 3_680_000
    # the first voucher (its amount altered); the ID card is the same one
    raw_old["evidence"][0] = first.request.to_dict()["evidence"][0]
    raw_new = {**sim.request.to_dict(), "supersedes": raw_old["request_id"]}
    key = SigningKey(RETURNER, generate_key())
    decision = key.sign_decision(
        request_id=raw_old["request_id"],
        lease_id="L0",
        request_digest=request_digest(raw_old),
        evidence=[e["sha256"] for e in raw_old["evidence"]],
        verdict="return",
        reason_code="T01",
        reason_text=RETURN_WORDS,
        decided_at=int(time.time() * 1000) - 14 * 60_000,
    )
    wire = Item(
        lease_id="L1",
        request=raw_new,
        request_digest=request_digest(raw_new),
        enqueued_at=1,
        dispatched_at=2,
        lease_expires_at=3,
        attempt=1,
        original=Original(request=raw_old, decision=decision),
    )
    original = original_of(wire)
    assert original is not None, "the gallery's resubmission does not hold"
    new_sim = replace(sim, request=AuthRequest.model_validate(raw_new))
    return replace(_received(new_sim), original=original), new_sim


_OCR: Any = None  # the reader's engine, started once for the gallery's readings


def _close_ocr() -> None:
    global _OCR
    if _OCR is not None:
        _OCR.close()
        _OCR = None


def _read(item: ReceivedItem, sim: SimulatedRequest) -> ReceivedItem:
    """The item with its machine reading, made by the real reader (the shipped models)."""
    global _OCR
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from clientsvc.reading.ocr import OcrProcess
    from clientsvc.reading.reader import ReadingDesk, TextCache

    if _OCR is None:
        _OCR = OcrProcess()
        atexit.register(_close_ocr)
    desk = ReadingDesk(_OCR, TextCache(":memory:"), Ed25519PrivateKey.generate(), "DEMO-READER")
    signed = desk.read(item.request, item.digest, sim.evidence, dt.date.today())
    return replace(item, reading=signed, reading_status="")


def _unreported(sim: SimulatedRequest) -> SimulatedRequest:
    """The request as a teller system that reports nothing of its images sends it (no meta):
    only a reading of the pixels can find what is on them."""
    raw = sim.request.to_dict()
    for ref in raw["evidence"]:
        ref["meta"] = {}
    return replace(sim, request=AuthRequest.model_validate(raw))


def _state(name: str, seed: int) -> Iterator[Stage]:
    """Stage ``name``; yields once it is drawn."""
    with _stage(one_screen=name == "one-screen") as stage:
        w = stage.window
        if name in ("item", "one-screen"):
            sim = _sim(seed, txn_type="cash_withdrawal", amount_fen=2_380_000)
            _show(stage, _received(sim), sim)
            _checklist(w, answered=2)
        elif name in ("mismatch", "override"):
            sim = _sim(seed + 1, txn_type="cash_withdrawal", amount_fen=1_115_868, defect="amount")
            _show(stage, _received(sim), sim)
            if name == "override":
                _checklist(w)
                QTest.keyClick(w, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
                w.bar.override_text.insert(OVERRIDE_NOTE)  # typed through the input method
        elif name == "reading":  # the reader finds what the teller system did not report
            sim = _unreported(_sim(seed + 4, txn_type="transfer", defect="account"))
            item = _received(sim, reading_status="pending")
            _show(stage, item, sim)
            stage.bridge.sig_item_reading.emit(_read(item, sim))
            wait_until(lambda: w.desk.item is not None and w.desk.item.reading is not None)
            w.elements.table.setFocus()
            w.elements.table.setCurrentCell(
                next(i for i, r in enumerate(w.elements.rows()) if r.state == "mismatch"), 0
            )
        elif name == "away":
            stage.bridge.sig_presence_changed.emit("away")
        elif name == "locked":
            w.desk.lock("manual")
        elif name == "rekey":
            sim = _sim(seed + 2, txn_type="transfer", amount_fen=12_600_000)
            _show(stage, _received(sim, reauth_required=True), sim)
            _checklist(w)
            QTest.keyClick(w, Qt.Key.Key_F9)
            QTest.keyClicks(w.bar.rekey_prompt.field, "07")
        elif name == "resubmission":
            item, sim = _resubmission(seed + 3)
            _show(stage, item, sim)
        QApplication.processEvents()
        yield stage


def run(out: Path, languages: tuple[str, ...] = LANGUAGES, seed: int = 6) -> list[Path]:
    """Every state in every language, as ``<state>[-evidence]-<language>.png`` in ``out``."""
    app = QApplication.instance()
    assert isinstance(app, QApplication), "the gallery needs the Qt application"
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    for language in languages:
        i18n.install(language)
        theme.apply(app, "light", 1.0)
        for name in STATES:
            for stage in _state(name, seed):
                for kind, widget in stage.windows():
                    if kind == "evidence" and name not in EVIDENCE_SHOWN:
                        continue
                    # the evidence window is mostly scans and video: JPEG, a quarter the size
                    path = out / (
                        f"{name}-{language}.png"
                        if kind == "main"
                        else f"{name}-evidence-{language}.jpg"
                    )
                    widget.grab().save(str(path), quality=90 if kind == "evidence" else -1)
                    saved.append(path)
                    print(f"gallery: {path}", flush=True)
    from sim import lead_gallery  # the lead's desk on a simulated day, every tab

    saved += lead_gallery.shoot(out, languages)
    return saved
