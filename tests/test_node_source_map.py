"""A usual document's source map is read off its nodes: it must place every field
where the map of every position would, for findings and for refused values alike."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ebcheck.deal.source import NodeSourceMap, read_yaml
from ebcheck.deal.sourcemap import Path as FieldPath
from ebcheck.deal.sourcemap import SourceMap

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").rglob("*.yaml"))


def _probes(full: SourceMap) -> set[FieldPath]:
    """Every path the map knows, and the nearest ones it does not."""
    known = set(full.values) | set(full.keys)
    probes = set(known)
    for path in known:
        probes |= {(*path, "nope"), (*path, 0), (*path, 1), (*path, 99), (*path, -1), (*path, True)}
        if path:
            probes.add((*path[:-1], "nope", *path[-1:]))
    return probes


def _assert_same_places(text: str) -> None:
    _, source, problems = read_yaml(text.encode())
    assert isinstance(source, NodeSourceMap)
    assert problems == []
    _, other, _ = read_yaml(text.encode())
    full = other.plain()  # type: ignore[attr-defined]  # the map of every position
    for path in _probes(full):
        assert source.locate(path) == full.locate(path), path
        assert source.locate_key(path) == full.locate_key(path), path
    assert "values" not in vars(source)  # every answer was read off the nodes


def test_every_example_is_placed_as_the_full_map_places_it() -> None:
    assert EXAMPLES
    for example in EXAMPLES:
        _assert_same_places(example.read_text(encoding="utf-8"))


def test_a_finding_on_a_missing_field_stands_at_its_nearest_parent() -> None:
    text = "deal:\n  id: D-1\nstakeholders:\n  - name: 王总\n    met: 2026-11-02\n"
    _, source, _ = read_yaml(text.encode())
    assert source.locate(("stakeholders", 0, "met")) == (5, 10)
    assert source.locate(("stakeholders", 0, "left")) == (4, 5)
    assert source.locate(("stakeholders", 3, "name")) == (4, 3)
    assert source.locate_key(("stakeholders", 0, "met")) == (5, 5)
    assert source.locate_key(("stakeholders", 0, "left")) == (4, 5)


def test_a_mapping_of_many_keys_is_placed_alike() -> None:
    """Beyond a few keys a mapping's keys are looked up in an index of them."""
    extensions = "".join(f"  x-k{n}: {n}\n" for n in range(40))
    _assert_same_places(f"deal:\n{extensions}  id: D-1\n  stage: proposal\n")


def test_once_the_whole_map_is_built_it_answers() -> None:
    _, source, _ = read_yaml(b"deal:\n  id: D-1\n")
    assert source.raw[("deal", "id")] == "D-1"  # the loader explaining a refused value
    assert "values" in vars(source)
    assert source.locate(("deal", "id")) == (2, 7)
    assert source.locate_key(("deal", "id")) == (2, 3)


def test_an_alias_is_placed_at_its_anchor() -> None:
    text = "a: &p\n  name: 李工\nb: *p\n"
    _assert_same_places(text)
    _, source, _ = read_yaml(text.encode())
    assert source.locate(("b", "name")) == (2, 9)


def test_unusual_documents_keep_the_map_of_every_position() -> None:
    repeated = "deal:\n  id: D-1\n  id: D-2\n"
    value, source, problems = read_yaml(repeated.encode())
    assert not isinstance(source, NodeSourceMap)
    assert value["deal"]["id"].raw == "D-1"
    assert [(p.key, p.position, p.params["first_line"]) for p in problems] == [
        ("E002.duplicate_key", (3, 3), 2)
    ]
    merged = "base: &b\n  stage: proposal\ndeal:\n  <<: *b\n  id: D-1\n"
    value, source, problems = read_yaml(merged.encode())
    assert not isinstance(source, NodeSourceMap)
    assert value["deal"]["stage"].raw == "proposal" and problems == []


def test_a_refused_value_is_explained_with_the_text_as_written() -> None:
    """The loader's explanations read the whole map (`raw`, `split_by_comma`)."""
    text = "ebcheck: 1\ndeal: {id: D-1, name: a, b, stage: proposal}\n"
    _, source, _ = read_yaml(text.encode())
    assert source.raw[("deal", "id")] == "D-1"
    assert ("deal", "b") in source.split_by_comma


def test_sent_to_another_process_as_the_plain_map() -> None:
    _, source, _ = read_yaml(EXAMPLES[0].read_bytes())
    copy = pickle.loads(pickle.dumps(source))  # noqa: S301 - our own map, in memory
    assert type(copy) is SourceMap
    assert (copy.values, copy.keys, copy.raw) == (source.values, source.keys, source.raw)


_KEYS = st.text(alphabet="ab名字_- 1", min_size=1, max_size=4)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.text(alphabet="xy 王总:#,\n'\"", max_size=6),
    st.dates(),
)
_TREES: st.SearchStrategy[Any] = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_KEYS, _TREES, min_size=1, max_size=5), st.booleans())
def test_generated_documents_are_placed_as_the_full_map_places_them(
    tree: dict[str, Any], flow: bool
) -> None:
    shared = {"shared": tree, "again": tree}  # the dumper writes an anchor and an alias
    text = yaml.safe_dump(shared, allow_unicode=True, default_flow_style=flow)
    _assert_same_places(text)


def test_a_load_kept_for_long_has_the_plain_map() -> None:
    """The history keeps every version it loads: with dictionaries, not node trees."""
    text = EXAMPLES[0].read_bytes()
    value, mapped, problems = read_yaml(text, mapped=True)
    usual_value, usual, _ = read_yaml(text)
    assert type(mapped) is SourceMap and problems == []
    assert value == usual_value
    assert mapped == usual.plain()  # type: ignore[attr-defined]
