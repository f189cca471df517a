"""Balances of the master and every user account side by side (python-kraken-sdk version).

Usage:
    python balance_check_kraken_sdk.py

The master uses KRAKEN_MASTER_API_KEY/_SECRET (or the legacy KRAKEN_API_KEY/_SECRET);
every KRAKEN_USER_<FIRST>_API_KEY/_SECRET pair in the environment is a user. Two accounts
that show the same balance usually share one API key: this script says so.
Exit code 0 means every account answered and no two share a key.
"""

import os
import re
import sys
from decimal import Decimal

from kraken.spot import SpotClient


# --8<-- [start:accounts]
def accounts() -> list[tuple[str, str, str]]:
    """(account, key variable, secret variable) for the master and every configured user."""
    found = [("MASTER", "KRAKEN_MASTER_API_KEY", "KRAKEN_MASTER_API_SECRET")]
    master_set = any(os.environ.get(name, "").strip() for name in found[0][1:])
    if not master_set and os.environ.get("KRAKEN_API_KEY", "").strip():
        found = [("MASTER", "KRAKEN_API_KEY", "KRAKEN_API_SECRET")]  # legacy names
    for name in sorted(os.environ):
        user = re.fullmatch(r"KRAKEN_USER_([A-Z0-9]+)_API_KEY", name)
        if user:
            found.append((f"USER {user[1]}", name, f"KRAKEN_USER_{user[1]}_API_SECRET"))
    return found
    # --8<-- [end:accounts]


def connect(key: str, secret: str, url: str) -> SpotClient:
    # Without its own exceptions, the SDK hands back Kraken's answer as it came (with them,
    # an answer of {} and an empty balance would look the same). It joins /0/private/... to url.
    return SpotClient(key=key, secret=secret, url=url, use_custom_exceptions=False)


def balance(api: SpotClient, url: str) -> tuple[str, str, str] | str:
    """(USD, USDT, total) as the bot computes them, or the error to show instead."""
    try:
        answer = api.request("POST", "/0/private/Balance", timeout=TIMEOUT)
        if answer.status_code != 200:
            return f"cannot reach {url} (HTTP {answer.status_code})"
        reply = answer.json()
    except ValueError:  # not JSON: a web page (a proxy or a login page answered)
        return NOT_KRAKEN
    except OSError as exc:  # refused, timed out
        return f"cannot reach {url} ({type(exc).__name__})"
    return figures(reply)


NOT_KRAKEN = "the answer is not Kraken's: check KRAKEN_API_URL and any proxy"


def figures(reply: object) -> tuple[str, str, str] | str:
    """The bot's figures from Kraken's answer, or its error with the page, or why neither."""
    errors = reply.get("error") if isinstance(reply, dict) else None
    if not isinstance(errors, list) or not all(isinstance(e, str) for e in errors):
        return NOT_KRAKEN
    if errors:
        return f"{errors[0]}  {docs_url(errors[0])}"
    try:  # an unfunded account may get no result at all
        result = reply.get("result", {})
        usd, usdt = Decimal(result.get("ZUSD", "0")), Decimal(result.get("USDT", "0"))
    except (AttributeError, TypeError, ArithmeticError):  # not a dict, or not amounts
        return NOT_KRAKEN
    return f"{usd:.2f}", f"{usdt:.2f}", f"{usd + usdt:.2f}"


TIMEOUT = 30  # seconds to wait for Kraken's answer
# What KRAKEN_API_URL may hold: scheme, host and port. A longer host name part than 40
# characters, or any other character, is more likely a pasted key than an address.
ADDRESS = r"https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9-]{1,40}(\.[A-Za-z0-9-]{1,40})*)(:\d{1,5})?"


def api_url() -> str:
    """Kraken's address, or the one in KRAKEN_API_URL (a mock, a proxy), without a final /."""
    url = os.environ.get("KRAKEN_API_URL", "").strip().rstrip("/") or "https://api.kraken.com"
    if not re.fullmatch(ADDRESS, url):  # not printed: it may hold a key or a secret
        sys.exit(
            "⚠️  KRAKEN_API_URL is not a plain address such as https://api.kraken.com"
            " (scheme, host and port only). It is not shown here: it may hold a key."
        )
    return url


def main() -> int:
    url = api_url()
    rows, keys, ok = [], {}, True
    for account, key_name, secret_name in accounts():
        key = os.environ.get(key_name, "").strip()
        secret = os.environ.get(secret_name, "").strip()
        if not (key and secret):
            rows.append((account, "", f"not configured: set {key_name} and {secret_name}"))
            ok = False
            continue
        keys.setdefault(key, []).append(account)
        result = balance(connect(key, secret, url), url)
        ok = ok and isinstance(result, tuple)
        rows.append((account, f"…{key[-4:]}", result))

    print(f"{'Account':<14} {'Key':<6} {'USD':>12} {'USDT':>12} {'Total':>12}")
    for account, key, result in rows:
        if isinstance(result, tuple):
            print(f"{account:<14} {key:<6} {result[0]:>12} {result[1]:>12} {result[2]:>12}")
        else:
            print(f"{account:<14} {key:<6} {result}")

    # --8<-- [start:same-key]
    for key, sharing in keys.items():
        if len(sharing) > 1:
            ok = False
            print(f"\n⚠️  {' and '.join(sharing)} use the same API key (…{key[-4:]}),")
            print("   so they always show the same balance and trade the same money.")
            print("   Give each account its own key, created on its own Kraken account.")
    # --8<-- [end:same-key]
    return 0 if ok else 1


# The page for each error a private call can answer with (errors about orders aside);
# any other error links to the list of all errors.
DOCS = "https://kraken-doctor.github.io/kraken-doctor/errors/"
PAGES = """
egeneral-permission-denied eapi-invalid-key eapi-invalid-signature eapi-invalid-nonce
egeneral-temporary-lockout eapi-rate-limit-exceeded egeneral-unknown-method
egeneral-invalid-arguments eservice-unavailable eservice-busy eaccount-invalid-permissions
eauth-account-temporary-disabled eauth-account-unconfirmed eauth-rate-limit-exceeded
eauth-too-many-requests esession-invalid-session eapi-bad-request
egeneral-invalid-arguments-index-unavailable egeneral-internal-error egeneral-too-many-requests
eapi-feature-disabled eservice-throttled eorder-rate-limit-exceeded
eorder-orders-limit-exceeded eorder-domain-rate-limit-exceeded
eservice-market-in-cancel-only-mode eservice-market-in-post-only-mode eservice-deadline-elapsed
""".split()


def docs_url(error: str) -> str:
    """EAPI:Invalid key -> .../errors/eapi-invalid-key/, the most detailed page first."""
    parts = error.split(":")
    for n in range(len(parts), 1, -1):  # EGeneral:Invalid arguments:volume -> 2 parts
        slug = re.sub(r"[^a-z0-9]+", "-", ":".join(parts[:n]).lower()).strip("-")
        if slug in PAGES:
            return DOCS + slug + "/"
    return DOCS


if __name__ == "__main__":
    sys.exit(main())
