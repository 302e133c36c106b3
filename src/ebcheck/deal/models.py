"""The deal file format, version 1, as pydantic models.

Models are frozen: rules read a deal, they never change it. Keys starting
with `x-` are allowed in every mapping and kept in `extensions` for custom
rules; every other unknown key is an error.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ebcheck.deal import fields as f
from ebcheck.deal.enums import (
    Authority,
    Channel,
    Influence,
    Outcome,
    Preference,
    ReferralStatus,
    RelationshipStage,
    RiskSeverity,
    Role,
    Stage,
    Stance,
)
from ebcheck.deal.source import Scalar, plain

EXTENSION_KEY = "x-"


def _enum(enum: Any) -> BeforeValidator:
    return BeforeValidator(f.enum_parser(enum))


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    extensions: dict[str, Any] = Field(
        default_factory=dict, validation_alias=EXTENSION_KEY, exclude=True
    )

    @model_validator(mode="before")
    @classmethod
    def _collect_extensions(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        # A key written with nothing after it (`insights:`) is the same as no key.
        data = {k: None if isinstance(v, Scalar) and v.is_null else v for k, v in data.items()}
        extensions = {k: plain(v) for k, v in data.items() if str(k).startswith(EXTENSION_KEY)}
        if not extensions:
            return data
        kept = {k: v for k, v in data.items() if not str(k).startswith(EXTENSION_KEY)}
        kept[EXTENSION_KEY] = extensions
        return kept


Roles = Annotated[list[Role], BeforeValidator(f.enum_list_parser(Role))]


class NextStep(Model):
    action: f.Text
    due: f.Date = None
    owner: f.OptText = None


class DealInfo(Model):
    id: f.Text
    name: f.Text
    account: f.Text
    owner: f.OptText = None
    amount: f.Money = None
    currency: f.Currency = None
    stage: Annotated[Stage, _enum(Stage)]
    close_date: f.Date = None
    """Required for open deals: checked by the loader on the raw tree, so that the
    error is reported even when other fields of the file are wrong."""
    next_step: NextStep | None = None

    @property
    def is_closed(self) -> bool:
        return self.stage.is_closed


class Stakeholder(Model):
    name: f.Text
    title: f.OptText = None
    role: Roles = []
    roles: Roles = []
    influence: Annotated[Influence | None, _enum(Influence)] = None
    stance: Annotated[Stance | None, _enum(Stance)] = None
    met: f.Date = None
    last_contact: f.Date = None
    authority: Annotated[Authority, _enum(Authority)] = Authority.UNKNOWN
    validated: Annotated[bool, BeforeValidator(lambda v: f.to_bool(v) or False)] = False
    plan: f.OptText = None

    @property
    def all_roles(self) -> frozenset[Role]:
        """`role` and `roles` together: both count."""
        return frozenset(self.role) | frozenset(self.roles)

    def has_role(self, role: Role) -> bool:
        return role in self.all_roles


class Referral(Model):
    via: f.OptText = None
    relation: f.OptText = None
    status: Annotated[ReferralStatus | None, _enum(ReferralStatus)] = None


class Attempt(Model):
    date: Annotated[dt.date, BeforeValidator(f.to_date)]
    channel: Annotated[Channel, _enum(Channel)]
    outcome: Annotated[Outcome, _enum(Outcome)]


class EbAccess(Model):
    analysis: f.OptText = None
    influencers: f.TextList = []
    referral: Referral | None = None
    attempts: Annotated[list[Attempt], BeforeValidator(f.to_list)] = []
    next_step: NextStep | None = None


class Insights(Model):
    project_confirmed: f.Bool = None
    budget_confirmed: f.Bool = None
    budget: f.Money = None
    decision_date: f.Date = None
    preference: Annotated[Preference | None, _enum(Preference)] = None
    # None: never written; []: written as an explicit empty list (known: none).
    competitors: Annotated[list[str] | None, BeforeValidator(_competitors)] = None
    source: f.OptText = None


def _competitors(value: Any) -> Any:
    return None if value is None else f.to_text_list(value)


class HistoryEntry(Model):
    date: Annotated[dt.date, BeforeValidator(f.to_date)]
    stage: Annotated[RelationshipStage, _enum(RelationshipStage)]


class Relationship(Model):
    stage: Annotated[RelationshipStage | None, _enum(RelationshipStage)] = None
    share_of_wallet: f.Fraction = None
    annual_spend: f.PositiveNumber = None
    history: Annotated[list[HistoryEntry], BeforeValidator(f.to_list)] = []
    repair_plan: f.OptText = None


class ClientTeam(Model):
    sponsor: f.OptText = None
    shared_goals: f.TextList = []
    implementation_owner: f.OptText = None


class Risk(Model):
    risk: f.Text
    severity: Annotated[RiskSeverity | None, _enum(RiskSeverity)] = None
    raised_with: f.OptText = None
    raised_on: f.Date = None
    ask: f.OptText = None
    owner: f.OptText = None
    mitigation: f.OptText = None


class Commitments(Model):
    team_estimate_days: f.PositiveNumber = None
    committed_days: f.PositiveNumber = None
    risks: Annotated[list[Risk], BeforeValidator(f.to_list)] = []


class Suppression(Model):
    rule: f.Text
    reason: f.Text
    until: f.Date = None
    target: f.OptText = None


class DealFile(Model):
    """One deal file: the root of the format."""

    ebcheck: Annotated[int, BeforeValidator(f.to_version)]
    as_of: f.Date = None
    deal: DealInfo
    stakeholders: Annotated[list[Stakeholder], BeforeValidator(f.to_list)] = []
    eb_access: EbAccess | None = None
    insights: Insights | None = None
    relationship: Relationship | None = None
    client_team: ClientTeam | None = None
    commitments: Commitments | None = None
    suppress: Annotated[list[Suppression], BeforeValidator(f.to_list)] = []
    notes: f.OptText = None

    def with_role(self, role: Role) -> list[Stakeholder]:
        return [person for person in self.stakeholders if person.has_role(role)]

    def stakeholder(self, name: str) -> Stakeholder | None:
        return next((p for p in self.stakeholders if p.name == name), None)
