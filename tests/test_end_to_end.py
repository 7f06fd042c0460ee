"""Real processes on loopback: a broker process, teller processes, the workstation offscreen."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.admin import ensure_demo_identities
from app.config import load_settings
from app.keys import make_keystore
from app.workstation import WorkstationApp
from tests.helpers import ROOT, authdesk, free_port, wait_for_broker
from tests.test_ui import answer_checklist, approve, rekey_if_asked

pytestmark = pytest.mark.slow


def _decide(qtbot: Any, window: Any, verdict: str) -> None:
    if verdict == "approve":
        approve(qtbot, window)
    elif verdict == "reject":
        qtbot.keyClick(window, Qt.Key.Key_F10)
        qtbot.keyClicks(window.bar.reason_list, "8")  # R08 suspected fraud
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    else:
        qtbot.keyClick(window, Qt.Key.Key_F11)
        qtbot.keyClicks(window.bar.reason_list, "2")  # T02 rescan
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def _broker_and_session(
    tmp_path: Path, spawned: list[subprocess.Popen[str]], **overrides: Any
) -> tuple[Any, dict[str, str], str, WorkstationApp, subprocess.Popen[str]]:
    """A broker process over CURVE and a workstation session (not signed in yet)."""
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    settings = load_settings(
        None,
        env={},
        data_dir=tmp_path,
        keyring="memory",
        demo_secrets_file=tmp_path / "demo-secrets.json",
        broker_endpoint=endpoint,
        heartbeat_ms=300,
        terminal_id="DEMO-WS-01",
        video_endpoint="",
        **overrides,
    )
    ensure_demo_identities(settings)  # with CURVE keys for the broker and the demo terminals
    keys = {
        "AUTHDESK_KEYRING": "memory",
        "AUTHDESK_DEMO_SECRETS_FILE": str(settings.demo_secrets_file),
        "AUTHDESK_VIDEO_ENDPOINT": "",
    }
    broker = authdesk(
        "broker",
        "--data-dir",
        str(tmp_path),
        "--endpoint",
        endpoint,
        "--heartbeat-ms",
        "300",
        env=keys,
    )
    spawned.append(broker)
    session = WorkstationApp(settings, make_keystore(settings))
    wait_for_broker(endpoint, transport=session.transport)  # over CURVE, as the workstation
    return settings, keys, endpoint, session, broker


def _submit(
    tmp_path: Path,
    endpoint: str,
    keys: dict[str, str],
    seed: int,
    *extra: str,
    txn_type: str = "password_reset",  # one approval (dual authorization has its own tests)
) -> subprocess.Popen[str]:
    return authdesk(
        "teller",
        "submit",
        "--data-dir",
        str(tmp_path),
        "--broker",
        endpoint,
        "--seed",
        str(seed),
        "--type",
        txn_type,
        *extra,
        env={**keys, "AUTHDESK_TERMINAL_ID": "DEMO-TELLER"},
    )


def test_teller_to_screen_to_signed_decision(
    qtbot: Any, tmp_path: Path, spawned: list[subprocess.Popen[str]]
) -> None:
    settings, keys, endpoint, session, broker = _broker_and_session(tmp_path, spawned)
    window = session.on_signed_in(session.keystore.unlock("A1001", "123456"))
    qtbot.addWidget(window)
    expected = {
        "approve": ("approved", ""),
        "reject": ("rejected", "R08"),
        "return": ("returned", "T02"),
    }
    try:
        for seed, verdict in enumerate(expected, start=11):
            with qtbot.waitSignal(window.sig_evidence_shown, timeout=30_000):
                teller = _submit(tmp_path, endpoint, keys, seed, "--wait", "120")
                spawned.append(teller)
            _decide(qtbot, window, verdict)
            output, _ = teller.communicate(timeout=60)
            state, code = expected[verdict]
            line = next(line for line in output.splitlines() if line.startswith("teller: "))
            assert f" {state} by A1001" in line and "(signature verified)" in line, output
            assert code in line
            assert teller.returncode == 0
    finally:
        session.close()
        broker.terminate()
        broker.wait(10)
    from clientsvc.audit import AuditStore

    store = AuditStore(settings.audit_path)
    kinds = [e["kind"] for e in store.events()]
    assert kinds.count("item_received") == 3 and kinds.count("decision_acked") == 3
    assert kinds.count("evidence_viewed") >= 3  # what was looked at, before each decision
    assert store.verify_chain() == []
    store.close()


def _single_approval_mismatch_seed() -> int:
    """A seed whose simulated cash withdrawal (amount written otherwise on the voucher) needs
    one approval: the teller process draws the same request from it."""
    import random

    from clientsvc.dual import DualPolicy
    from sim.teller import make_request

    for seed in range(100, 200):
        sim = make_request(random.Random(seed), txn_type="cash_withdrawal", mismatch_rate=1.0)
        if DualPolicy().approvals_needed(sim.request) == 1:
            return seed
    raise AssertionError("no seed")


def test_a_mismatch_refuses_f9_and_the_override_reaches_the_teller_signed(
    qtbot: Any, tmp_path: Path, spawned: list[subprocess.Popen[str]]
) -> None:
    """Real processes: a voucher that disagrees with its request reaches the workstation; F9 is
    refused; the override (reason, PIN) is signed, and the teller process verifies it and sees
    that it was an override."""
    settings, keys, endpoint, session, broker = _broker_and_session(tmp_path, spawned)
    window = session.on_signed_in(session.keystore.unlock("A1001", "123456"))
    qtbot.addWidget(window)
    seed = _single_approval_mismatch_seed()
    note = "customer confirmed the amount at the counter; voucher corrected and initialled"
    try:
        with qtbot.waitSignal(window.sig_evidence_shown, timeout=30_000):
            teller = _submit(
                tmp_path,
                endpoint,
                keys,
                seed,
                "--mismatch",
                "--wait",
                "120",
                txn_type="cash_withdrawal",
            )
            spawned.append(teller)
        assert window.finding_banner.isVisible()
        qtbot.keyClick(window, Qt.Key.Key_F9)
        assert "Approval refused" in window.banner.text() and teller.poll() is None
        answer_checklist(qtbot, window)
        qtbot.keyClick(window, Qt.Key.Key_F9)  # the checklist answered: still refused
        assert "Approval refused" in window.banner.text() and teller.poll() is None
        qtbot.keyClick(window, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
        qtbot.keyClicks(window.bar.override_text, note)
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        rekey_if_asked(qtbot, window)
        assert window.bar.pin_prompt.isVisible()  # the PIN again, for every override
        qtbot.waitUntil(window.bar.pin_prompt.field.isEnabled, timeout=10_000)
        qtbot.keyClicks(window.bar.pin_prompt.field, "123456")
        qtbot.keyClick(window.bar.pin_prompt.field, Qt.Key.Key_Return)
        # the PIN is checked on the pool: the event loop runs until it is back and signed
        qtbot.waitUntil(lambda: not window.bar.pin_prompt.isVisible(), timeout=10_000)
        output, _ = teller.communicate(timeout=60)
        line = next(line for line in output.splitlines() if line.startswith("teller: "))
        assert " approved by A1001" in line and "(signature verified)" in line, output
        assert f"OVERRIDE of amount: {note}" in line, output
    finally:
        session.close()
        broker.terminate()
        broker.wait(10)
    from clientsvc.audit import AuditStore

    store = AuditStore(settings.audit_path)
    kinds = [e["kind"] for e in store.events()]
    assert kinds.count("approve_refused") == 2 and kinds.count("override_opened") == 1
    decided = [json.loads(e["payload"]) for e in store.events() if e["kind"] == "decision"]
    assert decided and decided[-1]["override"]["findings"] == ["amount"]
    store.close()


def test_a_lock_gives_the_item_back_and_three_wrong_pins_end_the_session(
    qtbot: Any, tmp_path: Path, spawned: list[subprocess.Popen[str]]
) -> None:
    settings, keys, endpoint, session, broker = _broker_and_session(tmp_path, spawned)
    window = session.on_signed_in(session.keystore.unlock("A1001", "123456"))
    qtbot.addWidget(window)

    def pin(field: Any, text: str) -> None:
        qtbot.waitUntil(field.isEnabled, timeout=10_000)
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key.Key_Return)

    try:
        with qtbot.waitSignal(window.sig_evidence_shown, timeout=30_000) as shown:
            teller = _submit(tmp_path, endpoint, keys, 21, "--wait", "120")
            spawned.append(teller)
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert window.desk.locked and window.desk.item is None
        # unlocked, the item the broker took back comes again: this is the only authorizer
        with qtbot.waitSignal(window.sig_evidence_shown, timeout=30_000) as again:
            pin(window.lock_screen.field, "123456")
        assert again.args == shown.args
        approve(qtbot, window)
        output, _ = teller.communicate(timeout=60)
        assert "approved by A1001" in output and "(signature verified)" in output, output
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        for wrong in ("111111", "222222"):
            pin(window.lock_screen.field, wrong)
            qtbot.waitUntil(
                lambda: "Wrong PIN" in window.lock_screen.message.text(), timeout=10_000
            )
        with qtbot.waitSignal(window.sig_locked_out, timeout=10_000):
            pin(window.lock_screen.field, "333333")
        qtbot.waitUntil(lambda: session.window is None, timeout=10_000)
        dialog = session.signin_dialog
        assert dialog is not None and dialog.isVisible()
        assert "locked until" in dialog.message.text()
        assert dialog.authorizer_id.text() == "A1001"
        # the right PIN does not get in before the lock-out ends
        qtbot.keyClicks(dialog.pin, "123456")
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.button.isEnabled(), timeout=10_000)
        assert "locked until" in dialog.message.text() and session.window is None
    finally:
        session.close()
        broker.terminate()
        broker.wait(10)
    from clientsvc.audit import AuditStore

    store = AuditStore(settings.audit_path)
    kinds = [e["kind"] for e in store.events()]
    assert kinds.count("locked") == 2 and kinds.count("unlocked") == 1
    assert kinds.count("pin_refused") == 3
    states = [json.loads(e["payload"])["state"] for e in store.events("presence")]
    assert "locked" in states and "available" in states
    assert store.verify_chain() == []
    store.close()


def test_demo_runs_headless_and_saves_a_screenshot(
    tmp_path: Path, spawned: list[subprocess.Popen[str]]
) -> None:
    shots = tmp_path / "shots"
    demo = authdesk(
        "demo",
        "--data-dir",
        str(tmp_path / "data"),
        "--screenshot",
        str(shots),
        "--quit-after",
        "20",
        "--autopilot",
        "--rate",
        "2",
        "--language",
        "zh_CN",
        env={"QT_QPA_PLATFORM": f"offscreen:configfile={ROOT / 'resources' / 'screens-two.json'}"},
    )
    spawned.append(demo)
    output, _ = demo.communicate(timeout=120)
    assert demo.returncode == 0, output[-3000:]
    assert (shots / "main-zh_CN.png").stat().st_size > 50_000  # in the language asked for
    assert (shots / "evidence-zh_CN.png").stat().st_size > 50_000  # the second monitor's
    assert "watched, publishing" in output  # the live video of the item's counter camera
    verified = [
        line
        for line in output.splitlines()
        if line.startswith("teller: ")
        and ("signature verified" in line or "signatures verified" in line)
    ]
    assert len(verified) >= 3, output[-3000:]
    assert "REFUSED" not in output
    assert (tmp_path / "data" / "broker" / "journal.sqlite3").exists()
    assert (tmp_path / "data" / "audit.sqlite3").exists()
    assert (tmp_path / "data" / "center" / "center.sqlite3").exists()
