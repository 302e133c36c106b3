"""The HTML report: self-contained, escaped, deterministic, and showing every section."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ebcheck.audit.engine import audit_paths
from ebcheck.audit.results import AuditReport
from ebcheck.audit.settings import Settings
from ebcheck.cli.app import app
from ebcheck.deal.enums import Verdict
from ebcheck.i18n import Catalogue
from ebcheck.reports import Format, RenderOptions, render
from ebcheck.reports.html_charts import Step, waterfall
from ebcheck.reports.html_format import OPEN_UP_TO, SECTIONS_UP_TO, render_page
from ebcheck.reports.html_style import SCRIPT
from ebcheck.reports.svg import attr, em_width, plain, text
from tests.conftest import EXAMPLES
from tests.reports.report_samples import Builder, quote, yaml_deal
from tests.test_history import Repo, deal_text

NAMESPACE = "http://www.w3.org/2000/svg"
EXAMPLE_COUNT = len(list(EXAMPLES.glob("*.yaml")))


class Page(HTMLParser):
    """The tags, attributes and text of a page, as a browser's parser sees them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.texts).append(data)

    def count(self, tag: str, css: str | None = None) -> int:
        return sum(
            1
            for name, attrs in self.tags
            if name == tag and (css is None or css in (attrs.get("class") or "").split())
        )

    @property
    def text(self) -> str:
        return "".join(self.texts)


def examples_report(lang: str = "en") -> tuple[AuditReport, RenderOptions]:
    settings = Settings(lang=lang)
    report = audit_paths((EXAMPLES,), settings)
    from ebcheck.audit.engine import words_for

    return report, RenderOptions(catalogue=words_for(lang), version="9.9")


@pytest.fixture(scope="module")
def english() -> str:
    report, options = examples_report("en")
    return render(report, Format.HTML, options)


@pytest.fixture(scope="module")
def chinese() -> str:
    report, options = examples_report("zh")
    return render(report, Format.HTML, options)


# --- one file, no network -------------------------------------------------------------


def test_no_url_but_the_svg_namespace(english: str, chinese: str) -> None:
    for page in (english, chinese):
        assert NAMESPACE in page
        assert not re.search(r"https?://", page.replace(NAMESPACE, "")), "a URL in the page"
        assert "//" not in re.sub(
            r"<script>.*?</script>", "", page.replace(NAMESPACE, ""), flags=re.S
        )


def test_a_deal_full_of_urls_puts_no_url_in_the_page(build: Builder) -> None:
    """Whatever a deal says, the file holds no `http:`/`https:`; the reader sees the text."""
    urls = ("http://evil.example/x", "HTTPS://Evil.Example/y", "hTtP://z.example")
    stakeholders = f"  - {{name: {quote(urls[1])}, title: {quote(urls[2])}, roles: [EB]}}\n"
    deal = build(
        yaml_deal("U-1", urls[1], account=urls[2], owner=urls[0], stakeholders=stakeholders),
        "u.yaml",
    )
    assert deal.deal is not None, deal.findings
    html = render_page(AuditReport(as_of=deal.as_of, deals=(deal,)), RenderOptions(Catalogue("en")))
    assert not re.search(r"https?:", html.replace(NAMESPACE, ""), re.IGNORECASE)
    page = Page(html)
    for url in urls:
        assert url in page.text
    sort_keys = [a.get("data-sort") or "" for _, a in page.tags]
    assert f"U-1 {urls[1]}" in sort_keys  # an attribute reads the same too


def test_csp_forbids_every_request_and_allows_only_our_script(english: str) -> None:
    page = Page(english)
    metas = [a for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert len(metas) == 1
    policy = metas[0]["content"] or ""
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["style-src"] == "'unsafe-inline'"
    assert page.scripts == [SCRIPT]
    digest = base64.b64encode(hashlib.sha256(page.scripts[0].encode()).digest()).decode()
    assert directives["script-src"] == f"'sha256-{digest}'"
    # Nothing that could fetch: no src, no href but in-page anchors, no @import or url().
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        href = attrs.get("href")
        assert href is None or href.startswith("#"), (tag, href)
    styles = english[english.index("<style>") : english.index("</style>")]
    assert "url(" not in styles
    assert "@import" not in styles
    assert "@font-face" not in styles


def test_the_font_stack_renders_chinese_and_there_is_a_print_stylesheet(english: str) -> None:
    assert '"Noto Sans CJK SC"' in english
    assert '"Microsoft YaHei"' in english
    assert '"PingFang SC"' in english
    assert "@media print" in english


# --- what it shows ----------------------------------------------------------------------


def test_the_examples_page_shows_every_section(english: str) -> None:
    page = Page(english)
    report, _ = examples_report()
    deals = len(report.deals)
    assert deals == EXAMPLE_COUNT
    assert page.count("section", None) >= 4
    assert {"summary", "charts", "pipeline", "deals"} <= {
        a.get("id") for t, a in page.tags if t == "section"
    }
    # Summary cards: deals, not ready, amount at risk per currency, forecast categories.
    assert page.count("div", "card") == 4
    assert "CNY 21,850,000 of 22,030,000" in page.text
    assert '<td>commit</td><td class="num">EUR 880,000</td><td class="num">880,000</td>' in english
    # Charts: amount by verdict and by forecast category per currency, score distribution.
    labels = [a.get("aria-label") or "" for t, a in page.tags if t == "svg"]
    for currency in ("CNY", "EUR", "GBP", "USD"):
        assert f"Amount by verdict ({currency})" in labels
    assert "Amount by forecast category (CNY)" in labels
    assert "Score distribution" in labels
    # The pipeline table: one sortable row per deal, worst first.
    assert page.count("table", "sortable") == 1
    # ready-line3-retrofit's first coach left in May: greyed in the map, dated in the table.
    assert english.count('class="person gone"') == 1
    assert "left 2026-05-31" in page.text
    rows = re.findall(r'<tr><td data-sort="([^"]*)"><a href="#deal-(\d+)"', english)
    assert [int(n) for _, n in rows] == list(range(1, deals + 1))
    assert rows[0][0].startswith("ZS-2026-021")
    # One section per deal, open (few deals), each closed-or-open deal with its map.
    assert page.count("details", "deal") == deals
    assert english.count('<details class="deal') == english.count(" open>")
    assert page.count("svg", "map") == deals
    ladders = [
        d for d in report.deals if d.deal and d.deal.relationship and d.deal.relationship.stage
    ]
    assert page.count("ol", "ladder") == len(ladders)
    assert page.text.count("no relationship stage recorded") == deals - len(ladders)
    # Findings with their fixes.
    findings = sum(len(d.findings) for d in report.deals)
    assert page.count("li", None) >= findings
    assert english.count('<div class="fix">') == findings
    assert "Get the first EB meeting through preparation and a referral" in page.text


def test_the_map_draws_roles_met_and_never_and_who_left(build: Builder) -> None:
    stakeholders = (
        "  - {name: Zhang Wei, title: GM, roles: [EB], stance: neutral}\n"
        "  - {name: Li Qiang, roles: [TB, coach], met: 2026-11-01, stance: champion}\n"
        "  - {name: Old User, roles: [UB], met: 2026-01-01, left: 2026-06-30}\n"
    )
    deal = build(yaml_deal("M-1", "Map", stakeholders=stakeholders), "m.yaml")
    report = AuditReport(as_of=deal.as_of, deals=(deal,))
    html = render_page(report, RenderOptions(catalogue=Catalogue("en")))
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" viewBox') :]
    svg = svg[svg.index('class="map"') :]
    svg = svg[: svg.index("</svg>")]
    assert 'class="person never stance-neutral"' in svg
    assert 'class="person met stance-champion"' in svg
    assert 'class="person gone"' in svg
    assert "left 2026-06-30" in svg
    assert 'class="person nobody"' in svg  # nobody holds UB now
    # Li Qiang holds two roles: one box, two edges into it.
    assert svg.count("Li Qiang") == 2  # the box's tooltip and its text
    assert svg.count('class="edge"') >= 2 + 4


def test_chinese_page(chinese: str) -> None:
    page = Page(chinese)
    assert ("html", {"lang": "zh-Hans"}) in page.tags
    assert "采购决策圈" in page.text
    assert "得分分布" in page.text
    assert "中山市第一人民医院" in page.text
    assert "点击列标题可排序。" in page.text


def test_many_deals_start_collapsed(build: Builder) -> None:
    deals = tuple(
        build(yaml_deal(f"C-{i:03d}", f"Deal {i}"), f"deals/c-{i:03d}.yaml")
        for i in range(OPEN_UP_TO + 1)
    )
    report = AuditReport(as_of=deals[0].as_of, deals=deals)
    html = render_page(report, RenderOptions(catalogue=Catalogue("en")))
    assert html.count('<details class="deal') == OPEN_UP_TO + 1
    assert " open>" not in html
    assert f"{OPEN_UP_TO + 1} deals, collapsed" in html


def big_pipeline(build: Builder, ready: int) -> AuditReport:
    """Two not-ready deals, one invalid file, and `ready` ready deals."""
    urgent = [
        build(yaml_deal(f"N-{i}", f"Urgent {i}"), f"n-{i}.yaml", verdict=Verdict.NOT_READY)
        for i in range(2)
    ]
    broken = build("ebcheck: 1\ndeal: [\n", "broken.yaml")
    calm = [
        build(yaml_deal(f"R-{i:03d}", f"Calm {i}"), f"r-{i:03d}.yaml", verdict=Verdict.READY)
        for i in range(ready)
    ]
    return AuditReport(as_of=urgent[0].as_of, deals=(*urgent, broken, *calm))


def test_a_big_pipeline_gives_a_section_only_to_the_urgent_deals(build: Builder) -> None:
    report = big_pipeline(build, SECTIONS_UP_TO - 2)
    total = len(report.deals)
    assert total == SECTIONS_UP_TO + 1
    html = render_page(report, RenderOptions(catalogue=Catalogue("en")))
    page = Page(html)
    assert html.count('<details class="deal') == 3  # the two not ready and the invalid file
    assert html.count('href="#deal-') == 3  # only a deal with a section links to one
    table = html[html.index('<section id="pipeline"') :]
    assert table[: table.index("</section>")].count("<tr") == total + 1  # every deal listed
    assert "R-000" in page.text and 'id="deal-4"' not in html
    hidden = f"{total - 3} more deals are in the pipeline table only"
    assert hidden in page.text
    assert "audit with --all for a section per deal" in page.text
    every = render_page(report, RenderOptions(catalogue=Catalogue("en"), show_all=True))
    assert every.count('<details class="deal') == total
    assert "in the pipeline table only" not in every
    zh = render_page(report, RenderOptions(catalogue=Catalogue("zh")))
    assert f"另有 {total - 3} 个商机只列在管道表中" in Page(zh).text


def test_up_to_the_threshold_every_deal_has_a_section(build: Builder) -> None:
    report = big_pipeline(build, SECTIONS_UP_TO - 3)
    html = render_page(report, RenderOptions(catalogue=Catalogue("en")))
    assert html.count('<details class="deal') == SECTIONS_UP_TO
    assert "in the pipeline table only" not in html


def test_summary_only_leaves_out_the_deal_sections() -> None:
    report, options = examples_report()
    from dataclasses import replace

    html = render_page(report, replace(options, summary_only=True))
    assert "<details" not in html
    assert 'id="pipeline"' in html


# --- escaping and determinism --------------------------------------------------------------


HOSTILE = "</style><script>alert(1)</script> \"q\" 'a' & <b>x</b> \u202eevil\u202c \x1b[31m"


def test_every_deal_string_is_escaped(build: Builder) -> None:
    stakeholders = (
        f"  - {{name: {quote(HOSTILE)}, title: {quote('</svg><img src=x>')}, roles: [EB]}}\n"
    )
    text = yaml_deal("X-1", HOSTILE, account=HOSTILE, stakeholders=stakeholders)
    deal = build(text, "x.yaml")
    assert deal.deal is not None, deal.findings
    report = AuditReport(as_of=deal.as_of, deals=(deal,))
    html = render_page(report, RenderOptions(catalogue=Catalogue("en")))
    page = Page(html)
    assert page.count("script") == 1  # ours alone
    assert page.count("img") == 0
    assert page.count("b") == 0
    assert html.count("</style>") == 1
    assert "\u202e" not in html
    assert "\x1b" not in html
    assert (
        "&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &#x27;a&#x27; &amp;"
        in html
    )
    # What the reader sees is the text as written, the bidi override and escape shown as �.
    assert "</style><script>alert(1)</script> \"q\" 'a' & <b>x</b> \ufffdevil\ufffd \ufffd[31m" in (
        page.text
    )


def test_same_input_same_bytes(tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = []
    for name in ("one.html", "two.html"):
        target = tmp_path / name
        result = runner.invoke(app, ["audit", str(EXAMPLES), "-f", "html", "-o", str(target)])
        assert result.exit_code == 1, result.stderr
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b"<!DOCTYPE html>\n")
    assert b"Score trends need the git history" in outputs[0]


def test_size_stays_within_the_budget(build: Builder) -> None:
    """The budget of bench/README.md: at most 12 KB per deal like the examples."""
    report, options = examples_report()
    html = render(report, Format.HTML, options)
    assert len(html.encode()) / len(report.deals) < 12_000


# --- trends from git, and the review page ---------------------------------------------------


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@needs_git
@pytest.mark.parametrize("by_config", [False, True], ids=["--history", "history: true"])
def test_history_gives_each_deal_a_score_trend(
    by_config: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("a.yaml", deal_text("A-1", "qualification", "2026-03-31"))
    repo.commit("2026-01-05")
    repo.write("a.yaml", deal_text("A-1", "proposal", "2026-05-31"))
    repo.commit("2026-02-01")
    repo.write("a.yaml", deal_text("A-1", "proposal", "2026-06-30"))
    repo.commit("2026-03-01")
    monkeypatch.chdir(repo.root)
    if by_config:
        (repo.root / ".ebcheck.yaml").write_text("history: true\n", encoding="utf-8")
    flag = [] if by_config else ["--history"]
    result = CliRunner().invoke(
        app, ["audit", ".", *flag, "-f", "html", "--as-of", "2026-03-02", "--fail-on", "never"]
    )
    assert result.exit_code == 0, result.stderr
    page = Page(result.stdout)
    trends = [a for t, a in page.tags if t == "svg" and "trend" in (a.get("class") or "")]
    assert len(trends) == 1
    assert page.count("svg", "sparkline") == 1
    assert page.count("circle") == 3  # one dot per version
    assert "Score trends need" not in result.stdout


@needs_git
def test_history_unavailable_is_said_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.yaml").write_text(deal_text("A-1"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app, ["audit", ".", "--history", "-f", "html", "--fail-on", "never"]
    )
    assert result.exit_code == 0
    assert "history unavailable" in result.stderr
    notes = re.findall(r'<p class="note">(No score trends: [^<]*)</p>', result.stdout)
    assert len(notes) == 1
    assert "not inside a git repository" in notes[0]


@needs_git
def test_review_page_draws_the_waterfall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("a.yaml", deal_text("A-1", "proposal", "2026-03-31", 100000))
    repo.write("b.yaml", deal_text("B-1", "negotiation", "2026-03-31", 50000))
    repo.commit("2026-01-05")
    repo.git("tag", "w1")
    repo.write("a.yaml", deal_text("A-1", "proposal", "2026-04-30", 90000))
    repo.write("b.yaml", deal_text("B-1", "closed_won"))
    repo.write("c.yaml", deal_text("C-1", "qualification", "2026-06-30", 30000))
    repo.commit("2026-01-12")
    monkeypatch.chdir(repo.root)
    result = CliRunner().invoke(app, ["review", "--since", "w1", "-f", "html"])
    assert result.exit_code == 0, result.stderr
    html = result.stdout
    page = Page(html)
    assert not re.search(r"https?://", html.replace(NAMESPACE, ""))
    assert page.count("svg", "waterfall") == 1
    assert re.search(r'<div class="charts wide"><figure><figcaption>Waterfall', html)  # own row
    bars = re.findall(r'class="wf-(total|up|down|won)"><title>([^<]*)</title>', html)
    assert [kind for kind, _ in bars] == [
        "total",
        "up",
        "up",
        "down",
        "won",
        "down",
        "down",
        "total",
    ]
    assert bars[0][1] == "Open at start: 150,000"
    assert bars[-1][1] == "Open at end: 120,000"
    assert "Pipeline review: w1 → working tree" in page.text
    assert {"won", "new", "amount down", "pushed"} <= set(page.texts)


@given(st.text(st.characters(exclude_categories=())))
def test_any_text_stays_text_in_an_element_and_an_attribute(value: str) -> None:
    """Whatever a deal says, even lone surrogates from an undecodable file name."""
    shown = plain(value)
    page = Page(f'<p title="{attr(value)}">{text(value)}</p><i></i>')
    assert [tag for tag, _ in page.tags] == ["p", "i"]
    assert page.tags[0][1]["title"] == shown
    assert page.text == shown
    text(value).encode("utf-8")  # never a lone surrogate: the page is valid UTF-8


def test_each_role_nobody_holds_gets_its_own_box(build: Builder) -> None:
    stakeholders = "  - {name: Only Coach, roles: [coach], met: 2026-11-01}\n"
    deal = build(yaml_deal("N-1", "Nobody", stakeholders=stakeholders), "n.yaml")
    html = render_page(AuditReport(as_of=deal.as_of, deals=(deal,)), RenderOptions(Catalogue("en")))
    svg = html[html.index('class="map"') :]
    svg = svg[: svg.index("</svg>")]
    assert svg.count('class="person nobody"') == 3  # EB, TB, UB
    assert svg.count('class="person met"') == 1


@needs_git
def test_review_findings_name_each_rule_once_with_a_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("a.yaml", deal_text("A-1", "proposal", "2026-06-30"))
    repo.commit("2026-01-05")
    repo.git("tag", "w1")
    future = (
        "stakeholders:\n"
        "  - {name: Ann, roles: [coach], met: 2026-09-01}\n"
        "  - {name: Bo, roles: [coach], met: 2026-09-02}\n"
        "  - {name: Cy, roles: [coach], met: 2026-09-03}\n"
    )
    repo.write("a.yaml", deal_text("A-1", "proposal", "2026-06-30", extra=future))
    repo.commit("2026-01-12")
    monkeypatch.chdir(repo.root)
    result = CliRunner().invoke(
        app, ["review", "--since", "w1", "-f", "html", "--as-of", "2026-01-12"]
    )
    assert result.exit_code == 0, result.stderr
    text = Page(result.stdout).text
    assert "HY007 date-in-future ×3" in text
    assert "date-in-future, HY007" not in text


def test_waterfall_labels_fit_their_step_and_wrap_long_names() -> None:
    """Each step's labels stay inside its own width, so no two labels can collide, and the
    picture is drawn at the size it is shown (12 px text, never scaled down into a card)."""
    names = [
        "Open at start",
        "Supercalifragilisticexpialidocious",
        "期初未结金额减少移除赢单",
        "Won",
    ]
    steps = [
        Step(n, 1e9, "total" if i == 0 else "down", "1,234,567,890") for i, n in enumerate(names)
    ]
    drawn = waterfall(steps, title="t")
    width = float(re.search(r'width="([\d.]+)"', drawn)[1])  # type: ignore[index]
    step = width / len(steps)
    assert step >= 100
    labels = re.findall(r'<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>', drawn)
    for x, _, shown in labels:
        middle = float(x)
        column = int(middle // step)
        half = em_width(plain(shown)) * 12 / 2 * (1.1 if shown[0].isdigit() else 1)
        assert column * step <= middle - half and middle + half <= (column + 1) * step, shown
    axis = [s for _, y, s in labels if float(y) > 170]
    assert axis[:3] == ["Open at", "start", "Supercalifra"]  # wrapped at a space, else cut
    assert "期初未结金额减" in axis


@needs_git
def test_review_writes_its_page_to_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("deals/a.yaml", deal_text("A-1", "proposal", "2026-03-31", 100000))
    repo.commit("2026-01-05")
    repo.git("tag", "w1")
    repo.write("deals/a.yaml", deal_text("A-1", "proposal", "2026-04-30", 90000))
    repo.commit("2026-01-12")
    monkeypatch.chdir(repo.root)
    runner = CliRunner()
    result = runner.invoke(app, ["review", "deals", "--since", "w1", "-f", "html", "-o", "r.html"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    written = (repo.root / "r.html").read_text(encoding="utf-8")
    assert written.startswith("<!DOCTYPE html>\n")
    assert "Pipeline review: w1 → working tree" in Page(written).text
    assert not list(repo.root.glob(".r.html.*"))  # no temporary file left behind
    # A deal file the review reads is never overwritten, nor is a folder.
    before = (repo.root / "deals/a.yaml").read_bytes()
    for target in ("deals/a.yaml", "deals"):
        refused = runner.invoke(app, ["review", "deals", "--since", "w1", "-o", target])
        assert refused.exit_code == 2, refused.stdout
        assert target in refused.stderr
    assert (repo.root / "deals/a.yaml").read_bytes() == before
