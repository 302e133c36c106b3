"""The buying centre as an SVG map: the deal, its roles, and the people who hold them.

Three columns: the deal; the roles (EB, TB, UB, Coach, then "no role" and
"left" when anyone is there); the people, each once however many roles they
hold, joined to each of their roles. A person's box is coloured by stance and
outlined by contact: solid when met, dashed red when never met, dashed amber
when the meeting is only planned; people who left are greyed with the date.
A role nobody holds points at a dashed "nobody named" box. The same facts are
in the table beside the map, so the picture is never the only place they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from ebcheck.audit.results import DealReport
from ebcheck.deal.models import DealFile, Stakeholder
from ebcheck.i18n import Catalogue
from ebcheck.reports.common import ROLE_ORDER, buying_centre_rows, stance_word, who_words
from ebcheck.reports.svg import fit, label, num, path, rect, svg

ROW = 46
BOX_H = 36
DEAL_X, DEAL_W = 0, 120
ROLE_X, ROLE_W = 150, 86
PERSON_X, PERSON_W = 270, 270
WIDTH = PERSON_X + PERSON_W + 2
NAME_EMS = 20.0


@dataclass
class _Person:
    key: int
    lines: tuple[str, str]
    css: str
    tip: str


def _contact(person: Stakeholder, deal: DealReport, words: Catalogue) -> tuple[str, str]:
    """(css class, words) of when the person was met."""
    if person.met is None:
        return "never", words.text("reports.markdown.never_met")
    if person.met > deal.as_of:
        return "planned", words.text("report.planned", date=person.met.isoformat())
    return "met", words.text("reports.markdown.met_on", date=person.met.isoformat())


def _person(person: Stakeholder, deal: DealReport, words: Catalogue, gone: bool) -> _Person:
    who = " · ".join(who_words(person, words))
    stance = stance_word(person, words)
    if gone and person.left is not None:
        css = "gone"
        status = words.text("report.left", date=person.left.isoformat())
    else:
        css, status = _contact(person, deal, words)
    if stance:
        status += " · " + stance
    shade = f" stance-{person.stance.value}" if person.stance and not gone else ""
    return _Person(id(person), (who, status), f"person {css}{shade}", f"{who}: {status}")


def _groups(
    deal_file: DealFile, deal: DealReport, words: Catalogue
) -> list[tuple[str, str, list[_Person]]]:
    """(role label, css, people) in map order; a role nobody holds gets a `nobody` box."""
    groups: dict[str, tuple[str, str, list[_Person]]] = {}
    for role in ROLE_ORDER:
        groups[role.value] = (words.text(f"role.{role.value}"), "role", [])
    nobody = words.text("report.nobody")
    for row in buying_centre_rows(deal_file, deal.as_of):
        if row.role is not None:
            key = row.role.value
        else:
            key = "left" if row.gone else "none"
            if key not in groups:
                name = words.text("html.map_left" if row.gone else "report.no_role")
                groups[key] = (name, "role other", [])
        people = groups[key][2]
        if row.person is None:
            people.append(
                # A key no person has (ids are positive): one box per empty role.
                _Person(-1 - ROLE_ORDER.index(row.role), (nobody, ""), "person nobody", nobody)
            )
        else:
            people.append(_person(row.person, deal, words, row.gone))
    return list(groups.values())


def _box(x: float, y: float, w: float, css: str, lines: tuple[str, str], tip: str) -> str:
    parts = [rect(x, y, w, BOX_H, css, rx=6, tip=tip)]
    ems = (w - 12) / 12
    if lines[1]:
        parts.append(label(x + 8, y + 15, fit(lines[0], ems), "map-name"))
        parts.append(label(x + 8, y + 30, fit(lines[1], ems * 1.1), "map-status"))
    else:
        parts.append(label(x + 8, y + 23, fit(lines[0], ems), "map-name"))
    return "<g>" + "".join(parts) + "</g>"


def _edge(x1: float, y1: float, x2: float, y2: float, css: str) -> str:
    middle = (x1 + x2) / 2
    d = f"M{num(x1)} {num(y1)} C{num(middle)} {num(y1)} {num(middle)} {num(y2)} {num(x2)} {num(y2)}"
    return path(d, css)


def buying_centre_map(deal_file: DealFile, deal: DealReport, words: Catalogue) -> str:
    """The map of one deal's buying centre, as an inline `<svg>`."""
    groups = _groups(deal_file, deal, words)
    people: list[_Person] = []
    for _, _, members in groups:
        for member in members:
            if all(member.key != p.key for p in people):
                people.append(member)
    rows = max(len(groups), len(people))
    height = rows * ROW + 8

    def centre(index: int, count: int) -> float:
        return 4 + (rows * ROW) * (index + 0.5) / count

    person_y = {p.key: centre(i, len(people)) for i, p in enumerate(people)}
    deal_y = centre(0, 1)
    title = deal.deal_id or deal.path
    parts = [_box(DEAL_X, deal_y - BOX_H / 2, DEAL_W, "deal-node", (title, deal.name or ""), title)]
    for index, (name, css, members) in enumerate(groups):
        y = centre(index, len(groups))
        parts.append(_edge(DEAL_X + DEAL_W, deal_y, ROLE_X, y, "edge"))
        for member in members:
            kind = "edge dashed" if "nobody" in member.css or "gone" in member.css else "edge"
            parts.append(_edge(ROLE_X + ROLE_W, y, PERSON_X, person_y[member.key], kind))
        parts.append(_box(ROLE_X, y - BOX_H / 2, ROLE_W, css, (name, ""), name))
    for person in people:
        y = person_y[person.key] - BOX_H / 2
        parts.append(_box(PERSON_X, y, PERSON_W, person.css, person.lines, person.tip))
    label_text = words.text("report.buying_centre") + " · " + title
    return svg(WIDTH, height, "".join(parts), label=label_text, css="map")
