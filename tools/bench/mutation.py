"""`make mutate SAMPLE=400`: the mutation kill rate of what users run, from a random sample.

Why a sample: mutmut makes about 7,800 mutants of the catalog, links, doctor and mock, and
checking all of them takes hours on two cores. The kill rate of a uniform random sample of
n mutants estimates the whole rate within about 1/sqrt(n) (95 %), so 400 mutants give it to
within 5 points in well under an hour. The seed is fixed, so a rerun checks the same
mutants and a change in the figure is a change in the tests.

Steps: mutmut generates every mutant and maps each function to the tests that reach it
(by running one mutant); `mutmut results --all true` then lists every mutant's name; the
sample runs; the figure counts the sample's statuses. Run from the project directory with
the environment `make mutate` sets up (mutants/src first on PYTHONPATH).
"""

from __future__ import annotations

import argparse
import math
import random
import re
import subprocess
import sys
from collections import Counter

MUTMUT = [sys.executable, "-m", "mutmut"]
RESULT = re.compile(r"^\s+(?P<name>\S+): (?P<status>.+)$")
SEED = 2026
#: One small mutant to run first: the run makes every mutant and maps functions to tests.
FIRST = "kraken_doctor.protocol.x_mask_key__mutmut_1"


def mutmut(*args: str, quiet: bool = False) -> str:
    """Run `mutmut ARGS`; its output is shown, or returned when `quiet`. A failed run (the
    unmutated tests failing, say) ends this one: its figures would mean nothing."""
    proc = subprocess.run([*MUTMUT, *args], capture_output=quiet, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"mutmut {args[0]} failed (exit {proc.returncode}) {proc.stderr or ''}")
    return proc.stdout or ""


def statuses() -> dict[str, str]:
    """Every mutant mutmut knows of -> its status ('not checked' until it ran)."""
    found = {}
    for line in mutmut("results", "--all", "true", quiet=True).splitlines():
        match = RESULT.match(line)
        if match:
            found[match["name"]] = match["status"].strip()
    return found


def kill_rate(counts: Counter[str]) -> tuple[float, float]:
    """Killed (a timeout counts as killed: the mutant hung the tests) over mutants that
    some test reaches, and the 95 % margin of that proportion."""
    reached = sum(n for status, n in counts.items() if status not in {"no tests", "skipped"})
    killed = counts["killed"] + counts["timeout"]
    rate = killed / reached if reached else float("nan")
    margin = 1.96 * math.sqrt(rate * (1 - rate) / reached) if reached else float("nan")
    return rate, margin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sample", type=int, help="how many mutants to check")
    parser.add_argument("--max-children", default="2")
    args = parser.parse_args()

    known = statuses()
    if not known:
        print("Generating the mutants and mapping the tests (mutmut runs one mutant)...")
        mutmut("run", "--max-children", args.max_children, FIRST)
        known = statuses()
    if not known:
        sys.exit("mutmut made no mutants: see its output above")
    chosen = sorted(random.Random(SEED).sample(sorted(known), min(args.sample, len(known))))
    print(f"Checking {len(chosen)} of {len(known)} mutants (seed {SEED})...")
    mutmut("run", "--max-children", args.max_children, *chosen)

    after = statuses()
    counts = Counter(after[name] for name in chosen)
    rate, margin = kill_rate(counts)
    print(f"\nMutation sample: {len(chosen)} of {len(known)} mutants")
    for status, n in counts.most_common():
        print(f"  {status:<14} {n}")
    print(f"Kill rate: {rate:.0%} ± {margin:.0%} (killed or timed out, of mutants a test reaches)")
    survivors = [name for name in chosen if after[name] == "survived"]
    if survivors:
        print("Survivors (see one with `mutmut show NAME` from the project directory):")
        for name in survivors:
            print(f"  {name}")


if __name__ == "__main__":
    main()
