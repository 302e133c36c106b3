"""A terminal panel laid out as plain text, line by line, as Rich lays it out.

Without colour (a report written to a file, a pipe, a CI log) only the text of
Rich's output counts, and most of what Rich spends on a deal's panel (10 ms: every
cell measured, wrapped, cut into styled segments, cropped, padded and joined
again) goes into segments that are thrown away. Here the same renderables are
laid out as strings: a Panel around a Padding around a Group of Texts, Paddings
and Tables (a box or none, a header or none, at most a ratio column, their
natural widths fitting), each Text wrapped with the report's line breaks
(`cjkwrap.divide_line`, as Rich wraps it under `cjk_line_breaks`). Whatever else
a renderable asks for (a table that must shrink, markup in a plain string, a
tab, a justification other than left) raises `Unsure`, and Rich prints that panel.

`tests/reports/test_plain_layout.py` checks the text equals Rich's, for the
examples and for generated reports at widths from 24 to 200, in both languages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from rich._ratio import ratio_reduce
from rich.box import Box
from rich.cells import cell_len, set_cell_size
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Column, Table
from rich.text import Text

from ebcheck.reports.cjkwrap import divide_line, strip_past


class Unsure(Exception):
    """A renderable this module does not lay out exactly as Rich: Rich must."""


@dataclass(frozen=True)
class _Options:
    """What a container passes down to the text it holds (Rich's `ConsoleOptions`)."""

    justify: str | None = None
    overflow: str | None = None
    no_wrap: bool | None = None


_TOP = _Options()


def panel_text(panel: Panel, width: int) -> str:
    """`panel` as Rich prints it without colour at `width` columns (`Unsure` if not known)."""
    return "".join(line + "\n" for line in _panel(panel, width))


def _panel(panel: Panel, width: int) -> list[str]:
    if panel.width is not None or panel.height is not None or not panel.expand or width <= 4:
        raise Unsure("a panel of its own size")
    box = panel.box
    padding = Padding.unpack(panel.padding)
    inner = Padding(panel.renderable, padding) if any(padding) else panel.renderable
    body = [box.mid_left + line + box.mid_right for line in lines_of(inner, width - 2)]
    top = _border(panel.title, panel.title_align, box.top, width)
    bottom = _border(panel.subtitle, panel.subtitle_align, box.bottom, width)
    if top is None:
        top = box.get_top([width - 2])
    else:
        top = box.top_left + box.top + top + box.top + box.top_right
    if bottom is None:
        bottom = box.get_bottom([width - 2])
    else:
        bottom = box.bottom_left + box.bottom + bottom + box.bottom + box.bottom_right
    return [top, *body, bottom]


def _border(title: str | Text | None, align: str, fill: str, width: int) -> str | None:
    """A title set in the panel's border (`Panel._title`, `align_text`)."""
    if not title:
        return None
    plain = _plain(title).replace("\n", " ")
    if "\t" in plain:
        raise Unsure("a tab")
    text = f" {plain} "
    if cell_len(text) > width - 4:
        # Rich's `Text.truncate`, with the title's own overflow.
        cut = isinstance(title, Text) and title.overflow == "ellipsis"
        text = set_cell_size(text, width - 5) + "…" if cut else set_cell_size(text, width - 4)
    excess = width - 4 - cell_len(text)
    if align == "left":
        return text + fill * excess
    if align == "right":
        return fill * excess + text
    raise Unsure("a centred title")


def lines_of(renderable: RenderableType, width: int, options: _Options = _TOP) -> list[str]:
    """The lines `renderable` takes at `width`, each exactly `width` cells."""
    if isinstance(renderable, Text | str):
        return _text_lines(renderable, width, options)
    if isinstance(renderable, Group):
        return [line for part in renderable.renderables for line in lines_of(part, width, options)]
    if isinstance(renderable, Padding):
        return _padded(renderable, width, options)
    if isinstance(renderable, Table):
        return [set_cell_size(line, width) for line in _table(renderable, width, options)]
    raise Unsure(type(renderable).__name__)


def _plain(text: str | Text) -> str:
    """The text of a string as Rich reads it (as markup): refused if it holds any."""
    if isinstance(text, Text):
        return text.plain
    if "[" in text:
        raise Unsure("markup")
    return text


def _text_lines(text: str | Text, width: int, options: _Options) -> list[str]:
    """`Text.wrap`, then each line cut or padded to `width` (as `render_lines` does)."""
    plain = _plain(text)
    own = text if isinstance(text, Text) else None
    justify = (own.justify if own else None) or options.justify or "default"
    overflow = (own.overflow if own else None) or options.overflow or "fold"
    no_wrap = own.no_wrap if own is not None and own.no_wrap is not None else options.no_wrap
    if (own is not None and own.end != "\n") or "\t" in plain:
        raise Unsure("a text without its line end, or a tab")
    if justify not in ("default", "left") or overflow not in ("fold", "crop", "ellipsis"):
        raise Unsure(f"{justify} justification, {overflow} overflow")
    lines: list[str] = []
    for line in plain.split("\n"):
        cells = cell_len(line)
        if cells <= width:  # a line that fits is never broken, only padded
            lines.append(line + " " * (width - cells))
            continue
        if no_wrap:
            lines.append(_truncated(line, width, overflow))
            continue
        pieces = _divided(line, width, overflow == "fold")
        lines.extend(_truncated(piece, width, overflow) for piece in pieces)
    return lines


def _divided(line: str, width: int, fold: bool) -> list[str]:
    offsets = [0, *divide_line(line, width, fold=fold), len(line)]
    return [strip_past(line[a:b], width) for a, b in pairwise(offsets)]


def _truncated(piece: str, width: int, overflow: str) -> str:
    if overflow == "ellipsis" and cell_len(piece) > width:
        return set_cell_size(piece, width - 1) + "…"
    return set_cell_size(piece, width)


def _padded(padding: Padding, width: int, options: _Options) -> list[str]:
    inner = width - padding.left - padding.right
    if not padding.expand or inner < 1:
        raise Unsure("a padding of its own size")
    left, right, blank = " " * padding.left, " " * padding.right, " " * width
    lines = [left + line + right for line in lines_of(padding.renderable, inner, options)]
    return [blank] * padding.top + lines + [blank] * padding.bottom


def _table(table: Table, width: int, options: _Options) -> list[str]:
    """`Table.__rich_console__` for a table whose columns take their natural widths."""
    _check_table(table)
    box = table.box
    if box is not None and not table.show_header:
        box = box.get_plain_headed_box()
    extra = (2 if box and table.show_edge else 0) + (len(table.columns) - 1 if box else 0)
    rows = _rows(table)
    widths = _widths(table, rows, width - extra)
    lines: list[str] = []
    if table.title:
        title_options = replace(options, justify=table.title_justify)
        lines += _text_lines(table.title, sum(widths) + extra, title_options)
    if box is not None and table.show_edge:
        lines.append(box.get_top(widths))
    for number, cells in enumerate(rows):
        header = number == 0 and table.show_header
        lines += _row_lines(table, box, widths, cells, number, len(rows), header)
        if box is not None and header:
            lines.append(box.get_row(widths, "head", edge=table.show_edge))
    if box is not None and table.show_edge:
        lines.append(box.get_bottom(widths))
    return lines


def _check_table(table: Table) -> None:
    odd = (
        table.width is not None,
        table.min_width is not None,
        bool(table.caption),
        table.show_footer,
        table.show_lines,
        table.leading,
        bool(table.row_styles),
        any(row.end_section for row in table.rows),
        any(_odd_column(column) for column in table.columns),
        table.title_justify not in ("left", "default") and bool(table.title),
    )
    if any(odd):
        raise Unsure("a table this layout does not know")
    top, _, bottom, _ = table.padding
    if top or bottom:
        raise Unsure("vertical padding")


def _odd_column(column: Column) -> bool:
    return (
        column.width is not None
        or column.min_width is not None
        or column.max_width is not None
        or column.justify not in ("left", "default")
        or column.vertical != "top"
    )


def _rows(table: Table) -> list[list[RenderableType]]:
    columns = [list(column.cells) for column in table.columns]
    rows = [list(row) for row in zip(*columns, strict=True)]
    if table.show_header:
        rows.insert(0, [column.header for column in table.columns])
    return rows


def _pads(table: Table, index: int) -> tuple[int, int]:
    """The left and right padding of column `index`'s cells (`Table._render`)."""
    _, right, _, left = table.padding
    last = index == len(table.columns) - 1
    if table.collapse_padding and index:
        left = max(0, left - right)
    if not table.pad_edge:
        left = 0 if index == 0 else left
        right = 0 if last else right
    return left, right


def _widths(table: Table, rows: Sequence[Sequence[RenderableType]], available: int) -> list[int]:
    """`Table._calculate_column_widths` for the cells of `rows` (header first)."""
    if available <= max(sum(_pads(table, index)) for index in range(len(table.columns))):
        raise Unsure("no room for a column's padding")
    natural = []
    for index in range(len(table.columns)):
        measured = max((_measure(row[index]) for row in rows), default=0)
        # Measured as Rich measures: never wider than the table may be.
        natural.append(min(measured + sum(_pads(table, index)), available) or 1)
    widths = list(natural)
    flexible = [i for i, column in enumerate(table.columns) if column.ratio is not None]
    if table.expand and flexible:
        if len(flexible) > 1:
            raise Unsure("more than one ratio column")
        (index,) = flexible
        room = available - sum(w for i, w in enumerate(natural) if i != index)
        if room < 1 + _padding_width(table, index):
            raise Unsure("no room for the ratio column")
        widths[index] = room
    elif table.expand and sum(widths) < available:
        raise Unsure("a table spread over its width")
    if sum(widths) > available:
        return _shrunk(table, widths, available)
    return widths


def _shrunk(table: Table, widths: list[int], available: int) -> list[int]:
    """Rich's own narrowing of a table wider than `available` (its wrapping columns
    first, the widest first), then each column measured again at its width."""
    collapse = getattr(Table, "_collapse_widths", None)
    if collapse is None:  # another Rich
        raise Unsure("a table that must shrink")
    wrapping = [column.width is None and not column.no_wrap for column in table.columns]
    narrowed: list[int] = collapse(widths, wrapping, available)
    if sum(narrowed) > available:
        excess = sum(narrowed) - available
        narrowed = ratio_reduce(excess, [1] * len(narrowed), narrowed, narrowed)
    if any(width - sum(_pads(table, i)) < 1 for i, width in enumerate(narrowed)):
        raise Unsure("a column with no room for its text")
    return [min(natural, width) for natural, width in zip(widths, narrowed, strict=True)]


def _padding_width(table: Table, index: int) -> int:
    """`Table._get_padding_width`: the least a ratio column adds to its text."""
    _, right, _, left = table.padding
    if table.collapse_padding:
        left = 0
    if not table.pad_edge:
        left = 0 if index == 0 else left
        right = 0 if index == len(table.columns) - 1 else right
    return left + right


def _measure(cell: RenderableType) -> int:
    """The widest line of a cell (`Text.__rich_measure__`'s maximum)."""
    if not isinstance(cell, Text | str):
        raise Unsure("a cell that is not text")
    lines = _plain(cell).splitlines()
    return max((cell_len(line) for line in lines), default=0)


def _row_lines(
    table: Table,
    box: Box | None,
    widths: Sequence[int],
    cells: Sequence[RenderableType],
    number: int,
    count: int,
    header: bool,
) -> list[str]:
    laid: list[list[str]] = []
    for index, (cell, column_width) in enumerate(zip(cells, widths, strict=True)):
        column = table.columns[index]
        left, right = _pads(table, index)
        options = _Options(column.justify, column.overflow, column.no_wrap)
        inner = lines_of(cell, column_width - left - right, options)
        if left or right:
            inner = [" " * left + line + " " * right for line in inner]
        laid.append(inner)
    height = max(len(lines) for lines in laid)
    for lines, column_width in zip(laid, widths, strict=True):
        blank = [" " * column_width] * (height - len(lines))
        lines[:] = blank + lines if header else lines + blank  # a header sits at the bottom
    if box is None:
        return ["".join(parts) for parts in zip(*laid, strict=True)]
    if number == 0:
        edges = box.head_left, box.head_right, box.head_vertical
    elif number == count - 1:
        edges = box.foot_left, box.foot_right, box.foot_vertical
    else:
        edges = box.mid_left, box.mid_right, box.mid_vertical
    start, end, divider = edges if table.show_edge else ("", "", edges[2])
    return [start + divider.join(parts) + end for parts in zip(*laid, strict=True)]
