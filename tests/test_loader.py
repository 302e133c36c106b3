"""Loading deal files: every malformed input is a located E001/E002, never a traceback."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from ebcheck.deal.enums import Role, Stage
from ebcheck.deal.load import Loaded, load_bytes
from ebcheck.deal.source import MAX_NODES
from ebcheck.i18n import Catalogue

WORDS = Catalogue("en")

GOOD = """\
ebcheck: 1
deal:
  id: D-1
  name: 华东精密 MES 升级
  account: 华东精密制造有限公司
  stage: proposal
  close_date: 2026-12-31
"""


def load(text: str) -> Loaded:
    return load_bytes(textwrap.dedent(text).encode("utf-8"))


def messages(loaded: Loaded) -> list[tuple[str, int, int, str]]:
    out = []
    for p in loaded.problems:
        text = WORDS.text(p.key, **p.params)
        if p.hint:
            text += "; " + WORDS.text(p.hint, **p.params)
        out.append((p.code, p.position.line, p.position.column, text))
    return out


def test_a_valid_file_loads_with_chinese_text() -> None:
    loaded = load(GOOD)
    assert loaded.problems == []
    assert loaded.deal is not None
    assert loaded.deal.deal.name == "华东精密 MES 升级"
    assert loaded.deal.deal.stage is Stage.PROPOSAL


BROKEN = [
    ("syntax", "ebcheck: 1\ndeal: {id: x\n", "E001", 3, 1, "not valid YAML"),
    ("empty", "", "E001", 1, 1, "empty"),
    ("only comments", "# nothing here\n", "E001", 1, 1, "empty"),
    ("top-level list", "- a\n- b\n", "E001", 1, 1, "the top level is a list"),
    ("top-level text", "hello\n", "E001", 1, 1, "the top level is text 'hello'"),
    ("two documents", GOOD + "---\nebcheck: 1\n", "E001", 8, 1, "more than one YAML document"),
    (
        "python tag",
        "ebcheck: 1\ndeal: !!python/object:os.system {}\n",
        "E001",
        2,
        7,
        "unsupported YAML tag tag:yaml.org,2002:python/object:os.system",
    ),
    (
        "python name tag",
        "ebcheck: !!python/name:os.system ''\n",
        "E001",
        1,
        10,
        "unsupported YAML tag",
    ),
    (
        "unknown version",
        GOOD.replace("ebcheck: 1", "ebcheck: 2"),
        "E002",
        1,
        10,
        "unsupported format version '2'",
    ),
    (
        "duplicate key",
        GOOD + "deal: {}\n",
        "E002",
        8,
        1,
        "duplicate key 'deal' (first written at line 2)",
    ),
    (
        "slashed date",
        GOOD.replace("2026-12-31", "2026/12/31"),
        "E002",
        7,
        15,
        "found '2026/12/31'; write 2026-12-31",
    ),
    (
        "impossible date",
        GOOD.replace("2026-12-31", "2026-02-30"),
        "E002",
        7,
        15,
        "'2026-02-30' is written YYYY-MM-DD but is not a real date",
    ),
    (
        "time of day",
        GOOD.replace("2026-12-31", "2026-12-31 10:00:00"),
        "E002",
        7,
        15,
        "without a time of day",
    ),
    (
        "unknown key",
        GOOD + "stakeholder: []\n",
        "E002",
        8,
        1,
        "unknown key 'stakeholder' at the top level; did you mean 'stakeholders'?",
    ),
    (
        "unknown nested key",
        GOOD.replace("  stage:", "  stgae: x\n  stage:"),
        "E002",
        6,
        3,
        "unknown key 'stgae' in 'deal'; did you mean 'stage'?",
    ),
    ("wrong type", GOOD + "stakeholders: {name: x}\n", "E002", 8, 15, "expected a list"),
    ("chinese amount", GOOD + "  amount: 120万\n", "E002", 8, 11, "write 1200000"),
    ("amount as exponent text", GOOD + "  amount: 1.2e6\n", "E002", 8, 11, "write 1200000"),
    ("negative amount", GOOD + "  amount: -5\n", "E002", 8, 11, "0 or more"),
    (
        "bad stage",
        GOOD.replace("stage: proposal", "stage: won"),
        "E002",
        6,
        10,
        "expected one of prospecting, qualification",
    ),
    (
        "missing close date",
        GOOD.replace("  close_date: 2026-12-31\n", ""),
        "E002",
        3,
        3,
        "missing required field 'close_date'",
    ),
    (
        "missing name",
        GOOD.replace("  name: 华东精密 MES 升级\n", ""),
        "E002",
        3,
        3,
        "missing required field 'name'",
    ),
    (
        "share as percent number",
        GOOD + "relationship: {stage: initial, share_of_wallet: 35}\n",
        "E002",
        8,
        49,
        'write 0.35 or "35%"',
    ),
    (
        "repeated stakeholder",
        GOOD + "stakeholders:\n  - name: 张伟\n  - name: 张伟\n",
        "E002",
        10,
        11,
        "stakeholder '张伟' is listed twice (first at line 9)",
    ),
    (
        "comma in flow mapping",
        GOOD + "commitments:\n  risks:\n    - {risk: 工期压缩一半, 需要增加资源, severity: high}\n",
        "E002",
        10,
        22,
        "an ASCII comma inside {…} probably ended the text",
    ),
]


def test_invalid_utf8_points_at_the_byte() -> None:
    loaded = load_bytes(b"ebcheck: 1\ndeal:\n  name: ab\xff\n")
    (problem,) = messages(loaded)
    assert problem[:3] == ("E001", 3, 11)
    assert "byte 0xff" in problem[3]


def test_a_bom_is_accepted() -> None:
    assert load_bytes(b"\xef\xbb\xbf" + GOOD.encode()).deal is not None


def test_every_format_error_is_reported_not_just_the_first() -> None:
    text = GOOD.replace("2026-12-31", "2026/12/31") + "  amount: 120万\nstakeholdrs: []\n"
    rules = [m[3] for m in messages(load(text))]
    assert len(rules) == 3


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    loaded = load_bytes(("\n".join(lines) + "\n").encode())
    (problem,) = messages(loaded)
    assert problem[0] == "E001"
    assert f"{MAX_NODES:,}" in problem[3]


def test_deep_nesting_is_refused() -> None:
    text = "ebcheck: 1\nx-deep: " + "[" * 70 + "]" * 70 + "\n"
    (problem,) = messages(load_bytes(text.encode()))
    assert problem[0] == "E001"
    assert "64 levels" in problem[3]


def test_a_file_over_one_mebibyte_is_refused() -> None:
    (problem,) = messages(load_bytes(b"# " + b"x" * (1024 * 1024) + b"\n"))
    assert problem[0] == "E001"
    assert "1 MiB" in problem[3]


def test_text_fields_keep_the_scalar_as_written() -> None:
    loaded = load(GOOD.replace("id: D-1", "id: 0042") + "  owner: 1.10\n")
    assert loaded.deal is not None
    assert loaded.deal.deal.id == "0042"
    assert loaded.deal.deal.owner == "1.10"


def test_roles_aliases_shorthand_and_union() -> None:
    text = GOOD + "stakeholders:\n  - {name: A, role: Economic_Buyer, roles: [coach, tb]}\n"
    loaded = load(text)
    assert loaded.deal is not None
    assert loaded.deal.stakeholders[0].all_roles == {Role.EB, Role.COACH, Role.TB}


def test_share_of_wallet_as_percent_text_and_currency_upper_case() -> None:
    text = GOOD + "  currency: cny\nrelationship: {stage: initial, share_of_wallet: '35%'}\n"
    loaded = load(text)
    assert loaded.deal is not None
    assert loaded.deal.relationship is not None
    assert loaded.deal.relationship.share_of_wallet == pytest.approx(0.35)
    assert loaded.deal.deal.currency == "CNY"


def test_extension_keys_are_kept_and_anchors_merge() -> None:
    text = GOOD + (
        "x-shared: &who {title: 总经理, influence: high}\n"
        "stakeholders:\n  - {<<: *who, name: 张伟, roles: [EB], x-crm: 42}\n"
    )
    loaded = load(text)
    assert loaded.problems == []
    assert loaded.deal is not None
    person = loaded.deal.stakeholders[0]
    assert person.title == "总经理"
    assert person.extensions == {"x-crm": 42}
    assert loaded.deal.extensions["x-shared"]["title"] == "总经理"


def test_closed_deals_need_no_close_date() -> None:
    loaded = load(
        GOOD.replace("stage: proposal", "stage: closed_lost").replace(
            "  close_date: 2026-12-31\n", ""
        )
    )
    assert loaded.deal is not None


def test_stage_names_of_the_team_are_mapped() -> None:
    loaded = load_bytes(
        GOOD.replace("stage: proposal", "stage: 方案").encode(), {"方案": Stage.PROPOSAL}
    )
    assert loaded.deal is not None
    assert loaded.deal.deal.stage is Stage.PROPOSAL


def test_dates_quoted_or_not() -> None:
    loaded = load(GOOD.replace("2026-12-31", "'2026-12-31'"))
    assert loaded.deal is not None
    assert loaded.deal.deal.close_date == dt.date(2026, 12, 31)


def test_the_deal_id_is_known_even_when_the_file_is_invalid() -> None:
    loaded = load(GOOD + "bogus: 1\n")
    assert loaded.deal is None
    assert loaded.deal_id == "D-1"


MORE = [
    ("infinite amount", GOOD + "  amount: .inf\n", "E002", 8, 11, "expected a finite number"),
    ("huge amount", GOOD + "  amount: 1.0e+400\n", "E002", 8, 11, "expected a finite number"),
    ("not a number", GOOD + "  amount: .nan\n", "E002", 8, 11, "expected a finite number"),
    ("quoted number", GOOD + "  amount: '1200000'\n", "E002", 8, 11, "remove the quotes"),
    (
        "quoted share",
        GOOD + "relationship: {stage: initial, share_of_wallet: '0.35'}\n",
        "E002",
        8,
        49,
        "remove the quotes",
    ),
    (
        "percent over 100",
        GOOD + "relationship: {stage: initial, share_of_wallet: '101%'}\n",
        "E002",
        8,
        49,
        "between 0% and 100%",
    ),
    (
        "null required text",
        GOOD.replace("  account: 华东精密制造有限公司", "  account:"),
        "E002",
        5,
        11,
        "expected text, found nothing",
    ),
    (
        "null stage",
        GOOD.replace("stage: proposal", "stage: ~"),
        "E002",
        6,
        10,
        "'stage' has no value",
    ),
    (
        "version as text",
        GOOD.replace("ebcheck: 1", "ebcheck: '1'"),
        "E002",
        1,
        10,
        "write it as a number",
    ),
]


@pytest.mark.parametrize(
    ("label", "text", "code", "line", "column", "words"),
    [*BROKEN, *MORE],
    ids=[c[0] for c in [*BROKEN, *MORE]],
)
def test_malformed_input_is_located(
    label: str, text: str, code: str, line: int, column: int, words: str
) -> None:
    loaded = load_bytes(text.encode("utf-8"))
    assert loaded.deal is None
    found = messages(loaded)
    assert any(
        c == code and ln == line and col == column and words in msg for c, ln, col, msg in found
    ), found


def test_sections_written_with_nothing_under_them_are_absent() -> None:
    loaded = load(GOOD + "  next_step:\ninsights:\n  # to fill\nclient_team:\neb_access: null\n")
    assert loaded.problems == []
    assert loaded.deal is not None
    assert loaded.deal.insights is None
    assert loaded.deal.deal.next_step is None


def test_a_bare_competitors_key_is_not_an_explicit_empty_list() -> None:
    loaded = load(GOOD + "insights:\n  competitors:\n")
    assert loaded.deal is not None and loaded.deal.insights is not None
    assert loaded.deal.insights.competitors is None
    explicit = load(GOOD + "insights:\n  competitors: []\n")
    assert explicit.deal is not None and explicit.deal.insights is not None
    assert explicit.deal.insights.competitors == []


def test_block_scalars_lose_their_final_line_break() -> None:
    loaded = load(GOOD + "commitments:\n  risks:\n    - risk: |\n        工期压缩一半\n")
    assert loaded.deal is not None and loaded.deal.commitments is not None
    assert loaded.deal.commitments.risks[0].risk == "工期压缩一半"


def test_aliases_are_measured_before_anything_is_built() -> None:
    # 10^9 values if expanded: refused from the composed graph, without building any.
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    loaded = load_bytes(("\n".join(lines) + "\n").encode())
    (problem,) = messages(loaded)
    assert problem[:2] == ("E001", 5)


def test_deep_nesting_never_exhausts_the_stack() -> None:
    text = "x: " + "[" * 990 + "]" * 990 + "\n"
    (problem,) = messages(load_bytes(text.encode()))
    assert problem[0] == "E001"
    assert "64 levels" in problem[3]
