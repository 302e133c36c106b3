"""Shared fixtures: deal texts and a CLI runner with stdout and stderr apart."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import hypothesis
import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"

MINIMAL = """\
ebcheck: 1
as_of: 2026-11-20
deal:
  id: D-1
  name: MES upgrade
  account: Acme
  stage: prospecting
  close_date: 2026-12-31
"""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite every golden file (tests/golden, tests/reports/golden, rules/README.md)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a dedented text (or bytes) file under tmp_path and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        return path

    return _write


# Property tests draw the same examples on every run, so that CI is reproducible:
# a failure seen once is seen again (and `--hypothesis-seed` explores further).
hypothesis.settings.register_profile("ebcheck", derandomize=True, deadline=None)
hypothesis.settings.load_profile("ebcheck")


def pytest_configure(config: pytest.Config) -> None:
    # A message key no catalogue defines raises in tests instead of showing the key.
    os.environ["EBCHECK_STRICT_MESSAGES"] = "1"
    # Tests stay hermetic: no result cache unless a test turns it on
    # (tests/test_cache.py proves cached and uncached runs give the same reports).
    os.environ["EBCHECK_NO_CACHE"] = "1"


_SYSTEM_FILES = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/zero", "/dev/full")


def _kinds() -> dict[str, str]:
    kinds = {}
    for name in _SYSTEM_FILES:
        path = Path(name)
        if path.is_symlink():
            kinds[name] = "link"
        elif path.exists():
            kinds[name] = "device" if path.is_char_device() else "other"
    return kinds


@pytest.fixture(autouse=True, scope="session")
def system_files_intact() -> Iterator[None]:
    """The suite runs as root in CI: no test may leave `/dev/null` or `/dev/stdout`
    replaced (the very harm `-o` onto a device once did)."""
    before = _kinds()
    yield
    after = _kinds()
    assert after == before, f"a test replaced system files: {before} -> {after}"
