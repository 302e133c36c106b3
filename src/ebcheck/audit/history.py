"""Deal history from git: every version of every deal on the first-parent line.

One `git log` pass lists, per commit, the deal files it changed with their
blob ids (`--raw --no-renames`); one long-lived `git cat-file --batch` reads
those blobs, each parsed once with the deal loader and cached by blob id.
Versions are followed by `deal.id` read from their content, never by path:
a move is a deletion and an addition of the same id, and the history stays
continuous. Nothing here prints or exits; git's refusals become
`HistoryUnavailable` (history cannot be read here) or `EbcheckError` (a bad ref).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import subprocess  # nosec B404 - runs git with argument lists, never a shell
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ebcheck.audit.walk import is_deal_data
from ebcheck.deal.enums import Stage
from ebcheck.deal.head import Head, read_head
from ebcheck.deal.load import Loaded, load_bytes
from ebcheck.deal.models import DealFile
from ebcheck.deal.source import MAX_BYTES
from ebcheck.errors import EbcheckError

DEAL_SUFFIXES = (".yaml", ".yml")
_BLOB_MODES = ("100644", "100755")
_NO_BLOB = "0" * 40
_CHUNK = 1 << 20
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class HistoryUnavailable(EbcheckError):
    """The git history cannot be read here: not a repository, a shallow clone, no git."""


@dataclass(frozen=True)
class Commit:
    sha: str
    date: dt.date
    """The committer date, as a local date."""

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True)
class Version:
    """One state of a deal: the content a commit gave it."""

    commit: Commit
    path: str
    """The file, relative to the repository root, in that commit."""
    blob: str
    head: Head
    """Its id, stage and close date."""
    loaded: Loaded | None = None
    """The whole deal, when the history was read in full."""

    @property
    def deal(self) -> DealFile:
        # Only histories read in full hold whole deals, and those only loaded ones.
        assert self.loaded is not None and self.loaded.deal is not None  # noqa: S101
        return self.loaded.deal

    @property
    def date(self) -> dt.date:
        return self.commit.date


@dataclass
class DealHistory:
    """The versions of one deal id, oldest first."""

    id: str
    versions: list[Version] = field(default_factory=list)
    skipped: int = 0
    """Versions of this deal that did not load."""
    path: str = ""
    """Where the deal was last seen, relative to the repository root."""
    present: bool = False
    """Whether a file of the last commit read holds it."""
    twins: dict[str, str] = field(default_factory=dict)
    """Other files that held this id while `path` did, each with the date they first
    did: their versions are not this deal's (two files, one id: HY005)."""


@dataclass(frozen=True)
class History:
    root: Path
    """The repository root (the working tree's top folder)."""
    deals: dict[str, DealHistory]
    skipped: int = 0
    """Versions that did not load and name no deal id at all."""
    commits: int = 0
    order: Mapping[str, int] = field(default_factory=dict)
    """Each commit read, by full id: its place on the first-parent line, oldest 0."""
    renamed: tuple[tuple[str, str, str, str], ...] = ()
    """(path, old id, new id, date): a file whose `deal.id` changed; its versions
    before are the old id's history, those after the new one's."""


# --- git ------------------------------------------------------------------------


def _git_command() -> str:
    git = shutil.which("git")
    if git is None:
        raise HistoryUnavailable("history_no_git")
    return git


def _refusal(stderr: str, cwd: Path, args: Sequence[str]) -> EbcheckError:
    text = stderr.strip()
    if "dubious ownership" in text:
        return HistoryUnavailable("history_dubious", folder=str(cwd))
    if "not a git repository" in text.lower():
        return HistoryUnavailable("history_not_a_repository", folder=str(cwd))
    return EbcheckError("git_failed", command=" ".join(args), reason=text)


def run_git(args: Sequence[str], cwd: Path) -> bytes:
    """git's stdout for `args`; its refusals as errors that say what to do."""
    result = subprocess.run(  # noqa: S603 - argument list, no shell
        [_git_command(), *args], cwd=cwd, capture_output=True, check=False
    )
    if result.returncode != 0:
        raise _refusal(result.stderr.decode("utf-8", "replace"), cwd, args)
    return result.stdout


def repository_top(start: Path) -> Path:
    """The top folder of the working tree holding `start`; refuses shallow clones."""
    folder = start if start.is_dir() else start.parent
    try:
        out = run_git(["rev-parse", "--show-toplevel", "--is-shallow-repository"], folder)
    except HistoryUnavailable:
        raise
    except EbcheckError:
        raise HistoryUnavailable("history_not_a_repository", folder=str(folder)) from None
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < 2:
        raise HistoryUnavailable("history_not_a_repository", folder=str(folder))
    if lines[1].strip() == "true":
        raise HistoryUnavailable("history_shallow")
    return Path(lines[0])


def check_ref(ref: str, option: str) -> None:
    """A ref may never be read as an option of git."""
    if not ref or ref.startswith("-"):
        raise EbcheckError("bad_ref", option=option, ref=ref)


def resolve(ref: str, top: Path, option: str) -> str:
    """The commit `ref` names, as a full id."""
    check_ref(ref, option)
    try:
        out = run_git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    except HistoryUnavailable:
        raise
    except EbcheckError:
        raise EbcheckError("unknown_ref_option", option=option, ref=ref) from None
    return out.decode().strip()


def has_commits(top: Path) -> bool:
    try:
        run_git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], top)
    except HistoryUnavailable:
        raise
    except EbcheckError:
        return False
    return True


def is_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def commit_date(sha: str, top: Path) -> dt.date:
    out = run_git(["show", "-s", "--format=%ct", sha], top)
    return local_date(int(out.decode().strip()))


def local_date(timestamp: int) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp).date()  # a local date


# --- the log pass ---------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One file a commit changed: its status, old and new blob, and path."""

    status: str
    old: str
    new: str
    path: str


def is_deal_path(path: str) -> bool:
    return path.lower().endswith(DEAL_SUFFIXES)


def parse_log(data: bytes) -> Iterator[tuple[Commit, list[Change]]]:
    """The commits of `git log -z --format=%x00%H%x00%ct --raw`, with their deal files."""
    tokens = data.split(b"\0")
    commit: Commit | None = None
    changes: list[Change] = []
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i].strip(b"\n")
        i += 1
        if not token:
            continue
        if token.startswith(b":"):
            path = os.fsdecode(tokens[i]) if i < n else ""
            i += 1
            meta = token[1:].decode("ascii", "replace").split()
            if len(meta) < 5 or not is_deal_path(path):
                continue
            old_mode, new_mode, old, new, status = meta[:5]
            status = status[:1]
            if status in ("A", "M", "T") and new_mode not in _BLOB_MODES:
                status = "D" if old_mode in _BLOB_MODES else ""
            if status == "D" and old_mode not in _BLOB_MODES:
                continue
            if status in ("A", "M", "T", "D"):
                changes.append(Change(status, old, new, path))
            continue
        if commit is not None:
            yield commit, changes
        stamp = tokens[i].strip(b"\n") if i < n else b"0"
        i += 1
        commit = Commit(token.decode("ascii", "replace"), local_date(int(stamp or b"0")))
        changes = []
    if commit is not None:
        yield commit, changes


def log_args(revisions: Sequence[str]) -> list[str]:
    args = [
        "-c",
        "core.quotepath=off",
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--no-renames",
        "--no-ext-diff",
        "--no-color",
        "-z",
        "--reverse",
        "--format=%x00%H%x00%ct",
        "--raw",
        "--no-abbrev",
    ]
    return [*args, *revisions, "--"]


# --- the cat-file pass ----------------------------------------------------------


class BlobReader:
    """One long-lived `git cat-file --batch`, fed every blob id at once."""

    def __init__(self, top: Path) -> None:
        self.top = top

    def read(self, blobs: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
        if not blobs:
            return
        process = subprocess.Popen(  # noqa: S603 - argument list, no shell
            [_git_command(), "cat-file", "--batch"],
            cwd=self.top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdin is not None and process.stdout is not None  # noqa: S101
        writer = threading.Thread(target=_feed, args=(process.stdin, blobs), daemon=True)
        writer.start()
        try:
            out = process.stdout
            for blob in blobs:
                header = out.readline().split()
                if len(header) < 2 or header[1] == b"missing":
                    yield blob, None
                    continue
                yield blob, _bounded(out, int(header[-1]))
        finally:
            writer.join()
            process.stdout.close()
            process.wait()
            if process.stderr is not None:
                process.stderr.close()


def _bounded(out: IO[bytes], size: int) -> bytes:
    """A blob of `size` bytes, kept only up to one byte over the deal file limit.

    One byte over is enough for the loader to call the version too big; the
    rest is read in chunks and dropped, so a huge blob (zeros compress a
    thousandfold) never takes its size in memory.
    """
    keep = min(size, MAX_BYTES + 1)
    data = out.read(keep)
    left = size - keep + 1  # and the newline after the blob
    while left > 0:
        chunk = out.read(min(left, _CHUNK))
        if not chunk:
            break
        left -= len(chunk)
    return data


def _feed(stdin: IO[bytes], blobs: Sequence[str]) -> None:
    with contextlib.suppress(BrokenPipeError):
        stdin.write(b"".join(f"{blob}\n".encode("ascii") for blob in blobs))
    with contextlib.suppress(BrokenPipeError):
        stdin.close()


class BlobCache:
    """Deals by blob id: each blob read and parsed once.

    In full (the default) every blob is loaded as a whole deal. Otherwise only
    its head is read, and the whole file only when the head cannot be read
    plainly, so that a version that does not load is still told apart.
    """

    def __init__(
        self, top: Path, stages: Mapping[str, Stage] | None = None, *, full: bool = True
    ) -> None:
        self.reader = BlobReader(top)
        self.stages = stages
        self.full = full
        self.heads: dict[str, Head | None] = {}
        self.loaded: dict[str, Loaded] = {}
        self.broken: set[str] = set()
        """Blobs that do not load and do not even say which deal they are, but are
        deals all the same (not YAML at all: the walk reports such a file as a deal)."""

    def fetch(self, blobs: Iterable[str]) -> None:
        wanted = list(dict.fromkeys(b for b in blobs if b != _NO_BLOB and b not in self.heads))
        for blob, data in self.reader.read(wanted):
            self._take(blob, data)

    def _take(self, blob: str, data: bytes | None) -> None:
        head = read_head(data, self.stages) if data is not None and not self.full else None
        if head is None:
            # Kept for the whole pass: with the plain map of every position.
            loaded = Loaded(None) if data is None else load_bytes(data, self.stages, mapped=True)
            self.loaded[blob] = loaded
            if data is not None and loaded.deal_id is None and is_deal_data(data):
                self.broken.add(blob)
            head = head_of(loaded)
        self.heads[blob] = head

    def head(self, blob: str) -> Head | None:
        return self.heads.get(blob)

    def deal_id(self, blob: str) -> str | None:
        """The deal id a blob names, even when it does not load."""
        head = self.heads.get(blob)
        return head.id if head is not None else self[blob].deal_id

    def __getitem__(self, blob: str) -> Loaded:
        return self.loaded.get(blob) or Loaded(None)


def head_of(loaded: Loaded) -> Head | None:
    if loaded.deal is None:
        return None
    info = loaded.deal.deal
    return Head(info.id, info.stage, info.close_date)


# --- putting them together ------------------------------------------------------


def read_history(
    start: Path,
    *,
    stages: Mapping[str, Stage] | None = None,
    full: bool = True,
    until: str | None = None,
) -> History:
    """Every version of every deal on the first-parent line of HEAD, from its first
    commit (`history --since` chooses rows with `commits_since`, so that each version
    is still judged on all before it). With `full=False` versions hold only their heads (what
    `audit --history` needs), and a version counts as loaded when its head
    does. `until` (a ref) reads the line up to it instead of HEAD. Raises
    `HistoryUnavailable` when history cannot be read here.
    """
    top = repository_top(start)
    if not has_commits(top):
        return History(top, {})
    revisions = ["HEAD" if until is None else resolve(until, top, "--until")]
    commits = list(parse_log(run_git(log_args(revisions), top)))
    cache = BlobCache(top, stages, full=full)
    # Every file's contents as added or changed; one deleted was added before, on the line.
    cache.fetch(c.new for _, changes in commits for c in changes if c.status != "D")
    return _follow(top, commits, cache)


def commits_since(start: Path, since: str) -> frozenset[str]:
    """The ids of the first-parent commits of HEAD after `since` (a ref, or a YYYY-MM-DD
    date): the rows `history --since` shows. One `git log` without the changes."""
    check_ref(since, "--since")
    top = repository_top(start)
    if not has_commits(top):
        return frozenset()
    args = ["log", "--first-parent", "--format=%H"]
    if is_date(since):
        args += [f"--since={since}T00:00:00", "HEAD"]
    else:
        args += [f"^{resolve(since, top, '--since')}", "HEAD"]
    return frozenset(run_git([*args, "--"], top).decode("ascii").split())


def _follow(top: Path, commits: list[tuple[Commit, list[Change]]], cache: BlobCache) -> History:
    deals: dict[str, DealHistory] = {}
    at_path: dict[str, str] = {}
    """Which deal id each path holds now."""
    orphans = 0
    renamed: list[tuple[str, str, str, str]] = []

    def history_of(deal_id: str) -> DealHistory:
        found = deals.get(deal_id)
        if found is None:
            found = deals[deal_id] = DealHistory(deal_id)
        return found

    for commit, changes in commits:
        # Renames are a deletion and an addition of the same blob (`--no-renames`).
        for change in sorted(changes, key=lambda c: c.status != "D"):
            if change.status == "D":
                gone = at_path.pop(change.path, None) or cache.deal_id(change.old)
                if gone is not None and gone in deals and deals[gone].path == change.path:
                    deals[gone].present = False
                continue
            head = cache.head(change.new)
            if head is None:
                owner = cache.deal_id(change.new) or at_path.get(change.path)
                if owner is None:
                    orphans += 1
                else:
                    history_of(owner).skipped += 1
                continue
            deal_id = head.id
            known = deals.get(deal_id)
            if known is not None and _twin(known, change.path, at_path):
                known.twins.setdefault(change.path, commit.date.isoformat())
                continue
            previous = at_path.get(change.path)
            replaced = deals.get(previous) if previous not in (None, deal_id) else None
            if replaced is not None and replaced.path == change.path:
                replaced.present = False
                renamed.append((change.path, replaced.id, deal_id, commit.date.isoformat()))
            at_path[change.path] = deal_id
            history = history_of(deal_id)
            history.path, history.present = change.path, True
            # A move is no version: the content is the last one's.
            if not history.versions or history.versions[-1].blob != change.new:
                loaded = cache.loaded.get(change.new) if cache.full else None
                history.versions.append(Version(commit, change.path, change.new, head, loaded))
    order = {commit.sha: place for place, (commit, _) in enumerate(commits)}
    return History(top, deals, orphans, len(commits), order, tuple(renamed))


def _twin(deal: DealHistory, path: str, at_path: Mapping[str, str]) -> bool:
    """Whether `path` is a second file holding `deal`'s id while its own file still does
    (a move deletes the old path first, in the same commit)."""
    return deal.present and deal.path != path and at_path.get(deal.path) == deal.id


# --- what `audit --history` supplies ------------------------------------------


VersionFacts = tuple[dt.date, Stage, dt.date | None]
"""(commit date, stage, close date) of one version: what `audit --history` needs."""


def facts(
    history: History, through: str | None = None, through_date: dt.date | None = None
) -> dict[str, tuple[VersionFacts, ...]]:
    """Each deal's version facts, oldest first; with `through` (a full commit id)
    only the versions up to that commit: by its place on the line, or by
    `through_date` when the commit is not on it."""
    place = history.order.get(through) if through is not None else None

    def kept(version: Version) -> bool:
        if place is not None:
            return history.order[version.commit.sha] <= place
        return through_date is None or version.date <= through_date

    found = {
        deal_id: tuple((v.date, v.head.stage, v.head.close_date) for v in h.versions if kept(v))
        for deal_id, h in history.deals.items()
    }
    return {deal_id: versions for deal_id, versions in found.items() if versions}


def close_dates(versions: Sequence[VersionFacts], current: dt.date | None) -> list[dt.date]:
    """The earlier close dates, oldest first, consecutive repeats merged, the current left out."""
    dates: list[dt.date] = []
    for day in [*(close for _, _, close in versions), current]:
        if day is not None and (not dates or dates[-1] != day):
            dates.append(day)
    if current is not None and dates and dates[-1] == current:
        dates.pop()
    return dates


def stage_entered(versions: Sequence[VersionFacts], current: Stage) -> dt.date | None:
    """The date of the oldest commit since which the stage has been `current`."""
    entered = None
    for day, stage, _ in reversed(versions):
        if stage is not current:
            break
        entered = day
    return entered


def supply(deal: DealFile, versions: Sequence[VersionFacts]) -> DealFile:
    """The deal with what its file does not record supplied from its versions."""
    info = deal.deal
    update: dict[str, object] = {}
    if info.close_date_history is None and versions:
        update["close_date_history"] = close_dates(versions, info.close_date)
    if info.stage_entered is None:
        entered = stage_entered(versions, info.stage)
        if entered is not None:
            update["stage_entered"] = entered
    if not update:
        return deal
    return deal.model_copy(update={"deal": info.model_copy(update=update)})
