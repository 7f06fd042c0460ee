"""The demo's day at the center (issue 18, part 7): a simulated day reaches a real center through
the broker's and the workstations' own calls, and the lead's desk then shows a real day —
several authorizers, a drawn sample, reviewed items, a confirmed finding, test items with
their results — with figures that agree with what the day was made of."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clientsvc.audit.chain import ReceiptSigner
from clientsvc.center.lead import LeadDesk
from clientsvc.center.store import CenterStore
from clientsvc.identity import Directory
from clientsvc.keystore import KeyStore, MemoryKeyring
from sim.day import at, build_day, load_day, review_day

DAY = dt.date(2026, 12, 3)
PEOPLE = (("A1001", "李娜", 3), ("A1002", "陈伟", 1), ("A1003", "王强", 3), ("L9001", "张主任", 3))


def test_the_simulated_day_reaches_the_center_and_the_desk_shows_it_whole(
    center_db: str, tmp_path: Path
) -> None:
    directory = Directory(tmp_path / "directory")
    keystore = KeyStore(tmp_path, MemoryKeyring())
    for person, name, level in PEOPLE:
        roles = ("lead",) if person == "L9001" else ()
        keystore.provision(
            directory, authorizer_id=person, name=name, level=level, pin="1234", roles=roles
        )
    keys = {p: keystore.unlock(p, "1234") for p, *_ in PEOPLE if p != "L9001"}
    built = build_day(
        keys, directory, DAY, random.Random(6), requests=70, tests=6, reviewer="A1003"
    )
    store = CenterStore(
        center_db, tmp_path / "images", ReceiptSigner(Ed25519PrivateKey.generate()), directory
    )
    try:
        load_day(store, built)
        desk = LeadDesk(store, wait_target_s=60, clock=lambda: at(DAY, 17, 45))
        reviewed = review_day(desk, built, "L9001", "A1003")
        day = DAY.isoformat()
        stats = desk.stats(day, day)
        accepted = [json.loads(r["body"]) for r in built.records if r["event"] == "accepted"]
        tests = [b for b in accepted if "test" in b]
        assert stats["test_items"] == len(tests) >= 4
        assert stats["volume"] == len(accepted) - len(tests)
        assert len(stats["by_authorizer"]) == 3  # several authorizers, by name
        assert {stats["names"][p] for p in stats["by_authorizer"]} == {"李娜", "陈伟", "王强"}
        vigilance = stats["vigilance"]
        assert sum(v["tests"] for v in vigilance.values()) == len(tests)  # each one decided
        assert stats["pending"] == 3 and stats["unanswered"] == 2
        # the lead's work: a sample, blind verdicts by another, a finding the lead confirmed
        sample = desk.sample(reviewed.sample_id)
        items = {i["request_id"]: i for i in sample["items"]}
        assert len(reviewed.reviewed) >= 3 and set(reviewed.reviewed) <= set(items)
        assert not {t["request"]["request_id"] for t in tests} & set(items)  # tests never
        assert reviewed.finding is not None
        finding = desk.finding(reviewed.sample_id, reviewed.finding)
        assert (finding["outcome"], finding["state"], finding["confirmed_by"]) == (
            "error",
            "confirmed",
            "L9001",
        )
        assert finding["reviewer"] == "A1003" and "A1003" not in built.decided_by[reviewed.finding]
        # every item shown was shown by its decider, and each part of the time is measured
        assert all(fig["measured"] > 0 for fig in stats["parts"].values())
    finally:
        store.close()
