"""Issue 10, point 9: a bounded fuzz run, part of the suite.

Fixed seed (`derandomize=True`), few examples, seconds not minutes. Deals are
a real deal with lines mutated by hostile tokens; configs and baselines are
generated from their shapes with hostile values. The loader, the config and
baseline readers and every formatter must answer each with a result or one
of ebcheck's own errors, never another exception.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ebcheck.audit.baseline import load_baseline
from ebcheck.audit.engine import Engine, words_for
from ebcheck.audit.settings import Settings
from ebcheck.config import load_config
from ebcheck.deal.load import load_bytes
from ebcheck.errors import EbcheckError
from ebcheck.reports import Format, RenderOptions, render
from tests.security_support import deal_text

FUZZ = settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

HOSTILE = [
    "9" * 401,
    "0x" + "f" * 300,
    "1.7e+308",
    "-1.7e+308",
    ".inf",
    ".nan",
    "0100000",
    "1:30:00",
    "1_000",
    '"$1,200,000"',
    "¥1,200,000",
    "!!python/object/apply:os.system ['true']",
    "!!binary aGVsbG8=",
    "&a [*a, *a]",
    "*missing",
    "<<: {x: 1}",
    "[",
    "{",
    "'unclosed",
    '"\\x1b]0;title\\x07\\n::error::forged"',
    "@octocat https://evil.example www.evil.example",
    '"张伟 @octocat https://evil.example/x"',
    "[bold]x[/] <script>|`*_",
    "HD\u200b-2026\u00ad-031\U000e0041",
    "\u202eevil",
    "2026-02-30",
    "2026/1/20",
    "~",
    "true",
    "{a: {b: {c: {d: [1, [2, [3]]]}}}}",
    "x" * 2000,
]

NUMBER_TOKENS = ["9" * 401, "0x" + "f" * 5000, "1.7e+308", "9" * 5000, "0100000", "1:30:00"]

# The EB never met: EB002 quotes a name, its fix too.
BASE = deal_text().replace("    met: 2026-11-10\n", "").splitlines()
# Lines of number fields, where hostile numbers do the most harm, drawn as often as the rest.
NUMBERS = [
    i
    for i, line in enumerate(BASE)
    if line.strip().split(":")[0] in ("amount", "budget", "share_of_wallet", "team_estimate_days")
]


# What deal text can carry into a report: line breaks, runner commands, mentions,
# links, controls. A stakeholder is renamed to one of them everywhere (so findings
# quote it), and lines are dropped (so there are findings).
NAMES = ["张伟", "李工", "刘经理", "华东精密制造有限公司"]
TEXT_TOKENS = [
    '"张伟\\n::error file=z::y.yaml:1:1: EB002 [critical] fake"',
    '"张伟\\r\\n##[group]forged"',
    '"张伟 @octocat https://evil.example/x"',
    '"\\e]8;;https://evil.example\\a张伟\\u202e"',
]


@st.composite
def mutated_deal(draw: st.DrawFn) -> str:
    lines = list(BASE)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["number", "text", "drop", "any"]))
        if kind == "number":
            index, token = draw(st.sampled_from(NUMBERS)), draw(st.sampled_from(NUMBER_TOKENS))
        elif kind == "text":
            name, token = draw(st.sampled_from(NAMES)), draw(st.sampled_from(TEXT_TOKENS))
            lines = [line.replace(name, token) for line in lines]
            continue
        elif kind == "drop":
            del lines[draw(st.integers(0, len(lines) - 1))]
            continue
        else:
            index, token = draw(st.integers(0, len(lines) - 1)), draw(st.sampled_from(HOSTILE))
        line = lines[index]
        if ":" in line and draw(st.booleans()):
            key = line.split(":", 1)[0]
            lines[index] = f"{key}: {token}"
        else:
            lines.insert(index, " " * draw(st.sampled_from([0, 2, 4])) + token)
    return "\n".join(lines) + "\n"


ENGINE = Engine.create(Settings())
OPTIONS = RenderOptions(catalogue=words_for("en"), width=100, color=False, version="0")


@FUZZ
@given(st.lists(mutated_deal(), min_size=1, max_size=3))
def test_the_loader_and_every_formatter_take_any_deal(texts: list[str]) -> None:
    for text in texts:
        load_bytes(text.encode("utf-8"))
    report = ENGINE.audit_texts({f"d{n}.yaml": text for n, text in enumerate(texts)})
    for fmt in Format:
        rendered = render(report, fmt, OPTIONS)
        rendered.encode("utf-8")  # printable: no lone surrogates
        if fmt in (Format.JSON, Format.SARIF):
            json.loads(rendered)
        assert_no_runner_command(fmt, rendered)
        if fmt in TEXT_FORMATS:
            assert not CONTROL.search(rendered), (fmt, CONTROL.findall(rendered))
        if fmt is Format.MARKDOWN:
            assert_inert_markdown(rendered)


@st.composite
def renamed_deal(draw: st.DrawFn) -> str:
    """A deal that still loads, its people and account named by hostile text."""
    lines = list(BASE)
    for name in draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True)):
        token = draw(st.sampled_from(TEXT_TOKENS))
        lines = [line.replace(name, token) for line in lines]
    for _ in range(draw(st.integers(0, 3))):  # more findings, quoting more text
        del lines[draw(st.integers(3, len(lines) - 1))]
    return "\n".join(lines) + "\n"


@FUZZ
@given(st.lists(renamed_deal(), min_size=1, max_size=3))
def test_deal_text_cannot_drive_a_runner_or_notify_from_any_format(texts: list[str]) -> None:
    report = ENGINE.audit_texts({f"d{n}.yaml": text for n, text in enumerate(texts)})
    for fmt in Format:
        rendered = render(report, fmt, OPTIONS)
        assert_no_runner_command(fmt, rendered)
        if fmt in TEXT_FORMATS:
            assert not CONTROL.search(rendered), (fmt, CONTROL.findall(rendered))
        if fmt is Format.MARKDOWN:
            assert_inert_markdown(rendered)


# The github format's own commands; nothing else may open a line with `::`.
OWN_COMMAND = re.compile(r"::(error|warning|notice) file=[^,:]*,line=\d+|::(group|endgroup)::")
TEXT_FORMATS = (Format.TERMINAL, Format.CONCISE, Format.MARKDOWN, Format.GITHUB)
# Control characters but newline; the bidirectional overrides and isolates.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_no_runner_command(fmt: Format, rendered: str) -> None:
    for line in re.split(r"\r\n|\r|\n", rendered):
        opening = line.lstrip()
        if fmt is Format.GITHUB and OWN_COMMAND.match(opening):
            continue
        assert not opening.startswith(("::", "##[")), (fmt, line)


def assert_inert_markdown(rendered: str) -> None:
    outside = re.sub(r"(?<!\\)`[^`]*(?<!\\)`", "", rendered)
    outside = re.sub(r"\]\(https://[^)]*\)", "](link)", outside)  # ebcheck's own links
    assert not re.search(r"@\w", outside), "a mention would notify"
    assert not re.search(r"(?i)\bhttps?://", outside), "a bare URL would link"


CONFIG_VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["1.5", "-1", "0.5", "-0.25"]),
    st.sampled_from(["off", "on", "true", "false", "maybe", "[EB, BI]", "{max_days: true}"]),
)
CONFIG_KEYS = st.sampled_from(
    [
        "fail_on",
        "include",
        "exclude",
        "select",
        "ignore",
        "lang",
        "baseline",
        "stages",
        "weights",
        "small_deal_below",
        "default_currency",
        "history",
        "rules",
        "rules: {EB006",
        "rules: {eb-meeting-stale",
        "rules: {BI004: {off",
        "weights: {critical",
        "unknown_key",
    ]
)


@st.composite
def config_text(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        key = draw(CONFIG_KEYS)
        value = draw(CONFIG_VALUES)
        closing = "}" * key.count("{")
        if "{" in key and ": {" not in key.rsplit("{", 1)[-1] and key.count("{") == 1:
            lines.append(f"{key}: {{max_days: {value}}}{closing}")
        else:
            lines.append(f"{key}: {value}{closing}")
    return "\n".join(lines) + "\n"


@FUZZ
@given(config_text())
@example("rules: {EB006: {max_days: true}}\n")  # the ones a review found in English
@example("rules: {EB006: {max_days: 1.5}}\n")
@example("rules: {EB006: {max_days: -1}}\n")
def test_the_config_reader_takes_any_config(tmp_path_factory: object, text: str) -> None:
    folder = Path(tmp_path_factory.mktemp("config"))  # type: ignore[attr-defined]
    path = folder / ".ebcheck.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_config(path).settings(folder)
    except EbcheckError as error:  # its own errors are answers too, in the user's words
        for lang in ("en", "zh"):
            message = error.describe(words_for(lang))
            assert not PYDANTIC_WORDS.search(message), (lang, message)


# What pydantic says in English; a config error is told from the catalogue instead.
PYDANTIC_WORDS = re.compile(r"Value error|Input should|valid (integer|number|string)|pydantic")


JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
    ),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["rule", "deal", "path", "subject", "count"]), children)
    ),
    max_leaves=20,
)


@st.composite
def baseline_text(draw: st.DrawFn) -> str:
    entries = draw(
        st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "rule": st.one_of(st.just("EB002"), JSON_VALUES),
                    "deal": st.one_of(st.just("HD-2026-031"), JSON_VALUES),
                    "path": st.one_of(st.just("stakeholders[张伟]"), JSON_VALUES),
                    "subject": JSON_VALUES,
                    "count": st.one_of(st.integers(-5, 10**30), JSON_VALUES),
                },
            ),
            max_size=4,
        )
    )
    document = {"ebcheck_baseline": draw(st.sampled_from([1, 1, 2, "1"])), "entries": entries}
    text = json.dumps(document)
    if draw(st.booleans()):  # hostile raw text around a valid shape
        text = draw(st.sampled_from(["[" * 50_000, "9" * 5000, text[: len(text) // 2], text]))
    return text


@FUZZ
@given(baseline_text())
def test_the_baseline_reader_takes_any_baseline(tmp_path_factory: object, text: str) -> None:
    folder = Path(tmp_path_factory.mktemp("baseline"))  # type: ignore[attr-defined]
    path = folder / "baseline.json"
    path.write_text(text, encoding="utf-8")
    with contextlib.suppress(EbcheckError):
        load_baseline(path)
