"""Which files changed since a git ref (`--changed-since`)."""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - runs git with fixed arguments, never a shell
from pathlib import Path

from ebcheck.errors import EbcheckError


def _git(args: list[str], cwd: Path) -> str:
    git = shutil.which("git")
    if git is None:
        raise EbcheckError("git_missing")
    result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
        [git, *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise EbcheckError("git_failed", command=" ".join(args), reason=result.stderr.strip())
    return result.stdout


def changed_files(ref: str, cwd: Path) -> set[Path]:
    """Files changed between `ref` and the working tree, untracked ones included."""
    if ref.startswith("-"):
        raise EbcheckError("not_a_ref", ref=ref)
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    except EbcheckError:
        raise EbcheckError("not_a_repository") from None
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    except EbcheckError:
        raise EbcheckError("unknown_ref", ref=ref) from None
    names = _git(["diff", "--name-only", "--no-renames", "-z", ref, "--"], top).split("\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split("\0")
    return {(top / name).resolve() for name in names if name}
