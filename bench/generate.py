"""Generate N realistic deal files, deterministically, for the benchmarks.

    python bench/generate.py OUT_FOLDER [--deals 10000] [--seed 7]

Each deal starts from one of the shipped examples (hand-written, English and
Chinese, every section of format 1 and the catalog-2 additions between them)
and is varied: its id, amount, dates, people's names and the order of its
optional sections; some gain a `suppress:` entry or an `x-crm:` extension.
About 3 % are made invalid the ways real files are (a tab, an unclosed
bracket, an unknown key, an impossible date), so the error paths are timed
too. Files are 1-3 KB, in folders of 500. The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))

EN_NAMES = ["Alice Chen", "Brian Ortiz", "Carla Novak", "David Kim", "Emma Weiss", "Farid Haddad"]
ZH_NAMES = ["王建国", "李雪", "张伟", "刘芳", "陈志强", "赵敏"]
BROKEN = [
    ("\n  name:", "\n\tname:"),  # a tab used for indentation
    ("stakeholders:", "stakeholders: [unclosed"),
    ("\n  account:", "\n  acount:"),  # an unknown key
    ("close_date: 20", "close_date: 2026-02-30 #"),  # an impossible date
]
_DATE = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
_AMOUNT = re.compile(r"(?m)^(  amount: )(\d+)")


def vary(text: str, number: int, rng: random.Random) -> str:
    text = text.replace("  id: ", f"  id: G{number:06d}-", 1)
    text = _AMOUNT.sub(lambda m: f"{m.group(1)}{int(int(m.group(2)) * rng.uniform(0.5, 3))}", text)
    shift = rng.randint(-40, 40)
    text = _DATE.sub(lambda m: _shifted(m, shift), text)
    for pool in (EN_NAMES, ZH_NAMES):
        for name in pool:
            if name in text:
                text = text.replace(name, rng.choice(pool))
    if rng.random() < 0.1:
        text += "suppress:\n  - rule: RS005\n    reason: 客户关系由渠道伙伴维护\n"
    if rng.random() < 0.2:
        text += f"x-crm:\n  opportunity: 006{number:012d}\n  synced: 2026-11-30\n"
    return text


def _shifted(match: re.Match[str], days: int) -> str:
    year, month, day = (int(part) for part in match.groups())
    day = min(28, max(1, day + days % 28))
    return f"{year:04d}-{month:02d}-{day:02d}"


def broken(text: str, rng: random.Random) -> str:
    for old, new in rng.sample(BROKEN, len(BROKEN)):
        if old in text:
            return text.replace(old, new, 1)
    return text + "\t"


def generate(out: Path, deals: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    templates = [path.read_text(encoding="utf-8") for path in EXAMPLES]
    written = []
    for number in range(deals):
        text = vary(templates[number % len(templates)], number, rng)
        if rng.random() < 0.03:
            text = broken(text, rng)
        folder = out / f"team-{number // 500:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"deal-{number:06d}.yaml"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    files = generate(args.out, args.deals, args.seed)
    sizes = sorted(path.stat().st_size for path in files)
    print(f"{len(files)} deals in {args.out}; sizes {sizes[0]}-{sizes[-1]} bytes")


if __name__ == "__main__":
    main()
