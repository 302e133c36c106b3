"""Speed and scale against their floors, measured interleaved in one run.

    python bench/scale.py                 # 10,000 generated deals (several minutes)
    python bench/scale.py --deals 2000 --runs 3

Each row runs ebcheck and its floor alternately, `--runs` times each, and
prints the medians, their ratio and ebcheck's peak RSS (`os.wait4` of the
child). The floors are what any tool must pay: for one deal, a Python that
imports typer, rich, pydantic and yaml and parses the file with
`yaml.CSafeLoader`; for a folder, the same Python reading and parsing every
file with `yaml.CSafeLoader`. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from generate import generate

EBCHECK = [sys.executable, "-m", "ebcheck"]
ONE_FLOOR = """
import sys, typer, rich, pydantic, yaml
yaml.load(open(sys.argv[1], 'rb').read(), Loader=yaml.CSafeLoader)
"""
FOLDER_FLOOR = """
import os, sys, yaml
for top, _, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith('.yaml'):
            try:
                yaml.load(open(os.path.join(top, name), 'rb').read(), Loader=yaml.CSafeLoader)
            except Exception:  # noqa: BLE001 - a file that does not parse costs its parse
                pass
"""


def measure(command: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run, output discarded."""
    began = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own commands
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - began, usage.ru_maxrss


def row(
    label: str,
    ours: Sequence[str],
    floor: Sequence[str],
    runs: int,
    env: dict[str, str] | None = None,
    before: object = None,
) -> tuple[str, float, float, int]:
    mine, base, peak = [], [], 0
    for _ in range(runs):
        if callable(before):
            before()
        took, rss = measure(ours, env)
        mine.append(took)
        peak = max(peak, rss)
        # The floor in the same environment: when it is an ebcheck run too (the terminal
        # and growth rows), without the cache it would be a warm run after the first.
        base.append(measure(floor, env)[0])
    return label, statistics.median(mine), statistics.median(base), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    # Installed ebcheck runs from byte-compiled modules (pip compiles them), as the
    # floor's libraries do: a machine that sets PYTHONDONTWRITEBYTECODE must not
    # make ebcheck compile its own sources on every run.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([*EBCHECK, "--version"], stdout=subprocess.DEVNULL, check=False)  # noqa: S603
    no_cache = {**os.environ, "EBCHECK_NO_CACHE": "1"}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        big, double, small = root / "big", root / "double", root / "small"
        generate(big, args.deals)
        generate(double, args.deals * 2)
        generate(small, args.deals // 10)
        one = next(big.rglob("deal-000001.yaml"))
        cache = root / "cache"
        audit = [*EBCHECK, "audit", "--fail-on", "never", "--as-of", "2026-12-01"]

        def cold() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        one_floor = [sys.executable, "-c", ONE_FLOOR, str(one)]
        rows = [
            row(
                "one deal, -f json",
                [*audit, "-f", "json", str(one)],
                one_floor,
                args.runs * 3,
                no_cache,
            ),
            row("one deal, terminal", [*audit, str(one)], one_floor, args.runs * 3, no_cache),
        ]
        floor_big = [sys.executable, "-c", FOLDER_FLOOR, str(big)]
        json_big = [*audit, "-f", "json", str(big)]
        rows += [
            row(
                f"{args.deals:,} files, -j 1, json",
                [*json_big, "-j", "1"],
                floor_big,
                args.runs,
                no_cache,
            ),
            row(
                f"{args.deals:,} files, default jobs, json",
                json_big,
                floor_big,
                args.runs,
                no_cache,
            ),
        ]
        warm = [*json_big, "--cache-dir", str(cache)]
        subprocess.run(warm, stdout=subprocess.DEVNULL, check=False)  # noqa: S603
        rows.append(row(f"{args.deals:,} files, warm re-run (cache)", warm, floor_big, args.runs))
        rows.append(
            row(
                f"{args.deals:,} files, cold run writing the cache",
                warm,
                floor_big,
                args.runs,
                before=cold,
            )
        )
        json_double = [*audit, "-f", "json", str(double)]
        terminal_double = [*audit, str(double)]
        rows.append(
            row(
                f"{args.deals * 2:,} files, terminal (floor: the json run)",
                terminal_double,
                json_double,
                args.runs,
                no_cache,
            )
        )
        small_run = [*audit, "-f", "json", "-j", "1", str(small)]
        rows.append(
            row(
                f"growth {args.deals // 10:,} -> {args.deals:,} files (floor: the small run)",
                [*json_big, "-j", "1"],
                small_run,
                args.runs,
                no_cache,
            )
        )
        # Flat memory: the same JSON run on twice the files should hardly need more.
        memory = [measure(json_big, no_cache)[1], measure(json_double, no_cache)[1]]
    print(f"{'case':<58} {'ebcheck':>9} {'floor':>9} {'ratio':>7} {'peak RSS':>10}")
    for label, mine, base, peak in rows:
        print(f"{label:<58} {mine:>8.2f}s {base:>8.2f}s {mine / base:>6.2f}x {peak / 1024:>8.0f}MB")
    print(
        f"peak memory, json: {args.deals:,} files {memory[0] / 1024:.0f} MB, "
        f"{args.deals * 2:,} files {memory[1] / 1024:.0f} MB ({memory[1] / memory[0]:.2f}x)"
    )


if __name__ == "__main__":
    main()
