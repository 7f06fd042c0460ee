"""The lead's desk on a real day, saved as screenshots (part of ``authdesk demo --gallery DIR``).

A simulated day (``sim.day``) reaches a center on SQLite through the broker's and the
workstations' own calls; the lead draws the sample, a reviewer gives blind verdicts and
records a finding that the lead confirms. The lead's desk then opens on that center, in each
language, and every tab is saved: the board, the sample, the re-review (blind, in the
workstation's evidence viewer, then revealed after the lead's own verdict) and the statistics
(with the vigilance tests beside the re-review agreement). The desk's calls go through the
center's own dispatch (``clientsvc.center.api``), as the center service runs them, without the
socket.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.admin import DEMO_AUTHORIZERS, DEMO_LEAD
from clientsvc.audit.chain import ReceiptSigner
from clientsvc.center import api
from clientsvc.center.api import dispatch
from clientsvc.center.lead import LeadDesk
from clientsvc.center.store import CenterStore
from clientsvc.identity import Directory
from clientsvc.keystore import KeyStore, MemoryKeyring
from sim.day import Reviewed, at, build_day, load_day, review_day
from sim.gallery import wait_until
from ui import i18n
from ui.lead.window import LeadWindow

DAY = dt.date(2026, 12, 3)  # a Thursday: the gallery's pictures are the same every run
REVIEWER = "A1003"
SIZE = (1920, 1080)
TABS = ("board", "sample", "review", "review-revealed", "stats")


class LocalDesk:
    """The desk's calls as the center service dispatches them (``api.dispatch``)."""

    def __init__(self, desk: LeadDesk, actor: str) -> None:
        self.desk, self.actor = desk, actor

    def call(self, op: str, **args: Any) -> Any:
        return dispatch(self.desk, self.actor, op, args)

    def image(self, sha256: str) -> bytes:
        data = self.desk.store.image(sha256)
        if data is None:
            raise KeyError(sha256)
        return data


def make_center(root: Path, day: dt.date, seed: int = 6) -> tuple[LeadDesk, Reviewed]:
    """A center holding ``day`` and the lead's work on it (SQLite under ``root``)."""
    directory = Directory(root / "directory")
    keystore = KeyStore(root, MemoryKeyring())
    keys = {}
    for person, name, level, _ in (*DEMO_AUTHORIZERS, DEMO_LEAD):
        roles = ("lead",) if person == DEMO_LEAD[0] else ()
        keystore.provision(
            directory, authorizer_id=person, name=name, level=level, pin="1234", roles=roles
        )
        if person != DEMO_LEAD[0]:
            keys[person] = keystore.unlock(person, "1234")
    store = CenterStore(
        str(root / "center.sqlite3"),
        root / "images",
        ReceiptSigner(Ed25519PrivateKey.generate()),
        directory,
    )
    built = build_day(keys, directory, day, random.Random(seed), reviewer=REVIEWER)
    beat = {"silent_ms": 1_200, "window_ms": 7_500}
    load_day(
        store,
        built,
        workers=[
            {"authorizer_id": "A1001", "terminal_id": "WS-A1001", "state": "available", **beat},
            {"authorizer_id": "A1002", "terminal_id": "WS-A1002", "state": "away", **beat},
            {"authorizer_id": "A1003", "terminal_id": "WS-A1003", "state": "available", **beat},
        ],
    )
    # the desk's clock: the afternoon of the day after, when the sample is reviewed; the
    # board's wait clocks read the last items of the day as still open at 17:45
    desk = LeadDesk(store, wait_target_s=60, clock=lambda: at(day, 17, 45))
    return desk, review_day(desk, built, DEMO_LEAD[0], REVIEWER)


def shoot(out: Path, languages: tuple[str, ...]) -> list[Path]:
    """``lead-<tab>-<language>.png`` for every tab of the lead's desk, in ``out``."""
    saved = []
    for language in languages:  # each language on a center of its own: the same day, anew
        with tempfile.TemporaryDirectory(prefix="authdesk-lead-day-") as tmp:
            desk, reviewed = make_center(Path(tmp), DAY)
            try:
                i18n.install(language)
                saved += _shoot_one(out, language, desk, reviewed)
            finally:
                desk.store.close()
    return saved


def _shoot_one(out: Path, language: str, desk: LeadDesk, reviewed: Reviewed) -> list[Path]:
    lead, name = DEMO_LEAD[0], DEMO_LEAD[1]
    window = LeadWindow(LocalDesk(desk, lead), lead, name, board_every_ms=600_000, today=DAY)
    window.resize(*SIZE)
    window.show()
    saved: list[Path] = []

    def save(tab: str) -> None:
        path = out / f"lead-{tab}-{language}.png"
        window.grab().save(str(path))
        saved.append(path)
        print(f"gallery: {path}", flush=True)

    try:
        window.tabs.setCurrentIndex(0)
        window.refresh_board()
        wait_until(lambda: window.board_queue.rowCount() > 0, timeout_s=30)
        save("board")
        window._ask(api.SAMPLE, api.SampleRef(sample_id=reviewed.sample_id), window.show_sample)
        wait_until(lambda: window.sample is not None, timeout_s=30)
        window.tabs.setCurrentIndex(1)
        save("sample")
        # the lead re-reviews an item of the sample blind, in the workstation's viewer, then
        # gives a verdict and sees what the authorizer saw
        assert window.sample is not None
        mine = next(
            i.request_id for i in window.sample.items if i.request_id not in reviewed.reviewed
        )
        window.open_review(mine)

        def images_shown() -> bool:
            request = window._review_request
            if request is None or request.request_id != mine:
                return False
            shown = [window.review_library.get(e.sha256) for e in request.evidence]
            return all(image is not None and image.ready for image in shown)

        wait_until(images_shown, timeout_s=30)
        save("review")
        window.record_verdict("approve")
        wait_until(lambda: window.revealed is not None, timeout_s=30)
        save("review-revealed")
        window.tabs.setCurrentIndex(3)
        window.refresh_stats()
        wait_until(lambda: window.stats is not None and window.agreement is not None, timeout_s=30)
        save("stats")
    finally:
        window.close()
        window.deleteLater()
    return saved
