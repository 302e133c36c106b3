"""EB: the economic buyer (doctrine D1-D9).

The economic buyer is the person who finally decides. Without their yes,
everyone else's yes is worthless (D4); meeting them makes the project a
company matter (D5), lifts the value of what we solve (D6), shows the other
roles we have access at the top (D7), and is where the truth about budget,
leaning and competitors lives (D8). A deal whose EB we never met is more
likely lost than won (D3). The way in is preparation, a referral and a
follow-up plan, never phoning again and again (D9).
"""

from __future__ import annotations

from collections.abc import Iterator

from ebcheck.ruleapi import (
    Context,
    DealFile,
    Example,
    Finding,
    NoOptions,
    Role,
    Severity,
    Stage,
    rule,
)

_EB_MISSING_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-1, name: MES upgrade, account: Acme, stage: discovery, close_date: 2026-12-31}
stakeholders:
  - {name: Li Lei, roles: [TB], met: 2026-11-01}
"""

_EB_MISSING_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-1, name: MES upgrade, account: Acme, stage: discovery, close_date: 2026-12-31}
stakeholders:
  - {name: Li Lei, roles: [TB], met: 2026-11-01}
  - {name: Zhang Wei, roles: [EB], met: 2026-11-10}
"""


@rule(
    "EB001",
    "eb-missing",
    severity=Severity.HIGH,
    escalation={Stage.DISCOVERY: Severity.CRITICAL},
    doctrine=("D1", "D2", "D3"),
    example=Example(_EB_MISSING_FAILS, _EB_MISSING_PASSES),
)
def eb_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    if deal.with_role(Role.EB):
        return
    yield ctx.finding(("stakeholders",), count=len(deal.stakeholders))


_EB_NOT_MET_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-2, name: MES upgrade, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB]}
"""

_EB_NOT_MET_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-2, name: MES upgrade, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB], met: 2026-11-10}
"""


@rule(
    "EB002",
    "eb-not-met",
    severity=Severity.MEDIUM,
    escalation={Stage.DISCOVERY: Severity.HIGH, Stage.PROPOSAL: Severity.CRITICAL},
    doctrine=("D3", "D4", "D5", "D7", "D8"),
    example=Example(_EB_NOT_MET_FAILS, _EB_NOT_MET_PASSES),
)
def eb_not_met(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    ebs = deal.with_role(Role.EB)
    if not ebs or any(ctx.met_on(person) for person in ebs):
        return
    names = ctx.join(person.name for person in ebs)
    subject = ebs[0].name if len(ebs) == 1 else None
    variant = "one" if len(ebs) == 1 else "several"
    yield ctx.finding(ctx.path_of(ebs[0]), subject=subject, variant=variant, names=names)


RULES = [eb_missing, eb_not_met]
