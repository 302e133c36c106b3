"""The JSON, concise and JUnit reports are streamed (`ebcheck.audit.stream`): each deal is
judged and written as its first pass ends, and only its tally is kept. They must read
exactly as the report built whole does, in one process and with workers, also for the
deals a repository rule finds something in (a duplicate id) and for suppressions."""

from __future__ import annotations

import gc
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.audit import stream
from ebcheck.audit.engine import (
    PARALLEL_THRESHOLD,
    Engine,
    audit_paths,
    fewer_collections,
    words_for,
)
from ebcheck.audit.findings import RuleCrash
from ebcheck.audit.rendered import render_task
from ebcheck.audit.results import StreamedReport
from ebcheck.audit.settings import Settings
from ebcheck.audit.stream import Spool, stream_paths
from ebcheck.cli.app import app
from ebcheck.deal.enums import Forecast, Stage
from ebcheck.deal.models import DealFile
from ebcheck.reports import Format, RenderOptions, deal_writer, render, render_chunks
from tests.deals import READY
from tests.test_outline import mixed_folder

STREAMED = [Format.JSON, Format.CONCISE, Format.JUNIT, Format.SARIF]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    deals = mixed_folder(tmp_path)
    closed = READY.replace("stage: proposal", "stage: closed_won").replace("HD-2026-031", "W-9")
    (deals / "e.yaml").write_text(closed, encoding="utf-8")
    return deals


def _whole_and_streamed(folder: Path, fmt: Format, jobs: int) -> tuple[str, str]:
    settings = Settings(root=folder.parent, cache_dir=None)
    options = RenderOptions(words_for("en"))
    whole = render(audit_paths([folder], settings, jobs=jobs), fmt, options)
    written = deal_writer(fmt, options)
    assert written is not None
    streamed = stream_paths([folder], settings, written, jobs=jobs)
    return whole, "".join(render_chunks(streamed, fmt, options))


@pytest.mark.parametrize("fmt", STREAMED)
def test_a_streamed_report_reads_as_the_whole_one(folder: Path, fmt: Format) -> None:
    whole, streamed = _whole_and_streamed(folder, fmt, jobs=1)
    assert streamed == whole
    assert "HY005" in streamed  # the duplicate id is found in b.yaml (suppressed in a.yaml)
    assert "E001" in streamed  # the broken file is reported


def test_the_junit_totals_come_first_and_add_up(folder: Path) -> None:
    """The totals are written before any suite, from the tallies: they must count
    exactly the test cases, failures and errors the suites hold."""
    _, streamed = _whole_and_streamed(folder, Format.JUNIT, jobs=1)
    root = ET.fromstring(streamed.encode("utf-8"))  # noqa: S314 - our own output
    suites = root.findall("testsuite")
    assert len(suites) == 5
    counted = {
        "tests": [len(s.findall("testcase")) for s in suites],
        "failures": [len(s.findall("testcase/failure")) for s in suites],
        "errors": [len(s.findall("testcase/error")) for s in suites],
    }
    for key, per_suite in counted.items():
        assert [int(s.get(key, "-1")) for s in suites] == per_suite
        assert int(root.get(key, "-1")) == sum(per_suite)
    assert sum(counted["failures"]) > 0
    broken = next(s for s in suites if s.get("name") == "deals/d.yaml")
    assert broken.get("errors") == "1"


def test_both_copies_of_a_duplicate_id_are_judged_with_it(folder: Path) -> None:
    _, streamed = _whole_and_streamed(folder, Format.JSON, jobs=1)
    deals = {deal["path"]: deal for deal in json.loads(streamed)["deals"]}
    found_in_b = [f["rule"] for f in deals["deals/b.yaml"]["findings"]]
    assert "HY005" in found_in_b
    suppressed_in_a = [s["rule"] for s in deals["deals/a.yaml"]["suppressed"]]
    assert "HY005" in suppressed_in_a
    unused = [f["message"] for f in deals["deals/a.yaml"]["findings"] if f["rule"] == "S001"]
    assert not [message for message in unused if "HY005" in message]  # that entry was used
    assert deals["deals/b.yaml"]["verdict"] != "ready"  # a high finding weighs


@pytest.mark.parametrize("fmt", STREAMED)
def test_workers_stream_the_same_report(tmp_path: Path, fmt: Format) -> None:
    deals = tmp_path / "deals"
    deals.mkdir()
    for n in range(PARALLEL_THRESHOLD + 6):
        text = READY.replace("HD-2026-031", f"P-{n % (PARALLEL_THRESHOLD + 3)}")
        (deals / f"d{n:02}.yaml").write_text(text, encoding="utf-8")
    (deals / "zz.yaml").write_text("ebcheck: 1\n\tdeal: x\n", encoding="utf-8")
    one, _ = _whole_and_streamed(deals, fmt, jobs=1)
    whole, streamed = _whole_and_streamed(deals, fmt, jobs=2)
    assert streamed == whole == one
    assert streamed.count("HY005") >= 6  # three ids used twice, each copy reported


def test_the_command_line_streams_json_and_exits_as_before(folder: Path) -> None:
    result = CliRunner().invoke(app, ["audit", "-f", "json", str(folder)])
    assert result.exit_code == 1  # the broken file fails the run
    report = json.loads(result.stdout)
    assert report["summary"]["deals"] == 5
    assert report["summary"]["invalid"] == 1
    assert report["deals"][0]["path"].endswith("a.yaml")


@pytest.mark.parametrize("on_disk", [True, False])
@pytest.mark.parametrize("batch", [1, 12, 1 << 18])
def test_the_texts_wait_in_a_scratch_file_and_come_back_whole(
    batch: int, on_disk: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "SPOOL_BATCH", batch)
    if not on_disk:
        monkeypatch.setattr(tempfile, "TemporaryFile", _refused)
    spool = Spool()
    texts = ["张伟 (EB)\n", "", "plain\n", "\u200b", "a longer text, past a small batch\n"]
    where = [spool.add(text) for text in texts]
    assert where[1] == (0, 0)
    assert [spool.read(*at) for at in where] == texts
    assert spool.add("one more\n") and spool.read(*where[0]) == texts[0]
    spool.close()


def _refused(*args: object, **kwargs: object) -> None:
    raise OSError(30, "Read-only file system")


def test_no_scratch_folder_keeps_the_texts_in_memory(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected, _ = _whole_and_streamed(folder, Format.JSON, jobs=1)

    monkeypatch.setattr(tempfile, "TemporaryFile", _refused)
    _, streamed = _whole_and_streamed(folder, Format.JSON, jobs=1)
    assert streamed == expected


def test_a_streamed_report_is_rendered_only_in_its_own_format(folder: Path) -> None:
    settings = Settings(root=folder.parent, cache_dir=None)
    written = deal_writer(Format.JSON, RenderOptions(words_for("en")))
    assert written is not None
    report = stream_paths([folder], settings, written, jobs=1)
    assert isinstance(report, StreamedReport)
    options = RenderOptions(words_for("en"))
    with pytest.raises(ValueError, match="only in the format"):
        "".join(render_chunks(report, Format.CONCISE, options))
    with pytest.raises(ValueError, match="only in the format"):
        "".join(render_chunks(report, Format.SARIF, options))
    with pytest.raises(TypeError, match="needs a whole report"):
        "".join(render_chunks(report, Format.MARKDOWN, options))


def test_a_repository_rule_sees_only_the_id_and_stage_of_a_streamed_deal() -> None:
    deal = DealFile.identified("HD-2026-031", Stage.PROPOSAL, None)
    assert (deal.deal.id, deal.deal.stage) == ("HD-2026-031", Stage.PROPOSAL)
    assert deal.stakeholders == []
    with pytest.raises(AttributeError):
        _ = deal.deal.account  # unknown, not made up
    other = DealFile.identified("C-1", Stage.DISCOVERY, None)
    assert deal.deal.id == "HD-2026-031"  # each copy is its own
    assert other.deal.id == "C-1"


def test_a_full_scratch_folder_keeps_the_texts_in_memory(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ulimit -f` or a full disk while the texts are written: the run goes on in memory
    with what was written so far, and the report is whole."""
    expected, _ = _whole_and_streamed(folder, Format.JSON, jobs=1)
    written = {"bytes": 0}

    def full(fd: int, data: bytes) -> None:
        if written["bytes"] + len(data) > 3000:
            os.write(fd, data[:100])  # a short write, then the error
            raise OSError(27, "File too large")
        written["bytes"] += os.write(fd, data)

    monkeypatch.setattr(stream, "write_all", full)
    monkeypatch.setattr(stream, "SPOOL_BATCH", 1000)  # a few deals per write
    _, streamed = _whole_and_streamed(folder, Format.JSON, jobs=1)
    assert written["bytes"] > 0  # some texts were on disk before it filled
    assert streamed == expected


def test_a_file_size_limit_still_gives_the_whole_report_or_an_error(tmp_path: Path) -> None:
    """With `ulimit -f` the scratch file cannot grow either: the report is whole, or
    stdout's own failure is said, never an internal error."""
    deals = tmp_path / "deals"
    deals.mkdir()
    for n in range(40):
        (deals / f"d{n:02}.yaml").write_text(READY.replace("HD-2026-031", f"L-{n}"), "utf-8")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    result = subprocess.run(
        [sys.executable, "-m", "ebcheck", "audit", "-f", "json", "--no-cache", str(deals)],
        capture_output=True,
        preexec_fn=limit,
        check=False,
    )
    assert result.returncode == 0, result.stderr  # every deal is ready
    assert json.loads(result.stdout)["summary"]["deals"] == 40
    assert b"internal error" not in result.stderr


def _with_other_yaml(deals: Path) -> Path:
    """A folder of deals with the YAML a repository holds besides: a CI workflow, a
    config, a list, a file that is not UTF-8."""
    (deals / "ci.yaml").write_text("on: push\njobs: {audit: {runs-on: ubuntu}}\n", "utf-8")
    (deals / "list.yml").write_text("- one\n- two\n", encoding="utf-8")
    (deals / "notes.yaml").write_text("title: 客户地图\nowner: 王\n", encoding="utf-8")
    (deals / "latin.yaml").write_bytes(b"deal: caf\xe9\n")  # not UTF-8: a deal, reported
    return deals


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_first_pass_tells_deals_from_other_yaml_as_the_walk_did(
    tmp_path: Path, jobs: int
) -> None:
    """The walk of a streamed audit lists YAML files unread; the first pass, in the
    pool, skips those that are not deals, exactly as a walk that reads them."""
    deals = _with_other_yaml(mixed_folder(tmp_path))
    for n in range(PARALLEL_THRESHOLD):
        (deals / f"p{n:02}.yaml").write_text(READY.replace("HD-2026-031", f"P-{n}"), "utf-8")
    settings = Settings(root=deals.parent, cache_dir=None)
    whole = audit_paths([deals], settings, jobs=jobs)
    written = deal_writer(Format.JSON, RenderOptions(words_for("en")))
    assert written is not None
    streamed = stream_paths([deals], settings, written, jobs=jobs)
    assert (
        streamed.skipped == whole.skipped == ("deals/ci.yaml", "deals/list.yml", "deals/notes.yaml")
    )
    paths = [
        deal["path"]
        for deal in json.loads(
            "".join(render_chunks(streamed, Format.JSON, RenderOptions(words_for("en"))))
        )["deals"]
    ]
    assert "deals/latin.yaml" in paths
    assert not {"deals/ci.yaml", "deals/list.yml", "deals/notes.yaml"} & set(paths)
    assert "deals/ci.yaml" not in streamed.read  # `-o` may write over a skipped file


def test_verbose_lists_the_yaml_the_first_pass_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_other_yaml(mixed_folder(tmp_path))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["audit", "-f", "json", "-v", "deals"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["summary"]["deals"] == 5
    for name in ("ci.yaml", "list.yml", "notes.yaml"):
        assert f"deals/{name}" in result.stderr
    assert "deals/latin.yaml" not in result.stderr


def test_a_kept_deal_is_not_read_again_to_tell_it_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache hit was judged a deal when it was kept (its key says so): a warm run
    does not parse the file's head again. A file that became other YAML is skipped."""
    deals = _with_other_yaml(mixed_folder(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EBCHECK_NO_CACHE", raising=False)
    audit = ["audit", "-f", "json", "deals", "--cache-dir", str(tmp_path / "cache")]
    first = CliRunner().invoke(app, audit)
    asked: list[bytes] = []
    real = stream.render_task.__globals__["is_deal_data"]

    def counted(head: bytes) -> bool:
        asked.append(head)
        return bool(real(head))

    monkeypatch.setitem(stream.render_task.__globals__, "is_deal_data", counted)
    again = CliRunner().invoke(app, audit)
    assert again.stdout == first.stdout
    assert len(asked) == 3  # the three files that are not deals, every time
    (deals / "c.yaml").write_text("title: now a note\n", encoding="utf-8")
    later = CliRunner().invoke(app, [*audit, "-v"])
    assert json.loads(later.stdout)["summary"]["deals"] == 4
    assert "deals/c.yaml" in later.stderr


def test_what_a_worker_sends_back_comes_back_the_same(folder: Path) -> None:
    """A worker's results travel pickled, each type by its own short form."""
    settings = Settings(root=folder.parent, cache_dir=None)
    written = deal_writer(Format.JSON, RenderOptions(words_for("en")))
    assert written is not None
    engine = Engine.create(settings, outline=True)
    for path in sorted(folder.iterdir()):
        done = render_task(written, engine, (str(path), True, True))
        assert pickle.loads(pickle.dumps(done)) == done  # noqa: S301 - our own bytes
        if done.tally is not None:
            assert pickle.loads(pickle.dumps(done.tally)).counts == done.tally.counts  # noqa: S301
            # What these deals do not show: a forecast, a crash, something a format keeps.
            tally = replace(
                done.tally,
                forecast=Forecast.BEST_CASE,
                crashes=(RuleCrash("EB001", "KeyError: 'x'"),),
                kept=("华东", 3),
            )
            odd = replace(done, tally=tally, stage=None, not_a_deal=True)
            assert pickle.loads(pickle.dumps(odd)) == odd  # noqa: S301


@pytest.mark.parametrize("jobs", [1, 2])
def test_skipped_files_are_listed_in_the_order_the_walk_met_them(tmp_path: Path, jobs: int) -> None:
    """A FIFO the walk skips and the YAML the first pass finds is not a deal come out
    in one list, in walk order, as the other formats list them."""
    deals = mixed_folder(tmp_path)
    for n in range(PARALLEL_THRESHOLD):
        (deals / f"p{n:02}.yaml").write_text(READY.replace("HD-2026-031", f"P-{n}"), "utf-8")
    (deals / "b-workflow.yaml").write_text("name: ci\n", encoding="utf-8")
    (deals / "empty.yaml").write_text("", encoding="utf-8")
    (deals / "zz").mkdir()
    (deals / "zz" / "k8s.yml").write_text("apiVersion: v1\n", encoding="utf-8")
    os.mkfifo(deals / "c-fifo.yaml")
    settings = Settings(root=deals.parent, cache_dir=None)
    whole = audit_paths([deals], settings, jobs=jobs)
    written = deal_writer(Format.JSON, RenderOptions(words_for("en")))
    assert written is not None
    streamed = stream_paths([deals], settings, written, jobs=jobs)
    expected = (
        "deals/b-workflow.yaml",
        "deals/c-fifo.yaml",
        "deals/empty.yaml",
        "deals/zz/k8s.yml",
    )
    assert streamed.skipped == whole.skipped == expected


def test_the_collector_stays_rare_until_the_outermost_audit_is_written() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        rare = gc.get_threshold()
        assert rare != before
        with fewer_collections():  # the audit inside the command that writes its report
            pass
        assert gc.get_threshold() == rare
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
