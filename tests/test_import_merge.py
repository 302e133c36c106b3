"""Re-import: the CRM's fields change in place, everything written by hand stays."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ebcheck.crm.merge import merge
from ebcheck.crm.records import DealRecord, Person
from ebcheck.crm.render import scalar
from ebcheck.deal.load import load_bytes
from tests.test_import_exports import (
    ACCOUNT,
    OPP_1,
    OPP_2,
    audit_json,
    roles_of,
    run_import,
    salesforce_tables,
    write_tables,
)

HAND = {
    "    roles: [EB]\n": "    roles: [EB]   # 拍板的人\n    met: 2026-11-02\n"
    "    stance: supporter\n",
    "    roles: [TB, UB]\n": "    roles: [TB, UB, coach]\n    x-wechat: liqiang\n",
}
TAIL = """\
  - name: 王秘书
    influence: medium
# 以下是手写的
insights:
  pain: 旺季发货延误率 12%
notes: |
  张总关注交付周期
"""


def first_import(runner: CliRunner, tmp_path: Path) -> tuple[Path, Path, dict]:  # type: ignore[type-arg]
    tables = salesforce_tables()
    source = write_tables(tmp_path / "export", tables)
    code, _, err = run_import(runner, source, "--map", "salesforce", "-o", tmp_path / "deals")
    assert (code, err) == (0, "")
    return source, tmp_path / "deals" / f"{OPP_1}.yaml", tables


def edit_by_hand(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    for old, new in HAND.items():
        assert old in text
        text = text.replace(old, new, 1)
    text += TAIL
    path.write_text(text, encoding="utf-8")
    return text


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def reimport(runner: CliRunner, tmp_path: Path, tables: dict, *extra: str) -> str:  # type: ignore[type-arg]
    source = write_tables(tmp_path / "export", tables)
    code, out, err = run_import(
        runner, source, "--map", "salesforce", "-o", tmp_path / "deals", *extra
    )
    assert (code, err) == (0, "")
    return out


def test_a_changed_amount_changes_only_the_amount_line(runner: CliRunner, tmp_path: Path) -> None:
    _, path, tables = first_import(runner, tmp_path)
    before = edit_by_hand(path)
    tables["Opportunity.csv"][1][3] = "1350000.00"
    out = reimport(runner, tmp_path, tables)
    after = path.read_text(encoding="utf-8")
    assert changed_lines(before, after) == ["-  amount: 1200000", "+  amount: 1350000"]
    assert f"{OPP_1}.yaml: amount" in out


def test_hand_written_met_stance_comments_and_x_keys_survive(
    runner: CliRunner, tmp_path: Path
) -> None:
    _, path, tables = first_import(runner, tmp_path)
    edit_by_hand(path)
    tables["Opportunity.csv"][1][6] = "Negotiation/Review"
    tables["Contact.csv"][1][3] = "董事长"
    reimport(runner, tmp_path, tables)
    after = path.read_text(encoding="utf-8")
    for kept in ("met: 2026-11-02", "stance: supporter", "# 拍板的人", "x-wechat: liqiang", TAIL):
        assert kept in after
    assert "  stage: negotiation\n" in after
    assert "    title: 董事长\n" in after
    # coach is no role the Salesforce map gives: written by hand, it stays beside TB and UB.
    assert roles_of(path)["李强"] == ["TB", "UB", "coach"]
    assert "王秘书" in roles_of(path)  # a person the CRM does not have is kept
    deals = audit_json(runner, tmp_path / "deals")
    assert deals[OPP_1]["stage"] == "negotiation"


def test_an_unchanged_export_rewrites_nothing(runner: CliRunner, tmp_path: Path) -> None:
    _, path, tables = first_import(runner, tmp_path)
    edit_by_hand(path)
    before = {p: p.read_bytes() for p in (tmp_path / "deals").iterdir()}
    out = reimport(runner, tmp_path, tables)
    assert "0 new, 0 updated, 2 unchanged" in out
    assert {p: p.read_bytes() for p in (tmp_path / "deals").iterdir()} == before


def test_new_files_are_the_same_whatever_the_row_order(runner: CliRunner, tmp_path: Path) -> None:
    tables = salesforce_tables()
    write_tables(tmp_path / "a", tables)
    for name in ("OpportunityContactRole.csv", "Opportunity.csv", "Contact.csv"):
        tables[name] = [tables[name][0], *reversed(tables[name][1:])]
    write_tables(tmp_path / "b", tables)
    for folder in ("a", "b"):
        run_import(
            runner, tmp_path / folder, "--map", "salesforce", "-o", tmp_path / f"out-{folder}"
        )
    for name in (f"{OPP_1}.yaml", f"{OPP_2}.yaml"):
        assert (tmp_path / "out-a" / name).read_bytes() == (tmp_path / "out-b" / name).read_bytes()


def test_a_new_contact_is_appended_and_missing_fields_are_added(
    runner: CliRunner, tmp_path: Path
) -> None:
    _, path, tables = first_import(runner, tmp_path)
    text = path.read_text(encoding="utf-8").replace("  forecast: commit\n", "")
    path.write_text(text + TAIL, encoding="utf-8")
    tables["Contact.csv"].append(["0035g00000Zhao01", "敏", "赵", "采购经理"])
    tables["OpportunityContactRole.csv"].append(["00K9", OPP_1, "0035g00000Zhao01", "Evaluator"])
    reimport(runner, tmp_path, tables)
    after = path.read_text(encoding="utf-8")
    assert changed_lines(text + TAIL, after) == [
        "+  forecast: commit",
        "+  - name: 赵敏",
        "+    title: 采购经理",
        "+    roles: [TB]",
    ]
    assert after.index("赵敏") > after.index("王秘书") > after.index("李强")
    audit_json(runner, tmp_path / "deals")


def test_a_next_step_cleared_in_the_crm_is_removed(runner: CliRunner, tmp_path: Path) -> None:
    _, path, tables = first_import(runner, tmp_path)
    before = path.read_text(encoding="utf-8")
    tables["Opportunity.csv"][1][8] = ""
    reimport(runner, tmp_path, tables)
    lines = changed_lines(before, path.read_text(encoding="utf-8"))
    assert lines == ["-  next_step:", '-    action: "向张总演示\\n试点结果"']


def test_a_file_renamed_or_moved_is_found_by_its_id(runner: CliRunner, tmp_path: Path) -> None:
    _, path, tables = first_import(runner, tmp_path)
    moved = tmp_path / "deals" / "华东" / "mes.yaml"
    moved.parent.mkdir()
    path.rename(moved)
    tables["Opportunity.csv"][1][3] = "1"
    reimport(runner, tmp_path, tables)
    assert not path.exists()
    assert "  amount: 1\n" in moved.read_text(encoding="utf-8")


def test_a_deal_the_crm_no_longer_has_is_reported_and_kept(
    runner: CliRunner, tmp_path: Path
) -> None:
    _, _, tables = first_import(runner, tmp_path)
    del tables["Opportunity.csv"][2]
    out = reimport(runner, tmp_path, tables)
    gone = tmp_path / "deals" / f"{OPP_2}.yaml"
    assert gone.exists()
    assert f"not in the export (kept): {gone} ({OPP_2})" in out


def test_dry_run_writes_nothing_and_says_what_would_change(
    runner: CliRunner, tmp_path: Path
) -> None:
    _, path, tables = first_import(runner, tmp_path)
    before = path.read_bytes()
    tables["Opportunity.csv"][1][3] = "99"
    tables["Opportunity.csv"].append(
        [
            "0065g00000NewOnAAA",
            ACCOUNT,
            "Pilot",
            "1",
            "CNY",
            "2027-01-01",
            "Prospecting",
            "",
            "",
            "",
        ]
    )
    out = reimport(runner, tmp_path, tables, "--dry-run")
    assert f"would update  {path}: amount" in out
    assert "would create" in out and "dry run: nothing was written" in out
    assert path.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "deals").iterdir()) == [
        f"{OPP_1}.yaml",
        f"{OPP_2}.yaml",
    ]


def test_a_crlf_file_keeps_its_line_ends(runner: CliRunner, tmp_path: Path) -> None:
    _, path, tables = first_import(runner, tmp_path)
    crlf = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    tables["Opportunity.csv"][1][3] = "5"
    tables["Contact.csv"].append(["0035g00000Zhao01", "敏", "赵", ""])
    tables["OpportunityContactRole.csv"].append(["00K9", OPP_1, "0035g00000Zhao01", "Evaluator"])
    reimport(runner, tmp_path, tables)
    after = path.read_bytes()
    assert after.count(b"\n") == after.count(b"\r\n")
    assert crlf.replace(b"amount: 1200000", b"amount: 5") in after


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_never_writes_through_a_symbolic_link(runner: CliRunner, tmp_path: Path) -> None:
    source = write_tables(tmp_path / "export", salesforce_tables())
    outside = tmp_path / "outside.yaml"
    outside.write_text("precious\n", encoding="utf-8")
    deals = tmp_path / "deals"
    deals.mkdir()
    (deals / f"{OPP_1}.yaml").symlink_to(outside)
    code, _, err = run_import(runner, source, "--map", "salesforce", "-o", deals)
    assert code == 2
    assert "symbolic link" in err
    assert outside.read_text(encoding="utf-8") == "precious\n"
    linked = tmp_path / "linked"
    linked.symlink_to(deals)
    code, _, err = run_import(runner, source, "--map", "salesforce", "-o", linked)
    assert code == 2 and "symbolic link" in err


def test_a_broken_existing_file_is_an_error_not_a_rewrite(
    runner: CliRunner, tmp_path: Path
) -> None:
    _, path, tables = first_import(runner, tmp_path)
    path.write_text("ebcheck: 1\ndeal: [oops\n", encoding="utf-8")
    source = write_tables(tmp_path / "export", tables)
    code, _, err = run_import(runner, source, "--map", "salesforce", "-o", tmp_path / "deals")
    assert code == 2
    assert f"{path}:" in err and "not valid YAML" in err
    assert path.read_text(encoding="utf-8") == "ebcheck: 1\ndeal: [oops\n"


def record() -> DealRecord:
    fields = {
        "name": "MES",
        "account": "Acme, Inc",
        "owner": "Jo",
        "amount": 5,
        "stage": "proposal",
        "close_date": dt.date(2026, 12, 31),
        "next_step": "Call, then demo",
    }
    people = [Person("张伟", "CEO", {"EB"}), Person("Li Qiang", None, {"TB"})]
    return DealRecord(
        id="D-1",
        fields=fields,
        where="",
        people=people,
        person_fields=frozenset({"title", "roles"}),
        roles_mapped=frozenset({"EB", "TB", "UB"}),
    )


MERGED_BLOCK = """\
ebcheck: 1
deal:
  id: D-1
  name: MES
  account: Acme, Inc
  stage: 方案
  close_date: 2026-12-31
  owner: Jo
  amount: 5
  next_step:
    action: Call, then demo
stakeholders:
  - name: 张伟
    title: CEO
    roles: [EB]
  - name: Li Qiang
    roles: [TB]
notes: |
  keep me
"""


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # flow style stays flow style; a comma in a value is quoted there
            "ebcheck: 1\ndeal: {id: D-1, name: MES, account: Acme, stage: qualification,"
            " close_date: 2026-11-30}\nstakeholders: []\n",
            'ebcheck: 1\ndeal: {id: D-1, name: MES, account: "Acme, Inc", stage: proposal,'
            ' close_date: 2026-12-31, owner: Jo, amount: 5, next_step: {action: "Call, then'
            ' demo"}}\nstakeholders: [{name: 张伟, title: CEO, roles: [EB]}, {name: Li Qiang,'
            " roles: [TB]}]\n",
        ),
        (  # an empty `owner:` gets its value; a stage written in Chinese that means the
            # same is left as written; no stakeholders yet: the section is added
            "ebcheck: 1\ndeal:\n  id: D-1\n  name: MES\n  account: Acme, Inc\n  stage: 方案\n"
            "  close_date: 2026-12-31\n  owner:\nnotes: |\n  keep me\n",
            MERGED_BLOCK,
        ),
        (  # no newline at the end, a list at the key's own indentation, `role:` by hand;
            # the owner of the old next step goes with it
            "ebcheck: 1\ndeal:\n  id: D-1\n  name: MES\n  account: Acme, Inc\n  owner: Jo\n"
            "  amount: 5\n  stage: proposal\n  close_date: 2026-12-31\n"
            "  next_step: {action: old, owner: 陈默}\nstakeholders:\n- name: 张伟\n  role: EB\n"
            "  title: 老板 # hand\n- name: X\n  met: 2026-10-10",
            "ebcheck: 1\ndeal:\n  id: D-1\n  name: MES\n  account: Acme, Inc\n  owner: Jo\n"
            "  amount: 5\n  stage: proposal\n  close_date: 2026-12-31\n"
            '  next_step: {action: "Call, then demo"}\nstakeholders:\n- name: 张伟\n'
            "  role: EB\n  title: CEO # hand\n  roles: [EB]\n- name: X\n  met: 2026-10-10\n"
            "- name: Li Qiang\n  roles: [TB]\n",
        ),
    ],
    ids=["flow", "empty-value-and-no-people", "no-final-newline"],
)
def test_merge_into_every_shape_of_file(before: str, after: str) -> None:
    merged, _, _ = merge(before, record())
    assert merged == after
    assert load_bytes(merged.encode("utf-8")).problems == []
    assert merge(merged, record()) == (merged, [], [])  # idempotent


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_every_text_is_written_so_that_yaml_reads_it_back(text: str) -> None:
    import yaml

    for flow in (False, True):
        line = scalar(text, flow)
        assert "\n" not in line
        loaded = yaml.load(f"k: [{line}]" if flow else f"k: {line}", Loader=yaml.CSafeLoader)
        assert loaded["k"] == ([text] if flow else text)


def test_weekly_imports_in_git_feed_the_review(runner: CliRunner, tmp_path: Path) -> None:
    import json
    import shutil
    import subprocess

    from ebcheck.cli.app import app

    if shutil.which("git") is None:
        pytest.skip("needs git")
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "ops@example.test")
    git("config", "user.name", "Ops")
    tables = salesforce_tables()
    source = write_tables(tmp_path / "export", tables)
    run_import(runner, source, "--map", "salesforce", "-o", repo / "deals")
    git("add", "-A")
    git("commit", "-qm", "week 1")
    tables["Opportunity.csv"][1][3] = "1500000"
    tables["Opportunity.csv"][2][5] = "2027-01-31"
    write_tables(tmp_path / "export", tables)
    run_import(runner, source, "--map", "salesforce", "-o", repo / "deals")
    git("add", "-A")
    git("commit", "-qm", "week 2")
    cwd = Path.cwd()
    try:
        os.chdir(repo)
        result = runner.invoke(app, ["review", "--since", "HEAD~1", "deals", "-f", "json"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.stderr
    kinds = {(c["id"], c["kind"]) for c in json.loads(result.stdout)["changes"]}
    assert kinds == {(OPP_1, "amount_up"), (OPP_2, "pushed")}


def test_an_optional_column_or_table_left_out_of_an_export_empties_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    # A single-currency org's export has no CurrencyIsoCode, and User.csv is optional:
    # the owner and currency the file holds stay, whoever wrote them.
    _, path, tables = first_import(runner, tmp_path)
    before = path.read_text(encoding="utf-8")
    assert "owner: 陈默" in before and "currency: CNY" in before
    opportunities = tables["Opportunity.csv"]
    gone = opportunities[0].index("CurrencyIsoCode")
    tables["Opportunity.csv"] = [[c for i, c in enumerate(r) if i != gone] for r in opportunities]
    del tables["User.csv"]
    shutil.rmtree(tmp_path / "export")
    out = reimport(runner, tmp_path, tables)
    assert path.read_text(encoding="utf-8") == before
    assert "0 updated" in out


def test_a_role_written_as_role_follows_the_crm_too(runner: CliRunner, tmp_path: Path) -> None:
    _, path, tables = first_import(runner, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "    roles: [EB]\n" in text
    path.write_text(text.replace("    roles: [EB]\n", "    role: EB\n", 1), encoding="utf-8")
    roles = tables["OpportunityContactRole.csv"]
    tables["OpportunityContactRole.csv"] = [r for r in roles if r[0] not in ("00K1", "00K2")]
    roles_table = tables["OpportunityContactRole.csv"]
    roles_table.append(["00K9", OPP_1, "0035g00000Zhang1", "Business User", "false"])
    shutil.rmtree(tmp_path / "export")
    reimport(runner, tmp_path, tables)
    assert roles_of(path)["张伟"] == ["UB"]
    assert "role: EB" not in path.read_text(encoding="utf-8")


def test_a_zip_holding_one_table_twice_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    import zipfile

    from tests.test_import_exports import csv_bytes, hubspot_tables

    tables = hubspot_tables()
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("x/deals.csv", csv_bytes(tables["deals.csv"]))
        zipped.writestr("y/deals.csv", csv_bytes(tables["deals.csv"][:2]))
    code, _, err = run_import(runner, archive, "--map", "hubspot", "-o", tmp_path / "deals")
    assert code == 2
    assert "two.zip/x/deals.csv: the archive holds this file twice" in err
    assert not (tmp_path / "deals").exists()
