"""Which of the key's permission boxes are ticked: GetApiKeyInfo, else the probe plan.

GetApiKeyInfo answers in one call with the key's own permission slugs. When the server does
not have it (Kraken answers "Unknown method"), the plan from `probes` decides every permission the
bot needs (and Withdraw, when Query is on) with the fewest calls, pacing itself so it never
takes a Starter key's REST counter over its maximum.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kraken_doctor.catalog import Catalog
from kraken_doctor.doctor import auth, errors, probes
from kraken_doctor.doctor.client import Answer, harmless
from kraken_doctor.doctor.errors import classify
from kraken_doctor.doctor.model import Finding, PermState
from kraken_doctor.protocol import KnownError

if TYPE_CHECKING:
    from kraken_doctor.doctor.context import Context


def from_key_info(result: Any, cat: Catalog) -> tuple[dict[str, PermState], list[Finding]]:
    """Every catalog permission as granted or missing, from GetApiKeyInfo's `permissions`."""
    raw = result.get("permissions") if isinstance(result, dict) else None
    if not isinstance(raw, list):
        return {}, [
            Finding(
                "permissions",
                "error",
                "key-info-unreadable",
                "GetApiKeyInfo answered without a permission list.",
                "Run the check again; if it persists, report it.",
            )
        ]
    granted = {str(p) for p in raw}
    known = {p.id for p in cat.permissions}
    states: dict[str, PermState] = {
        p.id: "granted" if p.id in granted else "missing" for p in cat.permissions
    }
    extra = sorted(harmless(p, 60) for p in granted - known)
    findings = []
    if extra:
        findings.append(
            Finding(
                "permissions",
                "info",
                "unknown-permission-slugs",
                f"GetApiKeyInfo lists permissions the doctor does not know: {', '.join(extra)}.",
                "Update kraken-doctor.",
            )
        )
    return states, findings


@dataclass
class Budget:
    """Our estimate of the key's REST counter, to wait rather than hit the limit."""

    max_counter: int
    decay: float
    level: float = 0.0
    at: float = field(default_factory=time.monotonic)
    sleep: Callable[[float], None] = time.sleep

    def spend(self, cost: int) -> None:
        now = time.monotonic()
        self.level = max(0.0, self.level - (now - self.at) * self.decay)
        self.at = now
        if cost and self.level + cost > self.max_counter:
            wait = (self.level + cost - self.max_counter) / self.decay
            self.sleep(wait)
            self.level = max(0.0, self.level - wait * self.decay)
            self.at = time.monotonic()  # that drain is counted: the next call starts from here
        self.level += cost


@dataclass
class ProbeRun:
    states: dict[str, PermState]
    stopped: Answer | None  # the answer that stopped the plan (auth, rate limit, transport)


def run_probes(
    call: Callable[[str, dict[str, str]], Answer], cat: Catalog, budget: Budget
) -> ProbeRun:
    """Walk the optimal plan, component by component, asking `call` for each probe."""
    states: dict[str, PermState] = {t: "unknown" for t in probes.targets(cat)}
    for comp in probes.components(cat):
        observations: list[tuple[str, bool]] = []
        excluded: list[str] = []
        while (probe := probes.next_probe(comp, observations, excluded)) is not None:
            budget.spend(probe.cost)
            ans = call(probe.endpoint, probe.param_dict)
            if ans.ok:
                observations.append((probe.endpoint, True))
                continue
            if ans.failure:
                return ProbeRun(states, ans)
            c = classify(ans.errors[0], cat)
            if c.slug == KnownError.PERMISSION_DENIED:
                observations.append((probe.endpoint, False))
            elif c.order_or_argument:
                # Kraken checks permissions before arguments and order ids (kraken-api.md 3.2).
                observations.append((probe.endpoint, True))
            elif c.slug in (KnownError.CANCEL_ONLY, KnownError.POST_ONLY):
                excluded.append(probe.endpoint)  # the market's mode, not the key: plan around it
            elif c.entry is not None and c.entry.category in ("auth", "rate-limit") or c.temporary:
                return ProbeRun(states, ans)
            else:
                excluded.append(probe.endpoint)  # this probe cannot tell; plan around it
        states.update(probes.decide(comp, observations))  # type: ignore[arg-type]
    return ProbeRun(states, None)


def findings(states: dict[str, PermState], cat: Catalog, method: str) -> list[Finding]:
    """One finding per needed permission that is missing or unknown; one pass when all are on."""
    url = errors.url(cat, KnownError.PERMISSION_DENIED)
    out = []
    needed = cat.required_permissions
    for p in needed:
        state = states.get(p.id, "unknown")
        group = cat.group(p.group).label
        old = f" (formerly {', '.join(p.old_labels)})" if p.old_labels else ""
        if state == "missing":
            out.append(
                Finding(
                    "permissions",
                    "fail",
                    f"missing-{p.id}",
                    f"{group} > {p.label}{old} is not ticked. {p.why}",
                    f"Tick {group} > {p.label} on the key, save, then restart the bot.",
                    url,
                )
            )
        elif state == "unknown":
            # Not verified: the check did not run to the end for this box (exit 2, not 0).
            out.append(
                Finding(
                    "permissions",
                    "error",
                    f"unknown-{p.id}",
                    f"Could not tell whether {group} > {p.label} is ticked.",
                    f"Look at {group} > {p.label} on kraken.com (Settings, then API).",
                    url,
                )
            )
    if not out:
        labels = ", ".join(p.label for p in needed)
        out.append(
            Finding(
                "permissions",
                "pass",
                "all-needed-granted",
                f"All {len(needed)} permissions the bot needs are ticked ({labels}); "
                f"read with {method}.",
            )
        )
    return out


def _probe(ctx: Context) -> tuple[dict[str, PermState] | None, list[Finding]]:
    """The key's boxes from the probe plan, on a server without GetApiKeyInfo.

    The first probe is the key's first accepted call here, so it gets authentication's nonce
    retry, and its acceptance is authentication's pass. None when a probe stopped the plan.
    """
    cat = ctx.cat
    out = [
        Finding(
            "permissions",
            "info",
            "no-getapikeyinfo",
            "This server has no GetApiKeyInfo "
            f"({errors.err(cat, KnownError.UNKNOWN_METHOD)}); probing each permission with "
            "calls that change nothing instead.",
        )
    ]
    tier = cat.tier(ctx.opts.tier)
    budget = Budget(tier.max_counter, tier.decay_per_second)
    budget.spend(cat.endpoint("GetApiKeyInfo").cost)
    answered: list[Answer] = []

    def call(endpoint: str, params: dict[str, str]) -> Answer:
        if answered:
            ans = ctx.client.private(endpoint, params)
        else:
            ans, race = auth.first_call(ctx, endpoint, params)
            out.extend(race)
        answered.append(ans)
        return ans

    plan = run_probes(call, cat, budget)
    if plan.stopped is not None:
        return None, [*out, auth.refused(ctx, plan.stopped, f"in answer to {plan.stopped.method}")]
    if answered:
        out.append(auth.passed(ctx.report.key_hint or "..."))
    if plan.states and all(v != "granted" for v in plan.states.values()):
        out.append(
            Finding(
                "permissions",
                "warn",
                "all-probes-denied",
                "Every probe was refused with Permission denied. A key with API 2FA and no "
                "code, or an IP allowlist without this machine, looks the same.",
                "If the boxes on kraken.com are ticked, check the key's 2FA and IP allowlist.",
            )
        )
    return plan.states, out


def run(ctx: Context) -> list[Finding]:
    """The key's boxes, from GetApiKeyInfo or else the probes; one finding per needed box."""
    info = ctx.key_info
    if info is not None and info.ok:
        ctx.report.permission_method = "GetApiKeyInfo"
        states, out = from_key_info(info.result, ctx.cat)
        if not states:
            return out
    else:
        found, out = _probe(ctx)
        if found is None:
            return out
        ctx.report.permission_method = "probes"
        states = found
    ctx.states = states
    ctx.report.permissions = dict(states)
    return out + findings(states, ctx.cat, ctx.report.permission_method)
