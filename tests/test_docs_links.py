"""The documentation ships with the project and cannot drift from it.

Every relative link in the README and under docs/ resolves to a file inside
the repository (and to a heading, when it names one), so a fresh clone reads
without a broken link; every field of the JSON Schema (`ebcheck schema`) is
documented in the English and the Chinese format reference; each YAML example
there loads without a format error.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from ebcheck.deal.schema import deal_schema
from tests.conftest import REPO

DOCS = sorted([REPO / "README.md", *(REPO / "docs").rglob("*.md")])
REFERENCES = [REPO / "docs" / "deal-format.md", REPO / "docs" / "zh" / "deal-format.md"]
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
_CODE = re.compile(r"```.*?```", re.S)


def links(doc: Path) -> list[str]:
    text = _CODE.sub("", doc.read_text(encoding="utf-8"))
    return [target for target in _LINK.findall(text) if "://" not in target]


def anchors(doc: Path) -> set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces as '-'."""
    text = _CODE.sub("", doc.read_text(encoding="utf-8"))
    headings = re.findall(r"^#+\s+(.+?)\s*$", text, flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(REPO)) for d in DOCS])
def test_every_relative_link_resolves_inside_the_repository(doc: Path) -> None:
    for target in links(doc):
        path, _, anchor = target.partition("#")
        if target.startswith("mailto:"):
            continue
        resolved = (doc.parent / path).resolve() if path else doc
        assert resolved.is_relative_to(REPO), f"{doc.name}: {target} leaves the repository"
        assert resolved.exists(), f"{doc.name}: {target} does not exist"
        if anchor and resolved.suffix == ".md":
            assert anchor in anchors(resolved), f"{doc.name}: {target}: no such heading"


def test_the_readme_links_the_format_reference_in_both_languages() -> None:
    readme = links(REPO / "README.md")
    assert "docs/deal-format.md" in readme
    assert "docs/zh/deal-format.md" in readme


def schema_fields(node: dict[str, Any], defs: dict[str, Any], prefix: str = "") -> set[str]:
    """Every field path of the schema: `deal.next_step.action`, `stakeholders[].name`."""
    if "$ref" in node:
        return schema_fields(defs[node["$ref"].split("/")[-1]], defs, prefix)
    found: set[str] = set()
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            found |= schema_fields(sub, defs, prefix)
    if "items" in node:
        found |= schema_fields(node["items"], defs, prefix + "[]")
    for key, sub in node.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        found.add(path)
        found |= schema_fields(sub, defs, path)
    return found


def test_the_schema_has_the_fields_we_document() -> None:
    schema = deal_schema()
    fields = schema_fields(schema, schema["$defs"])
    assert {"ebcheck", "deal.next_step.action", "stakeholders[].roles"} <= fields
    assert len(fields) > 100


@pytest.mark.parametrize("doc", REFERENCES, ids=["en", "zh"])
def test_every_schema_field_is_documented(doc: Path) -> None:
    schema = deal_schema()
    text = doc.read_text(encoding="utf-8")
    missing = sorted(f for f in schema_fields(schema, schema["$defs"]) if f"| `{f}` |" not in text)
    assert not missing, f"{doc.relative_to(REPO)} does not document: {missing}"


ROOT = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-1, name: MES, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: 张伟, roles: [EB]}
  - {name: 王芳}
  - {name: 王建军}
  - {name: 孙国平}
"""


def examples(doc: Path) -> list[str]:
    return re.findall(r"```yaml\n(.+?)```", doc.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("doc", REFERENCES, ids=["en", "zh"])
def test_every_example_of_the_reference_loads(doc: Path) -> None:
    from ebcheck.deal.load import load_bytes

    assert len(examples(doc)) >= 10
    for block in examples(doc):
        if block.startswith("ebcheck: 1"):
            text = block
        else:
            sections = {line.split(":")[0] for line in block.splitlines() if line[:1].isalpha()}
            kept = [ln for ln in ROOT.splitlines(keepends=True) if ln.split(":")[0] not in sections]
            if "stakeholders" in sections:
                kept = kept[:3]
            text = "".join(kept) + block
        loaded = load_bytes(text.encode("utf-8"))
        assert loaded.problems == [], (block, loaded.problems)
