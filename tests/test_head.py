"""The head reader: id, stage and close date without building the deal.

It must agree with the full loader whenever it answers, and leave every
unusual file to the loader (None) rather than guess.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ebcheck.deal.enums import Stage
from ebcheck.deal.head import Head, read_head
from ebcheck.deal.load import load_bytes

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))

PLAIN = b"""ebcheck: 1
deal:
  id: A-1
  name: Deal
  account: Acme
  next_step: {action: call, due: 2026-02-01}
  stage: proposal
  close_date: 2026-03-31
stakeholders: []
"""


def full_head(data: bytes, stages: dict[str, Stage] | None = None) -> Head | None:
    loaded = load_bytes(data, stages)
    if loaded.deal is None:
        return None
    info = loaded.deal.deal
    return Head(info.id, info.stage, info.close_date)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_head_is_what_the_loader_reads(path: Path) -> None:
    data = path.read_bytes()
    assert read_head(data) == full_head(data)


def test_a_plain_head_is_read_past_nested_values() -> None:
    assert read_head(PLAIN) == Head("A-1", Stage.PROPOSAL, dt.date(2026, 3, 31))


def test_chinese_stage_labels_and_team_stage_names_are_read_as_the_loader_does() -> None:
    chinese = PLAIN.replace(b"stage: proposal", "stage: 方案".encode())
    assert read_head(chinese) == full_head(chinese)
    assert read_head(chinese) is not None
    team = PLAIN.replace(b"stage: proposal", "stage: 报价".encode())
    names = {"报价": Stage.NEGOTIATION}
    assert read_head(team, names) == Head("A-1", Stage.NEGOTIATION, dt.date(2026, 3, 31))
    assert read_head(team, names) == full_head(team, names)


def test_an_id_written_as_a_number_keeps_its_text() -> None:
    data = PLAIN.replace(b"id: A-1", b"id: 0042")
    assert read_head(data) == full_head(data)
    assert read_head(data) == Head("0042", Stage.PROPOSAL, dt.date(2026, 3, 31))


def test_the_version_line_may_come_after_the_deal() -> None:
    data = PLAIN.replace(b"ebcheck: 1\n", b"") + b"ebcheck: 1\n"
    assert read_head(data) == Head("A-1", Stage.PROPOSAL, dt.date(2026, 3, 31))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"ebcheck: 1\n", b""),  # no version line: not a deal file
        (b"ebcheck: 1", b'ebcheck: "1"'),  # the version as text is an error
        (b"ebcheck: 1", b"ebcheck: 2"),
        (b"  stage: proposal", b"  stage: !!str proposal"),  # tags are the loader's
        (b"  stage: proposal", b"  stage: proposal\n  stage: discovery"),  # repeated key
        (b"  name: Deal", b"  <<: {name: Deal}"),  # merge key
        (b"  account: Acme", b"  account: *nowhere"),  # alias (and a broken one)
        (b"  stage: proposal", b"  stage: nonsense"),  # refused by the stage parser
        (b"  close_date: 2026-03-31", b"  close_date: 2026/3/31"),  # a hint, not a date
        (b"  close_date: 2026-03-31", b"  close_date: 2026-02-30"),
        (b"  id: A-1", b"  id: ''"),
        (b"  id: A-1", b"  id: [A-1]"),
        (b"deal:", b"deal: !!map"),
        (b"  id: A-1\n", b""),  # no id
        (b"  stage: proposal\n", b""),  # no stage
    ],
)
def test_unusual_heads_are_left_to_the_loader(old: bytes, new: bytes) -> None:
    data = PLAIN.replace(old, new)
    assert data != PLAIN
    assert read_head(data) is None


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"[1, 2]",
        b"ebcheck: 1\ndeal: [broken\n",
        b"\xff\xfe",
        b"- a\n- b\n",
        b"a: b\n---\nc: d\n",
    ],
)
def test_what_is_not_a_plain_deal_gives_none(data: bytes) -> None:
    assert read_head(data) is None


def test_a_file_over_the_size_limit_is_left_to_the_loader() -> None:
    assert read_head(PLAIN + b"#" * (1024 * 1024)) is None


def test_a_broken_section_after_the_deal_does_not_hide_its_head() -> None:
    # `audit --history` needs only the head: a version whose people are wrong
    # still recorded its close date.
    data = PLAIN.replace(b"stakeholders: []", b"stakeholders: {broken: [")
    assert read_head(data) == Head("A-1", Stage.PROPOSAL, dt.date(2026, 3, 31))


_texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    deal_id=_texts,
    stage=st.sampled_from(["proposal", "方案", "Closed Won", "negotiation", "x", "'1'", "[a]"]),
    close=st.sampled_from(["2026-03-31", "", "'2026-03-31'", "2026-2-3", "null", "31 March"]),
)
def test_whenever_the_head_reader_answers_it_agrees_with_the_loader(
    deal_id: str, stage: str, close: str
) -> None:
    text = (
        "ebcheck: 1\ndeal:\n"
        f"  id: {deal_id}\n  name: Deal\n  account: Acme\n"
        f"  stage: {stage}\n  close_date: {close}\n"
    )
    data = text.encode("utf-8")
    head, full = read_head(data), full_head(data)
    if head is not None and full is not None:
        assert head == full
    if head is not None and full is None:
        # The loader may refuse the file for what lies outside the head (an open
        # deal without a close date), never for the id or the stage it read.
        problems = load_bytes(data).problems
        assert problems
        assert all(tuple(p.path[:2]) not in {("deal", "id"), ("deal", "stage")} for p in problems)
