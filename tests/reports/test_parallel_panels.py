"""A big terminal report renders its panels in worker processes: the text must be
the one a single process prints, in plain text and in colour."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ebcheck.audit.engine import Engine, words_for
from ebcheck.audit.settings import Settings
from ebcheck.reports import Format, RenderOptions, render
from ebcheck.reports.parallel import PARALLEL_PANELS, workers_for
from tests.deals import READY

NOT_READY = READY.replace("    met: 2026-11-10\n", "", 1)  # the EB never met: EB002


@pytest.mark.parametrize("color", [False, True])
def test_panels_from_workers_read_as_from_one_process(color: bool) -> None:
    count = PARALLEL_PANELS + 6
    texts = {
        f"deals/d{n:03}.yaml": NOT_READY.replace("HD-2026-031", f"D-{n}") for n in range(count)
    }
    report = Engine.create(Settings(cache_dir=None)).audit_texts(texts)
    options = RenderOptions(words_for("zh"), width=100, color=color)
    assert workers_for(2, count) == 2
    assert workers_for(2, PARALLEL_PANELS - 1) == 1
    alone = render(report, Format.TERMINAL, options)
    shared = render(report, Format.TERMINAL, replace(options, jobs=2))
    assert shared == alone
    assert alone.count("EB002") >= count  # every not-ready deal has its panel
