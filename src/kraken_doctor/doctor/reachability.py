"""Can we reach Kraken at all, and is it open for trading? (The API URL, SystemStatus, Time.)

The URL is checked before anything is sent. The calls are public: no key is sent. A
transport failure here explains every later failure, so it gets its own diagnosis and the
private checks are skipped.
"""

from __future__ import annotations

import ipaddress
import time
import urllib.parse
from typing import TYPE_CHECKING

from kraken_doctor.catalog import Catalog, load_catalog
from kraken_doctor.doctor import credentials
from kraken_doctor.doctor.client import Answer, KrakenClient
from kraken_doctor.doctor.errors import classify, err, finding_for, url
from kraken_doctor.doctor.model import Finding
from kraken_doctor.protocol import KnownError

if TYPE_CHECKING:
    from kraken_doctor.doctor.context import Context, Run

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


def _url_problem(url: str, default: str) -> str | None:
    """What is wrong with an API URL, in words that never repeat any part of it.

    Checked before anything is sent or looked up: a key pasted into the URL must not reach
    the screen, a DNS server or a proxy log.
    """
    not_url = f"is not an http(s) URL like {default}"
    if not url.isascii() or not url.isprintable() or any(c.isspace() for c in url):
        return not_url
    if "@" in url:
        return "carries a user name or password (the part before '@'); Kraken's API takes none"
    if "?" in url or "#" in url:
        return f"has a query ('?') or fragment ('#') part; Kraken's API address is only {default}"
    try:
        parts = urllib.parse.urlsplit(url)
        _ = parts.port  # a port that is not a number from 0 to 65535 raises ValueError
    except ValueError:  # also an unclosed IPv6 bracket: "http://[::1"
        return not_url
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return not_url
    if credentials.credential_shaped(parts.netloc + parts.path):
        return (
            "holds text shaped like an API key or secret (in the host or the path); "
            f"Kraken's API address is only {default}"
        )
    return None


def _bad_url(run: Run, origin: str, problem: str) -> Finding:
    # The value itself is never shown: a key pasted into the wrong variable, or a password
    # in the URL, would end up in the report.
    var = run.cat.env_vars.api_url
    default = run.cat.env_vars.default_api_url
    return Finding(
        "reachability",
        "error",
        "bad-api-url",
        f"{origin} {problem}.",
        f"Fix {origin}, or {'leave it out' if origin == '--url' else 'unset it'} to use {default}.",
        None,
        var if origin == var else None,
    )


def _plain_http(url: str, var: str) -> Finding | None:
    """A warning when the API key would travel unencrypted to another machine."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "http" or host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return Finding(
        "reachability",
        "warn",
        "plain-http",
        f"{url} is plain http: the API key and every answer travel unencrypted.",
        f"Use an https:// URL in {var} (Kraken's is https).",
        None,
        var,
    )


def address(run: Run) -> list[Finding]:
    """The API URL (--url, else the variable, else Kraken's): an error stops the whole check."""
    var = run.cat.env_vars.api_url
    raw, origin = run.opts.api_url, "--url"
    if raw is None:
        found = credentials.lookup(var, run.environ, run.dotenv)
        raw, origin = (found.value, found.name) if found.usable else (None, "")
    if raw is None:
        return []  # the report already names Kraken's own URL
    url = raw.strip().rstrip("/")
    problem = _url_problem(url, run.cat.env_vars.default_api_url)
    if problem is not None:
        run.report.api_url = f"({origin}: not usable)"
        return [_bad_url(run, origin, problem)]
    run.report.api_url = url
    plain = _plain_http(url, var)
    return [plain] if plain else []


def run(ctx: Context) -> list[Finding]:
    """The public calls, made once for every account; each account's report gets them."""
    r = ctx.run
    if r.public is None:
        r.say(f"Checking {r.api_url} ...")
        public = KrakenClient(r.api_url, timeout=r.opts.timeout, observer=r.recorder(None))
        try:
            r.public, r.skew = check(public, r.cat, r.cat.env_vars.api_url)
        finally:
            public.close()
    ctx.report.calls.extend(r.public_calls)
    return list(r.public)
