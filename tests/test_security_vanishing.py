"""Issue 10, point 5: nothing vanishes.

A big deal whose head does not parse is an E001; a folder that cannot be
listed is reported; a deal built from a top-level merge key is a deal;
non-UTF-8 file names are shown escaped in every format, with or without `-o`;
SARIF and GitHub paths are normalised; JSON and SARIF stay intact whatever the
console encoding.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.cli.app import app
from ebcheck.deal.source import MAX_BYTES
from ebcheck.reports import Format
from tests.security_support import deal_text, run_ebcheck


def audit_json(runner: CliRunner, *args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["audit", *args, "-f", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "head",
    [
        "ebcheck: 1\ndeal: {id: [unclosed\n",
        "\tebcheck: 1\ndeal: {id: HD-1}\n",  # broken before any key: not skipped either
    ],
)
def test_a_big_deal_whose_head_does_not_parse_is_e001(
    runner: CliRunner, tmp_path: Path, head: str
) -> None:
    broken = head + "# padding\n" * (MAX_BYTES // 10 + 10)
    (tmp_path / "big.yaml").write_text(broken, encoding="utf-8")
    report = audit_json(runner, str(tmp_path))
    assert report["summary"]["skipped"] == 0
    assert [f["rule"] for f in report["deals"][0]["findings"]] == ["E001"]


def test_a_big_file_whose_head_is_garbage_is_e001(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text("]: : [\n" + "x" * (MAX_BYTES + 10), encoding="utf-8")
    report = audit_json(runner, str(tmp_path))
    assert [d["verdict"] for d in report["deals"]] == ["invalid"]


def test_a_big_manifest_is_still_skipped(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(deal_text(), encoding="utf-8")
    manifest = "kind: ConfigMap\ndata:\n" + "".join(
        f"  key{n}: value\n" for n in range(MAX_BYTES // 12)
    )
    (tmp_path / "manifest.yaml").write_text(manifest, encoding="utf-8")
    report = audit_json(runner, str(tmp_path))
    assert report["summary"]["skipped"] == 1


def test_a_folder_that_cannot_be_listed_is_reported(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.yaml").write_text(deal_text(), encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(str(path)).resolve() == locked.resolve():
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    report = audit_json(runner, str(tmp_path))
    paths = [d["path"] for d in report["deals"]]
    assert any(p.endswith("locked") for p in paths), paths
    invalid = next(d for d in report["deals"] if d["path"].endswith("locked"))
    assert invalid["verdict"] == "invalid"
    assert "cannot be listed" in invalid["findings"][0]["message"]


@pytest.mark.parametrize("fmt", ["json", "terminal"])
def test_a_folder_that_can_be_listed_but_not_entered_reports_its_files(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """A folder of mode 644: its names are listed, but reading or even asking what any
    of them is is refused (EACCES). Each is an E001, never an internal error."""
    (tmp_path / "ok.yaml").write_text(deal_text(), encoding="utf-8")
    shut = tmp_path / "shut"
    shut.mkdir()
    (shut / "x.yaml").write_text(deal_text(), encoding="utf-8")
    inside = str(shut) + os.sep

    def refused(real: object) -> object:
        def guarded(path: object, *args: object, **kwargs: object) -> object:
            if os.fspath(path).startswith(inside):  # type: ignore[call-overload]
                raise PermissionError(13, "Permission denied", os.fspath(path))  # type: ignore[call-overload]
            return real(path, *args, **kwargs)  # type: ignore[operator]

        return guarded

    monkeypatch.setattr(os, "stat", refused(os.stat))
    monkeypatch.setattr(os, "lstat", refused(os.lstat))
    monkeypatch.setattr(os, "open", refused(os.open))
    result = runner.invoke(app, ["audit", str(tmp_path), "-f", fmt, "--no-cache"])
    assert result.exit_code == 1, result.output
    if fmt == "json":
        shut_deal = next(d for d in json.loads(result.stdout)["deals"] if "shut" in d["path"])
        assert shut_deal["verdict"] == "invalid"
        assert shut_deal["findings"][0]["rule"] == "E001"
        assert "Permission denied" in shut_deal["findings"][0]["message"]
    else:
        assert "E001" in result.stdout
        assert "Permission denied" in result.stdout


def test_a_deal_built_from_a_merge_key_is_a_deal_in_a_folder_walk(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "merged.yaml").write_text(
        "<<: {ebcheck: 1, deal: {id: M-1, name: n, account: a, stage: prospecting, "
        "close_date: 2026-12-31}}\nas_of: 2026-11-20\n",
        encoding="utf-8",
    )
    report = audit_json(runner, str(tmp_path))
    assert [d["id"] for d in report["deals"]] == ["M-1"]


NON_UTF8 = os.fsdecode(b"deal-\xff\xfe.yaml")


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "-o"])
@pytest.mark.parametrize("fmt", list(Format))
def test_non_utf8_file_names_are_shown_escaped(
    runner: CliRunner, tmp_path: Path, fmt: Format, to_file: bool
) -> None:
    folder = tmp_path / "deals"
    folder.mkdir()
    (folder / NON_UTF8).write_text(deal_text().replace("    met: 2026-11-10\n", ""), "utf-8")
    args = ["audit", str(folder), "-f", fmt.value]
    if to_file:
        args += ["-o", str(tmp_path / "report.out")]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    text = (tmp_path / "report.out").read_text("utf-8") if to_file else result.stdout
    assert "xff" in text
    assert "xfe" in text  # the bytes, escaped (JSON and markdown escape the backslash too)


def test_sarif_and_github_paths_are_normalised(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "deal.yaml").write_text(
        deal_text().replace("    met: 2026-11-10\n", ""), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    sarif = json.loads(runner.invoke(app, ["audit", "sub/../x/deal.yaml", "-f", "sarif"]).stdout)
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for loc in result["locations"]
    }
    assert uris == {"x/deal.yaml"}
    github = runner.invoke(app, ["audit", "sub/../x/deal.yaml", "-f", "github"]).stdout
    assert "file=x/deal.yaml," in github
    assert ".." not in github


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_and_sarif_stay_intact_on_an_ascii_console(tmp_path: Path, fmt: str) -> None:
    text = deal_text().replace("    met: 2026-11-10\n", "")
    (tmp_path / "deal.yaml").write_text(text, encoding="utf-8")
    result = run_ebcheck(
        "audit", "deal.yaml", "-f", fmt, cwd=tmp_path, env={"PYTHONIOENCODING": "ascii"}
    )
    document = json.loads(result.stdout.decode("utf-8"))
    assert "张伟" in json.dumps(document, ensure_ascii=False)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("deal-\udcff.yaml", "deal-\\xff.yaml"),  # a non-UTF-8 byte of a file name
        ("\ud800", "\\ud800"),  # a lone surrogate that stands for no byte
        ("\ud83d\ude00", "\\ud83d\\ude00"),  # half of an emoji, then the other half
        ("商机.yaml", "商机.yaml"),
    ],
)
def test_every_lone_surrogate_is_shown_escaped(text: str, shown: str) -> None:
    from ebcheck.reports.textsafe import escape_surrogates

    assert escape_surrogates(text) == shown
    escape_surrogates(text).encode("utf-8")  # always writable as UTF-8
