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


class DealType(_Ordered):
    NEW = "new"
    EXPANSION = "expansion"
    RENEWAL = "renewal"


class Forecast(_Ordered):
    COMMIT = "commit"
    BEST_CASE = "best_case"
    PIPELINE = "pipeline"
    OMITTED = "omitted"


class Affiliation(_Ordered):
    CUSTOMER = "customer"
    PARTNER = "partner"
    OURS = "ours"


class Mode(_Ordered):
    """Blue Sheet response modes (D22)."""

    GROWTH = "growth"
    TROUBLE = "trouble"
    EVEN_KEEL = "even_keel"
    OVERCONFIDENT = "overconfident"


class Fit(_Ordered):
    STRONG = "strong"
    PARTIAL = "partial"
    GAP = "gap"
    UNKNOWN = "unknown"


class ProcurementMethod(_Ordered):
    DIRECT = "direct"
    QUOTATION = "quotation"
    COMPETITIVE_NEGOTIATION = "competitive_negotiation"
    INVITED_TENDER = "invited_tender"
    PUBLIC_TENDER = "public_tender"
    SINGLE_SOURCE = "single_source"
    FRAMEWORK = "framework"

    @property
    def is_tender(self) -> bool:
        return self in (ProcurementMethod.INVITED_TENDER, ProcurementMethod.PUBLIC_TENDER)


class AskStatus(_Ordered):
    PENDING = "pending"
    GRANTED = "granted"
    DECLINED = "declined"


class Verdict(_Ordered):
    # Worst first, so sorting by rank puts the deals that need attention on top.
    INVALID = "invalid"
    NOT_READY = "not_ready"
    AT_RISK = "at_risk"
    READY = "ready"
    EARLY = "early"
    """At prospecting: readiness is not yet the question."""
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

# The Chinese labels of each value, the first being the one Chinese reports
# print (deal format, additions of catalog 2). Matched exactly, after trimming.
LABELS: dict[type[Enum], dict[str, tuple[str, ...]]] = {
    Stage: {
        "prospecting": ("线索",),
        "qualification": ("资格确认", "立项"),
        "discovery": ("需求调研",),
        "proposal": ("方案",),
        "negotiation": ("商务谈判",),
        "closed_won": ("赢单",),
        "closed_lost": ("输单", "丢单"),
    },
    DealType: {"new": ("新签",), "expansion": ("增购", "扩展"), "renewal": ("续约",)},
    Forecast: {
        "commit": ("承诺", "确定"),
        "best_case": ("最佳", "乐观"),
        "pipeline": ("管道", "一般"),
        "omitted": ("排除",),
    },
    Role: {
        "EB": ("经济决策者", "决策者"),
        "TB": ("技术决策者", "技术把关人"),
        "UB": ("使用者", "用户"),
        "coach": ("教练", "内线"),
    },
    Stance: {
        "champion": ("倡导者", "铁杆"),
        "supporter": ("支持",),
        "neutral": ("中立",),
        "skeptic": ("怀疑",),
        "opponent": ("反对",),
    },
    Influence: {"high": ("高",), "medium": ("中",), "low": ("低",)},
    RiskSeverity: {"high": ("高",), "medium": ("中",), "low": ("低",)},
    Authority: {"confirmed": ("已确认",), "claimed": ("自称",), "unknown": ("未知",)},
    Affiliation: {"customer": ("客户",), "partner": ("合作伙伴", "渠道"), "ours": ("我方",)},
    Mode: {
        "growth": ("成长",),
        "trouble": ("困境",),
        "even_keel": ("平稳",),
        "overconfident": ("过度自信",),
    },
    RelationshipStage: {
        "development": ("开发期", "开发"),
        "initial": ("初期合作", "初步合作"),
        "stable": ("稳定合作",),
        "strategic": ("战略合作", "战略伙伴"),
    },
    ReferralStatus: {
        "planned": ("计划",),
        "asked": ("已请求",),
        "agreed": ("已同意",),
        "introduced": ("已引荐",),
    },
    Channel: {
        "phone": ("电话",),
        "email": ("邮件",),
        "visit": ("拜访",),
        "referral": ("引荐",),
        "event": ("活动",),
        "message": ("消息",),
    },
    Outcome: {
        "no_answer": ("未接通",),
        "declined": ("拒绝",),
        "deferred": ("推迟",),
        "accepted": ("接受",),
        "met": ("见面",),
    },
    Preference: {
        "us": ("我方",),
        "competitor": ("竞争对手",),
        "undecided": ("未定",),
        "unknown": ("未知",),
    },
    Fit: {"strong": ("强",), "partial": ("部分",), "gap": ("差距",), "unknown": ("未知",)},
    ProcurementMethod: {
        "direct": ("直接采购",),
        "quotation": ("比选", "询价"),
        "competitive_negotiation": ("竞争性谈判",),
        "invited_tender": ("邀请招标",),
        "public_tender": ("公开招标",),
        "single_source": ("单一来源",),
        "framework": ("框架协议",),
    },
    AskStatus: {"pending": ("待定",), "granted": ("已批准",), "declined": ("已拒绝",)},
}
