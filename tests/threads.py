"""The threads the code starts, found where they are created: every ``threading.Thread(…)``
call in the product's packages and the benchmarks, with its ``name=``. The leak check of
``tests/conftest.py`` watches these names, so a new thread is watched the day it is written."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "ui", "clientsvc", "sim", "tests")


@dataclass(frozen=True)
class Started:
    """One place that starts a thread: its file and line, and its name (a literal, or the
    literal start of an f-string; "" when it has none)."""

    path: str
    line: int
    name: str
    prefix: bool  # the name is an f-string: threads named ``name…``


def _is_thread_call(node: ast.Call) -> bool:
    f = node.func
    return (isinstance(f, ast.Attribute) and f.attr == "Thread") or (
        isinstance(f, ast.Name) and f.id == "Thread"
    )


def started_threads(packages: tuple[str, ...] = PACKAGES) -> list[Started]:
    found = []
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and _is_thread_call(node)):
                    continue
                name, prefix = "", False
                for kw in node.keywords:
                    if kw.arg != "name":
                        continue
                    if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                        name = kw.value.value
                    elif isinstance(kw.value, ast.JoinedStr) and kw.value.values:
                        head = kw.value.values[0]
                        if isinstance(head, ast.Constant) and isinstance(head.value, str):
                            name, prefix = head.value, True
                found.append(Started(str(path.relative_to(ROOT)), node.lineno, name, prefix))
    return found


def watched(started: list[Started]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The exact names and the name prefixes the leak check watches."""
    names = frozenset(s.name for s in started if s.name and not s.prefix)
    prefixes = tuple(sorted({s.name for s in started if s.name and s.prefix}))
    return names, prefixes
