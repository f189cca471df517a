"""Can we reach Kraken at all, and is it open for trading? (SystemStatus and Time.)

These are public calls: no key is sent. A transport failure here explains every later
failure, so it gets its own diagnosis and the private checks are skipped.
"""

from __future__ import annotations

import time

from kraken_doctor.catalog import Catalog, load_catalog
from kraken_doctor.doctor.client import Answer, KrakenClient
from kraken_doctor.doctor.errors import classify, err, finding_for, url
from kraken_doctor.doctor.model import Finding
from kraken_doctor.protocol import KnownError

#: SystemStatus values (Kraken's words) and the catalog error a bot then meets
MODES = {
    "maintenance": KnownError.UNAVAILABLE,
    "cancel_only": KnownError.CANCEL_ONLY,
    "post_only": KnownError.POST_ONLY,
}
CLOCK_SKEW_WARN_S = 5


def transport_finding(ans: Answer, api_url: str, api_url_var: str) -> Finding:
    """One diagnosis per kind of transport failure, each with what to do about it."""
    f = ans.failure
    assert f is not None
    cat = load_catalog()
    status = cat.kraken.status_page
    fixes = {
        "timeout": f"Kraken or the network is slow; try again in a minute, and check {status}.",
        "dns": f"Check the host name in {api_url_var} (or unset it), and the machine's DNS.",
        "tls": "Check the machine's clock, its CA certificates, and any proxy that intercepts "
        "HTTPS.",
        "refused": f"Nothing listens at {api_url}; check {api_url_var}.",
        "dropped": f"Try again; if it persists, check proxies and {status}.",
        "http-5xx": f"Kraken or its CDN is having trouble; check {status} and retry later. "
        "Your key is not the problem.",
        "http-status": "Something between you and Kraken answered instead of Kraken (a proxy, "
        "a firewall, a captcha page); check the network.",
        "html-page": f"Something other than Kraken's API answered; check {api_url_var}.",
        "not-kraken": f"The server at {api_url} is not Kraken's API; check {api_url_var}.",
        "bad-url": f"Set {api_url_var} to a URL like {cat.env_vars.default_api_url}, or unset it.",
        "redirect": f"Kraken's API never redirects: set {api_url_var} to Kraken's own address "
        f"({cat.env_vars.default_api_url}) or the server you mean, or unset it.",
        "too-large": f"The server at {api_url} is not Kraken's API; check {api_url_var}.",
    }
    return Finding(
        "reachability",
        "error",
        f"transport-{f.kind}",
        f"{ans.method} at {api_url}: {f.detail}.",
        fixes.get(f.kind, "Check the network and try again."),
        url(cat, KnownError.UNAVAILABLE),
        api_url_var
        if f.kind in ("dns", "refused", "bad-url", "not-kraken", "redirect", "too-large")
        else None,
    )


def check(
    client: KrakenClient, cat: Catalog, api_url_var: str
) -> tuple[list[Finding], float | None]:
    """Findings, and the server clock minus ours in seconds (None if Time did not answer)."""
    out: list[Finding] = []
    status = client.public("SystemStatus")
    if status.failure:
        return [transport_finding(status, client.base_url, api_url_var)], None
    if status.errors:
        return [
            finding_for(
                "reachability", classify(status.errors[0], cat), cat, "in answer to SystemStatus"
            )
        ], None
    mode = status.result.get("status") if isinstance(status.result, dict) else None
    if mode == "online":
        out.append(Finding("reachability", "pass", "online", "Kraken reports status online."))
    elif mode in MODES:
        error = err(cat, MODES[mode])
        out.append(
            Finding(
                "reachability",
                "error" if mode == "maintenance" else "warn",
                f"status-{mode}",
                f"Kraken reports status {mode}: the bot's calls may fail with {error}.",
                f"Wait until {cat.kraken.status_page} shows Kraken back to normal; your key "
                "is not the problem.",
                url(cat, MODES[mode]),
            )
        )
    else:
        out.append(
            Finding(
                "reachability",
                "warn",
                "status-unknown",
                f"SystemStatus answered without a known status ({str(mode)[:40]!r}).",
                f"Check {cat.kraken.status_page}.",
            )
        )
    before = time.time()
    tm = client.public("Time")
    skew = None
    if tm.failure:
        out.append(transport_finding(tm, client.base_url, api_url_var))
    elif tm.errors:
        out.append(
            finding_for("reachability", classify(tm.errors[0], cat), cat, "in answer to Time")
        )
    elif isinstance(tm.result, dict) and isinstance(tm.result.get("unixtime"), int | float):
        skew = float(tm.result["unixtime"]) - (before + tm.elapsed_ms / 2000)
        if abs(skew) > CLOCK_SKEW_WARN_S:
            way = "behind" if skew > 0 else "ahead of"
            out.append(
                Finding(
                    "reachability",
                    "warn",
                    "clock-skew",
                    f"This machine's clock is about {abs(skew):.0f} s {way} Kraken's. Nonces "
                    "come from the clock; a clock that moves back causes "
                    f"{err(cat, KnownError.INVALID_NONCE)}.",
                    "Turn on time synchronisation (NTP) on the machine that runs the bot.",
                    url(cat, KnownError.INVALID_NONCE),
                )
            )
    return out, skew
