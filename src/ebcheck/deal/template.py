"""`ebcheck init`: a commented deal template that passes the loader."""

from __future__ import annotations

import datetime as dt

TEMPLATE = """\
# A deal for ebcheck (format version 1). Run: ebcheck audit {name}
# Only ebcheck, deal.id, deal.name, deal.account, deal.stage and (for open
# deals) deal.close_date are required; what is missing is for the rules to judge.
ebcheck: 1
deal:
  id: DEAL-001                  # unique across your deals repository
  name: New deal
  account: Customer Ltd.        # the customer
  owner: Your Name              # the rep
  amount: 100000
  currency: CNY
  stage: qualification          # prospecting | qualification | discovery | proposal |
                                #   negotiation | closed_won | closed_lost
  close_date: {close}
  next_step:
    action: Agree the evaluation plan with the technical buyer
    due: {due}
    owner: Your Name

stakeholders:                   # the buying influences; one entry per person
  - name: Decision Maker
    title: General Manager
    roles: [EB]                 # EB, TB, UB, coach (a person may hold several)
    influence: high             # high | medium | low
    stance: neutral             # champion | supporter | neutral | skeptic | opponent
    # met: YYYY-MM-DD           # the last face-to-face or video meeting; absent = never met
    authority: unknown          # confirmed | claimed | unknown
  - name: Inside Guide
    roles: [coach]
    stance: supporter
    last_contact: {today}

eb_access:                      # how we reach the EB while not yet met
  analysis: What the EB cares about, their situation, who influences them
  referral:
    via: Someone who knows the EB
    status: planned             # planned | asked | agreed | introduced

relationship:
  stage: development            # development | initial | stable | strategic
  share_of_wallet: 0            # our share of their spend in our category: 0.35 or "35%"

client_team:
  sponsor: Inside Guide         # the senior client who brought us in
  shared_goals: []              # the client's goals we have made ours

commitments:
  risks: []                     # each: risk, severity, raised_with, ask, owner
"""


def template_text(name: str, today: dt.date) -> str:
    """The commented deal template for a file called `name`, dated from `today`."""
    return TEMPLATE.format(
        name=name,
        today=today.isoformat(),
        due=(today + dt.timedelta(days=7)).isoformat(),
        close=(today + dt.timedelta(days=90)).isoformat(),
    )
