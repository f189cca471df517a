"""Kraken connection test with ccxt: the NIJA bot's first call (Balance), run by hand.

Usage:
    python connection_test_ccxt.py                        # the master account
    python connection_test_ccxt.py --user alice_example   # the user alice_example

It reads the same environment variables as the bot and prints the bot's
"KRAKEN PRO CONNECTED" block, or Kraken's error and the page that fixes it.
Exit code 0 means connected. Needs only `pip install ccxt`.
"""

import argparse
import json
import os
import re
import sys
from decimal import Decimal
from typing import NoReturn

import ccxt


# --8<-- [start:credentials]
def credentials(user_id: str | None) -> tuple[str, str, str]:
    """The key pair the bot would use, as (key, secret, account label)."""
    if user_id:
        first = user_id.split("_", 1)[0].upper()  # john_smith -> JOHN
        pairs = [(f"KRAKEN_USER_{first}_API_KEY", f"KRAKEN_USER_{first}_API_SECRET")]
        label = f"USER:{user_id}"
    else:
        pairs = [
            ("KRAKEN_MASTER_API_KEY", "KRAKEN_MASTER_API_SECRET"),
            ("KRAKEN_API_KEY", "KRAKEN_API_SECRET"),  # legacy names, read for the master only
        ]
        label = "MASTER"
    for key_name, secret_name in pairs:
        key = os.environ.get(key_name, "").strip()
        secret = os.environ.get(secret_name, "").strip()
        if key and secret:
            return key, secret, label
        if key or secret:
            sys.exit(f"❌ {secret_name if key else key_name} is not set (or blank) for {label}.")
    sys.exit(f"⚠️  Kraken credentials not configured for {label}: set {' and '.join(pairs[0])}.")
    # --8<-- [end:credentials]


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


def unreachable(url: str, why: str) -> NoReturn:
    sys.exit(
        f"⚠️  Kraken connection failed - network issue or API unavailable ({why}).\n"
        f"   Check KRAKEN_API_URL ({url}) and https://status.kraken.com"
    )


def not_kraken(url: str) -> NoReturn:
    """A JSON answer of another shape: a proxy, a login page or another server answered."""
    sys.exit(
        f"⚠️  The answer from {url} is not Kraken's (no error list and balances).\n"
        "   Check that KRAKEN_API_URL is Kraken's API address and no proxy changes the answer."
    )


def kraken_answer(message: str) -> object:
    """Kraken's answer inside a ccxt error's text (`kraken {"error":[...]}`), or None."""
    try:
        return json.loads(message.removeprefix("kraken "))
    except ValueError:
        return None


def kraken_shaped(reply: object) -> bool:
    """Kraken always answers {"error": [strings], "result": ...}."""
    errors = reply.get("error") if isinstance(reply, dict) else None
    return isinstance(errors, list) and all(isinstance(e, str) for e in errors)


def amounts(balances: object, url: str) -> tuple[Decimal, Decimal]:
    """(USD, USDT) from Balance's result; anything not shaped like it ends the run."""
    try:
        return Decimal(balances.get("ZUSD", "0")), Decimal(balances.get("USDT", "0"))
    except (AttributeError, TypeError, ArithmeticError):  # not a dict, or not amounts
        not_kraken(url)


def main() -> int:
    parser = argparse.ArgumentParser(description="Test the Kraken connection like the bot.")
    parser.add_argument("--user", metavar="USER_ID", help="a user id (default: the master)")
    key, secret, label = credentials(parser.parse_args().user)

    # --8<-- [start:connect]
    url = api_url()
    exchange = ccxt.kraken({"apiKey": key, "secret": secret, "timeout": TIMEOUT * 1000})
    exchange.urls["api"]["public"] = exchange.urls["api"]["private"] = url
    print(f"Testing Kraken connection ({label}), key ending {key[-4:]}, at {url}")
    try:
        reply = exchange.private_post_balance()  # Kraken's own answer, as it came
    except ccxt.BaseError as exc:
        # ccxt raises one class per kind of error: "kraken " and Kraken's answer as its text.
        reply = kraken_answer(str(exc))
        if reply is None:  # refused, timed out, HTTP 5xx
            status = re.search(r"/0/private/\w+ (\d{3}) ", str(exc))
            unreachable(url, f"HTTP {status[1]}" if status else type(exc).__name__)
    except (AttributeError, TypeError):  # ccxt tripped over an answer not shaped like Kraken's
        reply = None
    if not kraken_shaped(reply):  # e.g. a web page: ccxt returns it as text
        not_kraken(url)
    if reply["error"]:
        print(f"❌ Kraken connection test failed ({label}): {', '.join(reply['error'])}")
        print(f"   How to fix it: {docs_url(reply['error'][0])}")
        return 1
    # --8<-- [end:connect]

    # --8<-- [start:success]
    usd, usdt = amounts(reply.get("result", {}), url)
    print("=" * 70)
    print(f"✅ KRAKEN PRO CONNECTED ({label})")
    print(f"Account: {label}")
    print(f"USD Balance: ${usd:.2f}")
    print(f"USDT Balance: ${usdt:.2f}")
    print(f"Total: ${usd + usdt:.2f}")
    return 0
    # --8<-- [end:success]


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
