"""The terminal pipeline table: one line per deal at any width, totals per currency."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from ebcheck.audit.results import AuditReport
from ebcheck.cli.app import app
from ebcheck.deal.enums import Verdict
from ebcheck.i18n import Catalogue
from ebcheck.reports import Format, RenderOptions, render
from ebcheck.reports.pipeline_table import pipeline_table
from tests.reports.report_samples import AS_OF, Builder, yaml_deal


def draw(report: AuditReport, words: Catalogue, width: int) -> list[str]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, no_color=True)
    console.print(pipeline_table(report, words))
    return buffer.getvalue().splitlines()


def header(lines: list[str]) -> str:
    """The header lines (above the rule), joined."""
    rule = next(i for i, line in enumerate(lines) if line.startswith("──"))
    return " ".join(lines[1:rule])


def deal_lines(lines: list[str], report: AuditReport) -> dict[str, list[str]]:
    return {
        key: [line for line in lines if line.startswith(key[:8])]
        for key in (d.deal_id or d.path for d in report.deals)
    }


def test_80_columns_drop_owner_and_close(pipeline: AuditReport, engine_words: Catalogue) -> None:
    lines = draw(pipeline, engine_words, 80)
    assert max(cell_len(line) for line in lines) <= 80
    head = header(lines)
    for kept in ("Deal", "Account", "Stage", "Amount", "Score", "Verdict", "Top"):
        assert kept in head
    assert "Owner" not in head
    assert "Close" not in head
    for deal, found in deal_lines(lines, pipeline).items():
        assert len(found) == 1, (deal, found)


def test_the_examples_at_100_columns_show_every_top_issue_whole() -> None:
    # At 100 columns the close date goes rather than `Decision pr…`.
    from ebcheck.audit.engine import audit_paths, words_for
    from ebcheck.audit.settings import Settings
    from tests.conftest import EXAMPLES

    for lang in ("en", "zh"):
        report = audit_paths([EXAMPLES], Settings(lang=lang, as_of=AS_OF))
        words = words_for(lang)
        lines = draw(report, words, 100)
        assert max(cell_len(line) for line in lines) <= 100
        assert "…" not in "".join(line.split("  ")[-1] for line in lines)
        for deal in report.deals:
            finding = deal.top_finding
            if finding is not None:
                title = words.text(f"pipeline_title.{finding.rule}")
                assert any(line.startswith(deal.deal_id or "") and title in line for line in lines)
        assert "Stage" in header(lines) or "阶段" in header(lines)


def test_120_columns_show_everything(pipeline: AuditReport, engine_words: Catalogue) -> None:
    lines = draw(pipeline, engine_words, 120)
    assert max(cell_len(line) for line in lines) <= 120
    head = header(lines)
    for column in ("Deal", "Account", "Owner", "Stage", "Amount", "Close", "Score", "Verdict"):
        assert column in head
    assert "Top issue" in head
    hd = next(line for line in lines if line.startswith("HD-2026-031"))
    assert "Chen Mo" in hd and "2026-12-31" in hd and "EB never met" in hd
    assert "deals/broken.yaml" in lines[3]  # the deal id column gets its full width first


def test_worst_first_then_totals(pipeline: AuditReport, engine_words: Catalogue) -> None:
    lines = draw(pipeline, engine_words, 100)
    starts = ("HD", "AC", "OK", "WO", "de")
    order = [line.split()[0] for line in lines if line.startswith(starts)]
    assert order[0].startswith("deals/broke")
    assert order[1:] == ["HD-2026-031", "ACME-7", "OK-9", "WON-1"]
    totals = [" ".join(line.split()) for line in lines if line.startswith(("Total", "At risk"))]
    assert totals == [
        "Total CNY 1,200,000",
        "At risk CNY 1,200,000",
        "Total EUR 10,000",
        "At risk EUR 0",
        "Total USD 250,000",
        "At risk USD 250,000",
    ]


def test_narrow_terminal_keeps_deal_amount_verdict(
    pipeline: AuditReport, engine_words: Catalogue
) -> None:
    lines = draw(pipeline, engine_words, 50)
    assert max(cell_len(line) for line in lines) <= 50
    head = header(lines)
    assert "Deal" in head and "Amount" in head and "Verdict" in head
    assert "Account" not in head


def test_terminal_report_at_80_columns(pipeline: AuditReport, engine_words: Catalogue) -> None:
    options = RenderOptions(catalogue=engine_words, width=80, summary_only=True)
    text = render(pipeline, Format.TERMINAL, options)
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    assert "HD-2026-031" in text


NAMES = st.text(
    alphabet=st.sampled_from([*"abcXYZ- |[]", "华", "东", "精", "密", "\x1b", "é"]),
    min_size=1,
    max_size=60,
)


@given(
    width=st.integers(min_value=56, max_value=200),
    ids=st.lists(NAMES, min_size=2, max_size=4),
    accounts=st.lists(NAMES, min_size=4, max_size=4),
)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_names_fit_one_line_per_deal(
    width: int, ids: list[str], accounts: list[str], build: Builder, engine_words: Catalogue
) -> None:
    base = build(
        yaml_deal("X-1", "Deal", amount=123456789, currency="CNY"),
        "deals/x.yaml",
        findings=(),
        verdict=Verdict.AT_RISK,
        score=55,
    )
    deals = []
    for number, (deal_id, account) in enumerate(zip(ids, accounts, strict=False)):
        assert base.deal is not None
        info = base.deal.deal.model_copy(update={"account": account, "owner": account * 2})
        deal_file = base.deal.model_copy(update={"deal": info})
        deals.append(replace(base, deal_id=deal_id, deal=deal_file, path=f"deals/{number}.yaml"))
    report = AuditReport(AS_OF, tuple(deals))
    lines = draw(report, engine_words, width)
    assert max(cell_len(line) for line in lines) <= width
    assert not any("\x1b" in line for line in lines)
    rule = next(i for i, line in enumerate(lines) if line.startswith("──"))
    body = lines[rule + 1 :]
    # One line per deal, then a blank section line, then two totals lines.
    assert len(body) == len(deals) + 1 + 2


def drawn_both_ways(report: AuditReport, words: Catalogue, width: int, color: bool) -> list[str]:
    """The table as ebcheck writes it and as Rich's own `Table` lays out the same columns."""
    from ebcheck.reports.pipeline_table import build_table
    from ebcheck.reports.styles import text_console

    printed = []
    for table in (pipeline_table(report, words), build_table(report, words, width)):
        console, buffer = text_console(width, color)
        console.print(table)
        printed.append(buffer.getvalue())
    return printed


@given(
    width=st.integers(min_value=20, max_value=200),
    color=st.booleans(),
    ids=st.lists(NAMES, min_size=2, max_size=4),
    accounts=st.lists(NAMES, min_size=4, max_size=4),
    padded=st.booleans(),
)
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_table_is_written_as_rich_would_lay_it_out(
    width: int,
    color: bool,
    ids: list[str],
    accounts: list[str],
    padded: bool,
    build: Builder,
    pipeline: AuditReport,
    engine_words: Catalogue,
) -> None:
    # Names of every width (CJK cut in half, trailing spaces), verdicts in colour, totals.
    base = pipeline.deals[0]
    assert base.deal is not None
    deals = list(pipeline.deals)
    for number, (deal_id, account) in enumerate(zip(ids, accounts, strict=False)):
        name = account + "  " if padded else account
        info = base.deal.deal.model_copy(update={"account": name, "owner": account})
        deal_file = base.deal.model_copy(update={"deal": info})
        deals.append(replace(base, deal_id=deal_id, deal=deal_file, path=f"deals/{number}.yaml"))
    report = AuditReport(AS_OF, tuple(deals))
    ours, rich = drawn_both_ways(report, engine_words, width, color)
    assert ours == rich


def test_the_examples_table_is_written_as_rich_would_lay_it_out() -> None:
    from ebcheck.audit.engine import audit_paths, words_for
    from ebcheck.audit.settings import Settings
    from tests.conftest import EXAMPLES

    for lang in ("en", "zh"):
        report = audit_paths([EXAMPLES], Settings(lang=lang, as_of=AS_OF))
        for width in (40, 80, 100, 120, 160):
            for color in (False, True):
                ours, rich = drawn_both_ways(report, words_for(lang), width, color)
                assert ours == rich, (lang, width, color)
                assert "\x1b[" in ours or not color


@pytest.mark.parametrize("rows", [1, 2, 3, 5])
def test_a_table_printed_a_slice_at_a_time_is_the_whole_table(
    rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big table is printed `SLICE_ROWS` rows at a time, so that Rich never holds
    all of it: slices that end anywhere (at the last deal, inside the totals) print
    Rich's own table, in colour and without."""
    from ebcheck.audit.engine import audit_paths, words_for
    from ebcheck.audit.settings import Settings
    from ebcheck.reports import pipeline_table as module
    from ebcheck.reports.styles import text_console
    from tests.conftest import EXAMPLES

    monkeypatch.setattr(module, "SLICE_ROWS", rows)
    report = audit_paths([EXAMPLES], Settings(lang="zh", as_of=AS_OF))
    words = words_for("zh")
    for width, color in ((100, False), (160, True)):
        table = pipeline_table(report, words)
        parts = table.parts(width)
        assert len(parts) > len(report.deals) // rows  # the deals and the totals, sliced
        printed = []
        for whole in (parts, [module.build_table(report, words, width)]):
            console, buffer = text_console(width, color)
            for part in whole:  # each printed on its own, as the terminal report prints them
                console.print(part)
            printed.append(buffer.getvalue())
        assert printed[0] == printed[1]


def test_the_terminal_report_prints_its_table_in_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    from ebcheck.reports import pipeline_table as module
    from tests.conftest import EXAMPLES

    runner = CliRunner()
    audit = ["audit", str(EXAMPLES), "--lang", "en", "--as-of", AS_OF.isoformat()]
    whole = runner.invoke(app, audit, env={"COLUMNS": "120"})
    monkeypatch.setattr(module, "SLICE_ROWS", 2)
    sliced = runner.invoke(app, audit, env={"COLUMNS": "120"})
    assert whole.exit_code == sliced.exit_code == 1
    assert "Pipeline" in sliced.stdout
    assert sliced.stdout == whole.stdout
