"""The Chinese catalogue: every English key translated, placeholders kept, findings in Chinese.

Each English catalogue file (`en.yaml` and its parts `en.<part>.yaml`, in the
engine's locale folder and in the rule pack's) has a Chinese counterpart with
the same keys and, key by key, the same `{placeholders}`; and every rule's own
failing example, audited with `--lang zh`, says what is wrong and what to do
in Chinese, with every placeholder filled in.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ebcheck import i18n as catalogue
from ebcheck.audit.engine import Engine
from ebcheck.audit.pack import builtin_pack
from ebcheck.audit.settings import Settings
from ebcheck.i18n import placeholders, read_catalogue_file

PACK = builtin_pack()
ENGINE_LOCALE = Path(catalogue.__file__).parent / "locale"
FOLDERS = {"engine": ENGINE_LOCALE, "pack": PACK.locale}
ENGLISH_FILES = {
    f"{owner}/{path.name}": path
    for owner, folder in FOLDERS.items()
    for path in sorted([*folder.glob("en.yaml"), *folder.glob("en.*.yaml")])
}
CJK = re.compile(r"[\u4e00-\u9fff]")
LEFTOVER = re.compile(r"\{[A-Za-z_]\w*\}")
CODE = re.compile(r"`[^`]*`")
# A line break folded into a space inside a Chinese sentence ("字段、 错误", "金额, 要么").
FOLDED = re.compile(r"[\u4e00-\u9fff\u3000-\u303f,;:] [\u4e00-\u9fff\u3000-\u303f]")


def chinese_file(english: Path) -> Path:
    return english.with_name("zh" + english.name.removeprefix("en"))


def test_the_english_files_are_found():
    assert {
        "engine/en.yaml",
        "engine/en.reports.yaml",
        "engine/en.ruledocs.yaml",
        "pack/en.yaml",
    } <= set(ENGLISH_FILES)


@pytest.mark.parametrize("english", ENGLISH_FILES.values(), ids=ENGLISH_FILES.keys())
def test_every_english_key_has_a_chinese_translation(english):
    zh = chinese_file(english)
    assert zh.is_file(), f"{zh} is missing"
    missing = sorted(set(read_catalogue_file(english)) - set(read_catalogue_file(zh)))
    assert not missing, f"{zh.name} lacks {missing}"


@pytest.mark.parametrize("english", ENGLISH_FILES.values(), ids=ENGLISH_FILES.keys())
def test_chinese_has_no_key_english_lacks(english):
    # A key only in Chinese is a typo: the code asks for the English key and gets English.
    extra = sorted(
        set(read_catalogue_file(chinese_file(english))) - set(read_catalogue_file(english))
    )
    assert not extra, f"{chinese_file(english).name} has keys English lacks: {extra}"


@pytest.mark.parametrize("english", ENGLISH_FILES.values(), ids=ENGLISH_FILES.keys())
def test_chinese_keeps_exactly_the_placeholders_of_english(english):
    en, zh = read_catalogue_file(english), read_catalogue_file(chinese_file(english))
    wrong = {
        key: (sorted(placeholders(en[key])), sorted(placeholders(zh[key])))
        for key in sorted(set(en) & set(zh))
        if placeholders(en[key]) != placeholders(zh[key])
    }
    assert not wrong, f"placeholders differ (english, chinese): {wrong}"


@pytest.mark.parametrize("english", ENGLISH_FILES.values(), ids=ENGLISH_FILES.keys())
def test_chinese_text_is_chinese(english):
    """A value copied from English untranslated: words left once code and placeholders are gone.

    Rule names (`E001.name: invalid-yaml`) are ids and stay in English.
    """
    zh = read_catalogue_file(chinese_file(english))
    untranslated = {
        key: text
        for key, text in zh.items()
        if not key.endswith(".name")
        and re.search(r"[A-Za-z]{3,}", LEFTOVER.sub("", CODE.sub("", text)))
        and not CJK.search(text)
    }
    assert not untranslated, untranslated


@pytest.mark.parametrize("english", ENGLISH_FILES.values(), ids=ENGLISH_FILES.keys())
def test_chinese_values_are_single_lines(english):
    # YAML folds a line break into a space, which would split a Chinese sentence.
    zh = read_catalogue_file(chinese_file(english))
    spaced = {key: text for key, text in zh.items() if FOLDED.search(text)}
    assert not spaced, spaced


EXAMPLES = [rule for rule in PACK.rules if rule.example is not None]


def test_every_pack_rule_has_an_example():
    assert [rule.id for rule in EXAMPLES] == [rule.id for rule in PACK.rules]


@pytest.mark.parametrize("rule", EXAMPLES, ids=lambda rule: rule.id)
def test_the_failing_example_speaks_chinese(rule):
    example = rule.example
    assert example is not None
    settings = Settings(lang="zh", select=(rule.id,), as_of=example.as_of)
    report = Engine.create(settings).audit_text(example.fails)
    found = [f for f in report.findings if f.rule == rule.id]
    assert found, f"{rule.id}: its failing example gives no finding"
    for finding in found:
        for text in (finding.message, finding.fix):
            assert CJK.search(text), f"{rule.id}: not Chinese: {text}"
            assert not LEFTOVER.search(text), f"{rule.id}: placeholder left: {text}"
