"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure, CircleCI).

    <testsuites name="ebcheck" tests="3" failures="1" errors="1">
      <testsuite name="deals/a.yaml" tests="1" failures="1" errors="0" skipped="0">
        <testcase classname="deals/a.yaml" name="EB002 eb-not-met (张伟)" file="deals/a.yaml" …>
          <failure message="张伟 (EB) has never been met; …" type="EB002">…</failure>

One `<testsuite>` per deal file, named by its path. What fails follows
`--fail-on`, read as the exit code reads it:

- a verdict (`not_ready`, `at_risk`): every finding of a deal whose verdict
  reaches it fails (the verdict comes from all of its findings together; as
  for the exit code, it is the verdict without baselined findings);
- a severity (`critical` … `info`): each finding at or above it fails;
- `never`: no finding fails.

Every finding is one `<testcase>`, named by its rule and what it is about:
one that fails has a `<failure type="RULE">` whose body gives the location,
severity, message and fix; one that does not reach `--fail-on` passes, with
the same text in its `<system-out>`. Suppressed and baselined findings are
`<skipped>` cases (the reason in the message): accepted, not hidden. A file
that could not be loaded (E001/E002) gives an `<error>` per problem whatever
`--fail-on` says: the deal could not be audited at all. A rule that crashed is
an `<error>` too. A deal with nothing at all gets one passing testcase named
after the deal, so every file is a suite with a test.

Built with ElementTree (so quoting is right); characters XML 1.0 forbids are
replaced by U+FFFD, as in every format; no timestamps. A CI log may show the
file, so no line of it can pass for a runner command: a line break in deal
text or a file name is kept, but a line it opens with `::` or `##[` gets its
first character replaced.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from ebcheck.audit.findings import Finding
from ebcheck.audit.results import AnyReport, DealReport, DealWriter, Tally
from ebcheck.deal.enums import Verdict
from ebcheck.i18n import Catalogue
from ebcheck.reports import RenderOptions
from ebcheck.reports.textsafe import runner_safe

# Not allowed in XML 1.0 (C0 controls but tab/LF/CR, surrogates, U+FFFE/U+FFFF), and
# what should not be shown anyway (C1 controls, bidirectional overrides).
_NOT_XML = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
    "\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def xml_text(text: object, *, one_line: bool = False) -> str:
    """`text` with the characters XML 1.0 cannot carry replaced by U+FFFD, as every
    other format shows them: a removed escape character would leave its sequence's
    tail looking like the deal's own text."""
    value = _NOT_XML.sub("\ufffd", str(text))
    # A lone carriage return ends a line in a CI log as well: make it a newline,
    # which the pass over the whole file then sees.
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if one_line:
        value = " ".join(value.split())
    return value


def testcase_name(finding: Finding) -> str:
    about = finding.subject or finding.path
    name = f"{finding.rule} {finding.name}"
    return f"{name} ({about})" if about else name


def deal_name(deal: DealReport) -> str:
    if deal.deal_id and deal.name:
        return f"{deal.deal_id} {deal.name}"
    return deal.deal_id or deal.name or deal.path


def finding_body(deal: DealReport, finding: Finding, words: Catalogue) -> str:
    return "\n".join(
        [
            f"{deal.path}:{finding.line}:{finding.column}: {finding.rule} {finding.name} "
            f"[{finding.severity.value}]",
            finding.message,
            f"{words.text('report.fix')}: {finding.fix}",
        ]
    )


def _case(suite: ET.Element, deal: DealReport, name: str, line: int | None = None) -> ET.Element:
    attrs = {"classname": xml_text(deal.path, one_line=True), "name": xml_text(name, one_line=True)}
    attrs["file"] = attrs["classname"]
    if line is not None:
        attrs["line"] = str(line)
    return ET.SubElement(suite, "testcase", attrs)


def _outcome(case: ET.Element, tag: str, finding: Finding, body: str) -> None:
    element = ET.SubElement(
        case,
        tag,
        {"message": xml_text(finding.message, one_line=True), "type": xml_text(finding.rule)},
    )
    element.text = xml_text(body)


def deal_suite(deal: DealReport, words: Catalogue) -> ET.Element:
    suite = ET.Element("testsuite", {"name": xml_text(deal.path, one_line=True)})
    failures = errors = skipped = 0
    for finding in deal.findings:
        case = _case(suite, deal, testcase_name(finding), finding.line)
        body = finding_body(deal, finding, words)
        if deal.verdict is Verdict.INVALID:
            _outcome(case, "error", finding, body)
            errors += 1
        elif deal.finding_fails(finding):
            _outcome(case, "failure", finding, body)
            failures += 1
        else:  # shown, and passing: it does not reach `--fail-on`
            ET.SubElement(case, "system-out").text = xml_text(body)
    for crash in deal.crashes:
        text = words.text("report.crashed", rule=crash.rule, error=crash.error)
        case = _case(suite, deal, f"{crash.rule} {words.text('reports.junit.crashed')}")
        element = ET.SubElement(
            case, "error", {"message": xml_text(text, one_line=True), "type": "internal"}
        )
        element.text = xml_text(text)
        errors += 1
    accepted = [
        (entry.finding, words.text("reports.suppressed_mark", reason=entry.reason))
        for entry in deal.suppressed
    ]
    accepted += [(f, words.text("reports.baselined_mark")) for f in deal.baselined]
    for finding, mark in accepted:
        case = _case(suite, deal, testcase_name(finding), finding.line)
        element = ET.SubElement(case, "skipped", {"message": xml_text(mark, one_line=True)})
        element.text = xml_text(finding_body(deal, finding, words))
        skipped += 1
    if not len(suite):
        _case(suite, deal, deal_name(deal))
    suite.attrib.update(
        tests=str(len(suite)), failures=str(failures), errors=str(errors), skipped=str(skipped)
    )
    return suite


def deal_text(deal: DealReport, words: Catalogue) -> str:
    """One deal's `<testsuite>`, indented as an item of `<testsuites>`."""
    suite = deal_suite(deal, words)
    ET.indent(suite, space="  ", level=1)
    return runner_safe(ET.tostring(suite, encoding="unicode"))


def suite_counts(tally: Tally) -> tuple[int, int, int]:
    """The tests, failures and errors of a deal's `<testsuite>` (as `deal_suite` makes
    it), from its tally: a streamed report has no more to count them from."""
    counts = tally.counts
    if tally.verdict is Verdict.INVALID:
        failures, errors = 0, counts.findings
    else:
        failures, errors = tally.failing, 0
    errors += len(tally.crashes)
    tests = counts.findings + len(tally.crashes) + counts.suppressed + counts.baselined
    return max(tests, 1), failures, errors


WRITER = DealWriter("junit", deal_text)


def chunks(report: AnyReport, options: RenderOptions) -> Iterator[str]:
    """The document a deal's suite at a time, the totals first."""
    counted = [suite_counts(tally) for tally in report.tallies]
    tests, failures, errors = (
        (sum(column) for column in zip(*counted, strict=True)) if counted else (0, 0, 0)
    )
    opening = f'<testsuites name="ebcheck" tests="{tests}" failures="{failures}" errors="{errors}"'
    yield '<?xml version="1.0" encoding="UTF-8"?>\n' + opening + (">" if counted else " />\n")
    if not counted:
        return
    for text in report.deal_texts(deal_text, options.catalogue):
        yield "\n  " + text
    yield "\n</testsuites>\n"


def render(report: AnyReport, options: RenderOptions) -> str:
    return "".join(chunks(report, options))
