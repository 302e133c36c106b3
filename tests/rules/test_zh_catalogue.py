"""The Chinese catalogue: every English string translated, placeholders kept, findings in Chinese.

English is written in two places: the rule declarations (each rule's summary,
checks, why, messages, fixes and texts, and each area's title, doctrine and
shared words, for the pack's rules and the rules the engine applies itself),
and the engine's catalogue files (`en.yaml` and its parts `en.<part>.yaml`,
which also hold E001/E002, the loader's rules). Chinese is only a translation:
the engine's `zh*.yaml` and the pack's `locale/zh.yaml`, keyed like English
(`EB002.fix`). Every English string has its Chinese one with, key by key, the
same `{placeholders}`; Chinese has no key English lacks; and every rule's own
failing example, audited with `--lang zh`, says what is wrong and what to do
in Chinese, with every placeholder filled in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from ebcheck import i18n as catalogue
from ebcheck.audit.core_rules import CORE_RULES
from ebcheck.audit.engine import Engine
from ebcheck.audit.pack import builtin_pack
from ebcheck.audit.settings import Settings
from ebcheck.deal.enums import Severity
from ebcheck.i18n import placeholders, read_catalogue_file
from ebcheck.ruleapi import Rule, Scope, rule

PACK = builtin_pack()
ENGINE_LOCALE = Path(catalogue.__file__).parent / "locale"
ENGINE_FILES = {
    path.name: path
    for path in sorted([*ENGINE_LOCALE.glob("en.yaml"), *ENGINE_LOCALE.glob("en.*.yaml")])
}
RULES = (*PACK.rules, *CORE_RULES)
CJK = re.compile(r"[\u4e00-\u9fff]")
LEFTOVER = re.compile(r"\{[A-Za-z_]\w*\}")
CODE = re.compile(r"`[^`]*`")
# A line break folded into a space inside a Chinese sentence ("字段、 错误", "金额, 要么").
FOLDED = re.compile(r"[\u4e00-\u9fff\u3000-\u303f,;:] [\u4e00-\u9fff\u3000-\u303f]")


def chinese_file(english: Path) -> Path:
    return english.with_name("zh" + english.name.removeprefix("en"))


def read(paths: list[Path]) -> dict[str, str]:
    strings: dict[str, str] = {}
    for path in paths:
        strings.update(read_catalogue_file(path))
    return strings


ENGINE_ENGLISH = read(list(ENGINE_FILES.values()))
DECLARED = PACK.english()
ENGLISH = {**ENGINE_ENGLISH, **DECLARED}
CHINESE = read([chinese_file(path) for path in ENGINE_FILES.values()] + [PACK.locale / "zh.yaml"])


def untranslated(english: Mapping[str, str], chinese: Mapping[str, str]) -> list[str]:
    """Problems of a translation: English keys without Chinese, or placeholders that differ."""
    problems = [f"{key}: no Chinese" for key in sorted(set(english) - set(chinese))]
    problems += [
        f"{key}: placeholders {sorted(placeholders(english[key]))} in English, "
        f"{sorted(placeholders(chinese[key]))} in Chinese"
        for key in sorted(set(english) & set(chinese))
        if placeholders(english[key]) != placeholders(chinese[key])
    ]
    return problems


def test_the_english_is_found_in_files_and_declarations():
    assert {"en.yaml", "en.reports.yaml", "en.ruledocs.yaml"} <= set(ENGINE_FILES)
    assert not (PACK.locale / "en.yaml").exists(), "the pack's English is in its declarations"
    assert {"EB002.lead.one", "EB007.item.budget", "HY005.fix", "doctrine.D9"} <= set(DECLARED)
    assert {"area.EB", "channel.phone", "EB003.severity_when.unknown"} <= set(DECLARED)
    assert "E001.summary" in ENGINE_ENGLISH  # the loader's rules: engine words


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_english_string_of_a_rule_has_its_chinese_one(rule: Rule):
    english = {key: text for key, text in ENGLISH.items() if key.startswith(f"{rule.id}.")}
    for part in ("summary", "checks", "why", "fix"):
        assert f"{rule.id}.{part}" in english, part
    problems = untranslated(english, CHINESE)
    assert not problems, problems


def test_every_area_word_has_its_chinese_one():
    for area in PACK.areas:
        problems = untranslated(area.english(), CHINESE)
        assert not problems, problems


@pytest.mark.parametrize("english", ENGINE_FILES.values(), ids=ENGINE_FILES.keys())
def test_every_engine_string_has_its_chinese_one(english: Path):
    problems = untranslated(
        read_catalogue_file(english), read_catalogue_file(chinese_file(english))
    )
    assert not problems, problems


def test_chinese_has_no_key_english_lacks():
    # A key only in Chinese is a typo: the code asks for the English key and gets English.
    extra = sorted(set(CHINESE) - set(ENGLISH))
    assert not extra, f"Chinese has keys English lacks: {extra}"


def test_a_missing_translation_or_a_changed_placeholder_is_caught():
    @rule(
        "ZZ001",
        "made-up",
        summary="A rule added without its Chinese.",
        severity=Severity.LOW,
        message="{names} was never met.",
        fix="Meet {names}.",
    )
    def made_up(deal, ctx):  # type: ignore[no-untyped-def]
        """Fires never.

        Why: To test the test.
        """
        return iter(())

    english = made_up.english()
    chinese = dict.fromkeys(english, "中文") | {"ZZ001.message": "从未见过{name}。"}
    assert untranslated(english, chinese) == [
        "ZZ001.fix: placeholders ['names'] in English, [] in Chinese",
        "ZZ001.message: placeholders ['names'] in English, ['name'] in Chinese",
    ]
    assert untranslated(english, {}) == [f"{key}: no Chinese" for key in sorted(english)]


def test_chinese_text_is_chinese():
    """A value copied from English untranslated: words left once code and placeholders are gone.

    Rule names (`E001.name: invalid-yaml`) are ids and stay in English.
    """
    copied = {
        key: text
        for key, text in CHINESE.items()
        if not key.endswith(".name")
        and re.search(r"[A-Za-z]{3,}", LEFTOVER.sub("", CODE.sub("", text)))
        and not CJK.search(text)
    }
    assert not copied, copied


def test_chinese_values_are_single_lines():
    # YAML folds a line break into a space, which would split a Chinese sentence.
    spaced = {key: text for key, text in CHINESE.items() if FOLDED.search(text)}
    assert not spaced, spaced


EXAMPLES = [rule for rule in PACK.rules if rule.example is not None]


def test_every_pack_rule_has_an_example():
    assert [rule.id for rule in EXAMPLES] == [rule.id for rule in PACK.rules]


@pytest.mark.parametrize("rule", EXAMPLES, ids=lambda rule: rule.id)
def test_the_failing_example_speaks_chinese(rule):
    example = rule.example
    assert example is not None
    # A review rule needs the other rules' findings to review.
    alone = () if rule.scope is Scope.REVIEW else (rule.id,)
    settings = Settings(lang="zh", select=alone, as_of=example.as_of)
    report = Engine.create(settings).audit_example(example)
    found = [f for f in report.findings if f.rule == rule.id]
    assert found, f"{rule.id}: its failing example gives no finding"
    for finding in found:
        for text in (finding.message, finding.fix):
            assert CJK.search(text), f"{rule.id}: not Chinese: {text}"
            assert not LEFTOVER.search(text), f"{rule.id}: placeholder left: {text}"
