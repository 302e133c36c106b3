"""The message catalogue: named placeholders, a second language, English behind it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.audit.pack import builtin_pack
from ebcheck.cli.app import app
from ebcheck.i18n import Catalogue, MissingMessage, placeholders
from tests.deals import EB_NEVER_MET

Write = Callable[..., Path]
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_]+)\}(?!\})")


def test_missing_facts_stay_visible_instead_of_crashing() -> None:
    assert Catalogue("en").text("E002.missing") == "missing required field '{field}'"


def test_an_unknown_language_falls_back_to_english() -> None:
    assert Catalogue("fr").lang == "en"


def test_chinese_keeps_the_placeholders_of_english() -> None:
    english, chinese = builtin_pack().words("en"), builtin_pack().words("zh")
    for key in english.all_keys():
        raw_en, raw_zh = english.template(key) or "", chinese.template(key) or ""
        assert set(PLACEHOLDER.findall(raw_zh)) <= set(PLACEHOLDER.findall(raw_en)), key


def test_the_report_speaks_chinese(runner: CliRunner, write: Write) -> None:
    result = runner.invoke(
        app,
        ["audit", str(write("d.yaml", EB_NEVER_MET)), "--lang", "zh"],
        env={"NO_COLOR": "1", "COLUMNS": "100"},
    )
    assert result.exit_code == 1
    for words in ("采购决策圈", "未就绪", "严重", "客户关系"):
        assert words in result.stdout


def test_lang_from_the_environment(runner: CliRunner, write: Write) -> None:
    result = runner.invoke(
        app,
        ["audit", str(write("d.yaml", EB_NEVER_MET))],
        env={"NO_COLOR": "1", "LANG": "zh_CN.UTF-8", "LC_ALL": ""},
    )
    assert "采购决策圈" in result.stdout


def test_a_bad_lang_is_a_usage_error(runner: CliRunner, write: Write) -> None:
    result = runner.invoke(app, ["audit", str(write("d.yaml", EB_NEVER_MET)), "--lang", "de"])
    assert result.exit_code == 2
    assert "--lang must be one of en, zh" in result.stderr


def test_format_errors_name_kinds_of_values_in_the_report_language(
    runner: CliRunner, write: Write, tmp_path: Path
) -> None:
    bad = (
        "ebcheck: 1\ndeal: {id: a, name: b, account: c, stage: proposal, close_date: 2027-01-01}\n"
    )
    for n in range(25):  # enough files for worker processes: the words survive pickling
        write(f"d{n:02}.yaml", bad + "stakeholders: {name: x}\n")
    result = runner.invoke(
        app, ["audit", str(tmp_path), "-f", "concise", "--lang", "zh", "-j", "2"]
    )
    assert result.stdout.count("stakeholders: 应为列表，实际是 一个映射") == 25
    english = runner.invoke(app, ["audit", str(tmp_path / "d00.yaml"), "-f", "concise"])
    assert "stakeholders: expected a list, found a mapping" in english.stdout


def test_diagnostics_speak_the_users_language(runner: CliRunner, tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.yaml")
    chinese = runner.invoke(app, ["audit", missing, "--lang", "zh"])
    assert chinese.exit_code == 2
    assert chinese.stderr.startswith("ebcheck：错误：路径不存在：")
    english = runner.invoke(app, ["audit", missing], env={"LANG": "C", "LC_ALL": ""})
    assert english.stderr.startswith("ebcheck: error: path does not exist: ")
    unknown = runner.invoke(app, ["explain", "XX1"], env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""})
    assert "没有规则 'XX1'" in unknown.stderr


def test_english_plural_forms_follow_the_count() -> None:
    words = Catalogue("en")
    assert words.text("report.summary", deals=1, verdicts="1 ready") == "1 deal: 1 ready"
    assert words.text("report.summary", deals=3, verdicts="3 ready") == "3 deals: 3 ready"
    assert words.text("report.summary", deals=0, verdicts="") == "0 deals: "
    one = words.text("report.baseline_unmatched", count=1)
    assert one.startswith("1 baseline entry no longer matches a finding")
    assert words.text("report.baseline_unmatched", count=2).startswith(
        "2 baseline entries no longer match a finding"
    )


def test_chinese_has_no_plural_forms() -> None:
    words = Catalogue("zh")
    for count in (1, 2):
        text = words.text("report.summary", deals=count, verdicts="")
        assert "|" not in text and "(s)" not in text
        assert text.startswith(str(count))


def test_no_english_message_writes_a_plural_with_brackets() -> None:
    """`day(s)` is what plural forms replace; `{n|day|days}` is how to write it."""
    words = builtin_pack().words("en")
    bracketed = [
        key
        for key in words.all_keys()
        if re.search(r"\w\((s|es|y/ies)\)", words.template(key) or "")
    ]
    assert bracketed == []


def test_placeholders_see_through_plural_markers() -> None:
    assert placeholders("{days} {days|day|days} ago, {name}") == {"days", "name"}


def test_a_missing_key_raises_in_strict_mode_and_shows_the_key_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    words = Catalogue("en")
    with pytest.raises(MissingMessage):
        words.text("report.no_such_key")
    monkeypatch.setenv("EBCHECK_STRICT_MESSAGES", "0")
    assert words.text("report.no_such_key") == "report.no_such_key"
    assert words.get("report.no_such_key") is None


def test_locale_files_are_read_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    Catalogue("zh")  # warm
    reads: list[Path] = []
    real = Path.read_text

    def counting(self: Path, *args: object, **kwargs: object) -> str:
        reads.append(self)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", counting)
    Catalogue("zh")
    Catalogue("zh")
    assert reads == []


@pytest.mark.parametrize(
    ("section", "enum"),
    [
        ("stage", "Stage"),
        ("role", "Role"),
        ("stance", "Stance"),
        ("relationship_stage", "RelationshipStage"),
        ("forecast", "Forecast"),
        ("affiliation", "Affiliation"),
    ],
)
def test_chinese_reports_print_the_first_label_the_format_accepts(section: str, enum: str) -> None:
    """What a Chinese report prints can be written back into a deal file."""
    from ebcheck.deal import enums

    words = Catalogue("zh")
    labels = enums.LABELS[getattr(enums, enum)]
    assert {value: words.text(f"{section}.{value}") for value in labels} == {
        value: names[0] for value, names in labels.items()
    }
