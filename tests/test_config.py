"""`.ebcheck.yaml` as a model: every error located at `file:line:col`, in the catalogue's words."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.audit.engine import audit_text
from ebcheck.audit.settings import RuleSetting, Settings
from ebcheck.cli.app import app
from ebcheck.config import ConfigFile, Weights, load_config
from ebcheck.deal.enums import Severity, Stage
from ebcheck.errors import ConfigError
from ebcheck.i18n import Catalogue
from tests.deals import EB_NEVER_MET, READY

STAGES = "prospecting, qualification, discovery, proposal, negotiation, closed_won, closed_lost"
SEVERITIES = "critical, high, medium, low, info"
TOP_KEYS = (
    "fail_on, include, exclude, select, ignore, lang, baseline, stages, weights, "
    "small_deal_below, default_currency, rules, history"
)
FAIL_ON = "not_ready, at_risk, critical, high, medium, low, info, never"


def config_error(tmp_path: Path, text: str) -> str:
    """The English message of the error a config text raises, its file path made relative."""
    path = tmp_path / ".ebcheck.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value).removeprefix(str(tmp_path) + "/")


ERRORS = [
    pytest.param(
        "fail_on: high\nfail-on: high\n",
        ".ebcheck.yaml:2:1: unknown key 'fail-on' (did you mean 'fail_on'?); "
        f"known keys: {TOP_KEYS}",
        id="unknown-key-did-you-mean",
    ),
    pytest.param(
        "lnag: zh\n",
        f".ebcheck.yaml:1:1: unknown key 'lnag' (did you mean 'lang'?); known keys: {TOP_KEYS}",
        id="unknown-key-typo",
    ),
    pytest.param(
        "colour: red\n",
        f".ebcheck.yaml:1:1: unknown key 'colour'; known keys: {TOP_KEYS}",
        id="unknown-key-no-suggestion",
    ),
    pytest.param(
        "include: 5\n",
        ".ebcheck.yaml:1:10: 'include' expects a list of text values",
        id="wrong-type-scalar",
    ),
    pytest.param(
        "exclude: [templates/**, 5]\n",
        ".ebcheck.yaml:1:25: 'exclude' expects a list of text values",
        id="wrong-type-item",
    ),
    pytest.param(
        "select:\n",
        ".ebcheck.yaml:1:8: 'select' expects a list of text values",
        id="wrong-type-empty",
    ),
    pytest.param(
        'include: ["deals/**", "!"]\n',
        ".ebcheck.yaml:1:23: '!' is not a gitignore-style pattern",
        id="bad-glob",
    ),
    pytest.param(
        "baseline: 5\n",
        ".ebcheck.yaml:1:11: baseline expects the path of a baseline file",
        id="wrong-type-baseline",
    ),
    pytest.param(
        "fail_on: hgh\n",
        f".ebcheck.yaml:1:10: fail_on must be one of {FAIL_ON}; got 'hgh'",
        id="bad-fail-on",
    ),
    pytest.param(
        "lang: fr\n",
        ".ebcheck.yaml:1:7: lang must be one of en, zh",
        id="bad-lang",
    ),
    pytest.param(
        "stages: [立项]\n",
        ".ebcheck.yaml:1:9: stages maps your stage names to ebcheck stages",
        id="stages-not-a-mapping",
    ),
    pytest.param(
        "stages:\n  立项: qualification\n  方案: pitch\n",
        f".ebcheck.yaml:3:7: 'pitch' is not a stage; use one of {STAGES}",
        id="bad-stage",
    ),
    pytest.param(
        "weights: 10\n",
        ".ebcheck.yaml:1:10: weights maps severities to points",
        id="weights-not-a-mapping",
    ),
    pytest.param(
        "weights: {critical: 30, high: -1}\n",
        ".ebcheck.yaml:1:31: the weight of high must be a whole number from 0 to 100",
        id="bad-weight",
    ),
    pytest.param(
        "weights: {high: 7.5}\n",
        ".ebcheck.yaml:1:17: the weight of high must be a whole number from 0 to 100",
        id="bad-weight-fraction",
    ),
    pytest.param(
        "weights: {crit: 30}\n",
        ".ebcheck.yaml:1:11: unknown key 'crit' (did you mean 'critical'?); "
        f"known keys: {SEVERITIES}",
        id="unknown-severity-weight",
    ),
    pytest.param(
        "rules: [EB006]\n",
        ".ebcheck.yaml:1:8: rules maps rule ids or names to their settings",
        id="rules-not-a-mapping",
    ),
    pytest.param(
        "rules:\n  EB999: off\n",
        ".ebcheck.yaml:2:3: 'EB999' is not a rule id or name (`ebcheck rules` lists them)",
        id="unknown-rule",
    ),
    pytest.param(
        "rules:\n  invalid-yaml: off\n",
        ".ebcheck.yaml:2:3: invalid-yaml: files that cannot be audited are always reported; "
        "E001/E002 take no settings",
        id="always-on-rule",
    ),
    pytest.param(
        "rules:\n  EB006: 60\n",
        ".ebcheck.yaml:2:10: a rule takes off, or a mapping of severity and options",
        id="rule-not-a-mapping",
    ),
    pytest.param(
        "rules:\n  eb-meeting-stale: {max_dayz: 60}\n",
        ".ebcheck.yaml:2:22: EB006 (eb-meeting-stale): unknown option 'max_dayz' (known: max_days)",
        id="unknown-option-by-name",
    ),
    pytest.param(
        "rules:\n  EB002: {max_days: 60}\n",
        ".ebcheck.yaml:2:11: EB002 (eb-not-met): unknown option 'max_days' (known: -)",
        id="option-of-a-rule-without-options",
    ),
    pytest.param(
        "rules:\n  CD001:\n    max_compression: 1.5\n",
        ".ebcheck.yaml:3:5: CD001 (unvoiced-compression): invalid option max_compression: "
        "expected a number less than 1, found 1.5",
        id="invalid-option-value",
    ),
    pytest.param(
        "rules:\n  eb006: {max_days: soon}\n",
        ".ebcheck.yaml:2:11: EB006 (eb-meeting-stale): invalid option max_days: "
        "expected a number, found 'soon'",
        id="invalid-option-type",
    ),
    pytest.param(
        "rules:\n  CD001: {severity: urgent}\n",
        f".ebcheck.yaml:2:21: severity must be one of {SEVERITIES}",
        id="bad-severity",
    ),
    pytest.param(
        "select: [EB, ZZ]\n",
        ".ebcheck.yaml:1:14: 'ZZ' names no rule, rule name or area (`ebcheck rules` lists them)",
        id="unknown-selector",
    ),
    pytest.param(
        "ignore: E002\n",
        ".ebcheck.yaml:1:9: 'E002': files that cannot be audited (E001, E002) are always reported; "
        "they cannot be selected or ignored",
        id="always-on-selector",
    ),
    pytest.param(
        "fail_on: high\nfail_on: low\n",
        ".ebcheck.yaml:2:1: duplicate key 'fail_on'",
        id="duplicate-key",
    ),
    pytest.param(
        "rules:\n  EB006: {max_days: 60, max_days: 90}\n",
        ".ebcheck.yaml:2:25: duplicate key 'max_days'",
        id="duplicate-option",
    ),
    pytest.param(
        "- fail_on: high\n",
        ".ebcheck.yaml:1:1: the config file must be a mapping of settings",
        id="not-a-mapping",
    ),
    pytest.param(
        "fail_on: [\n",
        ".ebcheck.yaml:1:10: not valid YAML: the '[' opened here is never closed;"
        " end the list or mapping with ']'\n"
        "YAML parser: while parsing a flow node: did not find expected node content",
        id="not-yaml",
    ),
    pytest.param(
        "lang: fr\nrules:\n  EB999: off\nbaseline: 5\n",
        ".ebcheck.yaml:1:7: lang must be one of en, zh",
        id="first-error-in-the-file-wins",
    ),
    pytest.param(
        "select: [ZZ]\nfail-on: high\n",
        ".ebcheck.yaml:1:10: 'ZZ' names no rule, rule name or area (`ebcheck rules` lists them)",
        id="first-error-in-the-file-wins-over-unknown-keys",
    ),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_config_errors_are_located_and_explained(tmp_path: Path, text: str, message: str) -> None:
    assert config_error(tmp_path, text) == message


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "---\n", "null\n"])
def test_an_empty_file_means_defaults(tmp_path: Path, text: str) -> None:
    path = tmp_path / ".ebcheck.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_config(path).settings(tmp_path) == {}


def test_every_key_of_the_contract(tmp_path: Path) -> None:
    path = tmp_path / ".ebcheck.yaml"
    path.write_text(
        """\
fail_on: High
include: ["deals/**"]
select: [EB, BI, RS, CT, CD, HY]
ignore: BI004
lang: zh
exclude: ["templates/**"]
baseline: .ebcheck-baseline.json
stages:
  立项: qualification
  方案: Proposal
weights: {critical: 40, info: 1}
rules:
  EB006: {max_days: 60}
  unvoiced-compression: {max_compression: 0.2, severity: HIGH}
  BI004: off
  EB002: on
  HY005: {off: on}
""",
        encoding="utf-8",
    )
    values = load_config(path).settings(tmp_path)
    assert values["fail_on"] == "high"
    assert values["include"] == ("deals/**",)
    assert values["exclude"] == ("templates/**",)
    assert values["select"] == ("EB", "BI", "RS", "CT", "CD", "HY")
    assert values["ignore"] == ("BI004",)
    assert values["lang"] == "zh"
    assert values["baseline"] == tmp_path / ".ebcheck-baseline.json"
    assert values["stages"] == {"立项": Stage.QUALIFICATION, "方案": Stage.PROPOSAL}
    assert values["weights"] == {
        Severity.CRITICAL: 40,
        Severity.HIGH: 15,
        Severity.MEDIUM: 7,
        Severity.LOW: 3,
        Severity.INFO: 1,
    }
    rules = values["rules"]
    assert sorted(rules) == ["BI004", "CD001", "EB002", "EB006", "HY005"]
    assert rules["EB006"].options.max_days == 60
    assert (rules["CD001"].severity, rules["CD001"].options.max_compression) == (
        Severity.HIGH,
        0.2,
    )
    assert rules["BI004"].off and rules["HY005"].off
    assert not rules["EB002"].off and rules["EB002"].severity is None


def test_the_same_errors_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / ".ebcheck.yaml"
    path.write_text("weights: {crit: 30}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    text = caught.value.describe(Catalogue("zh"))
    assert text == (
        f"{path}:1:11: 未知的键 'crit'（是不是想写 'critical'？）；已知的键：{SEVERITIES}"
    )


def test_the_model_knows_every_severity() -> None:
    assert list(Weights.model_fields) == [s.value for s in Severity]


def test_a_config_file_error_stops_the_cli_with_exit_2(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".ebcheck.yaml").write_text("rules:\n  CD001: {severity: urgent}\n")
    (tmp_path / "d.yaml").write_text(READY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["audit", "d.yaml", "--lang", "en"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{tmp_path}/.ebcheck.yaml:2:21: severity must be one of" in result.stderr


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--select", "--select: 'NOPE' names no rule"),
        ("--ignore", "--ignore: 'E001': files that cannot be audited"),
    ],
)
def test_selectors_of_the_command_line_name_their_option(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str, message: str
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "d.yaml").write_text(READY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    selector = "NOPE" if option == "--select" else "E001"
    result = runner.invoke(app, ["audit", "d.yaml", option, selector, "--lang", "en"])
    assert result.exit_code == 2
    assert message in result.stderr


def test_the_command_line_overrides_the_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".ebcheck.yaml").write_text("fail_on: never\nselect: [HY]\n")
    (tmp_path / "d.yaml").write_text(EB_NEVER_MET, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["audit", "d.yaml"]).exit_code == 0
    overridden = runner.invoke(app, ["audit", "d.yaml", "--fail-on", "low", "--select", "EB"])
    assert overridden.exit_code == 1, overridden.stderr


def test_options_given_in_code_are_still_validated() -> None:
    settings = Settings(rules={"EB006": RuleSetting(options={"max_days": -1})})
    with pytest.raises(ConfigError) as caught:
        audit_text(READY, settings)
    assert str(caught.value) == (
        "rules.EB006: EB006 (eb-meeting-stale): invalid option max_days: "
        "expected a number of at least 0, found -1"
    )


def test_a_config_file_without_rules_is_the_plain_model(tmp_path: Path) -> None:
    path = tmp_path / ".ebcheck.yaml"
    path.write_text("fail_on: never\n", encoding="utf-8")
    config = load_config(path)
    assert isinstance(config, ConfigFile)
    assert config.rules is None
    assert config.settings(tmp_path) == {"fail_on": "never"}


@pytest.mark.parametrize("written", ["zh", "ZH", "Zh"])
def test_lang_takes_any_case_as_the_option_does(tmp_path: Path, written: str) -> None:
    path = tmp_path / ".ebcheck.yaml"
    path.write_text(f"lang: {written}\n", encoding="utf-8")
    assert load_config(path).settings(tmp_path)["lang"] == "zh"
