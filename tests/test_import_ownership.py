"""Re-import and what the CRM owns: roles of people taken off the deal, and the next step."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from ebcheck.crm.merge import merge
from ebcheck.crm.records import DealRecord
from ebcheck.deal.load import load_file
from tests.test_import_exports import roles_of
from tests.test_import_merge import changed_lines, edit_by_hand, first_import, reimport

ACTION = '    action: "向张总演示\\n试点结果"\n'
HAND_STEP = ACTION + "    due: 2026-11-28\n    owner: 陈默\n"


def test_a_contact_taken_off_the_deal_loses_the_crm_roles_only(
    runner: CliRunner, tmp_path: Path
) -> None:
    _, path, tables = first_import(runner, tmp_path)
    edit_by_hand(path)  # 李强: roles [TB, UB, coach] and an x-wechat key
    roles = tables["OpportunityContactRole.csv"]
    tables["OpportunityContactRole.csv"] = [r for r in roles if r[2] != "0035g00000LiQia1"]
    out = reimport(runner, tmp_path, tables)
    after = path.read_text(encoding="utf-8")
    assert roles_of(path) == {"张伟": ["EB"], "李强": ["coach"], "王秘书": []}
    assert "    x-wechat: liqiang\n" in after and "信息部经理" in after
    assert (
        f"not on the deal in the export (kept): 李强 in {path}; the CRM's roles TB, UB removed"
        in out
    )
    assert f"updated    {path}: 李强.roles" in out


def test_a_contact_with_only_crm_roles_keeps_the_entry_without_roles(
    runner: CliRunner, tmp_path: Path
) -> None:
    _, path, tables = first_import(runner, tmp_path)
    before = path.read_text(encoding="utf-8")
    roles = tables["OpportunityContactRole.csv"]
    tables["OpportunityContactRole.csv"] = [r for r in roles if r[2] != "0035g00000LiQia1"]
    out = reimport(runner, tmp_path, tables, "--dry-run")
    assert "would remove the CRM's roles TB, UB" in out
    assert path.read_text(encoding="utf-8") == before
    reimport(runner, tmp_path, tables)
    assert changed_lines(before, path.read_text(encoding="utf-8")) == ["-    roles: [TB, UB]"]
    assert [p.name for p in load_file(path).deal.stakeholders] == ["张伟", "李强"]  # type: ignore[union-attr]
    assert reimport(runner, tmp_path, tables).count("not on the deal") == 0  # said once


def with_hand_step(path: Path, step: str = HAND_STEP) -> str:
    text = path.read_text(encoding="utf-8")
    assert ACTION in text
    text = text.replace(ACTION, step)
    path.write_text(text, encoding="utf-8")
    return text


def test_a_changed_next_step_drops_the_due_and_owner_of_the_old_one(
    runner: CliRunner, tmp_path: Path
) -> None:
    _, path, tables = first_import(runner, tmp_path)
    before = with_hand_step(path)
    tables["Opportunity.csv"][1][8] = "发报价单"
    out = reimport(runner, tmp_path, tables)
    assert changed_lines(before, path.read_text(encoding="utf-8")) == [
        '-    action: "向张总演示\\n试点结果"',
        "-    due: 2026-11-28",
        "-    owner: 陈默",
        "+    action: 发报价单",
    ]
    assert (
        f"next step changed in the CRM: due, owner written for the old step removed from {path}"
        in out
    )


def test_an_unchanged_next_step_keeps_its_due_and_owner(runner: CliRunner, tmp_path: Path) -> None:
    _, path, tables = first_import(runner, tmp_path)
    before = with_hand_step(path)
    tables["Opportunity.csv"][1][3] = "5"
    out = reimport(runner, tmp_path, tables)
    assert changed_lines(before, path.read_text(encoding="utf-8")) == [
        "-  amount: 1200000",
        "+  amount: 5",
    ]
    assert "next step" not in out


def test_a_next_step_cleared_in_the_crm_goes_even_with_an_owner(
    runner: CliRunner, tmp_path: Path
) -> None:
    _, path, tables = first_import(runner, tmp_path)
    before = with_hand_step(path)
    tables["Opportunity.csv"][1][8] = ""
    out = reimport(runner, tmp_path, tables)
    assert changed_lines(before, path.read_text(encoding="utf-8")) == [
        "-  next_step:",
        '-    action: "向张总演示\\n试点结果"',
        "-    due: 2026-11-28",
        "-    owner: 陈默",
    ]
    assert f"next step cleared in the CRM: removed from {path}, with its due, owner" in out


def test_a_next_step_cleared_with_only_action_and_due_goes(
    runner: CliRunner, tmp_path: Path
) -> None:
    _, path, tables = first_import(runner, tmp_path)
    before = with_hand_step(path, ACTION + "    due: 2026-11-28\n")
    tables["Opportunity.csv"][1][8] = ""
    out = reimport(runner, tmp_path, tables)
    assert changed_lines(before, path.read_text(encoding="utf-8")) == [
        "-  next_step:",
        '-    action: "向张总演示\\n试点结果"',
        "-    due: 2026-11-28",
    ]
    assert "with its due" in out


def test_a_changed_next_step_takes_the_crm_due_where_the_map_fills_it() -> None:
    record = DealRecord(
        id="D-1",
        fields={"next_step": "发报价单", "next_step_due": dt.date(2026, 12, 5)},
        where="",
    )
    before = (
        "ebcheck: 1\ndeal:\n  id: D-1\n  next_step:\n    action: 演示\n    due: 2026-11-28\n"
        "    owner: 陈默  # 手写\n  x-note: keep\n"
    )
    after, fields, notes = merge(before, record)
    assert after == (
        "ebcheck: 1\ndeal:\n  id: D-1\n  next_step:\n    action: 发报价单\n    due: 2026-12-05\n"
        "  x-note: keep\n"
    )
    assert fields == ["next_step.action", "next_step.due", "next_step.owner"]
    assert notes == [("step_changed", {"fields": "owner"})]


def test_what_the_crm_took_away_is_said_in_chinese(runner: CliRunner, tmp_path: Path) -> None:
    _, path, tables = first_import(runner, tmp_path)
    with_hand_step(path)
    roles = tables["OpportunityContactRole.csv"]
    tables["OpportunityContactRole.csv"] = [r for r in roles if r[2] != "0035g00000LiQia1"]
    tables["Opportunity.csv"][1][8] = ""
    out = reimport(runner, tmp_path, tables, "--lang", "zh")
    assert (
        f"导出中该商机已没有此联系人（保留）：{path} 中的 李强；已移除 CRM 给出的角色 TB, UB" in out
    )
    assert f"CRM 中的下一步已清空：已从 {path} 移除，连同其 due, owner" in out
