"""Every input that ever broke something (``tests/corpus/<target>/``), and every fuzz seed,
replayed through its fuzz target's real entry point (``bench/fuzz_targets.py``): each must be
answered with a code or dropped. ``python -m bench.fuzz`` adds what it finds to the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.fuzz_targets import CORPUS, TARGETS, make


def _kept(target: str) -> list[Path]:
    folder = CORPUS / target
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


@pytest.mark.parametrize("name", TARGETS)
def test_every_kept_input_and_seed_is_answered_with_a_code_or_dropped(name: str) -> None:
    target = make(name)
    try:
        for seed in target.seeds():
            target(seed)
        for path in _kept(name):
            try:
                target(path.read_bytes())
            except BaseException as exc:
                raise AssertionError(f"{path.relative_to(CORPUS)}: {exc!r}") from exc
    finally:
        close = getattr(target, "close", None)
        if close is not None:
            close()


def test_the_corpus_holds_inputs_for_every_target() -> None:
    assert [t for t in TARGETS if not _kept(t)] == []
