"""`include` and `exclude`: gitignore-style patterns relative to the config file's folder."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.audit.walk import collect, is_glob
from ebcheck.cli.app import app
from ebcheck.errors import ConfigError
from tests.deals import READY

TREE = (
    "top.yaml",
    "x.yaml",
    "a/x.yaml",
    "a/b/x.yaml",
    "a/b/c/x.yaml",
    "b/a/x.yaml",
    "deals/east.yaml",
    "deals/sub/west.yaml",
    "deals/archive/old.yaml",
    "deals/templates/blank.yaml",
    "deals/q3.draft.yaml",
    "templates/blank.yaml",
    "templates/keep.yaml",
    "templates/nested/deep.yaml",
    "other/deals/east.yaml",
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in TREE:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("ebcheck: 1\n", encoding="utf-8")
    return tmp_path


def walked(
    root: Path, include: Sequence[str] = (), exclude: Sequence[str] = (), start: str = ""
) -> list[str]:
    files = collect([root / start], root, include, exclude)
    return sorted(p.relative_to(root).as_posix() for p in files.deals)


def everything_but(*names: str) -> list[str]:
    return sorted(set(TREE) - set(names))


CASES = [
    pytest.param(
        (),
        ("**/templates/**",),
        everything_but(
            "templates/blank.yaml",
            "templates/keep.yaml",
            "templates/nested/deep.yaml",
            "deals/templates/blank.yaml",
        ),
        id="leading-double-star-matches-the-top-level-too",
    ),
    pytest.param(
        ("a/**/x.yaml",),
        (),
        ["a/b/c/x.yaml", "a/b/x.yaml", "a/x.yaml"],
        id="double-star-in-the-middle-matches-no-folder-at-all",
    ),
    pytest.param(
        ("deals/*.yaml",),
        (),
        ["deals/east.yaml", "deals/q3.draft.yaml"],
        id="star-never-crosses-a-slash",
    ),
    pytest.param(
        ("*.yaml",),
        ("*.draft.yaml",),
        everything_but("deals/q3.draft.yaml"),
        id="a-pattern-without-slash-matches-at-any-depth",
    ),
    pytest.param(
        (),
        ("templates/**",),
        everything_but("templates/blank.yaml", "templates/keep.yaml", "templates/nested/deep.yaml"),
        id="a-slash-in-the-middle-anchors-to-the-config-folder",
    ),
    pytest.param(
        (),
        ("/templates",),
        everything_but("templates/blank.yaml", "templates/keep.yaml", "templates/nested/deep.yaml"),
        id="a-leading-slash-anchors-a-top-level-folder",
    ),
    pytest.param(
        (),
        ("templates/",),
        everything_but(
            "templates/blank.yaml",
            "templates/keep.yaml",
            "templates/nested/deep.yaml",
            "deals/templates/blank.yaml",
        ),
        id="a-folder-name-matches-that-folder-at-any-depth",
    ),
    pytest.param(
        ("deals",),
        (),
        [
            "deals/archive/old.yaml",
            "deals/east.yaml",
            "deals/q3.draft.yaml",
            "deals/sub/west.yaml",
            "deals/templates/blank.yaml",
            "other/deals/east.yaml",
        ],
        id="including-a-folder-name-includes-everything-under-it",
    ),
    pytest.param(
        ("deals/**",),
        ("deals/archive/", "templates"),
        ["deals/east.yaml", "deals/q3.draft.yaml", "deals/sub/west.yaml"],
        id="include-then-exclude",
    ),
    pytest.param(
        (),
        ("templates/**", "!templates/keep.yaml"),
        everything_but("templates/blank.yaml", "templates/nested/deep.yaml"),
        id="the-last-matching-pattern-wins-so-bang-takes-a-file-back",
    ),
    pytest.param(
        ("deals/**", "!deals/archive/old.yaml"),
        (),
        [
            "deals/east.yaml",
            "deals/q3.draft.yaml",
            "deals/sub/west.yaml",
            "deals/templates/blank.yaml",
        ],
        id="unlike-git-include-takes-a-file-back-from-a-matched-folder",
    ),
    pytest.param(
        (),
        ("deals/**", "!deals/sub/"),
        everything_but(
            "deals/archive/old.yaml",
            "deals/east.yaml",
            "deals/q3.draft.yaml",
            "deals/sub/west.yaml",
            "deals/templates/blank.yaml",
        ),
        id="taking-a-folder-back-does-not-take-back-files-matched-by-name",
    ),
    pytest.param(
        (),
        ("templates/", "!templates/keep.yaml"),
        everything_but(
            "templates/blank.yaml", "templates/nested/deep.yaml", "deals/templates/blank.yaml"
        ),
        id="unlike-git-a-file-can-be-taken-back-from-an-excluded-folder",
    ),
    pytest.param(
        ("Deals/**",),
        (),
        [],
        id="case-sensitive",
    ),
]


# Git never looks inside an excluded folder, so nothing in it can be taken back;
# ebcheck matches each file on its own, and the last pattern it matches wins.
# Cases where that differs are named `unlike-git-…`.


@pytest.mark.parametrize(("include", "exclude", "expected"), CASES)
def test_globs_match_like_gitignore(
    tree: Path, include: tuple[str, ...], exclude: tuple[str, ...], expected: list[str]
) -> None:
    assert walked(tree, include, exclude) == expected


@pytest.mark.parametrize(
    ("include", "exclude", "expected"),
    [
        case
        for case in CASES
        if not str(case.id).startswith("unlike-git") and not all(case.values[:2])
    ],
)
def test_globs_match_what_git_check_ignore_says(
    tree: Path, include: tuple[str, ...], exclude: tuple[str, ...], expected: list[str]
) -> None:
    """Each pattern list, written as a `.gitignore`, matches the same files in git."""
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    matched = set(expected) if include else set(TREE) - set(expected)
    (tree / ".gitignore").write_text("\n".join(include or exclude) + "\n", encoding="utf-8")
    ignored = subprocess.run(
        ["git", "-C", str(tree), "check-ignore", "--no-index", *TREE],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert set(ignored) == matched


def test_patterns_stay_relative_to_the_config_folder_when_a_subfolder_is_walked(
    tree: Path,
) -> None:
    assert walked(tree, ("deals/*.yaml",), start="deals") == [
        "deals/east.yaml",
        "deals/q3.draft.yaml",
    ]
    assert walked(tree, (), ("/templates",), start="deals") == [
        "deals/archive/old.yaml",
        "deals/east.yaml",
        "deals/q3.draft.yaml",
        "deals/sub/west.yaml",
        "deals/templates/blank.yaml",
    ]


def test_a_folder_outside_the_config_folder_is_matched_as_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside the config's folder a walked file is matched by the path as the user
    named it (`../other/a.yaml`), as before the walk resolved each folder once."""
    project, other = tmp_path / "project", tmp_path / "other"
    project.mkdir()
    other.mkdir()
    (other / "a.yaml").write_text("ebcheck: 1\ndeal: {id: A}\n", encoding="utf-8")
    monkeypatch.chdir(project)
    found = collect([Path("../other")], project, ("../other/**",), ())
    assert [p.as_posix() for p in found.deals] == ["../other/a.yaml"]


def test_a_file_named_on_the_command_line_is_audited_even_when_excluded(tree: Path) -> None:
    named = tree / "templates" / "blank.yaml"
    assert collect([named], tree, (), ("templates/",)).deals == (named,)
    assert collect([named], tree, (), ("templates/",), classify_named=True).deals == ()


@pytest.mark.parametrize(
    ("pattern", "valid"),
    [("deals/**", True), ("!deals/x.yaml", True), ("!", False), ("deals\\", False)],
)
def test_invalid_patterns_are_refused(tree: Path, pattern: str, valid: bool) -> None:
    assert is_glob(pattern) is valid
    if not valid:
        with pytest.raises(ConfigError) as caught:
            collect([tree], tree, (), (pattern,))
        assert str(caught.value) == f"exclude: '{pattern}' is not a gitignore-style pattern"


def test_an_invalid_pattern_in_the_config_file_is_located(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".ebcheck.yaml").write_text('exclude: ["templates/", "!"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["audit", "--lang", "en"])
    assert result.exit_code == 2
    assert f"{tmp_path}/.ebcheck.yaml:1:25: '!' is not a gitignore-style pattern" in result.stderr


def test_the_config_excludes_a_top_level_folder_from_below(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".ebcheck.yaml").write_text('exclude: ["**/templates/**"]\n', encoding="utf-8")
    for name in ("templates/blank.yaml", "deals/templates/blank.yaml", "deals/d.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(READY, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "deals")
    result = runner.invoke(app, ["audit", "..", "-f", "json"])
    assert result.exit_code in (0, 1), result.stderr
    paths = [d["path"] for d in json.loads(result.stdout)["deals"]]
    assert paths == ["../deals/d.yaml"]
