"""The built-in rule pack: found in a checkout and in a wheel, loaded by path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ebcheck.audit import pack
from ebcheck.audit.pack import load_pack, module_files
from ebcheck.errors import PackError
from tests.conftest import REPO

AREAS = {
    "eb_access",
    "buying_roles",
    "relationship",
    "client_team",
    "candor",
    "decision",
    "hygiene",
}


def test_a_source_checkout_uses_the_repository_rules() -> None:
    assert pack.builtin_folder() == REPO / "rules"


def test_every_area_module_is_loaded() -> None:
    loaded = pack.builtin_pack()
    assert set(loaded.modules) == AREAS
    assert {p.stem for p in module_files(REPO / "rules")} == AREAS


def test_the_pack_loads_from_a_shipped_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The wheel ships rules/ as ebcheck/_builtin_rules: the same loader must find it there.
    shipped = tmp_path / "_builtin_rules"
    shutil.copytree(REPO / "rules", shipped)
    monkeypatch.setattr(pack, "_SHIPPED", shipped)
    assert pack.builtin_folder() == shipped
    copy = load_pack(shipped)
    assert [r.id for r in copy.rules] == [r.id for r in load_pack(REPO / "rules").rules]


def test_missing_rules_are_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pack, "_SHIPPED", tmp_path / "a")
    monkeypatch.setattr(pack, "_CHECKOUT", tmp_path / "b")
    with pytest.raises(PackError, match="built-in rules are missing"):
        pack.builtin_folder()


def test_a_module_without_rules_list_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("X = 1\n", encoding="utf-8")
    with pytest.raises(PackError, match="must declare RULES"):
        load_pack(tmp_path)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    source = (REPO / "rules" / "candor.py").read_text(encoding="utf-8")
    (tmp_path / "a.py").write_text(source, encoding="utf-8")
    (tmp_path / "b.py").write_text(source, encoding="utf-8")
    with pytest.raises(PackError, match="declared twice"):
        load_pack(tmp_path)


def test_a_pack_speaks_its_declarations_and_its_translation(tmp_path: Path) -> None:
    (tmp_path / "area.py").write_text(
        '''from ebcheck.ruleapi import Area, Severity, rule

AREA = Area("ZZ", "Made up", doctrine={"D99": "Say it"})


@rule("ZZ001", "made-up", summary="One line.", severity=Severity.LOW, message="Hi {name}.")
def made_up(deal, ctx):
    """Fires never.

    Why: A test.
    """
    return iter(())


RULES = [made_up]
''',
        encoding="utf-8",
    )
    (tmp_path / "locale").mkdir()
    (tmp_path / "locale" / "zh.yaml").write_text('ZZ001:\n  message: "你好{name}。"\n', "utf-8")
    loaded = load_pack(tmp_path)
    english, chinese = loaded.words("en"), loaded.words("zh")
    assert english.text("ZZ001.message", name="Li") == "Hi Li."
    assert english.text("ZZ001.why") == "A test."
    assert english.text("area.ZZ") == "Made up"
    assert english.text("doctrine.D99") == "Say it"
    assert chinese.text("ZZ001.message", name="Li") == "你好Li。"
    assert chinese.text("ZZ001.summary") == "One line."  # English behind a missing translation
    assert english.text("S001.fix").startswith("Remove this `suppress` entry")  # the engine's too


def test_an_area_that_is_not_an_area_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("AREA = 'ZZ'\nRULES = []\n", encoding="utf-8")
    with pytest.raises(PackError, match=r"AREA must be an ebcheck\.ruleapi\.Area, not str"):
        load_pack(tmp_path)
