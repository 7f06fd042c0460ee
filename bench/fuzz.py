"""Coverage-guided fuzzing of every place a hostile peer's bytes enter (issue 14 §3).

    python -m bench.fuzz --quick          # 20,000 inputs per target (what CI runs)
    python -m bench.fuzz                  # 1,000,000 inputs per target
    python -m bench.fuzz --runs 5000 --targets broker,image

Each target (``bench/fuzz_targets.py``) runs in a process of its own under atheris (libFuzzer
for Python, coverage-guided), two at a time, starting from its seeds and from every input kept
under ``tests/corpus/<target>/``. libFuzzer's own limits make the budgets hard: an input that
takes longer than ``--timeout`` seconds, or a process past ``--rss-limit-mb``, is a finding like
an uncaught exception. An input that broke something is copied to ``tests/corpus/<target>/``,
where the test suite replays it from then on.

Beside the targets, the same run measures the raw limit: the executions per second of an empty
target under the same fuzzer (what the fuzzer itself costs).

Prints a table and ends with
``RESULT fuzz_targets=… fuzz_inputs=… fuzz_crashes=… fuzz_peak_rss_mb=…``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import ROOT, result_line
from bench.fuzz_targets import CORPUS, TARGETS

QUICK_RUNS = 20_000
FULL_RUNS = 1_000_000


def _child(name: str, runs: int, workdir: Path, timeout_s: int, rss_mb: int) -> None:
    """One target under atheris; libFuzzer ends the process itself."""
    import logging

    import atheris

    logging.disable(logging.CRITICAL)  # refusals are logged by the product: millions of lines
    seeds_dir, corpus_dir = workdir / "seeds", workdir / "corpus"
    seeds_dir.mkdir(parents=True, exist_ok=True)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    if name == "bare":

        def target(data: bytes) -> None:
            return None

        seeds = [b"x"]
        mutate = None
    else:
        with atheris.instrument_imports(include=["clientsvc", "app", "ui"]):
            from bench.fuzz_targets import make

            target = make(name)
            seeds = target.seeds()
            for seed in seeds:  # every module the target reaches is imported (instrumented) now
                target(seed)
        mutate = getattr(target, "mutate", None)
    for seed in seeds:
        (seeds_dir / hashlib.sha256(seed).hexdigest()[:16]).write_bytes(seed)
    dictionary = workdir / "tokens.dict"
    words = getattr(target, "tokens", lambda: [])()
    dictionary.write_text("".join(f'"{_escape(w)}"\n' for w in words), "ascii")
    dirs = [str(corpus_dir), str(seeds_dir)]
    if (CORPUS / name).is_dir():
        dirs.append(str(CORPUS / name))

    def one(data: bytes) -> None:
        target(data)

    kwargs = {}
    if mutate is not None:

        def base(data: bytes, max_size: int) -> bytes:
            return bytes(atheris.Mutate(data, max_size))

        def custom(data: bytes, max_size: int, seed: int) -> bytes:
            return bytes(mutate(data, max_size, seed, base))

        kwargs["custom_mutator"] = custom
    argv = [
        sys.argv[0],
        f"-runs={runs}",
        f"-timeout={timeout_s}",
        f"-rss_limit_mb={rss_mb}",
        f"-malloc_limit_mb={rss_mb}",
        "-max_len=262144",
        "-len_control=0",  # whole seeds from the start: most are longer than a few bytes
        *([f"-dict={dictionary}"] if words else []),
        "-print_final_stats=1",
        f"-artifact_prefix={workdir}/",
        *dirs,
    ]
    atheris.Setup(argv, one, **kwargs)
    atheris.Fuzz()


def _escape(word: bytes) -> str:
    """A libFuzzer dictionary entry: printable ASCII as itself, anything else as \\xNN."""
    return "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\x{b:02x}" for b in word)


@dataclass
class Outcome:
    target: str
    runs: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    crashes: int = 0
    exit_code: int = 0
    kept: list[str] | None = None
    rate: float = 0.0  # libFuzzer's own count of executions per second (start-up excluded)

    @property
    def per_s(self) -> float:
        return self.rate or (self.runs / self.seconds if self.seconds else 0.0)


def _run(name: str, runs: int, timeout_s: int, rss_mb: int, log_dir: Path) -> Outcome:
    workdir = Path(tempfile.mkdtemp(prefix=f"authdesk-fuzz-{name}-"))
    log = log_dir / f"{name}.log"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONHASHSEED": "0"}
    command = [sys.executable, "-m", "bench.fuzz", "--child", name, "--runs", str(runs)]
    command += [
        "--workdir",
        str(workdir),
        "--timeout",
        str(timeout_s),
        "--rss-limit-mb",
        str(rss_mb),
    ]
    started = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    outcome = Outcome(name, seconds=time.monotonic() - started, exit_code=proc.returncode)
    text = log.read_text("utf-8", "replace")
    done = re.findall(r"stat::number_of_executed_units: (\d+)", text)
    outcome.runs = int(done[-1]) if done else 0
    rate = re.findall(r"stat::average_exec_per_sec: (\d+)", text)
    outcome.rate = float(rate[-1]) if rate else 0.0
    rss = re.findall(r"stat::peak_rss_mb: (\d+)", text)
    outcome.peak_rss_mb = max(float(rss[-1]) if rss else 0.0, usage.ru_maxrss / 1024)
    artifacts = sorted(  # libFuzzer's findings, by the names it gives them
        p
        for p in workdir.iterdir()
        if p.is_file() and p.name.startswith(("crash-", "timeout-", "oom-", "leak-", "slow-"))
    )
    outcome.kept = []
    for artifact in artifacts:  # crash-…, timeout-…, oom-…: kept for the suite to replay
        digest = hashlib.sha256(artifact.read_bytes()).hexdigest()[:16]
        keep = CORPUS / name / f"{artifact.name.split('-')[0]}-{digest}"
        keep.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(artifact, keep)
        outcome.kept.append(str(keep.relative_to(ROOT)))
    outcome.crashes = len(artifacts) or (1 if proc.returncode != 0 else 0)
    shutil.rmtree(workdir, ignore_errors=True)
    return outcome


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--quick", action="store_true", help=f"{QUICK_RUNS:,} inputs per target")
    p.add_argument("--runs", type=int, help=f"inputs per target (default {FULL_RUNS:,})")
    p.add_argument("--targets", default=",".join(TARGETS))
    p.add_argument("--jobs", type=int, default=2, help="targets fuzzed at once")
    p.add_argument("--timeout", type=int, default=10, help="seconds one input may take")
    p.add_argument("--rss-limit-mb", type=int, default=2048, help="memory one target may use")
    p.add_argument("--logs", type=Path, help="keep each target's fuzzer log here")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    runs = args.runs or (QUICK_RUNS if args.quick else FULL_RUNS)
    if args.child:
        _child(args.child, runs, args.workdir, args.timeout, args.rss_limit_mb)
        return 0
    names = [n for n in args.targets.split(",") if n]
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        p.error(f"unknown targets: {unknown}; known: {', '.join(TARGETS)}")
    log_dir = args.logs or Path(tempfile.mkdtemp(prefix="authdesk-fuzz-logs-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    results: dict[str, Outcome] = {}
    pending = ["bare", *names]
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                name = pending.pop(0)
            bare_runs = min(runs, 200_000)
            outcome = _run(
                name,
                bare_runs if name == "bare" else runs,
                args.timeout,
                args.rss_limit_mb,
                log_dir,
            )
            with lock:
                results[name] = outcome
                print(
                    f"  {name:8s} {outcome.runs:>9,} inputs  {outcome.per_s:>8,.0f}/s"
                    f"  peak {outcome.peak_rss_mb:>6.0f} MB  findings {outcome.crashes}",
                    flush=True,
                )

    print(f"fuzzing {len(names)} targets, {runs:,} inputs each, {args.jobs} at a time", flush=True)
    threads = [threading.Thread(target=worker) for _ in range(max(1, args.jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bare = results.pop("bare")
    print(f"\nraw limit: the fuzzer alone (an empty target) runs {bare.per_s:,.0f} inputs/s")
    print(f"{'target':8s} {'inputs':>10s} {'per s':>8s} {'vs bare':>8s} {'peak MB':>8s} findings")
    for name in names:
        r = results[name]
        ratio = r.per_s / bare.per_s if bare.per_s else 0.0
        print(
            f"{name:8s} {r.runs:>10,} {r.per_s:>8,.0f} {ratio:>8.4f} "
            f"{r.peak_rss_mb:>8.0f} {r.crashes}"
        )
        for kept in r.kept or []:
            print(f"         kept for the suite: {kept}")
    crashes = sum(r.crashes for r in results.values())
    short = [n for n in names if results[n].runs < runs]
    if short:
        print(f"short of {runs:,} inputs: {', '.join(short)} (see the logs in {log_dir})")
    print(f"logs: {log_dir}; {time.monotonic() - started:.0f} s in all")
    print(
        result_line(
            {
                "fuzz_targets": len(names),
                "fuzz_inputs": sum(results[n].runs for n in names),
                "fuzz_crashes": crashes,
                "fuzz_peak_rss_mb": max(results[n].peak_rss_mb for n in names),
                "fuzz_bare_per_s": bare.per_s,
            }
        )
    )
    return 1 if crashes or short else 0


if __name__ == "__main__":
    sys.exit(main())
