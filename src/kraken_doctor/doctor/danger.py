"""What the key may do that no bot should, and settings that would limit a leaked key.

A forbidden permission (Withdraw above all) is a problem even when everything works: a leaked
key could empty the account. An empty IP allowlist and a key without expiry are only advice,
because bots on platforms with changing addresses cannot always use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kraken_doctor.catalog import Catalog
from kraken_doctor.doctor import errors
from kraken_doctor.doctor.model import Finding, PermState
from kraken_doctor.protocol import KnownError

if TYPE_CHECKING:
    from kraken_doctor.doctor.context import Context


def check(states: dict[str, PermState], key_info: Any, cat: Catalog) -> list[Finding]:
    out = []
    url = errors.url(cat, KnownError.PERMISSION_DENIED)
    for p in cat.forbidden_permissions:
        group = cat.group(p.group).label
        if states.get(p.id) == "granted":
            out.append(
                Finding(
                    "danger",
                    "fail",
                    f"forbidden-{p.id}",
                    f"DANGER: {group} > {p.label} is ticked. {p.why}",
                    f"Untick {group} > {p.label} now and save the key. No trading bot needs it.",
                    url,
                )
            )
    if isinstance(key_info, dict):
        allow = key_info.get("ipAllowlist")
        if isinstance(allow, list) and not allow:
            out.append(
                Finding(
                    "danger",
                    "info",
                    "no-ip-allowlist",
                    "The key works from any IP address.",
                    "If the bot runs from a fixed address, add it to the key's IP allowlist.",
                    url,
                )
            )
        if str(key_info.get("validUntil", "")).strip() in ("0", ""):
            out.append(
                Finding(
                    "danger",
                    "info",
                    "no-expiry",
                    "The key never expires.",
                    "Consider an expiry date, and a reminder to replace the key before it.",
                    url,
                )
            )
    elif not any(f.status == "fail" for f in out):
        out.append(
            Finding(
                "danger",
                "info",
                "settings-unread",
                "The key's IP allowlist and expiry could not be read without GetApiKeyInfo.",
                "Look at them on kraken.com (Settings, then API).",
            )
        )
    if not any(f.status == "fail" for f in out):
        decided = [p for p in cat.forbidden_permissions if states.get(p.id) == "missing"]
        if decided:
            names = ", ".join(p.label for p in decided)
            out.insert(0, Finding("danger", "pass", "no-forbidden", f"Not ticked: {names}."))
    return out


def run(ctx: Context) -> list[Finding]:
    """Once the boxes are known: what the key may do that no bot should."""
    if ctx.states is None:
        return []
    return check(ctx.states, ctx.key_result, ctx.cat)
