"""The HTML report in a real browser: headless Chromium loads the examples' report.

Chromium is Debian's `chromium` package (`.ci/run` installs it, with the
`fonts-noto-cjk` fonts, when missing), driven through its DevTools pipe by
`tests/reports/html_browser.py`. The tests skip, saying why, only when no
Chromium is installed. Besides the examples' report, the score trend and the
review page of a small two-commit repository are loaded too.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.audit.engine import audit_paths, words_for
from ebcheck.audit.settings import Settings
from ebcheck.cli.app import app
from ebcheck.reports import Format, RenderOptions, render
from tests.conftest import EXAMPLES
from tests.reports.html_browser import Browser, Page, chromium, colours, find_chromium
from tests.test_history import Repo, deal_text

EXECUTABLE = find_chromium()
pytestmark = pytest.mark.skipif(
    EXECUTABLE is None,
    reason="no Chromium installed: `.ci/run` installs Debian's chromium and fonts-noto-cjk "
    "(apt-get install -y chromium fonts-noto-cjk); the browser test needs them",
)
EXAMPLE_COUNT = len(list(EXAMPLES.glob("*.yaml")))
NOT_READY_RED = (0xC5, 0x22, 0x1F)
CJK_FONTS = ("CJK", "PingFang", "YaHei", "Hiragino", "Source Han", "WenQuanYi")


def examples_page(folder: Path, lang: str) -> Path:
    report = audit_paths((EXAMPLES,), Settings(lang=lang))
    text = render(report, Format.HTML, RenderOptions(catalogue=words_for(lang)))
    target = folder / f"examples.{lang}.html"
    target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert EXECUTABLE is not None
    with chromium(EXECUTABLE) as running:
        yield running


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("html")
    for lang in ("en", "zh"):
        examples_page(folder, lang)
    return folder


@pytest.fixture(scope="module")
def english(browser: Browser, pages: Path) -> Page:
    return browser.open(pages / "examples.en.html")


@pytest.fixture(scope="module")
def chinese(browser: Browser, pages: Path) -> Page:
    return browser.open(pages / "examples.zh.html")


def test_the_harness_sees_requests_and_console_errors(browser: Browser, tmp_path: Path) -> None:
    """The checks below cannot pass by seeing nothing: a blocked script and a local image
    request are both seen (neither leaves the machine)."""
    blocked = tmp_path / "blocked.html"
    blocked.write_text(
        '<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="default-src '
        "'none'\"><p>x</p><script>document.title = 'ran'</script>",
        encoding="utf-8",
    )
    page = browser.open(blocked)
    assert any("Content Security Policy" in p for p in page.problems), page.problems
    assert page.evaluate("document.title") != "ran"
    asking = tmp_path / "asking.html"
    asking.write_text('<!DOCTYPE html><img src="missing.png" alt="">', encoding="utf-8")
    page = browser.open(asking)
    assert [url.rsplit("/", 1)[-1] for url in page.requests] == ["missing.png"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_loads_with_no_request_and_no_console_error(
    lang: str, english: Page, chinese: Page
) -> None:
    page = english if lang == "en" else chinese
    assert page.requests == []
    assert page.problems == []
    assert page.evaluate("document.documentElement.classList.contains('js')")  # our script ran


def test_the_charts_and_the_maps_are_drawn(english: Page) -> None:
    drawn = english.evaluate(
        """Array.from(document.querySelectorAll('svg')).filter(svg => {
             const box = svg.getBoundingClientRect();
             return box.width > 50 && box.height > 20 && svg.querySelector('rect, path, circle');
           }).map(svg => svg.getAttribute('class'))"""
    )
    assert drawn.count("map") == EXAMPLE_COUNT
    charts = [c for c in drawn if c and c.startswith("chart")]
    assert sum(c == "chart bars" for c in charts) >= 8  # by verdict and by forecast, 4 currencies
    assert "chart columns" in charts  # the score distribution
    rects = english.evaluate("document.querySelectorAll('svg.chart rect').length")
    assert rects >= 20


def test_the_screenshot_is_not_blank(english: Page) -> None:
    seen = colours(english.screenshot(scale=0.5, height=1600))
    total = sum(seen.values())
    assert len(seen) > 50
    assert max(seen.values()) / total < 0.8  # not one flat colour

    def near(colour: bytes, target: tuple[int, int, int]) -> bool:
        return all(abs(a - b) <= 12 for a, b in zip(colour, target, strict=True))

    assert any(near(c, NOT_READY_RED) for c in seen), "no not-ready bar or badge drawn"


def test_chinese_text_is_rendered_by_a_chinese_font(chinese: Page) -> None:
    name = chinese.evaluate("document.querySelector('#deal-1 summary strong + span').textContent")
    assert name == "中山医院医学影像云平台"
    fonts = chinese.fonts_of("#deal-1 summary strong + span")
    cjk = [f for f in fonts if any(mark in f["familyName"] for mark in CJK_FONTS)]
    assert cjk, fonts
    assert sum(f["glyphCount"] for f in cjk) >= len(name)


def test_clicking_a_heading_sorts_the_pipeline(english: Page) -> None:
    script = """(() => {
      const table = document.querySelector('table.sortable');
      const heads = Array.from(table.tHead.rows[0].cells);
      const i = heads.findIndex(h => h.textContent.trim() === 'Score');
      heads[i].click();
      const up = Array.from(table.tBodies[0].rows).map(r => Number(r.cells[i].dataset.sort));
      heads[i].click();
      const down = Array.from(table.tBodies[0].rows).map(r => Number(r.cells[i].dataset.sort));
      return [up, down, heads[i].getAttribute('aria-sort')];
    })()"""
    up, down, state = english.evaluate(script)
    assert len(up) == EXAMPLE_COUNT
    assert up == sorted(up)
    assert down == sorted(up, reverse=True)
    assert state == "descending"
    assert english.problems == []


def test_printing_opens_every_deal(browser: Browser, pages: Path, tmp_path: Path) -> None:
    page = browser.open(pages / "examples.en.html")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = false)")
    page.call("Emulation.setEmulatedMedia", media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    closed = page.evaluate("document.querySelectorAll('details:not([open])').length")
    assert closed == 0


def test_the_page_reads_the_same_without_its_script(browser: Browser, pages: Path) -> None:
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"
    ]
    browser.call("Emulation.setScriptExecutionDisabled", {"value": True}, session=session)
    browser.call("Page.enable", session=session)
    browser.call("Page.navigate", {"url": (pages / "examples.en.html").as_uri()}, session=session)
    browser.wait_for("Page.loadEventFired", session)
    browser.call("Emulation.setScriptExecutionDisabled", {"value": False}, session=session)
    page = Page(browser, session, (pages / "examples.en.html").as_uri(), len(browser.events))
    assert not page.evaluate("document.documentElement.classList.contains('js')")
    assert page.evaluate("document.querySelectorAll('table.sortable tbody tr').length") == (
        EXAMPLE_COUNT
    )
    assert page.evaluate("document.querySelectorAll('details[open] svg.map').length") == (
        EXAMPLE_COUNT
    )


@pytest.fixture(scope="module")
def git_pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the audit page with score trends, the review page) of a two-commit repository."""
    if shutil.which("git") is None:
        pytest.skip("needs git")
    root = tmp_path_factory.mktemp("git") / "repo"
    repo = Repo(root)
    repo.write("a.yaml", deal_text("A-1", "proposal", "2026-03-31", 100000))
    repo.write("b.yaml", deal_text("B-1", "negotiation", "2026-03-31", 50000))
    # Three currencies, three waterfalls: side by side in cards they would shrink their text.
    repo.write("e.yaml", deal_text("E-1", "proposal", "2026-05-31", 70000, "EUR"))
    repo.write("y.yaml", deal_text("Y-1", "proposal", "2026-05-31", 900000, "CNY"))
    repo.commit("2026-01-05")
    repo.git("tag", "w1")
    repo.write("a.yaml", deal_text("A-1", "negotiation", "2026-04-30", 90000))
    repo.write("b.yaml", deal_text("B-1", "closed_won"))
    repo.write("c.yaml", deal_text("C-1", "qualification", "2026-06-30", 30000))
    repo.commit("2026-01-12")
    audit, review = root.parent / "audit.html", root.parent / "review.html"
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        for args in (
            ["audit", ".", "--history", "-f", "html", "--fail-on", "never", "-o", str(audit)],
            ["review", "--since", "w1", "-f", "html", "-o", str(review)],
        ):
            result = runner.invoke(app, args)
            assert result.exit_code == 0, result.stderr
    return audit, review


DRAWN = """(css => Array.from(document.querySelectorAll('svg.' + css)).filter(svg => {
  const box = svg.getBoundingClientRect();
  return box.width > 50 && box.height > 20 && svg.querySelector('rect, path, circle');
}).length)"""


def test_the_score_trend_is_drawn(browser: Browser, git_pages: tuple[Path, Path]) -> None:
    page = browser.open(git_pages[0])
    assert page.requests == []
    assert page.problems == []
    assert page.evaluate(DRAWN + "('trend')") == 5  # a trend in each deal's section
    dots = page.evaluate(
        """Array.from(document.querySelectorAll('details.deal')).map(d =>
             [d.querySelector('summary strong').textContent,
              d.querySelectorAll('svg.trend circle').length])"""
    )
    assert ["A-1", 2] in dots  # one dot per version: the deal changed in both commits
    assert page.evaluate("document.querySelectorAll('svg.sparkline polyline').length") == 1


@pytest.mark.parametrize("width", [1280, 1000])
def test_the_review_page_draws_a_readable_waterfall(
    width: int, browser: Browser, git_pages: tuple[Path, Path]
) -> None:
    page = browser.open(git_pages[1], width=width)
    assert page.requests == []
    assert page.problems == []
    assert page.evaluate(DRAWN + "('waterfall')") == 3
    # The text as shown: at least 11 px high, and no two labels overlapping.
    sizes, overlaps = page.evaluate(
        """(() => {
          const boxes = Array.from(document.querySelectorAll('svg.waterfall text'))
            .map(t => t.getBoundingClientRect());
          const size = Math.min(...Array.from(document.querySelectorAll('svg.waterfall')).map(
            svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width
              * parseFloat(getComputedStyle(svg.querySelector('text')).fontSize)));
          let overlaps = 0;
          boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
            if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
              overlaps += 1;
            }
          }));
          return [size, overlaps];
        })()"""
    )
    assert sizes >= 11
    assert overlaps == 0
