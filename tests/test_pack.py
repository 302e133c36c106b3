"""The built-in rule pack: found in a checkout and in a wheel, loaded by path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ebcheck.audit import pack
from ebcheck.audit.pack import load_pack, module_files
from ebcheck.errors import PackError
from tests.conftest import REPO

AREAS = {"eb_access", "buying_roles", "relationship", "client_team", "candor", "hygiene"}


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
