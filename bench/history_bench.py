"""Benchmark the history pass against its floor: the bare `git log` + `cat-file` pass.

    python bench/history_bench.py                       # 2,000 deals, 12,000 commits
    python bench/history_bench.py --deals 500 --commits 3000

The generator builds a repository with `git fast-import` (seconds, not the
minutes that one `git commit` per change would take): N deal files, M
commits each changing 1-3 deals (close date pushed, stage moved, amount
changed), about 2 % of the changes moves of a file into a subfolder; then
`git gc` and a commit-graph. The floor is what any reader must pay: the same
`git log` pass and one `cat-file --batch` reading every blob it names, with
no parsing. ebcheck's passes add the following by `deal.id` and either each
version's head (id, stage, close date: what `audit --history` reads) or the
whole deal loader (what `ebcheck history` scores). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ebcheck.audit.history import BlobReader, log_args, parse_log, read_history, run_git

STAGES = ["prospecting", "qualification", "discovery", "proposal", "negotiation"]


def deal(n: int, stage: str, close: str, amount: int) -> bytes:
    return (
        f"ebcheck: 1\ndeal:\n  id: D-{n:05d}\n  name: Deal {n}\n  account: Account {n % 97}\n"
        f"  owner: Rep {n % 13}\n  amount: {amount}\n  currency: {'USD' if n % 3 else 'CNY'}\n"
        f"  stage: {stage}\n  close_date: {close}\n"
        f"stakeholders:\n  - {{name: Buyer {n}, roles: [EB], met: 2026-01-0{1 + n % 9}}}\n"
        f"  - {{name: Coach {n}, roles: [coach], stance: champion}}\n"
    ).encode()


def generate(root: Path, deals: int, commits: int, seed: int = 7) -> None:
    rng = random.Random(seed)  # noqa: S311 - a reproducible repository, not a secret
    _git(["init", "-q", "-b", "main", str(root)], Path.cwd())
    state = {
        n: [f"deals/d{n:05d}.yaml", 0, 0, 100000 + 1000 * (n % 50)] for n in range(deals)
    }  # path, stage index, close offset (months), amount
    stream = bytearray()
    start = 1767225600  # 2026-01-01

    def close(months: int) -> str:
        year, month = 2026 + (3 + months) // 12, (3 + months) % 12 + 1
        return f"{year}-{month:02d}-28"

    def blob(n: int) -> bytes:
        _, stage, months, amount = state[n]
        return deal(n, STAGES[stage], close(months), amount)

    def commit(number: int, ops: list[bytes]) -> None:
        when = start + number * 3600
        message = f"change {number}".encode()
        stream.extend(b"commit refs/heads/main\n")
        stream.extend(f"committer t <t@t> {when} +0000\n".encode())
        stream.extend(b"data %d\n%s\n" % (len(message), message))
        for op in ops:
            stream.extend(op)

    def modify(path: str, data: bytes) -> bytes:
        return b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data)

    commit(0, [modify(state[n][0], blob(n)) for n in range(deals)])
    for number in range(1, commits):
        ops = []
        for n in rng.sample(range(deals), rng.randint(1, 3)):
            entry = state[n]
            roll = rng.random()
            if roll < 0.02:
                ops.append(f"D {entry[0]}\n".encode())
                entry[0] = f"deals/moved/{n % 10}/d{n:05d}.yaml"
            elif roll < 0.4:
                entry[2] += 1
            elif roll < 0.6:
                entry[1] = min(entry[1] + 1, len(STAGES) - 1)
            else:
                entry[3] += rng.choice([-5000, 5000, 10000])
            ops.append(modify(entry[0], blob(n)))
        commit(number, ops)
    _git(["fast-import", "--quiet"], root, bytes(stream))
    _git(["checkout", "-q", "main"], root)
    _git(["gc", "-q"], root)
    _git(["commit-graph", "write", "--reachable"], root)


def _git(args: list[str], cwd: Path, data: bytes | None = None) -> None:
    git = shutil.which("git") or "git"
    subprocess.run([git, *args], cwd=cwd, input=data, check=True)  # noqa: S603 - fixed arguments


def floor(root: Path) -> int:
    """The bare pass: the same git log, and cat-file reading every blob it names."""
    commits = list(parse_log(run_git(log_args(["HEAD"]), root)))
    blobs = list(dict.fromkeys(c.new for _, cs in commits for c in cs if c.status != "D"))
    read = 0
    for _, data in BlobReader(root).read(blobs):
        read += len(data or b"")
    return len(blobs)


def timed(job: object, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = job()  # type: ignore[operator]
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=2000)
    parser.add_argument("--commits", type=int, default=12000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repo", type=Path, help="reuse (or create) the repository here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = args.repo or Path(scratch) / "repo"
        if not (root / ".git").exists():
            began = time.perf_counter()
            generate(root, args.deals, args.commits)
            print(
                f"generated {args.deals} deals, {args.commits} commits "
                f"in {time.perf_counter() - began:.1f} s"
            )
        floor_time, blobs = timed(lambda: floor(root), args.runs)
        heads_time, history = timed(lambda: read_history(root, full=False), args.runs)
        full_time, _ = timed(lambda: read_history(root), args.runs)
        versions = sum(len(h.versions) for h in history.deals.values())  # type: ignore[union-attr]
        print(f"file versions (blobs): {blobs}; deal versions followed by id: {versions}")
        print(f"floor (git log + cat-file, no parsing):      {floor_time:.2f} s")
        for label, took in (
            ("audit --history pass (heads + follow)", heads_time),
            ("full pass (every version loaded)", full_time),
        ):
            print(f"{label + ':':<44} {took:.2f} s = {took / floor_time:.1f}x the floor")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
