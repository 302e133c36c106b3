"""`ebcheck init`: a commented template of every section, in English or Chinese, that loads."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ebcheck.cli.app import app
from ebcheck.deal.enums import Affiliation, DealType, Forecast, Mode, Stage
from ebcheck.deal.load import known_keys, load_bytes
from ebcheck.deal.sourcemap import Path as FieldPath
from ebcheck.deal.template import LANGUAGES, template_text

TODAY = dt.date(2026, 11, 20)
NO_LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}


def keys_of_the_format(path: FieldPath = ()) -> set[str]:
    """Every key the format knows, at any depth."""
    found = set()
    for key in known_keys(path):
        found.add(key)
        found |= keys_of_the_format((*path, key, 0)) | keys_of_the_format((*path, key))
    return found


def key_paths(node: Any, path: str = "") -> set[str]:
    if isinstance(node, dict):
        return {p for k, v in node.items() for p in {f"{path}.{k}", *key_paths(v, f"{path}.{k}")}}
    if isinstance(node, list):
        return {p for item in node for p in key_paths(item, f"{path}[]")}
    return set()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_template_is_a_valid_deal(lang: str) -> None:
    loaded = load_bytes(template_text("deal.yaml", TODAY, lang).encode("utf-8"))
    assert loaded.problems == []
    deal = loaded.deal
    assert deal is not None
    assert deal.as_of is None  # the rules judge it as of the day it is audited
    assert deal.deal.close_date == TODAY + dt.timedelta(days=90)


@settings(max_examples=40, deadline=None)
@given(today=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_the_template_loads_whatever_the_day(today: dt.date) -> None:
    for lang in LANGUAGES:
        loaded = load_bytes(template_text("deal.yaml", today, lang).encode("utf-8"))
        assert loaded.problems == [], lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_of_the_format_is_in_the_template(lang: str) -> None:
    # Keys that apply only sometimes are there as comments (`# lost_reason: ...`).
    text = template_text("deal.yaml", TODAY, lang)
    written = set(re.findall(r"(?:^|[\s{,#])([a-z_]+):", text, flags=re.MULTILINE))
    assert keys_of_the_format() - written == set()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_template_fills_in_the_additions_of_catalog_2(lang: str) -> None:
    deal = load_bytes(template_text("deal.yaml", TODAY, lang).encode("utf-8")).deal
    assert deal is not None
    assert deal.deal.type is DealType.NEW
    assert deal.deal.forecast is Forecast.PIPELINE
    assert deal.deal.stage_entered == TODAY
    assert deal.deal.close_date_history == []  # never moved
    assert deal.deal.pushes == 0
    assert deal.stakeholders[0].mode is Mode.EVEN_KEEL
    assert deal.stakeholders[0].win
    assert {p.affiliation for p in deal.stakeholders} == {Affiliation.CUSTOMER}
    assert deal.insights is not None and deal.insights.pain
    assert deal.insights.compelling_event is not None
    assert deal.insights.compelling_event.date == TODAY + dt.timedelta(days=120)
    assert deal.decision_process is not None
    assert deal.decision_process.signer == deal.stakeholders[0].name
    assert deal.decision_process.steps and deal.decision_process.criteria
    assert deal.procurement is not None and deal.procurement.steps
    assert deal.commitments is not None and deal.commitments.committed_by


def test_both_languages_have_the_same_keys_and_values() -> None:
    english, chinese = (
        load_bytes(template_text("deal.yaml", TODAY, lang).encode("utf-8")).deal
        for lang in LANGUAGES
    )
    assert english is not None and chinese is not None
    english_keys, chinese_keys = (
        key_paths(yaml.safe_load(template_text("d.yaml", TODAY, lang))) for lang in LANGUAGES
    )
    assert english_keys == chinese_keys
    assert english.deal.stage is chinese.deal.stage is Stage.QUALIFICATION
    people = [(p.all_roles, p.influence, p.stance, p.authority) for p in english.stakeholders]
    assert people == [
        (p.all_roles, p.influence, p.stance, p.authority) for p in chinese.stakeholders
    ]


def test_the_chinese_template_writes_chinese() -> None:
    text = template_text("d.yaml", TODAY, "zh")
    raw = yaml.safe_load(text)
    # Enumerated values in their Chinese labels, where a Chinese team would write them.
    assert raw["deal"]["stage"] == "资格确认"
    assert raw["deal"]["type"] == "新签"
    assert raw["stakeholders"][0]["roles"] == ["经济决策者"]
    assert raw["stakeholders"][0]["influence"] == "高"
    assert raw["procurement"]["method"] == "直接采购"
    assert raw["deal"]["name"] == "新商机"
    comments = [line.split("#", 1)[1] for line in text.splitlines() if "#" in line]
    english_words = [c for c in comments if re.search(r"\b(the|who|when|what|our)\b", c)]
    assert english_words == []
    assert all(re.search(r"[\u4e00-\u9fff]", c) for c in comments if not re.search(r"\w:", c))


def test_the_header_names_the_file() -> None:
    assert "ebcheck audit hd.yaml" in template_text("hd.yaml", TODAY).splitlines()[0]
    assert "ebcheck audit hd.yaml" in template_text("hd.yaml", TODAY, "zh").splitlines()[0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_init_writes_a_template_the_audit_finds_no_format_error_in(
    runner: CliRunner, tmp_path: Path, lang: str
) -> None:
    target = tmp_path / "new.yaml"
    written = runner.invoke(app, ["init", str(target), "--lang", lang], env=NO_LOCALE)
    assert written.exit_code == 0, written.output
    assert target.read_text(encoding="utf-8") == template_text("new.yaml", dt.date.today(), lang)
    audited = runner.invoke(app, ["audit", str(target), "-f", "json", "--fail-on", "never"])
    assert audited.exit_code == 0, audited.output
    (deal,) = json.loads(audited.stdout)["deals"]
    assert deal["verdict"] not in ("invalid", "closed")
    assert not [f for f in deal["findings"] if f["rule"] in ("E001", "E002")]
    assert deal["errors"] == []


@pytest.mark.parametrize(
    ("locale", "first_words"),
    [("zh_CN.UTF-8", "# ebcheck 商机文件"), ("en_US.UTF-8", "# A deal for"), ("", "# A deal for")],
)
def test_the_language_defaults_from_the_locale(
    runner: CliRunner, tmp_path: Path, locale: str, first_words: str
) -> None:
    target = tmp_path / "deal.yaml"
    result = runner.invoke(app, ["init", str(target)], env={**NO_LOCALE, "LANG": locale})
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith(first_words)


def test_init_speaks_the_language_it_writes(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "deal.yaml"
    result = runner.invoke(app, ["init", str(target), "--lang", "ZH"], env=NO_LOCALE)
    assert result.exit_code == 0
    assert "已写入" in result.stderr
    again = runner.invoke(app, ["init", str(target), "--lang", "zh"], env=NO_LOCALE)
    assert again.exit_code == 2
    assert "从不覆盖" in again.stderr


def test_a_bad_lang_is_a_usage_error_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "deal.yaml"
    result = runner.invoke(app, ["init", str(target), "--lang", "fr"], env=NO_LOCALE)
    assert result.exit_code == 2
    assert "en, zh" in result.stderr
    assert not target.exists()


def test_init_never_overwrites_in_either_language(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "deal.yaml"
    target.write_text("mine", encoding="utf-8")
    for lang in LANGUAGES:
        result = runner.invoke(app, ["init", str(target), "--lang", lang], env=NO_LOCALE)
        assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "mine"
