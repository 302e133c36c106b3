"""The JSON report: the shape documented in the deal format spec, built explicitly."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from ebcheck.audit.findings import Finding, Suppressed
from ebcheck.audit.results import AnyReport, AuditReport, DealReport, DealWriter, Tally
from ebcheck.deal.enums import Severity, Stage
from ebcheck.i18n import Catalogue
from ebcheck.reports import RenderOptions, jsontext

REPORT_VERSION = 2


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "fix": finding.fix,
        "line": finding.line,
        "column": finding.column,
        "path": finding.path,
        "subject": finding.subject,
    }


def suppressed_dict(entry: Suppressed) -> dict[str, Any]:
    return {
        **finding_dict(entry.finding),
        "reason": entry.reason,
        "until": entry.until.isoformat() if entry.until else None,
    }


def deal_dict(report: DealReport) -> dict[str, Any]:
    info = report.deal.deal if report.deal else None
    return {
        "path": report.path,
        "id": report.deal_id,
        "name": info.name if info else None,
        "account": info.account if info else None,
        "owner": info.owner if info else None,
        "stage": info.stage.value if info else None,
        "amount": info.amount if info else None,
        "currency": info.currency if info else None,
        "close_date": info.close_date.isoformat() if info and info.close_date else None,
        "type": info.type.value if info else None,
        "forecast": info.forecast.value if info and info.forecast else None,
        "pushes": info.pushes if info else None,
        "days_in_stage": info.days_in_stage(report.as_of) if info else None,
        "score": report.score,
        "verdict": report.verdict.value,
        **({"new_verdict": report.new_verdict.value} if report.new_verdict else {}),
        "as_of": report.as_of.isoformat(),
        "findings": [finding_dict(f) for f in report.findings],
        "suppressed": [suppressed_dict(s) for s in report.suppressed],
        "baselined": [finding_dict(f) for f in report.baselined],
        "errors": [{"rule": c.rule, "error": c.error} for c in report.crashes],
    }


def summary_dict(report: AnyReport) -> dict[str, Any]:
    summary = report.summary()
    return {
        "deals": summary.deals,
        "invalid": summary.invalid,
        "skipped": summary.skipped,
        "by_verdict": summary.by_verdict,
        "amount": summary.amount,
        "amount_at_risk": summary.amount_at_risk,
        "by_forecast": summary.by_forecast,
        "baseline_unmatched": len(report.stale_baseline),
    }


def report_dict(report: AuditReport) -> dict[str, Any]:
    return {
        "ebcheck_report": REPORT_VERSION,
        "as_of": report.as_of.isoformat(),
        "deals": [deal_dict(d) for d in report.deals],
        "summary": summary_dict(report),
    }


_DEAL_MARGIN = "    "  # a deal is an item of the top-level object's "deals" list


def deal_text(deal: DealReport, words: Catalogue) -> str:
    """One deal's item of the report's "deals" list, as `chunks` writes it."""
    return jsontext.dumps(deal_dict(deal), _DEAL_MARGIN)


# The items of a deal's object, in order, as `deal_dict` writes them without a baseline.
_ITEMS = [
    *("path", "id", "name", "account", "owner", "stage", "amount", "currency", "close_date"),
    *("type", "forecast", "pushes", "days_in_stage", "score", "verdict", "as_of"),
    *("findings", "suppressed", "baselined", "errors"),
]
# Amounts are exact: read back as `Decimal`, as the tally holds them. One decoder for
# every text (`json.loads` with an option builds a decoder each call).
_DECODER = json.JSONDecoder(parse_float=Decimal)


def sound_text(
    text: str, tally: Tally, severities: Sequence[Severity], repo_path: str = ""
) -> bool:
    """Whether `text`, read back from the result cache, is the deal item this format
    writes for `tally` and findings of those `severities`: one object, laid out as
    `deal_text` lays it out, saying what the tally says (else it is written again)."""
    opening, closing = "{\n" + _DEAL_MARGIN + '  "path": ', "\n" + _DEAL_MARGIN + "}"
    if not (text.startswith(opening) and text.endswith(closing)) or jsontext.holds_unsafe(text):
        return False
    try:
        item = _DECODER.decode(text)
        stage = item["stage"]
        is_open = stage is not None and not Stage(stage).is_closed
        return (
            list(item) == _ITEMS
            and (item["path"], item["id"], item["verdict"])
            == (tally.path, tally.deal_id, tally.verdict.value)
            and (item["amount"], item["currency"]) == (tally.amount, tally.currency)
            and item["forecast"] == (tally.forecast.value if tally.forecast else None)
            and is_open == tally.is_open
            and [f["severity"] for f in item["findings"]] == [s.value for s in severities]
            and len(item["suppressed"]) == tally.counts.suppressed
            and len(item["baselined"]) == tally.counts.baselined
            and item["errors"] == []
        )
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return False


WRITER = DealWriter("json", deal_text, sound_text)


def chunks(report: AnyReport, options: RenderOptions) -> Iterator[str]:
    """The report's text a deal at a time (what `jsontext.dumps(report_dict(report))`
    writes), so that a big pipeline is never held as one tree of dicts."""
    yield (
        f'{{\n  "ebcheck_report": {REPORT_VERSION},\n'
        f'  "as_of": {jsontext.dumps(report.as_of.isoformat())},\n  "deals": '
    )
    if not report.deals:
        yield "[]"
    for number, text in enumerate(report.deal_texts(deal_text, options.catalogue)):
        yield ("[\n" if number == 0 else ",\n") + _DEAL_MARGIN + text
    if report.deals:
        yield "\n  ]"
    yield ',\n  "summary": ' + jsontext.dumps(summary_dict(report), "  ") + "\n}\n"


def render(report: AnyReport, options: RenderOptions) -> str:
    return "".join(chunks(report, options))
