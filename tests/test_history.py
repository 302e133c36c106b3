"""Deal history from git: `audit --history`, `ebcheck history`, `ebcheck review`.

Every test builds its own git repository with known commit dates.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ebcheck.audit.history import (
    close_dates,
    facts,
    parse_log,
    read_history,
    stage_entered,
)
from ebcheck.audit.results import DealReport
from ebcheck.audit.review import BUCKETS, Bucket, compare
from ebcheck.audit.settings import Settings
from ebcheck.cli.app import app
from ebcheck.deal.enums import Stage, Verdict
from ebcheck.deal.load import load_bytes

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def deal_text(
    deal_id: str,
    stage: str = "proposal",
    close: str = "2026-03-31",
    amount: float | None = 100000,
    currency: str | None = "USD",
    extra: str = "",
) -> str:
    lines = [
        "ebcheck: 1",
        "deal:",
        f"  id: {deal_id}",
        f"  name: Deal {deal_id}",
        "  account: Acme",
        f"  stage: {stage}",
    ]
    if stage not in ("closed_won", "closed_lost"):
        lines.append(f"  close_date: {close}")
    if amount is not None:
        lines.append(f"  amount: {amount}")
    if currency is not None:
        lines.append(f"  currency: {currency}")
    return "\n".join(lines) + "\n" + extra


class Repo:
    """A git repository whose commits have known dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: str | None = None) -> str:
        env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.root.parent)}
        if when is not None:
            env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = f"{when}T12:00:00"
        result = subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def write(self, name: str, text: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def commit(self, when: str, message: str = "change") -> str:
        self.git("add", "-A")
        self.git(
            "commit", "-q", "--allow-empty", f"--date={when}T12:00:00", "-m", message, when=when
        )
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "deals-repo")


@pytest.fixture
def in_repo(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> Repo:
    monkeypatch.chdir(repo.root)
    return repo


def known_history(repo: Repo) -> None:
    """A-1: qualification, then proposal on 2026-02-01; close date pushed twice; moved;
    one version that does not load. B-2 never moves."""
    repo.write("a.yaml", deal_text("A-1", "qualification", "2026-03-31"))
    repo.write("b.yaml", deal_text("B-2", "negotiation", "2026-04-30", 50000, "EUR"))
    repo.write(".github/ci.yml", "on: push\njobs: {}\n")
    repo.commit("2026-01-05")
    repo.write("a.yaml", deal_text("A-1", "proposal", "2026-03-31"))
    repo.commit("2026-02-01")
    repo.write("a.yaml", deal_text("A-1", "proposal", "2026-05-31", 120000))
    repo.commit("2026-03-01")
    (repo.root / "deals é").mkdir()
    repo.git("mv", "a.yaml", "deals é/a deal.yaml")
    repo.commit("2026-03-10", "move")
    repo.write("deals é/a deal.yaml", "ebcheck: 1\ndeal: [broken\n")
    repo.commit("2026-03-15", "broken")
    repo.write("deals é/a deal.yaml", deal_text("A-1", "proposal", "2026-06-30", 120000))
    repo.commit("2026-04-01")


def audit_json(runner: CliRunner, *args: str) -> tuple[dict[str, dict[str, object]], str]:
    result = runner.invoke(app, ["audit", "-f", "json", "--fail-on", "never", *args])
    assert result.exit_code == 0, result.stderr
    deals = {d["id"]: d for d in json.loads(result.stdout)["deals"]}
    return deals, result.stderr


# --- the pieces -------------------------------------------------------------------


def test_close_dates_merge_repeats_and_leave_out_the_current_one() -> None:
    day = dt.date.fromisoformat
    versions = [
        (day("2026-01-01"), Stage.PROPOSAL, day("2026-03-31")),
        (day("2026-01-02"), Stage.PROPOSAL, day("2026-03-31")),
        (day("2026-01-03"), Stage.PROPOSAL, day("2026-05-31")),
        (day("2026-01-04"), Stage.PROPOSAL, None),
    ]
    assert close_dates(versions, day("2026-06-30")) == [day("2026-03-31"), day("2026-05-31")]
    assert close_dates(versions, day("2026-05-31")) == [day("2026-03-31")]
    assert close_dates(versions[:1], day("2026-03-31")) == []


def test_stage_entered_is_the_oldest_commit_of_the_current_streak() -> None:
    day = dt.date.fromisoformat
    versions = [
        (day("2026-01-01"), Stage.PROPOSAL, None),
        (day("2026-01-02"), Stage.QUALIFICATION, None),
        (day("2026-01-03"), Stage.PROPOSAL, None),
        (day("2026-01-04"), Stage.PROPOSAL, None),
    ]
    assert stage_entered(versions, Stage.PROPOSAL) == day("2026-01-03")
    assert stage_entered(versions, Stage.NEGOTIATION) is None


def test_parse_log_reads_commits_without_changes_and_odd_names() -> None:
    zero, blob = "0" * 40, "a" * 40
    data = (
        b"\0" + b"1" * 40 + b"\0" + b"1767225600\0\n"
        b"\0" + b"2" * 40 + b"\0" + b"1767312000\0\n"
        b":000000 100644 " + zero.encode() + b" " + blob.encode() + b" A\0d\xc3\xa9 x.yaml\0"
        b":000000 100644 " + zero.encode() + b" " + blob.encode() + b" A\0notes.txt\0"
    )
    commits = list(parse_log(data))
    assert [len(changes) for _, changes in commits] == [0, 1]
    assert commits[1][1][0].path == "dé x.yaml"


# --- audit --history ----------------------------------------------------------------


def test_audit_history_reports_the_known_pushes_and_days_in_stage(
    in_repo: Repo, runner: CliRunner
) -> None:
    known_history(in_repo)
    deals, stderr = audit_json(runner, "--history", "--as-of", "2026-05-01", ".")
    assert stderr == ""
    a, b = deals["A-1"], deals["B-2"]
    assert (a["pushes"], a["days_in_stage"]) == (2, 89)  # 2026-02-01 → 2026-05-01
    assert (b["pushes"], b["days_in_stage"]) == (0, 116)  # 2026-01-05 → 2026-05-01
    rules_a = {f["rule"] for f in a["findings"]}  # type: ignore[attr-defined]
    assert {"HY008", "HY009"} <= rules_a
    hy008 = next(f for f in a["findings"] if f["rule"] == "HY008")  # type: ignore[attr-defined]
    assert "2026-03-31 → 2026-05-31 → 2026-06-30" in hy008["message"]


def test_without_history_the_files_own_fields_are_used(in_repo: Repo, runner: CliRunner) -> None:
    known_history(in_repo)
    deals, _ = audit_json(runner, "--as-of", "2026-05-01", ".")
    assert (deals["A-1"]["pushes"], deals["A-1"]["days_in_stage"]) == (None, None)


def test_the_config_key_turns_history_on(in_repo: Repo, runner: CliRunner) -> None:
    known_history(in_repo)
    in_repo.write(".ebcheck.yaml", "history: true\n")
    deals, _ = audit_json(runner, "--as-of", "2026-05-01", ".")
    assert deals["A-1"]["pushes"] == 2


def test_a_recorded_field_wins_over_the_history(in_repo: Repo, runner: CliRunner) -> None:
    in_repo.write("a.yaml", deal_text("A-1", close="2026-03-31"))
    in_repo.commit("2026-01-05")
    text = deal_text("A-1", close="2026-06-30").replace(
        "  stage: proposal\n",
        "  stage: proposal\n  close_date_history: []\n  stage_entered: 2026-04-20\n",
    )
    in_repo.write("a.yaml", text)
    in_repo.commit("2026-02-01")
    deals, _ = audit_json(runner, "--history", "--as-of", "2026-05-01", ".")
    # The file says the date never moved and when the stage began: both win.
    assert (deals["A-1"]["pushes"], deals["A-1"]["days_in_stage"]) == (0, 11)


def test_an_uncommitted_push_counts(in_repo: Repo, runner: CliRunner) -> None:
    in_repo.write("a.yaml", deal_text("A-1", close="2026-03-31"))
    in_repo.commit("2026-01-05")
    in_repo.write("a.yaml", deal_text("A-1", close="2026-04-30"))
    deals, _ = audit_json(runner, "--history", "--as-of", "2026-02-01", ".")
    assert (deals["A-1"]["pushes"], deals["A-1"]["days_in_stage"]) == (1, 27)


def test_a_depth_one_clone_says_history_is_unavailable_and_still_audits(
    repo: Repo, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    known_history(repo)
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", repo.root.as_uri(), str(clone)],
        check=True,
        capture_output=True,
    )
    monkeypatch.chdir(clone)
    deals, stderr = audit_json(runner, "--history", "--as-of", "2026-05-01", ".")
    assert stderr.count("\n") == 1
    assert "history unavailable" in stderr and "shallow clone" in stderr
    assert "fetch-depth: 0" in stderr
    assert deals["A-1"]["pushes"] is None  # unknown, never a silent zero
    assert deals["A-1"]["verdict"] == "not_ready"


def test_outside_a_repository_history_is_unavailable(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "a.yaml").write_text(deal_text("A-1"), encoding="utf-8")
    monkeypatch.chdir(folder)
    deals, stderr = audit_json(runner, "--history", ".")
    assert "history unavailable" in stderr and "not inside a git repository" in stderr
    assert deals["A-1"]["pushes"] is None


def test_dubious_ownership_is_a_clear_message(
    in_repo: Repo, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_repo.write("a.yaml", deal_text("A-1"))
    in_repo.commit("2026-01-05")
    refusal = (
        "fatal: detected dubious ownership in repository at '/x'\n"
        "To add an exception for this directory, call:\n"
    )
    real_run = subprocess.run

    def refuse(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        if "rev-parse" in args:
            return subprocess.CompletedProcess(args, 128, b"", refusal.encode())
        return real_run(args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr("ebcheck.audit.history.subprocess.run", refuse)
    _, stderr = audit_json(runner, "--history", ".")
    assert "dubious ownership" in stderr and "safe.directory" in stderr
    result = runner.invoke(app, ["history", "."])
    assert result.exit_code == 2
    assert "safe.directory" in result.stderr and "Traceback" not in result.stderr


# --- ebcheck history -----------------------------------------------------------------


def test_history_has_one_row_per_version_followed_by_id_across_a_move(
    in_repo: Repo, runner: CliRunner
) -> None:
    known_history(in_repo)
    result = runner.invoke(app, ["history", ".", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ebcheck_history"] == 1
    deals = {d["id"]: d for d in data["deals"]}
    a = deals["A-1"]
    assert a["path"] == "deals é/a deal.yaml"
    assert a["skipped"] == 1
    rows = [(v["date"], v["stage"], v["close_date"], v["amount"]) for v in a["versions"]]
    assert rows == [
        ("2026-01-05", "qualification", "2026-03-31", 100000),
        ("2026-02-01", "proposal", "2026-03-31", 100000),
        ("2026-03-01", "proposal", "2026-05-31", 120000),
        ("2026-04-01", "proposal", "2026-06-30", 120000),
    ]
    first = a["versions"][0]
    assert set(first) == {
        "date",
        "commit",
        "stage",
        "close_date",
        "amount",
        "currency",
        "score",
        "verdict",
    }
    assert len(first["commit"]) == 7 and first["currency"] == "USD"
    assert all(isinstance(v["score"], int) for v in a["versions"])
    assert len(deals["B-2"]["versions"]) == 1


def test_each_version_is_judged_as_of_its_commit_date(in_repo: Repo, runner: CliRunner) -> None:
    in_repo.write("a.yaml", deal_text("A-1", close="2026-03-31"))
    in_repo.commit("2026-01-05")
    in_repo.write("a.yaml", deal_text("A-1", close="2026-03-31", amount=100001))
    in_repo.commit("2026-04-15")
    result = runner.invoke(app, ["history", "a.yaml", "-f", "json"])
    versions = json.loads(result.stdout)["deals"][0]["versions"]
    # The close date has passed only for the second version (HY001).
    assert versions[0]["score"] > versions[1]["score"]


def test_history_since_limits_the_versions(in_repo: Repo, runner: CliRunner) -> None:
    known_history(in_repo)
    by_date = runner.invoke(app, ["history", ".", "-f", "json", "--since", "2026-02-15"])
    versions = {d["id"]: d["versions"] for d in json.loads(by_date.stdout)["deals"]}
    assert [v["date"] for v in versions["A-1"]] == ["2026-03-01", "2026-04-01"]
    in_repo.git("tag", "w1", "HEAD~2")
    by_ref = runner.invoke(app, ["history", ".", "-f", "json", "--since", "w1"])
    versions = {d["id"]: d["versions"] for d in json.loads(by_ref.stdout)["deals"]}
    assert [v["date"] for v in versions["A-1"]] == ["2026-04-01"]
    # From just before the move (2026-03-10): moving the file changed no content.
    in_repo.git("tag", "w0", "HEAD~3")
    by_ref = runner.invoke(app, ["history", ".", "-f", "json", "--since", "w0"])
    versions = {d["id"]: d["versions"] for d in json.loads(by_ref.stdout)["deals"]}
    assert [v["date"] for v in versions["A-1"]] == ["2026-04-01"]


def test_a_version_scores_the_same_whatever_range_is_shown(
    in_repo: Repo, runner: CliRunner
) -> None:
    # Two pushes before the range, one in it: HY008 (two pushes) must still see them.
    in_repo.write("a.yaml", deal_text("A-1", "proposal", "2026-03-31"))
    in_repo.commit("2026-01-05")
    in_repo.write("a.yaml", deal_text("A-1", "proposal", "2026-04-30"))
    in_repo.commit("2026-01-10")
    in_repo.write("a.yaml", deal_text("A-1", "proposal", "2026-05-31"))
    in_repo.commit("2026-01-15")
    in_repo.git("tag", "w1")
    in_repo.write("a.yaml", deal_text("A-1", "proposal", "2026-05-31", 55000))
    in_repo.commit("2026-03-20")

    def last(*since: str) -> dict[str, object]:
        result = runner.invoke(app, ["history", "a.yaml", "-f", "json", *since])
        versions: list[dict[str, object]] = json.loads(result.stdout)["deals"][0]["versions"]
        return versions[-1]

    whole = last()
    assert last("--since", "2026-02-01") == whole
    assert last("--since", "w1") == whole
    result = runner.invoke(app, ["history", "a.yaml", "-f", "json", "--since", "w1"])
    assert len(json.loads(result.stdout)["deals"][0]["versions"]) == 1


def test_history_terminal_and_markdown(in_repo: Repo, runner: CliRunner) -> None:
    known_history(in_repo)
    terminal = runner.invoke(app, ["history", "."], env={"COLUMNS": "120", "NO_COLOR": "1"})
    assert terminal.exit_code == 0
    assert "History of A-1" in terminal.stdout and "Score trend:" in terminal.stdout
    assert any(ch in terminal.stdout for ch in "▁▂▃▄▅▆▇█")
    assert "1 version that did not load skipped" in terminal.stdout
    markdown = runner.invoke(app, ["history", ".", "-f", "markdown"])
    assert "| Date | Commit | Stage |" in markdown.stdout
    assert markdown.stdout.count("\n| 2026-") == 5
    assert "\nFile: deals é/a deal.yaml\n" in markdown.stdout  # the label as written


def test_a_deal_whose_id_changes_starts_a_new_history(in_repo: Repo) -> None:
    in_repo.write("a.yaml", deal_text("OLD-1"))
    in_repo.commit("2026-01-05")
    in_repo.write("a.yaml", deal_text("NEW-1"))
    in_repo.commit("2026-01-06")
    history = read_history(in_repo.root)
    assert history.deals["OLD-1"].present is False
    assert history.deals["NEW-1"].present is True
    assert history.renamed == (("a.yaml", "OLD-1", "NEW-1", "2026-01-06"),)


def test_history_says_when_a_files_deal_id_changed(in_repo: Repo, runner: CliRunner) -> None:
    in_repo.write("a.yaml", deal_text("OLD-1"))
    in_repo.commit("2026-01-05")
    in_repo.write("a.yaml", deal_text("NEW-1"))
    in_repo.commit("2026-01-06")
    result = runner.invoke(app, ["history", ".", "-f", "json"])
    assert result.exit_code == 0
    assert (
        "a.yaml: its deal id changed from OLD-1 to NEW-1 on 2026-01-06; the versions before "
        "are OLD-1's history, the ones after NEW-1's"
    ) in result.stderr


def test_merges_count_on_the_first_parent_only(in_repo: Repo) -> None:
    in_repo.write("a.yaml", deal_text("A-1", close="2026-03-31"))
    in_repo.commit("2026-01-05")
    in_repo.git("checkout", "-q", "-b", "topic")
    in_repo.write("a.yaml", deal_text("A-1", close="2026-04-30"))
    in_repo.commit("2026-01-06")
    in_repo.write("a.yaml", deal_text("A-1", close="2026-05-31"))
    in_repo.commit("2026-01-07")
    in_repo.git("checkout", "-q", "main")
    in_repo.git("merge", "-q", "--no-ff", "-m", "merge", "topic", when="2026-01-08")
    versions = read_history(in_repo.root).deals["A-1"].versions
    assert [(v.date.isoformat(), v.deal.deal.close_date) for v in versions] == [
        ("2026-01-05", dt.date(2026, 3, 31)),
        ("2026-01-08", dt.date(2026, 5, 31)),
    ]


def test_a_ref_starting_with_a_dash_is_a_usage_error(in_repo: Repo, runner: CliRunner) -> None:
    in_repo.write("a.yaml", deal_text("A-1"))
    in_repo.commit("2026-01-05")
    for args in (
        ["history", ".", "--since=--output=x"],
        ["review", "--since=-x"],
        ["review", "--since", "HEAD", "--until=--all"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert "is not a git ref" in result.stderr
    assert not (in_repo.root / "x").exists()


def test_an_unknown_ref_is_a_usage_error(in_repo: Repo, runner: CliRunner) -> None:
    in_repo.write("a.yaml", deal_text("A-1"))
    in_repo.commit("2026-01-05")
    result = runner.invoke(app, ["review", "--since", "nope"])
    assert result.exit_code == 2
    assert "unknown git ref 'nope'" in result.stderr


# --- ebcheck review -----------------------------------------------------------------


def review_repo(repo: Repo) -> None:
    repo.write("deals/push.yaml", deal_text("P-1", "proposal", "2026-03-31", 100000))
    repo.write("deals/pull.yaml", deal_text("P-2", "negotiation", "2026-06-30", 40000, "EUR"))
    repo.write("deals/win.yaml", deal_text("W-1", "negotiation", "2026-02-28", 70000))
    repo.write("deals/lose.yaml", deal_text("L-1", "proposal", "2026-04-30", 30000))
    repo.write("deals/gone.yaml", deal_text("G-1", "discovery", "2026-05-31", 25000))
    repo.write("deals/back.yaml", deal_text("B-1", "negotiation", "2026-05-31", 10000, None))
    repo.commit("2026-02-02", "week 1")
    repo.git("tag", "w1")
    repo.write("deals/push.yaml", deal_text("P-1", "negotiation", "2026-04-30", 90000))
    repo.write("deals/pull.yaml", deal_text("P-2", "negotiation", "2026-05-31", 45000, "EUR"))
    repo.write("deals/win.yaml", deal_text("W-1", "closed_won", amount=70000))
    repo.write("deals/lose.yaml", deal_text("L-1", "closed_lost", amount=30000))
    (repo.root / "deals/gone.yaml").unlink()
    repo.git("mv", "deals/back.yaml", "deals/moved back.yaml")
    repo.write("deals/moved back.yaml", deal_text("B-1", "proposal", "2026-05-31", 10000, None))
    repo.write("deals/new.yaml", deal_text("N-1", "qualification", "2026-09-30", 60000))
    repo.commit("2026-02-09", "week 2")


def test_review_lists_exactly_the_known_changes(in_repo: Repo, runner: CliRunner) -> None:
    review_repo(in_repo)
    result = runner.invoke(app, ["review", "--since", "w1", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"since", "until", "waterfall", "changes", "verdicts"}
    assert (data["since"], data["until"]) == ("w1", None)
    changes = sorted((c["id"], c["kind"], c["before"], c["after"]) for c in data["changes"])
    assert changes == [
        ("B-1", "stage_back", "negotiation", "proposal"),
        ("G-1", "removed", "discovery", None),
        ("L-1", "lost", "proposal", "closed_lost"),
        ("N-1", "new", None, "qualification"),
        ("P-1", "amount_down", 100000, 90000),
        ("P-1", "pushed", "2026-03-31", "2026-04-30"),
        ("P-1", "stage_forward", "proposal", "negotiation"),
        ("P-2", "amount_up", 40000, 45000),
        ("P-2", "pulled_in", "2026-06-30", "2026-05-31"),
        ("W-1", "won", "negotiation", "closed_won"),
    ]
    paths = {c["id"]: c["path"] for c in data["changes"]}
    assert paths["B-1"] == "deals/moved back.yaml" and paths["G-1"] == "deals/gone.yaml"
    assert data["waterfall"] == {
        "EUR": {
            "start": 40000,
            "new": 0,
            "increased": 5000,
            "decreased": 0,
            "won": 0,
            "lost": 0,
            "removed": 0,
            "end": 45000,
        },
        "USD": {
            "start": 225000,
            "new": 60000,
            "increased": 0,
            "decreased": 10000,
            "won": 70000,
            "lost": 30000,
            "removed": 25000,
            "end": 150000,
        },
        "unknown": {
            "start": 10000,
            "new": 0,
            "increased": 0,
            "decreased": 0,
            "won": 0,
            "lost": 0,
            "removed": 0,
            "end": 10000,
        },
    }
    for bucket in data["waterfall"].values():
        flow = bucket["new"] + bucket["increased"] - bucket["decreased"]
        flow -= bucket["won"] + bucket["lost"] + bucket["removed"]
        assert bucket["start"] + flow == bucket["end"]
    for verdict in data["verdicts"]:
        assert set(verdict) == {"id", "before", "after"} and verdict["before"] != verdict["after"]


def test_review_until_compares_two_refs(in_repo: Repo, runner: CliRunner) -> None:
    review_repo(in_repo)
    in_repo.git("tag", "w2")
    in_repo.write("deals/new.yaml", deal_text("N-1", "qualification", "2026-12-31", 60000))
    result = runner.invoke(app, ["review", "--since", "w1", "--until", "w2", "-f", "json"])
    data = json.loads(result.stdout)
    assert data["until"] == "w2"
    assert ("N-1", "new") in {(c["id"], c["kind"]) for c in data["changes"]}
    same = runner.invoke(app, ["review", "--since", "w2", "--until", "w2", "-f", "json"])
    assert json.loads(same.stdout)["changes"] == []


BROKEN_YAML = "ebcheck: 1\ndeal:\n  id: A-1\n  name: [\n"
NOT_A_VALID_DEAL = "ebcheck: 1\ndeal:\n  id: A-1\n  stage: nowhere\n"


@pytest.mark.parametrize("broken", [BROKEN_YAML, NOT_A_VALID_DEAL], ids=["yaml", "format"])
def test_review_compares_a_deal_that_does_not_load_now_as_unchanged(
    in_repo: Repo, runner: CliRunner, broken: str
) -> None:
    """A broken file is still the deal at its path: never `removed`, and said so."""
    in_repo.write("deals/a.yaml", deal_text("A-1", close="2026-12-31", amount=90))
    in_repo.commit("2026-02-02")
    in_repo.git("tag", "w1")
    in_repo.write("deals/a.yaml", broken)
    result = runner.invoke(app, ["review", "--since", "w1", "-f", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["changes"] == []
    usd = data["waterfall"]["USD"]
    assert (usd["start"], usd["removed"], usd["end"]) == (90, 0, 90)
    assert "deals/a.yaml: deal A-1 could not be loaded now; it is compared as unchanged" in (
        result.stderr
    )


def test_review_lists_a_deal_added_already_closed_but_the_waterfall_does_not(
    in_repo: Repo, runner: CliRunner
) -> None:
    """Open at neither end: won in the week without ever being seen open."""
    in_repo.write("deals/a.yaml", deal_text("A-1", close="2026-12-31", amount=90))
    in_repo.commit("2026-02-02")
    in_repo.git("tag", "w1")
    in_repo.write("deals/w.yaml", deal_text("W-9", "closed_won", amount=500))
    data = json.loads(runner.invoke(app, ["review", "--since", "w1", "-f", "json"]).stdout)
    kinds = [(c["id"], c["kind"], c["before"], c["after"]) for c in data["changes"]]
    assert kinds == [("W-9", "new", None, "closed_won"), ("W-9", "won", None, "closed_won")]
    usd = data["waterfall"]["USD"]
    assert (usd["start"], usd["new"], usd["won"], usd["end"]) == (90, 0, 0, 90)


def test_review_says_which_broken_files_it_leaves_out(in_repo: Repo, runner: CliRunner) -> None:
    in_repo.write("deals/a.yaml", BROKEN_YAML)  # broken at w1, fixed now
    in_repo.commit("2026-02-02")
    in_repo.git("tag", "w1")
    in_repo.write("deals/a.yaml", deal_text("A-1", close="2026-12-31", amount=90))
    in_repo.write("deals/new.yaml", "ebcheck: 1\ndeal: {id: N-9, name: [\n")
    result = runner.invoke(app, ["review", "--since", "w1", "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["changes"] == []
    assert "deals/a.yaml: deal A-1 could not be loaded at w1; it is compared as unchanged" in (
        result.stderr
    )
    assert (
        "deals/new.yaml: could not be loaded now, and it does not say which deal it is; "
        "it is left out of the review"
    ) in result.stderr


def test_review_reports_verdict_changes_and_findings(in_repo: Repo, runner: CliRunner) -> None:
    in_repo.write("a.yaml", deal_text("A-1", close="2026-12-31"))
    in_repo.commit("2026-02-02")
    in_repo.git("tag", "w1")
    in_repo.write("a.yaml", deal_text("A-1", close="2026-02-03"))
    in_repo.commit("2026-02-09")
    result = runner.invoke(app, ["review", "--since", "w1", "--as-of", "2026-02-10", "-f", "json"])
    data = json.loads(result.stdout)
    assert ("A-1", "pulled_in") in {(c["id"], c["kind"]) for c in data["changes"]}
    new = {f["rule"] for entry in data["findings"] for f in entry["new"]}
    assert "HY001" in new  # the close date has passed


def test_review_terminal_and_markdown(in_repo: Repo, runner: CliRunner) -> None:
    review_repo(in_repo)
    terminal = runner.invoke(app, ["review", "--since", "w1"], env={"COLUMNS": "120"})
    assert terminal.exit_code == 0
    assert "Waterfall (USD)" in terminal.stdout and "pulled in" in terminal.stdout
    markdown = runner.invoke(app, ["review", "--since", "w1", "-f", "markdown"])
    assert "| USD | 225,000 | 60,000 | 0 | 10,000 | 70,000 | 30,000 | 25,000 | 150,000 |" in (
        markdown.stdout
    )


def test_review_markdown_opens_with_what_is_not_ready_now_and_the_amount_at_risk(
    in_repo: Repo, runner: CliRunner
) -> None:
    # The same numbers the audit of the working tree gives, said first.
    review_repo(in_repo)
    audit = json.loads(runner.invoke(app, ["audit", ".", "-f", "json"]).stdout)["summary"]
    not_ready = audit["by_verdict"].get("not_ready", 0)
    deals = audit["deals"] - audit["by_verdict"].get("closed", 0) - audit["invalid"]
    named = {"unknown": "(no currency)"}
    at_risk = [f"{named.get(c, c)} {a:,}" for c, a in audit["amount_at_risk"].items() if a]
    markdown = runner.invoke(app, ["review", "--since", "w1", "-f", "markdown"]).stdout
    title, _, span = markdown.split("\n")[:3]
    assert title.startswith("## ") and f"{not_ready} of {deals} deals not ready" in title
    assert all(amount in title for amount in at_risk) and "at risk" in title
    assert span == "Pipeline review: w1 → working tree"


def test_review_of_a_shallow_clone_is_a_clear_error(
    repo: Repo, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    review_repo(repo)
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", repo.root.as_uri(), str(clone)],
        check=True,
        capture_output=True,
    )
    monkeypatch.chdir(clone)
    result = runner.invoke(app, ["review", "--since", "HEAD"])
    assert result.exit_code == 2 and "shallow clone" in result.stderr


STAGES = ["prospecting", "proposal", "negotiation", "closed_won", "closed_lost"]


def _report(deal_id: str, stage: str, amount: int | None, currency: str | None) -> DealReport:
    loaded = load_bytes(deal_text(deal_id, stage, "2026-06-30", amount, currency).encode())
    assert loaded.deal is not None
    return DealReport(
        f"{deal_id}.yaml", dt.date(2026, 1, 1), Verdict.READY, 0, deal=loaded.deal, deal_id=deal_id
    )


side = st.dictionaries(
    st.sampled_from([f"D-{n}" for n in range(8)]),
    st.tuples(
        st.sampled_from(STAGES),
        st.one_of(st.none(), st.integers(0, 10**9)),
        st.sampled_from([None, "USD", "EUR"]),
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(side, side)
def test_the_waterfall_always_balances(
    before: dict[str, tuple[str, int | None, str | None]],
    after: dict[str, tuple[str, int | None, str | None]],
) -> None:
    waterfall, _, _, _ = compare(
        {i: _report(i, *v) for i, v in before.items()},
        {i: _report(i, *v) for i, v in after.items()},
        Settings(),
    )
    for bucket in waterfall.values():
        assert bucket.balances
    for currency in {c or "unknown" for _, _, c in before.values()}:
        opened = sum(
            Decimal(a or 0)
            for s, a, c in before.values()
            if (c or "unknown") == currency and not s.startswith("closed")
        )
        assert waterfall.get(currency, Bucket()).start == opened
    assert all(name in BUCKETS for name in ("start", "end"))


def test_the_audit_pass_reads_heads_and_agrees_with_the_full_pass(in_repo: Repo) -> None:
    known_history(in_repo)
    heads = read_history(in_repo.root, full=False)
    full = read_history(in_repo.root)
    assert facts(heads) == facts(full)
    assert facts(heads)["A-1"][-1][1:] == (Stage.PROPOSAL, dt.date(2026, 6, 30))
    assert heads.deals["A-1"].skipped == full.deals["A-1"].skipped == 1
    assert all(v.loaded is None for v in heads.deals["A-1"].versions)


def test_review_with_history_judges_each_end_on_the_versions_up_to_it(
    in_repo: Repo, runner: CliRunner
) -> None:
    # A-1 is pushed once before w1 and once after: HY008 (2 pushes) is new this week.
    for day, close in (("2026-01-05", "2026-03-31"), ("2026-01-20", "2026-04-30")):
        in_repo.write("a.yaml", deal_text("A-1", close=close))
        in_repo.commit(day)
    in_repo.git("tag", "w1")
    in_repo.write("a.yaml", deal_text("A-1", close="2026-05-31"))
    in_repo.commit("2026-02-09")
    args = ["review", "--since", "w1", "--as-of", "2026-02-10", "-f", "json"]
    with_history = json.loads(runner.invoke(app, [*args, "--history"]).stdout)
    new = {f["rule"] for entry in with_history["findings"] for f in entry["new"]}
    assert "HY008" in new
    without = json.loads(runner.invoke(app, args).stdout)
    assert "HY008" not in {f["rule"] for entry in without["findings"] for f in entry["new"]}
    in_repo.write(".ebcheck.yaml", "history: true\n")
    configured = json.loads(runner.invoke(app, args).stdout)
    assert configured["findings"] == with_history["findings"]


def test_review_lists_a_deal_whose_currency_changed_behind_both_bars(
    in_repo: Repo, runner: CliRunner
) -> None:
    in_repo.write("c.yaml", deal_text("C-1", amount=10000, currency="USD"))
    in_repo.commit("2026-01-05")
    in_repo.git("tag", "w1")
    in_repo.write("c.yaml", deal_text("C-1", amount=10000, currency="EUR"))
    in_repo.commit("2026-02-01")
    data = json.loads(runner.invoke(app, ["review", "--since", "w1", "-f", "json"]).stdout)
    assert (data["waterfall"]["USD"]["decreased"], data["waterfall"]["EUR"]["increased"]) == (
        10000,
        10000,
    )
    assert [(c["kind"], c["before"], c["after"]) for c in data["changes"]] == [
        ("amount_down", 10000, None),
        ("amount_up", None, 10000),
    ]
    terminal = runner.invoke(app, ["review", "--since", "w1"], env={"COLUMNS": "120"}).stdout
    assert "USD 10,000" in terminal and "EUR 10,000" in terminal


def test_the_terminal_review_opens_with_what_is_not_ready_now(
    in_repo: Repo, runner: CliRunner
) -> None:
    review_repo(in_repo)
    terminal = runner.invoke(app, ["review", "--since", "w1"], env={"COLUMNS": "120"}).stdout
    markdown = runner.invoke(app, ["review", "--since", "w1", "-f", "markdown"]).stdout
    first = terminal.splitlines()[0]
    assert "not ready" in first
    assert markdown.splitlines()[0] == f"## ❌ {first}"


def test_two_files_with_one_id_are_never_one_timeline(in_repo: Repo, runner: CliRunner) -> None:
    in_repo.write("d.yaml", deal_text("D-1", close="2026-05-31", amount=55000))
    in_repo.commit("2026-01-05")
    in_repo.git("tag", "w1")
    in_repo.write("copy.yaml", deal_text("D-1", close="2026-09-30", amount=99000))
    in_repo.commit("2026-02-01")
    in_repo.write("d.yaml", deal_text("D-1", close="2026-06-30", amount=55000))
    in_repo.commit("2026-02-10")
    result = runner.invoke(app, ["history", ".", "-f", "json"])
    (deal,) = json.loads(result.stdout)["deals"]
    assert deal["path"] == "d.yaml"
    assert [(v["close_date"], v["amount"]) for v in deal["versions"]] == [
        ("2026-05-31", 55000),
        ("2026-06-30", 55000),
    ]
    assert "copy.yaml holds deal D-1 too, since 2026-02-01, while d.yaml does" in result.stderr
    review = runner.invoke(app, ["review", "--since", "w1", "-f", "json"])
    kinds = [(c["id"], c["kind"]) for c in json.loads(review.stdout)["changes"]]
    assert kinds == [("D-1", "pushed")]  # d.yaml against d.yaml, not the copy
    assert "copy.yaml: holds deal D-1 now as d.yaml does (HY005)" in review.stderr


def test_review_markdown_shows_a_deal_path_exactly_in_its_code_span(
    in_repo: Repo, runner: CliRunner
) -> None:
    in_repo.write("my_deal.yaml", deal_text("U-1", close="2026-03-31"))
    in_repo.write("we`ird.yaml", deal_text("W-1", close="2026-03-31"))
    in_repo.commit("2026-01-05")
    in_repo.git("tag", "w1")
    in_repo.write("my_deal.yaml", deal_text("U-1", close="2026-04-30"))
    in_repo.write("we`ird.yaml", deal_text("W-1", close="2026-04-30"))
    in_repo.commit("2026-02-01")
    markdown = runner.invoke(app, ["review", "--since", "w1", "-f", "markdown"]).stdout
    # Nothing is escaped inside a code span: a backslash there would show.
    assert "| U-1 (`my_deal.yaml`) | pushed |" in markdown
    assert "| W-1 (``we`ird.yaml``) | pushed |" in markdown
