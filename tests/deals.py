"""Deal texts shared by the tests."""

from __future__ import annotations

# A proposal-stage deal that a careful reader of the catalog judges ready:
# every rule is satisfied. Removing the EB's `met` line leaves exactly EB002.
READY = """\
ebcheck: 1
as_of: 2026-11-20
deal:
  id: HD-2026-031
  name: 华东精密 MES 升级
  account: 华东精密制造有限公司
  owner: 陈默
  amount: 1200000
  currency: CNY
  stage: proposal
  close_date: 2026-12-31
  next_step: {action: 向张总演示试点结果, due: 2026-11-28, owner: 陈默}
stakeholders:
  - name: 张伟
    title: 总经理
    roles: [EB]
    influence: high
    stance: supporter
    met: 2026-11-10
    last_contact: 2026-11-15
    authority: confirmed
  - {name: 李工, title: 总工程师, roles: [TB], stance: supporter, met: 2026-11-05}
  - {name: 王主任, title: 生产部主任, roles: [UB], stance: neutral, met: 2026-11-01}
  - {name: 刘经理, title: IT经理, roles: [coach], stance: champion, met: 2026-11-12,
     validated: true}
eb_access:
  analysis: 张总关注交付周期和库存周转;王秘书安排日程
  referral: {via: 刘总, relation: 老同学, status: introduced}
insights:
  project_confirmed: true
  budget_confirmed: true
  budget: 1500000
  decision_date: 2026-12-15
  preference: us
  competitors: [用友, SAP]
  source: 张伟
  compelling_event: {event: 春节备货高峰, date: 2027-01-20}
decision_process:
  steps:
    - {step: 总经理签批, by: 张伟, date: 2026-12-20}
procurement: {method: direct}
relationship:
  stage: initial
  share_of_wallet: 0.35
  annual_spend: 3000000
  history:
    - {date: 2025-03-01, stage: development}
    - {date: 2025-09-15, stage: initial}
client_team:
  sponsor: 张伟
  shared_goals: [库存周转提升20%]
  implementation_owner: 李工
commitments:
  team_estimate_days: 60
  committed_days: 50
  risks:
    - risk: 数据迁移可能延期
      severity: high
      raised_with: 张伟
      raised_on: 2026-11-10
      ask: 客户IT配合两名工程师
      owner: 陈默
"""

EB_NEVER_MET = READY.replace("    met: 2026-11-10\n", "")
assert EB_NEVER_MET != READY
