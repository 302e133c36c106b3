"""`ebcheck history`: each deal's versions, judged by the current rules as of their commit.

A version is scored like `audit --history` would have scored it on its
commit date: as_of is the commit date, and the close dates and stage entry
its file does not record come from the versions up to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from ebcheck.audit.engine import Engine, display_path
from ebcheck.audit.history import DealHistory, History, Version, VersionFacts
from ebcheck.audit.settings import Settings
from ebcheck.deal.enums import Verdict


@dataclass(frozen=True)
class VersionRow:
    date: dt.date
    commit: str
    """The short commit id."""
    stage: str
    close_date: dt.date | None
    amount: Decimal | None
    currency: str | None
    score: int | None
    verdict: Verdict


@dataclass(frozen=True)
class DealTimeline:
    id: str
    path: str
    """Where the deal was last seen, as the user would name it."""
    versions: tuple[VersionRow, ...]
    """Oldest first."""
    skipped: int

    @property
    def scores(self) -> list[int]:
        return [v.score for v in self.versions if v.score is not None]


def under(path: Path, folders: Sequence[Path]) -> bool:
    """Whether `path` is one of `folders` or lies below one."""
    return any(path == folder or folder in path.parents for folder in folders)


def timelines(
    history: History,
    settings: Settings,
    paths: Sequence[Path],
    shown: frozenset[str] | None = None,
) -> list[DealTimeline]:
    """The deals last seen under `paths`, by path then id, each with its judged versions.

    `shown` (`--since`): only the versions of these commits are rows; every version
    before them still counts for the rules (pushes, the stage's start), so a commit
    scores the same whatever range is shown."""
    folders = [p.resolve() for p in paths]
    engine = Engine.create(settings)
    chosen = [
        deal
        for deal in history.deals.values()
        if any(shown is None or v.commit.sha in shown for v in deal.versions)
        and under((history.root / deal.path).resolve(), folders)
    ]
    chosen.sort(key=lambda d: (d.path, d.id))
    return [_timeline(deal, history.root, engine, shown) for deal in chosen]


def _timeline(
    deal: DealHistory, root: Path, engine: Engine, only: frozenset[str] | None
) -> DealTimeline:
    shown = display_path(root / deal.path, engine.settings.root)
    facts: list[VersionFacts] = []
    rows = []
    for version in deal.versions:
        facts.append((version.date, version.head.stage, version.head.close_date))
        if only is None or version.commit.sha in only:
            rows.append(judge(version, engine, tuple(facts), shown))
    return DealTimeline(deal.id, shown, tuple(rows), deal.skipped)


def judge(
    version: Version, engine: Engine, facts: tuple[VersionFacts, ...], shown: str
) -> VersionRow:
    """The score and verdict the current rules give one version on its commit date."""
    dated = replace(
        engine,
        settings=replace(engine.settings, as_of=version.date),
        history={version.deal.deal.id: facts},
    )
    loaded = version.loaded
    assert loaded is not None  # noqa: S101 - `ebcheck history` reads every version in full
    report = dated.finish([dated.check_loaded(loaded, shown)]).deals[0]
    info = version.deal.deal
    return VersionRow(
        version.date,
        version.commit.short,
        info.stage.value,
        info.close_date,
        info.amount,
        info.currency,
        report.score,
        report.verdict,
    )
