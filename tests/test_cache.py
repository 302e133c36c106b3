"""The result cache: the same reports with or without it, invalidated by what
a result depends on, and never trusted when damaged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.audit import cache as cache_module
from ebcheck.audit.cache import FOLDER_NAME, MAX_SALTS, code_digest
from ebcheck.cli.app import app
from ebcheck.deal import load as load_module
from tests.deals import READY

EXAMPLES = Path(__file__).parent.parent / "examples"
FORMATS = ["terminal", "concise", "json", "markdown", "sarif", "github", "junit", "html"]
BROKEN = "ebcheck: 1\ndeal: [unclosed\n"
KEEP_TEXTS = ("json", "concise", "sarif")


@pytest.fixture
def deals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the examples (and one broken file) in a working folder, cache on."""
    monkeypatch.delenv("EBCHECK_NO_CACHE", raising=False)
    monkeypatch.delenv("EBCHECK_CACHE_DIR", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    folder = tmp_path / "deals"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.md"))
    (folder / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return folder


def run(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["audit", "deals", "--as-of", "2026-12-01", *args], env={"COLUMNS": "120"}
    )
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.stdout


def entries(root: Path) -> list[Path]:
    return sorted((root / FOLDER_NAME).rglob("*.json"))


def no_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every cache miss fail loudly: a run after this must be all hits."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("loaded although cached")

    monkeypatch.setattr("ebcheck.audit.engine.load_bytes", refuse)
    monkeypatch.setattr(load_module, "load_bytes", refuse)


@pytest.mark.parametrize("fmt", FORMATS)
def test_cached_and_uncached_reports_are_identical(
    deals: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    uncached = run(runner, "-f", fmt, "--no-cache")
    assert entries(deals.parent) == []  # --no-cache writes nothing
    first = run(runner, "-f", fmt)
    # 15 examples and the broken file; the JSON and concise reports keep each one's text too
    assert len(entries(deals.parent)) == (32 if fmt in KEEP_TEXTS else 16)
    no_loading(monkeypatch)
    warm = run(runner, "-f", fmt)
    assert uncached == first == warm


def test_parallel_workers_share_the_cache(deals: Path, runner: CliRunner) -> None:
    for i in range(30):  # above the threshold where -j 0 starts a pool
        shutil.copy(deals / "hd-mes-upgrade.yaml", deals / f"copy-{i}.yaml")
    uncached = run(runner, "-f", "json", "--no-cache", "-j", "2")
    cold = run(runner, "-f", "json", "-j", "2")
    warm = run(runner, "-f", "json", "-j", "2")
    assert uncached == cold == warm
    assert "HY005" in warm[1]  # repository rules still see every deal on a warm run


def test_a_changed_file_is_audited_again(deals: Path, runner: CliRunner) -> None:
    run(runner, "-f", "json")
    deal = deals / "hd-mes-upgrade.yaml"
    deal.write_text(
        deal.read_text(encoding="utf-8").replace("stage: proposal", "stage: negotiation"),
        encoding="utf-8",
    )
    warm = json.loads(run(runner, "-f", "json")[1])
    stages = {d["path"]: d["stage"] for d in warm["deals"]}
    assert stages["deals/hd-mes-upgrade.yaml"] == "negotiation"
    assert run(runner, "-f", "json") == run(runner, "-f", "json", "--no-cache")


def test_a_changed_config_is_a_new_salt(deals: Path, runner: CliRunner) -> None:
    before = run(runner, "-f", "json")
    (deals.parent / ".ebcheck.yaml").write_text("rules:\n  EB001: {off: true}\n", "utf-8")
    after = run(runner, "-f", "json")
    assert after == run(runner, "-f", "json", "--no-cache")
    assert '"EB001"' in before[1] and '"EB001"' not in after[1]
    zh = run(runner, "-f", "json", "--lang", "zh")
    assert zh == run(runner, "-f", "json", "--lang", "zh", "--no-cache")
    assert zh != after


def test_a_changed_rule_changes_the_code_digest(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    (pack / "locale").mkdir(parents=True)
    rule = pack / "area.py"
    rule.write_text("RULES = []\n", encoding="utf-8")
    (pack / "locale" / "zh.yaml").write_text("a: b\n", encoding="utf-8")
    first = code_digest(pack)
    code_digest.cache_clear()
    rule.write_text("RULES = []  # changed\n", encoding="utf-8")
    second = code_digest(pack)
    code_digest.cache_clear()
    (pack / "locale" / "zh.yaml").write_text("a: c\n", encoding="utf-8")
    assert len({first, second, code_digest(pack)}) == 3
    code_digest.cache_clear()


def test_a_changed_rule_pack_misses_every_entry(
    deals: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = run(runner, "-f", "json")
    monkeypatch.setattr("ebcheck.audit.engine.code_digest", lambda folder: "another pack")
    assert run(runner, "-f", "json") == expected
    salts = [p for p in (deals.parent / FOLDER_NAME / "v1").iterdir() if p.is_dir()]
    assert len(salts) == 2  # every file audited again under the new pack's salt
    assert all(len(list(salt.rglob("*.json"))) == 32 for salt in salts)  # first passes, texts


def test_another_day_is_another_salt_and_old_salts_age_out(deals: Path, runner: CliRunner) -> None:
    for day in range(1, MAX_SALTS + 3):
        runner.invoke(app, ["audit", "deals", "-f", "json", "--as-of", f"2026-11-0{day}"])
    salts = [p for p in (deals.parent / FOLDER_NAME / "v1").iterdir() if p.is_dir()]
    assert len(salts) == MAX_SALTS


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-20] + b"x" * 20,  # flipped bytes: the digest no longer matches
        lambda data: b"not a cache entry at all",
        lambda data: data.replace(b"ebcheck-cache", b"other-cache", 1),  # foreign
        lambda data: b"\xff\xfe" * 100,
    ],
    ids=["empty", "truncated", "flipped", "garbage", "foreign", "binary"],
)
def test_a_damaged_entry_is_ignored_and_rewritten(
    deals: Path, runner: CliRunner, damage: object
) -> None:
    expected = run(runner, "-f", "json", "--no-cache")
    run(runner, "-f", "json")
    for entry in entries(deals.parent):
        entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    assert run(runner, "-f", "json") == expected
    rewritten = entries(deals.parent)
    assert all(e.read_bytes().startswith(b"ebcheck-cache v1 ") for e in rewritten)
    assert run(runner, "-f", "json") == expected


def test_a_matching_digest_over_the_wrong_shape_is_a_miss(deals: Path, runner: CliRunner) -> None:
    expected = run(runner, "-f", "json", "--no-cache")
    run(runner, "-f", "json")
    for entry in entries(deals.parent):
        key = entry.stem
        payload = json.dumps({"format": 1, "deal": {"nonsense": True}}).encode()
        entry.write_bytes(cache_module._head(key, payload) + b"\n" + payload)
    assert run(runner, "-f", "json") == expected


def test_an_unwritable_cache_is_no_cache(deals: Path, runner: CliRunner) -> None:
    (deals.parent / FOLDER_NAME).write_text("a file where the folder should be", "utf-8")
    assert run(runner, "-f", "json") == run(runner, "-f", "json", "--no-cache")


def test_the_cache_is_ignored_by_git_and_by_the_folder_walk(deals: Path, runner: CliRunner) -> None:
    run(runner, "-f", "json")
    root = deals.parent / FOLDER_NAME
    assert (root / ".gitignore").read_text(encoding="utf-8") == "*\n"
    assert (root / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f59")
    (root / "stray.yaml").write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(app, ["audit", ".", "-f", "json", "--as-of", "2026-12-01"])
    paths = {d["path"] for d in json.loads(result.stdout)["deals"]}
    assert not any(FOLDER_NAME in p for p in paths)


def test_cache_dir_option_and_environment(
    deals: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run(runner, "-f", "json", "--cache-dir", str(tmp_path / "elsewhere"))
    assert list((tmp_path / "elsewhere").rglob("*.json"))
    monkeypatch.setenv("EBCHECK_CACHE_DIR", str(tmp_path / "from-env"))
    run(runner, "-f", "json")
    assert list((tmp_path / "from-env").rglob("*.json"))
    assert not (deals.parent / FOLDER_NAME).exists()


def test_clean_removes_the_cache_and_refuses_other_folders(
    deals: Path, runner: CliRunner, tmp_path: Path
) -> None:
    run(runner, "-f", "json")
    result = runner.invoke(app, ["clean"])
    assert result.exit_code == 0
    assert "removed the cache" in result.stderr
    assert not (deals.parent / FOLDER_NAME).exists()
    again = runner.invoke(app, ["clean"])
    assert again.exit_code == 0 and "no cache at" in again.stderr
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("mine", encoding="utf-8")
    refused = runner.invoke(app, ["clean", "--cache-dir", str(precious)])
    assert refused.exit_code == 2
    assert "does not look like an ebcheck cache" in refused.stderr
    assert (precious / "keep.txt").exists()


UNUSED_SUPPRESSION = READY + (
    "suppress:\n  - {rule: EB002, reason: 张总下周见, until: 2026-12-20}\n"
)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_positions_found_after_the_first_pass_survive_the_cache(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    """Duplicate ids (HY005) and unused suppressions (S001) are located after the
    first pass, from each file's bytes: cold, warm and in workers alike."""
    monkeypatch.delenv("EBCHECK_NO_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "deals"
    folder.mkdir()
    (folder / "a.yaml").write_text(UNUSED_SUPPRESSION, encoding="utf-8")
    (folder / "b.yaml").write_text("# a copy\n\n" + READY, encoding="utf-8")
    for n in range(30):  # enough files for a process pool
        (folder / f"c{n:02}.yaml").write_text(READY.replace("HD-2026-031", f"C-{n}"), "utf-8")
    suppress_line = UNUSED_SUPPRESSION.splitlines().index("suppress:") + 2
    id_line = READY.splitlines().index("  id: HD-2026-031") + 1
    expected = {
        "deals/a.yaml": [("HY005", id_line), ("S001", suppress_line)],
        "deals/b.yaml": [("HY005", id_line + 2)],
    }
    later = ("HY005", "S001")
    for _ in range(2):  # cold, then warm
        _, out = run(runner, "-f", "json", "-j", jobs)
        found = {
            d["path"]: sorted((f["rule"], f["line"]) for f in d["findings"] if f["rule"] in later)
            for d in json.loads(out)["deals"]
            if any(f["rule"] in later for f in d["findings"])
        }
        assert found == expected


def _texts(root: Path) -> list[tuple[Path, dict[str, object]]]:
    """The cache entries that keep a deal's text (the others keep its first pass): a
    line of JSON, then the text."""
    kept = []
    for entry in entries(root):
        head, newline, text = entry.read_bytes().partition(b"\n")[2].partition(b"\n")
        if newline:
            kept.append((entry, {**json.loads(head), "text": text.decode("utf-8")}))
    return kept


def _forge(entry: Path, payload: dict[str, object]) -> None:
    """Rewrite an entry as someone who can write the cache could: a valid head."""
    fields = {name: value for name, value in payload.items() if name != "text"}
    data = json.dumps(fields, ensure_ascii=False).encode("utf-8")
    data += b"\n" + str(payload.get("text", "")).encode("utf-8")
    entry.write_bytes(cache_module._head(entry.stem, data) + b"\n" + data)


@pytest.mark.parametrize("fmt", KEEP_TEXTS)
def test_a_warm_run_writes_the_kept_texts_without_judging_again(
    deals: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    expected = run(runner, "-f", fmt, "--no-cache")
    run(runner, "-f", fmt)
    assert len(_texts(deals.parent)) == 16

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("judged although its text was kept")

    no_loading(monkeypatch)
    monkeypatch.setattr("ebcheck.audit.stream.rendered", refuse)
    assert run(runner, "-f", fmt) == expected


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_deal_whose_text_carries_marks_and_c1_controls_is_kept_too(
    deals: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    # Names pasted from a CRM can carry right-to-left marks; they are written escaped.
    step = 'action: "向张总\\u200f演示\\x9b试点结果"'  # YAML escapes: the marks themselves
    marked = READY.replace("action: 向张总演示试点结果", step, 1)
    marked = marked.replace("HD-2026-031", "MK-1")  # not a duplicate of the example's id
    assert "MK-1" in marked and "\\u200f" in marked
    (deals / "marked.yaml").write_text(marked, encoding="utf-8")
    expected = run(runner, "-f", fmt, "--no-cache")
    assert "\\u200f" in expected[1] and "\u200f" not in expected[1]
    run(runner, "-f", fmt)

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("judged although its text was kept")

    no_loading(monkeypatch)
    monkeypatch.setattr("ebcheck.audit.stream.rendered", refuse)
    assert run(runner, "-f", fmt) == expected


@pytest.mark.parametrize(
    "forgery",
    [
        {"text": "not json at all"},
        {"text": '["a list, not a deal"]'},
        {"tally": None, "text": ""},  # a reported file with no tally would vanish
        {"stage": None},  # an id without a stage
        {"stage": "somewhere"},
        {"as_of": "yesterday"},
    ],
    ids=["text", "not-an-object", "no-tally", "no-stage", "stage", "as-of"],
)
def test_a_kept_text_that_is_not_sound_is_written_again(
    deals: Path, runner: CliRunner, forgery: dict[str, object]
) -> None:
    expected = run(runner, "-f", "json", "--no-cache")
    run(runner, "-f", "json")
    for entry, payload in _texts(deals.parent):
        _forge(entry, {**payload, **forgery})
    assert run(runner, "-f", "json") == expected
    # written again: the deals the forgery changed no longer hold it
    assert any(payload != {**payload, **forgery} for _, payload in _texts(deals.parent))


def _sarif_forgeries(text: str) -> list[str]:
    """A deal's kept SARIF results, changed the ways a forger or a bit flip could."""
    items = text.split(",\n        {")
    return [
        text.replace('"level": "error"', '"level": "note"', 1),
        items[0],  # a result left out
        text + ",\n" + text,  # results doubled
        text.replace('"baselineState": "new"', '"baselineState": "unchanged"', 1),
        text.replace('"text": "', '"text": "\u202e', 1),  # a mark that reorders the line
        text.replace("deals/", "other/", 1),  # one result about another file
        "",
        text.replace('"ruleIndex": ', '"ruleIndex": 9', 1),  # numbered for other rules
    ]


@pytest.mark.parametrize("forgery", range(8))
def test_a_kept_sarif_text_that_is_not_sound_is_written_again(
    deals: Path, runner: CliRunner, forgery: int
) -> None:
    expected = run(runner, "-f", "sarif", "--no-cache")
    run(runner, "-f", "sarif")
    kept = dict(_texts(deals.parent))
    forged = {}
    for entry, payload in kept.items():
        text = str(payload["text"])
        changed = _sarif_forgeries(text)[forgery] if text else ""
        if changed != text:
            _forge(entry, {**payload, "text": changed})
            forged[entry] = payload
    assert forged
    assert run(runner, "-f", "sarif") == expected
    assert {entry: dict(_texts(deals.parent))[entry] for entry in forged} == forged  # written again


def test_a_kept_text_cut_off_after_its_tally_is_not_taken(deals: Path, runner: CliRunner) -> None:
    expected = run(runner, "-f", "json", "--no-cache")
    run(runner, "-f", "json")
    for entry, payload in _texts(deals.parent):
        fields = json.dumps({k: v for k, v in payload.items() if k != "text"}).encode("utf-8")
        entry.write_bytes(cache_module._head(entry.stem, fields) + b"\n" + fields)
    assert run(runner, "-f", "json") == expected
    assert len(_texts(deals.parent)) == 16  # written again, whole


@pytest.mark.parametrize(
    "field",
    [
        {"verdict": "splendid"},
        {"is_open": "no"},
        {"amount": "NaN"},
        {"amount": "1e999999999"},  # a sum past any limit
        {"amount": "-1e30"},
        {"currency": "C" * 100_000},
        {"currency": "\x1b[31mCNY"},
        {"severities": ["catastrophic"]},
    ],
    ids=["verdict", "open", "nan", "huge", "negative", "long-currency", "escape", "severity"],
)
def test_a_kept_tally_out_of_bounds_is_not_taken(
    deals: Path, runner: CliRunner, field: dict[str, object]
) -> None:
    expected = run(runner, "-f", "json", "--no-cache")
    run(runner, "-f", "json")
    for entry, payload in _texts(deals.parent):
        kept = list(payload["tally"])  # type: ignore[call-overload]
        names = ["deal_id", "verdict", "is_open", "amount", "currency", "forecast", "severities"]
        for name, value in field.items():
            kept[names.index(name)] = value
        _forge(entry, {**payload, "tally": kept})
    assert run(runner, "-f", "json") == expected


def test_a_kept_text_must_say_what_its_tally_says(deals: Path, runner: CliRunner) -> None:
    """A text and a tally that disagree (the broken file's text under a tally that says
    it is ready, or another deal's text) are not taken: the summary would lie."""
    expected = run(runner, "-f", "json", "--no-cache")
    run(runner, "-f", "json")
    kept = _texts(deals.parent)
    for (entry, payload), (_, other) in zip(kept, [*kept[1:], kept[0]], strict=True):
        _forge(entry, {**payload, "text": other["text"]})
    assert run(runner, "-f", "json") == expected
    for entry, payload in _texts(deals.parent):
        tally = list(payload["tally"])  # type: ignore[call-overload]
        tally[1] = "ready" if tally[1] != "ready" else "not_ready"
        _forge(entry, {**payload, "tally": tally})
    assert run(runner, "-f", "json") == expected


def test_a_kept_json_text_in_another_layout_or_with_raw_controls_is_not_taken(
    deals: Path, runner: CliRunner
) -> None:
    expected = run(runner, "-f", "json", "--no-cache")
    run(runner, "-f", "json")
    kept = _texts(deals.parent)
    for entry, payload in kept:
        text = str(payload["text"])
        item = json.loads(text)
        _forge(entry, {**payload, "text": json.dumps(item)})  # the same object, one line
    assert run(runner, "-f", "json") == expected
    for entry, payload in _texts(deals.parent):
        text = str(payload["text"]).replace('"name": "', '"name": "\u009b31m', 1)
        _forge(entry, {**payload, "text": text})
    result = run(runner, "-f", "json")
    assert result == expected
    assert "\u009b" not in result[1]


def test_a_concise_text_with_a_control_character_is_not_taken(
    deals: Path, runner: CliRunner
) -> None:
    expected = run(runner, "-f", "concise", "--no-cache")
    run(runner, "-f", "concise")
    for entry, payload in _texts(deals.parent):
        lines = str(payload["text"]).splitlines(keepends=True)
        forged = [line.replace("] ", "] \x1b]0;owned\x07", 1) for line in lines]
        _forge(entry, {**payload, "text": "".join(forged)})
    assert run(runner, "-f", "concise") == expected


def test_a_concise_text_naming_another_file_is_not_taken(deals: Path, runner: CliRunner) -> None:
    expected = run(runner, "-f", "concise", "--no-cache")
    run(runner, "-f", "concise")
    for entry, payload in _texts(deals.parent):
        lines = str(payload["text"]).splitlines(keepends=True)
        forged = ["deals/other.yaml:" + line.split(":", 1)[1] for line in lines]
        _forge(entry, {**payload, "text": "".join(forged)})
    assert run(runner, "-f", "concise") == expected


def test_texts_are_kept_per_fail_on_level(deals: Path, runner: CliRunner) -> None:
    """Whether a deal fails is part of its kept result: another `--fail-on` is another text."""
    never = run(runner, "-f", "json", "--fail-on", "never")
    assert never[0] == 0
    assert run(runner, "-f", "json") == run(runner, "-f", "json", "--no-cache")
    assert run(runner, "-f", "json")[0] == 1
    assert run(runner, "-f", "json", "--fail-on", "never") == never


def test_a_summary_of_findings_past_the_cap_weighs_alike_from_the_cache(
    deals: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 55 users never met: 50 BI007 findings shown, 5 in the summary, and all 55 weigh
    # (19), whether the findings were just made or read back from the cache.
    people = "".join(f"  - {{name: P{n}, roles: [UB]}}\n" for n in range(55))
    crowded = READY.replace("HD-2026-031", "CROWD-1").replace(
        "stakeholders:\n", "stakeholders:\n" + people
    )
    (deals / "crowded.yaml").write_text(crowded, encoding="utf-8")
    only = ("--select", "BI007")
    uncached = run(runner, "-f", "markdown", "--no-cache", *only)
    run(runner, "-f", "markdown", *only)
    no_loading(monkeypatch)
    warm = run(runner, "-f", "json", *only)[1], run(runner, "-f", "markdown", *only)
    assert warm[1] == uncached
    crowd = next(d for d in json.loads(warm[0])["deals"] if d["id"] == "CROWD-1")
    assert crowd["score"] == 19


def test_a_folder_of_deals_named_as_the_cache_is_neither_used_nor_removed(
    deals: Path, runner: CliRunner
) -> None:
    before = sorted(p.name for p in deals.iterdir())
    result = runner.invoke(
        app, ["audit", "deals", "-f", "concise", "--cache-dir", "deals"], env={"COLUMNS": "120"}
    )
    assert result.exit_code == 1
    assert "is not an ebcheck cache" in result.stderr
    assert sorted(p.name for p in deals.iterdir()) == before  # no marker, no entries
    refused = runner.invoke(app, ["clean", "--cache-dir", "deals"])
    assert refused.exit_code == 2
    assert sorted(p.name for p in deals.iterdir()) == before


def test_clean_removes_only_what_the_cache_wrote(deals: Path, runner: CliRunner) -> None:
    run(runner, "-f", "json")
    cache = deals.parent / FOLDER_NAME
    (cache / "notes.txt").write_text("someone else's", encoding="utf-8")
    result = runner.invoke(app, ["clean"])
    assert result.exit_code == 0
    assert sorted(p.name for p in cache.iterdir()) == ["notes.txt"]
