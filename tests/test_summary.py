"""The run summary: counts per verdict, pipeline and at-risk amounts per currency."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from ebcheck.cli.app import app
from tests.deals import EB_NEVER_MET, READY

Write = Callable[..., Path]


def test_amounts_are_summed_per_currency_for_open_loaded_deals(
    runner: CliRunner, write: Write, tmp_path: Path
) -> None:
    write("a.yaml", READY.replace("HD-2026-031", "A"))  # ready, CNY 1,200,000
    write("b.yaml", EB_NEVER_MET.replace("HD-2026-031", "B"))  # not ready, CNY 1,200,000
    write("c.yaml", READY.replace("HD-2026-031", "C").replace("currency: CNY", "currency: usd"))
    write("d.yaml", READY.replace("HD-2026-031", "D").replace("  currency: CNY\n", ""))
    write(
        "e.yaml", READY.replace("HD-2026-031", "E").replace("stage: proposal", "stage: closed_won")
    )
    write("f.yaml", "ebcheck: 1\ndeal: [\n")
    result = runner.invoke(app, ["audit", str(tmp_path), "-f", "json"])
    summary = json.loads(result.stdout)["summary"]
    assert summary["deals"] == 6
    assert summary["invalid"] == 1
    assert summary["by_verdict"] == {"invalid": 1, "not_ready": 1, "ready": 3, "closed": 1}
    assert summary["amount"] == {"CNY": 2400000, "USD": 1200000, "unknown": 1200000}
    assert summary["amount_at_risk"] == {"CNY": 1200000, "USD": 0, "unknown": 0}
