"""Rule documentation, generated from the rules themselves.

`ebcheck rules` lists every rule (a table, JSON, or the markdown catalogue
committed as `rules/README.md`); `ebcheck explain` shows one rule in full.
Everything comes from the rule declarations: id, name, severity ladder
(default, escalation and conditions: the prose never restates it), options,
doctrine, examples, and the rule's words (summary, what it checks and why,
message, fix), read through the catalogue of `Pack.words`, that is the
declaration's English or its translation. So the documentation cannot drift
from what the rules do: the "what ebcheck says" part is the finding the rule
gives on its own failing example. Nothing here prints; each function returns
text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from rich import box
from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from ebcheck.audit.engine import run_rules
from ebcheck.audit.findings import Finding
from ebcheck.audit.select import activate
from ebcheck.deal.enums import Severity
from ebcheck.deal.load import load_bytes
from ebcheck.i18n import Catalogue
from ebcheck.reports.cjkwrap import cjk_line_breaks
from ebcheck.reports.common import bold_label
from ebcheck.reports.styles import SEVERITY_STYLE, text_console
from ebcheck.ruleapi import Example, Rule

# --- facts about a rule -------------------------------------------------------


def option_defaults(rule: Rule) -> dict[str, Any]:
    """The rule's options and their default values, in declaration order."""
    return {name: field.default for name, field in rule.options.model_fields.items()}


def severity_ladder(rule: Rule, words: Catalogue) -> list[tuple[Severity, str]]:
    """The default severity and each stage escalation, as (severity, words)."""
    steps = [(rule.severity, words.text(f"severity.{rule.severity.value}"))]
    for stage, severity in rule.escalation:
        label = words.text(f"severity.{severity.value}")
        step = words.text("ruledocs.from_stage", severity=label, stage=stage.value)
        steps.append((severity, step))
    for key, severity in rule.conditions:
        label = words.text(f"severity.{severity.value}")
        steps.append((severity, words.text(f"{rule.id}.severity_when.{key}", severity=label)))
    return steps


def ladder_text(rule: Rule, words: Catalogue) -> str:
    """`medium, high from discovery, critical from proposal`."""
    return words.text("list.separator").join(text for _, text in severity_ladder(rule, words))


def applies_text(rule: Rule, words: Catalogue) -> str:
    if rule.applies_from is None:
        return words.text("ruledocs.all_stages")
    return words.text("ruledocs.applies_from", stage=rule.applies_from.value)


def severity_sentence(rule: Rule, words: Catalogue) -> str:
    """The severity ladder and where the rule applies, in one sentence."""
    ladder = ladder_text(rule, words)
    scope = words.get(f"{rule.id}.applies")  # rules the engine applies say it themselves
    if scope is not None:
        return words.text("ruledocs.severity_line_scoped", ladder=ladder, applies=scope)
    return words.text("ruledocs.severity_line", ladder=ladder, applies=applies_text(rule, words))


def doctrine_titles(rule: Rule, words: Catalogue) -> list[tuple[str, str]]:
    """Each doctrine point the rule cites, with its title from the pack catalogue."""
    return [(point, words.text(f"doctrine.{point}")) for point in rule.doctrine]


def example_findings(rule: Rule, words: Catalogue) -> list[Finding]:
    """What the rule says about its own failing example, in the catalogue's language."""
    if rule.example is None:
        return []
    if rule.scope != "file":
        return _engine_example_findings(rule, rule.example, words)
    loaded = load_bytes(rule.example.fails.encode("utf-8"))
    if loaded.deal is None:
        return []
    as_of = rule.example.as_of or loaded.deal.as_of or dt.date.today()
    found, _ = run_rules(loaded.deal, loaded.source, activate([rule]), as_of, words)
    return found


def _engine_example_findings(rule: Rule, example: Example, words: Catalogue) -> list[Finding]:
    """Rules the engine applies need a whole audit: `files` copies of the example."""
    from ebcheck.audit.engine import Engine
    from ebcheck.audit.settings import Settings

    report = Engine.create(Settings(lang=words.lang, as_of=example.as_of)).audit_example(example)
    return [f for f in report.findings if f.rule == rule.id]


def _rule_words(rule: Rule, words: Catalogue, part: str) -> str:
    return words.text(f"{rule.id}.{part}")


# --- rendering with Rich ------------------------------------------------------


def _console(width: int, color: bool) -> tuple[Console, io.StringIO]:
    return text_console(width, color, markup=False)


def _trimmed(buffer: io.StringIO) -> str:
    """The rendered text without the spaces Rich pads each line with to the full width."""
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _severity_cell(rule: Rule, words: Catalogue) -> Text:
    cell = Text()
    for index, (severity, label) in enumerate(severity_ladder(rule, words)):
        if index:
            cell.append("\n")
        cell.append(label, style=SEVERITY_STYLE[severity])
    return cell


def rules_table(rules: Sequence[Rule], words: Catalogue, width: int, color: bool) -> str:
    """Every rule on one row: id, name, area, severity ladder, summary."""
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), expand=False)
    table.add_column(words.text("ruledocs.id"), style="bold", no_wrap=True)
    table.add_column(words.text("ruledocs.name"), no_wrap=True)
    table.add_column(words.text("ruledocs.area"), no_wrap=True)
    table.add_column(words.text("ruledocs.severity"), overflow="fold")
    table.add_column(words.text("ruledocs.summary"), overflow="fold", ratio=1)
    for rule in rules:
        table.add_row(
            Text(rule.id),
            Text(rule.name),
            Text(rule.area),
            _severity_cell(rule, words),
            Text(_rule_words(rule, words, "summary")),
        )
    console, buffer = _console(width, color)
    with cjk_line_breaks():
        console.print(table)
        console.print(Text(words.text("ruledocs.footer"), style="dim"))
    return _trimmed(buffer)


def _heading(text: str) -> Text:
    return Text(text, style="bold underline")


def _indented(renderable: RenderableType) -> Padding:
    return Padding(renderable, (0, 0, 1, 2))


def _yaml(code: str, color: bool) -> RenderableType:
    if color:
        return Syntax(code.rstrip("\n"), "yaml", theme="ansi_dark", background_color="default")
    return Text(code.rstrip("\n"))


def _doctrine_text(rule: Rule, words: Catalogue) -> Text:
    text = Text()
    for index, (point, title) in enumerate(doctrine_titles(rule, words)):
        text.append("\n" if index else "")
        text.append(point, style="bold")
        text.append(f" “{title}”")
    return text


def _options_text(rule: Rule, words: Catalogue) -> Text:
    defaults = option_defaults(rule)
    if not defaults:
        return Text(words.text("ruledocs.no_options"))
    lines = [words.text("ruledocs.option", name=n, default=d) for n, d in defaults.items()]
    return Text("\n".join(lines))


def _finding_text(rule: Rule, words: Catalogue) -> Text:
    found = example_findings(rule, words)
    if not found:
        return Text(words.text("ruledocs.no_finding"), style="dim")
    text = Text()
    for index, finding in enumerate(found):
        text.append("\n\n" if index else "")
        label = words.text(f"severity.{finding.severity.value}")
        text.append(f"[{label}] ", style=SEVERITY_STYLE[finding.severity])
        text.append(finding.message)
        text.append("\n" + words.text("ruledocs.fix"), style="bold")
        text.append(finding.fix)
    return text


def explain_parts(rule: Rule, words: Catalogue, color: bool) -> list[RenderableType]:
    """The fixed parts of a rule's explanation, in reading order."""
    title = Text()
    title.append(rule.id, style="bold")
    title.append(f"  {rule.name}", style="bold cyan")
    severity = severity_sentence(rule, words)
    why = Text(_rule_words(rule, words, "why"))
    if rule.doctrine:
        why.append("\n\n")
        why.append(words.text("ruledocs.doctrine") + ":\n", style="bold")
        why.append_text(_doctrine_text(rule, words))
    parts: list[RenderableType] = [
        title,
        _indented(Text(_rule_words(rule, words, "summary"), style="italic")),
        _heading(words.text("ruledocs.checks")),
        _indented(Text(_rule_words(rule, words, "checks"))),
        _heading(words.text("ruledocs.why")),
        _indented(why),
        _heading(words.text("ruledocs.severity")),
        _indented(Text(severity)),
        _heading(words.text("ruledocs.options")),
        _indented(_options_text(rule, words)),
    ]
    if rule.example is not None:
        parts += [
            _heading(words.text("ruledocs.fails")),
            _indented(_yaml(rule.example.fails, color)),
            _heading(words.text("ruledocs.passes")),
            _indented(_yaml(rule.example.passes, color)),
            _heading(words.text("ruledocs.finding")),
            _indented(_finding_text(rule, words)),
        ]
    return parts


def explain(rule: Rule, words: Catalogue, width: int, color: bool) -> str:
    """One rule in full: what it checks, why, severity, options, examples, the fix."""
    console, buffer = _console(width, color)
    with cjk_line_breaks():
        for part in explain_parts(rule, words, color):
            console.print(part)
    return _trimmed(buffer)


# --- machine-readable and markdown --------------------------------------------


def rule_record(rule: Rule, words: Catalogue) -> dict[str, Any]:
    """One rule as plain data: what `ebcheck rules --format json` lists."""
    return {
        "id": rule.id,
        "name": rule.name,
        "area": rule.area,
        "severity": rule.severity.value,
        "escalation": {stage.value: severity.value for stage, severity in rule.escalation},
        "conditions": {key: severity.value for key, severity in rule.conditions},
        "applies_from": rule.applies_from.value if rule.applies_from else None,
        "doctrine": list(rule.doctrine),
        "options": option_defaults(rule),
        "summary": _rule_words(rule, words, "summary"),
        "checks": _rule_words(rule, words, "checks"),
        "why": _rule_words(rule, words, "why"),
    }


def rules_json(rules: Sequence[Rule], words: Catalogue) -> str:
    records = [rule_record(rule, words) for rule in rules]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def _cell(text: str) -> str:
    """Catalogue text in a markdown table cell: one line, no cell breaks."""
    return " ".join(text.split()).replace("|", "\\|")


def _areas(rules: Iterable[Rule]) -> dict[str, list[Rule]]:
    grouped: dict[str, list[Rule]] = {}
    for rule in rules:
        grouped.setdefault(rule.area, []).append(rule)
    return grouped


def _label(words: Catalogue, key: str) -> str:
    """A run-in heading: "What it checks." / "检查内容："."""
    return words.text(f"ruledocs.{key}") + words.text("ruledocs.heading_end")


def _markdown_rule(rule: Rule, words: Catalogue) -> list[str]:
    lines = [
        f"### {rule.id} `{rule.name}`",
        "",
        _rule_words(rule, words, "summary"),
        "",
        f"**{_label(words, 'checks')}** {_rule_words(rule, words, 'checks')}",
        "",
        f"**{_label(words, 'why')}** {_rule_words(rule, words, 'why')}",
        "",
    ]
    if rule.doctrine:
        cited = words.text("list.separator").join(
            f"{point} “{title}”" for point, title in doctrine_titles(rule, words)
        )
        lines += [
            f"{bold_label(words, 'ruledocs.doctrine')} {cited}",
            "",
        ]
    severity = severity_sentence(rule, words)
    lines += [
        f"**{words.text('ruledocs.severity')}{words.text('ruledocs.heading_end')}** {severity}",
        "",
    ]
    defaults = option_defaults(rule)
    options = ", ".join(f"`{name}` = {value}" for name, value in defaults.items())
    options = options or words.text("ruledocs.no_options")
    lines += [f"{bold_label(words, 'ruledocs.options')} {options}", ""]
    for finding in example_findings(rule, words):
        lines += [
            f"{bold_label(words, 'ruledocs.finding')}",
            "",
            f"> {finding.message}",
            ">",
            f"> **{words.text('ruledocs.fix').strip()}** {finding.fix}",
            "",
        ]
    if rule.example is not None:
        lines += [
            f"<details><summary>{words.text('ruledocs.markdown_examples')}</summary>",
            "",
            f"{words.text('ruledocs.fails')}:",
            "",
            "```yaml",
            rule.example.fails.rstrip("\n"),
            "```",
            "",
            f"{words.text('ruledocs.passes')}:",
            "",
            "```yaml",
            rule.example.passes.rstrip("\n"),
            "```",
            "",
            "</details>",
            "",
        ]
    return lines


def rules_markdown(rules: Sequence[Rule], words: Catalogue) -> str:
    """The catalogue of every rule, as committed in `rules/README.md`."""
    headers = ("id", "name", "severity", "summary")
    lines = [
        f"# {words.text('ruledocs.markdown_title')}",
        "",
        f"_{words.text('ruledocs.markdown_generated')}_",
        "",
        words.text("ruledocs.markdown_intro"),
        "",
        "| " + " | ".join(words.text(f"ruledocs.{h}") for h in headers) + " |",
        "|" + "---|" * len(headers),
    ]
    for rule in rules:
        cells = (
            f"[{rule.id}](#{rule.id.lower()}-{rule.name})",
            f"`{rule.name}`",
            ladder_text(rule, words),
            _rule_words(rule, words, "summary"),
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines.append("")
    for area, members in _areas(rules).items():
        lines += [f"## {area}: {words.text(f'area.{area}')}", ""]
        for rule in members:
            lines += _markdown_rule(rule, words)
    return "\n".join(lines).rstrip("\n") + "\n"
