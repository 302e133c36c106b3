"""--format markdown: pipeline review and job summary, inert whatever the deal says."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ebcheck.audit.results import AuditReport, DealReport
from ebcheck.deal.enums import Severity, Verdict
from ebcheck.reports import RenderOptions
from ebcheck.reports.markdown_format import render, render_markdown, size
from tests.reports.report_samples import AS_OF, HOSTILE, Builder, finding, quote, yaml_deal

GFM = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def rows(tokens: list[Token]) -> list[int]:
    """The number of cells of every table row."""
    counts: list[int] = []
    for token in tokens:
        if token.type == "tr_open":
            counts.append(0)
        elif token.type in ("td_open", "th_open"):
            counts[-1] += 1
    return counts


def tables(text: str) -> list[list[int]]:
    """Cells per row, per table (each table should be rectangular)."""
    found: list[list[int]] = []
    tokens = GFM.parse(text)
    current: list[Token] = []
    for token in tokens:
        if token.type == "table_open":
            current = []
        current.append(token)
        if token.type == "table_close":
            found.append(rows(current))
    return found


def mermaid_blocks(text: str) -> list[str]:
    return [t.content for t in GFM.parse(text) if t.type == "fence" and t.info == "mermaid"]


# A statement of our diagrams: a node with a quoted label, an edge, or a class definition.
PART = r"(?:[^\"\[\]<>|`;#\n]|#\d+;)*"  # text, or Mermaid entity codes such as #34;
LABEL = rf'\["{PART}(?:<br>{PART})?"\]'
MERMAID_STATEMENT = re.compile(
    rf"^(flowchart LR"
    rf"|  \w+{LABEL}:::\w+"
    rf"|  \w+ (?:---|-->) \w+"
    rf"|  \w+ -\.- \w+{LABEL}:::\w+"
    rf"|  classDef \w+ [\w:#,\- ]+)$"
)


@pytest.fixture
def hostile(build: Builder) -> AuditReport:
    boss = quote('Zhang "Boss" [EB] <x> | y')
    title = quote("<b>CTO</b>|")
    people = (
        f"  - {{name: {boss}, roles: [EB], stance: neutral}}\n"
        f"  - {{name: {quote(HOSTILE)}, title: {title}, roles: [TB, coach], met: 2026-11-01}}\n"
        "  - {name: end, roles: [UB]}\n"
    )
    deal = build(
        yaml_deal(
            "H|1",
            HOSTILE + " \x1b[31mred\nline two",
            account="Evil | Co <img src=x onerror=alert(1)>",
            owner="`rm -rf`",
            stakeholders=people,
        ),
        "deals/a|b.yaml",
        findings=(finding(message=f"{HOSTILE} has never been met", fix=f"Meet {HOSTILE}"),),
        verdict=Verdict.NOT_READY,
        score=40,
    )
    second = replace(deal, path="deals/<b>.yaml", deal_id="<b>x</b>")
    return AuditReport(AS_OF, (deal, second))


def test_hostile_names_render_inertly(hostile: AuditReport, options: RenderOptions) -> None:
    text = render(hostile, options)
    tokens = GFM.parse(text)
    # No HTML from the deal: no HTML tokens at all, and none in the rendering.
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"html_inline", "html_block", "link_open", "image", "s_open", "em_open"}
    html = GFM.render(text)
    for tag in ("<script", "<img", "<b>", "<x>"):
        assert tag not in html
    # Every table is rectangular: no `|` escaped its cell.
    for table in tables(text):
        assert len(set(table)) == 1, table
    # The hostile text reads as written.
    assert "a|b `c` &lt;script&gt;x&lt;/script&gt; [bold]y[/]" in html
    # Code spans are only ours (the --fail-on flag), never the deal's backticks.
    spans = [c.content for t in tokens for c in t.children or [] if c.type == "code_inline"]
    assert spans == ["--fail-on not_ready"]


def test_hostile_headings_are_plain_text(hostile: AuditReport, options: RenderOptions) -> None:
    tokens = GFM.parse(render(hostile, options))
    headings = [
        tokens[i + 1] for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h3"
    ]
    texts = ["".join(c.content for c in h.children or []) for h in headings]
    deal_headings = [h for h, text in zip(headings, texts, strict=True) if "a|b" in text]
    assert len(deal_headings) == 2
    for heading in deal_headings:
        assert {c.type for c in heading.children or []} == {"text"}
        text = "".join(c.content for c in heading.children or [])
        assert text.endswith(f"· {HOSTILE} \ufffd[31mred line two")


def test_hostile_mermaid_cannot_break_the_diagram(
    hostile: AuditReport, options: RenderOptions
) -> None:
    text = render(hostile, options)
    blocks = mermaid_blocks(text)
    assert len(blocks) == 2
    for block in blocks:
        for line in block.splitlines():
            assert MERMAID_STATEMENT.match(line), line
    # The fence is never closed early: as many fences open as close.
    assert text.count("```mermaid") == 2
    assert text.count("```") == 4
    assert "#34;Boss#34; #91;EB#93; #60;x#62; #124; y" in blocks[0]
    assert "#60;b#62;CTO#60;/b#62;#124;" in blocks[0]


def test_mermaid_shows_roles_met_and_stance(pipeline: AuditReport, options: RenderOptions) -> None:
    block = mermaid_blocks(render(pipeline, options))[0]
    assert 'person0["Zhang Wei · General manager<br>never met · neutral"]:::notmet' in block
    assert 'person1["Li Gong<br>met 2026-10-01 · champion"]:::met' in block
    assert 'person2["Wang Fang<br>planned 2026-12-05"]:::planned' in block
    # Li Gong is TB and coach: one node, two edges.
    assert "role1 --> person1" in block
    assert "role3 --> person1" in block
    assert block.count("person1[") == 1


def test_pipeline_table_worst_first_with_totals(
    pipeline: AuditReport, options: RenderOptions
) -> None:
    text = render(pipeline, options)
    section = text.split("### Pipeline", 1)[1].split("\n### ", 1)[0]
    order = re.findall(r"^\| \*\*([^*]+)\*\*", section, flags=re.MULTILINE)
    assert order == ["deals/broken.yaml", "HD-2026-031", "ACME-7", "OK-9", "WON-1"]
    assert "| CNY | 1,200,000 | 1,200,000 |" in section
    assert "| EUR | 10,000 | 0 |" in section
    assert "| USD | 250,000 | 250,000 |" in section
    headline = text.splitlines()[0]
    # What a sales manager asks first; the CI outcome comes next.
    assert headline == "## ❌ 1 of 5 deals not ready · CNY 1,200,000 and USD 250,000 at risk"
    assert text.splitlines()[2].startswith("**CI:** fails `--fail-on not_ready` · ")
    assert "1 invalid, 1 not ready, 1 at risk, 1 ready, 1 closed" in text
    assert (
        "**Findings:** 5 (2 critical, 1 high, 1 medium, 1 low) · 1 suppressed · 1 baselined" in text
    )


def test_deal_sections(pipeline: AuditReport, options: RenderOptions) -> None:
    text = render(pipeline, options)
    assert "#### Findings (2)" in text
    assert "| Severity | Rule | Location | Finding | Fix |" in text
    assert (
        "| critical | EB002 eb-not-met | deals/hd-2026-031.yaml:12 | Zhang Wei (EB) has never"
        " been met; the deal is at proposal. | Get a referral to Zhang Wei and record the"
        " meeting in `met`. |"
    ) in text
    assert "#### Suppressed (1)" in text
    assert "- **BI004** No user buyer (UB) is named. (reason: The user department" in text
    assert "#### Baselined (1)" in text
    assert "This file could not be audited." in text
    assert "Closed deal: readiness rules do not apply." in text


def test_passing_headline(build: Builder, options: RenderOptions) -> None:
    deal = build(yaml_deal("D-1", "Fine"), "deals/d.yaml", findings=(), verdict=Verdict.READY)
    text = render(AuditReport(AS_OF, (deal,)), options)
    assert text.startswith(
        "## ✅ 1 deal, none not ready\n\n**CI:** nothing reaches `--fail-on not_ready`"
    )
    assert "### Pipeline" not in text  # one deal: no pipeline table
    assert "None of ebcheck's checks found a gap" in text
    assert "not a promise that nothing stands in the way" in text


def test_summary_only(pipeline: AuditReport, options: RenderOptions) -> None:
    text = render(pipeline, replace(options, summary_only=True))
    assert "### Pipeline" in text
    assert "#### " not in text
    assert "```mermaid" not in text
    single = AuditReport(AS_OF, pipeline.deals[:1])
    assert "### Pipeline" in render(single, replace(options, summary_only=True))


def many_deals(build: Builder, count: int) -> AuditReport:
    base = build(
        yaml_deal("D-0", "Deal", stakeholders="  - {name: Ann, roles: [EB]}\n"),
        "deals/d.yaml",
        findings=tuple(finding(message=f"Finding {i} " + "x" * 200, line=i + 1) for i in range(5)),
        verdict=Verdict.NOT_READY,
        score=10,
    )
    deals = tuple(
        replace(base, path=f"deals/d-{i:03}.yaml", deal_id=f"D-{i:03}", score=i % 100)
        for i in range(count)
    )
    return AuditReport(AS_OF, deals)


def test_long_report_is_cut_to_the_limit_with_a_footer(
    build: Builder, options: RenderOptions
) -> None:
    report = many_deals(build, 60)
    full = render(report, options)
    limit = 30_000
    assert size(full) > limit
    text = render_markdown(report, options, limit=limit)
    assert size(text) <= limit
    assert text.startswith("## ❌ 60 of 60 deals not ready")
    assert "| USD |" in text  # the totals are always kept
    assert text.count("| **D-") == 60  # every pipeline row still fits
    footer = text.rstrip().splitlines()[-1]
    kept = text.count("\n### 🔴 ")
    assert 0 < kept < 60
    assert footer.startswith("> ✂️ This report was shortened")
    assert f"{60 - kept} deal sections left out: " in footer
    assert "and " in footer and " more." in footer
    # Whole sections only: every Mermaid block that opens also closes.
    assert text.count("```mermaid") * 2 == text.count("```")


def test_pipeline_rows_are_cut_when_even_they_do_not_fit(
    build: Builder, options: RenderOptions
) -> None:
    report = many_deals(build, 300)
    limit = 20_000
    text = render_markdown(report, replace(options, summary_only=True), limit=limit)
    assert size(text) <= limit
    rows = text.count("| **D-")
    assert 0 < rows < 300
    assert f"{300 - rows} pipeline rows left out." in text


def test_real_audit_renders(auditor_report: AuditReport, options: RenderOptions) -> None:
    text = render(auditor_report, options)
    assert "#### Findings" in text
    for table in tables(text):
        assert len(set(table)) == 1


@pytest.fixture
def auditor_report(build: Builder) -> AuditReport:
    """Findings from the real rules (whatever the pack holds today)."""
    deal = build(
        yaml_deal("R-1", "Real", stage="proposal", stakeholders="  - {name: Zhang, roles: [EB]}\n"),
        "deals/r.yaml",
    )
    return AuditReport(AS_OF, (deal,))


def test_markdown_long_values_are_shortened(build: Builder, options: RenderOptions) -> None:
    deal: DealReport = build(
        yaml_deal("L-1", "n" * 500, account="a" * 500),
        "deals/l.yaml",
        findings=(finding(severity=Severity.LOW),),
        verdict=Verdict.READY,
        score=97,
    )
    text = render(AuditReport(AS_OF, (deal, replace(deal, path="deals/m.yaml"))), options)
    assert "n" * 79 + "…" in text
    assert "n" * 80 not in text
