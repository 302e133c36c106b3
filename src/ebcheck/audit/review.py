"""`ebcheck review`: what changed in the pipeline between a git ref and now.

The deals at REF are read from git (one `git ls-tree`, one `git cat-file
--batch`) and audited with the current rules as of REF's commit date; the
deals now are the working tree's (or `--until REF`'s). Deals are matched by
`deal.id`. The waterfall balances per currency by construction:

    start + new + increased − decreased − won − lost − removed = end
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from ebcheck.audit.engine import Engine, FileAudit, audit_paths, display_path
from ebcheck.audit.findings import Finding
from ebcheck.audit.history import (
    BlobCache,
    VersionFacts,
    check_ref,
    commit_date,
    facts,
    is_deal_path,
    read_history,
    repository_top,
    resolve,
    run_git,
)
from ebcheck.audit.results import DealReport
from ebcheck.audit.settings import Settings
from ebcheck.audit.walk import globs
from ebcheck.deal import money
from ebcheck.deal.enums import Stage, Verdict
from ebcheck.deal.models import DealInfo

KINDS = (
    "new",
    "won",
    "lost",
    "removed",
    "pushed",
    "pulled_in",
    "amount_up",
    "amount_down",
    "stage_forward",
    "stage_back",
)
BUCKETS = ("start", "new", "increased", "decreased", "won", "lost", "removed", "end")
UNKNOWN_CURRENCY = "unknown"
Value = str | Decimal | None
"""What a change was and became: a stage, a date, or an amount (exact)."""


@dataclass(frozen=True)
class Change:
    id: str
    path: str
    kind: str
    before: Value
    after: Value
    currency: str | None = None
    """For an amount change: the currency (waterfall bar) it belongs to."""


@dataclass(frozen=True)
class VerdictChange:
    id: str
    before: Verdict
    after: Verdict


@dataclass(frozen=True)
class FindingChanges:
    id: str
    path: str
    new: tuple[Finding, ...]
    resolved: tuple[Finding, ...]


@dataclass
class Bucket:
    """One currency's waterfall."""

    start: Decimal = Decimal(0)
    new: Decimal = Decimal(0)
    increased: Decimal = Decimal(0)
    decreased: Decimal = Decimal(0)
    won: Decimal = Decimal(0)
    lost: Decimal = Decimal(0)
    removed: Decimal = Decimal(0)
    end: Decimal = Decimal(0)

    @property
    def balances(self) -> bool:
        flow = self.new + self.increased - self.decreased - self.won - self.lost - self.removed
        return self.start + flow == self.end


@dataclass(frozen=True)
class Unreadable:
    id: str | None
    """None: the file does not say which deal it is, and no deal stood at its path
    at the other end (it is left out of the review)."""
    path: str
    at_ref: bool
    """True: the version at REF did not load; False: the one now."""


@dataclass(frozen=True)
class Twin:
    """A file holding the id of a deal another file already holds, at one end."""

    id: str
    path: str
    kept: str
    """The file the review compares for that id."""
    at_ref: bool


@dataclass(frozen=True)
class Standing:
    """The open deals at the later end, as a manager asks first: how many are not
    ready, and the amount at risk (at-risk and not-ready deals) per currency."""

    open: int = 0
    not_ready: int = 0
    at_risk: dict[str, Decimal] = field(default_factory=dict)


def standing(after: Mapping[str, DealReport], settings: Settings) -> Standing:
    at_risk: dict[str, Decimal] = {}
    count = not_ready = 0
    for report in after.values():
        info = report.deal.deal if report.deal is not None else None
        if info is None or info.is_closed:
            continue
        count += 1
        not_ready += report.verdict is Verdict.NOT_READY
        if report.verdict in (Verdict.NOT_READY, Verdict.AT_RISK):
            currency = _currency(info, settings)
            at_risk[currency] = at_risk.get(currency, Decimal(0)) + _amount(info)
    return Standing(count, not_ready, dict(sorted(at_risk.items())))


@dataclass(frozen=True)
class Review:
    since: str
    until: str | None
    """None: the working tree."""
    since_date: dt.date
    waterfall: dict[str, Bucket]
    changes: tuple[Change, ...]
    verdicts: tuple[VerdictChange, ...]
    findings: tuple[FindingChanges, ...]
    unreadable: tuple[Unreadable, ...] = field(default=())
    now: Standing = field(default_factory=Standing)
    twins: tuple[Twin, ...] = field(default=())
    """The open deals at the later end (REF's `--until`, else the working tree)."""


# --- the deals on each side ------------------------------------------------------


def _pathspecs(paths: Sequence[Path], top: Path) -> list[str]:
    specs = []
    for path in paths:
        try:
            relative = path.resolve().relative_to(top.resolve()).as_posix()
        except ValueError:
            continue
        if relative in ("", "."):
            return []
        specs.append(f":(literal){relative}")
    return specs


def _hidden(path: str) -> bool:
    return any(part.startswith(".") for part in path.split("/"))


def deals_at(
    commit: str, top: Path, paths: Sequence[Path], settings: Settings
) -> list[tuple[str, str]]:
    """(path, blob) of the deal files at `commit` under `paths`, repository-relative."""
    specs = _pathspecs(paths, top)
    out = run_git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", *specs], top)
    included = globs(settings.include, "include") if settings.include else None
    excluded = globs(settings.exclude, "exclude")
    config_root = settings.config_root or settings.root
    found = []
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, blob = meta.decode("ascii", "replace").split()[:3]
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind != "blob" or not mode.startswith("100") or not is_deal_path(path):
            continue
        if _hidden(path):
            continue
        relative = display_path(top / path, config_root)
        if included is not None and not included.match_file(relative):
            continue
        if excluded.match_file(relative):
            continue
        found.append((path, blob))
    return found


def audit_at(
    commit: str,
    top: Path,
    paths: Sequence[Path],
    settings: Settings,
    history: Mapping[str, tuple[VersionFacts, ...]] | None = None,
) -> tuple[list[DealReport], dt.date]:
    """The deals at `commit`, audited by the current rules as of its commit date."""
    day = commit_date(commit, top)
    dated = replace(settings, as_of=day)
    engine = Engine.create(dated, history)
    files = deals_at(commit, top, paths, settings)
    cache = BlobCache(top, settings.stages)
    cache.fetch(blob for _, blob in files)
    audits: list[FileAudit] = []
    for path, blob in files:
        loaded = cache[blob]
        if loaded.deal is None and loaded.deal_id is None and blob not in cache.broken:
            continue  # not a deal file (a workflow, a playbook)
        audits.append(engine.check_loaded(loaded, display_path(top / path, settings.root)))
    return list(engine.finish(audits).deals), day


# --- comparing ----------------------------------------------------------------------


def _amount(info: DealInfo) -> Decimal:
    return info.amount if info.amount is not None else Decimal(0)


def _currency(info: DealInfo, settings: Settings) -> str:
    return settings.currency_of(info.currency) or UNKNOWN_CURRENCY


def _by_id(
    reports: Iterable[DealReport], other: Mapping[str, DealReport] | None = None
) -> dict[str, DealReport]:
    """The deals by id; of two files with one id, the one at the path the deal has at
    the `other` end, else the first."""
    found: dict[str, DealReport] = {}
    for report in reports:
        deal_id = report.deal_id
        if deal_id is None:
            continue
        there = other.get(deal_id) if other is not None else None
        if deal_id not in found or (there is not None and report.path == there.path):
            found[deal_id] = report
    return found


def _twins(
    reports: Iterable[DealReport], kept: Mapping[str, DealReport], at_ref: bool
) -> list[Twin]:
    """The files left out because another file holds the same id at that end (HY005):
    the review compares the first, and says so."""
    return [
        Twin(r.deal_id, r.path, kept[r.deal_id].path, at_ref)
        for r in reports
        if r.deal_id is not None and kept.get(r.deal_id) is not r
    ]


def compare(
    before: Mapping[str, DealReport],
    after: Mapping[str, DealReport],
    settings: Settings,
) -> tuple[dict[str, Bucket], list[Change], list[VerdictChange], list[FindingChanges]]:
    waterfall: dict[str, Bucket] = {}
    changes: list[Change] = []
    verdicts: list[VerdictChange] = []
    findings: list[FindingChanges] = []

    def bucket(currency: str) -> Bucket:
        return waterfall.setdefault(currency, Bucket())

    for deal_id in sorted(set(before) | set(after), key=lambda i: _order(i, before, after)):
        old = before.get(deal_id)
        new = after.get(deal_id)
        was = old.deal.deal if old is not None and old.deal is not None else None
        now = new.deal.deal if new is not None and new.deal is not None else None
        shown = new or old
        path = shown.path if shown is not None else ""
        was_open = was is not None and not was.is_closed
        is_open = now is not None and not now.is_closed
        if was is not None and was_open:
            bucket(_currency(was, settings)).start += _amount(was)
        if now is not None and is_open:
            bucket(_currency(now, settings)).end += _amount(now)

        def add(
            kind: str,
            b: Value,
            a: Value,
            currency: str | None = None,
            deal_id: str = deal_id,
            path: str = path,
        ) -> None:
            changes.append(Change(deal_id, path, kind, b, a, currency))

        if was_open and was is not None and not is_open:
            amount = _amount(was)
            if now is None:
                bucket(_currency(was, settings)).removed += amount
                add("removed", was.stage.value, None)
            elif now.stage is Stage.CLOSED_WON:
                bucket(_currency(was, settings)).won += amount
                add("won", was.stage.value, now.stage.value)
            else:
                bucket(_currency(was, settings)).lost += amount
                add("lost", was.stage.value, now.stage.value)
        elif is_open and now is not None and not was_open:
            bucket(_currency(now, settings)).new += _amount(now)
            add("new", was.stage.value if was is not None else None, now.stage.value)
        elif was is None and now is not None and now.is_closed:
            add("new", None, now.stage.value)
            add("won" if now.stage is Stage.CLOSED_WON else "lost", None, now.stage.value)
        elif was_open and is_open and was is not None and now is not None:
            _open_changes(was, now, settings, bucket, add)
        # Closing a deal ends its judging: won and lost say it, not its verdict and findings.
        if was_open and is_open and old is not None and new is not None:
            if old.verdict is not new.verdict:
                verdicts.append(VerdictChange(deal_id, old.verdict, new.verdict))
            appeared, resolved = _finding_changes(old.findings, new.findings)
            if appeared or resolved:
                findings.append(FindingChanges(deal_id, path, appeared, resolved))
        elif is_open and not was_open and new is not None and new.findings:
            findings.append(FindingChanges(deal_id, path, new.findings, ()))
    return waterfall, changes, verdicts, findings


def _order(
    deal_id: str, before: Mapping[str, DealReport], after: Mapping[str, DealReport]
) -> tuple[str, str]:
    report = after.get(deal_id) or before.get(deal_id)
    return (report.path if report is not None else "", deal_id)


def _open_changes(
    was: DealInfo,
    now: DealInfo,
    settings: Settings,
    bucket: Callable[[str], Bucket],
    add: Callable[[str, Value, Value, str | None], None],
) -> None:
    """The changes of a deal open at both ends."""
    old_currency, new_currency = _currency(was, settings), _currency(now, settings)
    old_amount, new_amount = _amount(was), _amount(now)
    if old_currency != new_currency:
        # Its amount leaves one currency's bar and enters another's: the deal is listed
        # behind both (`—` on the side of the other currency).
        bucket(old_currency).decreased += old_amount
        bucket(new_currency).increased += new_amount
        if old_amount:
            add("amount_down", was.amount, None, old_currency)
        if new_amount:
            add("amount_up", None, now.amount, new_currency)
    elif new_amount > old_amount:
        bucket(new_currency).increased += new_amount - old_amount
        add("amount_up", was.amount, now.amount, new_currency)
    elif new_amount < old_amount:
        bucket(new_currency).decreased += old_amount - new_amount
        add("amount_down", was.amount, now.amount, new_currency)
    if was.close_date is not None and now.close_date is not None:
        if now.close_date > was.close_date:
            add("pushed", was.close_date.isoformat(), now.close_date.isoformat(), None)
        elif now.close_date < was.close_date:
            add("pulled_in", was.close_date.isoformat(), now.close_date.isoformat(), None)
    if now.stage.rank > was.stage.rank:
        add("stage_forward", was.stage.value, now.stage.value, None)
    elif now.stage.rank < was.stage.rank:
        add("stage_back", was.stage.value, now.stage.value, None)


def _key(finding: Finding) -> tuple[str, str, str]:
    return (finding.rule, finding.path, finding.subject or "")


def _finding_changes(
    old: Sequence[Finding], new: Sequence[Finding]
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    old_keys = {_key(f) for f in old}
    new_keys = {_key(f) for f in new}
    return (
        tuple(f for f in new if _key(f) not in old_keys),
        tuple(f for f in old if _key(f) not in new_keys),
    )


def _placed(
    reports: Iterable[DealReport],
    side: dict[str, DealReport],
    other: dict[str, DealReport],
    at_ref: bool,
) -> list[Unreadable]:
    """Files of one end that do not even say which deal they are (broken YAML), put
    in `side` as the deal that stood at the same path at the other end, so that it is
    compared as unchanged rather than removed or new; the rest, left out, listed."""
    at_path = {r.path: deal_id for deal_id, r in other.items() if deal_id not in side}
    left_out = []
    for report in reports:
        if report.deal_id is not None or report.deal is not None:
            continue
        deal_id = at_path.pop(report.path, None)
        if deal_id is None:
            left_out.append(Unreadable(None, report.path, at_ref))
        else:
            side[deal_id] = report
    return left_out


def _readable(before: dict[str, DealReport], after: dict[str, DealReport]) -> list[Unreadable]:
    """A deal that did not load on one side is compared as unchanged (its other side)."""
    found = []
    for deal_id in set(before) & set(after):
        old, new = before[deal_id], after[deal_id]
        if old.deal is None and new.deal is not None:
            found.append(Unreadable(deal_id, old.path, at_ref=True))
            before[deal_id] = new
        elif new.deal is None and old.deal is not None:
            found.append(Unreadable(deal_id, new.path, at_ref=False))
            after[deal_id] = old
    for side in (before, after):
        for deal_id in [i for i, r in side.items() if r.deal is None]:
            found.append(Unreadable(deal_id, side[deal_id].path, at_ref=side is before))
            del side[deal_id]
    return found


def review(
    paths: Sequence[Path],
    settings: Settings,
    since: str,
    until: str | None = None,
) -> Review:
    """Compare the deals under `paths` at `since` with the working tree (or `until`)."""
    check_ref(since, "--since")
    if until is not None:
        check_ref(until, "--until")
    start = next((p for p in paths if p.exists()), Path())
    top = repository_top(start.absolute())
    since_commit = resolve(since, top, "--since")
    since_day = commit_date(since_commit, top)
    before_facts, after_facts = None, None
    if settings.history:
        # Each end is judged on the versions up to it, as `audit --history`
        # would have judged it then.
        history = read_history(top, stages=settings.stages, full=False, until=until)
        before_facts, after_facts = facts(history, since_commit, since_day), facts(history)
    before_reports, _ = audit_at(since_commit, top, paths, settings, before_facts)
    if until is not None:
        until_commit = resolve(until, top, "--until")
        after_reports, _ = audit_at(until_commit, top, paths, settings, after_facts)
    else:
        after_reports = list(audit_paths(paths, settings, history=after_facts).deals)
    before = _by_id(before_reports)
    after = _by_id(after_reports, before)
    twins = [*_twins(before_reports, before, True), *_twins(after_reports, after, False)]
    left_out = _placed(after_reports, after, before, at_ref=False)
    left_out += _placed(before_reports, before, after, at_ref=True)
    unreadable = sorted([*_readable(before, after), *left_out], key=lambda u: (u.path, u.id or ""))
    with money.exact():  # the waterfall's sums never round
        waterfall, changes, verdicts, findings = compare(before, after, settings)
        at_end = standing(after, settings)
    return Review(
        since,
        until,
        since_day,
        dict(sorted(waterfall.items())),
        tuple(changes),
        tuple(verdicts),
        tuple(findings),
        tuple(unreadable),
        at_end,
        tuple(twins),
    )
