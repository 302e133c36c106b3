"""Golden files: every example in the terminal (80 columns, no colour) and JSON reports.

Refresh after an intended change with `pytest tests/test_golden.py --update-golden`
and review the diff.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ebcheck.audit.engine import Engine
from ebcheck.audit.settings import Settings
from ebcheck.reports import Format, RenderOptions, render
from tests.conftest import EXAMPLES, REPO

GOLDEN = Path(__file__).parent / "golden"
TODAY = dt.date(2026, 11, 27)
CASES = sorted(EXAMPLES.glob("*.yaml"))


def report_text(paths: list[Path], fmt: Format, width: int = 80, summary: bool = False) -> str:
    engine = Engine.create(Settings(today=TODAY, root=REPO))
    report = engine.finish([engine.check_file(p) for p in paths])
    options = RenderOptions(engine.catalogue, width=width, summary_only=summary)
    return render(report, fmt, options)


def check(name: str, text: str, update: bool) -> None:
    target = GOLDEN / name
    if update:
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
    assert target.exists(), f"missing golden file {name}; run pytest --update-golden"
    assert text == target.read_text(encoding="utf-8")


def test_there_are_examples_to_check() -> None:
    assert len(CASES) >= 8


@pytest.mark.parametrize("example", CASES, ids=[p.stem for p in CASES])
@pytest.mark.parametrize("fmt", [Format.TERMINAL, Format.JSON])
def test_example_report(example: Path, fmt: Format, update_golden: bool) -> None:
    suffix = "txt" if fmt is Format.TERMINAL else "json"
    name = f"{example.stem}.terminal.txt" if suffix == "txt" else f"{example.stem}.json"
    check(name, report_text([example], fmt), update_golden)


def test_pipeline_of_all_examples(update_golden: bool) -> None:
    text = report_text(CASES, Format.TERMINAL, width=100, summary=True)
    check("examples.pipeline.txt", text, update_golden)
    assert "\x1b[" not in text
