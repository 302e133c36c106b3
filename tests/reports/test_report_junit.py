"""--format junit: well-formed XML whose counts match, failing what --fail-on fails."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ebcheck.audit.findings import RuleCrash
from ebcheck.audit.gate import decide
from ebcheck.audit.results import AuditReport, DealReport
from ebcheck.deal.enums import Severity, Verdict
from ebcheck.reports import RenderOptions
from ebcheck.reports.junit_format import render
from tests.reports.report_samples import AS_OF, finding


def xml(text: str) -> ET.Element:
    """Our own output, parsed as CI tools parse it (ElementTree, as the task asks)."""
    return ET.fromstring(text.encode("utf-8"))  # noqa: S314 - not untrusted input


def parse(report: AuditReport, options: RenderOptions, fail_on: str = "not_ready") -> ET.Element:
    text = render(decide(report, fail_on), options)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return xml(text)


def suites(root: ET.Element) -> dict[str, ET.Element]:
    return {suite.get("name", ""): suite for suite in root.findall("testsuite")}


def outcome(case: ET.Element) -> str:
    for tag in ("failure", "error", "skipped"):
        if case.find(tag) is not None:
            return tag
    return "passed"


@pytest.mark.parametrize("fail_on", ["not_ready", "at_risk", "critical", "medium", "info", "never"])
def test_counts_match_the_testcases(
    fail_on: str, pipeline: AuditReport, options: RenderOptions
) -> None:
    root = parse(pipeline, options, fail_on)
    assert root.tag == "testsuites"
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        outcomes = [outcome(c) for c in cases]
        assert suite.get("tests") == str(len(cases))
        assert suite.get("failures") == str(outcomes.count("failure"))
        assert suite.get("errors") == str(outcomes.count("error"))
        assert suite.get("skipped") == str(outcomes.count("skipped"))
        totals["tests"] += len(cases)
        totals["failures"] += outcomes.count("failure")
        totals["errors"] += outcomes.count("error")
    assert {key: int(root.get(key, "-1")) for key in totals} == totals
    assert [s.get("name") for s in root.findall("testsuite")] == [d.path for d in pipeline.deals]


def test_every_finding_is_a_testcase_whatever_fails(
    pipeline: AuditReport, options: RenderOptions
) -> None:
    for fail_on in ("not_ready", "never"):
        found = suites(parse(pipeline, options, fail_on))
        for deal in pipeline.deals:
            cases = found[deal.path].findall("testcase")
            shown = [*deal.findings, *(s.finding for s in deal.suppressed), *deal.baselined]
            if shown:
                assert len(cases) == len(shown) + len(deal.crashes), deal.path
                assert [c.get("name", "").split()[0] for c in cases[: len(deal.findings)]] == [
                    f.rule for f in deal.findings
                ]


@pytest.mark.parametrize(
    ("fail_on", "failing"),
    [
        ("not_ready", {"deals/hd-2026-031.yaml": ["EB002", "CT001"]}),
        (
            "at_risk",
            {"deals/hd-2026-031.yaml": ["EB002", "CT001"], "deals/acme-7.yaml": ["EB001"]},
        ),
        ("critical", {"deals/hd-2026-031.yaml": ["EB002"]}),
        ("high", {"deals/hd-2026-031.yaml": ["EB002"], "deals/acme-7.yaml": ["EB001"]}),
        (
            "low",
            {
                "deals/hd-2026-031.yaml": ["EB002", "CT001"],
                "deals/acme-7.yaml": ["EB001"],
                "deals/ok-9.yaml": ["RS005"],
            },
        ),
        ("never", {}),
    ],
)
def test_what_fails_follows_fail_on(
    fail_on: str, failing: dict[str, list[str]], pipeline: AuditReport, options: RenderOptions
) -> None:
    root = parse(pipeline, options, fail_on)
    found = {
        name: [f.get("type", "") for f in suite.iter("failure")]
        for name, suite in suites(root).items()
        if suite.find("testcase/failure") is not None
    }
    assert found == failing


def test_invalid_file_is_an_error_whatever_fail_on(
    pipeline: AuditReport, options: RenderOptions
) -> None:
    for fail_on in ("not_ready", "never"):
        broken = suites(parse(pipeline, options, fail_on))["deals/broken.yaml"]
        (case,) = broken.findall("testcase")
        error = case.find("error")
        assert error is not None
        assert error.get("type") == "E001"
        assert error.get("message", "").startswith("not valid YAML")
        assert broken.get("errors") == "1"


def test_failure_carries_rule_location_and_fix(
    pipeline: AuditReport, options: RenderOptions
) -> None:
    suite = suites(parse(pipeline, options))["deals/hd-2026-031.yaml"]
    case = suite.findall("testcase")[0]
    assert case.get("name") == "EB002 eb-not-met (Zhang Wei)"
    assert case.get("classname") == "deals/hd-2026-031.yaml"
    assert case.get("file") == "deals/hd-2026-031.yaml"
    assert case.get("line") == "12"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "EB002"
    assert failure.get("message") == "Zhang Wei (EB) has never been met; the deal is at proposal."
    assert failure.text == (
        "deals/hd-2026-031.yaml:12:5: EB002 eb-not-met [critical]\n"
        "Zhang Wei (EB) has never been met; the deal is at proposal.\n"
        "Fix: Get a referral to Zhang Wei and record the meeting in `met`."
    )
    skipped = [case.find("skipped") for case in suite.findall("testcase")]
    marks = [element.get("message") for element in skipped if element is not None]
    assert marks == ["suppressed: The user department is formed in January", "baselined"]
    assert suite.get("skipped") == "2"


def test_a_deal_without_failures_passes(pipeline: AuditReport, options: RenderOptions) -> None:
    found = suites(parse(pipeline, options))
    (case,) = found["deals/won-1.yaml"].findall("testcase")
    assert outcome(case) == "passed"
    assert case.get("name") == "WON-1 Renewal 2026"
    # The low finding that did not fail is a passing case, its text in its output.
    (case,) = found["deals/ok-9.yaml"].findall("testcase")
    assert outcome(case) == "passed"
    assert (case.get("name") or "").startswith("RS005 ")
    assert "RS005" in (case.findtext("system-out") or "")


def test_baselined_findings_do_not_fail_a_verdict(options: RenderOptions) -> None:
    # Baselined findings weigh nothing: a deal whose gaps are all recorded is ready.
    deal = DealReport(
        "deals/a.yaml",
        AS_OF,
        Verdict.READY,
        97,
        (finding(severity=Severity.LOW),),
        baselined=(finding(),),
    )
    root = parse(AuditReport(AS_OF, (deal,)), options)
    assert root.get("failures") == "0"


def test_control_characters_are_replaced(options: RenderOptions) -> None:
    """As in every format (U+FFFD), so the tail of an escape sequence is not taken for
    the deal's own text."""
    nasty = "bad\x1b[31m\x00\x07\x0b\ud800 \u202eend\ttab\nline"
    deal = DealReport(
        f"deals/{nasty}.yaml",
        AS_OF,
        Verdict.NOT_READY,
        40,
        (finding(message=nasty, subject=nasty, fix=nasty),),
    )
    text = render(decide(AuditReport(AS_OF, (deal,)), "not_ready"), options)
    for char in ("\x1b", "\x00", "\x07", "\x0b", "\u202e"):
        assert char not in text
    root = xml(text)
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "bad\ufffd[31m\ufffd\ufffd\ufffd\ufffd \ufffdend tab line"
    assert failure.text is not None
    assert "bad\ufffd[31m\ufffd\ufffd\ufffd\ufffd \ufffdend\ttab\nline" in failure.text


def test_markup_in_names_is_quoted(options: RenderOptions) -> None:
    name = 'a<b>&"c"]]>'
    deal = DealReport("deals/x.yaml", AS_OF, Verdict.READY, 100, deal_id=name)
    case = xml(render(decide(AuditReport(AS_OF, (deal,)), "not_ready"), options)).find(
        "testsuite/testcase"
    )
    assert case is not None and case.get("name") == name


def test_crash_is_an_error(options: RenderOptions) -> None:
    deal = DealReport(
        "deals/a.yaml", AS_OF, Verdict.READY, 100, crashes=(RuleCrash("EB005", "boom"),)
    )
    root = parse(AuditReport(AS_OF, (deal,)), options)
    assert root.get("errors") == "1"
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("name") == "EB005 crashed"
    error = case.find("error")
    assert error is not None and "boom" in error.get("message", "")


def test_no_timestamps(pipeline: AuditReport, options: RenderOptions) -> None:
    assert render(pipeline, options) == render(pipeline, options)
    assert "timestamp" not in render(pipeline, options)
