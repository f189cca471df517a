"""The fallback when GetApiKeyInfo is missing: a probe plan derived from the catalog.

Each catalog `probe` is a call that changes nothing; its endpoint's `needs` rule says which
keys Kraken lets through. A "denied" or "allowed" answer therefore rules out sets of
permissions. Permissions that share a probe rule are planned together (a component); within
a component the plan is the adaptive decision tree with the fewest calls in the worst case
(then the fewest REST counter points), found by exhaustive minimax over every possible
permission set. Nothing about which probe decides which box is written by hand, so the plan
follows the catalog when an endpoint's rule changes.

A permission no probe can tell apart (Earn, the withdrawal-address boxes, or Withdraw when
Query is off) stays "unknown": the verdict then asks the user to look at the box.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations

from kraken_doctor.catalog import Catalog, Needs


class UnsafeProbe(ValueError):
    """A catalog probe that could change the account; the doctor refuses to run it."""


@dataclass(frozen=True)
class ProbeSpec:
    endpoint: str
    params: tuple[tuple[str, str], ...]
    needs: Needs = field(compare=False)  # pydantic lists are not hashable
    cost: int = 0

    @property
    def param_dict(self) -> dict[str, str]:
        return dict(self.params)


def probe_specs(cat: Catalog) -> list[ProbeSpec]:
    """The catalog's probes with their rules and costs, refusing any that could change state."""
    specs = []
    for i, pr in enumerate(cat.probes):
        unsafe = cat.unsafe_call(pr.endpoint, pr.params)
        if unsafe:
            raise UnsafeProbe(
                f"catalog probes[{i}] ({pr.endpoint}) could change the account ({unsafe}); the "
                "doctor only calls AddOrder/AddOrderBatch with validate=true and CancelOrder on "
                "a made-up txid"
            )
        ep = cat.endpoint(pr.endpoint)
        specs.append(ProbeSpec(pr.endpoint, tuple(sorted(pr.params.items())), ep.needs, ep.cost))
    return specs


def targets(cat: Catalog) -> list[str]:
    """What the verdict needs to know: every permission the bot needs, every forbidden one."""
    return [p.id for p in cat.permissions if p.bot_needs or p.forbidden]


Hypothesis = frozenset[str]
Value = tuple[int, int]  # (calls, counter points) in the worst case


@dataclass(frozen=True)
class Component:
    """Permissions linked by probe rules, the probes over them, and the targets among them."""

    perms: tuple[str, ...]
    probes: tuple[ProbeSpec, ...]
    targets: tuple[str, ...]

    def hypotheses(self) -> frozenset[Hypothesis]:
        return frozenset(
            frozenset(c) for n in range(len(self.perms) + 1) for c in combinations(self.perms, n)
        )


def components(cat: Catalog) -> list[Component]:
    """Group permissions that appear together in some probe's rule (union-find)."""
    specs = probe_specs(cat)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for s in specs:
        ids = s.needs.ids
        for a in ids:
            find(a)
        for a, b in zip(ids, ids[1:], strict=False):
            parent[find(a)] = find(b)
    groups: dict[str, list[str]] = {}
    order = [p.id for p in cat.permissions]
    for pid in sorted(parent, key=order.index):
        groups.setdefault(find(pid), []).append(pid)
    wanted = set(targets(cat))
    out = []
    for perms in groups.values():
        probes = tuple(s for s in specs if s.needs.ids and set(s.needs.ids) <= set(perms))
        tgt = tuple(p for p in perms if p in wanted)
        if tgt:
            out.append(Component(tuple(perms), probes, tgt))
    return out


def _answer(probe: ProbeSpec, h: Hypothesis) -> bool:
    return probe.needs.satisfied_by(h)


def consistent(comp: Component, observations: Iterable[tuple[str, bool]]) -> frozenset[Hypothesis]:
    """The permission sets that would have produced these (endpoint, allowed) answers."""
    by_name = {p.endpoint: p for p in comp.probes}
    hs = comp.hypotheses()
    for endpoint, allowed in observations:
        probe = by_name.get(endpoint)
        if probe is not None:
            hs = frozenset(h for h in hs if _answer(probe, h) == allowed)
    return hs


def _settled(comp: Component, hs: frozenset[Hypothesis], usable: tuple[ProbeSpec, ...]) -> bool:
    """True when no further probe can narrow down what we know about any target."""
    classes: dict[tuple[bool, ...], list[Hypothesis]] = {}
    for h in hs:
        classes.setdefault(tuple(_answer(p, h) for p in usable), []).append(h)
    for t in comp.targets:
        known = {t in h for h in hs}
        for members in classes.values():
            if {t in h for h in members} != known:
                return False
    return True


@cache
def _best(
    comp: Component, hs: frozenset[Hypothesis], excluded: frozenset[str]
) -> tuple[Value, ProbeSpec | None]:
    usable = tuple(p for p in comp.probes if p.endpoint not in excluded)
    if not hs or _settled(comp, hs, usable):
        return (0, 0), None
    best: tuple[Value, ProbeSpec | None] = ((10**6, 10**6), None)
    for probe in usable:
        yes = frozenset(h for h in hs if _answer(probe, h))
        no = hs - yes
        if not yes or not no:
            continue
        worst = max(_best(comp, yes, excluded)[0], _best(comp, no, excluded)[0])
        value = (worst[0] + 1, worst[1] + probe.cost)
        if value < best[0]:
            best = (value, probe)
    return best


def next_probe(
    comp: Component,
    observations: Iterable[tuple[str, bool]],
    excluded: Iterable[str] = (),
) -> ProbeSpec | None:
    """The next call of the optimal plan, or None when this component is decided."""
    return _best(comp, consistent(comp, observations), frozenset(excluded))[1]


def decide(comp: Component, observations: Iterable[tuple[str, bool]]) -> dict[str, str]:
    """granted / missing / unknown for each target of the component."""
    hs = consistent(comp, observations)
    out = {}
    for t in comp.targets:
        values = {t in h for h in hs}
        out[t] = "granted" if values == {True} else "missing" if values == {False} else "unknown"
    return out


@dataclass(frozen=True)
class PlanSummary:
    calls: int
    points: int
    undecidable: tuple[str, ...]


def worst_case(cat: Catalog) -> PlanSummary:
    """The whole plan's worst case: calls and counter points, and targets no probe can decide."""
    calls = points = 0
    covered: set[str] = set()
    for comp in components(cat):
        (c, p), _ = _best(comp, comp.hypotheses(), frozenset())
        calls += c
        points += p
        covered.update(comp.targets)
    undecidable = tuple(t for t in targets(cat) if t not in covered)
    return PlanSummary(calls, points, undecidable)


def fits_tier(cat: Catalog, tier_id: str = "starter", already_spent: int = 0) -> bool:
    """Whether the worst case stays under the tier's REST counter without any waiting."""
    return already_spent + worst_case(cat).points <= cat.tier(tier_id).max_counter
