"""A panel laid out as plain text (`ebcheck.reports.plainlayout`) must read exactly as
Rich prints it without colour: the terminal report uses it for every panel it can
lay out, and Rich for the rest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich import box
from rich.console import Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ebcheck.audit.engine import audit_paths, audit_text, words_for
from ebcheck.audit.results import DealReport
from ebcheck.audit.settings import Settings
from ebcheck.reports.cjkwrap import cjk_line_breaks
from ebcheck.reports.plainlayout import Unsure, panel_text
from ebcheck.reports.styles import text_console
from ebcheck.reports.terminal_format import PanelText, deal_panel
from ebcheck.reports.textsafe import clean

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WIDTHS = (24, 30, 41, 60, 72, 80, 99, 100, 120, 150, 200)


def rich_text(panel: Panel, width: int) -> str:
    console, buffer = text_console(width, False)
    with cjk_line_breaks():
        console.print(panel)
    return buffer.getvalue()


@pytest.fixture(scope="module", params=["en", "zh"])
def examples(request: pytest.FixtureRequest) -> tuple[str, tuple[DealReport, ...]]:
    lang = request.param
    settings = Settings(root=EXAMPLES.parent, cache_dir=None, as_of=dt.date(2026, 12, 1), lang=lang)
    return lang, audit_paths([EXAMPLES], settings, jobs=1).deals


@pytest.mark.parametrize("width", WIDTHS)
def test_every_example_panel_reads_as_rich_prints_it(
    examples: tuple[str, tuple[DealReport, ...]], width: int
) -> None:
    lang, deals = examples
    words = words_for(lang)
    for deal in deals:
        panel = deal_panel(deal, words)
        assert panel_text(panel, width) == rich_text(panel, width), (deal.path, width)


def test_the_report_lays_out_its_panels_and_still_prints_them_in_colour_with_rich(
    examples: tuple[str, tuple[DealReport, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    lang, deals = examples
    words = words_for(lang)
    laid: list[int] = []
    real = panel_text

    def counted(panel: Panel, width: int) -> str:
        laid.append(width)
        return real(panel, width)

    monkeypatch.setattr("ebcheck.reports.plainlayout.panel_text", counted)
    every = tuple(deal.verdict for deal in deals)
    texts = [PanelText(100, False, every)(deal, words) for deal in deals]
    assert len(laid) == len(deals)  # laid out here, not by Rich
    assert texts == [rich_text(deal_panel(deal, words), 100) for deal in deals]
    coloured_text = PanelText(100, True, every)(deals[0], words)
    assert "\x1b[" in coloured_text
    assert len(laid) == len(deals)  # colour is Rich's


def test_what_it_cannot_lay_out_is_left_to_rich() -> None:
    marked = Panel(Group(Table("[b]role[/b]")), title=Text("x"))
    with pytest.raises(Unsure):
        panel_text(marked, 80)  # a plain string is markup to Rich
    centred = Panel(Text("text"), title=Text("x"), title_align="center")
    with pytest.raises(Unsure):
        panel_text(centred, 80)


_PIECES = st.sampled_from(
    ["a", "bc", "deal", "EB", "：", "，", "。", "张", "伟", "华东精密", "→", "—", "·", "(", ")",
     "2026-12-01", "x.yaml:3:5", " ", "  ", "、", "Ｆ", "🙂", "supercalifragilistic"]
)  # fmt: skip
_TEXTS = st.lists(_PIECES, max_size=40).map(lambda parts: clean("".join(parts)))


@st.composite
def panels(draw: st.DrawFn) -> Panel:
    """Panels shaped as the report's: a header grid, a boxed table with a title, a text,
    an indented text and a borderless table whose last column takes the rest."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for _ in range(draw(st.integers(1, 3))):
        grid.add_row(Text(draw(_TEXTS)), Text(draw(_TEXTS)))
    title = draw(st.sampled_from(["Buying centre", "采购"]))
    centre = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for header in ("Role", "Who", "Met"):
        centre.add_column(header, overflow="fold")
    for _ in range(draw(st.integers(0, 3))):
        centre.add_row(*(Text(draw(_TEXTS)) for _ in range(3)))
    findings = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    findings.add_column(no_wrap=True)
    findings.add_column(ratio=1, overflow="fold")
    for _ in range(draw(st.integers(0, 3))):
        lines = draw(st.lists(_TEXTS, min_size=1, max_size=3))
        findings.add_row(Text(draw(st.sampled_from(["high", "低"]))), Text("\n".join(lines)))
    parts = [grid, Text(), centre, Text(draw(_TEXTS)), findings]
    parts.append(Padding(Text(draw(_TEXTS)), (0, 0, 0, 2)))
    return Panel(
        Group(*parts),
        # The report's titles end in an ellipsis when cut; Rich's default does not.
        title=Text(draw(_TEXTS), overflow=draw(st.sampled_from(["ellipsis", "fold"]))),
        title_align="left",
        subtitle=Text(draw(_TEXTS)),
        subtitle_align="right",
    )


@settings(max_examples=300, deadline=None)
@given(panels(), st.integers(20, 160))
def test_generated_panels_read_as_rich_prints_them(panel: Panel, width: int) -> None:
    try:
        text = panel_text(panel, width)
    except Unsure:
        return  # Rich prints it
    assert text == rich_text(panel, width)


@pytest.mark.parametrize("width", [30, 40, 57, 80, 81, 120])
def test_a_deal_name_too_long_for_the_border_ends_in_an_ellipsis(width: int) -> None:
    name = "昆仑钢铁 集团 ERP 全面升级项目（含 MES、WMS、质量追溯与能源管理模块）"
    text = (
        "ebcheck: 1\nas_of: 2026-11-20\n"
        f'deal: {{id: KL-1, name: "{name}", account: 昆仑钢铁, stage: proposal,\n'
        "  close_date: 2027-01-31}\n"
    )
    panel = deal_panel(audit_text(text), words_for("zh"))
    top = panel_text(panel, width).splitlines()[0]
    assert panel_text(panel, width) == rich_text(panel, width)
    assert top.startswith("╭─ KL-1  昆仑钢铁")
    if width < 81:
        assert top.endswith("…─╮")
    else:
        assert "能源管理模块）" in top
