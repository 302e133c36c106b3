"""`ebcheck import` on exports built here in each shipped map's shape: the files written
load and audit without E001/E002, with the roles, stages, amounts and history expected.

The builders below are shared by the other `test_import_*` files.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.cli.app import app
from ebcheck.deal.load import load_file

Rows = list[list[str]]

OPP_1 = "0065g00000AbCdEAAV"  # 18 characters; its 15-character form is OPP_1[:15]
OPP_2 = "0065g00000QqRrSAAV"
ACCOUNT = "0015g00000XyZaB"  # written with 15 characters in Account.csv


def csv_bytes(rows: Rows, encoding: str = "utf-8-sig", newline: str = "\r\n") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue().encode(encoding)


def salesforce_tables() -> dict[str, Rows]:
    """A Salesforce Data Export: API names as headers, API picklist values."""
    return {
        "Opportunity.csv": [
            ["Id", "AccountId", "Name", "Amount", "CurrencyIsoCode", "CloseDate", "StageName",
             "ForecastCategoryName", "NextStep", "OwnerId"],
            [OPP_1, ACCOUNT, "华东精密 MES 升级", "1200000.00", "CNY", "2026-12-31",
             "Proposal/Price Quote", "Forecast", "向张总演示\n试点结果", "0055g000001AbCd"],
            [OPP_2, ACCOUNT + "AAV", "Line 3 packaging retrofit", "750000", "GBP",
             "2026-12-18", "Negotiation/Review", "BestCase", "", ""],
        ],
        "Account.csv": [["Id", "Name"], [ACCOUNT, "华东精密制造有限公司"]],
        "User.csv": [["Id", "FirstName", "LastName"], ["0055g000001AbCd", "默", "陈"]],
        "Contact.csv": [
            ["Id", "FirstName", "LastName", "Title"],
            ["0035g00000Zhang1", "伟", "张", "总经理"],
            ["0035g00000LiQia1", "强", "李", "信息部经理"],
            ["0035g00000Okafo1", "Sam", "Okafor", "COO"],
        ],
        "OpportunityContactRole.csv": [
            ["Id", "OpportunityId", "ContactId", "Role", "IsPrimary"],
            ["00K1", OPP_1[:15], "0035g00000Zhang1", "Economic Buyer", "true"],
            ["00K2", OPP_1, "0035g00000Zhang1", "Decision Maker", "false"],
            ["00K3", OPP_1, "0035g00000LiQia1", "Technical Buyer", "false"],
            ["00K4", OPP_1.lower(), "0035g00000LiQia1", "Business User", "false"],
            ["00K5", OPP_2, "0035g00000Okafo1", "Economic Decision Maker", "true"],
        ],
        "OpportunityHistory.csv": [
            ["OpportunityId", "CreatedDate", "StageName", "CloseDate", "Amount"],
            [OPP_1, "2026-06-01T02:00:00.000Z", "Qualification", "2026-06-30", "1000000"],
            [OPP_1, "2026-07-15T02:00:00.000Z", "Needs Analysis", "2026-08-31", "1000000"],
            [OPP_1, "2026-10-02T03:15:00.000Z", "Proposal/Price Quote", "2026-10-31", "1200000"],
            [OPP_1, "2026-11-01T03:15:00.000Z", "Proposal/Price Quote", "2026-12-31", "1200000"],
        ],
    }  # fmt: skip


def hubspot_tables() -> dict[str, Rows]:
    """A HubSpot deal export (labels) and the contacts export with Buying Role."""
    return {
        "deals.csv": [
            ["Record ID", "Deal Name", "Associated Company", "Deal owner", "Amount", "Currency",
             "Deal Stage", "Close Date", "Forecast category", "Next step", "Associated Contact"],
            ["9001", "Cloud migration", "Acme Corp", "Jo Rep", "1,200,000.00", "USD",
             "Decision Maker Bought-In", "2026-12-31T00:00:00.000+0800", "Commit",
             "Demo for the CFO", "Okafor, Sam (sam@acme.test);Ada Lovelace (ada@acme.test)"],
            ["9002", "Renewal 2027", "Beta GmbH", "", "", "EUR", "closedwon", "2026-10-01",
             "Closed won", "", "Hans Meier (hans@beta.test)"],
        ],
        "contacts.csv": [
            ["Record ID", "First Name", "Last Name", "Email", "Job Title", "Buying Role"],
            ["1", "Sam", "Okafor", "sam@acme.test", "CFO", "Decision Maker;Budget Holder"],
            ["2", "Ada", "Lovelace", "ada@acme.test", "CTO", "Champion"],
            ["3", "Hans", "Meier", "hans@beta.test", "", "End User"],
        ],
    }  # fmt: skip


ZH_HEADER = ["商机编号", "商机名称", "客户名称", "负责人", "销售阶段", "预计成交日期", "商机金额",
             "币种", "预测类别", "下一步", "联系人", "职务", "角色"]  # fmt: skip


def zh_sheet_rows() -> Rows:
    return [
        ZH_HEADER,
        ["SJ-2026-001", "华东精密 MES 升级", "华东精密制造有限公司", "陈默", "方案", "2026/12/31",
         "120万", "CNY", "承诺", "向张总演示试点结果", "张伟", "总经理", "决策者"],
        ["SJ-2026-001", *[""] * 9, "李强", "信息部经理", "技术把关人、使用者"],
        ["SJ-2026-002", "苏州物流 WMS", "苏州物流有限公司", "王芳", "商务谈判", "2027年1月15日",
         "860,000", "", "", "", "", "", ""],
    ]  # fmt: skip


def dynamics_tables() -> dict[str, Rows]:
    return {
        "opportunity.csv": [
            ["opportunityid", "name", "parentaccountid", "owneridname", "estimatedvalue",
             "isocurrencycode", "salesstage", "statecode", "estimatedclosedate",
             "msdyn_forecastcategory", "stepname"],
            ["a1b2", "ERP rollout", "acc1", "Kim Lee", "500000", "EUR", "2", "0", "2026-11-30",
             "100000003", "3-Propose"],
            ["c3d4", "Old deal", "acc1", "Kim Lee", "90000", "EUR", "3", "1", "2026-09-30",
             "100000005", ""],
        ],
        "account.csv": [["accountid", "name"], ["acc1", "Contoso Ltd"]],
        "contact.csv": [
            ["contactid", "firstname", "lastname", "jobtitle"],
            ["ct1", "Maria", "Garcia", "CFO"],
            ["ct2", "Tom", "Baker", "IT lead"],
        ],
        "connection.csv": [
            ["connectionid", "record1id", "record2id", "record2roleidname"],
            ["cn1", "a1b2", "ct1", "Economic Buyer"],
            ["cn2", "a1b2", "ct2", "Technical Buyer"],
            ["cn3", "a1b2", "ct2", "Champion"],
        ],
    }  # fmt: skip


def write_tables(folder: Path, tables: dict[str, Rows]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        (folder / name).write_bytes(csv_bytes(rows))
    return folder


def write_zip(path: Path, tables: dict[str, Rows]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, rows in tables.items():
            archive.writestr(f"WE_00D5g000000abcd_1/{name}", csv_bytes(rows))
    return path


def run_import(runner: CliRunner, *args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["import", *map(str, args)], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def audit_json(runner: CliRunner, folder: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["audit", str(folder), "-f", "json", "--fail-on", "never"])
    report = json.loads(result.stdout)
    assert report["summary"]["invalid"] == 0, result.stdout
    for deal in report["deals"]:
        assert not [f for f in deal["findings"] if f["rule"] in ("E001", "E002")], deal
    return {deal["id"]: deal for deal in report["deals"]}


def roles_of(path: Path) -> dict[str, list[str]]:
    loaded = load_file(path)
    assert loaded.deal is not None, loaded.problems
    return {p.name: sorted(r.value for r in p.all_roles) for p in loaded.deal.stakeholders}


@pytest.mark.parametrize("packed", [False, True], ids=["folder", "zip"])
def test_a_salesforce_data_export_becomes_deal_files(
    runner: CliRunner, tmp_path: Path, packed: bool
) -> None:
    tables = salesforce_tables()
    source = (
        write_zip(tmp_path / "export.zip", tables)
        if packed
        else write_tables(tmp_path / "export", tables)
    )
    code, out, err = run_import(runner, source, "--map", "salesforce", "-o", tmp_path / "deals")
    assert (code, err) == (0, "")
    assert "2 new" in out
    deals = audit_json(runner, tmp_path / "deals")
    assert set(deals) == {OPP_1, OPP_2}
    first = deals[OPP_1]
    assert (first["stage"], first["amount"], first["currency"]) == ("proposal", 1200000, "CNY")
    assert first["forecast"] == "commit"
    assert first["pushes"] == 3
    path = tmp_path / "deals" / f"{OPP_1}.yaml"
    deal = load_file(path).deal
    assert deal is not None
    assert [str(d) for d in deal.deal.close_date_history or []] == [
        "2026-06-30",
        "2026-08-31",
        "2026-10-31",
    ]
    assert str(deal.deal.stage_entered) == "2026-10-02"
    assert deal.deal.owner == "陈默"
    assert deal.deal.account == "华东精密制造有限公司"
    assert deal.deal.next_step is not None and deal.deal.next_step.action == "向张总演示\n试点结果"
    assert roles_of(path) == {"张伟": ["EB"], "李强": ["TB", "UB"]}
    second = deals[OPP_2]
    assert (second["stage"], second["amount"], second["currency"]) == ("negotiation", 750000, "GBP")
    assert roles_of(tmp_path / "deals" / f"{OPP_2}.yaml") == {"Sam Okafor": ["EB"]}


def test_a_hubspot_export_becomes_deal_files(runner: CliRunner, tmp_path: Path) -> None:
    source = write_tables(tmp_path / "hubspot", hubspot_tables())
    code, _, err = run_import(runner, source, "--map", "hubspot", "-o", tmp_path / "deals")
    assert (code, err) == (0, "")
    deals = audit_json(runner, tmp_path / "deals")
    assert (deals["9001"]["stage"], deals["9001"]["amount"]) == ("proposal", 1200000)
    assert deals["9001"]["currency"] == "USD"
    assert deals["9002"]["stage"] == "closed_won"
    deal = load_file(tmp_path / "deals" / "9001.yaml").deal
    assert deal is not None and str(deal.deal.close_date) == "2026-12-31"
    # "Okafor, Sam (sam@…)": a comma in a name does not split the cell; the name comes from
    # the contacts export, and Decision Maker + Budget Holder is one EB role.
    assert roles_of(tmp_path / "deals" / "9001.yaml") == {
        "Ada Lovelace": ["coach"],
        "Sam Okafor": ["EB"],
    }
    assert roles_of(tmp_path / "deals" / "9002.yaml") == {"Hans Meier": ["UB"]}


def test_hubspot_without_the_contacts_export_keeps_the_names_of_the_cell(
    runner: CliRunner, tmp_path: Path
) -> None:
    tables = hubspot_tables()
    del tables["contacts.csv"]
    source = write_tables(tmp_path / "hubspot", tables)
    code, _, err = run_import(runner, source, "--map", "hubspot", "-o", tmp_path / "deals")
    assert (code, err) == (0, "")
    assert roles_of(tmp_path / "deals" / "9001.yaml") == {"Ada Lovelace": [], "Okafor, Sam": []}


def test_hubspot_joins_a_contact_whatever_the_case_of_its_email(
    runner: CliRunner, tmp_path: Path
) -> None:
    tables = hubspot_tables()
    tables["deals.csv"][2][10] = "张伟 (zw@hd.cn)"
    tables["contacts.csv"].append(["4", "伟", "张", "ZW@hd.cn", "总经理", "Decision Maker"])
    source = write_tables(tmp_path / "hubspot", tables)
    code, _, err = run_import(runner, source, "--map", "hubspot", "-o", tmp_path / "deals")
    assert (code, err) == (0, "")
    assert roles_of(tmp_path / "deals" / "9002.yaml") == {"张伟": ["EB"]}


def test_a_case_insensitive_key_that_repeats_in_another_case_is_an_error(
    runner: CliRunner, tmp_path: Path
) -> None:
    tables = hubspot_tables()
    tables["contacts.csv"].append(["5", "Sam", "O.", "SAM@acme.test", "", ""])
    source = write_tables(tmp_path / "hubspot", tables)
    code, _, err = run_import(runner, source, "--map", "hubspot", "-o", tmp_path / "deals")
    assert code == 2
    assert "contacts.csv:5:4: the key 'SAM@acme.test' appears on two rows of this table" in err


def test_the_chinese_sheet_becomes_deal_files(runner: CliRunner, tmp_path: Path) -> None:
    sheet = tmp_path / "商机.csv"
    sheet.write_bytes(csv_bytes(zh_sheet_rows()))
    code, out, err = run_import(
        runner, sheet, "--map", "zh-sheet", "-o", tmp_path / "deals", "--lang", "zh"
    )
    assert (code, err) == (0, "")
    assert "新建 2" in out
    deals = audit_json(runner, tmp_path / "deals")
    assert (deals["SJ-2026-001"]["amount"], deals["SJ-2026-001"]["stage"]) == (1200000, "proposal")
    assert deals["SJ-2026-001"]["forecast"] == "commit"
    assert (deals["SJ-2026-002"]["amount"], deals["SJ-2026-002"]["currency"]) == (860000, "CNY")
    assert roles_of(tmp_path / "deals" / "SJ-2026-001.yaml") == {
        "张伟": ["EB"],
        "李强": ["TB", "UB"],
    }
    text = (tmp_path / "deals" / "SJ-2026-001.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 由 `ebcheck import` 从 zh-sheet 导入")


def test_the_chinese_sheet_as_xlsx(runner: CliRunner, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    for row in zh_sheet_rows():
        sheet.append(row)
    sheet["F2"] = dt.datetime(2026, 12, 31)  # a real date cell, as Excel stores one
    sheet["G4"] = 860000
    book.save(tmp_path / "商机.xlsx")
    code, _, err = run_import(
        runner, tmp_path / "商机.xlsx", "--map", "zh-sheet", "-o", tmp_path / "deals"
    )
    assert (code, err) == (0, "")
    deals = audit_json(runner, tmp_path / "deals")
    assert deals["SJ-2026-002"]["amount"] == 860000
    loaded = load_file(tmp_path / "deals" / "SJ-2026-001.yaml").deal
    assert loaded is not None and str(loaded.deal.close_date) == "2026-12-31"


def test_the_shipped_sheet_template_imports_as_it_is(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", "--sheet-template"])
    assert result.exit_code == 0
    sheet = tmp_path / "商机.csv"
    sheet.write_bytes(result.stdout_bytes)
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    code, _, err = run_import(runner, sheet, "--map", "zh-sheet", "-o", tmp_path / "deals")
    assert (code, err) == (0, "")
    audit_json(runner, tmp_path / "deals")


def test_a_dynamics_export_becomes_deal_files(runner: CliRunner, tmp_path: Path) -> None:
    source = write_tables(tmp_path / "dyn", dynamics_tables())
    code, _, err = run_import(runner, source, "--map", "dynamics", "-o", tmp_path / "deals")
    assert (code, err) == (0, "")
    deals = audit_json(runner, tmp_path / "deals")
    assert (deals["a1b2"]["stage"], deals["a1b2"]["forecast"]) == ("proposal", "commit")
    assert deals["c3d4"]["stage"] == "closed_won"  # statecode Won wins over the sales stage
    assert roles_of(tmp_path / "deals" / "a1b2.yaml") == {
        "Maria Garcia": ["EB"],
        "Tom Baker": ["TB", "coach"],
    }


@pytest.mark.parametrize("name", ["salesforce", "hubspot", "dynamics", "zh-sheet"])
def test_map_template_prints_a_shipped_map_that_loads(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    from ebcheck.crm.mapfile import load_map

    result = runner.invoke(app, ["import", "--map-template", name])
    assert result.exit_code == 0
    copy = tmp_path / "mine.yaml"
    copy.write_text(result.stdout, encoding="utf-8")
    assert load_map(str(copy)).system == name


def test_an_unknown_map_template_lists_the_shipped_ones(runner: CliRunner) -> None:
    result = runner.invoke(app, ["import", "--map-template", "pipedrive"])
    assert result.exit_code == 2
    assert "salesforce, hubspot, dynamics, zh-sheet" in result.stderr


def test_a_table_saved_as_xlsx_is_found_by_its_csv_name(runner: CliRunner, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    tables = hubspot_tables()
    folder = write_tables(tmp_path / "hubspot", {"contacts.csv": tables["contacts.csv"]})
    book = openpyxl.Workbook()
    for row in tables["deals.csv"]:
        book.active.append(row)
    book.save(folder / "Deals.xlsx")
    code, _, err = run_import(runner, folder, "--map", "hubspot", "-o", tmp_path / "deals")
    assert (code, err) == (0, "")
    assert roles_of(tmp_path / "deals" / "9002.yaml") == {"Hans Meier": ["UB"]}


def test_a_new_deal_file_gets_the_usual_mode_and_an_updated_one_keeps_its_own(
    runner: CliRunner, tmp_path: Path
) -> None:
    import os

    sheet = tmp_path / "商机.csv"
    sheet.write_bytes(runner.invoke(app, ["import", "--sheet-template"]).stdout_bytes)
    umask = os.umask(0o022)
    try:
        run_import(runner, sheet, "--map", "zh-sheet", "-o", tmp_path / "deals")
        (written,) = (tmp_path / "deals").glob("*.yaml")
        assert written.stat().st_mode & 0o777 == 0o644  # readable by the team, not 0600
        written.chmod(0o640)
        sheet.write_bytes(sheet.read_bytes().replace("120万".encode(), "130万".encode()))
        run_import(runner, sheet, "--map", "zh-sheet", "-o", tmp_path / "deals")
        assert written.stat().st_mode & 0o777 == 0o640
        assert "amount: 1300000" in written.read_text(encoding="utf-8")
    finally:
        os.umask(umask)
