"""The short fault-injection run (``python -m bench.chaos`` is the long one): real processes —
a broker, three workstations deciding automatically, two teller terminals, the center — with
kill -9 and freezes at random; afterwards nothing is lost, nothing decided twice, nothing
missing at the center."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.chaos import run


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_faults_lose_nothing_and_decide_nothing_twice(tmp_path: Path) -> None:
    report = run(requests=1500, faults=8, seed=20261125, root=tmp_path)
    assert sum(report.faults.values()) >= 6, report.faults
    assert report.faults["kill_broker"] + report.faults["freeze_broker"] >= 1
    ended = sum(report.states.values())
    assert ended == report.requests == 1500, report.states
    assert report.lost == 0
    assert report.decided_twice == 0
    assert report.missing_at_center == 0
    assert len(report.recover_s) == sum(report.faults.values())  # after each, work went on
