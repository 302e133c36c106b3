"""Shared helpers of the rule tests: a deal that passes every rule, and ways to break it.

`READY` is a negotiation-stage deal that no built-in rule fires on. A test
takes it, changes the one fact its rule is about (`deal_text(...)`), and
looks only at that rule's findings (`findings(...)`), so each case shows
exactly the change that makes a rule fire or stay silent.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from ebcheck.audit.engine import audit_text
from ebcheck.audit.findings import Finding
from ebcheck.audit.results import DealReport
from ebcheck.audit.settings import RuleSetting, Settings

AS_OF = "2026-11-20"

READY: dict[str, Any] = {
    "ebcheck": 1,
    "as_of": AS_OF,
    "deal": {
        "id": "HD-2026-031",
        "name": "华东精密 MES 升级",
        "account": "华东精密制造有限公司",
        "owner": "陈默",
        "amount": 1200000,
        "currency": "CNY",
        "stage": "negotiation",
        "close_date": "2026-12-31",
        "next_step": {"action": "签署合同", "due": "2026-11-28", "owner": "陈默"},
        "forecast": "commit",
        "stage_entered": "2026-11-02",
        "close_date_history": ["2026-12-31"],
    },
    "stakeholders": [
        {
            "name": "张伟",
            "title": "总经理",
            "roles": ["EB"],
            "influence": "high",
            "stance": "supporter",
            "met": "2026-11-10",
            "last_contact": "2026-11-18",
            "authority": "confirmed",
        },
        {
            "name": "李工",
            "title": "IT 经理",
            "roles": ["TB", "coach"],
            "influence": "medium",
            "stance": "champion",
            "met": "2026-11-05",
            "validated": True,
        },
        {"name": "赵敏", "title": "仓储主管", "roles": ["UB"], "met": "2026-10-30"},
    ],
    "insights": {
        "project_confirmed": True,
        "budget_confirmed": True,
        "decision_date": "2026-12-15",
        "competitors": ["用友"],
        "source": "张伟",
        "preference": "us",
        "pain": "旺季发货延误率 12%",
        "compelling_event": {"event": "春节备货高峰", "date": "2027-01-20"},
    },
    "decision_process": {
        "steps": [
            {"step": "IT 评审", "by": "李工", "date": "2026-11-12", "done": True},
            {"step": "总经理签批", "by": "张伟", "date": "2026-12-20"},
        ],
        "criteria": [{"criterion": "与现有 ERP 集成", "mandatory": True, "fit": "strong"}],
    },
    "procurement": {
        "method": "direct",
        "steps": [{"step": "法务审核", "owner": "陈默", "date": "2026-12-10"}],
    },
    "relationship": {
        "stage": "initial",
        "share_of_wallet": 0.35,
        "annual_spend": 6000000,
        "history": [
            {"date": "2025-03-01", "stage": "development"},
            {"date": "2025-09-15", "stage": "initial"},
        ],
    },
    "client_team": {
        "sponsor": "张伟",
        "shared_goals": ["库存周转提升20%"],
        "implementation_owner": "李工",
    },
    "commitments": {
        "team_estimate_days": 90,
        "committed_days": 80,
        "risks": [
            {
                "risk": "数据迁移",
                "severity": "high",
                "raised_with": "张伟",
                "ask": "客户 IT 配合两周",
                "ask_status": "granted",
                "owner": "陈默",
            }
        ],
    },
}


def deal_text(
    stage: str = "negotiation", deal: dict[str, Any] | None = None, **sections: Any
) -> str:
    """The READY deal at `stage`, with `deal` fields and top-level `sections` replaced.

    A value of None removes the field or section.
    """
    data = copy.deepcopy(READY)
    data["deal"]["stage"] = stage
    for changes, target in ((deal or {}, data["deal"]), (sections, data)):
        for key, value in changes.items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def audit(text: str, **rules: dict[str, Any]) -> DealReport:
    """Audit with the built-in rules; `EB005={"max_attempts": 2}` sets a rule's options."""
    settings = Settings(rules={rule: RuleSetting(options=opts) for rule, opts in rules.items()})
    report = audit_text(text, settings)
    assert report.crashes == ()
    return report


def findings(text: str, rule: str, **rules: dict[str, Any]) -> list[Finding]:
    """The findings of one rule on a deal."""
    return [f for f in audit(text, **rules).findings if f.rule == rule]


@pytest.fixture
def build() -> Callable[..., str]:
    return deal_text


@pytest.fixture
def found() -> Callable[..., list[Finding]]:
    return findings


@pytest.fixture
def run() -> Callable[..., DealReport]:
    return audit
