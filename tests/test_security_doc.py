"""docs/SECURITY.md names a test for every attack: each one must exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _defined(module: str) -> set[str]:
    tree = ast.parse((ROOT / "tests" / f"{module}.py").read_text(encoding="utf-8"))
    names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    names |= {
        t.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    return names


def test_every_test_the_security_document_names_exists() -> None:
    text = (ROOT / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    named = re.findall(r"(?:tests/)?(test_\w+)(?:\.py)?::(\w+)", text)
    assert len(named) > 30
    missing = [f"{m}::{n}" for m, n in named if n not in _defined(m)]
    assert not missing, missing


def test_every_attack_of_the_issue_has_a_row() -> None:
    text = (ROOT / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    section = text[text.index("## The whole list of attack tests") :]
    for attack in (
        "unknown CURVE client key",
        "wrong server key",
        "forged signature",
        "revoked key",
        "replayed decision",
        "another authorizer's lease",
        "self-approval",
        "above the limit",
        "the same person twice",
        "altered after they were shown",
        "wrong PIN three times",
        "plaintext keyring",
        "Hypothesis",
    ):
        assert attack in section, attack
