""" "Did you mean …?": the known word a misspelt or shortened one stands for.

difflib finds misspellings (`stakehodlers`), but not a word cut short
(`share` for `share_of_wallet`), which is what people type when they half
remember a field; a prefix is tried first for that.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

_MIN_PREFIX = 3


def closest(word: str, known: Sequence[str], cutoff: float = 0.6) -> str | None:
    """The known word `word` most likely stands for, or None."""
    wanted = word.strip().lower()
    if not wanted:
        return None
    if len(wanted) >= _MIN_PREFIX:
        longer = [k for k in known if k.lower().startswith(wanted) and k.lower() != wanted]
        if longer:
            return min(longer, key=len)
    lowered = {k.lower(): k for k in known}
    close = difflib.get_close_matches(wanted, list(lowered), n=1, cutoff=cutoff)
    return lowered[close[0]] if close else None
