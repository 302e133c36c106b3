"""The JSON Schema accepts exactly what the loader accepts.

Each case is a YAML file: the loader (`load_bytes`) and the schema (on the
data an editor sees: the file's values, dates as `YYYY-MM-DD` text) must
agree on whether it is a valid deal.

What JSON Schema cannot say, the loader alone checks (`SCHEMA_CANNOT_SAY`):
a repeated stakeholder name, a signer who is no stakeholder (both compare
values across the file), and a duplicate key (gone once the YAML is parsed).
A few spellings are read differently by nature and never generated here: a
date quoted with spaces around it (`' 2026-12-31 '`), percentages in
Python's exotic number spellings (`1e1%`, `1_0%`, `-0%`), an unquoted YAML
boolean spelt with three letters as a currency (`currency: YES`), integers
beyond the largest float, and `.nan` (not JSON).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from enum import Enum
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ebcheck.deal import enums
from ebcheck.deal.enums import ALIASES, LABELS
from ebcheck.deal.load import load_bytes
from ebcheck.deal.models import DealFile
from ebcheck.deal.problems import ReadFailure
from ebcheck.deal.schema import deal_schema, schema_text
from ebcheck.deal.source import Scalar, read_yaml
from tests.deals import READY

VALIDATOR = jsonschema.Draft202012Validator(
    deal_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)

# Problems only the loader can find: they compare values across the file.
SCHEMA_CANNOT_SAY = {
    "E002.signer_unknown",
    "E002.signer_unknown_hint",
    "E002.repeated_stakeholder",
    "E002.duplicate_key",
}


def editor_view(value: Any) -> Any:
    """The data an editor validates: YAML values, a date as its text."""
    if isinstance(value, Scalar):
        if isinstance(value.value, dt.datetime):
            return value.raw
        if isinstance(value.value, dt.date):
            return value.value.isoformat()
        return value.value
    if isinstance(value, dict):
        return {key: editor_view(item) for key, item in value.items()}
    if isinstance(value, list):
        return [editor_view(item) for item in value]
    return value


def verdicts(text: str) -> tuple[bool, bool, list[str]]:
    """(the loader accepts, the schema accepts, the loader's problem keys)."""
    data = text.encode("utf-8")
    loaded = load_bytes(data)
    tree, _, _ = read_yaml(data)
    schema_ok = VALIDATOR.is_valid(editor_view(tree))
    return loaded.deal is not None, schema_ok, [p.key for p in loaded.problems]


def assert_agree(text: str) -> bool:
    loader_ok, schema_ok, problems = verdicts(text)
    if loader_ok != schema_ok and not loader_ok:
        # The schema may only let through what it cannot express.
        assert set(problems) <= SCHEMA_CANNOT_SAY, (problems, text)
        return False
    assert loader_ok == schema_ok, (loader_ok, schema_ok, problems, text)
    return loader_ok


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)


# Every section of the format, catalog-2 additions included: a valid deal.
FULL: dict[str, Any] = {
    "ebcheck": 1,
    "as_of": dt.date(2026, 11, 20),
    "deal": {
        "id": "HD-2026-031",
        "name": "华东精密 MES 升级",
        "account": "华东精密制造有限公司",
        "owner": "陈默",
        "amount": 1200000,
        "currency": "CNY",
        "stage": "proposal",
        "close_date": dt.date(2026, 12, 31),
        "next_step": {"action": "演示", "due": dt.date(2026, 11, 28), "owner": "陈默"},
        "type": "renewal",
        "annual_value": 950000,
        "forecast": "commit",
        "stage_entered": dt.date(2026, 10, 2),
        "close_date_history": [dt.date(2026, 6, 30), dt.date(2026, 8, 31)],
        "lost_reason": None,
        "lost_to": None,
    },
    "stakeholders": [
        {
            "name": "孙国平",
            "title": "董事长",
            "roles": ["EB"],
            "influence": "high",
            "stance": "supporter",
            "met": dt.date(2026, 11, 1),
            "last_contact": dt.date(2026, 11, 2),
            "authority": "confirmed",
            "affiliation": "customer",
            "joined": dt.date(2026, 1, 3),
            "left": None,
            "mode": "even_keel",
            "win": "年底前通过集团数字化考核",
            "plan": "先解决技术顾虑",
        },
        {"name": "刘经理", "role": "coach", "validated": True, "affiliation": "partner"},
    ],
    "eb_access": {
        "analysis": "关注交付周期",
        "influencers": ["王秘书"],
        "referral": {"via": "刘总", "relation": "老同学", "status": "asked"},
        "attempts": [{"date": dt.date(2026, 11, 1), "channel": "phone", "outcome": "declined"}],
        "next_step": {"action": "发邮件", "due": dt.date(2026, 11, 25)},
    },
    "insights": {
        "pain": "旺季发货延误率 12%",
        "compelling_event": {"event": "春节备货高峰", "date": dt.date(2027, 1, 20)},
        "project_confirmed": True,
        "budget_confirmed": False,
        "budget": 1500000,
        "decision_date": dt.date(2026, 12, 15),
        "preference": "undecided",
        "competitors": ["用友", "SAP"],
        "source": "孙国平",
    },
    "relationship": {
        "stage": "initial",
        "share_of_wallet": 0.35,
        "annual_spend": 3000000,
        "history": [{"date": dt.date(2025, 3, 1), "stage": "development"}],
        "repair_plan": None,
    },
    "client_team": {
        "sponsor": "孙国平",
        "shared_goals": ["库存周转"],
        "implementation_owner": "李工",
    },
    "commitments": {
        "team_estimate_days": 90,
        "committed_days": 45,
        "committed_by": "鲍力",
        "risks": [
            {
                "risk": "工期压缩一半",
                "severity": "high",
                "raised_with": "鲍力",
                "raised_on": dt.date(2026, 10, 1),
                "ask": "增加两名实施顾问",
                "ask_status": "pending",
                "answered_on": dt.date(2026, 11, 12),
                "owner": "陈默",
                "mitigation": "分两期上线",
            }
        ],
    },
    "decision_process": {
        "steps": [{"step": "评审", "by": "孙国平", "date": dt.date(2026, 12, 10), "done": False}],
        "signer": "孙国平",
        "criteria": [{"criterion": "案例不少于 3 个", "mandatory": True, "fit": "gap"}],
    },
    "procurement": {
        "method": "public_tender",
        "announced": dt.date(2026, 11, 5),
        "bid_due": dt.date(2026, 12, 2),
        "steps": [
            {"step": "法务审核", "owner": "陈默", "date": dt.date(2026, 12, 5), "done": False}
        ],
    },
    "suppress": [
        {"rule": "BI004", "reason": "1月再补", "until": dt.date(2027, 1, 15), "target": "孙国平"}
    ],
    "notes": "free text",
}


def with_value(path: tuple[str | int, ...], value: Any) -> str:
    data = copy.deepcopy(FULL)
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return dump(data)


def without(path: tuple[str | int, ...]) -> str:
    data = copy.deepcopy(FULL)
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return dump(data)


def leaf_paths(node: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(node, dict):
        return [p for key, item in node.items() for p in leaf_paths(item, (*path, key))]
    if isinstance(node, list) and node and isinstance(node[0], dict):
        return [p for i, item in enumerate(node) for p in leaf_paths(item, (*path, i))]
    return [path]


LEAVES = leaf_paths(FULL)
SIGNER = ("decision_process", "signer")


def test_the_full_deal_is_valid_for_both() -> None:
    assert verdicts(dump(FULL)) == (True, True, [])
    assert verdicts(READY) == (True, True, [])


def test_the_schema_is_valid_json_schema_and_printed_as_json() -> None:
    jsonschema.Draft202012Validator.check_schema(deal_schema())
    assert json.loads(schema_text()) == deal_schema()


def test_every_model_field_has_a_schema() -> None:
    # The schema is built from the models: each key of the format is a property.
    defs = deal_schema()["$defs"]
    assert set(deal_schema()["properties"]) == set(DealFile.model_fields) - {"extensions"}
    assert set(defs["DealInfo"]["properties"]) >= {"type", "forecast", "close_date_history"}
    assert set(defs["Stakeholder"]["properties"]) >= {"affiliation", "joined", "left", "mode"}
    assert {"DecisionProcess", "Procurement", "Criterion", "CompellingEvent"} <= set(defs)


# --- enumerations: every spelling of every value, and wrong ones ------------

ENUM_FIELDS: list[tuple[tuple[str | int, ...], type[Enum]]] = [
    (("deal", "stage"), enums.Stage),
    (("deal", "type"), enums.DealType),
    (("deal", "forecast"), enums.Forecast),
    (("stakeholders", 0, "roles"), enums.Role),
    (("stakeholders", 0, "influence"), enums.Influence),
    (("stakeholders", 0, "stance"), enums.Stance),
    (("stakeholders", 0, "authority"), enums.Authority),
    (("stakeholders", 1, "affiliation"), enums.Affiliation),
    (("stakeholders", 0, "mode"), enums.Mode),
    (("eb_access", "referral", "status"), enums.ReferralStatus),
    (("eb_access", "attempts", 0, "channel"), enums.Channel),
    (("eb_access", "attempts", 0, "outcome"), enums.Outcome),
    (("insights", "preference"), enums.Preference),
    (("relationship", "stage"), enums.RelationshipStage),
    (("relationship", "history", 0, "stage"), enums.RelationshipStage),
    (("commitments", "risks", 0, "severity"), enums.RiskSeverity),
    (("commitments", "risks", 0, "ask_status"), enums.AskStatus),
    (("decision_process", "criteria", 0, "fit"), enums.Fit),
    (("procurement", "method"), enums.ProcurementMethod),
]


def test_every_enum_of_the_labels_table_is_tested() -> None:
    assert {enum for _, enum in ENUM_FIELDS} == set(LABELS)


def spellings(enum: type[Enum]) -> list[str]:
    words = [m.value for m in enum] + list(ALIASES.get(enum, {}))
    return words + [label for labels in LABELS[enum].values() for label in labels]


ALL_LABELS = sorted({label for table in LABELS.values() for ls in table.values() for label in ls})


@pytest.mark.parametrize(("path", "enum"), ENUM_FIELDS, ids=[str(p) for p, _ in ENUM_FIELDS])
def test_every_value_alias_and_chinese_label_agrees(
    path: tuple[str | int, ...], enum: type[Enum]
) -> None:
    accepted = 0
    foreign = ALL_LABELS[::6]  # labels of other enums: wrong here (unless shared)
    for word in [*spellings(enum), *foreign, "Best-Case", " 方案 ", "EVEN KEEL", "n/a", ""]:
        accepted += assert_agree(with_value(path, word))
    assert accepted >= len(spellings(enum))


def _recase(word: str, flips: list[bool], sep: str) -> str:
    cased = "".join(
        char.swapcase() if flip else char
        for char, flip in zip(word, flips + [False] * len(word), strict=False)
    )
    return cased.replace("_", sep)


ASCII_SPELLINGS = sorted({w for enum in LABELS for w in spellings(enum) if w.isascii()})


def _field_and_word() -> st.SearchStrategy[tuple[tuple[str | int, ...], str]]:
    """A field and, mostly, an ASCII spelling of one of its own values."""
    return st.sampled_from(ENUM_FIELDS).flatmap(
        lambda field: st.tuples(
            st.just(field[0]),
            st.one_of(
                st.sampled_from([w for w in spellings(field[1]) if w.isascii()]),
                st.sampled_from(ASCII_SPELLINGS),
            ),
        )
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    field_word=_field_and_word(),
    flips=st.lists(st.booleans(), max_size=25),
    sep=st.sampled_from(["_", "-", " ", "__", ".", ""]),
    pad=st.sampled_from(["", " ", "  "]),
)
def test_any_case_and_separator_agrees(
    field_word: tuple[tuple[str | int, ...], str],
    flips: list[bool],
    sep: str,
    pad: str,
) -> None:
    path, word = field_word
    assert_agree(with_value(path, pad + _recase(word, flips, sep) + pad))


def test_roles_take_one_value_a_list_or_nothing() -> None:
    path = ("stakeholders", 0, "roles")
    for value in ["EB", ["EB", "coach"], ["经济决策者", "Technical_Buyer"], [], None]:
        assert assert_agree(with_value(path, value)), value
    assert assert_agree(with_value(("stakeholders", 0, "role"), "tb"))
    for value in [["EB", None], {"EB": 1}, ["boss"], [["EB"]]]:
        assert not assert_agree(with_value(path, value)), value


# --- rules across fields ---------------------------------------------------


@pytest.mark.parametrize(
    ("affiliation", "roles", "valid"),
    [
        ("partner", ["coach"], True),
        ("合作伙伴", ["教练"], True),
        ("ours", "内线", True),
        ("partner", ["EB"], False),
        ("渠道", ["coach", "TB"], False),
        ("Ours", "ub", False),
        ("我方", ["economic_buyer"], False),
        ("客户", ["EB"], True),
        ("customer", ["UB", "coach"], True),
    ],
)
def test_only_the_customers_people_hold_buying_roles(
    affiliation: str, roles: Any, valid: bool
) -> None:
    data = copy.deepcopy(FULL)
    data["stakeholders"][1].update(affiliation=affiliation, role=None, roles=roles)
    assert assert_agree(dump(data)) is valid


@pytest.mark.parametrize(
    ("stage", "valid"),
    [
        ("closed_won", True),
        ("Closed-Lost", True),
        ("赢单", True),
        ("丢单", True),
        ("proposal", False),
    ],
)
def test_an_open_deal_needs_a_close_date(stage: str, valid: bool) -> None:
    data = copy.deepcopy(FULL)
    data["deal"]["stage"] = stage
    del data["deal"]["close_date"]
    assert assert_agree(dump(data)) is valid
    data["deal"]["close_date"] = None
    assert assert_agree(dump(data)) is valid


def test_an_open_deal_with_a_chinese_stage_needs_a_close_date() -> None:
    data = copy.deepcopy(FULL)
    data["deal"]["stage"] = "方案"
    del data["deal"]["close_date"]
    assert not assert_agree(dump(data))


def test_what_the_schema_cannot_say_is_the_loaders() -> None:
    unknown_signer = with_value(SIGNER, "孙国")
    assert verdicts(unknown_signer)[:2] == (False, True)
    repeated = copy.deepcopy(FULL)
    repeated["stakeholders"][1]["name"] = "孙国平"
    assert verdicts(dump(repeated))[:2] == (False, True)
    duplicate = dump(FULL) + "notes: again\n"
    assert verdicts(duplicate)[:2] == (False, True)


# --- scalar fields: a table, then anything ---------------------------------

TABLE: list[tuple[str, tuple[str | int, ...], Any, bool]] = [
    ("id as number", ("deal", "id"), 42, True),
    ("id as bool", ("deal", "id"), True, True),
    ("id empty", ("deal", "id"), "", False),
    ("id spaces", ("deal", "id"), "  ", False),
    ("id null", ("deal", "id"), None, False),
    ("id list", ("deal", "id"), ["a"], False),
    ("owner empty", ("deal", "owner"), "", True),
    ("amount zero", ("deal", "amount"), 0, True),
    ("amount negative", ("deal", "amount"), -1, False),
    ("amount as text", ("deal", "amount"), "1200000", False),
    ("amount 万", ("deal", "amount"), "120万", False),
    ("amount inf", ("deal", "amount"), float("inf"), False),
    ("amount bool", ("deal", "amount"), True, False),
    ("annual value float", ("deal", "annual_value"), 950000.5, True),
    ("annual value negative", ("deal", "annual_value"), -950000, False),
    ("days zero", ("commitments", "committed_days"), 0, False),
    ("days positive", ("commitments", "team_estimate_days"), 0.5, True),
    ("spend zero", ("relationship", "annual_spend"), 0, False),
    ("share percent", ("relationship", "share_of_wallet"), "35%", True),
    ("share percent spaced", ("relationship", "share_of_wallet"), " 35.5 % ", True),
    ("share 100%", ("relationship", "share_of_wallet"), "100%", True),
    ("share 101%", ("relationship", "share_of_wallet"), "101%", False),
    ("share 35", ("relationship", "share_of_wallet"), 35, False),
    ("share 1", ("relationship", "share_of_wallet"), 1, True),
    ("share text", ("relationship", "share_of_wallet"), "0.35", False),
    ("share %", ("relationship", "share_of_wallet"), "%", False),
    ("currency lower", ("deal", "currency"), "usd", True),
    ("currency long", ("deal", "currency"), "RMB1", False),
    ("date text", ("deal", "stage_entered"), "2026-10-02", True),
    ("date slashed", ("deal", "stage_entered"), "2026/10/02", False),
    ("date impossible", ("deal", "stage_entered"), "2026-02-30", False),
    ("date time", ("deal", "stage_entered"), dt.datetime(2026, 10, 2, 9, 0), False),
    ("date number", ("deal", "stage_entered"), 20261002, False),
    ("required date null", ("eb_access", "attempts", 0, "date"), None, False),
    ("history one date", ("deal", "close_date_history"), dt.date(2026, 6, 30), True),
    ("history empty", ("deal", "close_date_history"), [], True),
    ("history nothing", ("deal", "close_date_history"), None, True),
    ("history bad entry", ("deal", "close_date_history"), [dt.date(2026, 6, 30), "6月"], False),
    ("history null entry", ("deal", "close_date_history"), [None], False),
    ("history mapping", ("deal", "close_date_history"), {"a": 1}, False),
    ("event text", ("insights", "compelling_event"), "春节备货高峰", True),
    ("event number", ("insights", "compelling_event"), 2027, True),
    ("event date", ("insights", "compelling_event"), dt.date(2027, 1, 20), False),
    ("event date text", ("insights", "compelling_event"), "2027-01-20", False),
    ("event loose date", ("insights", "compelling_event"), "2027年1月20日", False),
    ("event short date", ("insights", "compelling_event"), "2027-1-20", False),
    ("event timestamp", ("insights", "compelling_event"), dt.datetime(2027, 1, 20, 9), False),
    ("event empty", ("insights", "compelling_event"), "", False),
    ("event list", ("insights", "compelling_event"), ["a"], False),
    ("event no event", ("insights", "compelling_event"), {"date": dt.date(2027, 1, 20)}, False),
    ("event unknown key", ("insights", "compelling_event"), {"event": "x", "when": 1}, False),
    ("event x- key", ("insights", "compelling_event"), {"event": "x", "x-crm": [1]}, True),
    ("competitors one", ("insights", "competitors"), "用友", True),
    ("competitors nothing", ("insights", "competitors"), None, True),
    ("competitors null entry", ("insights", "competitors"), ["用友", None], False),
    ("influencers one", ("eb_access", "influencers"), "王秘书", True),
    ("bool yes", ("insights", "project_confirmed"), True, True),
    ("bool text", ("insights", "project_confirmed"), "是", False),
    ("validated nothing", ("stakeholders", 1, "validated"), None, True),
    ("validated text", ("stakeholders", 1, "validated"), "true", False),
    ("done number", ("decision_process", "steps", 0, "done"), 1, False),
    ("mandatory", ("decision_process", "criteria", 0, "mandatory"), False, True),
    ("step missing", ("procurement", "steps", 0, "step"), None, False),
    ("type nothing", ("deal", "type"), None, True),  # no value is no key: the default
    ("forecast nothing", ("deal", "forecast"), None, True),
    ("authority nothing", ("stakeholders", 0, "authority"), None, True),
    ("fit nothing", ("decision_process", "criteria", 0, "fit"), None, True),
    ("steps nothing", ("decision_process", "steps"), None, True),
    ("steps mapping", ("decision_process", "steps"), {"step": "x"}, False),
    ("steps null entry", ("procurement", "steps"), [None], False),
    ("section nothing", ("procurement",), None, True),
    ("section list", ("decision_process",), [], False),
    ("section text", ("commitments",), "none", False),
    ("version float", ("ebcheck",), 1.0, True),
    ("version text", ("ebcheck",), "1", False),
    ("version true", ("ebcheck",), True, False),
    ("signer nothing", SIGNER, None, True),
    ("signer with a note", SIGNER, "孙国平（董事长）", True),
    ("signer other case", ("decision_process", "signer"), " 孙国平 ", True),
]


@pytest.mark.parametrize(
    ("label", "path", "value", "valid"), TABLE, ids=[case[0] for case in TABLE]
)
def test_table_of_values(label: str, path: tuple[str | int, ...], value: Any, valid: bool) -> None:
    assert assert_agree(with_value(path, value)) is valid


@pytest.mark.parametrize("path", [("deal", "id"), ("stakeholders", 0, "name"), ("ebcheck",)])
def test_required_keys(path: tuple[str | int, ...]) -> None:
    assert not assert_agree(without(path))


def test_extension_keys_anywhere_and_unknown_keys_nowhere() -> None:
    for path in [("x-top",), ("deal", "x-crm"), ("stakeholders", 0, "x-wechat")]:
        assert assert_agree(with_value(path, {"any": ["thing"]}))
    for path in [("deal", "stagee"), ("procurement", "methods"), ("extensions",)]:
        assert not assert_agree(with_value(path, 1))


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**12),
    st.floats(allow_nan=False),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.dates().map(dt.date.isoformat),
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.tuples(st.integers(1990, 2100), st.integers(0, 13), st.integers(0, 32)).flatmap(
        lambda ymd: st.sampled_from(
            ["{:04d}-{:02d}-{:02d}", "{}/{}/{}", "{}年{}月{}日", "{}-{}-{}"]
        ).map(lambda form: form.format(*ymd))
    ),
    st.floats(min_value=-10, max_value=200).map(lambda n: f"{n:.2f}%"),
    st.integers(-5, 150).map(lambda n: f"{n}%"),
    st.sampled_from([*ALL_LABELS, "EB", "coach", "CNY", "usd", "RMB", "", " "]),
    st.text(alphabet="abcXYZ019 -_.:/方案高教练年月", max_size=12),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(st.sampled_from(["event", "date", "step", "x-a", "zz"]), SCALARS, max_size=2),
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(LEAVES), value=VALUES)
def test_any_value_in_any_field_agrees(path: tuple[str | int, ...], value: Any) -> None:
    assert_agree(with_value(path, value))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    section=st.sampled_from([k for k in FULL if k != "ebcheck"]),
    value=st.one_of(VALUES, st.sampled_from([[{}], [{"name": "x"}], {"stage": "方案"}])),
)
def test_any_value_for_a_whole_section_agrees(section: str, value: Any) -> None:
    assert_agree(with_value((section,), value))


def test_files_the_reader_refuses_are_not_in_question() -> None:
    with pytest.raises(ReadFailure):
        read_yaml(b"- a\n- : b: c\n")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_schema_accepts_the_template(lang: str) -> None:
    from ebcheck.deal.template import template_text

    assert verdicts(template_text("deal.yaml", dt.date(2026, 11, 20), lang)) == (True, True, [])
