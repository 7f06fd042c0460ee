"""Vigilance test items at the broker (docs/PROTOCOL.md §7.16): the lead's signed test packs,
loaded from a folder, and a test item slipped into the queue after a real request, at the
pack's rate.

A test item is an entry like any other (dispatched, leased, read, decided, journalled), with
its ``test`` mark: the journal's ``accepted`` record carries the mark, so the center knows it
for a test; a teller asking for it is told no such request exists; the decision's ack tells
the authorizer what the defect was. The newest pack for today is in force; each of its cases
is used once.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from clientsvc.broker.config import BrokerConfig
from clientsvc.broker.state import Entry
from clientsvc.broker.tellers import Tellers
from clientsvc.broker.transitions import Moves
from clientsvc.clock import now_ms
from clientsvc.dual import Verdicts
from clientsvc.folderwatch import RESCAN_S, FolderWatch
from clientsvc.identity import Directory
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import AuthRequest, request_digest
from clientsvc.vigilance import LoadedPack, TestMark, fresh_request_id, load_pack

log = logging.getLogger("authdesk.broker")
MAX_DELAY_MS = 90_000  # a test item follows its real request within this
MAX_LAG_MS = 5_000  # the teller's clock behind the broker's, as a real request showed it


@dataclass
class Refused:
    folder: str
    code: str
    detail: str


@dataclass
class InForce:
    loaded: LoadedPack
    unused: list[str] = field(default_factory=list)  # case ids not injected yet


class Vigilance:
    def __init__(
        self,
        config: BrokerConfig,
        moves: Moves,
        tellers: Tellers,
        directory: Directory,
        rng: Random | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.config = config
        self.moves = moves
        self.tellers = tellers
        self.directory = directory
        self.rng = rng or secrets.SystemRandom()
        self.today = today
        self.in_force: InForce | None = None
        self.refused: list[Refused] = []
        self.used: set[tuple[str, str]] = set()  # (pack, case): from the journal, and as made
        self.injected = 0
        # drawn, not injected yet: (due at, pack, case); a restart forgets them (a new draw)
        # (due at, pack id, case id, the lag of the teller's clock to copy)
        self.due: list[tuple[int, str, str, int]] = []
        self._watch = FolderWatch(config.test_packs, RESCAN_S) if config.test_packs else None
        self._day: dt.date | None = None

    def remember(self, mark: TestMark) -> None:
        """A test item restored from the journal: its case is not used again."""
        self.used.add((mark.pack_id, mark.case_id))

    def refresh(self) -> None:
        """Read the packs folder again when it changed, or when the day turned."""
        if self._watch is None:
            return
        day = self.today()
        if self._watch.changed() is None and day == self._day:
            return
        self._day = day
        folder: Path = self._watch.folder
        self.refused = []
        best: LoadedPack | None = None
        try:
            folders = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
        except OSError as exc:  # unreadable: no test items until it can be read
            log.error("the test packs folder %s cannot be read: %s", folder, exc)
            folders = []
        for pack_dir in folders:
            try:  # a pack for another day: its signature checked, its images not read
                loaded = load_pack(pack_dir, self.directory, day=day.isoformat())
                if loaded is None:
                    log.info("test pack %s is not for %s: not used today", pack_dir.name, day)
                    continue
                self._check_images(loaded)
            except ProtocolError as err:
                log.error("%s: %s", pack_dir.name, err.detail)
                self.refused.append(Refused(pack_dir.name, err.code.value, err.detail))
                continue
            if best is None or loaded.pack.issued_at > best.pack.issued_at:
                best = loaded
        if best is None:
            self.in_force = None
            return
        taken = self.used | {(d[1], d[2]) for d in self.due}  # made, or drawn
        unused = [c.case_id for c in best.pack.cases if (best.pack.pack_id, c.case_id) not in taken]
        self.in_force = InForce(best, unused)
        log.info(
            "test pack %s by %s in force: %d of %d cases unused, %d per mille",
            best.pack.pack_id,
            best.pack.lead_id,
            len(unused),
            len(best.pack.cases),
            best.pack.rate_per_mille,
        )

    def _check_images(self, loaded: LoadedPack) -> None:
        """Each case's images pass the checks a teller's would (format, header bounds), and
        one authorizer decides it: a case that would need two approvals is refused."""
        for case_id, request in loaded.requests.items():
            if self.config.dual.approvals_needed(request) > 1:
                raise ProtocolError(
                    ErrorCode.FORBIDDEN,
                    f"test pack refused: case {case_id} would need two approvals",
                )
            blobs = list({e.sha256: loaded.images[e.sha256] for e in request.evidence}.values())
            self.tellers.check_images(request, blobs)

    def after_real(self, entry: Entry) -> None:
        """A real request was accepted: a test item follows it at the pack's rate, after a
        random delay (up to ``MAX_DELAY_MS``), so that it does not arrive on a real one's
        heels."""
        try:  # whatever fails here, the real request's handling is done and stays so
            self.refresh()
            force = self.in_force
            if force is None or not force.unused or entry.test is not None:
                return
            if self.rng.randrange(1000) >= force.loaded.pack.rate_per_mille:
                return
            case_id = force.unused.pop(self.rng.randrange(len(force.unused)))
            due = now_ms() + self.rng.randrange(MAX_DELAY_MS)
            # the teller's clock is a little behind the broker's: the test item is too
            lag = max(0, min(entry.enqueued_at - entry.request.submitted_at, MAX_LAG_MS))
            self.due.append((due, force.loaded.pack.pack_id, case_id, lag))
        except Exception:
            log.exception("vigilance: no test item this time")

    def on_timers(self, at: int) -> None:
        """The broker's timer round: the packs folder looked at; the test items due, in —
        each only while its pack is still the one in force for today (a pack withdrawn, or
        replaced, or a day that turned meanwhile: the draw is dropped)."""
        try:
            self.refresh()
            ready = [d for d in self.due if d[0] <= at]
            if not ready:
                return
            self.due = [d for d in self.due if d[0] > at]
            force = self.in_force
            for _, pack_id, case_id, lag in ready:
                if force is None or force.loaded.pack.pack_id != pack_id:
                    log.info("test item of %s dropped: the pack is no longer in force", pack_id)
                    continue
                self.inject(force.loaded, case_id, lag)
        except Exception:
            log.exception("vigilance: the test items due were dropped")

    def inject(self, loaded: LoadedPack, case_id: str, lag_ms: int = 0) -> Entry | None:
        pack = loaded.pack
        case = next(c for c in pack.cases if c.case_id == case_id)
        at = now_ms()
        raw = dict(case.request)
        raw["request_id"] = fresh_request_id(
            str(case.request["request_id"]), pack.day, self.today(), self.rng
        )
        raw["submitted_at"] = at - lag_ms
        request = AuthRequest.model_validate(raw)
        if self.moves.requests.get(request.request_id) is not None:
            return None  # 128 random bits collided: never in practice; nothing is overwritten
        mark = TestMark(
            pack_id=pack.pack_id,
            case_id=case.case_id,
            lead_id=pack.lead_id,
            defect=case.defect,
            note=case.note,
        )
        digest = request_digest(raw)
        entry = Entry(
            request,
            raw,
            digest,
            enqueued_at=at,
            deadline_at=at + request.wait_s * 1000,
            verdicts=Verdicts(needed=1),  # one decision shows whether the defect was seen
        )
        entry.test = mark
        entry.reading_status = self.tellers.reading_status()
        self.used.add((pack.pack_id, case.case_id))
        self.moves.requests.open(entry)
        self.moves.after()
        images: dict[str, tuple[str, bytes]] = {
            e.sha256: (e.mime, loaded.images[e.sha256]) for e in request.evidence
        }
        try:
            self.moves.journal.accept(
                at,
                request.request_id,
                {"request": raw, "digest": digest, "test": mark.to_dict()},
                images,
            )
        except sqlite3.Error as exc:
            log.error("journal write failed for a test item: %s", exc)
            self.moves.abandon(entry)
            return None
        self.injected += 1
        log.info("test item %s (case %s of %s)", request.request_id, case.case_id, pack.pack_id)
        self.tellers.accepted(entry)
        return entry
