"""A new user's mistakes, explained where they were made, in the report's language.

One table: each YAML mistake (issue 11, point 1) and each value hint (point 2)
gives a finding at the mistake's line and column whose message names the
mistake and the fix, in English and in Chinese.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ebcheck.audit.engine import audit_text, words_for
from ebcheck.audit.settings import Settings
from ebcheck.deal import yamlhints
from ebcheck.deal.load import load_bytes
from ebcheck.deal.parsertext import parser_words
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "hd-mes-upgrade.yaml"

DEAL = """\
ebcheck: 1
as_of: 2026-11-20
deal:
  id: D-1
  name: MES upgrade
  account: Acme
  stage: proposal
  close_date: 2026-12-31
stakeholders:
  - name: 张伟
    roles: [EB]
relationship:
  stage: initial
"""


def edit(old: str, new: str) -> str:
    assert old in DEAL
    return DEAL.replace(old, new, 1)


# label, text, line, column, English words, Chinese words
MISTAKES = [
    (
        "tab indent",
        edit("  id: D-1", "\tid: D-1"),
        4,
        1,
        "indented with a tab",
        "制表符（Tab）缩进",
    ),
    (
        "indent off",
        edit("  name: MES", "   name: MES"),
        5,
        4,
        "indent it by 2 spaces",
        "请缩进 2 个空格",
    ),
    (
        "list item off",
        edit("  - name: 张伟\n    roles: [EB]", "  - name: 张伟\n    roles: [EB]\n   - name: 李强"),
        12,
        4,
        "indent it by 2 spaces",
        "请缩进 2 个空格",
    ),
    ("full-width colon", edit("  name: MES", "  name：MES"), 5, 7, "full-width colon", "全角冒号"),
    (
        "full-width space",
        edit("  name: MES", "  name:\u3000MES"),
        5,
        8,
        "full-width space",
        "全角空格",
    ),
    (
        "full-width indent",
        edit("  id: D-1", "\u3000\u3000id: D-1"),
        4,
        1,
        "full-width space",
        "全角空格",
    ),
    (
        "no space after colon",
        edit("  id: D-1", "  id:D-1"),
        4,
        5,
        "write 'id: D-1'",
        "写成 'id: D-1'",
    ),
    (
        "unclosed quote",
        edit("  name: MES", '  name: "MES'),
        5,
        9,
        'quote " opened here',
        '引号 " 没有闭合',
    ),
    (
        "unclosed bracket",
        edit("roles: [EB]", "roles: [EB"),
        11,
        12,
        "'[' opened here",
        "'[' 没有闭合",
    ),
    (
        "colon in text",
        edit("  name: MES upgrade", "  name: 结论: 先做试点"),
        5,
        11,
        'put the text in quotes: name: "结论: 先做试点"',
        '请给文字加上引号：name: "结论: 先做试点"',
    ),
    (
        "colon in text inside {…}",
        edit(
            "  - name: 张伟\n    roles: [EB]", "  - {name: 张伟, title: 总经理: 拍板, roles: [EB]}"
        ),
        10,
        26,
        'put the text in quotes: title: "总经理: 拍板"',
        '请给文字加上引号：title: "总经理: 拍板"',
    ),
    (
        "unclosed quote that a later quote closes",
        edit("  name: MES upgrade\n  account: Acme", '  name: "MES upgrade\n  account: "Acme"'),
        5,
        9,
        'quote " opened here',
        '引号 " 没有闭合',
    ),
    (
        "unclosed quote inside {…}",
        edit("  - name: 张伟\n    roles: [EB]", '  - {name: "张伟, roles: [EB]}'),
        10,
        12,
        'quote " opened here',
        '引号 " 没有闭合',
    ),
    (
        "unclosed quote inside {…} that a later quote closes",
        edit(
            "  - name: 张伟\n    roles: [EB]",
            '  - {name: "张伟, roles: [EB]}\n  - {name: "李强", roles: [coach]}',
        ),
        10,
        12,
        'quote " opened here',
        '引号 " 没有闭合',
    ),
    (
        "bracket left open across lines, to the end of the file",
        DEAL.split("stakeholders:")[0] + "stakeholders: [\n  {name: 张伟},\n",
        9,
        15,
        "'[' opened here",
        "'[' 没有闭合",
    ),
    (
        "bracket inside {…} closed by the wrong bracket",
        edit("  - name: 张伟\n    roles: [EB]", "  - {name: 张伟, roles: [EB}"),
        10,
        23,
        "'[' opened here",
        "'[' 没有闭合",
    ),
    (
        "{…} never closed",
        edit("  - name: 张伟\n    roles: [EB]", "  - {name: 张伟, roles: [EB]"),
        10,
        5,
        "'{' opened here",
        "'{' 没有闭合",
    ),
    (
        "text after a closing quote",
        edit("  name: MES upgrade", '  name: "MES" upgrade'),
        5,
        15,
        "not valid YAML: the parser cannot read on from here",
        "不是有效的 YAML：解析器从这里起无法继续读取",
    ),
    (
        "amount with a dollar sign and commas",
        edit("  stage: proposal", "  stage: proposal\n  amount: $1,200,000"),
        8,
        11,
        "write 1200000",
        "1200000",
    ),
    (
        "amount with a yuan sign and commas",
        edit("  stage: proposal", "  stage: proposal\n  amount: ¥1,200,000"),
        8,
        11,
        "write 1200000",
        "1200000",
    ),
    (
        "amount with commas",
        edit("  stage: proposal", "  stage: proposal\n  amount: 1,200,000"),
        8,
        11,
        "write 1200000",
        "1200000",
    ),
    (
        "full-width space that YAML took for a key",
        DEAL + "\u3000notes: x\n",
        14,
        1,
        "a full-width space '　' or colon '：' made this one key",
        "全角空格“　”或全角冒号“：”让这里变成了一个键",
    ),
    (
        "roles as one text",
        edit("roles: [EB]", "roles: EB, coach"),
        11,
        12,
        "write them as a list: [EB, coach]",
        "请写成列表：[EB, coach]",
    ),
    (
        "roles split by an ASCII comma inside {…}",
        edit(
            "  - name: 张伟\n    roles: [EB]",
            "  - {name: Zhang, roles: EB, coach, met: 2026-11-01}",
        ),
        10,
        30,
        "write the values as a list: roles: [EB, coach]",
        "请把这些值写成列表：roles: [EB, coach]",
    ),
    (
        "roles with Chinese commas",
        edit("roles: [EB]", "roles: EB、coach"),
        11,
        12,
        "[EB, coach]",
        "[EB, coach]",
    ),
    (
        "date not padded",
        edit("2026-12-31", "2026-2-3"),
        8,
        15,
        "write 2026-02-03",
        "请写成 2026-02-03",
    ),
    (
        "no version line",
        DEAL.replace("ebcheck: 1\n", ""),
        1,
        1,
        "no 'ebcheck: 1' line",
        "缺少 'ebcheck: 1'",
    ),
    (
        "prefix of a key",
        edit("  stage: initial", "  stage: initial\n  share: 0.3"),
        14,
        3,
        "did you mean 'share_of_wallet'",
        "share_of_wallet",
    ),
    (
        "prefix of a value",
        edit("stage: proposal", "stage: propos"),
        7,
        10,
        "'proposal'",
        "'proposal'",
    ),
    (
        "unknown rule in suppress",
        DEAL + "suppress:\n  - {rule: EB02, reason: x}\n",
        15,
        5,
        "did you mean EB002?",
        "是不是想写 EB002",
    ),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("label", "text", "line", "column", "english", "chinese"),
    MISTAKES,
    ids=[m[0] for m in MISTAKES],
)
def test_a_mistake_is_named_with_its_fix_where_it_was_made(
    lang: str, label: str, text: str, line: int, column: int, english: str, chinese: str
) -> None:
    report = audit_text(text, Settings(lang=lang))
    located = [(f.line, f.column, f.message) for f in report.findings if f.rule[0] in "ES"]
    words = english if lang == "en" else chinese
    assert any((ln, col) == (line, column) and words in msg for ln, col, msg in located), located


def test_a_gbk_file_is_named_with_how_to_save_it_as_utf8() -> None:
    data = "ebcheck: 1\ndeal:\n  name: 华东精密\n".encode("gb18030")
    for lang, words in (("en", "GBK/GB18030"), ("zh", "另存为 UTF-8")):
        (problem,) = load_bytes(data).problems
        assert problem.hint == "E001.gbk_hint"
        report = audit_text_bytes(data, lang)
        assert words in report and "UTF-8" in report


def audit_text_bytes(data: bytes, lang: str) -> str:
    from ebcheck.audit.engine import problem_finding, words_for

    (problem,) = load_bytes(data).problems
    return problem_finding(problem, words_for(lang)).message


def test_latin1_text_gets_no_chinese_encoding_hint() -> None:
    (problem,) = load_bytes("ebcheck: 1\nname: caf\xe9\n".encode("latin-1")).problems
    assert problem.key == "E001.encoding" and problem.hint is None


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "YAML parser: while scanning for the next token: found character that cannot"),
        ("zh", "YAML 解析器：读取下一个标记时，发现不能作为任何标记开头的字符"),
    ],
)
def test_pyyaml_detail_is_the_second_line_never_the_message(lang: str, said: str) -> None:
    report = audit_text(edit("  id: D-1", "\tid: D-1"), Settings(lang=lang))
    (finding,) = report.findings
    first, second = finding.message.split("\n")
    assert "cannot start any token" not in first
    assert second.startswith(said)


# Each mistake as libyaml words it, and as a Chinese report says it after "YAML 解析器：".
PARSER_SAYS = [
    ("  name: a: b", "此处不允许出现映射值（冒号加空格被读成了又一个键）"),
    ("  name: {x: 1 y: 2}", "解析花括号里的映射时，没有找到预期的 ',' 或 '}'"),
    ("  name: [a, b", "解析方括号里的列表时，没有找到预期的 ',' 或 ']'"),
    ("  name: *x", "发现未定义的别名"),
    ('  name: "\\q"', "解析带引号的文字时，发现未知的转义字符"),
    ("  name: MES\n account: Acme", "解析块映射时，没有找到预期的键"),
]


@pytest.mark.parametrize(("line", "said"), PARSER_SAYS)
def test_the_parser_s_words_are_said_in_chinese(line: str, said: str) -> None:
    text = DEAL.replace("  name: MES upgrade\n  account: Acme", line + "\n  account: Acme")
    (finding,) = audit_text(text, Settings(lang="zh")).findings
    assert finding.message.split("\n")[1] == f"YAML 解析器：{said}"


def test_parser_words_no_pattern_knows_stay_as_written() -> None:
    zh = words_for("zh").get
    assert parser_words("while parsing a block mapping: something new", zh) == (
        "解析块映射时，something new"
    )
    assert parser_words("while parsing a weird thing: x", zh) == "while parsing a weird thing，x"
    en = words_for("en").get
    detail = "while parsing a flow mapping: did not find expected ',' or '}'"
    assert parser_words(detail, en) == detail


def test_a_colon_inside_a_value_after_a_key_is_fine() -> None:
    report = audit_text(edit("  name: MES upgrade", "  name: 备注：先做试点 http://x"))
    assert not [f for f in report.findings if f.rule in ("E001", "E002")]


@pytest.mark.parametrize(
    ("lang", "words", "said"),
    [
        ("en", "not valid YAML: the parser", "found character that cannot start any token"),
        ("zh", "不是有效的 YAML：解析器", "发现不能作为任何标记开头的字符"),
    ],
)
def test_an_unrecognised_syntax_error_is_a_sentence_in_the_language_with_pyyaml_second(
    lang: str, words: str, said: str
) -> None:
    report = audit_text(edit("  id: D-1", "  id: @x"), Settings(lang=lang))
    (finding,) = report.findings
    first, second = finding.message.split("\n")
    assert first.startswith(words) and "cannot start any token" not in first
    assert second.endswith(said)


@given(st.text(alphabet=" \t\n:-[]{}\"'#：\u3000ab", max_size=60))
def test_explaining_any_broken_text_never_raises(text: str) -> None:
    try:
        yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        problem = yamlhints.explain(exc, text)
        assert problem is None or problem.position.line >= 1
    except yaml.YAMLError:
        pass


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["explain", "EB02"], "no rule 'EB02'; did you mean EB002?"),
        (["explain", "eb-not-meet"], "did you mean EB002?"),
        (
            ["audit", str(EXAMPLE), "--select", "eb2"],
            "'eb2' names no rule, rule name or area; did you mean EB002?",
        ),
    ],
)
def test_a_mistyped_rule_on_the_command_line_gets_a_suggestion(args: list[str], words: str) -> None:
    from typer.testing import CliRunner

    from ebcheck.cli.app import app

    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert words in result.stderr


@pytest.mark.parametrize(("encoding", "source"), [("gb18030", "GB18030"), ("utf-16", "UTF-16")])
@pytest.mark.parametrize(
    ("lang", "fix"),
    [
        ("en", "Save the file as UTF-8 (the message says how), then audit it again."),
        ("zh", "把文件另存为 UTF-8（方法见问题说明），然后重新评估。"),
    ],
)
def test_a_file_not_in_utf8_gets_a_fix_that_fits_and_a_complete_iconv_command(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, encoding: str, source: str, lang: str, fix: str
) -> None:
    from typer.testing import CliRunner

    from ebcheck.cli.app import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "东华.yaml").write_bytes("ebcheck: 1\ndeal:\n  name: 华东精密\n".encode(encoding))
    result = CliRunner().invoke(app, ["audit", "东华.yaml", "-f", "json", "--lang", lang])
    (finding,) = json.loads(result.stdout)["deals"][0]["findings"]
    command = (
        f"iconv -f {source} -t UTF-8 东华.yaml > 东华.yaml.utf8 && mv 东华.yaml.utf8 东华.yaml"
    )
    assert command in finding["message"]
    assert finding["fix"] == fix


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "text",
    [
        "ebcheck: 1\ndeal:\n\u3000\u3000id: T-1\n",
        edit("  - name: 张伟\n    roles: [EB]", "  - {name：张伟, roles: [EB]}"),
        edit("  id: D-1\n", "").replace("deal:\n", "deal: {id：D-1}\n").split("  name:")[0],
    ],
    ids=["full-width indent under deal", "full-width colon in {…}", "full-width colon of id"],
)
def test_a_full_width_character_is_the_one_finding_not_what_follows_from_it(
    lang: str, text: str
) -> None:
    report = audit_text(text, Settings(lang=lang))
    messages = [f.message for f in report.findings if f.rule[0] == "E"]
    assert len(messages) == 1, messages
    assert ("full-width" if lang == "en" else "全角") in messages[0]


@pytest.mark.parametrize(
    ("written", "suggested"),
    [
        ('华东精密制造 "MES" 升级: 二期', "name: '华东精密制造 \"MES\" 升级: 二期'"),
        ("共享盘 D:\\投标\\新建: 二期", "name: '共享盘 D:\\投标\\新建: 二期'"),
        ('王总\'s plan "A": 先做试点', "name: '王总''s plan \"A\": 先做试点'"),
    ],
)
def test_the_quoted_text_suggested_for_a_colon_loads_as_written(
    written: str, suggested: str
) -> None:
    report = audit_text(DEAL.replace("  name: MES upgrade", f"  name: {written}"))
    (finding,) = report.findings
    assert f"put the text in quotes: {suggested}\n" in finding.message
    fixed = DEAL.replace("  name: MES upgrade", f"  {suggested}")
    assert yaml.safe_load(fixed)["deal"]["name"] == written


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1))
def test_any_text_quoted_for_a_hint_reads_back_as_itself(text: str) -> None:
    text = text.strip()
    if not text:
        return
    assert yaml.safe_load(f"k: {yamlhints._quoted(text)}") == {"k": text}
