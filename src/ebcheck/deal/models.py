"""The deal file format, version 1, as pydantic models.

Models are frozen: rules read a deal, they never change it. Keys starting
with `x-` are allowed in every mapping and kept in `extensions` for custom
rules; every other unknown key is an error.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import typing
from decimal import Decimal
from typing import Annotated, Any, TypeVar, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from ebcheck.deal import fields as f
from ebcheck.deal.enums import (
    Affiliation,
    AskStatus,
    Authority,
    Channel,
    DealType,
    Fit,
    Forecast,
    Influence,
    Mode,
    Outcome,
    Preference,
    ProcurementMethod,
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
        # A key written with nothing after it (`insights:`, `type:`) is the same as no
        # key: optional fields take their default; required ones say they have no value.
        # One pass over the keys: this runs for every mapping of every deal.
        kept: dict[Any, Any] = {}
        extensions: dict[str, Any] = {}
        for key, value in data.items():
            null = value is None or (type(value) is Scalar and value.tag == "null")
            if str(key).startswith(EXTENSION_KEY):
                extensions[key] = None if null else plain(value)
            elif not null:
                kept[key] = value
            elif _required(cls, key):
                kept[key] = None
        if extensions:
            kept[EXTENSION_KEY] = extensions
        return kept


T = TypeVar("T")


def type_in(annotation: Any, base: type[T]) -> type[T] | None:
    """The first class derived from `base` inside a field's annotation (`X | None`, `list[X]`)."""
    if isinstance(annotation, type) and issubclass(annotation, base):
        return annotation
    for arg in typing.get_args(annotation):
        found = type_in(arg, base)
        if found is not None:
            return found
    return None


_OPTIONAL: dict[type[BaseModel], frozenset[str]] = {}
"""Each model's fields that have a default, found once (asked for every empty key)."""


def _required(model: type[BaseModel], key: object) -> bool:
    optional = _OPTIONAL.get(model)
    if optional is None:
        fields = model.model_fields.items()
        optional = _OPTIONAL[model] = frozenset(n for n, f in fields if not f.is_required())
    return str(key) not in optional


Roles = Annotated[
    list[Annotated[Role, BeforeValidator(f.enum_item_parser(Role))]],
    BeforeValidator(f.enum_list_parser(Role)),
]


class NextStep(Model):
    action: f.Text
    due: f.Date = None
    owner: f.OptText = None


def _dates(value: Any) -> Any:
    """One date or a list of them; a key written with nothing after it is no key."""
    if value is None or isinstance(value, list):
        return value
    return [value]


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
    type: Annotated[DealType, _enum(DealType)] = DealType.NEW
    annual_value: f.Money = None
    """The yearly value of a multi-year deal (default: `amount`)."""
    forecast: Annotated[Forecast | None, _enum(Forecast)] = None
    stage_entered: f.Date = None
    close_date_history: Annotated[
        list[Annotated[dt.date, BeforeValidator(f.to_date)]] | None, BeforeValidator(_dates)
    ] = None
    """Earlier close dates, oldest first; None: not recorded, []: never moved."""
    lost_reason: f.OptText = None
    lost_to: f.OptText = None

    @property
    def is_closed(self) -> bool:
        return self.stage.is_closed

    @property
    def yearly_value(self) -> Decimal | None:
        return self.annual_value if self.annual_value is not None else self.amount

    @property
    def pushes(self) -> int | None:
        """How often the close date moved later: the steps of `close_date_history`
        followed by `close_date` where the next date is later; None when not recorded."""
        if self.close_date_history is None:
            return None
        dates = [*self.close_date_history, *([self.close_date] if self.close_date else [])]
        return sum(1 for earlier, later in itertools.pairwise(dates) if later > earlier)

    def days_in_stage(self, as_of: dt.date) -> int | None:
        """Days from `stage_entered` to `as_of`; None when unknown or in the future."""
        if self.stage_entered is None or self.stage_entered > as_of:
            return None
        return (as_of - self.stage_entered).days


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
    affiliation: Annotated[Affiliation, _enum(Affiliation)] = Affiliation.CUSTOMER
    joined: f.Date = None
    left: f.Date = None
    """No longer in the role from this date: holds no role, counts as nobody met."""
    mode: Annotated[Mode | None, _enum(Mode)] = None
    win: f.OptText = None

    @property
    def customer_side(self) -> bool:
        return self.affiliation is Affiliation.CUSTOMER

    def gone_by(self, day: dt.date) -> bool:
        """Whether the person had left their role on or before `day`."""
        return self.left is not None and self.left <= day

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


class CompellingEvent(Model):
    event: f.Text
    date: f.Date = None


def _event(value: Any) -> Any:
    """Plain text stands for `{event: text}`; a bare date needs the mapping form."""
    if isinstance(value, Scalar) and not value.is_null:
        if isinstance(value.value, dt.date) or f.looks_like_date(value.raw):
            raise f.error("compelling_event_date", found=f.iso_form(value.raw))
        return {"event": value}
    return value


class Insights(Model):
    pain: f.OptText = None
    compelling_event: Annotated[CompellingEvent | None, BeforeValidator(_event)] = None
    project_confirmed: f.Bool = None
    budget_confirmed: f.Bool = None
    budget: f.Money = None
    decision_date: f.Date = None
    preference: Annotated[Preference | None, _enum(Preference)] = None
    # None: never written; []: written as an explicit empty list (known: none).
    competitors: Annotated[list[f.Text] | None, BeforeValidator(_competitors)] = None
    source: f.OptText = None


def _competitors(value: Any) -> Any:
    return None if value is None else f.to_text_list(value)


class HistoryEntry(Model):
    date: Annotated[dt.date, BeforeValidator(f.to_date)]
    stage: Annotated[RelationshipStage, _enum(RelationshipStage)]


class Relationship(Model):
    stage: Annotated[RelationshipStage | None, _enum(RelationshipStage)] = None
    share_of_wallet: f.Fraction = None
    annual_spend: f.PositiveMoney = None
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
    ask_status: Annotated[AskStatus | None, _enum(AskStatus)] = None
    answered_on: f.Date = None
    owner: f.OptText = None
    mitigation: f.OptText = None


class Commitments(Model):
    team_estimate_days: f.PositiveNumber = None
    committed_days: f.PositiveNumber = None
    committed_by: f.OptText = None
    risks: Annotated[list[Risk], BeforeValidator(f.to_list)] = []


class Step(Model):
    """A step on the way to a signed contract; `date` is when it is due (or took place)."""

    step: f.Text
    date: f.Date = None
    done: f.Bool = None

    @property
    def is_done(self) -> bool:
        return self.done is True


class DecisionStep(Step):
    by: f.OptText = None


class Criterion(Model):
    criterion: f.Text
    mandatory: f.Bool = None
    fit: Annotated[Fit, _enum(Fit)] = Fit.UNKNOWN

    @property
    def is_mandatory(self) -> bool:
        return self.mandatory is True


class DecisionProcess(Model):
    steps: Annotated[list[DecisionStep], BeforeValidator(f.to_list)] = []
    signer: f.OptText = None
    criteria: Annotated[list[Criterion], BeforeValidator(f.to_list)] = []


class ProcurementStep(Step):
    owner: f.OptText = None


class Procurement(Model):
    method: Annotated[ProcurementMethod | None, _enum(ProcurementMethod)] = None
    announced: f.Date = None
    bid_due: f.Date = None
    steps: Annotated[list[ProcurementStep], BeforeValidator(f.to_list)] = []


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
    decision_process: DecisionProcess | None = None
    procurement: Procurement | None = None
    suppress: Annotated[list[Suppression], BeforeValidator(f.to_list)] = []
    notes: f.OptText = None

    _item_names: dict[tuple[str, ...], tuple[str, ...]] | None = PrivateAttr(default=None)

    def item_names(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        """The names the items of the named lists go by, by list: stakeholders by name,
        risks by their text, suppress entries by rule (the baseline keys items by them)."""
        if self._item_names is not None:
            return self._item_names
        risks = self.commitments.risks if self.commitments else []
        return {
            ("stakeholders",): tuple(p.name for p in self.stakeholders),
            ("commitments", "risks"): tuple(r.risk for r in risks),
            ("suppress",): tuple(s.rule for s in self.suppress),
        }

    def item_name(self, items: tuple[str, ...], index: int) -> str | None:
        """The name item `index` of the named list `items` goes by, if it has one
        (`item_names`, one item at a time: the baseline asks this per finding)."""
        if self._item_names is not None:
            names = self._item_names.get(items, ())
            return names[index] if 0 <= index < len(names) else None
        listed: list[Any]
        if items == ("stakeholders",):
            listed, key = self.stakeholders, "name"
        elif items == ("commitments", "risks"):
            listed, key = (self.commitments.risks if self.commitments else []), "risk"
        elif items == ("suppress",):
            listed, key = self.suppress, "rule"
        else:
            return None
        return str(getattr(listed[index], key)) if 0 <= index < len(listed) else None

    def outline(self) -> DealFile:
        """The deal section and the names of list items (`item_names`), all else left
        out: what the machine-readable reports and the baseline read of a deal, at a
        fraction of its memory. An outline is for reading those; rules need the whole deal."""
        if self.is_outline:
            return self
        return DealFile.outline_of(self.ebcheck, self.as_of, self.deal, self.item_names())

    @classmethod
    def outline_of(
        cls,
        ebcheck: int,
        as_of: dt.date | None,
        deal: DealInfo,
        names: dict[tuple[str, ...], tuple[str, ...]],
    ) -> DealFile:
        """An outline from its parts (the result cache keeps a whole deal and reads
        back only these when an outline is all the report needs)."""
        # Copied from an empty outline: `model_construct` would fill in every default
        # again, and pydantic inspects each default factory's signature to do so.
        update = {"ebcheck": ebcheck, "as_of": as_of, "deal": deal}
        outline = _empty_outline().model_copy(update=update)
        outline._item_names = names
        return outline

    @classmethod
    def identified(cls, deal_id: str, stage: Stage, as_of: dt.date | None) -> DealFile:
        """A deal known by its id and stage alone: what the repository rules see of each
        deal in a streamed audit (`ebcheck.audit.stream`), which keeps no more of it."""
        # Copied from one empty deal: building a model costs eight times as much.
        info = _nameless()[1].model_copy(update={"id": deal_id, "stage": stage})
        return _nameless()[0].model_copy(update={"deal": info, "as_of": as_of})

    @property
    def is_outline(self) -> bool:
        return self._item_names is not None

    def with_role(self, role: Role) -> list[Stakeholder]:
        return [person for person in self.stakeholders if person.has_role(role)]

    def stakeholder(self, name: str) -> Stakeholder | None:
        return next((p for p in self.stakeholders if p.name == name), None)


@functools.cache
def _empty_outline() -> DealFile:
    """An outline with every field but `deal` (left unset) at its default: a read-only
    template, its empty lists shared by the outlines copied from it."""
    outline: DealFile = cast(Any, DealFile).model_construct(ebcheck=1, as_of=None)
    outline._item_names = {}
    return outline


@functools.cache
def _nameless() -> tuple[DealFile, DealInfo]:
    """An outline whose deal section has no field set (`DealFile.identified` fills in two).

    The other fields are left unset on purpose: a rule that reads one fails
    (AttributeError, a crash the run reports) instead of seeing made-up values.
    """
    info: DealInfo = cast(Any, DealInfo).model_construct()
    return DealFile.outline_of(1, None, info, {}), info
