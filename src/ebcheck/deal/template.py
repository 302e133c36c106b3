"""`ebcheck init`: a commented deal template that passes the loader.

One template per language: English, and Chinese (comments, example values,
and the Chinese labels of enumerated values where a Chinese team would write
them). Every section of the format is there, the additions of catalog 2
included; keys that only apply sometimes (`lost_reason`, `left`, a tender's
dates) are shown commented out. Dates are counted from the day it is written.
"""

from __future__ import annotations

import datetime as dt

LANGUAGES = ("en", "zh")

ENGLISH = """\
# A deal for ebcheck (deal format version 1). Check it with: ebcheck audit {name}
# Only ebcheck, deal.id, deal.name, deal.account, deal.stage and (for open deals)
# deal.close_date are required; every other section is optional, and what is
# missing is for the rules to judge. Replace the examples with what you know, and
# leave out what you do not know rather than guess. Dates are YYYY-MM-DD; keys
# starting with x- are yours, anywhere (kept for custom rules).
ebcheck: 1                      # the format version
# as_of: YYYY-MM-DD             # the date the rules treat as "today" (default: the day
                                #   of the audit; --as-of overrides)
deal:
  id: DEAL-001                  # unique across your deals repository
  name: New deal
  account: Customer Ltd.        # the customer
  owner: Your Name              # the rep
  amount: 100000                # a plain number, 0 or more (not 10万 or "100,000")
  currency: CNY                 # a three-letter ISO 4217 code
  stage: qualification          # prospecting | qualification | discovery | proposal |
                                #   negotiation | closed_won | closed_lost
  close_date: {close}        # required while the deal is open
  type: new                     # new | expansion | renewal (the contract's end is then
                                #   the compelling event)
  # annual_value: 50000         # the yearly value of a multi-year deal (default: amount)
  forecast: pipeline            # your call: commit | best_case | pipeline | omitted
  stage_entered: {today}     # when the deal entered its current stage
  close_date_history: []        # earlier close dates, oldest first; [] = never moved
  # lost_reason: Price 20% above the competitor # closed_lost only
  # lost_to: Competitor Ltd.    # closed_lost only: who won
  next_step:
    action: Agree the evaluation plan with the technical buyer
    due: {due}
    owner: Your Name

stakeholders:                   # the buying influences; one entry per person, names unique
  - name: Decision Maker
    title: General Manager
    roles: [EB]                 # any of EB, TB, UB, coach (also economic_buyer,
                                #   technical_buyer, user_buyer); `role: EB` works too
    influence: high             # high | medium | low
    stance: neutral             # champion | supporter | neutral | skeptic | opponent
    # met: YYYY-MM-DD           # the last face-to-face or video meeting; absent = never met
    # last_contact: YYYY-MM-DD  # the last contact of any kind
    authority: unknown          # EB only: confirmed | claimed | unknown
                                #   claimed = someone says they decide; nobody has confirmed it
    mode: even_keel             # how they see their situation: growth | trouble |
                                #   even_keel | overconfident
    win: What this person gains personally when the project succeeds
    plan: How we earn a meeting with this person
  - name: Technical Lead
    title: IT Manager
    roles: [TB]
    influence: medium
    stance: neutral
    # joined: YYYY-MM-DD        # started in this role (new players are a red flag)
    # left: YYYY-MM-DD          # no longer in the role: holds no role from this date
  - name: Inside Guide
    title: Project Manager
    roles: [coach]
    stance: supporter
    affiliation: customer       # customer (default) | partner | ours; only the customer's
                                #   people hold EB, TB or UB, anyone may coach
    last_contact: {today}
    validated: false            # coach only: their guidance has proved right and they
                                #   want us to win

eb_access:                      # how we reach the EB while not yet met
  analysis: What the EB cares about, their situation, who sways them
  influencers: [Inside Guide]
  referral:
    via: Inside Guide           # who can introduce us
    relation: reports to the EB
    status: planned             # planned | asked | agreed | introduced
  attempts: []                  # contact attempts, any order, each
                                #   {date: YYYY-MM-DD, channel: phone, outcome: declined}
                                #   channel: phone | email | visit | referral | event | message
                                #   outcome: no_answer | declined | deferred | accepted | met
  next_step: {action: Ask Inside Guide for an introduction, due: {due}}

insights:                       # what the EB (or the coach) has confirmed
  pain: The problem, in the customer's words
  compelling_event:             # why now: `event` required (plain text is the event alone)
    event: What forces a decision by a date
    date: {event}
  project_confirmed: false      # the project is real: approved and funded
  budget_confirmed: false
  # budget: 100000
  # decision_date: YYYY-MM-DD
  preference: unknown           # us | competitor | undecided | unknown
  competitors: []               # [] = we know of none; leave the key out if nobody asked
  source: Inside Guide          # who told us

relationship:                   # the account relationship
  stage: development            # development | initial | stable | strategic
  share_of_wallet: 0            # our share of their spend in our category: 0.35 or "35%"
  # annual_spend: 1000000       # the customer's yearly spend in our category
  history: []                   # earlier stages, each {date: YYYY-MM-DD, stage: initial}
  # repair_plan: ...            # needed once the stage has slid back

client_team:
  sponsor: Inside Guide         # the senior client who brought us in (a stakeholder)
  shared_goals: []              # the client's goals we have made ours
  implementation_owner: Technical Lead # who on the client side makes it happen

commitments:                    # what we promise, and whether delivery can keep it
  # team_estimate_days: 90      # what the delivery team says it needs
  # committed_days: 60          # what was promised to the client
  committed_by: Your Name       # who made the promise (our side)
  risks: []                     # what could break the promise; for each:
  # - risk: Go-live in half the time the team needs   # required
  #   severity: high            # high | medium | low
  #   raised_with: Decision Maker   # who it was said to, openly
  #   raised_on: YYYY-MM-DD
  #   ask: Two more consultants # the specific resources or support requested
  #   ask_status: pending       # pending | granted | declined (default: not stated)
  #   answered_on: YYYY-MM-DD   # when the ask was granted or declined
  #   owner: Your Name
  #   mitigation: Go live in two phases

decision_process:               # how the decision is made
  steps:                        # in order; `step` required; `date` is when it is due
    - {step: Technical evaluation, by: Technical Lead, done: false}
    - {step: Sign-off, by: Decision Maker}
  signer: Decision Maker        # who signs last: a stakeholder's name
  criteria:                     # decision criteria; `criterion` required
    - {criterion: Three references in the industry, mandatory: true, fit: unknown}
      # fit: strong | partial | gap | unknown; mandatory defaults to false

procurement:                    # the paper process
  method: direct                # direct | quotation | competitive_negotiation |
                                #   invited_tender | public_tender | single_source | framework
  # announced: YYYY-MM-DD       # tenders: the date the tender was published
  # bid_due: YYYY-MM-DD         # tenders: bid opening
  steps:                        # legal review, signatures, PO...; `step` required
    - {step: Legal review, owner: Your Name, done: false}

suppress: []                    # accepted findings, each with a reason:
                                #   {rule: BI004, reason: ..., until: YYYY-MM-DD, target: name}

notes: Anything else worth knowing
"""

CHINESE = """\
# ebcheck 商机文件（格式第 1 版）。检查：ebcheck audit {name}
# 必填的只有 ebcheck、deal.id、deal.name、deal.account、deal.stage，以及（未关闭的商机）
# deal.close_date；其余各节都可省略，缺了什么由规则来判断。请把示例换成你了解的
# 情况，不知道的宁可不写，不要猜。日期写 YYYY-MM-DD；以 x- 开头的键归你自己用，
# 任何位置都可以写（留给自定义规则）。
# 取值可以写中文（如 方案、支持、高），也可以写英文值（proposal、supporter、high）。
ebcheck: 1                      # 格式版本
# as_of: YYYY-MM-DD             # 规则视为“今天”的日期（默认为检查当天；--as-of 优先）
deal:
  id: DEAL-001                  # 在整个商机仓库中唯一
  name: 新商机
  account: 某某有限公司         # 客户
  owner: 你的名字               # 负责的销售
  amount: 100000                # 纯数字，0 或更大（不要写 10万 或 "100,000"）
  currency: CNY                 # 三个字母的货币代码
  stage: 资格确认               # 线索 | 资格确认（立项）| 需求调研 | 方案 | 商务谈判 |
                                #   赢单 | 输单（丢单）
  close_date: {close}        # 预计成交日期：商机未关闭时必填
  type: 新签                    # 新签 | 增购（扩展）| 续约（续约时合同到期即紧迫事件）
  # annual_value: 50000         # 多年合同的年度金额（默认等于 amount）
  forecast: 管道                # 销售的预测：承诺（确定）| 最佳（乐观）| 管道（一般）| 排除
  stage_entered: {today}     # 进入当前阶段的日期
  close_date_history: []        # 以前的预计成交日期，从早到晚；[] 表示从未推迟
  # lost_reason: 价格高于竞争对手 20% # 仅输单时填写：输的原因
  # lost_to: 某竞争对手         # 仅输单时填写：谁赢了
  next_step:
    action: 与技术决策者确认评估计划
    due: {due}
    owner: 你的名字

stakeholders:                   # 采购影响者；每人一条，姓名不可重复
  - name: 王总
    title: 总经理
    roles: [经济决策者]         # 经济决策者（EB）| 技术决策者（TB）| 使用者（UB）|
                                #   教练（coach），一人可兼多个；也可写 role: EB
    influence: 高               # 高 | 中 | 低
    stance: 中立                # 倡导者 | 支持 | 中立 | 怀疑 | 反对
    # met: YYYY-MM-DD           # 最近一次面谈或视频会议；不写表示从未见过
    # last_contact: YYYY-MM-DD  # 最近一次任何形式的联系
    authority: 未知             # 仅经济决策者：已确认 | 自称 | 未知
                                #   自称 = 有人说他拍板，但没有人确认过
    mode: 平稳                  # 他如何看待自身处境：成长 | 困境 | 平稳 | 过度自信
    win: 项目成功后他个人得到什么
    plan: 如何争取与他见面
  - name: 李工
    title: IT 经理
    roles: [技术决策者]
    influence: 中
    stance: 中立
    # joined: YYYY-MM-DD        # 开始担任这个角色的日期（新上任的人是危险信号）
    # left: YYYY-MM-DD          # 已离开这个角色：从这天起不再担任任何角色
  - name: 刘经理
    title: 项目经理
    roles: [教练]
    stance: 支持
    affiliation: 客户           # 客户（默认）| 合作伙伴（渠道）| 我方；只有客户方的人
                                #   才能担任经济、技术决策者和使用者，谁都可以当教练
    last_contact: {today}
    validated: false            # 仅教练：他的指点已被证明正确，而且他希望我们赢

eb_access:                      # 尚未见到经济决策者时，如何接触他
  analysis: 王总关心什么、处境如何、谁能影响他
  influencers: [刘经理]
  referral:
    via: 刘经理                 # 谁能引荐我们
    relation: 直接向王总汇报
    status: 计划                # 计划 | 已请求 | 已同意 | 已引荐
  attempts: []                  # 接触尝试，顺序不限，每条形如
                                #   {date: YYYY-MM-DD, channel: 电话, outcome: 拒绝}
                                #   channel: 电话 | 邮件 | 拜访 | 引荐 | 活动 | 消息
                                #   outcome: 未接通 | 拒绝 | 推迟 | 接受 | 见面
  next_step: {action: 请刘经理引荐王总, due: {due}}

insights:                       # 经济决策者（或教练）确认过的信息
  pain: 客户自己描述的问题
  compelling_event:             # 为什么是现在：event 必填（只写一句文字即为 event）
    event: 迫使客户在某日前做决定的事件
    date: {event}
  project_confirmed: false      # 项目是真的：已立项且有资金
  budget_confirmed: false
  # budget: 100000
  # decision_date: YYYY-MM-DD
  preference: 未知              # 我方 | 竞争对手 | 未定 | 未知
  competitors: []               # [] 表示已知没有竞争对手；没问过就删掉这个键
  source: 刘经理                # 谁告诉我们的

relationship:                   # 与客户的关系
  stage: 开发期                 # 开发期 | 初期合作 | 稳定合作 | 战略合作
  share_of_wallet: 0            # 我们在客户该品类支出中的份额：0.35 或 "35%"
  # annual_spend: 1000000       # 客户每年在该品类的支出
  history: []                   # 以前的关系阶段，每条形如 {date: YYYY-MM-DD, stage: 初期合作}
  # repair_plan: ...            # 关系倒退后必须有修复计划

client_team:
  sponsor: 刘经理               # 把我们引进来的客户方高层（写干系人的姓名）
  shared_goals: []              # 我们认同并承担的客户目标
  implementation_owner: 李工    # 客户方负责落地的人

commitments:                    # 我们的承诺，以及交付能否兑现
  # team_estimate_days: 90      # 交付团队估计需要的天数
  # committed_days: 60          # 向客户承诺的天数
  committed_by: 你的名字        # 谁向客户做的承诺（我方）
  risks: []                     # 可能让承诺落空的风险，每条形如：
  # - risk: 工期只有交付团队估计的一半   # 必填
  #   severity: 高               # 高 | 中 | 低
  #   raised_with: 王总           # 向谁公开提出过
  #   raised_on: YYYY-MM-DD
  #   ask: 增加两名实施顾问        # 具体申请的资源或支持
  #   ask_status: 待定            # 待定 | 已批准 | 已拒绝（默认：未说明）
  #   answered_on: YYYY-MM-DD   # 批准或拒绝的日期
  #   owner: 你的名字
  #   mitigation: 分两期上线

decision_process:               # 决策流程
  steps:                        # 按顺序；step 必填；date 为计划完成日期
    - {step: 技术评估, by: 李工, done: false}
    - {step: 总经理签批, by: 王总}
  signer: 王总                  # 最后签字的人：写干系人的姓名
  criteria:                     # 决策标准；criterion 必填
    - {criterion: 同行业案例不少于 3 个, mandatory: true, fit: 未知}
      # fit: 强 | 部分 | 差距 | 未知；mandatory 默认 false

procurement:                    # 采购流程
  method: 直接采购              # 直接采购 | 比选（询价）| 竞争性谈判 | 邀请招标 |
                                #   公开招标 | 单一来源 | 框架协议
  # announced: YYYY-MM-DD       # 招标：公告发布日期
  # bid_due: YYYY-MM-DD         # 招标：开标日期
  steps:                        # 法务审核、会签、用印、下单……；step 必填
    - {step: 法务审核, owner: 你的名字, done: false}

suppress: []                    # 接受的问题，每条写明原因：
                                #   {rule: BI004, reason: ..., until: YYYY-MM-DD, target: 姓名}

notes: 其他值得记下的情况
"""

_TEMPLATES = {"en": ENGLISH, "zh": CHINESE}


def template_text(name: str, today: dt.date, lang: str = "en") -> str:
    """The commented deal template for a file called `name`, dated from `today`."""
    dates = {
        "{today}": today,
        "{due}": today + dt.timedelta(days=7),
        "{event}": today + dt.timedelta(days=120),
        "{close}": today + dt.timedelta(days=90),
    }
    text = _TEMPLATES[lang].replace("{name}", name)
    for marker, day in dates.items():
        text = text.replace(marker, day.isoformat())
    return text
