"""Sample findings and deal YAML for the report-format tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ebcheck.audit.findings import Finding
from ebcheck.audit.results import DealReport
from ebcheck.deal.enums import Severity

AS_OF = dt.date(2026, 11, 20)
VERSION = "0.0.0-test"

Builder = Callable[..., DealReport]
"""The `build` fixture: a DealReport from YAML, with the findings a test gives."""

HOSTILE = "a|b `c` <script>x</script> [bold]y[/]"
"""A deal name that tries to break tables, code spans, HTML and Rich markup."""


def finding(
    rule: str = "EB002",
    severity: Severity = Severity.CRITICAL,
    message: str = "Zhang Wei (EB) has never been met; the deal is at proposal.",
    *,
    name: str | None = None,
    line: int = 12,
    column: int = 5,
    path: str = "stakeholders[0]",
    subject: str | None = "Zhang Wei",
    fix: str = "Get a referral to Zhang Wei and record the meeting in `met`.",
) -> Finding:
    names = {
        "EB001": "eb-missing",
        "EB002": "eb-not-met",
        "BI004": "ub-missing",
        "CT001": "sponsor-missing",
        "HY002": "next-step-missing",
        "RS005": "relationship-missing",
    }
    return Finding(
        rule=rule,
        name=name or names.get(rule, rule.lower()),
        severity=severity,
        message=message,
        fix=fix,
        line=line,
        column=column,
        path=path,
        subject=subject,
    )


def yaml_deal(
    deal_id: str,
    name: str,
    *,
    account: str = "Acme Ltd",
    owner: str | None = "Chen Mo",
    stage: str = "proposal",
    amount: float | None = 100000,
    currency: str | None = "USD",
    close: str = "2026-12-31",
    stakeholders: str = "",
) -> str:
    lines = [
        "ebcheck: 1",
        f"as_of: {AS_OF.isoformat()}",
        "deal:",
        f"  id: {quote(deal_id)}",
        f"  name: {quote(name)}",
        f"  account: {quote(account)}",
        f"  stage: {stage}",
        f"  close_date: {close}",
    ]
    if owner:
        lines.append(f"  owner: {quote(owner)}")
    if amount is not None:
        lines.append(f"  amount: {amount}")
    if currency:
        lines.append(f"  currency: {currency}")
    text = "\n".join(lines) + "\n"
    if stakeholders:
        text += "stakeholders:\n" + stakeholders
    return text


def quote(text: str) -> str:
    """A YAML double-quoted scalar (control characters as escapes)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 32 or 127 <= ord(char) < 160:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


STAKEHOLDERS = """\
  - {name: Zhang Wei, title: General manager, roles: [EB], stance: neutral}
  - {name: Li Gong, roles: [TB, coach], met: 2026-10-01, stance: champion}
  - {name: Wang Fang, roles: [UB], met: 2026-12-05}
"""
