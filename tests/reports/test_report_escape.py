"""reports.escape: user text stays text in markdown, Mermaid and workflow commands."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ebcheck.deal.names import INVISIBLE
from ebcheck.reports.escape import (
    markdown_text,
    mermaid_label,
    shorten,
    unescape_workflow,
    workflow_data,
    workflow_property,
)
from ebcheck.reports.textsafe import clean

GFM = MarkdownIt("commonmark").enable("table").enable("strikethrough")

# Text with a lot of syntax in it: markdown, HTML, Mermaid, YAML, workflow commands.
SYNTAX = st.sampled_from(
    [
        *"|`*_[]()<>&#!~$\\\"'{};:%,=+-.1 \n\r\t\x1b\x00\u202e\u2028@",
        *("<script>", "</td>", "```", "::error::", "&lt;", "&#124;", "[x](y)", "- ", "1. ", "# "),
    ]
)
TEXT = st.lists(st.one_of(SYNTAX, st.text(max_size=3)), max_size=25).map("".join)


def inline_children(tokens: list[Token]) -> list[Token]:
    return [child for token in tokens if token.type == "inline" for child in token.children or []]


def shown(text: str) -> str:
    """What a reader should see: the text, cleaned and on one line."""
    return clean(text).strip()


@given(TEXT)
@settings(max_examples=400)
def test_markdown_text_is_one_plain_cell_of_a_table(text: str) -> None:
    cell = markdown_text(text)
    tokens = GFM.parse(f"| h | h2 |\n|---|---|\n| {cell} | end |\n")
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(cells) == 2, cell
    children = inline_children(tokens)
    # Header cells "h", "h2", then our cell, then "end": all plain text.
    assert all(child.type == "text" for child in children), [c.type for c in children]
    contents = [child.content for child in children]
    assert contents[-1] == "end"
    assert "".join(contents[2:-1]) == shown(text)


@given(TEXT)
@settings(max_examples=300)
def test_markdown_text_is_plain_text_in_a_heading_and_a_paragraph(text: str) -> None:
    escaped = markdown_text(text)
    for source, block in ((f"### {escaped}\n", "heading_open"), (f"{escaped}\n", "paragraph_open")):
        tokens = GFM.parse(source)
        if not shown(text):
            continue
        assert tokens[0].type == block, (source, [t.type for t in tokens])
        children = inline_children(tokens)
        assert all(child.type == "text" for child in children), source
        assert "".join(child.content for child in children) == shown(text)


@given(TEXT)
def test_markdown_text_has_no_raw_html_or_line_breaks(text: str) -> None:
    escaped = markdown_text(text)
    assert "<" not in escaped
    assert ">" not in escaped
    assert "\n" not in escaped
    assert "\r" not in escaped
    assert "\x1b" not in escaped
    rendered = GFM.render(escaped)
    assert "<script" not in rendered


def test_markdown_text_examples() -> None:
    assert markdown_text("a|b `c` <script>x</script> [bold]y[/]") == (
        r"a\|b \`c\` &lt;script&gt;x&lt;/script&gt; \[bold\]y\[/\]"
    )
    assert markdown_text("- item") == r"\- item"
    assert markdown_text("12. item") == r"12\. item"
    assert markdown_text("*em* _u_ ~~s~~ $x$ #1") == r"\*em\* \_u\_ \~\~s\~\~ \$x\$ \#1"
    assert markdown_text("AT&T") == "AT&amp;T"
    assert markdown_text("one\ntwo\r\nthree") == "one two three"
    assert markdown_text("red \x1b[31m") == r"red \ufffd\[31m".replace(r"\ufffd", "\ufffd")
    assert markdown_text("x" * 10, limit=5) == "xxxx…"


def test_shorten() -> None:
    assert shorten("abc", None) == "abc"
    assert shorten("abc", 3) == "abc"
    assert shorten("abcd", 3) == "ab…"


MERMAID_ENTITY = re.compile(r"#(\d+);")


def decode_mermaid(label: str) -> str:
    return MERMAID_ENTITY.sub(lambda m: chr(int(m.group(1))), label)


@given(TEXT)
@settings(max_examples=400)
def test_mermaid_label_cannot_leave_its_quotes(text: str) -> None:
    label = mermaid_label(text)
    # Only letters, digits, a few harmless marks and entity codes remain in ASCII.
    ascii_left = MERMAID_ENTITY.sub("", label)
    assert all(ch.isalnum() or ch in " -_.,/" for ch in ascii_left if ord(ch) < 128), label
    for forbidden in ('"', "[", "]", "<", ">", "|", "`", "\n", "\r", "{", "}", "(", ")", ";;"):
        assert forbidden not in ascii_left
    assert decode_mermaid(label) == clean(text)


def test_mermaid_label_examples() -> None:
    assert mermaid_label('Zhang "Boss" [EB]') == "Zhang #34;Boss#34; #91;EB#93;"
    assert mermaid_label("a|b<br>") == "a#124;b#60;br#62;"
    assert mermaid_label("张伟，总经理") == "张伟，总经理"
    assert mermaid_label("x\ny") == "x y"
    assert mermaid_label("`md`") == "#96;md#96;"


PLAIN = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cf", "Cs"), blacklist_characters="\x7f"
    ).filter(lambda char: not INVISIBLE.match(char)),  # removed: invisible
    max_size=40,
)
WITH_BREAKS = st.lists(st.one_of(PLAIN, st.sampled_from(["\r", "\n", "%", ":", ","])), max_size=10)


@given(WITH_BREAKS.map("".join))
def test_workflow_escaping_round_trips(text: str) -> None:
    assert unescape_workflow(workflow_property(text)) == text
    assert unescape_workflow(workflow_data(text)) == text


@given(TEXT)
def test_workflow_property_has_no_delimiters(text: str) -> None:
    value = workflow_property(text)
    for forbidden in (":", ",", "\r", "\n", "\x1b", "\x00"):
        assert forbidden not in value
    data = workflow_data(text)
    for forbidden in ("\r", "\n", "\x1b", "\x00"):
        assert forbidden not in data


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("deals/a:b,c.yaml", "deals/a:b,c.yaml", "deals/a%3Ab%2Cc.yaml"),
        ("%0A", "%250A", "%250A"),
        ("\x1b[31m", "\ufffd[31m", "\ufffd[31m"),
    ],
)
def test_workflow_escaping_examples(text: str, data: str, prop: str) -> None:
    assert workflow_data(text) == data
    assert workflow_property(text) == prop


def test_markdown_entities_decode_to_the_text() -> None:
    escaped = markdown_text("<&>")
    assert html.unescape(escaped) == "<&>"


_SAMPLES = st.text(
    alphabet=st.sampled_from(
        ["a", " ", "张", "\n", "\r", "\t", "\x1b", "\x85", "\x9b", "\u2028", "\u200b", "\u202e",
         "\u00ad", "\ufe0f", "\u3164", "\udcff", "\U000e0041", "🙂", "é", "\x7f", "\u3000"]
    )
)  # fmt: skip


@given(_SAMPLES, st.booleans())
def test_text_with_nothing_to_clean_is_returned_as_it_is_and_any_other_is_cleaned(
    text: str, one_line: bool
) -> None:
    """`clean` looks once for anything to change; what it finds is cleaned step by step."""
    from ebcheck.reports.textsafe import _cleaned

    assert clean(text, one_line=one_line) == _cleaned(text, one_line)
