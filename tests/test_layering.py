"""clientsvc never imports Qt: import every module with PySide6 made unimportable."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

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
