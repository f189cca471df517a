"""Kraken connection test: the NIJA bot's first call (Balance), run by hand.

Usage:
    python connection_test.py                        # the master account
    python connection_test.py --user alice_example   # the user alice_example

It reads the same environment variables as the bot and prints the bot's
"KRAKEN PRO CONNECTED" block, or Kraken's error and the page that fixes it.
Exit code 0 means connected. Needs only `pip install krakenex`.
"""

import argparse
import os
import re
import sys
from decimal import Decimal

import krakenex


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


def main() -> int:
    parser = argparse.ArgumentParser(description="Test the Kraken connection like the bot.")
    parser.add_argument("--user", metavar="USER_ID", help="a user id (default: the master)")
    key, secret, label = credentials(parser.parse_args().user)

    # --8<-- [start:connect]
    api = krakenex.API(key, secret)
    api.uri = os.environ.get("KRAKEN_API_URL", "").strip().rstrip("/") or "https://api.kraken.com"
    if not api.uri.startswith(("http://", "https://")):  # not printed: it may be a pasted key
        sys.exit("⚠️  KRAKEN_API_URL is not an http(s) URL such as https://api.kraken.com")
    print(f"Testing Kraken connection ({label}), key ending {key[-4:]}, at {api.uri}")
    try:
        reply = api.query_private("Balance", timeout=30)
    except (OSError, ValueError) as exc:  # refused, timed out, HTTP 5xx, not JSON
        status = getattr(getattr(exc, "response", None), "status_code", None)
        sys.exit(
            "⚠️  Kraken connection failed - network issue or API unavailable "
            f"({f'HTTP {status}' if status else type(exc).__name__}).\n"
            f"   Check KRAKEN_API_URL ({api.uri}) and https://status.kraken.com"
        )
    if reply.get("error"):
        print(f"❌ Kraken connection test failed ({label}): {', '.join(reply['error'])}")
        print(f"   How to fix it: {docs_url(reply['error'][0])}")
        return 1
    # --8<-- [end:connect]

    # --8<-- [start:success]
    balances = reply["result"]
    usd, usdt = Decimal(balances.get("ZUSD", "0")), Decimal(balances.get("USDT", "0"))
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
