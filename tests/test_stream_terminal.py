"""The terminal report is streamed too: each deal's panel is printed where the deal was
judged (a worker, for a big folder) and only its pipeline row is kept. It must read
exactly as the report built whole, at any width, in colour or not, in either
language, with `--all` and `--summary`, and when a big folder holds fewer deals
than files."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.audit.engine import audit_paths, words_for
from ebcheck.audit.results import StreamedReport
from ebcheck.audit.settings import Settings
from ebcheck.audit.stream import stream_paths
from ebcheck.cli.app import app
from ebcheck.reports import Format, RenderOptions, deal_writer, render, render_chunks
from ebcheck.reports.terminal_format import PANEL_LIMIT

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = dt.date(2026, 12, 1)
_ID = re.compile(r"^(  id: )(.+)$", re.MULTILINE)


def pipeline(tmp_path: Path, copies: int, others: int = 0) -> Path:
    """`copies` of every example deal (each copy its own id), a broken file, and
    `others` YAML files that are not deals."""
    deals = tmp_path / "deals"
    deals.mkdir()
    for n in range(copies):
        for example in sorted(EXAMPLES.glob("*.yaml")):
            text = _ID.sub(lambda m, n=n: f"{m[1]}{m[2]}-{n}", example.read_text("utf-8"), 1)
            (deals / f"{n:02}-{example.name}").write_text(text, encoding="utf-8")
    (deals / "zz-broken.yaml").write_text("ebcheck: 1\ndeal: [unclosed\n", encoding="utf-8")
    for n in range(others):
        (deals / f"ci-{n:02}.yaml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    return deals


def whole_and_streamed(
    deals: Path, options: RenderOptions, jobs: int = 1
) -> tuple[str, str, StreamedReport]:
    # The audit's language is the report's (the command takes both from the same option).
    lang = options.catalogue.lang
    settings = Settings(root=deals.parent, cache_dir=None, as_of=AS_OF, lang=lang)
    whole = render(audit_paths([deals], settings, jobs=jobs), Format.TERMINAL, options)
    writer = deal_writer(Format.TERMINAL, options)
    assert writer is not None
    streamed = stream_paths([deals], settings, writer, jobs=jobs)
    return whole, "".join(render_chunks(streamed, Format.TERMINAL, options)), streamed


OPTIONS = {
    "plain": RenderOptions(words_for("en")),
    "colour, narrow": RenderOptions(words_for("en"), width=72, color=True),
    "chinese, wide": RenderOptions(words_for("zh"), width=160),
    "--all": RenderOptions(words_for("en"), show_all=True),
    "--summary": RenderOptions(words_for("en"), summary_only=True),
}


@pytest.mark.parametrize("name", OPTIONS)
def test_a_big_streamed_terminal_report_reads_as_the_whole_one(tmp_path: Path, name: str) -> None:
    deals = pipeline(tmp_path, copies=4)  # 61 deals: only those that need attention get a panel
    whole, streamed, report = whole_and_streamed(deals, OPTIONS[name])
    assert streamed == whole
    assert len(report.tallies) == 61 > PANEL_LIMIT
    assert ("not shown in detail" in streamed) is (name in ("plain", "colour, narrow"))
    assert all(f"AC-2026-017-{n}" in streamed for n in range(4))  # a row for every deal


def test_the_big_report_gives_panels_to_the_not_ready_and_invalid_deals(tmp_path: Path) -> None:
    deals = pipeline(tmp_path, copies=4)
    _, streamed, report = whole_and_streamed(deals, OPTIONS["plain"])
    urgent = [t for t in report.tallies if t.verdict.value in ("not_ready", "invalid")]
    assert streamed.count("╭─") == len(urgent) == 29  # 7 not ready per copy, the broken file
    hidden = len(report.tallies) - len(urgent)
    assert f"{hidden} more deals not shown in detail" in streamed


@pytest.mark.parametrize("jobs", [1, 2])
def test_fewer_deals_than_the_limit_among_more_files_all_get_a_panel(
    tmp_path: Path, jobs: int
) -> None:
    """The panels are printed before the first pass knows how many deals there are:
    when the files it skips leave no more than the limit, every deal is printed again
    with its panel, as the whole report gives them."""
    deals = pipeline(tmp_path, copies=3, others=20)  # 66 files, 46 deals
    whole, streamed, report = whole_and_streamed(deals, OPTIONS["plain"], jobs=jobs)
    assert streamed == whole
    assert len(report.tallies) == 46 <= PANEL_LIMIT
    assert streamed.count("╭─") == 46
    assert "not shown in detail" not in streamed


def test_workers_print_the_same_panels(tmp_path: Path) -> None:
    deals = pipeline(tmp_path, copies=4)
    options = OPTIONS["colour, narrow"]
    one, _, _ = whole_and_streamed(deals, options, jobs=1)
    whole, streamed, _ = whole_and_streamed(deals, options, jobs=2)
    assert streamed == whole == one


def test_a_small_folder_streams_every_panel(tmp_path: Path) -> None:
    deals = pipeline(tmp_path, copies=1)
    whole, streamed, report = whole_and_streamed(deals, OPTIONS["plain"])
    assert streamed == whole
    assert streamed.count("╭─") == len(report.tallies) == 16


def test_a_streamed_report_is_printed_only_with_the_options_it_was_written_with(
    tmp_path: Path,
) -> None:
    deals = pipeline(tmp_path, copies=1)
    *_, report = whole_and_streamed(deals, OPTIONS["plain"])
    with pytest.raises(ValueError, match="only in the format"):
        "".join(render_chunks(report, Format.TERMINAL, replace(OPTIONS["plain"], width=90)))


_PEAK = """
import resource, sys
from ebcheck.cli.app import main
try:
    main()
finally:
    sys.stderr.write(f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n")
"""


_AUDIT = ("audit", "-j", "1", "--no-cache", "--fail-on", "never", "--as-of", "2026-12-01")


def _peak_kb(deals: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, *_AUDIT, str(deals)],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stderr.decode().rsplit("peak ", 1)[1])


def test_the_command_keeps_a_row_per_deal_not_the_deal(tmp_path: Path) -> None:
    """15 times the deals take about the same memory (built whole, the deals kept for
    their panels took 11 MB more here)."""
    small, big = tmp_path / "small", tmp_path / "big"
    small.mkdir()
    big.mkdir()
    peaks = [_peak_kb(pipeline(small, copies=2)), _peak_kb(pipeline(big, copies=30))]
    assert peaks[1] - peaks[0] < 6_000, peaks  # KB, for 420 more deals


def test_the_command_prints_the_report_built_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline(tmp_path, copies=4)
    out = tmp_path / "report.txt"
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app, ["audit", "--as-of", "2026-12-01", "--no-cache", "deals", "-o", str(out)]
    )
    assert result.exit_code == 1  # not-ready deals fail the run
    settings = Settings(root=tmp_path, cache_dir=None, as_of=AS_OF, lang="en")
    whole = audit_paths([Path("deals")], settings, jobs=1)
    assert out.read_text("utf-8") == render(whole, Format.TERMINAL, RenderOptions(words_for("en")))
