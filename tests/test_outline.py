"""Machine-readable reports keep only each deal's outline after the first pass
(`DealFile.outline`): they must read exactly as when whole deals are kept, also
for the deals the second pass settles again (a duplicate id) and with a baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ebcheck.audit import cachecodec
from ebcheck.audit.baseline import baseline_text, build_entries
from ebcheck.audit.engine import Engine, audit_paths, words_for
from ebcheck.audit.settings import Settings
from ebcheck.deal.enums import Role
from ebcheck.deal.load import load_bytes
from ebcheck.reports import Format, RenderOptions, render
from tests.deals import READY

MACHINE = [Format.JSON, Format.SARIF, Format.JUNIT, Format.CONCISE, Format.GITHUB]

# HY005 suppressed in one copy of a duplicated id: only the second pass knows it is used.
WITH_SUPPRESSED_DUPLICATE = READY.replace(
    "  stance: supporter\n    met: 2026-11-10\n", "  stance: supporter\n", 1
) + ("suppress:\n  - {rule: HY005, reason: 旧文件待删除}\n  - {rule: EB011, reason: 不适用}\n")


def mixed_folder(tmp_path: Path) -> Path:
    """A duplicated id (suppressed in one copy), a deal of its own and a broken file."""
    deals = tmp_path / "deals"
    deals.mkdir()
    (deals / "a.yaml").write_text(WITH_SUPPRESSED_DUPLICATE, encoding="utf-8")
    (deals / "b.yaml").write_text(READY, encoding="utf-8")
    (deals / "c.yaml").write_text(READY.replace("HD-2026-031", "C-1"), encoding="utf-8")
    (deals / "d.yaml").write_text("ebcheck: 1\ndeal: [unclosed\n", encoding="utf-8")
    return deals


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return mixed_folder(tmp_path)


def reports(folder: Path, baseline: Path | None = None) -> dict[bool, str]:
    settings = Settings(root=folder.parent, cache_dir=None, baseline=baseline)
    options = RenderOptions(words_for("en"))
    texts: dict[bool, str] = {}
    for outline in (False, True):
        report = audit_paths([folder], settings, jobs=1, outline=outline)
        texts[outline] = "\n".join(render(report, fmt, options) for fmt in MACHINE)
    return texts


def test_outlines_give_the_reports_whole_deals_give(folder: Path) -> None:
    texts = reports(folder)
    assert texts[True] == texts[False]
    assert "HY005" in texts[True]  # the duplicate is found (and suppressed in a.yaml)
    assert "旧文件待删除" in texts[True]


def test_outlines_match_a_baseline_as_whole_deals_do(folder: Path, tmp_path: Path) -> None:
    settings = Settings(root=folder.parent, cache_dir=None)
    report = audit_paths([folder], settings, jobs=1)
    items = [(d.deal_id, d.deal, f) for d in report.deals if d.deal_id for f in d.findings]
    baseline = tmp_path / "baseline.json"
    baseline.write_text(baseline_text(build_entries(items)), encoding="utf-8")
    texts = reports(folder, baseline)
    assert texts[True] == texts[False]
    assert '"baselined": [\n' in texts[True]


def test_a_deal_settled_again_is_loaded_whole(folder: Path) -> None:
    """Rules that run in the second pass (a duplicate id settles a deal again) see the
    whole deal, people and roles included, not its outline."""
    engine = Engine.create(Settings(root=folder.parent, cache_dir=None), outline=True)
    audit = engine.check_file(folder / "b.yaml")
    assert audit.loaded.deal is not None
    assert audit.loaded.deal.stakeholders == []  # the outline: names only
    assert audit.loaded.deal.item_names()[("stakeholders",)][0] == "张伟"
    whole = engine.whole(audit).loaded.deal
    assert whole is not None
    assert whole.stakeholders[0].roles == [Role.EB]
    assert whole.eb_access is not None
    assert whole.eb_access.referral is not None


def test_the_cache_reads_back_the_same_outline(folder: Path) -> None:
    """A cache hit for a machine-readable report validates only the deal section of the
    stored deal: the outline it gives is the one the whole deal gives."""
    data = (folder / "a.yaml").read_bytes()
    loaded = load_bytes(data)
    assert loaded.deal is not None
    stored = json.loads(json.dumps(cachecodec.encode(loaded, (), None), ensure_ascii=False))
    back, _, _ = cachecodec.decode(stored, outline=True)
    assert back.deal is not None
    assert back.deal.is_outline
    assert back.deal.item_names() == loaded.deal.outline().item_names()
    assert back.deal.item_names()[("suppress",)] == ("HY005", "EB011")
    assert back.deal.deal == loaded.deal.deal
    assert (back.deal.ebcheck, back.deal.as_of) == (loaded.deal.ebcheck, loaded.deal.as_of)


def test_settled_findings_are_stored_once_and_checked_when_read(folder: Path) -> None:
    engine = Engine.create(Settings(root=folder.parent, cache_dir=None))
    audit = engine.check_file(folder / "a.yaml")
    assert audit.settled is not None
    stored = cachecodec.encode(audit.loaded, audit.findings, audit.settled)
    entries = stored["settled"]["findings"]
    # The file rules' findings by index; the S001 notes (HY005 is unused in one file) in full.
    assert any(type(entry) is int for entry in entries)
    assert [entry[0] for entry in entries if type(entry) is list] == ["S001", "S001"]
    _, findings, settled = cachecodec.decode(json.loads(json.dumps(stored)))
    assert settled is not None
    assert settled.findings == audit.settled.findings
    file_rules = [f for f in settled.findings if f.rule != "S001"]
    assert file_rules
    assert all(any(f is g for g in findings) for f in file_rules)  # one object, not a copy
    stored["settled"]["findings"][0] = len(findings)  # an index past the end: damaged
    with pytest.raises(ValueError, match="finding index"):
        cachecodec.decode(json.loads(json.dumps(stored)))


def test_a_file_gone_before_the_second_pass_keeps_its_outline(folder: Path) -> None:
    """The second pass reads a file again only when it must (a duplicate id); a file
    deleted meanwhile is settled from its outline, and its fields locate at the top."""
    engine = Engine.create(Settings(root=folder.parent, cache_dir=None), outline=True)
    audit = engine.check_file(folder / "b.yaml")
    (folder / "b.yaml").unlink()
    assert engine.whole(audit) is audit
    assert audit.loaded.source.locate(("deal", "id")) == (1, 1)
