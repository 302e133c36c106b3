"""The closed vocabularies of the deal format and the report."""

from __future__ import annotations

from enum import Enum, StrEnum
from functools import cache


class _Ordered(StrEnum):
    """A str enum whose members compare by declaration order."""

    @property
    def rank(self) -> int:
        return _ranks(type(self))[self]


@cache
def _ranks(enum: type[_Ordered]) -> dict[_Ordered, int]:
    """Declaration order of an enum's members, computed once: rules compare a lot."""
    return {member: index for index, member in enumerate(enum)}


class Severity(_Ordered):
    # Declared from most to least severe; `rank` 0 is the worst.
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    def at_least(self, other: Severity) -> bool:
        return self.rank <= other.rank


class Stage(_Ordered):
    PROSPECTING = "prospecting"
    QUALIFICATION = "qualification"
    DISCOVERY = "discovery"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    CLOSED_WON = "closed_won"
    CLOSED_LOST = "closed_lost"

    @property
    def is_closed(self) -> bool:
        return self in (Stage.CLOSED_WON, Stage.CLOSED_LOST)

    def reached(self, other: Stage) -> bool:
        """True when this open stage is `other` or later."""
        return not self.is_closed and self.rank >= other.rank


class Role(_Ordered):
    EB = "EB"
    TB = "TB"
    UB = "UB"
    COACH = "coach"


class Influence(_Ordered):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Stance(_Ordered):
    CHAMPION = "champion"
    SUPPORTER = "supporter"
    NEUTRAL = "neutral"
    SKEPTIC = "skeptic"
    OPPONENT = "opponent"


class Authority(_Ordered):
    CONFIRMED = "confirmed"
    CLAIMED = "claimed"
    UNKNOWN = "unknown"


class ReferralStatus(_Ordered):
    PLANNED = "planned"
    ASKED = "asked"
    AGREED = "agreed"
    INTRODUCED = "introduced"


class Channel(_Ordered):
    PHONE = "phone"
    EMAIL = "email"
    VISIT = "visit"
    REFERRAL = "referral"
    EVENT = "event"
    MESSAGE = "message"


class Outcome(_Ordered):
    NO_ANSWER = "no_answer"
    DECLINED = "declined"
    DEFERRED = "deferred"
    ACCEPTED = "accepted"
    MET = "met"


class Preference(_Ordered):
    US = "us"
    COMPETITOR = "competitor"
    UNDECIDED = "undecided"
    UNKNOWN = "unknown"


class RelationshipStage(_Ordered):
    DEVELOPMENT = "development"
    INITIAL = "initial"
    STABLE = "stable"
    STRATEGIC = "strategic"


class RiskSeverity(_Ordered):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Verdict(_Ordered):
    # Worst first, so sorting by rank puts the deals that need attention on top.
    INVALID = "invalid"
    NOT_READY = "not_ready"
    AT_RISK = "at_risk"
    READY = "ready"
    CLOSED = "closed"


# Long forms accepted wherever an enum value is written (matched case-insensitively).
ALIASES: dict[type[Enum], dict[str, str]] = {
    Role: {
        "economic_buyer": "EB",
        "technical_buyer": "TB",
        "user_buyer": "UB",
        "eb": "EB",
        "tb": "TB",
        "ub": "UB",
    },
}
