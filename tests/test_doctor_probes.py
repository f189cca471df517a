"""The fallback probe plan is derived from the catalog, decides what it can, and is minimal."""

from __future__ import annotations

import math
from functools import cache
from itertools import combinations
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from kraken_doctor.catalog import Catalog, CatalogError, load_catalog, parse_catalog
from kraken_doctor.doctor import permissions, probes
from kraken_doctor.doctor.client import Answer

CAT = load_catalog()
PERM_IDS = [p.id for p in CAT.permissions]


def _walk(cat, granted: set[str]):
    """Run the plan against a key holding `granted`, answering as Kraken's rules say."""
    calls: list[str] = []
    states: dict[str, str] = {}
    for comp in probes.components(cat):
        obs: list[tuple[str, bool]] = []
        while (p := probes.next_probe(comp, obs)) is not None:
            calls.append(p.endpoint)
            obs.append((p.endpoint, p.needs.satisfied_by(granted)))
        states.update(probes.decide(comp, obs))
    return calls, states


def _all_subsets():
    """Every set of boxes that probes can see (boxes no probe rule mentions change nothing)."""
    seen = [p for p in PERM_IDS if any(p in s.needs.ids for s in probes.probe_specs(CAT))]
    for n in range(len(seen) + 1):
        yield from (set(c) for c in combinations(seen, n))


def test_probes_never_change_state() -> None:
    for spec in probes.probe_specs(CAT):
        ep = CAT.endpoint(spec.endpoint)
        if ep.changes_state:
            params = spec.param_dict
            assert spec.endpoint in ("AddOrder", "AddOrderBatch", "CancelOrder")
            assert params.get("validate") == "true" or spec.endpoint == "CancelOrder"
            if spec.endpoint == "CancelOrder":
                assert "txid" in params


def test_an_unsafe_probe_in_the_catalog_is_refused(tmp_path: Path) -> None:
    text = (Path(__file__).parents[1] / "src/kraken_doctor/catalog.yml").read_text()
    unsafe = text.replace(
        "  - endpoint: CancelOrder\n    params: {txid: OAAAAA-AAAAA-AAAAAA}",
        "  - endpoint: CancelAll\n    params: {}",
    )
    assert unsafe != text
    # Two guards, each tested on its own: the catalog loader refuses the file...
    with pytest.raises(CatalogError, match=r"probes\[\d+\] \(endpoint 'CancelAll'\)"):
        parse_catalog(unsafe)
    # ...and the doctor refuses such a probe even in a catalog that skipped the loader's checks.
    cat = Catalog.model_validate(yaml.safe_load(unsafe))
    with pytest.raises(probes.UnsafeProbe, match="CancelAll"):
        probes.probe_specs(cat)


@cache
def _every_key() -> list[tuple[frozenset[str], list[str], dict[str, str]]]:
    """The plan's calls and verdict for every possible set of ticked boxes."""
    return [(frozenset(g), *_walk(CAT, g)) for g in _all_subsets()]


def test_the_plan_finds_the_truth_wherever_a_probe_can_tell() -> None:
    summary = probes.worst_case(CAT)
    for granted, calls, states in _every_key():
        for pid, state in states.items():
            if state != "unknown":
                assert state == ("granted" if pid in granted else "missing"), (granted, pid)
        for p in CAT.required_permissions:
            assert states[p.id] != "unknown", (granted, p.id)  # every needed one is decided
        assert len(calls) <= summary.calls
        assert len(set(calls)) == len(calls)  # no probe twice


def test_withdraw_is_decided_whenever_query_is_on() -> None:
    for granted in ({"query-funds"}, {"query-funds", "withdraw-funds"}):
        _, states = _walk(CAT, granted)
        assert states["withdraw-funds"] == ("granted" if "withdraw-funds" in granted else "missing")
    assert _walk(CAT, set())[1]["withdraw-funds"] == "unknown"


def _lower_bound(comp: probes.Component) -> int:
    """Calls any plan needs in the worst case: log2 of the distinct end results it must reach."""
    hs = comp.hypotheses()
    classes: dict[tuple[bool, ...], list[frozenset[str]]] = {}
    for h in hs:
        classes.setdefault(tuple(p.needs.satisfied_by(h) for p in comp.probes), []).append(h)
    outcomes = {
        tuple(frozenset(t in h for h in members) for t in comp.targets)
        for members in classes.values()
    }
    return math.ceil(math.log2(len(outcomes))) if len(outcomes) > 1 else 0


def test_the_plan_reaches_the_information_theoretic_minimum() -> None:
    comps = probes.components(CAT)
    bound = sum(_lower_bound(c) for c in comps)
    summary = probes.worst_case(CAT)
    assert summary.calls == bound
    worst = max(len(calls) for _, calls, _ in _every_key())
    assert worst == summary.calls


def test_the_plan_fits_a_starter_keys_counter_with_getapikeyinfo_tried_first() -> None:
    tried = CAT.endpoint("GetApiKeyInfo").cost
    assert probes.fits_tier(CAT, "starter", already_spent=tried)
    worst_points = max(sum(CAT.endpoint(e).cost for e in _walk(CAT, g)[0]) for g in _all_subsets())
    assert worst_points == probes.worst_case(CAT).points
    assert probes.worst_case(CAT).points + tried <= CAT.tier("starter").max_counter


def test_a_plan_that_fills_the_counter_exactly_still_fits() -> None:
    """Kraken refuses a call only when it would take the counter past its maximum, so a plan
    that ends exactly on the maximum needs no waiting; one point more does."""
    room = CAT.tier("starter").max_counter - probes.worst_case(CAT).points
    assert probes.fits_tier(CAT, "starter", already_spent=room)
    assert not probes.fits_tier(CAT, "starter", already_spent=room + 1)


def test_targets_no_probe_covers_are_reported_as_undecidable() -> None:
    summary = probes.worst_case(CAT)
    covered = {t for c in probes.components(CAT) for t in c.targets}
    assert set(summary.undecidable) == set(probes.targets(CAT)) - covered
    for pid in summary.undecidable:
        assert not any(pid in s.needs.ids for s in probes.probe_specs(CAT))


def test_the_budget_waits_instead_of_going_over_the_counter() -> None:
    slept: list[float] = []
    budget = permissions.Budget(max_counter=3, decay=1.0, sleep=slept.append)
    for _ in range(3):
        budget.spend(1)
    assert slept == []
    budget.spend(2)
    assert slept and slept[0] > 1.5


def test_the_budget_waits_just_long_enough_for_the_counter_to_drain(monkeypatch) -> None:
    """A call that would take the counter past its maximum waits until enough has drained,
    no longer; after the wait the counter is at the maximum, so the next call waits again."""
    monkeypatch.setattr(permissions, "time", SimpleNamespace(monotonic=lambda: 100.0))
    slept: list[float] = []  # the clock stands still: all drain comes from these waits
    budget = permissions.Budget(max_counter=3, decay=0.5, at=100.0, sleep=slept.append)
    budget.spend(3)
    budget.spend(2)  # 3 + 2 is 2 over the maximum: 2 / 0.5 = 4 seconds
    budget.spend(1)  # the counter is back at 3 after that wait: 1 / 0.5 = 2 seconds
    assert slept == [4.0, 2.0]


def test_the_drain_during_a_wait_is_counted_once(monkeypatch) -> None:
    """With a clock that moves while the budget sleeps (as a real one does), the call after
    a wait still waits: counting the wait's drain twice would let it go over the maximum."""
    clock = [100.0]
    monkeypatch.setattr(permissions, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    budget = permissions.Budget(max_counter=3, decay=0.5, at=100.0, sleep=sleep)
    budget.spend(3)
    budget.spend(2)  # waits 4 s: at 104 s the counter is back at 3
    budget.spend(1)  # 3 + 1 is over 3 again: 2 more seconds
    assert slept == [4.0, 2.0]


@pytest.mark.parametrize(
    "error",
    [
        "EGeneral:Invalid arguments:asset",
        "EQuery:Unknown asset",
        "EFunding:No funding method",
        "EOrder:Invalid order",
    ],
)
def test_an_argument_error_means_the_permission_check_passed(error: str) -> None:
    """Kraken checks permissions before arguments (kraken-api.md 3.2), so a probe refused for
    its arguments shows the box is ticked; Permission denied shows it is not."""

    def answers(refusal: str):
        def call(endpoint: str, params: dict[str, str]) -> Answer:
            if endpoint == "WithdrawMethods":
                return Answer(endpoint, True, errors=[refusal])
            return Answer(endpoint, True, result={})

        return call

    def states(refusal: str) -> dict[str, str]:
        tier = CAT.rate_tiers[-1]
        budget = permissions.Budget(tier.max_counter, tier.decay_per_second)
        return permissions.run_probes(answers(refusal), CAT, budget).states

    assert CAT.endpoint("WithdrawMethods").needs.all_of == ["query-funds", "withdraw-funds"]
    assert states(error)["withdraw-funds"] == "granted"
    assert states(CAT.error("egeneral-permission-denied").string)["withdraw-funds"] == "missing"
