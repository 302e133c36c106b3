"""The HTML report in a real browser: headless Chromium loads the examples' report.

Chromium is Debian's `chromium` package (`.ci/run` installs it, with the
`fonts-noto-cjk` fonts, when missing), driven through its DevTools pipe by
`tests/reports/html_browser.py`. The tests skip, saying why, only when no
Chromium is installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ebcheck.audit.engine import audit_paths, words_for
from ebcheck.audit.settings import Settings
from ebcheck.reports import Format, RenderOptions, render
from tests.conftest import EXAMPLES
from tests.reports.html_browser import Browser, Page, chromium, colours, find_chromium

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
