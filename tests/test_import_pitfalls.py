"""Errors, never guesses: each pitfall of CRM exports, and every error located."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.cli.app import app
from ebcheck.crm.dates import parse_date, parse_zone
from ebcheck.crm.mapfile import map_path
from ebcheck.crm.numbers import parse_number
from ebcheck.crm.records import full_name
from ebcheck.crm.sfid import normalise
from ebcheck.deal.load import load_file
from tests.test_import_exports import (
    OPP_1,
    OPP_2,
    audit_json,
    csv_bytes,
    run_import,
    salesforce_tables,
    write_tables,
    zh_sheet_rows,
)

LOCATED = re.compile(r"^ebcheck: error: \S+:\d+:\d+: ")


def errors(stderr: str) -> list[str]:
    """The located error lines (the last line is the count of problems)."""
    lines = stderr.strip().splitlines()
    assert lines[-1].startswith("ebcheck: error: the import stopped at")
    for line in lines[:-1]:
        assert LOCATED.match(line), line
    return lines[:-1]


def import_sheet(
    runner: CliRunner, tmp_path: Path, rows: list[list[str]], *extra: str, map_text: str = ""
) -> tuple[int, str, str]:
    sheet = tmp_path / "商机.csv"
    sheet.write_bytes(csv_bytes(rows))
    chosen = "zh-sheet"
    if map_text:
        (tmp_path / "map.yaml").write_text(map_text, encoding="utf-8")
        chosen = str(tmp_path / "map.yaml")
    return run_import(runner, sheet, "--map", chosen, "-o", tmp_path / "deals", *extra)


def zh_map(old: str, new: str) -> str:
    text = map_path("zh-sheet").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


def test_unmapped_stages_are_listed_with_their_row_counts(
    runner: CliRunner, tmp_path: Path
) -> None:
    tables = salesforce_tables()
    opportunities = tables["Opportunity.csv"]
    opportunities[1][6] = "Discovery Call"
    opportunities[2][6] = "Discovery Call"
    third = [*opportunities[2]]
    third[0], third[6] = "0065g00000ThirdAAA", "Won-ish"
    opportunities.append(third)
    source = write_tables(tmp_path / "export", tables)
    code, _, err = run_import(runner, source, "--map", "salesforce", "-o", tmp_path / "deals")
    assert code == 2
    [line] = [e for e in errors(err) if "values.stage" in e]
    assert line.startswith("ebcheck: error: Opportunity.csv:2:7: StageName: 2 values are not")
    assert line.endswith("(value: number of rows): 'Discovery Call': 2, 'Won-ish': 1")
    assert not (tmp_path / "deals").exists()  # an import with errors writes nothing


def test_an_unmapped_role_is_an_error_not_a_dropped_contact(
    runner: CliRunner, tmp_path: Path
) -> None:
    tables = salesforce_tables()
    tables["OpportunityContactRole.csv"][3][3] = "Gatekeeper"
    source = write_tables(tmp_path / "export", tables)
    code, _, err = run_import(runner, source, "--map", "salesforce", "-o", tmp_path / "deals")
    assert code == 2
    [line] = errors(err)
    assert line.startswith("ebcheck: error: OpportunityContactRole.csv:4:4: Role: 1 value is")
    assert "values.role" in line and line.endswith("(value: number of rows): 'Gatekeeper': 1")


def test_an_ambiguous_date_is_an_error_until_the_map_declares_the_format(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = zh_sheet_rows()
    rows[1][5] = "04/05/2026"
    code, _, err = import_sheet(runner, tmp_path, rows)
    assert code == 2
    [line] = errors(err)
    assert line.startswith("ebcheck: error: 商机.csv:2:6: 预计成交日期: '04/05/2026' could be")
    rows[3][5] = "15/01/2027"
    declared = zh_map("{column: 预计成交日期}", '{column: 预计成交日期, date: "%d/%m/%Y"}')
    code, _, err = import_sheet(runner, tmp_path, rows, map_text=declared)
    assert (code, err) == (0, "")
    deal = load_file(tmp_path / "deals" / "SJ-2026-001.yaml").deal
    assert deal is not None and str(deal.deal.close_date) == "2026-05-04"


@pytest.mark.parametrize(
    ("text", "day"),
    [("31.12.2026", "2026-12-31"), ("12/31/2026", "2026-12-31"), ("2026/1/5", "2026-01-05"),
     ("2026年12月31日", "2026-12-31"), ("04/04/2026", "2026-04-04")],
)  # fmt: skip
def test_dates_that_can_be_read_one_way_only_need_no_format(text: str, day: str) -> None:
    assert str(parse_date(text, None)) == day


def test_a_column_that_writes_day_first_and_month_first_is_an_error(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = zh_sheet_rows()
    rows[1][5], rows[3][5] = "31/12/2026", "01/15/2027"
    code, _, err = import_sheet(runner, tmp_path, rows)
    assert code == 2
    [line] = errors(err)
    assert line.startswith("ebcheck: error: 商机.csv:4:6: 预计成交日期: '01/15/2027' puts the")
    assert "'31/12/2026' (商机.csv:2:6)" in line


def test_a_number_in_a_date_column_asks_how_to_read_it(runner: CliRunner, tmp_path: Path) -> None:
    rows = zh_sheet_rows()
    rows[1][5] = "46022"
    code, _, err = import_sheet(runner, tmp_path, rows)
    assert code == 2
    assert "`date: excel` (days since 1900) or `date: epoch_ms`" in errors(err)[0]
    excel = zh_map("{column: 预计成交日期}", "{column: 预计成交日期, date: excel}")
    rows[3][5] = "46037"
    code, _, err = import_sheet(runner, tmp_path, rows, map_text=excel)
    assert (code, err) == (0, "")
    deal = load_file(tmp_path / "deals" / "SJ-2026-001.yaml").deal
    assert deal is not None and str(deal.deal.close_date) == "2025-12-31"


def test_a_missing_close_date_on_an_open_deal_is_an_error_never_today(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = zh_sheet_rows()
    rows[3][5] = ""
    code, _, err = import_sheet(runner, tmp_path, rows)
    assert code == 2
    [line] = errors(err)
    assert line.startswith("ebcheck: error: 商机.csv:4:6: deal SJ-2026-002 is open but has no")
    rows[3][4] = "输单"  # a lost deal needs no close date
    code, _, err = import_sheet(runner, tmp_path, rows)
    assert (code, err) == (0, "")


def test_15_and_18_character_salesforce_ids_join() -> None:
    eighteen = normalise(OPP_1[:15])
    assert eighteen == OPP_1
    assert normalise(OPP_1.lower()) == OPP_1  # the suffix restores the case
    assert normalise("not-an-id") == "not-an-id"


@pytest.mark.parametrize(
    ("text", "style", "value"),
    [
        ("1,200,000.00", None, 1200000),
        ("1.200.000,00", "1.234,56", 1200000),
        ("1 200 000,50", "1 234,56", 1200000.5),
        ("120万", None, 1200000),
        ("120 万元", None, 1200000),
        ("1.5亿", None, 150000000),
        ("1200000", None, 1200000),
    ],
)
def test_amounts_in_every_declared_style(text: str, style: str | None, value: float) -> None:
    assert parse_number(text, style) == value


def test_without_a_declared_style_an_amount_is_read_when_every_style_agrees(
    runner: CliRunner, tmp_path: Path
) -> None:
    tables = salesforce_tables()
    tables["Opportunity.csv"][1][3] = "1.200.000,00"
    tables["Opportunity.csv"][2][3] = "1,200,000.00"
    source = write_tables(tmp_path / "export", tables)
    code, _, err = run_import(runner, source, "--map", "salesforce", "-o", tmp_path / "deals")
    assert (code, err) == (0, "")
    deals = audit_json(runner, tmp_path / "deals")
    assert deals[OPP_1]["amount"] == deals[OPP_2]["amount"] == 1200000
    tables["Opportunity.csv"][1][3] = "1,200"  # 1200, or 1.2?
    write_tables(tmp_path / "export", tables)
    code, _, err = run_import(runner, source, "--map", "salesforce", "-o", tmp_path / "deals")
    assert code == 2
    [line] = errors(err)
    assert line.startswith("ebcheck: error: Opportunity.csv:2:4: Amount: '1,200' reads differently")


def test_an_amount_in_another_style_names_the_style_to_declare(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = zh_sheet_rows()
    rows[3][6] = "1.200.000,00"
    code, _, err = import_sheet(runner, tmp_path, rows)
    assert code == 2
    [line] = errors(err)
    assert line.startswith("ebcheck: error: 商机.csv:4:7: 商机金额: '1.200.000,00'")
    assert 'declare `number: "1.234,56"`' in line
    declared = zh_map('number: "1,234.56"', 'number: "1.234,56"')
    rows[3][6] = "1.200.000,00"
    rows[1][6] = "120万"
    code, _, err = import_sheet(runner, tmp_path, rows, map_text=declared)
    assert (code, err) == (0, "")
    deals = audit_json(runner, tmp_path / "deals")
    assert deals["SJ-2026-002"]["amount"] == 1200000


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_utf8_with_or_without_bom_gb18030_lf_and_crlf_read_alike(
    runner: CliRunner, tmp_path: Path, encoding: str, newline: str
) -> None:
    rows = zh_sheet_rows()
    rows[1][9] = "第一步：演示\n第二步：报价"  # a quoted cell with a line break
    sheet = tmp_path / "商机.csv"
    sheet.write_bytes(csv_bytes(rows, encoding=encoding, newline=newline))
    code, _, err = run_import(runner, sheet, "--map", "zh-sheet", "-o", tmp_path / "deals")
    assert (code, err) == (0, "")
    deal = load_file(tmp_path / "deals" / "SJ-2026-001.yaml").deal
    assert deal is not None and deal.deal.name == "华东精密 MES 升级"
    assert deal.deal.next_step is not None
    assert deal.deal.next_step.action == "第一步：演示\n第二步：报价"
    assert [p.name for p in deal.stakeholders] == ["张伟", "李强"]


def test_a_row_number_counts_records_not_lines(runner: CliRunner, tmp_path: Path) -> None:
    rows = zh_sheet_rows()
    rows[1][9] = "多行\n文字\n在这里"
    rows[3][5] = "04/05/2026"
    code, _, err = import_sheet(runner, tmp_path, rows)
    assert code == 2
    assert errors(err)[0].startswith("ebcheck: error: 商机.csv:4:6:")  # as Excel numbers it


def test_a_midnight_timestamp_in_utc_plus_8_stays_the_same_day() -> None:
    assert str(parse_date("2026-12-31T00:00:00.000+0800", "iso")) == "2026-12-31"
    assert str(parse_date("2026-12-31 00:00:00+08:00", None)) == "2026-12-31"
    # An instant written in UTC is the day of the zone the map names.
    assert str(parse_date("2026-12-30T16:00:00.000Z", None, parse_zone("+08:00"))) == "2026-12-31"
    assert str(parse_date("1798646400000", "epoch_ms", parse_zone("UTC+8"))) == "2026-12-31"


def test_chinese_names_keep_the_family_name_first() -> None:
    assert full_name("伟", "张") == "张伟"
    assert full_name("Sam", "Okafor") == "Sam Okafor"
    assert full_name("", "张") == "张"


def test_currencies_are_never_converted(runner: CliRunner, tmp_path: Path) -> None:
    source = write_tables(tmp_path / "export", salesforce_tables())
    run_import(runner, source, "--map", "salesforce", "-o", tmp_path / "deals")
    result = runner.invoke(app, ["audit", str(tmp_path / "deals"), "-f", "json"])
    assert json.loads(result.stdout)["summary"]["amount"] == {"CNY": 1200000, "GBP": 750000}


def test_a_report_footer_is_not_data(runner: CliRunner, tmp_path: Path) -> None:
    rows = [*zh_sheet_rows(), [], ['"Confidential Information - Do Not Distribute"'], ["Generated"]]
    code, out, err = import_sheet(runner, tmp_path, rows)
    assert (code, err) == (0, "")
    assert "2 new" in out


def test_rows_of_one_deal_that_disagree_are_an_error(runner: CliRunner, tmp_path: Path) -> None:
    rows = zh_sheet_rows()
    rows[2][6] = "130万"
    code, _, err = import_sheet(runner, tmp_path, rows)
    assert code == 2
    [line] = errors(err)
    assert line.startswith("ebcheck: error: 商机.csv:3:7: 商机金额: '1300000' differs")


def test_a_missing_table_and_a_missing_column_are_named(runner: CliRunner, tmp_path: Path) -> None:
    tables = salesforce_tables()
    del tables["Contact.csv"]
    tables["Opportunity.csv"] = [row[:6] + row[7:] for row in tables["Opportunity.csv"]]
    source = write_tables(tmp_path / "export", tables)
    code, _, err = run_import(runner, source, "--map", "salesforce", "-o", tmp_path / "deals")
    assert code == 2
    assert "Contact.csv is not in the export (found: Account.csv," in err
    assert (
        "Opportunity.csv:1:1: the column 'StageName' is not in this file (its columns: Id," in err
    )


def test_errors_speak_chinese(runner: CliRunner, tmp_path: Path) -> None:
    rows = zh_sheet_rows()
    rows[1][4] = "谈判中"
    code, _, err = import_sheet(runner, tmp_path, rows, "--lang", "zh")
    assert code == 2
    assert "销售阶段：有 1 个取值不在映射的 `values.stage` 中" in err
    assert "导入因 1 个问题而停止，未写入任何文件" in err


def test_map_mistakes_are_located_in_the_map(runner: CliRunner, tmp_path: Path) -> None:
    broken = zh_map("    owner: {column: 负责人, optional: true}", "    owner: {colum: 负责人}")
    code, _, err = import_sheet(runner, tmp_path, zh_sheet_rows(), map_text=broken)
    assert code == 2
    map_file = str(tmp_path / "map.yaml")
    line = broken.splitlines().index("    owner: {colum: 负责人}") + 1
    assert errors(err) == [
        f"ebcheck: error: {map_file}:{line}:13: deals.fields.owner.colum: unknown key"
    ]
    wrong = zh_map("    proposal: [方案", "    proposel: [方案")
    code, _, err = import_sheet(runner, tmp_path, zh_sheet_rows(), map_text=wrong)
    [line] = errors(err)
    assert line.startswith(f"ebcheck: error: {map_file}:")
    assert "'proposel' is not a value this map can map onto" in line


def test_xlsx_without_openpyxl_says_how_to_install_it(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    (tmp_path / "商机.xlsx").write_bytes(b"PK")
    code, _, err = run_import(
        runner, tmp_path / "商机.xlsx", "--map", "zh-sheet", "-o", tmp_path / "deals"
    )
    assert code == 2
    assert "pip install 'ebcheck[xlsx]'" in err


def test_import_needs_a_source_an_output_and_a_map(runner: CliRunner, tmp_path: Path) -> None:
    assert run_import(runner)[0] == 2
    code, _, err = run_import(runner, tmp_path, "-o", tmp_path / "deals")
    assert code == 2 and "--map" in err
    code, _, err = run_import(runner, tmp_path / "nope", "--map", "zh-sheet", "-o", tmp_path)
    assert code == 2 and "no such file or folder" in err
    code, _, err = run_import(runner, tmp_path, "--map", "zh-sheet", "-o", tmp_path, "--lang", "fr")
    assert code == 2 and "--lang must be one of en, zh" in err


def test_a_sheet_without_ids_and_with_merged_cells(runner: CliRunner, tmp_path: Path) -> None:
    """No 商机编号 column: 商机名称 names the deal; a blank first cell (a merged cell)
    continues the deal above."""
    rows = [row[1:] for row in zh_sheet_rows()]
    rows[2][0] = ""
    code, _, err = import_sheet(runner, tmp_path, rows)
    assert (code, err) == (0, "")
    deals = audit_json(runner, tmp_path / "deals")
    assert set(deals) == {"华东精密 MES 升级", "苏州物流 WMS"}
    path = tmp_path / "deals" / "华东精密-MES-升级.yaml"
    deal = load_file(path).deal
    assert deal is not None and [p.name for p in deal.stakeholders] == ["张伟", "李强"]


def test_salesforce_contacts_with_only_a_name_and_api_forecast_values(
    runner: CliRunner, tmp_path: Path
) -> None:
    tables = salesforce_tables()
    tables["Contact.csv"] = [
        ["Id", "Name", "Title"],
        *[[row[0], full_name(row[1], row[2]), row[3]] for row in tables["Contact.csv"][1:]],
    ]
    tables["Opportunity.csv"][0][7] = "ForecastCategory"
    source = write_tables(tmp_path / "export", tables)
    code, _, err = run_import(runner, source, "--map", "salesforce", "-o", tmp_path / "deals")
    assert (code, err) == (0, "")
    deals = audit_json(runner, tmp_path / "deals")
    assert deals[OPP_1]["forecast"] == "commit"
    deal = load_file(tmp_path / "deals" / f"{OPP_1}.yaml").deal
    assert deal is not None and [p.name for p in deal.stakeholders] == ["张伟", "李强"]


def test_a_value_listed_under_two_targets_is_a_map_error(runner: CliRunner, tmp_path: Path) -> None:
    twice = zh_map("    proposal: [方案,", "    proposal: [商务谈判, 方案,")
    code, _, err = import_sheet(runner, tmp_path, zh_sheet_rows(), map_text=twice)
    assert code == 2
    [line] = errors(err)
    assert "'商务谈判' is listed under both proposal and negotiation" in line


def test_values_written_as_numbers_in_the_map_match_as_text(
    runner: CliRunner, tmp_path: Path
) -> None:
    numbered = zh_map("    proposal: [方案,", "    proposal: [3, 方案,")
    rows = zh_sheet_rows()
    rows[3][4] = "3"
    code, _, err = import_sheet(runner, tmp_path, rows, map_text=numbered)
    assert (code, err) == (0, "")
    assert audit_json(runner, tmp_path / "deals")["SJ-2026-002"]["stage"] == "proposal"


def test_a_hand_made_file_with_a_15_character_id_is_the_same_deal(
    runner: CliRunner, tmp_path: Path
) -> None:
    deals = tmp_path / "deals"
    deals.mkdir()
    mine = deals / "mes.yaml"
    mine.write_text(
        f"ebcheck: 1\ndeal:\n  id: {OPP_1[:15]}\n  name: MES\n  account: 华东\n"
        "  stage: qualification\n  close_date: 2026-11-30\n",
        encoding="utf-8",
    )
    source = write_tables(tmp_path / "export", salesforce_tables())
    code, out, err = run_import(runner, source, "--map", "salesforce", "-o", deals)
    assert (code, err) == (0, "")
    assert f"updated    {mine}" in out
    assert not (deals / f"{OPP_1}.yaml").exists()
    assert f"  id: {OPP_1[:15]}\n" in mine.read_text(encoding="utf-8")  # the id is the user's


def test_a_declared_iso_date_is_strict() -> None:
    assert str(parse_date("2026-12-31T00:00:00.000+0800", "iso")) == "2026-12-31"
    with pytest.raises(Exception) as caught:
        parse_date("31.12.2026", "iso")
    assert caught.value.key == "import_date_not_iso"  # type: ignore[attr-defined]


def test_errors_are_listed_by_file_then_row_then_column(runner: CliRunner, tmp_path: Path) -> None:
    tables = salesforce_tables()
    tables["Opportunity.csv"][2][5] = "2026-13-45"  # found first, while the rows are read
    tables["Opportunity.csv"][1][6] = "Discovery Call"  # reported once the rows are all read
    tables["OpportunityContactRole.csv"][3][3] = "Boss"  # a role: its value map comes first
    source = write_tables(tmp_path / "export", tables)
    code, _, err = run_import(runner, source, "--map", "salesforce", "-o", tmp_path / "deals")
    assert code == 2
    places = [line.split(": ")[2] for line in errors(err)]
    assert places == [
        "Opportunity.csv:2:7",
        "Opportunity.csv:3:6",
        "OpportunityContactRole.csv:4:4",
    ]


def test_a_utf16_csv_names_the_map_key_that_reads_it(runner: CliRunner, tmp_path: Path) -> None:
    rows = zh_sheet_rows()
    sheet = tmp_path / "商机.csv"
    sheet.write_bytes(csv_bytes(rows, encoding="utf-16"))
    code, _, err = run_import(runner, sheet, "--map", "zh-sheet", "-o", tmp_path / "deals")
    assert code == 2
    assert "declare `encoding:` for the table in the map" in err
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "`encoding` (a CSV's text encoding" in readme
    declared = zh_map(
        "{file: 商机.csv, key: 商机编号}", "{file: 商机.csv, key: 商机编号, encoding: utf-16}"
    )
    (tmp_path / "map.yaml").write_text(declared, encoding="utf-8")
    code, _, err = run_import(
        runner, sheet, "--map", tmp_path / "map.yaml", "-o", tmp_path / "deals"
    )
    assert (code, err) == (0, "")
    assert (tmp_path / "deals" / "SJ-2026-001.yaml").exists()


@pytest.mark.parametrize(
    ("args", "option", "found"),
    [
        (["SOURCE", "--map-template", "hubspot"], "--map-template", "SOURCE"),
        (["--map-template", "hubspot", "--map", "salesforce"], "--map-template", "--map"),
        (["--map-template", "hubspot", "-o", "deals"], "--map-template", "-o"),
        (["SOURCE", "--sheet-template"], "--sheet-template", "SOURCE"),
        (["--sheet-template", "-o", "deals"], "--sheet-template", "-o"),
    ],
)
def test_a_template_option_with_import_arguments_is_a_usage_error(
    runner: CliRunner, tmp_path: Path, args: list[str], option: str, found: str
) -> None:
    code, out, err = run_import(runner, *[str(tmp_path) if a == "SOURCE" else a for a in args])
    assert (code, out) == (2, "")
    assert (
        f"ebcheck: error: {option} prints a template and takes no {found}; run it on its own" in err
    )
    assert not (tmp_path / "deals").exists()


def test_a_quote_never_closed_is_an_error_not_later_rows_swallowed(
    runner: CliRunner, tmp_path: Path
) -> None:
    lines = [",".join(row) for row in zh_sheet_rows()]
    lines[1] = lines[1].replace("向张总演示试点结果", '"向张总演示', 1)
    text = "\n".join(lines) + "\n"  # unquoted, as a hand-saved sheet is
    sheet = tmp_path / "商机.csv"
    sheet.write_bytes(text.encode("utf-8"))
    code, _, err = run_import(runner, sheet, "--map", "zh-sheet", "-o", tmp_path / "deals")
    assert code == 2
    (line,) = errors(err)
    assert line.startswith("ebcheck: error: 商机.csv:2:1: a quoted cell opened in this row")
    assert not (tmp_path / "deals").exists()


def test_a_cell_longer_than_the_csv_modules_default_limit_is_read(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = zh_sheet_rows()
    rows[1][9] = "演示" * 100_000  # 200,000 characters, past csv's 131,072
    code, _, err = import_sheet(runner, tmp_path, rows)
    assert (code, err) == (0, "")
    deal = load_file(tmp_path / "deals" / "SJ-2026-001.yaml").deal
    assert deal is not None and deal.deal.next_step is not None
    assert len(deal.deal.next_step.action) == 200_000


def test_a_further_contact_after_a_blank_row_is_data_not_a_footer(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = zh_sheet_rows()
    rows.append([])
    rows.append(["SJ-2026-002", *[""] * 9, "赵敏", "采购经理", "使用者"])
    code, _, err = import_sheet(runner, tmp_path, rows)
    assert (code, err) == (0, "")
    deal = load_file(tmp_path / "deals" / "SJ-2026-002.yaml").deal
    assert deal is not None and [p.name for p in deal.stakeholders] == ["赵敏"]


LATIN_MAP = """\
ebcheck_map: 1
system: t
tables:
  t: {file: deals.csv, key: Id}
deals:
  table: t
  fields: {id: Id, name: Name, account: Account, stage: Stage, close_date: CloseDate}
"""


def test_a_latin_1_export_is_an_encoding_error_not_read_as_chinese(
    runner: CliRunner, tmp_path: Path
) -> None:
    # Any byte pairs decode as GB18030: "Générale" would read as "G閚閞ale".
    sheet = tmp_path / "deals.csv"
    text = "Id,Name,Account,Stage,CloseDate\nX1,Générale rollout,Müller,proposal,2026-12-31\n"
    sheet.write_bytes(text.encode("cp1252"))
    (tmp_path / "map.yaml").write_text(LATIN_MAP, encoding="utf-8")
    code, _, err = run_import(
        runner, sheet, "--map", str(tmp_path / "map.yaml"), "-o", tmp_path / "deals"
    )
    assert code == 2
    assert "deals.csv: the file is not text in UTF-8, GB18030" in err
    # Declared, it is read as written.
    (tmp_path / "map.yaml").write_text(
        LATIN_MAP.replace("key: Id}", "key: Id, encoding: cp1252}"), encoding="utf-8"
    )
    code, _, err = run_import(
        runner, sheet, "--map", str(tmp_path / "map.yaml"), "-o", tmp_path / "deals"
    )
    assert (code, err) == (0, "")
    deal = load_file(tmp_path / "deals" / "X1.yaml").deal
    assert deal is not None and deal.deal.account == "Müller"


def test_an_epoch_date_without_a_time_zone_is_a_map_error(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = zh_map(
        "close_date: {column: 预计成交日期}", "close_date: {column: 预计成交日期, date: epoch_ms}"
    )
    code, _, err = import_sheet(runner, tmp_path, zh_sheet_rows(), map_text=text)
    assert code == 2
    assert "`date: epoch_ms` is an instant, not a day: give `timezone:`" in err
