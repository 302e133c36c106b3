"""Chinese text breaks between characters, never before closing punctuation."""

from __future__ import annotations

import itertools

import rich.text
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from ebcheck.reports.cjkwrap import cjk_line_breaks, divide_line

SENTENCE = (
    "交付团队估算需要 90 天，承诺的却是 45 天，压缩了 50%；"
    "没有任何一条风险表明已经把这件事告诉了做决定的人。"
)


def lines(text: str, width: int) -> list[str]:
    cuts = [0, *divide_line(text, width), len(text)]
    return [text[a:b].rstrip() for a, b in itertools.pairwise(cuts)]


def test_chinese_fills_each_line_and_keeps_punctuation_with_its_word() -> None:
    wrapped = lines(SENTENCE, 30)
    assert "".join(wrapped).replace(" ", "") == SENTENCE.replace(" ", "")
    assert all(cell_len(line) <= 30 for line in wrapped)
    assert all(cell_len(line) >= 26 for line in wrapped[:-1])  # no ragged gaps
    assert not any(line[:1] in "，。；：、" for line in wrapped)


def test_english_still_breaks_at_spaces() -> None:
    assert lines("never met the economic buyer", 12) == ["never met", "the economic", "buyer"]


@given(st.text(alphabet="ab 中文，。x", min_size=1, max_size=80), st.integers(2, 30))
def test_no_line_is_wider_than_the_width(text: str, width: int) -> None:
    for line in lines(text, width):
        assert cell_len(line) <= width or len(line) == 1


def test_rich_gets_its_own_line_breaking_back() -> None:
    original = rich.text.divide_line
    with cjk_line_breaks():
        assert rich.text.divide_line is divide_line
    assert rich.text.divide_line is original
