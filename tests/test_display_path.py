"""How reports name a file: relative to the root when it lies below it, else as given."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ebcheck.audit.engine import _relative_parts, display_path

_PART = st.sampled_from(["a", "b", "..", ".", "deals", "客户", "x.yaml", ""])
_TEXT = st.lists(_PART, min_size=1, max_size=5).map("/".join)


@given(
    path=_TEXT,
    root=_TEXT,
    path_absolute=st.booleans(),
    root_absolute=st.booleans(),
)
def test_the_text_shortcut_names_every_path_as_the_path_parts_do(
    path: str, root: str, path_absolute: bool, root_absolute: bool
) -> None:
    here = Path.cwd()
    given_path = Path(("/" if path_absolute else "") + path)
    given_root = here / root if root_absolute else Path(root)
    assert display_path(given_path, given_root) == _relative_parts(given_path, given_root)


@pytest.mark.parametrize(
    ("path", "root", "shown"),
    [
        ("deals/east.yaml", ".", "deals/east.yaml"),
        ("./deals//east.yaml", ".", "deals/east.yaml"),
        (".", ".", "."),
        ("../elsewhere/x.yaml", "deals", "../elsewhere/x.yaml"),
        ("/srv/crm/x.yaml", "/srv", "crm/x.yaml"),
        ("/srv2/x.yaml", "/srv", "/srv2/x.yaml"),
        ("/x.yaml", "/", "x.yaml"),
        ("//srv/x.yaml", "/", "//srv/x.yaml"),  # POSIX leaves `//` to the system
    ],
)
def test_a_file_below_the_root_is_named_from_it(path: str, root: str, shown: str) -> None:
    assert display_path(Path(path), Path(root)) == shown


def test_a_name_that_is_not_utf8_is_shown_with_its_bytes_escaped() -> None:
    name = os.fsdecode(b"a\xff.yaml")
    assert display_path(Path(name), Path()) == "a\\xff.yaml"
