"""The layering the architecture page promises: imports point one way, no cycles.

Every import counts, function-local and `TYPE_CHECKING` ones included: a cycle
hidden inside a function is still a cycle a newcomer has to untangle.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
PACKAGE = SRC / "ebcheck"
ARCHITECTURE = REPO / "docs" / "architecture.md"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imported(path: Path) -> set[str]:
    """The project modules `path` imports, wherever the import statement stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [n if n in MODULES else node.module for n in names]
        else:
            continue
        found.update(n for n in names if n in MODULES)
    return found


GRAPH = {name: imported(path) - {name} for name, path in MODULES.items()}


def cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    return found


def test_the_graph_sees_the_package() -> None:
    assert "ebcheck.audit.engine" in GRAPH
    assert "ebcheck.deal.models" in GRAPH["ebcheck.audit.engine"]


def test_no_import_cycle() -> None:
    assert cycles() == []


@pytest.mark.parametrize(
    ("lower", "forbidden"),
    [
        ("ebcheck.deal", ("ebcheck.audit", "ebcheck.reports", "ebcheck.cli")),
        ("ebcheck.audit", ("ebcheck.reports", "ebcheck.cli")),
        ("ebcheck.reports", ("ebcheck.cli",)),
        ("ebcheck.config", ("ebcheck.reports", "ebcheck.cli")),
        ("ebcheck.ruleapi", ("ebcheck.reports", "ebcheck.cli")),
    ],
)
def test_imports_point_one_way(lower: str, forbidden: tuple[str, ...]) -> None:
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if name == lower or name.startswith(lower + ".")
        for target in targets
        if any(target == f or target.startswith(f + ".") for f in forbidden)
    )
    assert wrong == []


def test_rule_modules_import_only_the_rule_api() -> None:
    for path in sorted((REPO / "rules").glob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        project = {n for n in names if n == "ebcheck" or n.startswith("ebcheck.")}
        assert project <= {"ebcheck.ruleapi"}, path.name


def named_paths(text: str) -> set[str]:
    """Paths the page names: `src/ebcheck/...`, `ebcheck.x.y`, and in the folder
    table, the `*.py` modules of each row's folder."""
    named = set(re.findall(r"`((?:src/ebcheck|rules|tests|docs|examples|bench)/[\w./-]*)`", text))
    named |= {
        f"src/ebcheck/{m.replace('.', '/')}" for m in re.findall(r"`ebcheck\.([\w.]+)`", text)
    }
    for row in re.findall(r"^\| `([\w/]+/)` \|(.*)\|$", text, flags=re.MULTILINE):
        folder, cells = row
        named |= {folder + module for module in re.findall(r"`([\w]+\.py)`", cells)}
    return named


def test_architecture_page_names_only_what_exists() -> None:
    named = named_paths(ARCHITECTURE.read_text(encoding="utf-8"))
    assert len(named) >= 40, "the page should name the folders and modules it describes"
    missing = sorted(
        n for n in named if not (REPO / n).exists() and not (REPO / f"{n}.py").exists()
    )
    assert missing == []


def test_every_module_of_the_package_is_on_the_architecture_page() -> None:
    named = named_paths(ARCHITECTURE.read_text(encoding="utf-8"))
    modules = {
        p.relative_to(REPO).as_posix()
        for p in PACKAGE.rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py")
    }
    assert sorted(modules - named) == []
