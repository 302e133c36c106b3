"""The HTML report: one self-contained page for the pipeline review.

Layout: a header (how many deals, as of when, whether the run fails
`--fail-on`); summary cards (deals, not ready, amount at risk per currency,
per forecast category); charts (amount by verdict and by forecast category
per currency, the score distribution); the pipeline table, worst deal first,
sortable by clicking a heading; then one collapsible section per deal: its
facts, score and verdict, the buying centre as a map and a table, the
relationship ladder, the score trend when the git history was read, and the
findings with their fixes.

The page is one file: inline CSS, inline SVG drawn by ebcheck, one optional
inline script allowed by its hash, and a Content-Security-Policy that forbids
every request, so it opens the same offline, from mail or from a CI artefact.
Every text a user wrote goes through `ebcheck.reports.svg.text`/`attr`. The
same report gives the same bytes: no clock, no random ids, stable ordering.

`render_review` makes the page of `ebcheck review` (waterfall and changes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal

from ebcheck.audit.findings import Finding
from ebcheck.audit.results import AuditReport, DealReport
from ebcheck.audit.review import BUCKETS, Change, Review, Value
from ebcheck.audit.timeline import VersionRow
from ebcheck.deal.enums import RelationshipStage, Verdict
from ebcheck.deal.models import DealFile, DealInfo, Stakeholder
from ebcheck.deal.money import exact
from ebcheck.i18n import Catalogue
from ebcheck.reports import RenderOptions
from ebcheck.reports.common import (
    buying_centre_rows,
    forecast_word,
    header_facts,
    money,
    no_deals,
    stage_word,
    stance_word,
    suppressed_line,
    verdict_counts,
    who_words,
    worst_first,
)
from ebcheck.reports.html_charts import Bar, Point, Segment, Step, bars, columns, trend, waterfall
from ebcheck.reports.html_map import buying_centre_map
from ebcheck.reports.html_style import CSP, CSS, SCRIPT
from ebcheck.reports.svg import attr, num, svg, text

OPEN_UP_TO = 20
"""Deal sections start open up to this many deals; above, collapsed."""
SECTIONS_UP_TO = 200
"""Every deal gets a section up to this many deals; above, only the not-ready and invalid
ones do (the rest are in the pipeline table), unless `--all`: 10,000 deals would make a
page of 60 MB that takes a browser half a minute to open."""
URGENT = (Verdict.INVALID, Verdict.NOT_READY)
DASH = "—"
Trends = Mapping[str, Sequence[VersionRow]]


# --- the page --------------------------------------------------------------------


def page(title: str, body: str, words: Catalogue, version: str) -> str:
    """The whole document around `body` (already HTML)."""
    lang = "zh-Hans" if words.lang == "zh" else "en"
    generator = f"ebcheck {version}" if version else "ebcheck"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="{attr(generator)}">\n'
        f"<title>{text(title)}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n"
        f"{body}\n"
        f"<footer>{text(words.text('html.generated', version=generator))}</footer>\n"
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


def header(title: str, lines: Iterable[str]) -> str:
    said = "".join(f"<p>{text(line)}</p>" for line in lines)
    return f'<header class="page"><h1>{text(title)}</h1>{said}</header>'


def badge(verdict: Verdict, words: Catalogue) -> str:
    word = text(words.text(f"verdict.{verdict.value}"))
    return f'<span class="badge v-{verdict.value}">{word}</span>'


def currency_name(code: str, words: Catalogue) -> str:
    return words.text("reports.markdown.no_currency") if code == "unknown" else code


# --- cards -------------------------------------------------------------------------


def card(
    label: str, big: str, lines: Iterable[str] = (), *, alert: bool = False, amount: bool = False
) -> str:
    items = "".join(f"<li>{text(line)}</li>" for line in lines)
    css = "card" + (" alert" if alert else "") + (" money" if amount else "")
    listed = f"<ul>{items}</ul>" if items else ""
    return (
        f'<div class="{css}"><div class="label">{text(label)}</div>'
        f'<div class="big">{text(big)}</div>{listed}</div>'
    )


def cards(report: AuditReport, words: Catalogue) -> str:
    summary = report.summary()
    counts = summary.by_verdict
    deal_lines = [verdict_counts(report, words)] if counts else []
    not_ready = counts.get(Verdict.NOT_READY.value, 0)
    at_risk = counts.get(Verdict.AT_RISK.value, 0)
    parts = [
        card(words.text("html.deals"), str(summary.deals), deal_lines),
        card(
            words.text("verdict.not_ready"),
            str(not_ready),
            [words.text("html.at_risk_deals", count=at_risk)],
            alert=not_ready > 0,
        ),
        risk_card(summary.amount_at_risk, summary.amount, words),
    ]
    if summary.by_forecast and any(
        d.deal is not None and d.deal.deal.forecast is not None for d in report.deals
    ):
        parts.append(forecast_card(summary.by_forecast, words))
    return f'<section class="cards" id="summary">{"".join(parts)}</section>'


def risk_card(
    at_risk: Mapping[str, Decimal], total: Mapping[str, Decimal], words: Catalogue
) -> str:
    """The amount at risk, one line per currency (never added across currencies)."""
    if not total:
        return card(words.text("html.amount_at_risk"), DASH, [words.text("html.no_amounts")])
    lines = [
        words.text(
            "html.of_total",
            amount=money(at_risk.get(code, 0), currency_name(code, words)),
            total=money(value, None),
        )
        for code, value in total.items()
    ]
    first, *rest = lines
    return card(
        words.text("html.amount_at_risk"), first, rest, alert=any(at_risk.values()), amount=True
    )


def forecast_card(by_forecast: dict[str, dict[str, dict[str, Decimal]]], words: Catalogue) -> str:
    """Per forecast category and currency: the open amount and the part at risk."""
    rows = [
        table_row(
            [
                forecast_word(category, words),
                money(value, currency_name(code, words)),
                money(parts["at_risk"].get(code, 0), None),
            ],
            numeric=(1, 2),
        )
        for category, parts in by_forecast.items()
        for code, value in parts["amount"].items()
    ]
    heads = th(words.text("report.forecast")) + th(words.text("report.amount"), numeric=True)
    heads += th(words.text("report.at_risk_amount"), numeric=True)
    return (
        f'<div class="card wide"><div class="label">{text(words.text("html.by_forecast"))}</div>'
        f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


# --- charts -------------------------------------------------------------------------


def _decimal_sums(report: AuditReport) -> dict[str, dict[Verdict, Decimal]]:
    sums: dict[str, dict[Verdict, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    with exact():
        for deal in report.deals:
            if not deal.is_open or deal.deal is None or deal.deal.deal.amount is None:
                continue
            sums[report.currency_of(deal)][deal.verdict] += deal.deal.deal.amount
    return sums


def verdict_charts(report: AuditReport, words: Catalogue) -> list[str]:
    figures = []
    sums = _decimal_sums(report)
    for code in sorted(sums):
        rows = [
            Bar(
                words.text(f"verdict.{verdict.value}"),
                (Segment(float(value), f"v-{verdict.value}", money(value, code)),),
                money(value, None),
            )
            for verdict in sorted(sums[code], key=lambda v: v.rank)
            if (value := sums[code][verdict])
        ]
        title = words.text("html.chart_verdict", currency=currency_name(code, words))
        figures.append(figure(title, bars(rows, title=title)))
    return figures


def forecast_charts(report: AuditReport, words: Catalogue) -> list[str]:
    if not any(d.deal is not None and d.deal.deal.forecast is not None for d in report.deals):
        return []  # nobody calls a forecast: one "no forecast" bar per currency says nothing
    by_forecast = report.summary().by_forecast
    codes = sorted({code for parts in by_forecast.values() for code in parts["amount"]})
    figures = []
    for code in codes:
        rows = []
        for category, parts in by_forecast.items():
            amount = parts["amount"].get(code)
            if not amount:
                continue
            risk = parts["at_risk"].get(code, Decimal(0))
            with exact():
                safe = amount - risk
            name = forecast_word(category, words)
            rows.append(
                Bar(
                    name,
                    (
                        Segment(
                            float(risk),
                            "risk",
                            words.text("html.risk_tip", amount=money(risk, code)),
                        ),
                        Segment(
                            float(safe),
                            "safe",
                            words.text("html.safe_tip", amount=money(safe, code)),
                        ),
                    ),
                    money(amount, None),
                )
            )
        if rows:
            title = words.text("html.chart_forecast", currency=currency_name(code, words))
            figures.append(figure(title, bars(rows, title=title), legend=forecast_legend(words)))
    return figures


def forecast_legend(words: Catalogue) -> str:
    return (
        '<ul class="legend">'
        f'<li><span class="v-not_ready"></span>{text(words.text("html.part_at_risk"))}</li>'
        f'<li><span class="safe-key"></span>{text(words.text("html.part_safe"))}</li>'
        "</ul>"
    )


def score_chart(report: AuditReport, words: Catalogue) -> str | None:
    """How many judged deals scored 0-9, 10-19, ... 90-100."""
    scores = [
        d.score
        for d in report.deals
        if d.score is not None and d.verdict not in (Verdict.CLOSED, Verdict.INVALID)
    ]
    if not scores:
        return None
    counts = [0] * 10
    for score in scores:
        counts[min(score // 10, 9)] += 1
    names = [f"{low}–{low + 9 if low < 90 else 100}" for low in range(0, 100, 10)]
    classes = ["bin-bad"] * 5 + ["bin-warn"] * 3 + ["bin-good"] * 2
    title = words.text("html.chart_scores")
    return figure(title, columns(counts, names, classes, title=title))


def figure(title: str, picture: str, *, legend: str = "") -> str:
    return f"<figure><figcaption>{text(title)}</figcaption>{picture}{legend}</figure>"


def charts(report: AuditReport, words: Catalogue, trend_note: str) -> str:
    figures = [*verdict_charts(report, words), *forecast_charts(report, words)]
    scores = score_chart(report, words)
    if scores:
        figures.append(scores)
    notes = [trend_note, words.text("html.waterfall_hint")]
    said = "".join(f'<p class="note">{text(n)}</p>' for n in notes if n)
    drawn = f'<div class="charts">{"".join(figures)}</div>' if figures else ""
    return f'<section id="charts"><h2>{text(words.text("html.charts"))}</h2>{drawn}{said}</section>'


# --- the pipeline table -------------------------------------------------------------


def th(label: str, *, numeric: bool = False) -> str:
    extra = ' class="num" data-type="num"' if numeric else ""
    return f'<th scope="col"{extra}>{text(label)}</th>'


def td(
    value: object,
    *,
    sort: object = None,
    numeric: bool = False,
    raw: bool = False,
    nowrap: bool = False,
) -> str:
    css = ' class="num"' if numeric else ' class="nowrap"' if nowrap else ""
    key = f' data-sort="{attr(sort)}"' if sort is not None else ""
    shown = str(value) if raw else text(value)
    return f"<td{css}{key}>{shown}</td>"


def anchor(index: int) -> str:
    return f"deal-{index + 1}"


def spark(rows: Sequence[VersionRow]) -> str:
    """A tiny score line for the pipeline table (0 at the bottom, 100 at the top)."""
    scores = [r.score for r in rows if r.score is not None]
    if len(scores) < 2:
        return text(scores[0]) if scores else DASH
    step = 56 / (len(scores) - 1)
    points = " ".join(
        f"{num(2 + i * step)},{num(2 + 14 * (100 - s) / 100)}" for i, s in enumerate(scores)
    )
    body = f'<polyline points="{points}" class="spark"/>'
    label = " → ".join(str(s) for s in scores)
    return svg(60, 18, body, label=label, css="sparkline")


def pipeline_table(
    deals: Sequence[DealReport],
    words: Catalogue,
    trends: Trends | None,
    linked: Collection[int] | None = None,
) -> str:
    """The table of every deal; a deal links to its section when it has one (`linked`: the
    indexes of the deals with a section, None for all)."""
    forecasts = any(d.deal is not None and d.deal.deal.forecast is not None for d in deals)
    heads = [th(words.text("report.deal")), th(words.text("report.account"))]
    heads.append(th(words.text("report.owner")))
    if forecasts:
        heads.append(th(words.text("report.forecast")))
    heads += [
        th(words.text("report.stage")),
        th(words.text("report.amount"), numeric=True),
        th(words.text("report.close_date")),
        th(words.text("report.score"), numeric=True),
        th(words.text("report.verdict"), numeric=True),
        th(words.text("report.top_finding")),
    ]
    if trends is not None:
        heads.append(th(words.text("html.trend")))
    rows = [
        pipeline_row(index, deal, words, forecasts, trends, linked is None or index in linked)
        for index, deal in enumerate(deals)
    ]
    return (
        f'<section id="pipeline" class="panel"><h2>{text(words.text("report.pipeline"))}</h2>'
        f'<p class="note">{text(words.text("html.sort_hint"))}</p><div class="scroll">'
        f'<table class="sortable"><thead><tr>{"".join(heads)}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def pipeline_row(
    index: int,
    deal: DealReport,
    words: Catalogue,
    forecasts: bool,
    trends: Trends | None,
    has_section: bool = True,
) -> str:
    info = deal.deal.deal if deal.deal else None
    name = f' <span class="muted">{text(deal.name)}</span>' if deal.name else ""
    shown = text(deal.deal_id or deal.path)
    link = (f'<a href="#{anchor(index)}">{shown}</a>' if has_section else shown) + name
    cells = [
        td(link, sort=f"{deal.deal_id or deal.path} {deal.name or ''}", raw=True),
        td(info.account if info else DASH),
        td((info.owner or DASH) if info else DASH),
    ]
    if forecasts:
        forecast = info.forecast.value if info and info.forecast else "none"
        cells.append(
            td(forecast_word(forecast, words) if info and info.forecast else DASH, sort=forecast)
        )
    top = deal.top_finding
    cells += [
        td(stage_word(deal, words), sort=info.stage.rank if info else -1),
        td(
            money(info.amount, info.currency) if info else DASH, sort=amount_key(info), numeric=True
        ),
        td(info.close_date.isoformat() if info and info.close_date else DASH, nowrap=True),
        td(
            deal.score if deal.score is not None else DASH,
            sort=deal.score if deal.score is not None else -1,
            numeric=True,
        ),
        td(badge(deal.verdict, words), sort=deal.verdict.rank, numeric=True, raw=True),
        td(
            f"{top.rule} · {words.text(f'severity.{top.severity.value}')}" if top else DASH,
            sort=f"{top.severity.rank} {top.rule}" if top else "9",
            nowrap=True,
        ),
    ]
    if trends is not None:
        rows = trends.get(deal.deal_id or "", ())
        cells.append(td(spark(rows), raw=True))
    return f"<tr>{''.join(cells)}</tr>"


def amount_key(info: DealInfo | None) -> str:
    """The amount column sorts by number (a deal without an amount first)."""
    return "-1" if info is None or info.amount is None else num(float(info.amount))


# --- one deal ------------------------------------------------------------------------


def facts(deal: DealReport, words: Catalogue) -> str:
    info = deal.deal.deal if deal.deal else None
    pairs: list[tuple[str, str]] = []
    if info is not None:
        pairs += [
            (words.text("report.account"), info.account),
            (words.text("report.owner"), info.owner or DASH),
            (words.text("report.stage"), stage_word(deal, words)),
            (words.text("report.amount"), money(info.amount, info.currency)),
            (
                words.text("report.close_date"),
                info.close_date.isoformat() if info.close_date else DASH,
            ),
        ]
    pairs += header_facts(deal, words)
    pairs += [
        (words.text("report.as_of"), deal.as_of.isoformat()),
        (words.text("reports.markdown.file"), deal.path),
    ]
    if deal.new_verdict is not None and deal.new_verdict is not deal.verdict:
        pairs.append(
            (words.text("html.new_verdict"), words.text(f"verdict.{deal.new_verdict.value}"))
        )
    items = "".join(f"<div><dt>{text(k)}</dt><dd>{text(v)}</dd></div>" for k, v in pairs)
    return f'<dl class="facts">{items}</dl>'


def met_words(person: Stakeholder, deal: DealReport, words: Catalogue) -> str:
    if person.met is None:
        return words.text("report.never")
    if person.met > deal.as_of:
        return words.text("report.planned", date=person.met.isoformat())
    return person.met.isoformat()


def table_row(cells: Sequence[str], *, css: str = "", numeric: Sequence[int] = ()) -> str:
    """A row of plain-text cells (each escaped here); `numeric` cells align right."""
    klass = f' class="{css}"' if css else ""
    return (
        f"<tr{klass}>" + "".join(td(c, numeric=i in numeric) for i, c in enumerate(cells)) + "</tr>"
    )


def centre_table(deal_file: DealFile, deal: DealReport, words: Catalogue) -> str:
    rows = []
    for row in buying_centre_rows(deal_file, deal.as_of):
        role = words.text(f"role.{row.role.value}") if row.role else words.text("report.no_role")
        person = row.person
        if person is None:
            rows.append(table_row([role, words.text("report.nobody"), "", ""], css="muted"))
            continue
        who = " · ".join(who_words(person, words))
        stance = stance_word(person, words) or DASH
        if row.gone and person.left is not None:
            held = words.join(words.text(f"role.{r.value}") for r in sorted(person.all_roles))
            gone = words.text("report.left", date=person.left.isoformat())
            rows.append(table_row([held or role, who, gone, stance], css="muted"))
            continue
        rows.append(table_row([role, who, met_words(person, deal, words), stance]))
    heads = "".join(th(words.text(f"report.{k}")) for k in ("role", "who", "met", "stance"))
    return f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def ladder(deal_file: DealFile, words: Catalogue) -> str:
    relation = deal_file.relationship
    title = f"<h3>{text(words.text('report.relationship'))}</h3>"
    if relation is None or relation.stage is None:
        return title + f'<p class="muted">{text(words.text("report.no_relationship"))}</p>'
    steps = []
    for stage in RelationshipStage:
        name = words.text(f"relationship_stage.{stage.value}")
        if stage == relation.stage:
            share = relation.share_of_wallet
            mark = f" {share:.0%}" if share is not None else ""
            steps.append(f'<li class="current" aria-current="step">{text(name + mark)}</li>')
        else:
            steps.append(f"<li>{text(name)}</li>")
    return title + f'<ol class="ladder">{"".join(steps)}</ol>'


def trend_part(rows: Sequence[VersionRow], words: Catalogue) -> str:
    points = [
        Point(
            r.date,
            r.score,
            f"v-{r.verdict.value}",
            f"{r.date.isoformat()} {r.commit}: {r.score} "
            + words.text(f"verdict.{r.verdict.value}"),
        )
        for r in rows
        if r.score is not None
    ]
    if not points:
        return ""
    title = words.text("html.trend_title")
    said = " → ".join(str(p.score) for p in points)
    return f'<h3>{text(title)}</h3>{trend(points, title=title)}<p class="note">{text(said)}</p>'


def finding_item(finding: Finding, deal: DealReport, words: Catalogue) -> str:
    where = f"{deal.path}:{finding.line}:{finding.column}"
    return (
        f'<li class="s-{finding.severity.value}">'
        f'<span class="sev">{text(words.text(f"severity.{finding.severity.value}"))}</span> '
        f'<span class="rule">{text(finding.rule)}</span> '
        f'<span class="muted">{text(finding.name)}</span>'
        f"<div>{text(finding.message)}</div>"
        f'<div class="fix">→ {text(finding.fix)}</div>'
        f'<div class="where">{text(where)}</div></li>'
    )


def findings_part(deal: DealReport, words: Catalogue) -> str:
    parts = []
    if deal.verdict is Verdict.CLOSED:
        parts.append(f'<p class="muted">{text(words.text("report.closed_deal"))}</p>')
    if deal.deal is None:
        parts.append(f'<p class="muted">{text(words.text("report.invalid_file"))}</p>')
    if deal.findings:
        title = f"{words.text('report.findings')} ({len(deal.findings)})"
        items = "".join(finding_item(f, deal, words) for f in deal.findings)
        parts.append(f'<h3>{text(title)}</h3><ol class="findings">{items}</ol>')
    elif deal.verdict is not Verdict.CLOSED:
        key = "report.no_new_findings" if deal.baselined else "report.no_findings"
        parts.append(f"<p>{text(words.text(key))}</p>")
    return "".join(parts) + extras(deal, words)


def extras(deal: DealReport, words: Catalogue) -> str:
    parts = []
    if deal.suppressed:
        lines = []
        for entry in deal.suppressed:
            lines.append(f"<li>{text(suppressed_line(entry, words))}</li>")
        title = f"{words.text('report.suppressed')} ({len(deal.suppressed)})"
        parts.append(f'<h3>{text(title)}</h3><ul class="muted">{"".join(lines)}</ul>')
    if deal.baselined:
        lines = [f"<li>{text(f.rule)} {text(f.message)}</li>" for f in deal.baselined]
        title = f"{words.text('report.baselined')} ({len(deal.baselined)})"
        said = text(words.text("report.baselined_count"))
        parts.append(
            f'<h3>{text(title)}</h3><p class="note">{said}</p>'
            f'<ul class="muted">{"".join(lines)}</ul>'
        )
    for crash in deal.crashes:
        said = words.text("report.crashed", rule=crash.rule, error=crash.error)
        parts.append(f'<p class="v-invalid badge">{text(said)}</p>')
    return "".join(parts)


def map_legend(words: Catalogue) -> str:
    keys = [
        ("met", words.text("html.legend_met")),
        ("never", words.text("reports.markdown.never_met")),
        ("planned", words.text("html.legend_planned")),
        ("gone", words.text("html.map_left")),
        *((s, words.text(f"stance.{s}")) for s in ("champion", "supporter", "skeptic", "opponent")),
    ]
    items = "".join(f'<li><span class="{css}"></span>{text(name)}</li>' for css, name in keys)
    return f'<ul class="legend">{items}</ul>'


def deal_section(
    index: int, deal: DealReport, words: Catalogue, trends: Trends | None, *, is_open: bool
) -> str:
    score = f'<span class="score">{deal.score}/100</span>' if deal.score is not None else ""
    name = f"<span>{text(deal.name)}</span>" if deal.name else ""
    summary = (
        f"<summary>{badge(deal.verdict, words)} <strong>{text(deal.deal_id or deal.path)}</strong>"
        f"{name}{score}</summary>"
    )
    parts = [facts(deal, words)]
    if deal.deal is not None and deal.verdict is not Verdict.CLOSED:
        parts.append(f"<h3>{text(words.text('report.buying_centre'))}</h3>")
        parts.append(
            f'<div class="centre">{buying_centre_map(deal.deal, deal, words)}'
            f"{centre_table(deal.deal, deal, words)}</div>{map_legend(words)}"
        )
        parts.append(ladder(deal.deal, words))
    versions = trends.get(deal.deal_id or "") if trends is not None else None
    if versions:
        parts.append(trend_part(versions, words))
    parts.append(findings_part(deal, words))
    opened = " open" if is_open else ""
    return (
        f'<details class="deal d-{deal.verdict.value}" id="{anchor(index)}"{opened}>'
        f"{summary}{''.join(parts)}</details>"
    )


def status_line(report: AuditReport, words: Catalogue) -> str:
    key = "crashed" if report.crashes else "failed" if report.fails else "passed"
    return words.text(f"html.status_{key}", fail_on=report.fail_on)


def notes(report: AuditReport, words: Catalogue) -> list[str]:
    lines = []
    summary = report.summary()
    if summary.skipped:
        lines.append(words.text("report.summary_skipped", count=summary.skipped))
    if report.stale_baseline:
        lines.append(words.text("report.baseline_unmatched", count=len(report.stale_baseline)))
    return lines


def render_page(
    report: AuditReport,
    options: RenderOptions,
    *,
    trends: Trends | None = None,
    trend_note: str = "",
) -> str:
    """The audit as one HTML page; `trends` (by deal id, oldest version first) adds the
    score trends, and `trend_note` says in one line why there are none."""
    words = options.catalogue
    deals = worst_first(report)
    title = words.text("html.title", deals=len(deals))
    lines = [words.text("html.as_of", date=report.as_of.isoformat()), status_line(report, words)]
    body = [header(title, lines), "<main>"]
    if not deals:
        body.append(f"<p>{text(no_deals(report, words))}</p>")
    else:
        body += [cards(report, words), charts(report, words, trend_note)]
        shown = sectioned(deals, options)
        linked = None if len(shown) == len(deals) else {i for i, _ in shown}
        body.append(pipeline_table(deals, words, trends, linked))
        if not options.summary_only:
            body += deal_sections(deals, shown, words, trends)
    body += [f'<p class="note">{text(line)}</p>' for line in notes(report, words)]
    body.append("</main>")
    return page(title, "\n".join(body), words, options.version)


def sectioned(deals: Sequence[DealReport], options: RenderOptions) -> list[tuple[int, DealReport]]:
    """The deals that get a section, with their place in the table: all of them up to
    `SECTIONS_UP_TO` deals or with `--all`, else the not-ready and invalid ones."""
    if options.summary_only:
        return []
    if options.show_all or len(deals) <= SECTIONS_UP_TO:
        return list(enumerate(deals))
    return [(i, d) for i, d in enumerate(deals) if d.verdict in URGENT]


def deal_sections(
    deals: Sequence[DealReport],
    shown: Sequence[tuple[int, DealReport]],
    words: Catalogue,
    trends: Trends | None,
) -> list[str]:
    opened = len(shown) <= OPEN_UP_TO
    heading = words.text("html.deals_heading")
    if not opened:
        heading += " · " + words.text("html.collapsed", count=len(shown))
    parts = [f'<section id="deals"><h2>{text(heading)}</h2>']
    hidden = len(deals) - len(shown)
    if hidden:
        said = words.text("html.sections_hidden", count=hidden)
        parts.append(f'<p class="note" id="sections-hidden">{text(said)}</p>')
    parts += [deal_section(i, d, words, trends, is_open=opened) for i, d in shown]
    parts.append("</section>")
    return parts


def render(report: AuditReport, options: RenderOptions) -> str:
    return render_page(report, options)


# --- the review page ------------------------------------------------------------------


def _number(value: Decimal) -> float:
    return float(value)


def waterfall_figure(code: str, bucket: object, words: Catalogue) -> str:
    kinds = {"start": "total", "new": "up", "increased": "up", "end": "total"}
    steps = [
        Step(
            words.text(f"review.{name}"),
            _number(getattr(bucket, name)),
            kinds.get(name, "down"),
            money(getattr(bucket, name), None),
            "wf-won" if name == "won" else "",  # won leaves the pipeline for a good reason
        )
        for name in BUCKETS
    ]
    title = words.text("review.waterfall", currency=currency_name(code, words))
    return figure(title, waterfall(steps, title=title))


def change_value(change: Change, value: Value, words: Catalogue) -> str:
    if value is None:
        return DASH
    if change.kind in ("amount_up", "amount_down") and isinstance(value, Decimal):
        return money(value, None)
    if isinstance(value, str) and change.kind not in ("pushed", "pulled_in"):
        return words.get(f"stage.{value}") or value
    return str(value)


def changes_table(review: Review, words: Catalogue) -> str:
    if not review.changes:
        return f"<p>{text(words.text('review.no_changes'))}</p>"
    heads = "".join(th(words.text(f"review.{k}")) for k in ("deal", "kind", "before", "after"))
    rows = [
        "<tr>"
        + td(
            f'{text(c.id)} <span class="muted">{text(c.path)}</span>',
            sort=f"{c.path} {c.id}",
            raw=True,
        )
        + td(words.text(f"review.kinds.{c.kind}"))
        + td(change_value(c, c.before, words))
        + td(change_value(c, c.after, words))
        + "</tr>"
        for c in review.changes
    ]
    return (
        f'<div class="scroll"><table class="sortable"><thead><tr>{heads}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def review_findings(review: Review, words: Catalogue) -> str:
    if not review.findings:
        return ""
    items = []
    for f in review.findings:
        said = []
        if f.new:
            said.append(words.text("review.new_findings", rules=rule_list(f.new)))
        if f.resolved:
            said.append(words.text("review.resolved_findings", rules=rule_list(f.resolved)))
        items.append(f"<li><strong>{text(f.id)}</strong>: {text('; '.join(said))}</li>")
    return f"<h2>{text(words.text('review.findings'))}</h2><ul>{''.join(items)}</ul>"


def rule_list(findings: Sequence[Finding]) -> str:
    """Each rule once, in order of appearance, with how many times it fired when more than once:
    `HY007 date-in-future ×3, EB001 eb-not-met`."""
    counts: dict[str, int] = {}
    for f in findings:
        name = f"{f.rule} {f.name}"
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(name if n == 1 else f"{name} ×{n}" for name, n in counts.items())


def review_verdicts(review: Review, words: Catalogue) -> str:
    if not review.verdicts:
        return ""
    items = [
        f"<li><strong>{text(v.id)}</strong>: "
        f"{badge(v.before, words)} → {badge(v.after, words)}</li>"
        for v in review.verdicts
    ]
    return f"<h2>{text(words.text('review.verdicts'))}</h2><ul>{''.join(items)}</ul>"


def render_review(review: Review, options: RenderOptions) -> str:
    """`ebcheck review` as one HTML page: the waterfall per currency, then the changes."""
    words = options.catalogue
    until = review.until or words.text("review.working_tree")
    title = words.text("review.title", since=review.since, until=until)
    lines = [words.text("html.review_since", date=review.since_date.isoformat())]
    figures = [waterfall_figure(code, b, words) for code, b in review.waterfall.items()]
    body = [header(title, lines), "<main>"]
    body.append(f'<section id="waterfall"><h2>{text(words.text("review.waterfall_title"))}</h2>')
    if figures:
        # One waterfall per row, shown at its own width: its labels stay readable.
        body.append(f'<div class="charts wide">{"".join(figures)}</div>')
        body.append(f'<p class="note">{text(words.text("html.waterfall_balance"))}</p>')
    else:
        body.append(f"<p>{text(words.text('html.no_amounts'))}</p>")
    body.append("</section>")
    body.append(
        f'<section class="panel" id="changes"><h2>{text(words.text("review.changes"))}</h2>'
    )
    body.append(changes_table(review, words) + "</section>")
    body += [review_verdicts(review, words), review_findings(review, words), "</main>"]
    return page(title, "\n".join(b for b in body if b), words, options.version)
