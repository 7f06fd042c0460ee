"""Run by tests/test_placement.py in its own process (the Qt platform, with its screens, is
chosen per process): sign in, report where the windows went, optionally move them and sign in
again to see them restored."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.admin import ensure_demo_identities
from app.config import load_settings
from app.keys import make_keystore
from app.workstation import WorkstationApp, make_qapplication


def where(session: WorkstationApp) -> dict[str, object]:
    main = session.window
    assert main is not None
    evidence = session.evidence_window

    def describe(window: object) -> object:
        if window is None:
            return None
        return {"screen": window.screen().name(), "rect": list(window.geometry().getRect())}  # type: ignore[attr-defined]

    return {
        "main": describe(main),
        "evidence": describe(evidence),
        "embedded": main.workspace.window() is main,
    }


def main() -> int:
    data, action = Path(sys.argv[1]), sys.argv[2]
    settings = load_settings(
        None,
        data_dir=data,
        keyring="memory",
        demo_secrets_file=data / "demo-secrets.json",
        broker_endpoint="tcp://127.0.0.1:9",  # nothing there: placement needs no broker
        video_endpoint="",
        transport="plain",
    )
    ensure_demo_identities(settings)
    qapp = make_qapplication()
    session = WorkstationApp(settings, make_keystore(settings))
    session.on_signed_in(session.keystore.unlock("A1001", "123456"))
    qapp.processEvents()
    report = {"first": where(session)}
    if action == "move":
        assert session.evidence_window is not None and session.window is not None
        geometry = session.evidence_window.geometry()
        session.evidence_window.setGeometry(geometry.adjusted(200, 100, -300, -150))
        session.window.setGeometry(session.window.geometry().adjusted(50, 40, -400, -200))
        qapp.processEvents()
        report["moved"] = where(session)
        session.close()
        again = WorkstationApp(settings, make_keystore(settings))
        again.on_signed_in(again.keystore.unlock("A1001", "123456"))
        qapp.processEvents()
        report["restored"] = where(again)
        again.close()
    elif action == "close-evidence":
        assert session.evidence_window is not None and session.window is not None
        session.evidence_window.close()  # the authorizer closes the second window
        qapp.processEvents()
        report["after_close"] = where(session)
        report["after_close"]["visible"] = session.window.workspace.isVisibleTo(session.window)  # type: ignore[index]
        session.window.close()  # closing the main window signs out
        report["signed_out"] = session.engine is None  # type: ignore[assignment]
    else:
        session.close()
    print("PLACEMENT " + json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
