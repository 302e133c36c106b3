"""--format sarif: valid SARIF 2.1.0, with everything GitHub code scanning needs."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ebcheck.audit.findings import Finding, RuleCrash, Suppressed
from ebcheck.audit.results import AuditReport, DealReport
from ebcheck.deal.enums import Severity, Verdict
from ebcheck.i18n import Catalogue
from ebcheck.reports import RenderOptions
from ebcheck.reports.sarif_format import FINGERPRINT_KEY, fingerprint, render
from ebcheck.ruleapi import Rule
from tests.reports.report_samples import AS_OF, VERSION, Builder, finding, yaml_deal

# The repository's parent folder holds the shared material; never copy the schema here.
SCHEMA = Path(__file__).resolve().parents[2].parent / "shared/vendor/sarif-schema-2.1.0.json"


def sarif(report: AuditReport, options: RenderOptions) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render(report, options))
    return log


def run_of(log: dict[str, Any]) -> dict[str, Any]:
    (run,) = log["runs"]
    return run  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    if not SCHEMA.is_file():
        pytest.skip(f"the SARIF schema is not at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def test_valid_against_the_oasis_schema(
    validator: jsonschema.Draft4Validator, pipeline: AuditReport, options: RenderOptions
) -> None:
    errors = sorted(validator.iter_errors(sarif(pipeline, options)), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_valid_with_every_rule_of_the_pack(
    validator: jsonschema.Draft4Validator,
    pipeline: AuditReport,
    words: Catalogue,
    pack_rules: tuple[Rule, ...],
) -> None:
    options = RenderOptions(catalogue=words, version=VERSION)
    log = sarif(replace(pipeline, rules=pack_rules), options)
    validator.validate(log)
    assert_github_fields(log)


def nonempty(value: Any) -> bool:
    return isinstance(value, str | int) and str(value) != ""


def assert_github_fields(log: dict[str, Any]) -> None:
    """What GitHub code scanning documents as required, present and not empty."""
    assert nonempty(log["$schema"])
    assert log["version"] == "2.1.0"
    run = run_of(log)
    driver = run["tool"]["driver"]
    assert driver["name"] == "ebcheck"
    assert nonempty(driver["informationUri"])
    assert driver["rules"]
    for rule in driver["rules"]:
        assert nonempty(rule["id"])
        for key in ("shortDescription", "fullDescription", "help"):
            assert nonempty(rule[key]["text"]), (rule["id"], key)
        assert nonempty(rule["help"]["markdown"])
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert rule["properties"]["tags"] and all(nonempty(t) for t in rule["properties"]["tags"])
        assert "{" + rule["id"] not in rule["shortDescription"]["text"]  # not a missing key
    assert run["automationDetails"]["id"] == "ebcheck/"
    assert run["columnKind"] == "unicodeCodePoints"
    for result in run["results"]:
        assert nonempty(result["ruleId"])
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert nonempty(result["message"]["text"])
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert nonempty(physical["artifactLocation"]["uri"])
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = physical["region"]
        for key in ("startLine", "startColumn", "endLine", "endColumn"):
            assert isinstance(region[key], int) and region[key] >= 1
        assert region["endLine"] >= region["startLine"]
        assert region["endColumn"] > region["startColumn"]
        fingerprints = result["partialFingerprints"]
        assert nonempty(fingerprints[FINGERPRINT_KEY])
        assert "primaryLocationLineHash" not in fingerprints
        assert result["baselineState"] in ("new", "unchanged")


def test_github_required_fields(pipeline: AuditReport, options: RenderOptions) -> None:
    log = sarif(pipeline, options)
    assert_github_fields(log)
    driver = run_of(log)["tool"]["driver"]
    assert driver["semanticVersion"] == VERSION


def test_rule_descriptors(
    pipeline: AuditReport, options: RenderOptions, golden_rules: tuple[Rule, ...]
) -> None:
    ids = [rule["id"] for rule in run_of(sarif(pipeline, options))["tool"]["driver"]["rules"]]
    # The active rules in order, then the loader's, then every other id in the report.
    assert ids[: len(golden_rules)] == [rule.id for rule in golden_rules]
    assert ids[len(golden_rules) : len(golden_rules) + 2] == ["E001", "E002"]
    assert set(ids) == {"EB001", "EB002", "E001", "E002", "CT001", "BI004", "HY002", "RS005"}
    assert len(ids) == len(set(ids))


def test_descriptor_text_comes_from_the_catalogue(
    pipeline: AuditReport, words: Catalogue, pack_rules: tuple[Rule, ...]
) -> None:
    options = RenderOptions(catalogue=words)
    rules = {
        r["id"]: r
        for r in run_of(sarif(replace(pipeline, rules=pack_rules), options))["tool"]["driver"][
            "rules"
        ]
    }
    eb002 = rules["EB002"]
    assert eb002["name"] == "eb-not-met"
    assert eb002["shortDescription"]["text"] == words.text("EB002.summary").strip()
    assert eb002["fullDescription"]["text"] == words.text("EB002.why").strip()
    assert words.text("EB002.checks").strip() in eb002["help"]["text"]
    assert "## Why it matters" in eb002["help"]["markdown"]
    assert eb002["properties"]["tags"] == ["EB"]
    assert eb002["defaultConfiguration"]["level"] == "warning"  # medium by default
    e001 = rules["E001"]
    assert e001["name"] == "invalid-yaml"
    assert e001["shortDescription"]["text"] == words.text("E001.summary")
    assert e001["defaultConfiguration"]["level"] == "error"
    assert "semanticVersion" not in run_of(sarif(pipeline, options))["tool"]["driver"]


@pytest.mark.parametrize(
    ("severity", "level"),
    [
        (Severity.CRITICAL, "error"),
        (Severity.HIGH, "error"),
        (Severity.MEDIUM, "warning"),
        (Severity.LOW, "note"),
        (Severity.INFO, "note"),
    ],
)
def test_levels(severity: Severity, level: str, options: RenderOptions) -> None:
    report = one(finding(severity=severity))
    (result,) = run_of(sarif(report, options))["results"]
    assert result["level"] == level
    assert result["properties"]["severity"] == severity.value


def one(*findings: Finding, path: str = "deals/a.yaml", **more: Any) -> AuditReport:
    deal = DealReport(path, AS_OF, Verdict.NOT_READY, 10, tuple(findings), **more)
    return AuditReport(AS_OF, (deal,))


def test_every_finding_is_a_result(pipeline: AuditReport, options: RenderOptions) -> None:
    results = run_of(sarif(pipeline, options))["results"]
    by_rule = {r["ruleId"]: r for r in results}
    assert len(results) == 7  # 5 findings, 1 suppressed, 1 baselined
    assert by_rule["EB002"]["baselineState"] == "new"
    assert "suppressions" not in by_rule["EB002"]
    assert by_rule["BI004"]["suppressions"] == [
        {
            "kind": "inSource",
            "justification": "The user department is formed in January",
            "properties": {"until": "2027-01-15"},
        }
    ]
    assert by_rule["HY002"]["baselineState"] == "unchanged"
    broken = by_rule["E001"]
    assert broken["level"] == "error"
    location = broken["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "deals/broken.yaml"
    assert location["region"] == {"startLine": 2, "startColumn": 7, "endLine": 2, "endColumn": 8}


def test_region_is_one_based_and_one_column_wide(options: RenderOptions) -> None:
    (result,) = run_of(sarif(one(finding(line=14, column=3)), options))["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 14, "startColumn": 3, "endLine": 14, "endColumn": 4}


def fingerprint_of(report: AuditReport, options: RenderOptions) -> list[str]:
    return [
        r["partialFingerprints"][FINGERPRINT_KEY] for r in run_of(sarif(report, options))["results"]
    ]


def test_fingerprint_survives_a_line_change(options: RenderOptions) -> None:
    before = fingerprint_of(one(finding(line=12, column=5)), options)
    after = fingerprint_of(one(finding(line=40, column=9, message="reworded")), options)
    assert before == after
    expected = hashlib.sha256(b"EB002|deals/a.yaml|stakeholders[0]|Zhang Wei").hexdigest()
    assert before == [expected]


@pytest.mark.parametrize(
    "change",
    [
        {"rule": "EB001"},
        {"path": "stakeholders[1]"},
        {"subject": "Li Lei"},
    ],
)
def test_fingerprint_changes_with_what_the_finding_is_about(
    change: dict[str, str], options: RenderOptions
) -> None:
    base = finding()
    assert fingerprint_of(one(base), options) != fingerprint_of(
        one(replace(base, **change)), options
    )  # type: ignore[arg-type]
    assert fingerprint_of(one(base), options) != fingerprint_of(
        one(base, path="deals/b.yaml"), options
    )


def test_fingerprint_survives_inserting_a_stakeholder(
    build: Builder, options: RenderOptions
) -> None:
    people = "  - {name: Zhang Wei, roles: [EB]}\n"
    before = build(
        yaml_deal("D-1", "Deal", stakeholders=people),
        "deals/a.yaml",
        findings=(finding(path="stakeholders[0].met"),),
    )
    after = build(
        yaml_deal("D-1", "Deal", stakeholders="  - {name: Li Lei, roles: [TB]}\n" + people),
        "deals/a.yaml",
        findings=(finding(path="stakeholders[1].met", line=20),),
    )
    prints = [fingerprint_of(AuditReport(AS_OF, (d,)), options) for d in (before, after)]
    assert prints[0] == prints[1]
    field = "stakeholders[Zhang Wei].met"
    assert prints[0] == [
        hashlib.sha256(f"EB002|deals/a.yaml|{field}|Zhang Wei".encode()).hexdigest()
    ]


def test_same_key_twice_gets_distinct_fingerprints(options: RenderOptions) -> None:
    twice = one(finding(line=3), finding(line=9, message="again"))
    prints = fingerprint_of(twice, options)
    assert len(set(prints)) == 2
    assert prints[0] == fingerprint("deals/a.yaml", finding())


def test_uris_are_percent_encoded_and_relative(
    validator: jsonschema.Draft4Validator, options: RenderOptions
) -> None:
    log = sarif(one(finding(), path="deals/华东 精密 #1.yaml"), options)
    validator.validate(log)
    location = run_of(log)["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "deals/%E5%8D%8E%E4%B8%9C%20%E7%B2%BE%E5%AF%86%20%231.yaml",
        "uriBaseId": "%SRCROOT%",
    }


def test_absolute_path_becomes_a_file_uri(options: RenderOptions) -> None:
    log = sarif(one(finding(), path="/srv/deals/a b.yaml"), options)
    location = run_of(log)["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "file:///srv/deals/a%20b.yaml"}


def test_unknown_rule_ids_get_a_descriptor(options: RenderOptions) -> None:
    report = one(finding("ZZ900", Severity.HIGH, name="custom-rule"))
    run = run_of(sarif(report, options))
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["ZZ900"]["name"] == "custom-rule"
    assert rules["ZZ900"]["shortDescription"]["text"] == "custom-rule"
    assert rules["ZZ900"]["defaultConfiguration"]["level"] == "error"


def test_crashes_are_tool_notifications(
    validator: jsonschema.Draft4Validator, options: RenderOptions
) -> None:
    report = one(finding(), crashes=(RuleCrash("EB005", "ZeroDivisionError: division by zero"),))
    log = sarif(report, options)
    validator.validate(log)
    (invocation,) = run_of(log)["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["descriptor"] == {"id": "EB005"}
    assert "EB005" in note["message"]["text"]


def test_clean_run_is_successful(options: RenderOptions) -> None:
    deal = DealReport("deals/a.yaml", AS_OF, Verdict.READY, 100)
    run = run_of(sarif(AuditReport(AS_OF, (deal,)), options))
    assert run["results"] == []
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_suppression_without_until(options: RenderOptions) -> None:
    entry = Suppressed(finding(), "accepted", None)
    deal = DealReport("deals/a.yaml", AS_OF, Verdict.READY, 100, suppressed=(entry,))
    (result,) = run_of(sarif(AuditReport(AS_OF, (deal,)), options))["results"]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "accepted"}]


def test_the_source_root_is_declared_when_known(
    validator: jsonschema.Draft4Validator, pipeline: AuditReport, options: RenderOptions
) -> None:
    """`originalUriBaseIds` is what makes the relative URIs valid SARIF."""
    rooted = replace(options, source_root="file:///home/runner/work/deals/deals/")
    log = sarif(pipeline, rooted)
    assert run_of(log)["originalUriBaseIds"] == {
        "%SRCROOT%": {"uri": "file:///home/runner/work/deals/deals/"}
    }
    assert not list(validator.iter_errors(log))
    assert "originalUriBaseIds" not in run_of(sarif(pipeline, options))
