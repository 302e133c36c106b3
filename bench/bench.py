"""Benchmark ebcheck: start-up against its floor, throughput, and the YAML loaders.

Run from the repository root with ebcheck installed:

    python bench/bench.py            # quick: 200 generated deals
    python bench/bench.py --deals 2000

Speed is measured here, never by a timed test. Each command is run several
times and the median wall time is reported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = sorted((REPO / "examples").glob("*.yaml"))[0]
EBCHECK = [sys.executable, "-m", "ebcheck"]


# What a Typer command of this size costs before it does anything: Typer 0.29
# builds a pydantic TypeAdapter per option, so this is the honest floor.
TYPER_FLOOR = """
from pathlib import Path
from typing import Annotated
import typer, rich, yaml
app = typer.Typer()
@app.command()
def audit(paths: Annotated[list[Path] | None, typer.Argument()] = None,
          fmt: Annotated[str, typer.Option("--format")] = "terminal",
          output: Annotated[Path | None, typer.Option()] = None,
          fail_on: Annotated[str | None, typer.Option()] = None,
          as_of: Annotated[str | None, typer.Option()] = None,
          config: Annotated[Path | None, typer.Option()] = None,
          select: Annotated[list[str] | None, typer.Option()] = None,
          jobs: Annotated[int, typer.Option()] = 0,
          verbose: Annotated[bool, typer.Option()] = False) -> None:
    print(Path(paths[0]).read_text()[:10])
@app.command()
def other() -> None: ...
app()
"""


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)  # noqa: S603 - our own commands
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_deals(folder: Path, count: int) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for i in range(count):
        unique = text.replace("id: ", f"id: BENCH-{i:05d}-", 1)
        (folder / f"deal-{i:05d}.yaml").write_text(unique, encoding="utf-8")


def loader_speed(repeat: int) -> tuple[float, float]:
    import yaml

    text = EXAMPLE.read_text(encoding="utf-8")

    def clock(loader: type) -> float:
        start = time.perf_counter()
        for _ in range(repeat):
            yaml.compose(text, Loader=loader)
        return (time.perf_counter() - start) / repeat

    return clock(yaml.CSafeLoader), clock(yaml.SafeLoader)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    # As an installed copy runs, from byte-compiled modules (`scale.py` does the same).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

    floor = [sys.executable, "-c", "import typer, rich, pydantic, yaml"]
    floor_model = [
        sys.executable,
        "-c",
        "import typer, rich, yaml\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    x: int",
    ]
    rows = [
        ("floor: import typer, rich, pydantic, yaml", median_seconds(floor, args.runs)),
        ("floor + one pydantic model", median_seconds(floor_model, args.runs)),
        (
            "floor: a Typer command of this size reading one file",
            median_seconds([sys.executable, "-c", TYPER_FLOOR, "audit", str(EXAMPLE)], args.runs),
        ),
        ("ebcheck --version", median_seconds([*EBCHECK, "--version"], args.runs)),
        (
            f"ebcheck audit {EXAMPLE.name}",
            median_seconds(
                [*EBCHECK, "audit", str(EXAMPLE), "--fail-on", "never", "--no-cache"], args.runs
            ),
        ),
    ]
    with tempfile.TemporaryDirectory() as folder:
        make_deals(Path(folder), args.deals)
        for jobs in ("1", "0"):
            # Throughput: every deal audited, none taken from the result cache.
            command = [*EBCHECK, "audit", folder, "-f", "json", "-j", jobs, "--fail-on", "never"]
            command.append("--no-cache")
            seconds = median_seconds(command, max(1, args.runs // 2))
            rows.append(
                (
                    f"audit {args.deals} deals -j {jobs} ({args.deals / seconds:,.0f} deals/s)",
                    seconds,
                )
            )
    fast, slow = loader_speed(200)
    print(f"{'what':<58} {'median':>9}")
    for label, seconds in rows:
        print(f"{label:<58} {seconds * 1000:>7.0f}ms")
    print(f"{'compose one deal: CSafeLoader':<58} {fast * 1e6:>7.0f}us")
    print(
        f"{'compose one deal: SafeLoader (pure Python)':<58} {slow * 1e6:>7.0f}us"
        f"  ({slow / fast:.1f}x slower)"
    )


if __name__ == "__main__":
    main()
