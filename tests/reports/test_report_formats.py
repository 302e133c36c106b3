"""Every format: chosen by the enum, rendered to golden files, safe with hostile text."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest
from rich.console import Console

from ebcheck.audit.findings import RuleCrash, Suppressed
from ebcheck.audit.results import AuditReport
from ebcheck.deal.enums import Severity, Verdict
from ebcheck.i18n import Catalogue
from ebcheck.reports import Format, RenderOptions, formatter, jsontext, render, render_chunks
from ebcheck.reports.json_format import report_dict
from ebcheck.reports.pipeline_table import pipeline_table
from ebcheck.reports.textsafe import clean
from tests.reports.report_samples import (
    AS_OF,
    HOSTILE,
    STAKEHOLDERS,
    Builder,
    finding,
    quote,
    yaml_deal,
)

Golden = Callable[[str, str], None]


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_has_a_formatter(
    fmt: Format, pipeline: AuditReport, options: RenderOptions
) -> None:
    render_function = formatter(fmt)
    assert callable(render_function)
    text = render_function(pipeline, options)
    assert isinstance(text, str)
    assert text.endswith("\n")
    assert text == render(pipeline, fmt, options)


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_writes_in_parts_what_it_renders(
    fmt: Format, pipeline: AuditReport, options: RenderOptions
) -> None:
    """What the CLI writes part by part is the rendered report; JSON and concise output
    come a deal at a time (every part but the last ends a line: none splits a line)."""
    parts = list(render_chunks(pipeline, fmt, options))
    assert "".join(parts) == render(pipeline, fmt, options)
    if fmt in (Format.JSON, Format.CONCISE):
        assert len(parts) > len(pipeline.deals) // 2
    if fmt is Format.CONCISE:
        assert all(part.endswith("\n") for part in parts)


def test_the_json_report_is_the_documented_tree(
    pipeline: AuditReport, options: RenderOptions
) -> None:
    """Written a deal at a time, the JSON report is still the tree `report_dict` builds."""
    text = render(pipeline, Format.JSON, options)
    assert text == jsontext.dumps(report_dict(pipeline)) + "\n"
    assert len(json.loads(text, parse_float=Decimal)["deals"]) == len(pipeline.deals)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        (Format.CONCISE, "pipeline.concise.txt"),
        (Format.MARKDOWN, "pipeline.md"),
        (Format.SARIF, "pipeline.sarif.json"),
        (Format.GITHUB, "pipeline.github.txt"),
        (Format.JUNIT, "pipeline.junit.xml"),
    ],
)
def test_golden(
    fmt: Format, name: str, pipeline: AuditReport, options: RenderOptions, golden: Golden
) -> None:
    golden(name, render(pipeline, fmt, options))


@pytest.mark.parametrize("width", [80, 120])
def test_golden_pipeline_table(
    width: int, pipeline: AuditReport, engine_words: Catalogue, golden: Golden
) -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, no_color=True)
    console.print(pipeline_table(pipeline, engine_words))
    golden(f"pipeline_table.{width}.txt", buffer.getvalue())


def test_golden_single_deal_markdown(
    build: Builder, options: RenderOptions, golden: Golden
) -> None:
    deal = build(
        yaml_deal("HD-2026-031", "MES upgrade", stakeholders=STAKEHOLDERS),
        "deals/hd-2026-031.yaml",
        findings=(finding(),),
        verdict=Verdict.NOT_READY,
        score=70,
    )
    golden("single.md", render(AuditReport(AS_OF, (deal,)), Format.MARKDOWN, options))


# --- concise ----------------------------------------------------------------------------

CONCISE_LINE = re.compile(
    r"^(?P<path>[^\n]+):(?P<line>\d+):(?P<col>\d+): "
    r"(?P<rule>[A-Z]+\d{3}) \[(?P<severity>critical|high|medium|low|info)\] (?P<message>.+)$"
)


def test_concise_line_shape(pipeline: AuditReport, options: RenderOptions) -> None:
    lines = render(pipeline, Format.CONCISE, options).splitlines()
    *findings, summary = lines
    expected = [(d.path, f) for d in pipeline.deals for f in d.findings]
    assert len(findings) == len(expected)
    for line, (path, item) in zip(findings, expected, strict=True):
        match = CONCISE_LINE.match(line)
        assert match, line
        assert match["path"] == path
        assert (int(match["line"]), int(match["col"])) == (item.line, item.column)
        assert (match["rule"], match["severity"]) == (item.rule, item.severity.value)
        assert match["message"] == clean(item.message)  # one line: line breaks folded
    assert lines[0] == (
        "deals/hd-2026-031.yaml:12:5: EB002 [critical] "
        "Zhang Wei (EB) has never been met; the deal is at proposal."
    )
    assert not CONCISE_LINE.match(summary)


def test_concise_leaves_out_suppressed_and_baselined_but_counts_them(
    pipeline: AuditReport, options: RenderOptions
) -> None:
    text = render(pipeline, Format.CONCISE, options)
    assert "BI004" not in text  # suppressed
    assert "HY002" not in text  # baselined
    summary = text.splitlines()[-1]
    assert summary == (
        "Found 5 findings in 5 deals (1 invalid, 1 not ready, 1 at risk, 1 ready, 1 closed)"
        "; 1 suppressed and 1 baselined not shown"
    )


def test_concise_clean_run(build: Builder, options: RenderOptions) -> None:
    deal = build(yaml_deal("D-1", "Fine"), "deals/d.yaml", findings=(), verdict=Verdict.READY)
    text = render(AuditReport(AS_OF, (deal,)), Format.CONCISE, options)
    assert text == "No findings in 1 deal (1 ready)\n"


def test_concise_summary_counts_crashes(build: Builder, options: RenderOptions) -> None:
    deal = build(
        yaml_deal("D-1", "Fine"),
        "deals/d.yaml",
        findings=(finding(),),
        verdict=Verdict.NOT_READY,
        crashes=(RuleCrash("EB005", "boom"),),
    )
    summary = render(AuditReport(AS_OF, (deal,)), Format.CONCISE, options).splitlines()[-1]
    assert summary.endswith("; 1 rule crash: some findings are missing")


# --- hostile text, every format ------------------------------------------------------------

ESCAPE = "\x1b[31m"


@pytest.fixture
def hostile(build: Builder) -> AuditReport:
    name = f"{HOSTILE} {ESCAPE}red\nline two"
    boss = quote('Zhang "Boss" [EB] <x> | y')
    coach = quote(ESCAPE + "coach")
    people = (
        f"  - {{name: {boss}, roles: [EB], stance: neutral}}\n"
        f"  - {{name: {coach}, roles: [coach], met: 2026-11-01}}\n"
    )
    account = f"Evil | Co <img src=x> {ESCAPE}"
    deal = build(
        yaml_deal(f"H|1 {ESCAPE}", name, account=account, stakeholders=people),
        f"deals/{ESCAPE}evil.yaml",
        findings=(
            finding(message=f"{name} has never been met", subject=name, fix=f"Meet {name}"),
            finding("EB001", Severity.LOW, f"low {ESCAPE}", line=2, subject=None),
        ),
        suppressed=(Suppressed(finding("BI004", Severity.MEDIUM, "hidden"), f"{ESCAPE}why", None),),
        verdict=Verdict.NOT_READY,
        score=40,
    )
    other = replace(deal, path="deals/other.yaml", deal_id="OTHER")
    return AuditReport(AS_OF, (deal, other))


@pytest.mark.parametrize("fmt", [Format.CONCISE, Format.MARKDOWN, Format.GITHUB, Format.TERMINAL])
def test_no_escape_code_reaches_the_output(
    fmt: Format, hostile: AuditReport, options: RenderOptions
) -> None:
    assert hostile.deals[0].name is not None and ESCAPE in hostile.deals[0].name
    text = render(hostile, fmt, options)
    assert "\x1b" not in text
    assert "\r" not in text


def test_hostile_concise_stays_one_line_per_finding(
    hostile: AuditReport, options: RenderOptions
) -> None:
    lines = render(hostile, Format.CONCISE, options).splitlines()
    assert len(lines) == 5  # two findings per deal and the summary
    assert all(CONCISE_LINE.match(line) for line in lines[:-1])


def test_hostile_sarif_and_junit_carry_no_escape_code(
    hostile: AuditReport, options: RenderOptions
) -> None:
    sarif = render(hostile, Format.SARIF, options)
    assert "\x1b" not in sarif  # JSON escapes it as \u001b: data, not a terminal code
    junit = render(hostile, Format.JUNIT, options)
    assert "\x1b" not in junit
    assert "\\u001b" not in junit
