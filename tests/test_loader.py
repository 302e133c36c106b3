"""Loading deal files: every malformed input is a located E001/E002, never a traceback."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ebcheck.deal.enums import Role, Stage
from ebcheck.deal.load import Loaded, load_bytes
from ebcheck.deal.source import MAX_NODES, read_yaml
from ebcheck.deal.sourcemap import format_path
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
    ("syntax", "ebcheck: 1\ndeal: @x\n", "E001", 2, 7, "not valid YAML"),
    (
        "unclosed brace",
        "ebcheck: 1\ndeal: {id: x\n",
        "E001",
        2,
        7,
        "'{' opened here is never closed",
    ),
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
        "empty list entry",
        GOOD + "  close_date_history: [2026-11-01, null]\n",
        "E002",
        8,
        36,
        "an entry of the list has no value; write one, or remove the entry",
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
        "'stage' is required but has no value; write one of prospecting, qualification",
    ),
    (
        # With no stage there is no telling whether a close date is due: once a crash.
        "empty stage and no close date",
        GOOD.replace("stage: proposal", "stage:").replace("  close_date: 2026-12-31\n", ""),
        "E002",
        6,
        9,
        "'stage' is required but has no value",
    ),
    (
        "empty required date of a list entry",
        GOOD + "eb_access:\n  attempts: [{date: , channel: phone, outcome: met}]\n",
        "E002",
        9,
        21,
        "'date' is required but has no value; write a date as YYYY-MM-DD",
    ),
    (
        "empty deal section",
        "ebcheck: 1\ndeal:\n",
        "E002",
        2,
        6,
        "'deal' is required but has no value; write its fields under it",
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


# --- catalog-2 additions: every new field's E002, in English and in Chinese ---

ZH = Catalogue("zh")
PERSON = GOOD + "stakeholders:\n  - name: 孙国平\n    roles: [EB]\n"

NEW_FIELDS: list[tuple[str, str, int, int, str, str]] = [
    (
        "deal type",
        GOOD + "  type: renew\n",
        8,
        9,
        "deal.type: expected one of new, expansion, renewal, found 'renew'; "
        "did you mean 'renewal'?",
        "deal.type: 应为 new, expansion, renewal 之一，实际是 'renew'；是不是想写 'renewal'？",
    ),
    (
        "forecast in Chinese, not a label",
        GOOD + "  forecast: 很有把握\n",
        8,
        13,
        "deal.forecast: expected one of commit, best_case, pipeline, omitted, found '很有把握'; "
        "the Chinese labels are accepted too: 承诺, 确定, 最佳, 乐观, 管道, 一般, 排除",
        "deal.forecast: 应为 commit, best_case, pipeline, omitted 之一，实际是 '很有把握'；"
        "也可以写中文：承诺, 确定, 最佳, 乐观, 管道, 一般, 排除",
    ),
    (
        "stage close to a Chinese label",
        GOOD.replace("stage: proposal", "stage: 谈判"),
        6,
        10,
        "deal.stage: expected one of prospecting, qualification, discovery, proposal, "
        "negotiation, closed_won, closed_lost, found '谈判'; did you mean '商务谈判'? (the "
        "Chinese labels are accepted too: 线索, 资格确认, 立项, 需求调研, 方案, "
        "商务谈判, 赢单, 输单, 丢单)",
        "deal.stage: 应为 prospecting, qualification, discovery, proposal, negotiation, "
        "closed_won, closed_lost 之一，实际是 '谈判'；是不是想写 '商务谈判'？（也可以写中文："
        "线索, 资格确认, 立项, 需求调研, 方案, 商务谈判, 赢单, 输单, 丢单）",
    ),
    (
        "annual value in 万",
        GOOD + "  annual_value: 95万\n",
        8,
        17,
        "deal.annual_value: expected a plain number, found '95万'; write 950000",
        "deal.annual_value: 应为纯数字，实际是 '95万'；请写成 950000",
    ),
    (
        "stage entered slashed",
        GOOD + "  stage_entered: 2026/10/2\n",
        8,
        18,
        "deal.stage_entered: expected a date written YYYY-MM-DD, found '2026/10/2'; "
        "write 2026-10-02",
        "deal.stage_entered: 应为 YYYY-MM-DD 格式的日期，实际是 '2026/10/2'；请写成 2026-10-02",
    ),
    (
        "close-date history entry",
        GOOD + "  close_date_history: [2026-06-30, 2026-8-31]\n",
        8,
        36,
        "deal.close_date_history[1]: expected a date written YYYY-MM-DD, found '2026-8-31'; "
        "write 2026-08-31",
        "deal.close_date_history[1]: 应为 YYYY-MM-DD 格式的日期，实际是 '2026-8-31'；"
        "请写成 2026-08-31",
    ),
    (
        "close-date history block entry",
        GOOD + "  close_date_history:\n    - 2026-06-30\n    - 下月底\n",
        10,
        7,
        "deal.close_date_history[1]: expected a date written YYYY-MM-DD, found '下月底'",
        "deal.close_date_history[1]: 应为 YYYY-MM-DD 格式的日期，实际是 '下月底'",
    ),
    (
        "lost reason as a list",
        GOOD + "  lost_reason: [价格, 关系]\n",
        8,
        16,
        "deal.lost_reason: expected text, found a list",
        "deal.lost_reason: 应为文本，实际是 一个列表",
    ),
    (
        "affiliation",
        GOOD + "stakeholders:\n  - {name: 刘, affiliation: vendor}\n",
        9,
        28,
        "stakeholders[0].affiliation: expected one of customer, partner, ours, found 'vendor'",
        "stakeholders[0].affiliation: 应为 customer, partner, ours 之一，实际是 'vendor'",
    ),
    (
        "a partner holding EB and TB",
        GOOD + "stakeholders:\n  - name: 刘\n    roles: [EB, TB, coach]\n    affiliation: 渠道\n",
        11,
        18,
        "stakeholders[0].affiliation: a person with affiliation partner cannot hold EB, TB: EB, "
        "TB and UB are the customer's buying roles (a coach may be outside the customer)",
        "stakeholders[0].affiliation: 归属（affiliation）为 partner 的人不能担任 EB, TB："
        "EB、TB、UB 是客户方的采购角色（教练可以不在客户方）",
    ),
    (
        "mode close to a label",
        GOOD + "stakeholders:\n  - {name: 刘, mode: 成长型}\n",
        9,
        21,
        "stakeholders[0].mode: expected one of growth, trouble, even_keel, overconfident, "
        "found '成长型'; did you mean '成长'? (the Chinese labels are accepted too: 成长, 困境, "
        "平稳, 过度自信)",
        "stakeholders[0].mode: 应为 growth, trouble, even_keel, overconfident 之一，实际是 "
        "'成长型'；是不是想写 '成长'？（也可以写中文：成长, 困境, 平稳, 过度自信）",
    ),
    (
        "an empty role in the list",
        GOOD + "stakeholders:\n  - {name: 刘, roles: [EB, ~]}\n",
        9,
        27,
        "stakeholders[0].roles[1]: an entry of the list has no value: write one of EB, TB, UB, "
        "coach, or remove the entry",
        "stakeholders[0].roles[1]: 列表中有一项没有值：请写 EB, TB, UB, coach 之一，或删除这一项",
    ),
    (
        "joined on no real day",
        GOOD + "stakeholders:\n  - {name: 刘, joined: 2026-13-01}\n",
        9,
        23,
        "stakeholders[0].joined: '2026-13-01' is written YYYY-MM-DD but is not a real date",
        "stakeholders[0].joined: '2026-13-01' 符合 YYYY-MM-DD 格式，但不是真实存在的日期",
    ),
    (
        "left as a loose date",
        GOOD + "stakeholders:\n  - {name: 刘, left: 2026年10月31日}\n",
        9,
        21,
        "stakeholders[0].left: expected a date written YYYY-MM-DD, found '2026年10月31日'; "
        "write 2026-10-31",
        "stakeholders[0].left: 应为 YYYY-MM-DD 格式的日期，实际是 '2026年10月31日'；"
        "请写成 2026-10-31",
    ),
    (
        "win as a mapping",
        GOOD + "stakeholders:\n  - {name: 刘, win: {升职: true}}\n",
        9,
        20,
        "stakeholders[0].win: expected text, found a mapping",
        "stakeholders[0].win: 应为文本，实际是 一个映射",
    ),
    (
        "compelling event as a bare date",
        GOOD + "insights:\n  compelling_event: 2027-01-20\n",
        9,
        21,
        "insights.compelling_event: a compelling event needs what happens, not only when: "
        "write {event: ..., date: 2027-01-20} with what happens as the event",
        "insights.compelling_event: 紧迫事件要写明发生什么，不只是日期："
        "写成 {event: ..., date: 2027-01-20}，event 写发生的事",
    ),
    (
        "compelling event without an event",
        GOOD + "insights:\n  compelling_event: {date: 2027-01-20}\n",
        9,
        21,
        "insights.compelling_event: missing required field 'event'",
        "insights.compelling_event: 缺少必填字段 'event'",
    ),
    (
        "pain as a list",
        GOOD + "insights:\n  pain: [延误, 库存]\n",
        9,
        9,
        "insights.pain: expected text, found a list",
        "insights.pain: 应为文本，实际是 一个列表",
    ),
    (
        "decision process as a list",
        GOOD + "decision_process: [评审]\n",
        8,
        19,
        "decision_process: expected a mapping of keys, found a list",
        "decision_process: 应为键值映射，实际是 一个列表",
    ),
    (
        "decision step without a step",
        GOOD + "decision_process:\n  steps:\n    - {by: 王建军, date: 2026-12-10}\n",
        10,
        7,
        "decision_process.steps[0]: missing required field 'step'",
        "decision_process.steps[0]: 缺少必填字段 'step'",
    ),
    (
        "step done as text",
        GOOD + "decision_process:\n  steps:\n    - {step: 评审, done: 是}\n",
        10,
        24,
        "decision_process.steps[0].done: expected true or false, found '是'",
        "decision_process.steps[0].done: 应为 true 或 false，实际是 '是'",
    ),
    (
        "signer close to a stakeholder",
        PERSON + "decision_process:\n  signer: 孙国\n",
        12,
        11,
        "decision_process.signer: the signer '孙国' is not a stakeholder of this deal; "
        "did you mean '孙国平'?",
        "decision_process.signer: 签字人 '孙国' 不是本商机的干系人；是不是 '孙国平'？",
    ),
    (
        "signer nobody knows",
        PERSON + "decision_process:\n  signer: 王五\n",
        12,
        11,
        "decision_process.signer: the signer '王五' is not a stakeholder of this deal",
        "decision_process.signer: 签字人 '王五' 不是本商机的干系人",
    ),
    (
        "criterion without a criterion",
        GOOD + "decision_process:\n  criteria:\n    - {mandatory: true}\n",
        10,
        7,
        "decision_process.criteria[0]: missing required field 'criterion'",
        "decision_process.criteria[0]: 缺少必填字段 'criterion'",
    ),
    (
        "fit close to a label",
        GOOD + "decision_process:\n  criteria:\n    - {criterion: 案例, fit: 差}\n",
        10,
        28,
        "decision_process.criteria[0].fit: expected one of strong, partial, gap, unknown, "
        "found '差'; did you mean '差距'? (the Chinese labels are accepted too: "
        "强, 部分, 差距, 未知)",
        "decision_process.criteria[0].fit: 应为 strong, partial, gap, unknown 之一，实际是 '差'；"
        "是不是想写 '差距'？（也可以写中文：强, 部分, 差距, 未知）",
    ),
    (
        "procurement method",
        GOOD + "procurement:\n  method: tender\n",
        9,
        11,
        "procurement.method: expected one of direct, quotation, competitive_negotiation, "
        "invited_tender, public_tender, single_source, framework, found 'tender'",
        "procurement.method: 应为 direct, quotation, competitive_negotiation, invited_tender, "
        "public_tender, single_source, framework 之一，实际是 'tender'",
    ),
    (
        "procurement method as a mapping",
        GOOD + "procurement:\n  method: {type: tender}\n",
        9,
        11,
        "procurement.method: expected one of direct, quotation, competitive_negotiation, "
        "invited_tender, public_tender, single_source, framework, found a mapping",
        "procurement.method: 应为 direct, quotation, competitive_negotiation, invited_tender, "
        "public_tender, single_source, framework 之一，实际是 一个映射",
    ),
    (
        "bid due without a year",
        GOOD + "procurement:\n  bid_due: 12月2日\n",
        9,
        12,
        "procurement.bid_due: expected a date written YYYY-MM-DD, found '12月2日'",
        "procurement.bid_due: 应为 YYYY-MM-DD 格式的日期，实际是 '12月2日'",
    ),
    (
        "procurement steps as a mapping",
        GOOD + "procurement:\n  steps: {step: 法务审核}\n",
        9,
        10,
        "procurement.steps: expected a list, found a mapping",
        "procurement.steps: 应为列表，实际是 一个映射",
    ),
    (
        "committed by as a list",
        GOOD + "commitments:\n  committed_by: [鲍力, 陈默]\n",
        9,
        17,
        "commitments.committed_by: expected text, found a list",
        "commitments.committed_by: 应为文本，实际是 一个列表",
    ),
    (
        "ask status close to a label",
        GOOD + "commitments:\n  risks:\n    - {risk: 工期, ask_status: 批准}\n",
        10,
        30,
        "commitments.risks[0].ask_status: expected one of pending, granted, declined, "
        "found '批准'; did you mean '已批准'? (the Chinese labels are accepted too: 待定, 已批准, "
        "已拒绝)",
        "commitments.risks[0].ask_status: 应为 pending, granted, declined 之一，实际是 '批准'；"
        "是不是想写 '已批准'？（也可以写中文：待定, 已批准, 已拒绝）",
    ),
    (
        "answered on as a word",
        GOOD + "commitments:\n  risks:\n    - {risk: 工期, answered_on: 昨天}\n",
        10,
        31,
        "commitments.risks[0].answered_on: expected a date written YYYY-MM-DD, found '昨天'",
        "commitments.risks[0].answered_on: 应为 YYYY-MM-DD 格式的日期，实际是 '昨天'",
    ),
]


@pytest.mark.parametrize(
    ("label", "text", "line", "column", "english", "chinese"),
    NEW_FIELDS,
    ids=[case[0] for case in NEW_FIELDS],
)
def test_catalog_2_fields_give_a_located_e002_in_both_languages(
    label: str, text: str, line: int, column: int, english: str, chinese: str
) -> None:
    from ebcheck.audit.engine import problem_finding

    loaded = load_bytes(text.encode("utf-8"))
    assert loaded.deal is None
    (problem,) = loaded.problems
    assert (problem.code, problem.position.line, problem.position.column) == ("E002", line, column)
    assert problem_finding(problem, WORDS).message == english
    assert problem_finding(problem, ZH).message == chinese


def test_a_wrong_english_value_lists_the_english_choices_only() -> None:
    (problem,) = load(GOOD + "stakeholders:\n  - {name: 刘, stance: fan}\n").problems
    assert problem.key == "E002.expected_choice"
    assert "labels" not in problem.params
    assert problem.params["choices"] == "champion, supporter, neutral, skeptic, opponent"


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("  close_date_history:\n", None),
        ("  close_date_history: []\n", []),
        ("  close_date_history: 2026-06-30\n", [dt.date(2026, 6, 30)]),
    ],
)
def test_close_date_history_nothing_never_moved_or_one_date(line: str, value: object) -> None:
    loaded = load(GOOD + line)
    assert loaded.deal is not None
    assert loaded.deal.deal.close_date_history == value


@pytest.mark.parametrize("event", ["春节备货高峰", "'2027-01-20 前上线'", "2027"])
def test_a_compelling_event_in_plain_text_is_its_event(event: str) -> None:
    loaded = load(GOOD + f"insights:\n  compelling_event: {event}\n")
    assert loaded.deal is not None and loaded.deal.insights is not None
    assert loaded.deal.insights.compelling_event is not None
    assert loaded.deal.insights.compelling_event.event == event.strip("'")
    assert loaded.deal.insights.compelling_event.date is None


@pytest.mark.parametrize(
    "event", ["2027-01-20", "'2027-01-20'", "2027/1/20", "2027-1-20", "2027-01-20 10:00:00"]
)
def test_a_compelling_event_that_is_only_a_date_is_an_e002(event: str) -> None:
    (problem,) = load(GOOD + f"insights:\n  compelling_event: {event}\n").problems
    assert problem.key == "E002.compelling_event_date"
    assert (problem.position.line, problem.position.column) == (9, 21)


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("2026-2-3", "2026-02-03"),
        ("2026.12.1", "2026-12-01"),
        ("2026年2月30日", None),
        # A Chinese input method's full-width digits and dashes.
        ("２０２６-１２-３１", "2026-12-31"),
        ("2026－12－05", "2026-12-05"),
        ("２０２６年１月２０日", "2026-01-20"),
        ("２０２６-０２-３０", None),
    ],
)
def test_loose_dates_get_the_iso_form_if_they_are_real(written: str, meant: str | None) -> None:
    (problem,) = load(GOOD.replace("2026-12-31", written)).problems
    if meant is None:
        assert problem.key == "E002.no_such_date"
    else:
        assert (problem.key, problem.params["suggestion"]) == ("E002.date_hint", meant)


@pytest.mark.parametrize(
    ("field", "label", "value"),
    [
        ("stance", "支持", "supporter"),
        ("influence", " 高 ", "high"),
        ("roles", "[教练, 技术把关人]", "coach"),
        ("affiliation", "我方", "ours"),
        ("mode", "过度自信", "overconfident"),
    ],
)
def test_chinese_labels_load_as_their_value(field: str, label: str, value: str) -> None:
    loaded = load(GOOD + f"stakeholders:\n  - {{name: 刘, {field}: {label}}}\n")
    assert loaded.problems == []
    assert loaded.deal is not None
    read = getattr(loaded.deal.stakeholders[0], field)
    assert value in ([r.value for r in read] if isinstance(read, list) else [read.value])


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("ebcheck: 1\ndeal:\n\tid: x\n", 3),
        ("ebcheck: 1\ndeal:\n  id: x\n\tname: y\n", 4),
    ],
)
@pytest.mark.parametrize(
    ("lang", "words"), [("en", "indented with a tab"), ("zh", "制表符（Tab）缩进")]
)
def test_a_tab_used_for_indentation_gets_a_hint(
    text: str, line: int, lang: str, words: str
) -> None:
    from ebcheck.audit.engine import audit_text
    from ebcheck.audit.settings import Settings

    report = audit_text(text, Settings(lang=lang))
    (finding,) = report.findings
    assert (finding.rule, finding.line) == ("E001", line)
    assert words in finding.message


def test_a_tab_inside_a_value_is_no_indentation_mistake() -> None:
    from ebcheck.audit.engine import audit_text

    report = audit_text("ebcheck: 1\ndeal: [\n  id: x\t\n")
    assert all("tab" not in f.message for f in report.findings)


_PLAIN_SCALARS = st.one_of(
    st.integers(min_value=0, max_value=10**30).map(str),
    st.from_regex(r"0[0-7]{1,8}", fullmatch=True),  # YAML 1.1 octal
    st.dates(min_value=dt.date(1, 1, 1)).map(lambda d: f"{d.year:04}-{d.month:02}-{d.day:02}"),
    st.from_regex(r"[0-9]{4}-[0-1][0-9]-[0-3][0-9]", fullmatch=True),  # 2026-02-30 too
    st.from_regex(r"[0-9]{4}-[0-9]-[0-9]{1,2}", fullmatch=True),
)


@given(_PLAIN_SCALARS)
def test_plain_numbers_and_dates_read_as_pyyaml_reads_them(text: str) -> None:
    """The loader's fast paths for `1200000` and `2026-12-01` give PyYAML's values (and a
    date that is none keeps its text)."""
    (scalar,) = read_yaml(f"v: {text}\n".encode())[0].values()
    try:
        expected = yaml.load(f"v: {text}\n", Loader=yaml.CSafeLoader)["v"]
    except ValueError:
        expected = text
    assert scalar.value == expected
    assert type(scalar.value) is type(expected)


def test_every_bad_item_of_a_list_is_reported_at_its_own_line() -> None:
    text = GOOD + (
        "stakeholders:\n"
        "  - name: 张\n"
        "    roles:\n"
        "      - EB\n"
        "      - bossa\n"  # line 12
        "      - bossb\n"
        "insights:\n"
        "  competitors:\n"
        "    - 用友\n"
        "    - [SAP]\n"  # line 17
        "    - {o: 1}\n"
        "client_team:\n"
        "  shared_goals: [上线, '']\n"  # line 20
    )
    found = _where(load(text))
    assert found == [
        ("12 stakeholders[0].roles[1]", "E002.expected_choice"),
        ("13 stakeholders[0].roles[2]", "E002.expected_choice"),
        ("17 insights.competitors[1]", "E002.expected_text"),
        ("18 insights.competitors[2]", "E002.expected_text"),
        ("20 client_team.shared_goals[1]", "E002.empty_text"),
    ]


def test_one_value_for_a_list_is_reported_at_the_value_not_at_an_item() -> None:
    text = GOOD + "stakeholders:\n  - {name: 张, roles: bossa}\n"
    assert _where(load(text)) == [("9 stakeholders[0].roles", "E002.expected_choice")]


def _where(loaded: Loaded) -> list[tuple[str, str]]:
    """Each problem as "line path" and its message key."""
    return [(f"{p.position.line} {format_path(p.path)}", p.key) for p in loaded.problems]


def test_errors_across_fields_are_reported_with_every_other_error() -> None:
    # The version written as text, a partner holding a buying role and a signer who is
    # nobody: each is reported beside the plain errors of the same file, at its value.
    text = (
        "ebcheck: '1'\n"
        + GOOD.removeprefix("ebcheck: 1\n")
        + "  amount: -1\n"
        + "stakeholders:\n"
        + "  - {name: 孙国平, role: EB, affiliation: partner, met: 2026/01/01}\n"  # line 10
        + "decision_process: {signer: 王建军}\n"
    )
    assert _where(load(text)) == [
        ("1 ebcheck", "E002.version_text"),
        ("10 stakeholders[0].affiliation", "E002.buying_role_outside"),
        ("11 decision_process.signer", "E002.signer_unknown"),
        ("8 deal.amount", "E002.negative"),
        ("10 stakeholders[0].met", "E002.date_hint"),
    ]


def test_an_unknown_key_with_nothing_close_lists_the_keys_known_there() -> None:
    from ebcheck.audit.engine import problem_finding

    text = (
        GOOD
        + "eb_access:\n  attempts:\n"
        + "    - {date: 2026-11-01, channel: phone, outcome: met, note: hi}\n"
    )
    (problem,) = load(text).problems
    assert problem_finding(problem, WORDS).message == (
        "unknown key 'note' in 'eb_access.attempts[0]'; known keys: date, channel, outcome"
    )
    (close,) = load(GOOD + "stakeholdres: []\n").problems
    assert problem_finding(close, WORDS).message == (
        "unknown key 'stakeholdres' at the top level; did you mean 'stakeholders'?"
    )
