"""--format github: workflow commands, escaping, groups, the annotation cap, the job summary."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from ebcheck.audit.findings import Finding, Suppressed
from ebcheck.audit.results import AuditReport, DealReport
from ebcheck.cli.audit import append_step_summary
from ebcheck.deal.enums import Severity, Verdict
from ebcheck.reports import RenderOptions
from ebcheck.reports.escape import unescape_workflow
from ebcheck.reports.github_format import ANNOTATION_CAP, render
from tests.reports.report_samples import AS_OF, finding

COMMAND = re.compile(r"^::(?P<name>[a-z]+)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def deal(path: str, *findings: Finding, suppressed: tuple[Suppressed, ...] = ()) -> DealReport:
    return DealReport(path, AS_OF, Verdict.NOT_READY, 10, tuple(findings), suppressed)


def commands(text: str) -> list[re.Match[str]]:
    return [m for line in text.splitlines() if (m := COMMAND.match(line))]


def props(match: re.Match[str]) -> dict[str, str]:
    return {
        key: unescape_workflow(value)
        for key, _, value in (item.partition("=") for item in match["props"].split(","))
    }


def test_annotation_line_shape(pipeline: AuditReport, options: RenderOptions) -> None:
    text = render(pipeline, options)
    assert (
        "::error file=deals/hd-2026-031.yaml,line=12,col=5,title=EB002 eb-not-met::"
        "Zhang Wei (EB) has never been met; the deal is at proposal."
    ) in text.splitlines()


@pytest.mark.parametrize(
    ("severity", "level"),
    [
        (Severity.CRITICAL, "error"),
        (Severity.HIGH, "error"),
        (Severity.MEDIUM, "warning"),
        (Severity.LOW, "notice"),
        (Severity.INFO, "notice"),
    ],
)
def test_levels(severity: Severity, level: str, options: RenderOptions) -> None:
    report = AuditReport(AS_OF, (deal("d.yaml", finding(severity=severity)),))
    assert [m["name"] for m in commands(render(report, options))] == ["group", level, "endgroup"]


def test_file_names_and_messages_are_escaped(options: RenderOptions) -> None:
    path = "deals/50%: a,b\r\nc.yaml"
    message = "100% sure\r\nnext: line, really"
    report = AuditReport(AS_OF, (deal(path, finding(message=message)),))
    text = render(report, options)
    lines = text.split("\n")
    assert lines[0] == "::group::deals/50%25: a,b%0D%0Ac.yaml"
    assert lines[1] == (
        "::error file=deals/50%25%3A a%2Cb%0D%0Ac.yaml,line=12,col=5,title=EB002 eb-not-met"
        "::100%25 sure%0D%0Anext: line, really"
    )
    assert "\r" not in text
    (annotation,) = (m for m in commands(text) if m["name"] == "error")
    assert props(annotation) == {
        "file": path,
        "line": "12",
        "col": "5",
        "title": "EB002 eb-not-met",
    }
    assert unescape_workflow(annotation["data"]) == message


def test_groups_one_per_file_in_report_order(pipeline: AuditReport, options: RenderOptions) -> None:
    text = render(pipeline, options)
    groups = [m["data"] for m in commands(text) if m["name"] == "group"]
    # The closed deal has nothing to show: no group. Baselined findings fold into one.
    assert groups == [
        "deals/hd-2026-031.yaml",
        "deals/acme-7.yaml",
        "deals/broken.yaml",
        "deals/ok-9.yaml",
        "ebcheck: 1 baselined finding (recorded in the baseline; they do not fail the run)",
    ]
    baselined = text.split("::group::ebcheck: 1 baselined", 1)[1].split("::endgroup::")[0]
    assert "deals/hd-2026-031.yaml:3:1: HY002 [medium] The deal has no next step." in baselined
    depth = 0
    for line in text.splitlines():
        if line.startswith("::group::"):
            assert depth == 0
            depth += 1
        elif line == "::endgroup::":
            assert depth == 1
            depth -= 1
        elif not line.startswith("::notice title=ebcheck::") and not line.startswith("Found"):
            assert depth == 1, line  # everything else sits inside a group
    assert depth == 0


def test_invalid_files_are_annotated(pipeline: AuditReport, options: RenderOptions) -> None:
    text = render(pipeline, options)
    assert "::error file=deals/broken.yaml,line=2,col=7,title=E001 invalid-yaml::" in text


def test_suppressed_and_baselined_are_not_annotated(
    pipeline: AuditReport, options: RenderOptions
) -> None:
    text = render(pipeline, options)
    for rule in ("BI004", "HY002"):
        (line,) = (line for line in text.splitlines() if f" {rule} " in line)
        assert not line.startswith("::")
    assert "(suppressed: The user department is formed in January)" in text
    assert "HY002 [medium] The deal has no next step. (baselined)" in text


def many(count: int, severity: Severity, start: int = 0) -> list[Finding]:
    return [
        finding(severity=severity, message=f"{severity.value} {start + i}", line=start + i + 1)
        for i in range(count)
    ]


def test_cap_per_level_and_closing_notice(options: RenderOptions) -> None:
    first = deal("a.yaml", *many(15, Severity.HIGH), *many(7, Severity.MEDIUM))
    second = deal("b.yaml", *many(10, Severity.CRITICAL), *many(6, Severity.MEDIUM, 7))
    third = deal("c.yaml", *many(3, Severity.LOW))
    report = AuditReport(AS_OF, (first, second, third))
    text = render(report, options)
    found = commands(text)
    levels = [m["name"] for m in found]
    assert levels.count("error") == ANNOTATION_CAP
    assert levels.count("warning") == ANNOTATION_CAP
    # 3 notices fit in the 9 notice slots left beside the closing notice.
    assert levels.count("notice") == 3 + 1
    # The 10 error slots go to the criticals, though their file comes second.
    errors = [m["data"] for m in found if m["name"] == "error"]
    assert all(data.startswith("critical") for data in errors)
    # Nothing is lost: the rest are plain lines inside their groups.
    plain = [line for line in text.splitlines() if not line.startswith("::")]
    assert sum("[high]" in line for line in plain) == 15
    assert sum("[medium]" in line for line in plain) == 3
    closing = found[-1]
    assert closing["name"] == "notice"
    assert props(closing) == {"title": "ebcheck"}
    assert unescape_workflow(closing["data"]) == (
        "18 more findings not annotated (GitHub shows about 10 per level per step); "
        "they are listed in the log above"
    )
    # With a job summary written, the notice points to it.
    summary = render(report, replace(options, step_summary=True))
    assert summary.rstrip().endswith("see the job summary")


def test_notice_slot_is_kept_for_the_closing_notice(options: RenderOptions) -> None:
    report = AuditReport(
        AS_OF, (deal("a.yaml", *many(11, Severity.HIGH), *many(10, Severity.INFO, 20)),)
    )
    found = commands(render(report, options))
    notices = [m for m in found if m["name"] == "notice"]
    assert len(notices) == ANNOTATION_CAP  # 9 findings and the closing notice
    assert "2 more findings" in notices[-1]["data"]


def test_no_closing_notice_under_the_cap(pipeline: AuditReport, options: RenderOptions) -> None:
    assert "title=ebcheck::" not in render(pipeline, options)


def test_plain_lines_cannot_become_commands(options: RenderOptions) -> None:
    odd = deal("::warning x.yaml", *many(12, Severity.HIGH))
    old_style = deal("  ##[error]y.yaml", *many(1, Severity.HIGH))
    text = render(AuditReport(AS_OF, (odd, old_style)), options)
    names = [m["name"] for m in commands(text)]
    assert "warning" not in names
    plain = [line for line in text.splitlines() if "x.yaml:" in line and "[high]" in line]
    assert len(plain) == 2
    assert all(line.startswith("./::warning x.yaml:") for line in plain)


def test_suppressed_reason_is_cleaned(options: RenderOptions) -> None:
    entry = Suppressed(finding(), "why\x1b[31m\nnot", None)
    report = AuditReport(AS_OF, (deal("a.yaml", suppressed=(entry,)),))
    text = render(report, options)
    assert "\x1b" not in text
    assert text.splitlines()[1].endswith("(suppressed: why\ufffd[31m not)")


# --- the job summary -----------------------------------------------------------------------


def test_step_summary_is_appended(
    pipeline: AuditReport, options: RenderOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("## Earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    append_step_summary(pipeline, options)
    first = summary.read_text(encoding="utf-8")
    assert first.startswith("## Earlier step\n\n## ❌ 1 of 5 deals not ready")
    assert "### Pipeline" in first
    append_step_summary(pipeline, options)
    second = summary.read_text(encoding="utf-8")
    assert second.startswith(first)
    assert second.count("### Pipeline") == 2


def test_step_summary_created_when_missing(
    pipeline: AuditReport, options: RenderOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "new.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    append_step_summary(pipeline, options)
    assert summary.read_text(encoding="utf-8").startswith("## ❌ 1 of 5 deals not ready")


@pytest.mark.parametrize("value", [None, ""])
def test_no_step_summary_without_the_variable(
    value: str | None,
    pipeline: AuditReport,
    options: RenderOptions,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    if value is None:
        monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    else:
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", value)
    append_step_summary(pipeline, options)
    assert list(tmp_path.iterdir()) == []


def test_step_summary_respects_what_is_left_of_the_limit(
    pipeline: AuditReport, options: RenderOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ebcheck.reports.markdown_format import STEP_SUMMARY_LIMIT

    summary = tmp_path / "full.md"
    summary.write_bytes(b"x" * (STEP_SUMMARY_LIMIT - 20_000))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    append_step_summary(pipeline, options)
    assert summary.stat().st_size <= STEP_SUMMARY_LIMIT
    added = summary.read_bytes()[STEP_SUMMARY_LIMIT - 20_000 :].decode("utf-8")
    assert "## ❌ 1 of 5 deals not ready" in added

    summary.write_bytes(b"x" * (STEP_SUMMARY_LIMIT - 10))
    append_step_summary(pipeline, options)
    assert summary.stat().st_size == STEP_SUMMARY_LIMIT - 10  # nothing fits: nothing written


def test_step_summary_never_uses_colour(
    pipeline: AuditReport, options: RenderOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "s.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    append_step_summary(pipeline, replace(options, color=True))
    assert "\x1b" not in summary.read_text(encoding="utf-8")
