"""clientsvc never imports Qt: import every module with PySide6 made unimportable."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import clientsvc
from tests.helpers import ROOT


def test_clientsvc_imports_without_qt() -> None:
    modules = [m.name for m in pkgutil.walk_packages(clientsvc.__path__, "clientsvc.")]
    assert len(modules) > 10
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6'):\n"
        "            raise ImportError('Qt is not allowed in clientsvc: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import importlib\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "print('ok', len(sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("ok")


def test_every_thread_the_product_starts_is_named_and_watched_for_leaks() -> None:
    """The leak check knew seven names by hand and missed audit-checkpoint and center-feed:
    every thread the product starts has a name, and the check takes them from the code."""
    from tests.conftest import OUR_THREADS, _ours
    from tests.threads import started_threads

    product = started_threads(("app", "ui", "clientsvc"))
    assert len(product) >= 8
    unnamed = [f"{s.path}:{s.line}" for s in product if not s.name]
    assert unnamed == [], f"threads started without a name: {unnamed}"
    assert {"audit-checkpoint", "center-feed", "ws-engine", "broker", "video"} <= OUR_THREADS
    assert all(_ours(s.name) for s in product)
    assert _ours("supervise-broker")  # an f-string's name, by its start


def test_the_product_runs_without_the_simulators(tmp_path: Path) -> None:
    """The terminal build leaves ``sim`` out: every product module imports without it, the
    simulators' commands are simply not there, and what needs them says so (exit code 2)."""
    import app
    import ui

    modules = [
        m.name
        for package, prefix in ((app, "app."), (ui, "ui."), (clientsvc, "clientsvc."))
        for m in pkgutil.walk_packages(package.__path__, prefix)
    ]
    code = (
        "import sys, importlib\n"
        "sys.modules['sim'] = None  # not installed\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "from app.main import build_parser, main\n"
        "parser = build_parser()\n"
        "print('commands', *parser._subparsers._group_actions[0].choices)\n"
        f"data = {str(tmp_path)!r}\n"
        "print('camera', main(['camera', '--data-dir', data, '--source', 'simulate']))\n"
        "print('autopilot', main(['workstation', '--data-dir', data, '--autopilot']))\n"
        "print('loaded', any(m == 'sim' or m.startswith('sim.') for m in sys.modules if sys.modules[m]))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "AUTHDESK_KEYRING": "memory"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["commands"].split() == [
        "workstation",
        "broker",
        "camera",
        "center",
        "lead",
        "reader",
        "admin",
    ]
    assert lines["camera"] == "2" and lines["autopilot"] == "2" and lines["loaded"] == "False"
    assert result.stderr.count("the simulators are not installed here") == 2


def test_a_source_checkout_has_the_simulators_commands() -> None:
    from app.main import build_parser

    choices = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"teller", "colleague", "demo"} <= set(choices)
