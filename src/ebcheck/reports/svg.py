"""Escaping for HTML and inline SVG, and the few SVG shapes the HTML report draws.

Everything a user wrote reaches the HTML report through `text` (element
content) or `attr` (a double-quoted attribute value): control characters,
escape sequences and bidirectional overrides are first replaced by U+FFFD
(`ebcheck.reports.textsafe.clean`), so a name cannot reorder the text around
it; then `&`, `<`, `>` and both quotes become character references, so no
text can open a tag, end a `<style>` or `<script>`, or leave its attribute.
Inline SVG in HTML is parsed by the HTML parser, so the same escaping is right
inside `<svg>`. Lone surrogates (from undecodable file names) become U+FFFD
too: the page is always valid UTF-8. The colon after `http` or `https` (any
case) is written `&#58;`: the reader sees the same text, and the file holds no
URL but the SVG namespace, whatever a deal says (a mail filter or a link
checker finds nothing to follow).

Shapes take numbers and class names chosen by ebcheck, never user text,
except through `text`/`attr`.
"""

from __future__ import annotations

import html
import re
import unicodedata

from ebcheck.reports.textsafe import clean

SVG_NS = "http://www.w3.org/2000/svg"
_SURROGATE = re.compile("[\ud800-\udfff]")
_ELLIPSIS = "…"
_SCHEME_COLON = re.compile("(https?):", re.IGNORECASE)


def plain(value: object) -> str:
    """User text made harmless but not yet escaped: what the reader will see."""
    return _SURROGATE.sub("\ufffd", clean(str(value)))


def _escape(value: object) -> str:
    return _SCHEME_COLON.sub(r"\1&#58;", html.escape(plain(value), quote=True))


def text(value: object) -> str:
    """User text as HTML/SVG element content, on one line."""
    return _escape(value)


def attr(value: object) -> str:
    """User text for the inside of a double-quoted attribute."""
    return _escape(value)


def em_width(value: str) -> float:
    """Roughly how many em a text takes: wide (CJK) characters 1, others about 0.6."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in value)


def fit(value: object, ems: float) -> str:
    """Plain text cut, with an ellipsis, to about `ems` em (SVG text does not wrap)."""
    shown = plain(value)
    if em_width(shown) <= ems:
        return shown
    kept = ""
    for char in shown:
        if em_width(kept + char) > ems - 1:
            break
        kept += char
    return kept + _ELLIPSIS


def num(value: float) -> str:
    """A coordinate: at most one decimal, no trailing zeros (stable bytes)."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def svg(width: float, height: float, body: str, *, label: str, css: str = "") -> str:
    """An inline SVG picture with an accessible name (`label`, escaped here)."""
    klass = f' class="{css}"' if css else ""
    return (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {num(width)} {num(height)}" '
        f'width="{num(width)}" height="{num(height)}" role="img" '
        f'aria-label="{attr(label)}"{klass}>{body}</svg>'
    )


def rect(x: float, y: float, w: float, h: float, css: str, *, rx: float = 0, tip: str = "") -> str:
    """A rectangle; `tip` (escaped here) is shown on hover."""
    corner = f' rx="{num(rx)}"' if rx else ""
    title = f"<title>{text(tip)}</title>" if tip else ""
    shape = f'x="{num(x)}" y="{num(y)}" width="{num(max(w, 0))}" height="{num(max(h, 0))}"'
    if title:
        return f'<rect {shape}{corner} class="{css}">{title}</rect>'
    return f'<rect {shape}{corner} class="{css}"/>'


def label(x: float, y: float, value: object, css: str = "", *, anchor: str = "start") -> str:
    """A line of text at (x, y), its baseline at y; `value` is escaped here."""
    klass = f' class="{css}"' if css else ""
    where = f'x="{num(x)}" y="{num(y)}"'
    if anchor != "start":
        where += f' text-anchor="{anchor}"'
    return f"<text {where}{klass}>{text(value)}</text>"


def line(x1: float, y1: float, x2: float, y2: float, css: str) -> str:
    return f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" class="{css}"/>'


def path(d: str, css: str) -> str:
    return f'<path d="{d}" class="{css}"/>'
