"""How people are named across a deal file.

A name written in `sponsor`, `signer`, `source`, `committed_by`,
`raised_with`, `owner`, `implementation_owner`, `via` or a suppression's
`target` is compared with a stakeholder's name after trimming spaces,
case-insensitively, ignoring a trailing note in brackets: `孙工（项目经理）`
and `孙工 (PM)` both name `孙工`.
"""

from __future__ import annotations

import re

_TRAILING_NOTE = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties): characters that
# show nothing, so two texts that differ only by them look the same.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


def visible(text: str) -> str:
    """`text` as it looks: without the characters that show nothing."""
    return INVISIBLE.sub("", text)


def person_key(name: str) -> str:
    """The form two names are compared in."""
    trimmed = name.strip()
    without_note = _TRAILING_NOTE.sub("", trimmed).strip()
    return (without_note or trimmed).casefold()


def same_person(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and person_key(a) == person_key(b)
