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


def person_key(name: str) -> str:
    """The form two names are compared in."""
    trimmed = name.strip()
    without_note = _TRAILING_NOTE.sub("", trimmed).strip()
    return (without_note or trimmed).casefold()


def same_person(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and person_key(a) == person_key(b)
